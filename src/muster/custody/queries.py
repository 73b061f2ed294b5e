"""Reads of custody that pages and endpoints of several apps share."""

from django.db.models import QuerySet

from muster.custody.models import Facility, Placement
from muster.people.models import Person


def persons_at(facility: Facility) -> QuerySet:
    """Persons currently placed at ``facility``."""
    return Person.objects.filter(
        placements__is_current=True,
        placements__state=Placement.State.PLACED,
        placements__facility=facility,
    )
