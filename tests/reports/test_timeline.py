"""The person's timeline: "held" proposals are never shown as a category; merges, separations and
protection reviews take their place in the history."""

import pytest
from django.urls import reverse

from muster.access import policy
from muster.access.models import Role
from muster.custody import services as custody
from muster.intake import services as intake
from muster.people.validation import clean_household
from muster.protection import services as protection
from muster.reports.timeline import person_timeline
from muster.screening import services as screening
from tests import factories

pytestmark = pytest.mark.django_db

SCREENER = policy.POLICY[Role.SCREENING_OFFICER].person_fields
CAMP_MANAGER = policy.POLICY[Role.CAMP_MANAGER].person_fields
TRACING = policy.POLICY[Role.TRACING_CASEWORKER].person_fields


def members(household):
    return list(household.members.order_by("id"))


def texts(person, fields, **kwargs) -> list[str]:
    return [f"{e.text} | {e.detail}" for e in person_timeline(person, fields, **kwargs)]


@pytest.fixture
def officers(make_user):
    return make_user("screening_officer", username="amal"), make_user(
        "screening_officer", username="basim"
    )


def held(person, by):
    return screening.decide_category(
        person, "held", reason="on list X", basis="list X entry 12, confirmed by the court", by=by
    )


def test_pending_held_is_a_proposal_awaiting_approval_never_a_category(registered, officers):
    head = members(registered)[0]
    held(head, officers[0])
    lines = texts(head, SCREENER)
    assert any("proposed by amal — awaiting approval" in t for t in lines)
    assert not any(t.startswith("Category:") for t in lines)
    # A camp manager sees categories, not proposals.
    assert not any("Held" in t for t in texts(head, CAMP_MANAGER))


def test_refused_held_shows_who_refused_and_the_category_stays(registered, officers):
    head = members(registered)[0]
    screening.decide_category(head, "civilian", reason="interviewed", by=officers[0])
    screening.refuse_category(
        held(head, officers[0]), by=officers[1], note="list entry is a namesake"
    )
    lines = texts(head, SCREENER)
    refused = [t for t in lines if "refused by basim" in t]
    assert refused and "namesake" in refused[0]
    proposal = [t for t in lines if "proposed by amal" in t]
    assert proposal and "awaiting" not in proposal[0]
    categories = [t for t in lines if t.startswith("Category:")]
    assert (
        len(categories) == 1 and "Civilian" in categories[0] and "superseded" not in categories[0]
    )
    assert [t for t in texts(head, CAMP_MANAGER) if t.startswith("Category:")] == [
        "Category: Civilian | "
    ]


def test_approved_held_is_the_category_from_its_approval(registered, officers):
    head = members(registered)[0]
    screening.approve_category(held(head, officers[0]), by=officers[1], note="checked the file")
    events = person_timeline(head, SCREENER)
    kinds = [e.kind for e in events]
    assert kinds.index("category_proposed") < kinds.index("category")
    category = next(e for e in events if e.kind == "category")
    assert category.text.startswith("Category: Held") and "approved by basim" in category.detail
    assert category.at == screening.current_category(head).approved_at
    manager_view = [e for e in person_timeline(head, CAMP_MANAGER) if e.kind.startswith("category")]
    assert [e.kind for e in manager_view] == ["category"] and "basim" not in manager_view[0].detail


def test_person_page_shows_a_pending_held_as_proposed_in_the_timeline(registered, officers, login):
    head = members(registered)[0]
    held(head, officers[0])
    html = login(officers[1]).get(reverse("person-detail", args=[head.number])).content.decode()
    timeline = html[html.index('<ol class="timeline">') :]
    assert "proposed by amal — awaiting approval" in timeline
    assert "Category: Held" not in timeline


def test_merge_and_its_undoing_are_on_both_records(
    registered, household_data, facilities, officers, make_user
):
    again = intake.register_household(
        clean_household(household_data[:1]),
        reception_point=facilities["reception"],
        by=make_user("registration_officer", username="rp-officer"),
    )
    kept, duplicate = members(registered)[0], members(again)[0]
    screening.merge_duplicate(kept, duplicate, by=officers[0], reason="same ID card")
    assert any(
        f"Registration {duplicate.number} merged into this record" in t
        for t in texts(kept, SCREENER)
    )
    assert any(f"Merged into {kept.number}" in t for t in texts(duplicate, SCREENER))
    screening.unmerge_duplicate(duplicate, by=officers[1], reason="different mother's name")
    lines = texts(duplicate, SCREENER)
    assert any(f"Merge with {kept.number} undone" in t and "basim" in t for t in lines)
    # Who merged is screening detail.
    assert not any("amal" in t for t in texts(kept, TRACING))


def test_separation_is_on_the_timeline_of_who_left_and_who_stayed(
    registered, facilities, make_user
):
    head, spouse, son = members(registered)
    custody.dispatch(
        [son],
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=make_user("camp_manager", facility=facilities["reception"]),
        separation_reason="surgery at the camp hospital",
    )
    assert any(
        "Separated from household: surgery" in t and "moved to Al-Hol Camp" in t
        for t in texts(son, SCREENER)
    )
    assert any("stayed when others moved to Al-Hol Camp" in t for t in texts(head, SCREENER))
    # A camp's name tells the category: the caseworker (who may not see categories) reads neither.
    assert any("moved to a facility" in t for t in texts(son, TRACING))
    # Nor the stated reason, which can tell who was held.
    assert not any("surgery" in t for t in texts(son, TRACING))
    assert any("Separated from household" in t for t in texts(son, TRACING))
    assert not any("Al-Hol" in t for t in texts(head, TRACING))


def test_protection_review_reason_only_for_the_roles_that_review(registered, make_user):
    son = members(registered)[2]
    reviewer = make_user("tracing_caseworker", username="caseworker")
    protection.record_protection_review(
        son, outcome="holding_not_permitted", reason="13 years old, with his mother", by=reviewer
    )
    reviewed = [t for t in texts(son, TRACING, protection_detail=True) if "Protection review" in t]
    assert reviewed and "with his mother" in reviewed[0] and "caseworker" in reviewed[0]
    manager = [t for t in texts(son, CAMP_MANAGER) if "Protection review" in t]
    assert manager and "with his mother" not in manager[0]


def test_registration_officer_timeline_has_no_category_events(registered, officers):
    head = members(registered)[0]
    held(head, officers[0])
    registrar = policy.POLICY[Role.REGISTRATION_OFFICER].person_fields
    assert not any(e.kind.startswith("category") for e in person_timeline(head, registrar))


def test_a_merge_warning_names_the_places_in_the_readers_language(
    household_data, facilities, officers, make_user
):
    from django.utils import translation

    from tests import factories

    first, second = (
        facilities["reception"],
        factories.facility("Reception Point 2", "reception_point"),
    )
    first.name_ar, second.name_ar = "نقطة الاستقبال 1", "نقطة الاستقبال 2"
    first.save(), second.save()
    clerk = make_user("registration_officer", username="rp-clerk")
    old = intake.register_household(
        clean_household(household_data[:1]), reception_point=first, by=clerk
    )
    new = intake.register_household(
        clean_household(household_data[:1]), reception_point=second, by=clerk
    )
    kept = members(old)[0]
    screening.merge_duplicate(kept, members(new)[0], by=officers[0], reason="same ID card")
    with translation.override("ar"):
        warnings = [e.warning for e in person_timeline(kept, SCREENER) if e.warning]
    assert warnings and "نقطة الاستقبال 2" in warnings[0] and "Reception Point" not in warnings[0]


def test_a_correction_of_fields_a_role_may_not_see_is_counted_on_its_timeline_not_a_server_error(
    registered, login, make_user
):
    # The screening officer corrects a protection flag; the repatriation officer, who does not see
    # protection flags, read the timeline (API and person page) as a 500: "%(n)d" was given text.
    person = members(registered)[0]
    _, screener = factories.api_as("screening_officer")
    response = screener.patch(
        f"/api/people/{person.number}/", {"medical": True, "reason": "seen by the clinic"}
    )
    assert response.status_code == 200, response.content
    _, officer = factories.api_as("repatriation_officer")
    response = officer.get(f"/api/people/{person.number}/timeline/")
    assert response.status_code == 200
    corrected = [e for e in response.json() if e["kind"] == "corrected"]
    assert [e["detail"] for e in corrected] == ["1 other field · reason: seen by the clinic"]
    page = login(make_user("repatriation_officer", username="rana"))
    response = page.get(reverse("person-detail", args=[person.number]))
    assert response.status_code == 200
    assert "1 other field" in response.content.decode()


def test_naming_a_newborn_is_one_line_and_the_flag_is_never_another_field(registered, officers):
    """A correction that names a baby registered "not yet named" changes the given name and the
    flag: told as "Named: …", the flag not counted for a role that does not see the name."""
    from muster.people.models import PersonCorrection

    head = members(registered)[0]
    PersonCorrection.objects.create(
        person=head,
        changes={"given_name": ["", "Yusuf"], "not_yet_named": [True, False]},
        reason="named on day 40",
        corrected_by=officers[0],
        corrected_at=head.registered_at,
    )
    everything = policy.IDENTITY_FIELDS
    named = [t for t in texts(head, everything) if t.startswith("Details corrected")]
    assert named == [
        "Details corrected | Named: Yusuf (was not yet named) · reason: named on day 40"
    ]
    blind = frozenset(everything - {"given_name"})
    hidden = [t for t in texts(head, blind) if t.startswith("Details corrected")]
    assert hidden == ["Details corrected | 1 other field · reason: named on day 40"]
