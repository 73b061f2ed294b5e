"""Departures as a custody-chain step: plan, approve, dispatch, confirm person by person."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from muster.audit.models import AuditEvent
from muster.custody import services as custody
from muster.custody.models import Placement
from muster.departures import queries, services
from muster.departures.models import Departure, DepartureLine
from muster.protection import services as protection_services
from muster.protection.models import FamilySeparation, ProtectionReview
from muster.screening import services as screening

Outcome = DepartureLine.Outcome
RETURN = {
    "destination_name": "Hajin",
    "destination_pcode": "SY090501",
    "convoy": "Convoy 7",
}
REPATRIATION = {"destination_country": "IRQ", "receiving_authority": "Iraqi Ministry of Migration"}


def current(person):
    return Placement.objects.get(person=person, is_current=True)


def plan_return(persons, facility, by, **kw):
    return services.plan_departure(
        persons, kind="return", from_facility=facility, details=RETURN, by=by, **kw
    )


def test_return_is_dispatched_then_confirmed_person_by_person(crowd, facilities, officers):
    camp = facilities["camp"]
    people = crowd(camp, 2)
    planner = officers["planner"]
    departure = plan_return(people, camp, planner)
    assert departure.status == Departure.Status.APPROVED  # a return needs no second officer
    services.dispatch_departure(departure, by=planner)
    assert {current(p).state for p in people} == {Placement.State.LEAVING}
    assert custody.population(camp) == 0
    assert queries.open_lines().count() == 8

    result = services.confirm(
        departure,
        [(p.pk, "received", "") for p in people[:4]]
        + [(people[4].pk, "not_presented", "not on the bus at Hajin")]
        + [(p.pk, "refused", "no sponsor present") for p in people[5:]],
        by=planner,
    )
    assert (result.received, result.not_presented, result.refused) == (4, 1, 3)
    assert {current(p).state for p in people[:4]} == {Placement.State.DEPARTED}
    assert current(people[4]).state == Placement.State.LEAVING
    assert all(current(p).facility == camp for p in people[5:])
    departure.refresh_from_db()
    assert departure.status == Departure.Status.DISPATCHED  # one still open
    assert list(queries.unaccounted_lines().values_list("person_id", flat=True)) == [people[4].pk]
    counts = queries.sitrep_counts()
    assert counts["returned"] == 4 and counts["unaccounted"] == 1 and counts["refused"] == 3
    assert counts["by_destination"][0]["pcode"] == "SY090501"

    services.confirm(departure, [(people[4].pk, "returned", "found in the camp")], by=planner)
    departure.refresh_from_db()
    assert departure.status == Departure.Status.CLOSED
    assert current(people[4]).facility == camp
    # history is kept: reception of the crowd, leaving, back
    assert Placement.objects.filter(person=people[4]).count() == 3


def test_repatriation_needs_verified_nationality_and_a_second_officer(crowd, facilities, officers):
    camp = facilities["camp"]
    family = crowd(camp, 1, nationality="IRQ")
    planner, approver = officers["planner"], officers["approver"]
    with pytest.raises(ValidationError) as exc:
        services.plan_departure(
            family, kind="repatriation", from_facility=camp, details=REPATRIATION, by=planner
        )
    assert "nationality" in exc.value.message_dict
    services.verify_nationality(
        family,
        nationality="IRQ",
        method="interview",
        interview_note="dialect, village named",
        by=planner,
    )
    departure = services.plan_departure(
        family, kind="repatriation", from_facility=camp, details=REPATRIATION, by=planner
    )
    with pytest.raises(ValidationError, match="approval"):
        services.dispatch_departure(departure, by=planner)
    with pytest.raises(ValidationError, match="second officer"):
        services.approve_departure(departure, by=planner)
    services.approve_departure(departure, by=approver)
    services.dispatch_departure(departure, by=planner)
    services.confirm(departure, [(p.pk, "received", "") for p in family], by=planner)
    assert queries.sitrep_counts()["repatriated"] == 4
    assert queries.sitrep_counts()["by_nationality"] == {"IRQ": 4}


def test_kind_fields_are_required_with_the_field_named(crowd, facilities, officers):
    camp = facilities["camp"]
    people = crowd(camp, 1)
    with pytest.raises(ValidationError) as exc:
        services.plan_departure(
            people, kind="handover", from_facility=camp, details={}, by=officers["planner"]
        )
    assert set(exc.value.message_dict) >= {"receiving_authority", "legal_basis"}
    with pytest.raises(ValidationError) as exc:
        services.plan_departure(
            people, kind="exile", from_facility=camp, details={}, by=officers["planner"]
        )
    assert "kind" in exc.value.message_dict
    assert not Departure.objects.exists()


# --- refusal rules ---------------------------------------------------------------------------------


def test_held_person_is_refused_for_return_and_release_but_may_be_handed_over(
    crowd, facilities, officers, make_user
):
    camp = facilities["camp"]
    people = crowd(camp, 1)
    screener, second = make_user("screening_officer"), make_user("screening_officer")
    decision = screening.decide_category(
        people[0], "held", reason="on the list", basis="reference list entry 12", by=screener
    )
    screening.approve_category(decision, by=second, note="agreed")
    with pytest.raises(ValidationError) as exc:
        plan_return(people, camp, officers["planner"])
    assert people[0].number in exc.value.message_dict["held"][0]
    assert "handover" in exc.value.message_dict["held"][0]
    with pytest.raises(ValidationError) as exc:
        services.plan_departure(
            people,
            kind="release",
            from_facility=camp,
            details={"guarantor": "Sheikh of the Bakara", "destination_name": "Hajin"},
            by=officers["planner"],
        )
    assert "held" in exc.value.message_dict
    handover = services.plan_departure(
        people,
        kind="handover",
        from_facility=camp,
        details={
            "receiving_authority": "Iraqi security forces",
            "legal_basis": "bilateral agreement of transfer",
            "destination_country": "IRQ",
        },
        by=officers["planner"],
    )
    assert handover.lines.count() == 4


def test_held_proposal_awaiting_approval_is_refused_too(crowd, facilities, officers, make_user):
    camp = facilities["camp"]
    people = crowd(camp, 1)
    screening.decide_category(
        people[1],
        "held",
        reason="seen",
        basis="witness statement",
        by=make_user("screening_officer"),
    )
    with pytest.raises(ValidationError) as exc:
        plan_return(people, camp, officers["planner"])
    assert people[1].number in exc.value.message_dict["held"][0]


def test_child_without_an_adult_of_the_household_is_refused_until_protection_permits(
    crowd, facilities, officers, make_user
):
    camp = facilities["camp"]
    people = crowd(camp, 1)  # two adults, two children
    child = people[3]
    with pytest.raises(ValidationError) as exc:
        plan_return([child], camp, officers["planner"])
    message = exc.value.message_dict["protection_review"][0]
    assert child.number in message and "caregiver" in message
    caseworker = make_user("tracing_caseworker")
    protection_services.record_protection_review(
        child,
        outcome=ProtectionReview.Outcome.DEPARTURE_PERMITTED,
        reason="uncle in Hajin named as caregiver, assessed",
        by=caseworker,
    )
    with pytest.raises(ValidationError) as exc:  # the family stays: a split needs a reason
        plan_return([child], camp, officers["planner"])
    assert set(exc.value.message_dict) == {"separation_reason"}
    plan_return([child], camp, officers["planner"], separation_reason="joins the uncle")


def test_unaccompanied_child_is_refused_even_with_adults_of_the_household(
    crowd, facilities, officers
):
    camp = facilities["camp"]
    people = crowd(camp, 1)
    people[3].unaccompanied_child = True
    people[3].save()
    with pytest.raises(ValidationError) as exc:
        plan_return(people, camp, officers["planner"])
    assert people[3].number in exc.value.message_dict["protection_review"][0]


def test_a_batch_splitting_a_household_names_who_stays_in_custody(crowd, facilities, officers):
    """The officer asked for a reason read the household's number only, and the batch's list
    showed everyone of it at this camp: the father held elsewhere was nowhere to be seen. The
    refusal names those who stay, wherever they are held."""
    camp = facilities["camp"]
    people = crowd(camp, 1, adults=4)
    with pytest.raises(ValidationError) as exc:
        plan_return(people[:2], camp, officers["planner"])
    [message] = exc.value.message_dict["separation_reason"]
    assert people[0].household.number in message
    assert people[2].number in message and people[3].number in message
    assert people[0].number not in message and people[1].number not in message


def test_a_batch_splitting_a_household_asks_a_reason_and_records_the_separation(
    crowd, facilities, officers
):
    camp = facilities["camp"]
    people = crowd(camp, 1, adults=4)
    with pytest.raises(ValidationError) as exc:
        plan_return(people[:2], camp, officers["planner"])
    assert "separation_reason" in exc.value.message_dict
    departure = plan_return(
        people[:2], camp, officers["planner"], separation_reason="sons stay to work"
    )
    assert not FamilySeparation.objects.exists()  # nobody has left yet
    services.dispatch_departure(departure, by=officers["planner"])
    sep = FamilySeparation.objects.get()
    assert sep.to_facility is None and departure.number in sep.destination
    # Where they went is read from the departure in each reader's language, not the writer's.
    assert sep.departure == departure
    from django.utils import translation

    with translation.override("ar"):
        assert sep.left_for().startswith("الخروج") and departure.number in sep.left_for()
    with translation.override("en"):
        assert sep.left_for().startswith("departure")
    assert set(sep.moved.values_list("pk", flat=True)) == {people[0].pk, people[1].pk}
    assert set(sep.remained.values_list("pk", flat=True)) == {people[2].pk, people[3].pk}


# --- all or nothing --------------------------------------------------------------------------------


def test_a_batch_of_500_is_planned_and_dispatched_whole(crowd, facilities, officers):
    camp = facilities["camp"]
    people = crowd(camp, 125)
    departure = plan_return(people, camp, officers["planner"])
    services.dispatch_departure(departure, by=officers["planner"])
    assert (
        Placement.objects.filter(
            is_current=True, state="leaving", exit_ref=departure.number
        ).count()
        == 500
    )
    assert departure.lines.filter(outcome=Outcome.PENDING).count() == 500


def test_a_batch_of_500_with_one_bad_person_changes_nothing(crowd, facilities, officers, make_user):
    camp = facilities["camp"]
    people = crowd(camp, 125)
    departure = plan_return(people, camp, officers["planner"])
    # After planning, one of the 500 is moved elsewhere: the dispatch must refuse everyone.
    custody.dispatch(
        people[-4:],
        from_facility=camp,
        to_facility=facilities["family_camp"],
        by=make_user("camp_manager"),
    )
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.dispatch_departure(departure, by=officers["planner"])
    assert people[-1].number in str(exc.value)
    assert AuditEvent.objects.count() == events
    assert Placement.objects.filter(state="leaving").count() == 0
    assert Placement.objects.filter(is_current=True, state="placed", facility=camp).count() == 496
    assert departure.lines.filter(outcome=Outcome.PLANNED).count() == 500
    departure.refresh_from_db()
    assert departure.status == Departure.Status.APPROVED


def test_confirming_500_with_one_bad_line_changes_nothing(crowd, facilities, officers):
    camp = facilities["camp"]
    people = crowd(camp, 125)
    departure = plan_return(people, camp, officers["planner"])
    services.dispatch_departure(departure, by=officers["planner"])
    outcomes = [(p.pk, "received", "") for p in people[:-1]] + [(people[-1].pk, "refused", "")]
    # The outcome named as the page names it, not by its code ("refused").
    with pytest.raises(ValidationError, match="'Refused by the receiving side' needs a note"):
        services.confirm(departure, outcomes, by=officers["planner"])
    assert Placement.objects.filter(is_current=True, state="departed").count() == 0
    assert departure.lines.filter(outcome=Outcome.PENDING).count() == 500


# --- never both placed and departed ----------------------------------------------------------------


def test_database_refuses_a_departed_placement_at_a_facility(crowd, facilities):
    person = crowd(facilities["camp"], 1)[0]
    Placement.objects.filter(person=person).update(is_current=False, ended_at=timezone.now())
    now = timezone.now().isoformat()
    for state, facility, ref in (
        ("departed", facilities["camp"].pk, "DX"),  # departed yet at a facility
        ("placed", facilities["camp"].pk, "DX"),  # placed yet naming a departure
        ("departed", None, ""),  # departed on no departure
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                "INSERT INTO custody_placement (person_id, state, facility_id, is_current, "
                "started_at, capacity_override_reason, note, exit_ref) "
                "VALUES (%s, %s, %s, %s, %s, '', '', %s)",
                [person.pk, state, facility, True, now, ref],
            )


def test_a_departed_person_cannot_be_placed_dispatched_or_sent_again(crowd, facilities, officers):
    camp = facilities["camp"]
    people = crowd(camp, 1)
    departure = plan_return(people, camp, officers["planner"])
    services.dispatch_departure(departure, by=officers["planner"])
    services.confirm(departure, [(p.pk, "received", "") for p in people], by=officers["planner"])
    with pytest.raises(ValidationError):
        custody.place(people[0], camp, by=officers["planner"])
    with pytest.raises(ValidationError):
        custody.dispatch(
            people,
            from_facility=camp,
            to_facility=facilities["family_camp"],
            by=officers["planner"],
        )
    with pytest.raises(ValidationError):
        plan_return(people, camp, officers["planner"])
    with pytest.raises(IntegrityError), transaction.atomic():
        DepartureLine.objects.create(
            departure=departure, person=people[0], position=99, outcome=Outcome.RECEIVED
        )
    for p in people:
        placements = Placement.objects.filter(person=p, is_current=True)
        assert [pl.state for pl in placements] == ["departed"]
        assert placements[0].facility_id is None
    # The record stays: registration, history and search keys untouched.
    assert all(type(p).objects.filter(pk=p.pk).exists() for p in people)


def test_a_person_planned_on_one_departure_cannot_be_planned_on_another(
    crowd, facilities, officers
):
    camp = facilities["camp"]
    people = crowd(camp, 1)
    first = plan_return(people, camp, officers["planner"])
    with pytest.raises(ValidationError, match=first.number):
        plan_return(people, camp, officers["planner"])
    services.cancel_departure(first, reason="road closed", by=officers["planner"])
    plan_return(people, camp, officers["planner"])


def test_death_is_recorded_at_once_with_its_source(crowd, facilities, officers):
    camp = facilities["camp"]
    person = crowd(camp, 1)[0]
    with pytest.raises(ValidationError) as exc:
        services.record_death(person, details={}, by=officers["planner"])
    assert set(exc.value.message_dict) == {"death_source", "death_date"}
    departure = services.record_death(
        person,
        details={"death_source": "camp clinic death certificate 44", "death_date": "2019-04-02"},
        by=officers["planner"],
    )
    assert current(person).state == Placement.State.DEPARTED
    assert departure.status == Departure.Status.CLOSED
    assert queries.sitrep_counts()["died"] == 1


@pytest.mark.parametrize(
    "kind,details,field,code",
    [
        # "zzz" reached the person's page and the partners' HXL export as a place code.
        ("return", {**RETURN, "destination_pcode": "zzz"}, "destination_pcode", "invalid_pcode"),
        # QQQ was read as a country its people's nationality was "not verified as".
        ("repatriation", {**REPATRIATION, "destination_country": "QQQ"}, "destination_country",
         "not_a_country"),
        # ICAO's XXX (nationality unspecified) is no state to hand anyone to.
        ("repatriation", {**REPATRIATION, "destination_country": "XXX"}, "destination_country",
         "not_a_country"),
    ],
)  # fmt: skip
def test_a_destination_that_is_no_place_code_or_country_is_named_so(
    crowd, facilities, officers, kind, details, field, code
):
    people = crowd(facilities["camp"], 1)
    with pytest.raises(ValidationError) as exc:
        services.plan_departure(
            people, kind=kind, from_facility=facilities["camp"], details=details,
            by=officers["planner"],
        )  # fmt: skip
    assert [e.code for e in exc.value.error_dict[field]] == [code]


def _days(n: int) -> str:
    from datetime import timedelta

    from django.utils import timezone

    return (timezone.localdate() + timedelta(days=n)).isoformat()


def _plan_on(persons, facility, by, day: str):
    details = {**RETURN, "planned_date": day}
    return services.plan_departure(
        persons, kind="return", from_facility=facility, details=details, by=by
    )


@pytest.mark.parametrize(
    ("planned", "code"), [(-30, "long_ago"), (-400, "long_ago"), (400, "too_far_ahead")]
)
def test_a_planned_date_long_past_or_far_ahead_is_a_slip_of_the_year(
    crowd, facilities, officers, planned, code
):
    # 2025-12-10 typed for 2026-12-10 was stored and put on the manifest, unremarked.
    people = crowd(facilities["camp"], 1)
    with pytest.raises(ValidationError) as exc:
        _plan_on(people, facilities["camp"], officers["planner"], _days(planned))
    assert [e.code for e in exc.value.error_dict["planned_date"]] == [code]
    assert _days(planned) in exc.value.message_dict["planned_date"][0]
    for ok in (-3, 0, 30):  # a few days late, today, a month ahead
        departure = _plan_on(people, facilities["camp"], officers["planner"], _days(ok))
        services.cancel_departure(departure, reason="date test", by=officers["planner"])


def test_a_death_in_the_future_is_refused(crowd, facilities, officers):
    person = crowd(facilities["camp"], 1)[0]
    with pytest.raises(ValidationError) as exc:
        services.record_death(
            person,
            details={"death_source": "clinic", "death_date": _days(2)},
            by=officers["planner"],
        )
    assert [e.code for e in exc.value.error_dict["death_date"]] == ["future"]
