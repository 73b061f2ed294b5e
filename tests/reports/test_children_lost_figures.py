"""The situation report's children lost in transit are counted by the database (one aggregate),
with the figures the walk of every open transfer line gave; children lost off a departure (not
presented, overdue, left awaiting while the family was received) are in the same aggregate, each
child once."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from muster.custody import services as custody
from muster.custody.models import ManifestLine
from muster.departures import queries as departure_queries
from muster.departures import services as departures
from muster.departures.models import Departure, DepartureLine
from muster.people.models import Person
from muster.protection import rules as protection
from muster.reports import dashboard, sitrep
from tests import factories
from tests.departures.conftest import make_crowd

pytestmark = pytest.mark.django_db


def _walked(lines, departure_lines=()) -> dict[str, int]:
    """The figures as the commits that added them counted: every open line (transfer, then
    departure) read in Python."""
    cutoff = custody.unaccounted_cutoff()
    received = set(
        ManifestLine.objects.filter(outcome="received").values_list(
            "movement_id", "person__household_id"
        )
    )
    left = set(
        DepartureLine.objects.filter(outcome="received").values_list(
            "departure_id", "person__household_id"
        )
    )
    lost = {}
    for line in departure_lines:
        p = line.person
        if not (p.unaccompanied_child or p.separated_child or protection.is_child(p)):
            continue
        if (
            line.outcome == "not_presented"
            or (line.departure.dispatched_at and line.departure.dispatched_at < cutoff)
            or (p.household_id and (line.departure_id, p.household_id) in left)
        ):
            lost[p.pk] = p
    for line in lines:
        p = line.person
        if not (p.unaccompanied_child or p.separated_child or protection.is_child(p)):
            continue
        if (
            line.outcome == "missing"
            or line.movement.dispatched_at < cutoff
            or (p.household_id and (line.movement_id, p.household_id) in received)
        ):
            lost[p.pk] = p
    flagged = Person.objects.filter(merged_into__isnull=True)
    flagged = (
        flagged.filter(unaccompanied_child=True).count()
        + flagged.filter(separated_child=True, unaccompanied_child=False).count()
    )
    unflagged = sum(
        1
        for p in lost.values()
        if p.merged_into_id is not None or not (p.unaccompanied_child or p.separated_child)
    )
    return {
        "children_lost_in_transit": len(lost),
        "children_needing_protection": flagged + unflagged,
    }


def _member(name, sex="F", **born):
    return {"given_name": name, "father_name": "Ali", "family_name": "al-Jubouri", "sex": sex,
            "nationality": "IRQ", "relationship_to_head": "daughter", **born}  # fmt: skip


@pytest.fixture
def lost_on_the_way(facilities, household_data, make_user):
    """Children and adults on transfers: overdue, fresh, reported not arrived, left behind while
    their family was received; ages by date, by year at the edge of 18, unknown; one adult flagged."""
    year = timezone.localdate().year
    reception, camp = facilities["reception"], facilities["camp"]
    manager = make_user("camp_manager", facility=camp)
    families = [
        factories.household(
            [*household_data, _member("Huda", date_of_birth="2016-01-02"),
             _member("Sara", birth_year=str(year - 17)), _member("Mona", birth_year=str(year - 18)),
             _member("Rana")],
            reception_point=reception,
        )
        for _ in range(3)
    ]  # fmt: skip
    overdue, fresh, split = (list(f.members.order_by("id")) for f in families)
    factories.bus(overdue, from_facility=reception, to_facility=camp, hours_ago=30)
    factories.bus(fresh, from_facility=reception, to_facility=camp, hours_ago=1)
    movement = factories.bus(split, from_facility=reception, to_facility=camp, hours_ago=1)
    custody.report_missing(movement, split[3], note="not on the bus", by=manager)
    custody.receive(movement, split[:2], by=manager, separation_reason="the rest on the next bus")
    # An adult flagged separated on the overdue bus, a child flagged too: each counted once.
    Person.objects.filter(pk=overdue[0].pk).update(separated_child=True)
    Person.objects.filter(pk=overdue[2].pk).update(unaccompanied_child=True)
    return overdue, fresh, split


def test_the_lost_childrens_figures_are_the_walks_of_every_open_line(lost_on_the_way):
    overdue, fresh, split = lost_on_the_way
    report = sitrep.situation_report()
    walked = _walked(custody.in_transit_lines())
    assert {k: report[k] for k in walked} == walked
    # The population is what it is meant to be: the overdue bus's children (and its flagged
    # adult), the children left off the split bus; none of the fresh bus.
    # 4 children a family (Mona, 18 by year alone, is an adult) and the flagged adult.
    assert walked["children_lost_in_transit"] == 5 + 4
    lost = {line.person_id for line in custody.children_unaccounted()}
    assert not lost & {p.pk for p in fresh}
    # The children list reads the same lines.
    assert len(lost) == walked["children_lost_in_transit"]


def test_the_lost_childrens_figures_are_one_query_however_many_lines_are_open(lost_on_the_way):
    with CaptureQueriesContext(connection) as queries:
        figures = dashboard.children_lost_figures(0, custody.children_lost_lines())
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert figures["children_lost_in_transit"] == 9


RETURN = {"destination_name": "Hajin", "destination_pcode": "SY090501", "convoy": "Convoy 7"}


@pytest.fixture
def lost_off_departures(lost_on_the_way, facilities, make_user):
    """Beside the transfers: three families leaving the camp on returns. One received but for a
    child not presented; one overdue, its father flagged separated; one just dispatched."""
    camp = facilities["camp"]
    officer = make_user("repatriation_officer", facility=camp)
    split, overdue, fresh = (make_crowd(camp, 1) for _ in range(3))
    out = []
    for family in (split, overdue, fresh):
        departure = departures.plan_departure(
            family, kind="return", from_facility=camp, details=RETURN, by=officer
        )
        departures.dispatch_departure(departure, by=officer)
        out.append(departure)
    departures.confirm(
        out[0],
        [(p.pk, "received", "") for p in split[:3]]
        + [(split[3].pk, "not_presented", "not on the bus at Hajin")],
        by=officer,
    )
    Departure.objects.filter(pk=out[1].pk).update(
        dispatched_at=timezone.now() - timedelta(hours=30)
    )
    Person.objects.filter(pk=overdue[0].pk).update(separated_child=True)
    return split, overdue, fresh


def test_children_lost_off_a_departure_are_in_the_aggregate_each_once(lost_off_departures):
    split, overdue, fresh = lost_off_departures
    report = sitrep.situation_report()
    walked = _walked(custody.in_transit_lines(), departure_queries.open_lines())
    assert {k: report[k] for k in walked} == walked
    # The transfers' 9; the child not presented; the overdue departure's two children and its
    # flagged father; none of the fresh departure.
    assert walked["children_lost_in_transit"] == 9 + 1 + 3
    lost = departure_queries.children_lost()
    off_transfers = {line.person_id for line in custody.children_unaccounted()}
    # The overdue family's mother is an adult, not flagged: not lost as a child.
    assert set(lost) == off_transfers | {split[3].pk, overdue[0].pk, *(p.pk for p in overdue[2:])}
    assert not set(lost) & {p.pk for p in fresh}
    assert len(lost) == walked["children_lost_in_transit"]
    with CaptureQueriesContext(connection) as queries:
        figures = dashboard.children_lost_figures(0, *departure_queries.children_lost_lines())
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert figures["children_lost_in_transit"] == 13


def test_a_filtered_report_counts_a_flagged_child_leaving_once(lost_off_departures, facilities):
    """The camp's flagged children are those placed there or moving from or to it: not those on a
    departure. A flagged child lost off a departure is counted among those needing protection once,
    neither twice nor not at all."""
    split, overdue, _ = lost_off_departures
    Person.objects.filter(pk=split[3].pk).update(unaccompanied_child=True)
    lines = departure_queries.children_lost_lines(
        custody.in_transit_lines().none(),
        departure_queries.open_lines().filter(departure__from_facility=facilities["camp"]),
    )
    assert dashboard.children_lost_figures(0, *lines, departures_in_flagged=False) == {
        "children_lost_in_transit": 4,
        "children_needing_protection": 4,
    }
    # The whole registry's flagged children count the flagged child already: not added again.
    # The overdue family's father, flagged but an adult, is not among the flagged children (as
    # the children list leaves him out): lost as a child (his flag), he is added, once.
    assert dashboard.children_lost_figures(0, *lines) == {
        "children_lost_in_transit": 4,
        "children_needing_protection": 3,
    }
