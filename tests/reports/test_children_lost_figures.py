"""The situation report's children lost in transit are counted by the database (one aggregate),
with the figures the walk of every open transfer line gave."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from muster.custody import services as custody
from muster.custody.models import ManifestLine
from muster.people.models import Person
from muster.protection import rules as protection
from muster.reports import dashboard, sitrep
from tests import factories

pytestmark = pytest.mark.django_db


def _walked(lines) -> dict[str, int]:
    """The figures as the commit that added them counted: every open line read in Python."""
    cutoff = custody.unaccounted_cutoff()
    received = set(
        ManifestLine.objects.filter(outcome="received").values_list(
            "movement_id", "person__household_id"
        )
    )
    lost = {}
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
