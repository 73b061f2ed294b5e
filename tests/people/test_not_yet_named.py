"""A newborn registered before the family has named the baby: "-" (or the "not yet named" box) as
the given name, for a baby under a year old only; stored with no given name and the flag, shown as
such, screened without harm, and named later by an audited correction."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from muster.audit.models import AuditEvent
from muster.people.models import Person, PersonCorrection
from muster.people.validation import clean_member
from tests.factories import household_post

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize(
    "raw",
    [
        {"given_name": "-", "date_of_birth": "2026-10-28"},
        {"given_name": "—", "estimated_age": "0"},
        {"given_name": "–", "birth_year": "2026"},
        {"given_name": "", "not_yet_named": "on", "date_of_birth": "2025-12-08"},
    ],
)
def test_a_baby_under_a_year_is_registered_not_yet_named(raw):
    cleaned = clean_member({"family_name": "al-Jubouri", **raw}, today=TODAY)
    assert (cleaned["given_name"], cleaned["not_yet_named"]) == ("", True)
    assert cleaned["family_name"] == "al-Jubouri"


def test_a_name_written_wins_over_the_box():
    cleaned = clean_member(
        {"given_name": "Omar", "not_yet_named": True, "estimated_age": "0"}, today=TODAY
    )
    assert (cleaned["given_name"], cleaned["not_yet_named"]) == ("Omar", False)


@pytest.mark.parametrize(
    "raw, code",
    [
        ({"given_name": "-", "date_of_birth": "2025-12-07"}, "not_yet_named_too_old"),  # one today
        ({"given_name": "-", "birth_year": "2025"}, "not_yet_named_too_old"),
        ({"given_name": "-", "estimated_age": "4"}, "not_yet_named_too_old"),
        ({"given_name": "-"}, "not_yet_named_too_old"),  # no age: not known to be a baby
        ({"given_name": "", "not_yet_named": "on"}, "not_yet_named_too_old"),
        ({"given_name": "--", "estimated_age": "0"}, "no_letter"),
        ({"given_name": "7", "estimated_age": "0"}, "no_letter"),
        ({"given_name": "", "estimated_age": "0"}, "required"),
    ],
)
def test_other_letterless_or_missing_given_names_are_still_refused(raw, code):
    with pytest.raises(ValidationError) as exc:
        clean_member(raw, today=TODAY)
    assert [e.code for e in exc.value.error_dict["given_name"]] == [code]


def _newborn_family(born: dt.date) -> list[dict]:
    return [
        {"given_name": "Layla", "father_name": "Ahmad", "family_name": "al-Jubouri",
         "mother_name": "Huda", "sex": "F", "relationship_to_head": "head",
         "birth_year": "1994", "nationality": "IRQ"},
        {"given_name": "-", "father_name": "Ahmad", "family_name": "al-Jubouri",
         "mother_name": "Layla", "sex": "M", "relationship_to_head": "son",
         "date_of_birth": born.isoformat(), "nationality": "IRQ"},
    ]  # fmt: skip


def test_registered_at_reception_shown_as_not_yet_named_and_screened_without_harm(
    officer_client, facilities, django_capture_on_commit_callbacks
):
    from muster.screening import matching, tasks
    from muster.screening import services as screening
    from muster.screening.models import ScreeningRun

    matching.reset()
    born = dt.date.today() - dt.timedelta(days=40)
    form = officer_client.get(reverse("reception")).content.decode()
    assert 'name="members[0].not_yet_named"' in form
    for _ in range(2):  # the same family registered twice: the babies compared with each other
        with django_capture_on_commit_callbacks(execute=True):
            response = officer_client.post(
                reverse("reception"), household_post(_newborn_family(born), facilities["reception"])
            )
        assert response.status_code == 302, response.content.decode()[:3000]
    matching.reset()
    babies = Person.objects.filter(not_yet_named=True)
    assert babies.count() == 2 and set(babies.values_list("given_name", flat=True)) == {""}
    assert ScreeningRun.objects.filter(kind="registration").count() == 2
    assert set(ScreeningRun.objects.values_list("status", flat=True)) == {"done"}
    run = screening.run_batch_rescreen(tasks.start_batch_rescreen(by=None).pk)
    assert run.status == "done" and run.error == ""

    baby = babies.first()
    page = officer_client.get(reverse("person-detail", args=[baby.number])).content.decode()
    assert 'data-testid="not-yet-named">not yet named<' in page
    found = officer_client.get(reverse("person-search"), {"q": "al-Jubouri"}).content.decode()
    assert baby.number in found and 'data-testid="not-yet-named"' in found


def test_the_api_registers_a_baby_not_yet_named(facilities):
    from tests import factories

    client = factories.api_as("registration_officer")[1]
    born = dt.date.today() - dt.timedelta(days=10)
    members = _newborn_family(born)
    members[1] = {**members[1], "given_name": "", "not_yet_named": True}
    response = client.post(
        "/api/households/", {"reception_point": facilities["reception"].pk, "members": members}
    )
    assert response.status_code == 201, response.content
    baby = Person.objects.get(not_yet_named=True)
    assert baby.given_name == ""
    read = client.get(f"/api/people/{baby.number}/").json()
    assert (read["given_name"], read["not_yet_named"]) == ("", True)
    # Not under a year old: refused, naming the member and the field, nothing written.
    members[1]["date_of_birth"] = "2020-01-01"
    response = client.post(
        "/api/households/", {"reception_point": facilities["reception"].pk, "members": members}
    )
    assert response.status_code == 400
    assert response.json()["codes"] == {"members[1].given_name": ["not_yet_named_too_old"]}
    assert Person.objects.count() == 2


def test_the_baby_is_named_later_by_an_audited_correction(officer_client, facilities):
    born = dt.date.today() - dt.timedelta(days=40)
    officer_client.post(
        reverse("reception"), household_post(_newborn_family(born), facilities["reception"])
    )
    baby = Person.objects.get(not_yet_named=True)
    url = reverse("person-correct", args=[baby.number])
    form = officer_client.get(url).content.decode()
    assert 'data-testid="not-yet-named"' in form
    body = {"given_name": "", "father_name": "Ahmad", "family_name": "al-Jubouri",
            "mother_name": "Layla", "sex": "M", "relationship_to_head": "son",
            "date_of_birth": born.isoformat(), "nationality": "IRQ"}  # fmt: skip
    # Another field corrected: the baby stays not yet named.
    done = officer_client.post(url, {**body, "mother_name": "Layla Hassan", "reason": "card"})
    assert done.status_code == 302
    baby.refresh_from_db()
    assert (baby.given_name, baby.not_yet_named, baby.mother_name) == ("", True, "Layla Hassan")

    done = officer_client.post(url, {**body, "given_name": "Yusuf", "reason": "named on day 40"})
    assert done.status_code == 302
    baby.refresh_from_db()
    assert (baby.given_name, baby.not_yet_named) == ("Yusuf", False)
    assert baby.name_key != Person.objects.get(relationship_to_head="head").name_key
    correction = PersonCorrection.objects.filter(person=baby).latest("corrected_at")
    assert correction.changes["given_name"] == ["", "Yusuf"]
    assert correction.changes["not_yet_named"] == [True, False]
    assert AuditEvent.objects.filter(action="person.correct", object_id=str(baby.pk)).count() == 2
    page = officer_client.get(reverse("person-detail", args=[baby.number])).content.decode()
    assert 'data-testid="not-yet-named"' not in page and "Yusuf" in page
    # The timeline says the baby was named, and does not count the flag as another field.
    timeline = page[page.index('<ol class="timeline">') :]
    timeline = timeline[: timeline.index("</ol>")]
    assert "Named: Yusuf (was not yet named)" in timeline
    assert "other field" not in timeline and "Given name: — → Yusuf" not in timeline
    api = officer_client.get(f"/api/people/{baby.number}/timeline/")
    assert api.status_code == 200
    details = [e["detail"] for e in api.json() if e["kind"] == "corrected"]
    assert details[-1].startswith("Named: Yusuf (was not yet named); mother's name")


def test_an_import_reads_a_dash_as_a_baby_not_yet_named(facilities, tmp_path):
    from muster.cli import main
    from tests.intake.test_kobo import HOUSEHOLDS, write_api_json

    born = dt.date.today() - dt.timedelta(days=20)
    first = HOUSEHOLDS[0]
    baby = {"relationship_to_head": "daughter", "given_name": "—", "sex": "F",
            "dob_known": "day", "date_of_birth": born.isoformat()}  # fmt: skip
    household = {**first, "reception_point": "", "members": [*first["members"], baby]}
    path = write_api_json(tmp_path / "d.json", [household])
    assert main(["import", "kobo", str(path), "--facility", "Reception Point 1"]) == 0
    imported = Person.objects.get(relationship_to_head="daughter")
    assert (imported.given_name, imported.not_yet_named) == ("", True)
