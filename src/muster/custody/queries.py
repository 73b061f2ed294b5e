"""Reads of custody that pages and endpoints of several apps share."""

from django.db.models import QuerySet

from muster.custody.models import Facility, Placement, RollCall, RollCallLine
from muster.people.models import Person


def persons_at(facility: Facility) -> QuerySet:
    """Persons currently placed at ``facility``."""
    return Person.objects.filter(
        placements__is_current=True,
        placements__state=Placement.State.PLACED,
        placements__facility=facility,
    )


def last_closed_roll_call(facility: Facility) -> RollCall | None:
    """The facility's last closed roll call: its "not seen" shows on the facility page and the
    camp manager's home."""
    return (
        RollCall.objects.filter(facility=facility, closed_at__isnull=False)
        .order_by("-closed_at")
        .first()
    )


def roll_call_sightings(person: Person, facility_ids: set[int] | None) -> QuerySet:
    """The lines of the roll calls ``person`` was marked seen at (on the list, or seen there though
    not on it), at the facilities ``facility_ids`` (``None``: every one), oldest first."""
    lines = RollCallLine.objects.filter(person=person, seen_at__isnull=False)
    if facility_ids is not None:
        lines = lines.filter(roll_call__facility_id__in=facility_ids)
    return lines.select_related(
        "roll_call",
        "found_facility",
        "found_movement__from_facility",
        "found_movement__to_facility",
    ).order_by("seen_at", "pk")
