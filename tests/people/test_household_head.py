"""A household has exactly one head among its current members: a correction may not leave it with
none or two; "Make head of household" changes the head in one step, audited, in both timelines."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from muster.audit.models import AuditEvent
from muster.people import services as people
from muster.people.models import Person, PersonCorrection
from tests import factories

pytestmark = pytest.mark.django_db


def _members(household) -> dict[str, Person]:
    return {p.relationship_to_head: p for p in household.members.order_by("id")}


def _current_heads(household) -> list[str]:
    return list(
        household.members.filter(relationship_to_head="head", merged_into__isnull=True)
        .order_by("id")
        .values_list("number", flat=True)
    )


SON = {
    "given_name": "Omar",
    "father_name": "Muhammad",
    "grandfather_name": "Jasim",
    "family_name": "al-Obeidi",
    "mother_name": "Aisha",
    "sex": "M",
    "date_of_birth": "2015-03-02",
    "nationality": "IRQ",
    "separated_child": "on",
}
HEAD = {
    "given_name": "Muhammad",
    "father_name": "Jasim",
    "grandfather_name": "Hamad",
    "family_name": "al-Obeidi",
    "mother_name": "Fatima",
    "sex": "M",
    "birth_year": "1985",
    "nationality": "IRQ",
}


def _error(html: str, field: str) -> str:
    marker = f'data-testid="error-{field}"'
    assert marker in html, html
    return html.split(marker, 1)[1].split("</li>", 1)[0]


def test_a_correction_making_a_second_head_is_refused_beside_the_field(registered, officer_client):
    m = _members(registered)
    url = reverse("person-correct", args=[m["son"].number])
    response = officer_client.post(
        url, {**SON, "relationship_to_head": "head", "reason": "he is the head now"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    error = _error(html, "relationship_to_head")
    assert 'data-code="household_has_head"' in error and m["head"].number in error
    assert "Make head of household" in error
    m["son"].refresh_from_db()
    assert m["son"].relationship_to_head == "son"
    assert not PersonCorrection.objects.exists()
    assert _current_heads(registered) == [m["head"].number]


def test_a_correction_leaving_no_head_is_refused_beside_the_field(registered, officer_client):
    m = _members(registered)
    url = reverse("person-correct", args=[m["head"].number])
    response = officer_client.post(
        url, {**HEAD, "relationship_to_head": "son", "reason": "wrong relationship"}
    )
    assert response.status_code == 400
    assert 'data-code="household_needs_head"' in _error(
        response.content.decode(), "relationship_to_head"
    )
    assert _current_heads(registered) == [m["head"].number]
    assert not PersonCorrection.objects.exists()


def test_the_refusal_is_translated(registered, officer_client):
    m = _members(registered)
    officer_client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    url = reverse("person-correct", args=[m["head"].number])
    response = officer_client.post(url, {**HEAD, "relationship_to_head": "son", "reason": "x"})
    assert response.status_code == 400
    error = _error(response.content.decode(), "relationship_to_head")
    assert "ستبقى الأسرة بلا ربّ" in error, error


def test_other_relationship_corrections_still_pass(registered, officer_client):
    m = _members(registered)
    url = reverse("person-correct", args=[m["spouse"].number])
    form = officer_client.get(url)
    assert form.status_code == 200
    response = officer_client.post(
        reverse("person-correct", args=[m["son"].number]),
        {**SON, "relationship_to_head": "nephew", "reason": "his nephew, not his son"},
    )
    assert response.status_code == 302
    m["son"].refresh_from_db()
    assert m["son"].relationship_to_head == "nephew"


def test_make_head_changes_both_in_one_step_audited_and_in_both_timelines(
    registered, officer_client
):
    m = _members(registered)
    page = officer_client.get(reverse("person-detail", args=[m["spouse"].number])).content.decode()
    url = reverse("person-make-head", args=[m["spouse"].number])
    assert url in page and "Make head of household" in page
    head_page = officer_client.get(reverse("person-detail", args=[m["head"].number])).content
    assert reverse("person-make-head", args=[m["head"].number]) not in head_page.decode()

    form = officer_client.get(url)
    assert form.status_code == 200 and m["head"].number in form.content.decode()

    # The former head's relationship is required; nothing is written without it.
    refused = officer_client.post(url, {"reason": "he was killed; she leads the family"})
    assert refused.status_code == 400
    assert 'data-code="required"' in _error(refused.content.decode(), "former_head_relationship")
    refused = officer_client.post(url, {"former_head_relationship": "head", "reason": "x"})
    assert refused.status_code == 400
    _error(refused.content.decode(), "former_head_relationship")
    refused = officer_client.post(url, {"former_head_relationship": "spouse", "reason": " "})
    assert refused.status_code == 400
    _error(refused.content.decode(), "reason")
    assert not PersonCorrection.objects.exists()
    assert _current_heads(registered) == [m["head"].number]

    done = officer_client.post(
        url, {"former_head_relationship": "spouse", "reason": "he is detained; she leads"}
    )
    assert done.status_code == 302
    assert _current_heads(registered) == [m["spouse"].number]
    m["head"].refresh_from_db()
    assert m["head"].relationship_to_head == "spouse"
    assert PersonCorrection.objects.get(person=m["spouse"]).changes == {
        "relationship_to_head": ["spouse", "head"]
    }
    assert PersonCorrection.objects.get(person=m["head"]).changes == {
        "relationship_to_head": ["head", "spouse"]
    }
    for p in (m["spouse"], m["head"]):
        assert AuditEvent.objects.filter(
            action="person.correct", object_id=str(p.pk), detail__household_head=registered.number
        ).exists()
        timeline = officer_client.get(reverse("person-detail", args=[p.number])).content.decode()
        assert "he is detained; she leads" in timeline
    event = AuditEvent.objects.get(action="household.head_change")
    assert event.detail == {"head": m["spouse"].number, "former": [m["head"].number]}

    again = officer_client.post(url, {"former_head_relationship": "spouse", "reason": "again"})
    assert again.status_code == 400
    assert 'data-code="already_head"' in again.content.decode()


def test_a_role_that_may_not_correct_may_not_change_the_head(registered, login, make_user):
    m = _members(registered)
    client = login(make_user("camp_manager"))
    url = reverse("person-make-head", args=[m["son"].number])
    response = client.post(url, {"former_head_relationship": "father", "reason": "x"})
    assert response.status_code in (403, 404)
    assert _current_heads(registered) == [m["head"].number]


# ------------------------------------------------------------------ API


def test_the_api_refuses_a_second_head_and_changes_the_head_through_make_head(registered):
    m = _members(registered)
    _, api = factories.api_as("registration_officer")
    refused = api.patch(
        f"/api/people/{m['son'].number}/", {"relationship_to_head": "head", "reason": "x"}
    )
    assert refused.status_code == 400 and "relationship_to_head" in refused.json()
    refused = api.patch(
        f"/api/people/{m['head'].number}/", {"relationship_to_head": "father", "reason": "x"}
    )
    assert refused.status_code == 400 and "relationship_to_head" in refused.json()

    url = f"/api/people/{m['son'].number}/make-head/"
    missing = api.post(url, {"reason": "father died"})
    assert missing.status_code == 400 and "former_head_relationship" in missing.json()
    wrong = api.post(url, {"former_head_relationship": "head", "reason": "father died"})
    assert wrong.status_code == 400 and "former_head_relationship" in wrong.json()
    no_reason = api.post(url, {"former_head_relationship": "father"})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    assert not PersonCorrection.objects.exists()

    done = api.post(url, {"former_head_relationship": "father", "reason": "father died"})
    assert done.status_code == 200, done.content
    assert done.json()["relationship_to_head"] == "head"
    assert _current_heads(registered) == [m["son"].number]
    m["head"].refresh_from_db()
    assert m["head"].relationship_to_head == "father"
    timeline = api.get(f"/api/people/{m['head'].number}/timeline/").json()
    assert any("father died" in (e["text"] + e["detail"]) for e in timeline)

    _, viewer = factories.api_as("camp_manager")
    assert viewer.post(url, {"former_head_relationship": "son", "reason": "x"}).status_code in (
        403,
        404,
    )


# ------------------------------------------------------------------ merges


def test_a_merged_away_head_in_the_same_household_passes_headship_to_the_record_kept(
    registered, facilities, make_user
):
    m = _members(registered)
    clerk, screener = make_user("registration_officer"), make_user("screening_officer")
    again = people.add_member(
        registered,
        {**people_clean(HEAD), "relationship_to_head": "other"},
        by=clerk,
    )
    people.merge_persons(again, m["head"], by=screener, reason="same man registered twice")
    assert _current_heads(registered) == [again.number]
    assert registered.head == again
    merge = AuditEvent.objects.get(action="person.merge", object_id=str(again.pk))
    assert merge.detail["household_head"] is True

    people.unmerge(m["head"], by=screener, reason="two different men")
    assert _current_heads(registered) == [m["head"].number]
    again.refresh_from_db()
    assert again.relationship_to_head == "other"


def test_a_head_merged_into_another_household_shows_and_the_head_can_be_given(
    registered, facilities, make_user, officer_client
):
    m = _members(registered)
    other = factories.household(reception_point=facilities["reception"])
    kept = _members(other)["head"]
    # The merge is refused now: it would leave the household headed by a merged record.
    with pytest.raises(ValidationError) as refused:
        people.merge_persons(kept, m["head"], by=make_user("screening_officer"), reason="same man")
    assert refused.value.error_dict["household"][0].code == "duplicate_heads_household"
    assert _current_heads(registered) == [m["head"].number]
    # A household a merge left with no head before that rule: it shows, and the head can be given.
    Person.objects.filter(pk=m["head"].pk).update(merged_into=kept)
    assert _current_heads(registered) == []
    page = officer_client.get(reverse("person-detail", args=[m["spouse"].number])).content.decode()
    assert 'data-testid="merged-member"' in page and kept.number in page

    # With no current head there is no former head to place: the reason is enough.
    url = reverse("person-make-head", args=[m["spouse"].number])
    done = officer_client.post(url, {"reason": "her husband is registered with his first family"})
    assert done.status_code == 302
    assert _current_heads(registered) == [m["spouse"].number]
    m["head"].refresh_from_db()
    assert m["head"].relationship_to_head == "head"  # the merged record's history is untouched


def people_clean(raw: dict) -> dict:
    from muster.people.validation import clean_member

    return clean_member(raw)


# ------------------------------------------------------------------ two officers at once


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises all writers, so there is no race to test",
)
@pytest.mark.django_db(transaction=True)
def test_two_officers_changing_the_head_at_once_leave_exactly_one_head(
    facilities, make_user, transactional_db
):
    household = factories.household(reception_point=facilities["reception"])
    m = _members(household)
    officers = [make_user("registration_officer"), make_user("registration_officer")]
    barrier = threading.Barrier(2)
    outcomes = [""] * 2
    targets = [m["spouse"], m["son"]]

    def act(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            people.make_head(
                targets[i], former_head_relationship="other", reason=f"o{i}", by=officers[i]
            )
            outcomes[i] = "ok"
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test reads
            outcomes[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert outcomes == ["ok", "ok"]
    heads = _current_heads(household)
    assert len(heads) == 1 and heads[0] in {m["spouse"].number, m["son"].number}
    assert PersonCorrection.objects.filter(person__household=household).count() == 4


@pytest.mark.parametrize(
    "language,title",
    [("ar", "تعيين ربًّا للأسرة"), ("ckb", "کردن بە سەرۆکی خێزان"), ("kmr", "Bike serokê malbatê")],
)
def test_the_make_head_page_and_its_refusal_speak_the_officers_language(
    registered, officer_client, language, title
):
    m = _members(registered)
    officer_client.post(reverse("set_language"), {"language": language, "next": "/"})
    page = officer_client.get(reverse("person-detail", args=[m["son"].number])).content.decode()
    assert title in page
    url = reverse("person-make-head", args=[m["son"].number])
    refused = officer_client.post(url, {"reason": "x"})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert title in html
    assert "choose the former head" not in _error(html, "former_head_relationship")
