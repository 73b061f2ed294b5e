"""Where everyone is: populations, expected arrivals, capacity, and placing persons at a facility."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from muster.audit import services as audit
from muster.core.rows import insert_rows, new_ids
from muster.custody.audit_actions import CustodyAction
from muster.custody.models import Facility, ManifestLine, Placement
from muster.protection import rules as protection

State = Placement.State


class CapacityExceeded(ValidationError):
    """Raised when a placement or transfer would take a facility over its capacity."""


def population(facility: Facility) -> int:
    return Placement.objects.filter(facility=facility, is_current=True, state=State.PLACED).count()


def expected(facility: Facility) -> int:
    """Persons dispatched to this facility and not yet received."""
    return ManifestLine.objects.filter(
        movement__to_facility=facility, outcome=ManifestLine.Outcome.PENDING
    ).count()


def expected_by_facility() -> dict[int, int]:
    """Facility id -> persons dispatched there and not yet received (:func:`expected` for every
    facility, in one query)."""
    return _lines_by_destination(ManifestLine.Outcome.PENDING)


def reported_not_arrived_by_facility() -> dict[int, int]:
    """Facility id -> persons dispatched there whom it reported not arrived (still on the transfer,
    not received, no longer expected: with :func:`expected_by_facility`, those on the way to it)."""
    return _lines_by_destination(ManifestLine.Outcome.MISSING)


def _lines_by_destination(outcome: str) -> dict[int, int]:
    """Facility id -> manifest lines of this outcome on transfers to it, in one query."""
    rows = (
        ManifestLine.objects.filter(outcome=outcome)
        .values_list("movement__to_facility_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def populations() -> dict[int, int]:
    """Current population of every facility, in one query."""
    rows = (
        Placement.objects.filter(is_current=True, state=State.PLACED)
        .values("facility_id")
        .annotate(n=Count("id"))
    )
    return {r["facility_id"]: r["n"] for r in rows}


def _check_capacity(facility: Facility, incoming: int, override_reason: str) -> None:
    if facility.capacity is None:
        return
    occupied = population(facility) + expected(facility)
    if occupied + incoming <= facility.capacity:
        return
    if override_reason.strip():
        return
    values = {
        "facility": facility.display_name,
        "occupied": occupied,
        "capacity": facility.capacity,
        "incoming": incoming,
        "free": facility.capacity - occupied,
        "over": occupied + incoming - facility.capacity,
    }
    if occupied < facility.capacity:
        # Not full: "is full" with places still free read as a contradiction to the officer.
        message = _(
            "%(facility)s has room for %(free)d more (%(occupied)d of %(capacity)d places taken "
            "or expected); these %(incoming)d would exceed its capacity by %(over)d. Choose fewer "
            "persons or another facility, or record a capacity override with a reason."
        )
    else:
        message = _(
            "%(facility)s is full: %(occupied)d of %(capacity)d places taken or expected, "
            "%(incoming)d more would exceed capacity. Choose another facility or record a "
            "capacity override with a reason."
        )
    raise CapacityExceeded(
        {"facility": [ValidationError(message % values, code="capacity_exceeded")]}
    )


def _lock_facility(facility: Facility) -> None:
    # Serialises capacity checks for one facility on PostgreSQL (SQLite serialises all writers).
    Facility.objects.select_for_update().filter(pk=facility.pk).first()


_PLACEMENT_FIELDS = (
    "id",
    "person_id",
    "state",
    "facility_id",
    "is_current",
    "started_at",
    "created_by_id",
    "capacity_override_reason",
    "note",
    "exit_ref",
)


@transaction.atomic
def place_many(
    persons: Sequence,
    facility: Facility,
    *,
    by,
    request=None,
    override_reason: str = "",
    separation_reason: str = "",
    audit_each: bool = True,
    returning: bool = True,
) -> list[Placement]:
    """First placement of newly registered persons (or of persons with no current placement).

    ``audit_each=False``: the caller records the placements' events, in the same transaction (the
    bulk import). ``returning=False``: the placements are written but not returned as instances
    (``[]``), which a caller placing thousands has no use for."""
    if not facility.is_active:
        raise ValidationError(
            {
                "facility": [
                    ValidationError(
                        _("%(f)s is closed") % {"f": facility.display_name}, code="facility_closed"
                    )
                ]
            }
        )
    # Protection safeguards (children in holding, family separation): see muster.protection.rules.
    plan = protection.check_transfer(persons, facility, separation_reason=separation_reason, by=by)
    _lock_facility(facility)
    _check_capacity(facility, len(persons), override_reason)
    already = set(
        Placement.objects.filter(
            person_id__in=[p.pk for p in persons], is_current=True
        ).values_list("person_id", flat=True)
    )
    if already:
        raise ValidationError(
            {
                "persons": [
                    ValidationError(
                        ngettext(
                            "%(n)d person already has a current placement; use a transfer",
                            "%(n)d persons already have a current placement; use a transfer",
                            len(already),
                        )
                        % {"n": len(already)},
                        code="already_placed",
                    )
                ]
            }
        )
    now = timezone.now()
    by_id = by.pk if by is not None else None
    reason = override_reason.strip()
    # One insert of plain rows (core.rows): a reception point takes thousands in a bulk import.
    rows = [
        (pk, p.pk, str(State.PLACED), facility.pk, True, now, by_id, reason, "", "")
        for pk, p in zip(new_ids(Placement, len(persons)), persons, strict=True)
    ]
    insert_rows(Placement, _PLACEMENT_FIELDS, rows)
    placements = []
    for row, person in zip(rows, persons, strict=True) if returning else ():
        placement = Placement(
            id=row[0],
            person=person,
            state=State.PLACED,
            facility=facility,
            started_at=now,
            created_by_id=by_id,
            capacity_override_reason=reason,
        )
        placement._state.adding, placement._state.db = False, connection.alias
        placements.append(placement)
    protection.record_separation(
        plan, to_facility=facility, reason=separation_reason, by=by, request=request
    )
    for p in persons if audit_each else ():
        detail = {"facility": facility.pk}
        if override_reason.strip():
            detail["capacity_override"] = True
        audit.record(
            CustodyAction.PLACEMENT_CREATE, actor=by, obj=p, request=request, detail=detail
        )
    return placements


def place(person, facility: Facility, *, by, request=None, override_reason: str = "") -> Placement:
    return place_many([person], facility, by=by, request=request, override_reason=override_reason)[
        0
    ]


def placed_at(person_ids) -> dict[int, Facility]:
    """The facility each of these persons is placed at now, by person id (those in transit,
    leaving or departed are left out)."""
    rows = Placement.objects.filter(
        person_id__in=list(person_ids), is_current=True, state=State.PLACED
    ).select_related("facility")
    return {pl.person_id: pl.facility for pl in rows}


def departed_placements() -> QuerySet:
    """The current placements of the persons who have left custody: their departure confirmed
    (reunified, returned, repatriated, handed over, died…). Those *leaving* on a departure not yet
    confirmed have not been handed over: not among them."""
    return Placement.objects.filter(is_current=True, state=State.DEPARTED)


def current_placement(person) -> Placement | None:
    return (
        Placement.objects.filter(person=person, is_current=True)
        .select_related("facility", "movement__to_facility", "movement__from_facility")
        .first()
    )
