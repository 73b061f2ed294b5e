"""The verbs of custody: place, dispatch, receive, report missing, depart; and where everyone is.

Invariants: exactly one current placement per person (database), capacity checked at placement and
at dispatch (an override needs a reason, which is stored), a dispatched person stays *in transit*
until the receiving facility confirms them, and after ``UNACCOUNTED_AFTER_HOURS`` is listed as
unaccounted.

One module per sub-domain: ``placements`` (where everyone is, capacity, placing), ``movements``
(dispatch, receive, report missing), ``transit`` (who is on the way or unaccounted), ``merges``
(custody when records are merged and unmerged), ``facilities`` (creating and changing
facilities) and ``rollcalls`` (a physical count reconciled against the list). Import the verbs from here: ``from muster.custody import services as custody``."""

from muster.custody.services.facilities import (
    FACILITY_FIELDS,
    VERSIONED_FIELDS,
    create_facility,
    facilities_at,
    facility_names_at,
    update_facility,
)
from muster.custody.services.merges import (
    MERGE_LEFT_NOTE,
    MERGE_MOVE_NOTE,
    MERGE_NOTE,
    end_for_merge,
    merge_copies,
    merge_copy_sql,
    merge_location_warning,
    restore_after_unmerge,
)
from muster.custody.services.movements import (
    dispatch,
    receive,
    report_missing,
)
from muster.custody.services.placements import (
    CapacityExceeded,
    State,
    current_placement,
    departed_placements,
    expected,
    expected_by_facility,
    place,
    place_many,
    placed_at,
    population,
    populations,
    reported_not_arrived_by_facility,
)
from muster.custody.services.rollcalls import (
    Figures,
    Marked,
    close_roll_call,
    figures,
    lines_with,
    mark_answer,
    mark_seen,
    not_yet_seen,
    open_roll_call,
    person_by_number,
    start_roll_call,
    whereabouts,
)
from muster.custody.services.transit import (
    children_lost_lines,
    children_unaccounted,
    in_transit_lines,
    left_on_the_way,
    lost_children,
    not_arrived_line,
    on_the_way,
    unaccounted_cutoff,
    unaccounted_lines,
)

__all__ = [
    "State",
    "CapacityExceeded",
    "population",
    "expected",
    "expected_by_facility",
    "reported_not_arrived_by_facility",
    "populations",
    "place_many",
    "placed_at",
    "place",
    "current_placement",
    "departed_placements",
    "MERGE_NOTE",
    "MERGE_MOVE_NOTE",
    "merge_copies",
    "merge_copy_sql",
    "MERGE_LEFT_NOTE",
    "end_for_merge",
    "merge_location_warning",
    "restore_after_unmerge",
    "unaccounted_cutoff",
    "in_transit_lines",
    "left_on_the_way",
    "unaccounted_lines",
    "children_lost_lines",
    "lost_children",
    "children_unaccounted",
    "not_arrived_line",
    "on_the_way",
    "dispatch",
    "receive",
    "report_missing",
    "FACILITY_FIELDS",
    "VERSIONED_FIELDS",
    "create_facility",
    "update_facility",
    "facilities_at",
    "facility_names_at",
    "Figures",
    "Marked",
    "start_roll_call",
    "open_roll_call",
    "mark_seen",
    "mark_answer",
    "close_roll_call",
    "figures",
    "not_yet_seen",
    "lines_with",
    "person_by_number",
    "whereabouts",
]
