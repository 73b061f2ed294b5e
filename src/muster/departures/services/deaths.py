"""A death in custody: recorded as a departure of kind death, one person, at once."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.audit import services as audit
from muster.core.numbering import new_number
from muster.custody.models import Facility
from muster.custody.services import exits as custody_exits
from muster.departures.audit_actions import DeparturesAction
from muster.departures.models import Departure, DepartureLine, Kind
from muster.departures.services.rules import (
    Outcome,
    Status,
    _clean_details,
    _exit_note,
    check_persons,
)
from muster.people.models import Person


@transaction.atomic
def record_death(
    person: Person,
    *,
    from_facility: Facility | None = None,
    details: dict,
    by,
    request=None,
) -> Departure:
    """A death: the person leaves custody at once (nobody on another side confirms it). The source of
    the record (death certificate, hospital report, burial witness) and the date are required."""
    clean = _clean_details(Kind.DEATH, details)
    if from_facility is None:
        from muster.custody.models import Placement

        current = Placement.objects.filter(person=person, is_current=True).first()
        if current is None or current.state != Placement.State.PLACED:
            raise ValidationError(
                {
                    "persons": [
                        ValidationError(
                            _("%(p)s is not at a facility now") % {"p": person.number},
                            code="not_at_a_facility",
                        )
                    ]
                }
            )
        from_facility = current.facility
    check_persons([person], Kind.DEATH, clean, from_facility)
    now = timezone.now()
    departure = Departure.objects.create(
        number=new_number("D"),
        kind=Kind.DEATH,
        status=Status.CLOSED,
        from_facility=from_facility,
        created_by=by,
        created_at=now,
        dispatched_by=by,
        dispatched_at=now,
        closed_at=now,
        **clean,
    )
    DepartureLine.objects.create(
        departure=departure,
        person=person,
        position=1,
        outcome=Outcome.RECEIVED,
        resolved_at=now,
        resolved_by=by,
        source="record",
    )
    custody_exits.exit_at_once(
        [person.pk],
        ref=departure.number,
        from_facility=from_facility,
        by=by,
        note=_exit_note(departure),
        request=request,
    )
    audit.record(
        DeparturesAction.DEPARTURE_DEATH,
        actor=by,
        obj=departure,
        request=request,
        detail={"persons": 1},
    )
    audit.record(
        DeparturesAction.PERSON_DEPART_DEATH,
        actor=by,
        obj=person,
        request=request,
        detail={"departure": departure.number},
    )
    return departure
