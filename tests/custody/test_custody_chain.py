"""The custody chain: one current placement, capacity, dispatch -> receipt, unaccounted."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from muster.custody import services as custody
from muster.custody.models import ManifestLine, Movement, Placement


def members(household):
    return list(household.members.order_by("id"))


def test_registration_places_every_member_at_the_reception_point(registered, facilities):
    for person in members(registered):
        current = custody.current_placement(person)
        assert current.state == Placement.State.PLACED
        assert current.facility == facilities["reception"]
    assert custody.population(facilities["reception"]) == 3


def test_database_refuses_a_second_current_placement_even_in_raw_sql(registered, facilities):
    person = members(registered)[0]
    now = timezone.now().isoformat()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "INSERT INTO custody_placement (person_id, state, facility_id, is_current, started_at,"
            " capacity_override_reason, note) VALUES (%s, 'placed', %s, %s, %s, '', '')",
            [person.pk, facilities["camp"].pk, True, now],
        )
    assert Placement.objects.filter(person=person, is_current=True).count() == 1


def test_dispatch_then_receive_moves_people_and_keeps_history(registered, facilities, make_user):
    manager = make_user("camp_manager")
    people = members(registered)
    movement = custody.dispatch(
        people, from_facility=facilities["reception"], to_facility=facilities["camp"], by=manager
    )
    for p in people:
        assert custody.current_placement(p).state == Placement.State.IN_TRANSIT
    assert custody.population(facilities["reception"]) == 0
    assert custody.expected(facilities["camp"]) == 3

    custody.receive(
        movement, people[:2], by=manager, separation_reason="the boy is on the next bus"
    )
    movement.refresh_from_db()
    assert movement.status == Movement.Status.PARTIALLY_RECEIVED
    assert custody.population(facilities["camp"]) == 2
    assert custody.current_placement(people[2]).state == Placement.State.IN_TRANSIT

    custody.receive(movement, by=manager)
    movement.refresh_from_db()
    assert movement.status == Movement.Status.RECEIVED
    assert Placement.objects.filter(person=people[0]).count() == 3  # reception, transit, camp


def test_cannot_dispatch_someone_who_is_not_at_the_sending_facility(
    registered, facilities, make_user
):
    manager = make_user("camp_manager")
    with pytest.raises(ValidationError) as exc:
        custody.dispatch(
            members(registered),
            from_facility=facilities["camp"],
            to_facility=facilities["holding"],
            by=manager,
        )
    assert "not currently at Al-Hol Camp" in str(exc.value)
    assert not Movement.objects.exists()


def test_capacity_refusal_says_how_many_places_are_free_unless_the_facility_is_full(
    registered, facilities, make_user
):
    # A bus of 3 to a camp with 2 free places: it is not "full", 1 too many would arrive.
    manager = make_user("camp_manager")
    people = members(registered)
    small = facilities["small_camp"]
    small.capacity = 2
    small.save()
    with pytest.raises(custody.CapacityExceeded) as exc:
        custody.dispatch(
            people, from_facility=facilities["reception"], to_facility=small, by=manager
        )
    message = exc.value.message_dict["facility"][0]
    assert message.startswith("Small Camp has room for 2 more (0 of 2 places taken or expected)")
    assert "these 3 would exceed its capacity by 1" in message and "is full" not in message
    # Two of them go; now it is full, and says so.
    custody.dispatch(
        people[:2],
        from_facility=facilities["reception"],
        to_facility=small,
        by=manager,
        separation_reason="the father follows on the next bus",
    )
    with pytest.raises(custody.CapacityExceeded) as exc:
        custody.dispatch(
            people[2:],
            from_facility=facilities["reception"],
            to_facility=small,
            by=manager,
            separation_reason="joins the family",
        )
    message = exc.value.message_dict["facility"][0]
    assert message.startswith("Small Camp is full: 2 of 2 places taken or expected")
    assert Movement.objects.count() == 1


def test_full_facility_refuses_without_override_and_stores_the_reason(
    registered, facilities, make_user
):
    manager = make_user("camp_manager")
    people = members(registered)
    small = facilities["small_camp"]
    small.capacity = 2
    small.save()
    with pytest.raises(custody.CapacityExceeded) as exc:
        custody.dispatch(
            people, from_facility=facilities["reception"], to_facility=small, by=manager
        )
    assert "Small Camp has room for 2 more" in str(exc.value)
    # An Arabic reader is told the facility by its Arabic name.
    from django.utils import translation

    small.name_ar = "المخيم الصغير"
    small.save()
    with translation.override("ar"), pytest.raises(custody.CapacityExceeded) as exc:
        custody.dispatch(
            people, from_facility=facilities["reception"], to_facility=small, by=manager
        )
    assert "المخيم الصغير" in str(exc.value) and "Small Camp" not in str(exc.value)
    assert custody.current_placement(people[0]).facility == facilities["reception"]

    movement = custody.dispatch(
        people,
        from_facility=facilities["reception"],
        to_facility=small,
        by=manager,
        override_reason="Overflow agreed with camp management by radio",
    )
    assert movement.capacity_override_reason == "Overflow agreed with camp management by radio"


def test_overdue_transit_is_listed_as_unaccounted(registered, facilities, make_user, settings):
    manager = make_user("camp_manager")
    people = members(registered)
    movement = custody.dispatch(
        people[:1],
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=manager,
        separation_reason="sent ahead to prepare the family's tent",
    )
    assert custody.unaccounted_lines().count() == 0
    Movement.objects.filter(pk=movement.pk).update(
        dispatched_at=timezone.now() - timedelta(hours=13)
    )
    assert [line.person for line in custody.unaccounted_lines()] == people[:1]
    settings.MUSTER = {**settings.MUSTER, "UNACCOUNTED_AFTER_HOURS": 24}
    assert custody.unaccounted_lines().count() == 0


def test_reported_missing_stays_unaccounted_until_received(registered, facilities, make_user):
    manager = make_user("camp_manager")
    person = members(registered)[0]
    movement = custody.dispatch(
        [person],
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=manager,
        separation_reason="sent ahead to prepare the family's tent",
    )
    custody.report_missing(movement, person, note="not on the bus at arrival", by=manager)
    assert custody.unaccounted_lines().get().outcome == ManifestLine.Outcome.MISSING
    assert custody.current_placement(person).state == Placement.State.IN_TRANSIT


def test_a_family_received_apart_is_told_only_its_own_missing_members(
    registered, facilities, make_user
):
    # Two families on one bus, one of each reported not arrived, the others received: each
    # family's separation names its own missing member, not the other family's (it read
    # "PA reported not arrived: …; PB reported not arrived: …" on both families' timelines).
    from muster.protection.models import FamilySeparation
    from tests import factories

    other = factories.household(reception_point=facilities["reception"])
    manager = make_user("camp_manager")
    first, second = members(registered), members(other)
    bus = custody.dispatch(
        first + second,
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=manager,
    )
    custody.report_missing(bus, first[1], note="got off at the checkpoint", by=manager)
    custody.report_missing(bus, second[2], note="stayed with an aunt", by=manager)
    custody.receive(bus, [first[0], first[2], second[0], second[1]], by=manager)
    reasons = dict(FamilySeparation.objects.values_list("household_id", "reason"))
    assert reasons == {
        registered.pk: f"{first[1].number} reported not arrived: got off at the checkpoint",
        other.pk: f"{second[2].number} reported not arrived: stayed with an aunt",
    }
