"""A long import screened beside the writing: each committed chunk scored in a second process while
the next is written (screening.services.beside). The same hits as screening chunk after chunk in
the importing process; a chunk whose scoring fails or is lost is a failed run with its persons
counted unscreened, and never costs a household.

Transactional: the chunks must commit one by one, as in a real import, for screening to run beside
them (inside a caller's transaction the import screens as before)."""

import os
import signal
import time

import pytest

from muster.custody.models import Facility
from muster.identity import ScreeningIndex
from muster.intake import services as intake
from muster.intake.kobo import read_export
from muster.people.models import Person
from muster.screening import matching
from muster.screening.models import Hit, ScreeningRun
from muster.screening.services import beside, unscreened_since_failure
from tests import factories
from tests.intake.test_kobo import write_api_json

pytestmark = pytest.mark.django_db(transaction=True)


def _head(given: str, father: str, family: str, year: str, sex: str = "M") -> dict:
    return {"relationship_to_head": "head", "given_name": given, "father_name": father,
            "grandfather_name": "Hamad", "family_name": family, "mother_name": "Fatima",
            "sex": sex, "dob_known": "year", "birth_year": year, "nationality": "IRQ"}  # fmt: skip


# Six households, two per chunk of two: each of the last four has a look-alike head in another
# chunk (the pairs the registry screening must propose), the first two have none.
PEOPLE = [
    ("Muhammad", "Jasim", "al-Obeidi", "1985"),
    ("Khalid", "Saleh", "al-Jubouri", "1972"),
    ("Omar", "Ibrahim", "al-Dulaimi", "1990"),
    ("Yusuf", "Mahmoud", "al-Shammari", "1968"),
    ("Omar", "Ibrahim", "al-Dulaimi", "1990"),
    ("Yusuf", "Mahmoud", "al-Shammari", "1968"),
]
EXPECTED_PAIRS = [("Omar", "Omar"), ("Yusuf", "Yusuf")]


def _file(tmp_path):
    households = [
        {"_uuid": f"0b7e1c2a-0000-4000-8000-{i:012d}", "reception_point": "",
         "members": [_head(*names)]}
        for i, names in enumerate(PEOPLE)
    ]  # fmt: skip
    return write_api_json(tmp_path / "d.json", households)


def _import(path, **kwargs):
    point = Facility.objects.get(name="Reception Point 1")
    run = intake.start_import(file_name=path.name, reception_point=point, by=None)
    return intake.import_submissions(run, read_export(path), by=None, chunk=2, **kwargs)


def _pairs() -> list[tuple[str, str]]:
    return sorted(
        (h.person.given_name, h.candidate.given_name)
        for h in Hit.objects.filter(kind=Hit.Kind.DUPLICATE).select_related("person", "candidate")
    )


@pytest.fixture
def beside_on(settings, transactional_db):
    factories.facilities()
    matching.reset()
    settings.MUSTER = {**(getattr(settings, "MUSTER", None) or {}), "IMPORT_SCREEN_BESIDE_FROM": 2}


@pytest.mark.parametrize("screen_beside", [True, False])
def test_beside_the_writing_or_after_each_chunk_the_same_duplicates_are_proposed(
    beside_on, settings, tmp_path, screen_beside
):
    if not screen_beside:
        settings.MUSTER = {**settings.MUSTER, "IMPORT_SCREEN_BESIDE_FROM": 10**6}
    run = _import(_file(tmp_path))
    assert (run.imported, run.persons) == (6, 6)
    assert _pairs() == EXPECTED_PAIRS
    runs = ScreeningRun.objects.filter(kind=ScreeningRun.Kind.REGISTRATION)
    assert sorted(runs.values_list("status", "total", "done")) == [("done", 2, 2)] * 3
    assert sum(runs.values_list("hits_created", flat=True)) == 2
    # Scored beside: this process's index never took the imported persons in.
    assert (matching.REGISTRY.person_mark == 0) is screen_beside
    assert beside.active() is None  # the scoring process was stopped with the import


def test_a_chunk_whose_scoring_fails_is_a_failed_run_and_no_household_is_lost(
    beside_on, tmp_path, monkeypatch
):
    """The scoring process inherits the fault (it is forked after it): the chunk holding Yusuf's
    first record fails; the other chunks are screened."""
    scored = ScreeningIndex.candidates_many

    def failing(self, records, *args, **kwargs):
        if any(r.get("given_name") == "Yusuf" for r in records):
            raise MemoryError
        return scored(self, records, *args, **kwargs)

    monkeypatch.setattr(ScreeningIndex, "candidates_many", failing)
    run = _import(_file(tmp_path))
    assert run.imported == 6 and Person.objects.count() == 6
    runs = ScreeningRun.objects.filter(kind=ScreeningRun.Kind.REGISTRATION).order_by("id")
    assert list(runs.values_list("status", "error")) == [
        ("done", ""), ("failed", "MemoryError"), ("failed", "MemoryError")]  # fmt: skip
    assert unscreened_since_failure() == 4
    assert _pairs() == []  # each look-alike's second record is in a failed chunk
    assert matching.REGISTRY.person_mark == 0  # scored beside, not here


def test_a_lost_scoring_process_fails_its_chunks_and_the_rest_are_screened_here(
    beside_on, tmp_path
):
    killed = []

    def kill_after_the_first_chunk(run):
        helper = beside.active()
        if helper is not None and not killed:
            killed.append(helper.process.pid)
            os.kill(helper.process.pid, signal.SIGKILL)
            helper.process.join()

    path = _file(tmp_path)
    point = Facility.objects.get(name="Reception Point 1")
    run = intake.start_import(file_name=path.name, reception_point=point, by=None)
    run = intake.import_submissions(
        run, read_export(path), by=None, chunk=2, on_progress=kill_after_the_first_chunk
    )
    assert killed and run.imported == 6 and Person.objects.count() == 6
    runs = ScreeningRun.objects.filter(kind=ScreeningRun.Kind.REGISTRATION)
    statuses = sorted(runs.values_list("status", "error"))
    # The first chunk: scored before the kill or lost with the process; the next two here.
    assert statuses.count(("done", "")) >= 2 and len(statuses) == 3
    failed = [s for s in statuses if s[0] == "failed"]
    assert failed in ([], [("failed", "WorkerLost")])
    assert unscreened_since_failure() == 2 * len(failed)
    assert _pairs() == EXPECTED_PAIRS  # the look-alikes' second records came after the kill


def _hang(requests, results, index, lists_index) -> None:
    """A scoring process that takes the chunks and never answers (alive, stuck)."""
    requests.get()
    time.sleep(3600)


def test_a_hung_scoring_process_is_stopped_and_its_chunks_fail_the_import_ends(
    beside_on, tmp_path, monkeypatch
):
    monkeypatch.setattr(beside, "_score_chunks", _hang)
    monkeypatch.setattr(beside, "_STALL_SECONDS", 1.0)
    stopped = []
    monkeypatch.setattr(beside.Beside, "_lose", _spy(beside.Beside._lose, stopped))
    run = _import(_file(tmp_path))
    assert run.imported == 6 and Person.objects.count() == 6
    runs = ScreeningRun.objects.filter(kind=ScreeningRun.Kind.REGISTRATION)
    assert sorted(runs.values_list("status", "error")) == [("failed", "WorkerLost")] * 3
    assert unscreened_since_failure() == 6
    assert beside.active() is None
    (helper,) = stopped
    assert not helper.process.is_alive() and helper.process.exitcode == -signal.SIGTERM


def _spy(method, seen):
    def spied(self):
        seen.append(self)
        return method(self)

    return spied
