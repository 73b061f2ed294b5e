"""The API decides a household's categories in one request: each listed member's category with a
reason, audited per person, all or none; a refusal names the member and field."""

import pytest

from muster.audit.models import AuditEvent
from muster.screening.models import CategoryDecision

pytestmark = pytest.mark.django_db

URL = "/api/screening/category-decisions/household/"


def _members(household):
    return list(household.members.order_by("id"))


def test_a_household_is_decided_in_one_request(api_as, registered):
    user, screener = api_as("screening_officer")
    head, spouse, son = _members(registered)
    response = screener.post(
        URL,
        {
            "household": registered.number,
            "reason": "interviewed together",
            "members": [
                {"person": head.number, "category": "held", "basis": "two witnesses"},
                {"person": spouse.number, "category": "family_of_held", "reason": "his wife"},
                {"person": son.number, "category": "family_of_held"},
            ],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["household"] == registered.number
    assert [(d["person"], d["status"]) for d in body["decisions"]] == [
        (head.number, "pending"),
        (spouse.number, "approved"),
        (son.number, "approved"),
    ]
    son_decision = CategoryDecision.objects.get(person=son)
    assert son_decision.reason == "interviewed together" and son_decision.decided_by == user
    assert CategoryDecision.objects.get(person=spouse).reason == "his wife"
    audited = AuditEvent.objects.filter(action__startswith="category.")
    assert sorted(audited.values_list("object_id", flat=True)) == sorted(
        str(p.pk) for p in (head, spouse, son)
    )


def test_refusals_name_each_member_and_field_and_nothing_is_recorded(api_as, registered):
    _, screener = api_as("screening_officer")
    head, spouse, son = _members(registered)
    response = screener.post(
        URL,
        {
            "household": registered.number,
            "members": [
                {"person": head.number, "category": "held"},  # no basis, no reason
                {"person": spouse.number, "category": "civilian", "reason": "documents"},
                {"person": son.number, "category": "freed"},
            ],
        },
    )
    assert response.status_code == 400, response.content
    errors = response.json()
    assert {"members[0].basis", "members[0].reason", "members[2].category"} <= set(errors)
    assert not any(k.startswith("members[1]") for k in errors)
    assert not CategoryDecision.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="category.").exists()


def test_a_person_of_another_household_is_refused_by_place(api_as, registered, facilities):
    from tests import factories

    other = factories.household(factories.household_data(), reception_point=facilities["reception"])
    _, screener = api_as("screening_officer")
    head = _members(registered)[0]
    stranger = _members(other)[0]
    response = screener.post(
        URL,
        {
            "household": registered.number,
            "reason": "seen",
            "members": [
                {"person": head.number, "category": "civilian"},
                {"person": stranger.number, "category": "civilian"},
            ],
        },
    )
    assert response.status_code == 400
    assert "members[1].person" in response.json()
    assert not CategoryDecision.objects.exists()


def test_a_malformed_member_is_named_by_place(api_as, registered):
    _, screener = api_as("screening_officer")
    response = screener.post(
        URL,
        {"household": registered.number, "members": [{"person": 7, "category": "civilian"}]},
    )
    assert response.status_code == 400
    assert "members[0].person" in response.json()


def test_a_role_that_may_not_decide_is_refused(api_as, registered):
    _, manager = api_as("camp_manager")
    head = _members(registered)[0]
    response = manager.post(
        URL,
        {
            "household": registered.number,
            "reason": "x",
            "members": [{"person": head.number, "category": "civilian"}],
        },
    )
    assert response.status_code == 403
    assert not CategoryDecision.objects.exists()
