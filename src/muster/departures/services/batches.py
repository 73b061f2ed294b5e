"""A departure batch: plan it, approve it (a second officer), cancel it, dispatch it."""

from __future__ import annotations

from collections.abc import Sequence

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
    NEEDS_APPROVAL,
    Outcome,
    Status,
    _clean_details,
    _details,
    _locked,
    check_persons,
)
from muster.people.models import Person
from muster.protection import rules as protection


@transaction.atomic
def plan_departure(
    persons: Sequence[Person],
    *,
    kind: str,
    from_facility: Facility,
    details: dict,
    by,
    request=None,
    separation_reason: str = "",
    reunification_of: str = "",
) -> Departure:
    """Put persons on a new departure (status planned, or approved for kinds without approval).

    All the refusal rules are checked here and again at dispatch; nobody leaves custody yet. A
    reunification is planned only by tracing, for a confirmed request (``reunification_of``, its
    number), once tracing's own conditions hold (a best-interests determination for a child).
    """
    clean = _clean_details(kind, details)
    if kind == Kind.REUNIFICATION and not reunification_of:
        raise ValidationError(
            {
                "kind": [
                    ValidationError(
                        _("a reunification is planned from its confirmed tracing request"),
                        code="use_tracing",
                    )
                ]
            }
        )
    if kind == Kind.DEATH:
        raise ValidationError(
            {
                "kind": [
                    ValidationError(
                        _("a death is recorded with record_death, not planned"),
                        code="use_record_death",
                    )
                ]
            }
        )
    persons = list(persons)
    check_persons(persons, kind, clean, from_facility, separation_reason=separation_reason)
    now = timezone.now()
    departure = Departure.objects.create(
        number=new_number("D"),
        kind=kind,
        status=Status.PLANNED if kind in NEEDS_APPROVAL else Status.APPROVED,
        from_facility=from_facility,
        created_by=by,
        created_at=now,
        separation_reason=(separation_reason or "").strip(),
        **clean,
    )
    DepartureLine.objects.bulk_create(
        [
            DepartureLine(departure=departure, person=p, position=i)
            for i, p in enumerate(persons, 1)
        ],
        batch_size=2000,
    )
    audit.record(
        DeparturesAction.DEPARTURE_PLAN,
        actor=by,
        obj=departure,
        request=request,
        detail={
            "kind": kind,
            "from": from_facility.pk,
            "persons": len(persons),
            "person_ids": [p.pk for p in persons],
        },
    )
    return departure


@transaction.atomic
def approve_departure(departure: Departure, *, by, note: str = "", request=None) -> Departure:
    """A second officer approves a planned departure (not the one who planned it)."""
    departure = _locked(departure)
    if departure.status != Status.PLANNED:
        raise ValidationError(
            {"status": [ValidationError(_("%(d)s is %(s)s, not awaiting approval")
                        % {"d": departure.number, "s": departure.get_status_display()}, code="not_awaiting_approval")]}
        )  # fmt: skip
    if by is None or departure.created_by_id == getattr(by, "pk", None):
        raise ValidationError(
            {
                "approved_by": [
                    ValidationError(
                        _("a second officer must approve: not the one who planned it"),
                        code="same_officer",
                    )
                ]
            }
        )
    departure.status = Status.APPROVED
    departure.approved_by = by
    departure.approved_at = timezone.now()
    departure.save(update_fields=["status", "approved_by", "approved_at"])
    audit.record(
        DeparturesAction.DEPARTURE_APPROVE,
        actor=by,
        obj=departure,
        request=request,
        detail={"note": note[:200]},
    )
    return departure


@transaction.atomic
def cancel_departure(departure: Departure, *, reason: str, by, request=None) -> Departure:
    """Call off a departure before dispatch; its persons stay where they are, free for another."""
    if not (reason or "").strip():
        raise ValidationError(
            {
                "reason": [
                    ValidationError(
                        _("say why the departure is called off"), code="reason_required"
                    )
                ]
            }
        )
    departure = _locked(departure)
    if departure.status not in (Status.PLANNED, Status.APPROVED):
        raise ValidationError(
            {"status": [ValidationError(_("%(d)s has been dispatched: confirm or refuse its persons instead")
                        % {"d": departure.number}, code="already_dispatched")]}
        )  # fmt: skip
    departure.lines.filter(outcome=Outcome.PLANNED).update(
        outcome=Outcome.WITHDRAWN, note=reason.strip(), resolved_at=timezone.now(), resolved_by=by
    )
    departure.status = Status.CANCELLED
    departure.closed_at = timezone.now()
    departure.save(update_fields=["status", "closed_at"])
    audit.record(
        DeparturesAction.DEPARTURE_CANCEL,
        actor=by,
        obj=departure,
        request=request,
        detail={"reason": "given"},
    )
    return departure


@transaction.atomic
def dispatch_departure(departure: Departure, *, by, request=None) -> Departure:
    """The persons leave: custody *placed* -> *leaving*; each line awaits the receiving side.

    The refusal rules run again (a category or a review may have changed since planning).
    """
    departure = _locked(departure)
    if departure.status != Status.APPROVED:
        reason = (
            _("%(d)s awaits a second officer's approval")
            if departure.status == Status.PLANNED
            else _("%(d)s is %(s)s and cannot be dispatched")
        ) % {"d": departure.number, "s": departure.get_status_display()}
        raise ValidationError({"status": [ValidationError(reason, code="not_approved")]})
    lines = list(
        departure.lines.filter(outcome=Outcome.PLANNED)
        .select_related("person")
        .order_by("position")
    )
    persons = [line.person for line in lines]
    plan = check_persons(
        persons,
        departure.kind,
        _details(departure),
        departure.from_facility,
        separation_reason=departure.separation_reason,
        departure=departure,
    )
    now = timezone.now()
    ids = [p.pk for p in persons]
    custody_exits.start_exit(
        ids,
        ref=departure.number,
        from_facility=departure.from_facility,
        by=by,
        request=request,
        now=now,
    )
    DepartureLine.objects.filter(pk__in=[line.pk for line in lines]).update(outcome=Outcome.PENDING)
    protection.record_separation(
        plan,
        to_facility=None,
        destination=departure.separation_text(),
        departure=departure,
        reason=departure.separation_reason,
        by=by,
        request=request,
    )
    departure.status = Status.DISPATCHED
    departure.dispatched_by = by
    departure.dispatched_at = now
    departure.save(update_fields=["status", "dispatched_by", "dispatched_at"])
    audit.record(
        DeparturesAction.DEPARTURE_DISPATCH,
        actor=by,
        obj=departure,
        request=request,
        detail={"kind": departure.kind, "persons": len(ids)},
    )
    for pid in ids:
        audit.record(
            DeparturesAction.PERSON_DEPART_DISPATCH,
            actor=by,
            object_type="people.person",
            object_id=pid,
            request=request,
            detail={"departure": departure.number, "kind": departure.kind},
        )
    return departure
