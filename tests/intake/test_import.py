"""Households from Kobo and ODK exports registered in the database: through reception's service,
once only (by the submission's _uuid / instanceID), each household whole, every row reported.

The files are written by the fixture writers of test_kobo and test_odk, the way Kobo and Central write
them (a members sheet, Arabic answers, a ';' CSV, an API page, a Central zip).
"""

import csv

import pytest

from muster.audit.models import AuditEvent
from muster.cli import main
from muster.custody.models import Facility, Placement
from muster.intake import services as intake
from muster.intake import tasks
from muster.intake.kobo import read_export
from muster.intake.models import ImportedSubmission, SubmissionImport
from muster.people.models import Household, IdentityDocument, Person
from tests.intake.test_kobo import (
    HOUSEHOLDS,
    write_api_json,
    write_kobo_xlsx,
    write_semicolon_csv,
)
from tests.intake.test_odk import write_central_zip, write_odata

WRITERS = {
    "kobo.xlsx": write_kobo_xlsx,
    "members.csv": write_semicolon_csv,
    "data.json": write_api_json,
    "central.zip": write_central_zip,
    "Submissions.json": write_odata,
}
POINT = "Reception Point 1"
# The phone's form left the reception point empty: --facility says where the file was collected.
UNNAMED = [{**hh, "reception_point": ""} for hh in HOUSEHOLDS]


def registry_counts() -> tuple[int, ...]:
    return (
        Household.objects.count(),
        Person.objects.count(),
        IdentityDocument.objects.count(),
        Placement.objects.count(),
        ImportedSubmission.objects.count(),
    )


def report(path) -> list[dict]:
    return list(csv.DictReader(path.open(encoding="utf-8")))


@pytest.mark.parametrize("name", list(WRITERS))
def test_every_format_registers_the_good_household_and_reports_the_others(
    facilities, tmp_path, capsys, name
):
    path = WRITERS[name](tmp_path / name, UNNAMED)
    out = tmp_path / "report.csv"
    code = main(["import", "kobo", str(path), "--facility", POINT, "--report", str(out)])
    assert code == 1  # two households refused
    household = Household.objects.get()
    head, wife, son = household.members.order_by("id")
    assert (head.given_name, head.father_name, head.family_name) == ("محمد", "أحمد", "الحسن")
    assert head.documents.get().number == "02010345678"
    assert wife.pregnant and son.disability and son.medical
    assert {p.facility for p in Placement.objects.filter(is_current=True)} == {
        facilities["reception"]
    }
    imported = ImportedSubmission.objects.get()
    assert (imported.submission_id, imported.household) == (HOUSEHOLDS[0]["_uuid"], household)
    rows = report(out)
    assert [r["status"] for r in rows] == ["imported", "refused", "refused"]
    assert rows[0]["household"] == household.number
    assert rows[1]["field"] == "date_of_birth" and rows[1]["problem"] == "is in the future"
    assert "exactly one head" in rows[2]["problem"]
    err = capsys.readouterr().err
    assert "3 submission(s) read" in err and "1 imported (3 person(s))" in err


@pytest.mark.parametrize("name", ["kobo.xlsx", "central.zip"])
def test_importing_the_same_file_twice_changes_nothing(facilities, tmp_path, capsys, name):
    path = WRITERS[name](tmp_path / name, UNNAMED)
    main(["import", "kobo", str(path), "--facility", POINT])
    before = registry_counts()
    out = tmp_path / "again.csv"
    assert main(["import", "odk", str(path), "--facility", POINT, "--report", str(out)]) == 1
    assert registry_counts() == before
    rows = report(out)
    assert rows[0]["status"] == "duplicate"
    household = Household.objects.get()
    assert rows[0]["problem"] == f"already imported as household {household.number}"
    source = read_export(path).source
    line = f"3 submission(s) read ({source}): 0 imported (0 person(s)), 1 duplicate(s), 2 refused"
    assert line in capsys.readouterr().err
    runs = SubmissionImport.objects.order_by("id")
    assert [(r.imported, r.duplicates, r.refused) for r in runs] == [(1, 0, 2), (0, 1, 2)]


def test_another_export_of_the_same_submissions_is_recognised(facilities, tmp_path):
    main(
        ["import", "kobo", str(write_kobo_xlsx(tmp_path / "a.xlsx", UNNAMED)), "--facility", POINT]
    )
    before = registry_counts()
    assert main(["import", "kobo", str(write_api_json(tmp_path / "b.json", UNNAMED)),
                 "--facility", POINT]) == 1  # fmt: skip
    assert registry_counts() == before


def test_dry_run_writes_nothing_and_marks_what_is_already_imported(facilities, tmp_path, capsys):
    path = write_api_json(tmp_path / "d.json", UNNAMED[:1])
    assert main(["import", "kobo", str(path), "--facility", POINT, "--dry-run"]) == 0
    assert registry_counts() == (0, 0, 0, 0, 0)
    assert "\tok\t" in capsys.readouterr().out
    main(["import", "kobo", str(path), "--facility", POINT])
    main(["import", "kobo", str(path), "--facility", POINT, "--dry-run"])
    assert "\tduplicate\t" in capsys.readouterr().out


def test_a_household_that_cannot_be_placed_is_refused_whole(facilities, tmp_path, capsys):
    """The reception point has room for one more person: the family of three is refused with the
    reason, none of its members is left registered; the single man after it is registered."""
    small = Facility.objects.create(name="Tent 4", kind="reception_point", capacity=1)
    households = [UNNAMED[0], {**UNNAMED[1], "members": [
        {**UNNAMED[1]["members"][0], "date_of_birth": "1980-01-01"}]}]  # fmt: skip
    out = tmp_path / "r.csv"
    path = write_api_json(tmp_path / "d.json", households)
    assert main(["import", "kobo", str(path), "--facility", "Tent 4", "--report", str(out)]) == 1
    rows = report(out)
    assert [r["status"] for r in rows] == ["refused", "imported"]
    assert rows[0]["field"] == "facility" and "capacity" in rows[0]["problem"].lower()
    assert Person.objects.count() == 1 and Person.objects.get().given_name == "Khalid"
    assert Placement.objects.get().facility == small


def test_each_imported_person_is_screened_and_a_possible_duplicate_proposed_not_merged(
    registered, tmp_path, django_capture_on_commit_callbacks
):
    from muster.screening import matching
    from muster.screening.models import Hit

    matching.reset()
    earlier = registered.members.get(relationship_to_head="head")
    again = {"_uuid": "a6b1f0de-0000-4000-8000-000000000001", "reception_point": "",
             "members": [{"relationship_to_head": "head", "given_name": "Muhammad",
                          "father_name": "Jasim", "grandfather_name": "Hamad",
                          "family_name": "al-Obeidi", "mother_name": "Fatima", "sex": "M",
                          "dob_known": "year", "birth_year": "1985", "nationality": "IRQ"}]}  # fmt: skip
    path = write_api_json(tmp_path / "d.json", [again])
    with django_capture_on_commit_callbacks(execute=True):
        assert main(["import", "kobo", str(path), "--facility", POINT]) == 0
    matching.reset()
    newcomer = ImportedSubmission.objects.get().household.members.get()
    hit = Hit.objects.get(person=newcomer)
    assert hit.kind == "duplicate" and hit.candidate == earlier and hit.status == "open"
    newcomer.refresh_from_db()
    assert newcomer.merged_into is None and earlier.merged_into is None


def test_every_write_is_audited(facilities, tmp_path):
    path = write_api_json(tmp_path / "d.json", UNNAMED)
    main(["import", "kobo", str(path), "--facility", POINT])
    run = SubmissionImport.objects.get()
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions[0] == "intake.import.start" and actions[-1] == "intake.import"
    assert actions.count("person.register") == 3 and actions.count("household.register") == 1
    final = AuditEvent.objects.order_by("seq").last()
    assert final.object_id == str(run.pk) and final.detail["refused"] == 2
    assert final.detail["via"] == "cli"  # the operator who ran it is named


@pytest.mark.parametrize(
    "facility, message",
    [
        ("Al-Hol Camp", "Al-Hol Camp is not an open reception point; households are registered "
                        "at one (Displacement camp)"),
        ("Nowhere", "no facility is named 'Nowhere'"),
    ],
)  # fmt: skip
def test_facility_must_be_a_reception_point(facilities, tmp_path, capsys, facility, message):
    path = write_api_json(tmp_path / "d.json", UNNAMED)
    assert main(["import", "kobo", str(path), "--facility", facility]) == 2
    assert capsys.readouterr().err == f"muster: --facility: {message}\n"
    assert registry_counts() == (0, 0, 0, 0, 0)


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]])
def test_without_facility_a_file_with_rows_naming_none_is_refused_naming_them(
    facilities, tmp_path, capsys, dry_run
):
    named = {**UNNAMED[0], "reception_point": str(facilities["reception"].pk)}
    path = write_api_json(tmp_path / "d.json", [named, {**UNNAMED[0], "_uuid": "other"}])
    assert main(["import", "kobo", str(path), *dry_run]) == 2
    out = capsys.readouterr()
    assert out.err == "muster: row 2 names no reception point: give --facility for them\n"
    assert out.out == "" and registry_counts() == (0, 0, 0, 0, 0)
    assert not SubmissionImport.objects.exists()


def test_without_facility_a_file_whose_rows_all_name_one_is_imported(facilities, tmp_path, capsys):
    named = [{**hh, "reception_point": POINT} for hh in UNNAMED]
    path = write_api_json(tmp_path / "d.json", named)
    assert main(["import", "kobo", str(path)]) == 1  # the other two households are refused
    assert Household.objects.count() == 1
    assert Placement.objects.get(person__relationship_to_head="head").facility.name == POINT


@pytest.mark.parametrize("name", list(WRITERS))
def test_a_baby_answered_not_yet_named_on_the_phone_is_registered_not_yet_named(
    facilities, tmp_path, name
):
    import datetime as dt

    born = (dt.date.today() - dt.timedelta(days=40)).isoformat()
    family = {
        "_uuid": "6a0c3b9e-1f2d-4e5a-8b7c-000000000b0b",
        "reception_point": "",
        "members": [
            {"relationship_to_head": "head", "given_name": "Ahmad", "sex": "M",
             "dob_known": "year", "birth_year": "1990"},
            {"relationship_to_head": "son", "not_yet_named": "yes", "sex": "M",
             "dob_known": "day", "date_of_birth": born},
        ],
    }  # fmt: skip
    path = WRITERS[name](tmp_path / name, [family])
    assert main(["import", "kobo", str(path), "--facility", POINT]) == 0
    baby = Person.objects.get(relationship_to_head="son")
    assert (baby.given_name, baby.not_yet_named, baby.date_of_birth.isoformat()) == ("", True, born)
    assert Person.objects.get(relationship_to_head="head").not_yet_named is False


def _family_answering(yes: str, no: str, uuid: str = "6a0c3b9e-1f2d-4e5a-8b7c-000000000b1b"):
    import datetime as dt

    born = (dt.date.today() - dt.timedelta(days=40)).isoformat()
    return {
        "_uuid": uuid,
        "reception_point": "",
        "members": [
            {"relationship_to_head": "head", "not_yet_named": no, "given_name": "Ahmad",
             "sex": "M", "dob_known": "year", "birth_year": "1990"},
            {"relationship_to_head": "son", "not_yet_named": yes, "sex": "M",
             "dob_known": "day", "date_of_birth": born},
        ],
    }  # fmt: skip


@pytest.mark.parametrize(
    "yes, no", [("Yes", "No"), ("نعم", "لا"), ("بەڵێ", "نەخێر"), ("Erê", "Na"), ("1", "0")]
)
@pytest.mark.parametrize("name", ["kobo.xlsx", "members.csv", "central.zip"])
def test_an_export_downloaded_with_labels_reads_yes_and_no_in_each_language(
    facilities, tmp_path, name, yes, no
):
    # "نعم" (the form's Arabic label) was read as no: the baby not yet named was refused for want of
    # a given name.
    path = WRITERS[name](tmp_path / name, [_family_answering(yes, no)])
    assert main(["import", "kobo", str(path), "--facility", POINT]) == 0
    baby = Person.objects.get(relationship_to_head="son")
    assert (baby.given_name, baby.not_yet_named) == ("", True)
    assert Person.objects.get(relationship_to_head="head").not_yet_named is False


@pytest.mark.parametrize("name", ["kobo.xlsx", "members.csv", "data.json"])
def test_a_yes_no_answer_that_is_neither_is_refused_naming_its_row_and_column(
    facilities, tmp_path, capsys, name
):
    path = WRITERS[name](tmp_path / name, [_family_answering("ربما", "No")])
    out = tmp_path / "report.csv"
    assert main(["import", "kobo", str(path), "--facility", POINT, "--report", str(out)]) == 1
    assert Person.objects.count() == 0
    refused = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    # The file's row (the API's submission 1), the member, the question.
    where = {"kobo.xlsx": "2", "members.csv": "2", "data.json": "1"}[name]
    assert [(r["row"], r["member"], r["field"]) for r in refused] == [(where, "2", "not_yet_named")]
    assert refused[0]["status"] == "refused" and refused[0]["problem"] == (
        "'ربما' is neither yes nor no (in English, Arabic, Sorani or Kurmanji)"
    )


def test_a_yes_no_answer_that_is_neither_is_refused_in_the_officers_language(facilities, tmp_path):
    from django.utils import translation

    path = write_kobo_xlsx(tmp_path / "k.xlsx", [_family_answering("maybe", "No")])
    with translation.override("ckb"):
        problems = [str(p) for s in read_export(path).submissions for p in s.problems]
    assert problems == [
        "ڕیزی 2، ئەندامی 2، not_yet_named: '\u2068maybe\u2069' نە بەڵێیە نە نەخێر "
        "(بە ئینگلیزی، عەرەبی، سۆرانی یان کورمانجی)"
    ]


def test_a_baby_not_yet_named_a_year_old_or_more_is_refused_naming_the_given_name(
    facilities, tmp_path
):
    family = {
        "_uuid": "6a0c3b9e-1f2d-4e5a-8b7c-000000000b0c",
        "reception_point": "",
        "members": [
            {"relationship_to_head": "head", "given_name": "Ahmad", "sex": "M"},
            {"relationship_to_head": "son", "not_yet_named": "yes", "sex": "M",
             "dob_known": "estimated", "estimated_age": "3"},
        ],
    }  # fmt: skip
    path = write_kobo_xlsx(tmp_path / "k.xlsx", [family])
    out = tmp_path / "report.csv"
    assert main(["import", "kobo", str(path), "--facility", POINT, "--report", str(out)]) == 1
    assert Person.objects.count() == 0
    row = report(out)[0]
    assert row["status"] == "refused" and row["field"] == "given_name"
    assert "under a year old" in row["problem"]


# -- malformed files: one line, exit 2, nothing written ------------------------------------------


def _wrong_sheet(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Sheet1"
    book.active.append(["_uuid", "reception_point"])
    book.save(tmp_path / "x.xlsx")
    return tmp_path / "x.xlsx", "no 'members' sheet"


def _missing_column(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("members/given_name;_submission__uuid\nمحمد;u1\n", encoding="utf-8")
    return path, "missing column members/relationship_to_head"


def _wrong_encoding(tmp_path):
    path = tmp_path / "w.csv"
    path.write_bytes("given_name;relationship_to_head\nمحمد;head\n".encode("cp1256"))
    return path, "is not UTF-8 text"


def _too_big(tmp_path):
    path = tmp_path / "huge.zip"
    with open(path, "wb") as f:
        f.truncate(50 * 1024 * 1024 + 1)
    return path, "at most 50 MB"


@pytest.mark.parametrize("make", [_wrong_sheet, _missing_column, _wrong_encoding, _too_big])
def test_a_malformed_file_is_one_line_and_writes_nothing(facilities, tmp_path, capsys, make):
    path, message = make(tmp_path)
    assert main(["import", "kobo", str(path), "--facility", POINT]) == 2
    err = capsys.readouterr().err
    assert err.startswith("muster: ") and message in err and err.count("\n") == 1
    assert "Traceback" not in err
    assert registry_counts() == (0, 0, 0, 0, 0)
    assert not SubmissionImport.objects.exists()


# -- the worker ----------------------------------------------------------------------------------


def test_progress_is_kept_on_the_import_as_households_are_registered(
    facilities, make_user, tmp_path
):
    many = [
        {**UNNAMED[1], "_uuid": f"u-{i}",
         "members": [{**UNNAMED[1]["members"][0], "date_of_birth": "1980-01-01"}]}
        for i in range(5)
    ]  # fmt: skip
    batch = read_export(write_api_json(tmp_path / "d.json", many))
    run = intake.start_import(file_name="d.json", reception_point=facilities["reception"], by=None)
    seen = []

    def progress(run):
        stored = SubmissionImport.objects.get(pk=run.pk)  # what the page polls
        seen.append((stored.status, stored.done, stored.imported, Household.objects.count()))

    intake.import_submissions(run, batch, by=None, chunk=2, on_progress=progress)
    assert seen == [("running", 2, 2, 2), ("running", 4, 4, 4), ("running", 5, 5, 5)]
    assert SubmissionImport.objects.get().status == "done"


def test_a_queued_import_runs_in_the_worker(facilities, make_user, tmp_path, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    officer = make_user("registration_officer")
    data = write_kobo_xlsx(tmp_path / "k.xlsx", UNNAMED).read_bytes()
    run = intake.start_import(
        file_name="k.xlsx", reception_point=facilities["reception"], by=officer, data=data
    )
    run = tasks.queue_import(run)
    assert (run.status, run.total, run.done, run.imported, run.refused) == ("done", 3, 3, 1, 2)
    assert run.persons == 3 and run.task_id
    assert run.data is None  # the file is not kept once imported
    assert [r["status"] for r in run.report] == ["imported", "refused", "refused"]
    assert Household.objects.get().registered_by == officer


def test_the_worker_writes_the_report_in_the_language_of_the_officer_who_uploaded(
    facilities, make_user, tmp_path, settings
):
    from django.utils import translation

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    data = write_kobo_xlsx(tmp_path / "k.xlsx", UNNAMED).read_bytes()
    with translation.override("ar"):  # the officer's page was in Arabic
        run = intake.start_import(
            file_name="k.xlsx", reception_point=facilities["reception"], by=make_user(), data=data
        )
    assert run.language == "ar"
    run = tasks.queue_import(run)  # the worker has no request, hence no language of its own
    imported = next(r for r in run.report if r["status"] == "imported")
    assert imported["problem"] == "3 أشخاص"
    again = intake.start_import(
        file_name="k.xlsx", reception_point=facilities["reception"], by=None
    )
    intake.import_submissions(again, read_export(tmp_path / "k.xlsx"), by=None)
    assert again.report[0]["problem"].startswith("already imported as household")


def test_a_queued_file_that_cannot_be_read_fails_with_the_reason(facilities, make_user, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    run = intake.start_import(
        file_name="x.csv", reception_point=facilities["reception"], by=make_user(), data=b"\xff\xfe"
    )
    run = tasks.queue_import(run)
    assert run.status == "failed" and run.error.startswith("x.csv: is not UTF-8 text")
    assert run.data is None and not Household.objects.exists()


def _import_outcome(path, *, bulk: bool) -> dict:
    """What an import left: persons, households, documents, placements, report, audit."""
    point = Facility.objects.get(name=POINT)
    run = intake.start_import(file_name=path.name, reception_point=point, by=None)
    intake.import_submissions(run, read_export(path), by=None, bulk=bulk)
    run.refresh_from_db()
    number = {h.pk: h.number for h in Household.objects.all()}
    persons = sorted(
        (p.given_name, p.family_name, p.sex, p.date_of_birth, p.birth_year, p.pregnant, p.name_key,
         len(number[p.household_id]), p.household.members.count(),
         Placement.objects.get(person=p, is_current=True).facility.name,
         tuple(p.documents.values_list("doc_type", "number")))
        for p in Person.objects.select_related("household")
    )  # fmt: skip
    strip = [{k: v for k, v in r.items() if k != "household"} for r in run.report]
    actions = sorted(AuditEvent.objects.values_list("action", "object_type"))
    return {"persons": persons, "report": strip, "counts": registry_counts(),
            "actions": actions, "run": (run.imported, run.refused, run.persons)}  # fmt: skip


def _hits() -> list[tuple]:
    from muster.screening.models import Hit

    return sorted(
        (h.kind, h.person.given_name, h.candidate.given_name, h.status, h.band)
        for h in Hit.objects.select_related("person", "candidate")
    )


def test_the_bulk_path_leaves_what_household_by_household_leaves(
    facilities, tmp_path, django_capture_on_commit_callbacks
):
    """The same file (a good household, two refused, three look-alike households, one with a
    document) through both paths, each rolled back after: the same persons, households,
    placements, report, audit events and screening hits; the audit chain verifies."""
    from django.db import transaction

    from muster.audit.services import verify
    from muster.reports import counters
    from muster.screening import matching

    twin = {**UNNAMED[0], "_uuid": "3f1c9a52-5d1e-4c1b-9a0e-0d6f0b1e7a09"}
    bad_doc = {**UNNAMED[0], "_uuid": "3f1c9a52-5d1e-4c1b-9a0e-0d6f0b1e7a0a", "members": [
        {**UNNAMED[0]["members"][0], "doc_type": "national_id", "doc_number": "12"}]}  # fmt: skip
    path = write_api_json(tmp_path / "d.json", [*UNNAMED, twin, bad_doc])
    outcomes = []
    for bulk in (False, True):
        matching.reset()
        with transaction.atomic():
            with django_capture_on_commit_callbacks(execute=True):
                outcome = _import_outcome(path, bulk=bulk)
            outcome["hits"] = _hits()  # screened once the import committed
            outcomes.append(outcome)
            assert verify().ok
            assert not counters.differences()  # the report counters' triggers saw every row
            # The bulk path sets the insert triggers aside on SQLite and puts them back.
            assert not counters.ensure_installed()
            again = _import_outcome(path, bulk=bulk)
            assert again["counts"] == outcome["counts"]  # re-import changes nothing
            assert again["report"] and {r["status"] for r in again["report"]} <= {
                "duplicate", "refused"}  # fmt: skip
            transaction.set_rollback(True)
    matching.reset()
    by_one, in_bulk = outcomes
    assert in_bulk == by_one
    assert by_one["run"][0] == 3 and by_one["hits"]  # the look-alikes: imported, proposed
    assert [r["status"] for r in by_one["report"]].count("refused") == 2
