"""Correct a person's record and add a late-arriving relative from the person page, with history."""

import pytest
from django.urls import reverse

from muster.custody import services as custody
from muster.people.models import Person, PersonCorrection
from tests.factories import household_post

pytestmark = pytest.mark.django_db


def test_the_person_page_offers_both(registered, officer_client):
    head = registered.members.get(relationship_to_head="head")
    html = officer_client.get(reverse("person-detail", args=[head.number])).content.decode()
    assert reverse("person-correct", args=[head.number]) in html
    assert reverse("household-add-member", args=[head.number]) in html


def test_a_correction_with_a_reason_is_recorded_and_shown_in_the_timeline(
    registered, officer_client
):
    son = registered.members.get(relationship_to_head="son")
    url = reverse("person-correct", args=[son.number])
    form = officer_client.get(url).content.decode()
    assert 'value="Omar"' in form and 'value="2015-03-02"' in form

    body = {
        "given_name": "Umar",
        "father_name": "Muhammad",
        "grandfather_name": "Jasim",
        "family_name": "al-Obeidi",
        "mother_name": "Aisha",
        "sex": "M",
        "relationship_to_head": "son",
        "date_of_birth": "٢٠١٥-٠٣-٠٢",
        "nationality": "IRQ",
        "separated_child": "on",
    }
    refused = officer_client.post(url, body)
    assert refused.status_code == 400 and "a correction needs a reason" in refused.content.decode()

    done = officer_client.post(url, {**body, "reason": "spelling on his school card"})
    assert done.status_code == 302
    son.refresh_from_db()
    assert son.given_name == "Umar" and son.separated_child
    correction = PersonCorrection.objects.get(person=son)
    assert correction.changes == {"given_name": ["Omar", "Umar"]}
    page = officer_client.get(reverse("person-detail", args=[son.number])).content.decode()
    assert "spelling on his school card" in page and "Omar → Umar" in page


def test_a_correction_refuses_a_contradicting_flag(registered, officer_client):
    head = registered.members.get(relationship_to_head="head")
    url = reverse("person-correct", args=[head.number])
    body = {
        "given_name": "Muhammad",
        "sex": "M",
        "relationship_to_head": "head",
        "birth_year": "1985",
        "pregnant": "on",
        "reason": "typo",
    }
    response = officer_client.post(url, body)
    assert response.status_code == 400
    assert "cannot be ticked for a male" in response.content.decode()
    head.refresh_from_db()
    assert not head.pregnant


def test_a_late_relative_joins_the_household_and_is_screened(
    registered, officer_client, facilities, django_capture_on_commit_callbacks
):
    from muster.screening.models import ScreeningRun

    head = registered.members.get(relationship_to_head="head")
    url = reverse("household-add-member", args=[head.number])
    assert officer_client.get(url).status_code == 200
    relative = {
        "given_name": "Zainab",
        "father_name": "Muhammad",
        "family_name": "al-Obeidi",
        "sex": "F",
        "birth_year": "٢٠١٠",
        "relationship_to_head": "daughter",
        "nationality": "IRQ",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(url, household_post([relative], facilities["reception"]))
    assert response.status_code == 302
    zainab = Person.objects.get(given_name="Zainab")
    assert zainab.household == registered and zainab.birth_year == 2010
    assert custody.current_placement(zainab).facility == facilities["reception"]
    assert ScreeningRun.objects.filter(total=1).exists()
    assert response.url == reverse("person-detail", args=[zainab.number])


def test_a_late_relative_is_not_a_second_head(registered, officer_client, facilities):
    head = registered.members.get(relationship_to_head="head")
    url = reverse("household-add-member", args=[head.number])
    body = household_post(
        [{"given_name": "Ali", "sex": "M", "relationship_to_head": "head"}], facilities["reception"]
    )
    response = officer_client.post(url, body)
    assert response.status_code == 400
    assert "data-error-summary" in response.content.decode()
    assert registered.members.count() == 3


def _zainab(*documents: dict) -> dict:
    """A late relative, a daughter born in 2010, with ``documents`` as the form posts them."""
    return {"given_name": "Zainab", "family_name": "al-Obeidi", "sex": "F", "birth_year": "2010",
            "relationship_to_head": "daughter", "documents": list(documents)}  # fmt: skip


def test_a_late_relative_brings_several_documents(registered, officer_client, facilities):
    head = registered.members.get(relationship_to_head="head")
    url = reverse("household-add-member", args=[head.number])
    page = officer_client.get(url).content.decode()
    # "+ Add document" clones this template (muster.js): without it the button did nothing here.
    assert 'id="document-template"' in page and "data-add-document" in page
    relative = _zainab(
        {"doc_type": "birth_certificate", "number": "BC-2010-77", "issuing_country": "IRQ"},
        {"doc_type": "passport", "number": "A1234567", "issuing_country": "IRQ"},
    )
    response = officer_client.post(url, household_post([relative], facilities["reception"]))
    assert response.status_code == 302
    zainab = Person.objects.get(given_name="Zainab")
    assert sorted(zainab.documents.values_list("doc_type", "number")) == [
        ("birth_certificate", "BC-2010-77"),
        ("passport", "A1234567"),
    ]


def test_a_late_relatives_bad_number_after_an_empty_document_row_stays_beside_its_row(
    registered, officer_client, facilities
):
    head = registered.members.get(relationship_to_head="head")
    relative = _zainab(
        {"doc_type": "", "number": "", "issuing_country": ""},
        {"doc_type": "national_id", "number": "SY123456789", "issuing_country": "SYR"},
    )
    response = officer_client.post(
        reverse("household-add-member", args=[head.number]),
        household_post([relative], facilities["reception"]),
    )
    assert response.status_code == 400
    html = response.content.decode()
    typed = html.index('name="members[0].documents[1].number"')
    assert "is not a Syrian national number" in html[typed : html.index("</label>", typed)]
    empty = html.index('name="members[0].documents[0].number"')
    assert "Syrian national number" not in html[empty : html.index("</label>", empty)]
    assert not Person.objects.filter(given_name="Zainab").exists()


def _field_html(page: str, name: str) -> str:
    """The element named ``name`` on the page, and what follows it up to the next field's label."""
    start = page.index(f'name="{name}"')
    start = page.rindex("<", 0, start)
    end = page.find("<label", start + 1)
    return page[start : end if end > 0 else None]


@pytest.mark.parametrize(
    "changes, field, code",
    [
        ({"sex": "X"}, "sex", "not_a_sex"),
        ({"relationship_to_head": "cousin"}, "relationship_to_head", "not_a_relationship"),
        ({"pregnant": "on"}, "pregnant", "flag_contradicts_sex"),
        ({"unaccompanied_child": "on"}, "unaccompanied_child", "flag_contradicts_age"),
    ],
)
def test_every_refused_field_of_the_correction_is_marked_and_says_why_beside_it(
    registered, officer_client, changes, field, code
):
    head = registered.members.get(relationship_to_head="head")
    url = reverse("person-correct", args=[head.number])
    body = {"given_name": head.given_name, "sex": "M", "relationship_to_head": "head",
            "birth_year": "1985", "reason": "typo", **changes}  # fmt: skip
    response = officer_client.post(url, body)
    assert response.status_code == 400
    page = response.content.decode()
    beside = _field_html(page, field)
    assert 'aria-invalid="true"' in beside.split(">", 1)[0], beside
    assert f'data-testid="error-{field}" data-code="{code}"' in beside, beside
    assert page.count('aria-invalid="true"') == 1  # only the refused field
    head.refresh_from_db()
    assert (head.sex, head.relationship_to_head, head.pregnant) == ("M", "head", False)
