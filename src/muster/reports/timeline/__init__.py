"""A person's history as one ordered list: registration, category decisions (and "held" proposals
awaiting or refused a second officer), placements, movements, reports of not arriving, roll calls
they were seen at, corrections, merges and their undoing, household separations, protection
reviews. Read-only; each source is shown only to roles that may see it.

Each source reads its own events: ``custody`` (where the person has been, roll calls), ``decisions``
(categories, separations, protection reviews), ``records`` (corrections, merges).
"""

from django.utils.translation import gettext as _

from muster.core.text import isolate
from muster.people.models import Person
from muster.reports.timeline.custody import custody_events, roll_call_events
from muster.reports.timeline.decisions import category_events, protection_events, separation_events
from muster.reports.timeline.event import Event
from muster.reports.timeline.records import (
    correction_events,
    merge_events,
    registered_household,
)

__all__ = ["Event", "person_timeline"]

# Order of events recorded at the same instant (registration and its first placement share a time).
_KIND_ORDER = {
    "registered": 0,
    "placed": 1,
    "dispatched": 2,
    "missing": 3,
    "received": 4,
    "leaving": 5,
    "departure_not_presented": 5,
    "departure_refused": 5,
    "departure_returned": 5,
    "departed": 5,
    "separated": 6,
    "category_proposed": 7,
    "category": 8,
    "category_refused": 9,
    "protection_review": 10,
    "merged": 11,
    "unmerged": 12,
    "corrected": 13,
    "roll_call": 14,
    "roll_call_not_on_list": 14,
}


def person_timeline(
    person: Person,
    fields: frozenset[str] | set[str],
    *,
    protection_detail: bool = False,
    roll_calls_at: set[int] | None = frozenset(),
) -> list[Event]:
    """Everything that happened to ``person``, oldest first, limited to what ``fields`` may show.

    ``protection_detail`` adds the reason and reviewer of protection reviews (for the roles that
    review); other roles with protection fields see the outcome only. ``roll_calls_at``: the
    facilities whose roll calls the reader may read (``policy.facility_scope(user,
    "rollcall.view")``; ``None``: every one), where the person's being seen is told.
    """
    events: list[Event] = []
    household = registered_household(person)
    events.append(
        Event(
            person.registered_at,
            "registered",
            _("Registered"),
            _("household %(h)s") % {"h": isolate(household)} if household else "",
        )
    )
    if fields & {"current_facility", "custody_state"}:
        events.extend(custody_events(person, fields))
        if roll_calls_at is None or roll_calls_at:
            events.extend(roll_call_events(person, fields, roll_calls_at))
    if "category" in fields:
        events.extend(category_events(person, fields))
    events.extend(correction_events(person, fields))
    if "merged_into" in fields:
        events.extend(merge_events(person, fields))
    if "household" in fields:
        events.extend(separation_events(person, fields))
    if fields & {"unaccompanied_child", "separated_child"}:
        events.extend(protection_events(person, protection_detail))
    return sorted(events, key=lambda e: (e.at, _KIND_ORDER.get(e.kind, 99)))
