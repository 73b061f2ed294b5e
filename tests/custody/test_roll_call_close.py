"""A roll call's close, line by line: every outcome with where the registry had the person (left
on a bus, placed at another camp, leaving or departed on a departure, merged away; arrived, marked
or not; seen elsewhere), and statements that do not grow with the number who left (20,000 lines
updated one by one in a CASE took 28 s)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from muster.custody import services as custody
from muster.custody.models import RollCallLine
from muster.custody.services import exits
from tests import factories

pytestmark = pytest.mark.django_db
Outcome = RollCallLine.Outcome


@pytest.fixture
def other_point(db):
    return factories.facility("Reception Point 2", "reception_point")


def single(at):
    """A person registered alone (a household of one) at ``at``."""
    return factories.household(factories.household_data()[:1], reception_point=at).members.get()


def make_camp_manager(camp):
    return factories.user("camp_manager", facility=camp)


def test_the_close_settles_every_line_with_where_the_registry_has_them(
    family, point, manager, facilities, other_point
):
    head, spouse, son = family
    to_camp, received_at_camp, leaving, departed, merged, kept = (single(point) for _n in range(6))
    seen_elsewhere, marked_on_the_bus, received_unmarked, received_then_marked = (
        single(other_point) for _n in range(4)
    )
    inbound = factories.bus(
        [marked_on_the_bus, received_unmarked, received_then_marked],
        from_facility=other_point,
        to_facility=point,
    )
    roll_call = custody.start_roll_call(point, by=manager)
    assert roll_call.expected == 9

    custody.mark_seen(roll_call, head, by=manager, how="tick")
    custody.mark_seen(roll_call, seen_elsewhere, by=manager, how="scan")
    custody.mark_seen(roll_call, marked_on_the_bus, by=manager, how="scan")
    bus = custody.dispatch(
        [son, to_camp],
        from_facility=point,
        to_facility=facilities["camp"],
        by=manager,
        separation_reason="school in the camp",
    )
    custody.receive(bus, [to_camp], by=make_camp_manager(facilities["camp"]))
    moved_on = custody.dispatch(
        [received_at_camp], from_facility=point, to_facility=facilities["camp"], by=manager
    )
    custody.receive(moved_on, by=make_camp_manager(facilities["camp"]))
    exits.start_exit([leaving.pk], ref="DP-1", from_facility=point, by=manager)
    exits.exit_at_once([departed.pk], ref="DP-2", from_facility=point, by=manager, note="died")
    custody.end_for_merge(merged, kept, by=manager)
    custody.receive(inbound, by=manager)
    custody.mark_seen(roll_call, received_then_marked, by=manager, how="scan")

    closed = custody.close_roll_call(roll_call, by=manager)

    camp, here = facilities["camp"].pk, point.pk
    lines = {
        line.person_id: (
            line.on_list,
            line.outcome,
            line.seen_at is not None,
            line.found_state,
            line.found_facility_id,
            line.found_movement_id,
            line.found_exit_ref,
        )
        for line in closed.lines.all()
    }
    assert lines == {
        head.pk: (True, Outcome.SEEN, True, "", None, None, ""),
        spouse.pk: (True, Outcome.NOT_SEEN, False, "", None, None, ""),
        kept.pk: (True, Outcome.NOT_SEEN, False, "", None, None, ""),
        son.pk: (True, Outcome.LEFT, False, "in_transit", None, bus.pk, ""),
        to_camp.pk: (True, Outcome.LEFT, False, "placed", camp, None, ""),
        # Received at the camp: the placement names its movement, the line only the camp.
        received_at_camp.pk: (True, Outcome.LEFT, False, "placed", camp, None, ""),
        leaving.pk: (True, Outcome.LEFT, False, "leaving", None, None, "DP-1"),
        departed.pk: (True, Outcome.LEFT, False, "departed", None, None, "DP-2"),
        # Merged into another record: no placement of its own any more.
        merged.pk: (True, Outcome.LEFT, False, "", None, None, ""),
        seen_elsewhere.pk: (False, Outcome.ELSEWHERE, True, "placed", other_point.pk, None, ""),
        marked_on_the_bus.pk: (False, Outcome.ARRIVED, True, "placed", here, None, ""),
        received_unmarked.pk: (False, Outcome.ARRIVED, False, "placed", here, None, ""),
        received_then_marked.pk: (False, Outcome.ARRIVED, True, "placed", here, None, ""),
    }
    assert custody.figures(closed) == custody.Figures(
        expected=9, seen=1, not_seen=2, left=6, arrived=3, not_on_list=1
    )


def statements_over_the_lines(queries) -> list[str]:
    """The statements that read or write a roll call's lines, every number and quoted value
    written as ``#``."""
    return [
        re.sub(r"'[^']*'|\d+", "#", q["sql"]) for q in queries if "custody_rollcallline" in q["sql"]
    ]


def test_the_close_sends_the_same_statements_however_many_left(point, manager, facilities):
    # 20,000 who left were updated in CASEs listing each line, their placements and lines read
    # with every person's id in the query: 28 s. Each outcome is now one statement.
    statements = []
    for leaving in (1, 4):
        persons = [single(point) for _n in range(leaving + 1)]
        roll_call = custody.start_roll_call(point, by=manager)
        custody.dispatch(
            persons[:leaving], from_facility=point, to_facility=facilities["camp"], by=manager
        )
        with CaptureQueriesContext(connection) as closing:
            closed = custody.close_roll_call(roll_call, by=manager)
        assert closed.left == leaving
        statements.append(statements_over_the_lines(closing.captured_queries))
    assert statements[0] == statements[1]
