"""Protection safeguards: no child in holding without a protection review; no silent family split."""

import pytest
from django.core.exceptions import ValidationError

from muster.custody import services as custody
from muster.custody.models import Movement, Placement
from muster.protection import queries as protection_queries
from muster.protection import services as protection
from muster.protection.models import FamilySeparation, ProtectionReview


def members(household):
    return list(household.members.order_by("id"))


def test_child_cannot_be_dispatched_to_holding_without_protection_review(
    registered, facilities, make_user
):
    manager = make_user("camp_manager")
    child = members(registered)[2]
    with pytest.raises(ValidationError) as exc:
        custody.dispatch(
            [child],
            from_facility=facilities["reception"],
            to_facility=facilities["holding"],
            by=manager,
            separation_reason="mother and father stay at reception for interview",
        )
    assert "protection_review" in exc.value.message_dict
    assert child.number in exc.value.message_dict["protection_review"][0]
    assert not Movement.objects.exists()
    assert custody.current_placement(child).facility == facilities["reception"]


def test_child_can_go_to_holding_once_a_review_permits_it(registered, facilities, make_user):
    manager = make_user("camp_manager")
    caseworker = make_user("tracing_caseworker")
    household = members(registered)
    protection.record_protection_review(
        household[2],
        outcome=ProtectionReview.Outcome.HOLDING_PERMITTED,
        reason="stays with his father; best-interests assessment BIA-17 on file",
        by=caseworker,
    )
    movement = custody.dispatch(
        household,
        from_facility=facilities["reception"],
        to_facility=facilities["holding"],
        by=manager,
    )
    assert movement.lines.count() == 3


def test_a_later_review_refusing_holding_blocks_again(registered, facilities, make_user):
    caseworker = make_user("tracing_caseworker")
    child = members(registered)[2]
    for outcome in ("holding_permitted", "holding_not_permitted"):
        protection.record_protection_review(child, outcome=outcome, reason="review", by=caseworker)
    with pytest.raises(ValidationError) as exc:
        custody.dispatch(
            members(registered),
            from_facility=facilities["reception"],
            to_facility=facilities["holding"],
            by=make_user("camp_manager"),
        )
    assert "protection_review" in exc.value.message_dict


def test_child_cannot_be_placed_directly_in_holding_without_review(registered, facilities):
    """The rule itself, as every placement (not only a dispatch) consults it."""
    from muster.protection import rules as safeguards

    son = members(registered)[2]
    with pytest.raises(ValidationError) as exc:
        safeguards.check_transfer([son], facilities["holding"])
    assert "protection_review" in exc.value.message_dict


def test_no_household_is_registered_straight_into_holding(facilities, register):
    from muster.people.models import Person

    with pytest.raises(ValidationError) as exc:
        register(
            [
                {
                    "given_name": "Yusuf",
                    "sex": "M",
                    "birth_year": "2012",
                    "relationship_to_head": "head",
                }
            ],
            reception=facilities["holding"],
        )
    assert "reception_point" in exc.value.message_dict
    assert not Person.objects.exists()  # nothing half-written


def test_adult_goes_to_holding_without_review(registered, facilities, make_user):
    head = members(registered)[0]
    custody.dispatch(
        [head],
        from_facility=facilities["reception"],
        to_facility=facilities["holding"],
        by=make_user("camp_manager"),
        separation_reason="held for interview; family to family camp",
    )
    assert custody.current_placement(head).state == Placement.State.IN_TRANSIT


def test_separating_a_household_needs_a_reason(registered, facilities, make_user):
    manager = make_user("camp_manager")
    head = members(registered)[0]
    with pytest.raises(ValidationError) as exc:
        custody.dispatch(
            [head],
            from_facility=facilities["reception"],
            to_facility=facilities["camp"],
            by=manager,
        )
    assert "separation_reason" in exc.value.message_dict
    assert registered.number in exc.value.message_dict["separation_reason"][0]
    assert not FamilySeparation.objects.exists()


def test_separation_with_reason_is_recorded_on_every_member(registered, facilities, make_user):
    manager = make_user("camp_manager")
    household = members(registered)
    movement = custody.dispatch(
        household[:1],
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=manager,
        separation_reason="medical evacuation of the father",
    )
    separation = FamilySeparation.objects.get()
    assert separation.movement == movement
    assert list(separation.moved.all()) == household[:1]
    assert set(separation.remained.all()) == set(household[1:])
    for person in household:
        assert list(protection_queries.separations_of(person)) == [separation]


def test_moving_the_whole_household_together_is_not_a_separation(registered, facilities, make_user):
    custody.dispatch(
        members(registered),
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=make_user("camp_manager"),
    )
    assert not FamilySeparation.objects.exists()
