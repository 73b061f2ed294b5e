"""Reads of custody that pages and endpoints of several apps share."""

from django.db.models import Q, QuerySet

from muster.custody import services as custody
from muster.custody.models import Facility, Placement
from muster.people.models import Person


def persons_at(facility: Facility) -> QuerySet:
    """Persons currently placed at ``facility``."""
    return Person.objects.filter(
        placements__is_current=True,
        placements__state=Placement.State.PLACED,
        placements__facility=facility,
    )


def children_unaccounted_near(scope: set[int] | None):
    """Children lost on the way, on movements touching these facilities (None: all)."""
    lines = custody.in_transit_lines()
    if scope is not None:
        lines = lines.filter(
            Q(movement__from_facility_id__in=scope) | Q(movement__to_facility_id__in=scope)
        )
    return custody.children_unaccounted(lines)
