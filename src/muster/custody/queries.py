"""Reads of custody that pages and endpoints of several apps share."""

from django.db.models import QuerySet

from muster.custody.models import Facility, Placement, RollCall
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
