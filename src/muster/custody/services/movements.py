"""Movements between facilities: dispatch (with the protection rules), receive, report missing."""

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from muster.audit import services as audit
from muster.core.numbering import new_number
from muster.custody.audit_actions import CustodyAction
from muster.custody.models import Facility, ManifestLine, Movement, Placement
from muster.custody.services.placements import (
    CapacityExceeded,
    State,
    _check_capacity,
    _lock_facility,
)
from muster.protection import rules as protection


@transaction.atomic
def dispatch(
    persons: Sequence,
    *,
    from_facility: Facility,
    to_facility: Facility,
    by,
    request=None,
    vehicle: str = "",
    note: str = "",
    override_reason: str = "",
    separation_reason: str = "",
) -> Movement:
    """Dispatch persons from one facility to another on one manifest. They are in transit until received.

    ``separation_reason`` is required when the transfer splits a registered household across
    facilities (protection safeguard, see :mod:`muster.protection.rules`).
    """
    if from_facility.pk == to_facility.pk:
        raise ValidationError(
            {
                "to_facility": [
                    ValidationError(
                        _("must differ from the sending facility"), code="same_facility"
                    )
                ]
            }
        )
    if not persons:
        raise ValidationError(
            {"persons": [ValidationError(_("select at least one person"), code="nobody_selected")]}
        )
    if not to_facility.is_active:
        raise ValidationError(
            {
                "to_facility": [
                    ValidationError(
                        _("%(f)s is closed") % {"f": to_facility.name}, code="facility_closed"
                    )
                ]
            }
        )
    ids = [p.pk for p in persons]
    if len(set(ids)) != len(ids):
        raise ValidationError(
            {"persons": [ValidationError(_("a person is listed twice"), code="listed_twice")]}
        )
    _lock_facility(to_facility)
    current = {
        pl.person_id: pl
        for pl in Placement.objects.select_for_update().filter(person_id__in=ids, is_current=True)
    }
    not_here = [
        p.number
        for p in persons
        if getattr(current.get(p.pk), "facility_id", None) != from_facility.pk
        or current[p.pk].state != State.PLACED
    ]
    if not_here:
        raise ValidationError(
            {
                "persons": [
                    ValidationError(
                        _("not currently at %(f)s: %(list)s")
                        % {"f": from_facility.name, "list": ", ".join(not_here[:20])},
                        code="not_at_facility",
                    )
                ]
            }
        )
    # Every problem at once: a family split and a full camp were told one after the other, the
    # officer sending the bus twice to learn both.
    try:
        plan = protection.check_transfer(
            persons, to_facility, separation_reason=separation_reason, by=by
        )
    except ValidationError as exc:
        try:
            _check_capacity(to_facility, len(persons), override_reason)
        except CapacityExceeded as full:
            raise ValidationError({**exc.error_dict, **full.error_dict}) from None
        raise
    _check_capacity(to_facility, len(persons), override_reason)
    now = timezone.now()
    movement = Movement.objects.create(
        number=new_number("M"),
        from_facility=from_facility,
        to_facility=to_facility,
        dispatched_at=now,
        dispatched_by=by,
        vehicle=vehicle.strip(),
        note=note.strip(),
        capacity_override_reason=override_reason.strip(),
    )
    Placement.objects.filter(pk__in=[pl.pk for pl in current.values()]).update(
        is_current=False, ended_at=now
    )
    Placement.objects.bulk_create(
        [
            Placement(
                person=p, state=State.IN_TRANSIT, movement=movement, started_at=now, created_by=by
            )
            for p in persons
        ]
    )
    ManifestLine.objects.bulk_create([ManifestLine(movement=movement, person=p) for p in persons])
    protection.record_separation(
        plan,
        to_facility=to_facility,
        reason=separation_reason,
        by=by,
        movement=movement,
        request=request,
    )
    audit.record(
        CustodyAction.MOVEMENT_DISPATCH,
        actor=by,
        obj=movement,
        request=request,
        detail={
            "from": from_facility.pk,
            "to": to_facility.pk,
            "persons": len(persons),
            "capacity_override": bool(override_reason.strip()),
        },
    )
    for p in persons:
        audit.record(
            CustodyAction.PERSON_DISPATCH,
            actor=by,
            obj=p,
            request=request,
            detail={"movement": movement.number},
        )
    return movement


def _refresh_movement_status(movement: Movement) -> None:
    outcomes = set(movement.lines.values_list("outcome", flat=True))
    if outcomes == {ManifestLine.Outcome.RECEIVED}:
        status = Movement.Status.RECEIVED
    elif ManifestLine.Outcome.RECEIVED in outcomes:
        status = Movement.Status.PARTIALLY_RECEIVED
    else:
        status = Movement.Status.DISPATCHED
    if movement.status != status:
        movement.status = status
        movement.save(update_fields=["status"])


@transaction.atomic
def receive(
    movement: Movement,
    persons: Iterable | None = None,
    *,
    by,
    request=None,
    separation_reason: str = "",
) -> int:
    """Confirm receipt of persons (default: everyone still pending) at the movement's destination.

    Receipt is never refused for capacity: the person is physically here, and refusing would lose
    them. Capacity is enforced at dispatch. Receiving a household without some of its members on
    the same manifest needs ``separation_reason`` and is recorded (protection rules).
    """
    movement = Movement.objects.select_for_update().get(pk=movement.pk)
    # A person reported missing who turns up later is received like anyone else.
    pending = movement.lines.select_for_update().filter(
        outcome__in=[ManifestLine.Outcome.PENDING, ManifestLine.Outcome.MISSING]
    )
    if persons is not None:
        ids = {p.pk if hasattr(p, "pk") else int(p) for p in persons}
        on_manifest = set(movement.lines.values_list("person_id", flat=True))
        strangers = ids - on_manifest
        if strangers:
            raise ValidationError(
                {
                    "persons": [
                        ValidationError(
                            ngettext(
                                "%(n)d selected person is not on manifest %(m)s",
                                "%(n)d selected persons are not on manifest %(m)s",
                                len(strangers),
                            )
                            % {"n": len(strangers), "m": movement.number},
                            code="not_on_manifest",
                        )
                    ]
                }
            )
        pending = pending.filter(person_id__in=ids)
    lines = list(pending.select_related("person"))
    if not lines:
        raise ValidationError(
            {
                "persons": [
                    ValidationError(
                        _("nobody selected is still pending on %(m)s") % {"m": movement.number},
                        code="nothing_pending",
                    )
                ]
            }
        )
    person_ids = [line.person_id for line in lines]
    behind = [
        line
        for line in movement.lines.select_related("person").filter(
            outcome__in=[ManifestLine.Outcome.PENDING, ManifestLine.Outcome.MISSING]
        )
        if line.person_id not in set(person_ids)
    ]
    left_behind = [line.person for line in behind]
    reasons: dict[int, str] = {}
    if not (separation_reason or "").strip():
        reasons = _reported_apart(lines, behind)
        separation_reason = "; ".join(reasons.values())
    plan = protection.check_receipt(
        [line.person for line in lines], left_behind, separation_reason=separation_reason
    )
    now = timezone.now()
    Placement.objects.filter(person_id__in=person_ids, is_current=True, movement=movement).update(
        is_current=False, ended_at=now
    )
    Placement.objects.bulk_create(
        [
            Placement(
                person_id=pid,
                state=State.PLACED,
                facility=movement.to_facility,
                movement=movement,
                started_at=now,
                created_by=by,
            )
            for pid in person_ids
        ]
    )
    ManifestLine.objects.filter(pk__in=[line.pk for line in lines]).update(
        outcome=ManifestLine.Outcome.RECEIVED, resolved_at=now, resolved_by=by
    )
    _refresh_movement_status(movement)
    protection.record_separation(
        plan,
        to_facility=movement.to_facility,
        reason=separation_reason,
        by=by,
        movement=movement,
        request=request,
        reasons=reasons,
    )
    audit.record(
        CustodyAction.MOVEMENT_RECEIVE,
        actor=by,
        obj=movement,
        request=request,
        detail={"persons": len(lines), "facility": movement.to_facility_id},
    )
    for line in lines:
        audit.record(
            CustodyAction.PERSON_RECEIVE,
            actor=by,
            obj=line.person,
            request=request,
            detail={"movement": movement.number},
        )
    return len(lines)


def _reported_apart(lines, behind) -> dict[int, str]:
    """The reason each household is received apart when every member left behind of each
    household received was already reported not arrived: what the report said, household id ->
    text, each family's naming its own members only ({} if any is only pending, so that the
    receiving officer states a reason)."""
    households = {line.person.household_id for line in lines} - {None}
    apart = [line for line in behind if line.person.household_id in households]
    if not apart or any(line.outcome != ManifestLine.Outcome.MISSING for line in apart):
        return {}
    reasons: dict[int, list[str]] = {}
    for line in apart:
        reasons.setdefault(line.person.household_id, []).append(
            _("%(number)s reported not arrived: %(note)s")
            % {"number": line.person.number, "note": line.note}
        )
    return {household: "; ".join(texts) for household, texts in reasons.items()}


@transaction.atomic
def report_missing(movement: Movement, person, *, note: str, by, request=None) -> ManifestLine:
    """The receiving side reports that a person on the manifest did not arrive.

    The person stays in transit (and so unaccounted once overdue) until found and received: the report
    is a flag for follow-up, not a way to close the case.
    """
    if not (note or "").strip():
        raise ValidationError(
            {
                "note": [
                    ValidationError(
                        _("say what is known (e.g. 'not on the bus at arrival')"),
                        code="note_required",
                    )
                ]
            }
        )
    line = ManifestLine.objects.select_for_update().get(movement=movement, person=person)
    if line.outcome == ManifestLine.Outcome.RECEIVED:
        raise ValidationError(
            {"person": [ValidationError(_("already received"), code="already_received")]}
        )
    line.outcome = ManifestLine.Outcome.MISSING
    line.note = note.strip()
    line.resolved_at = line.reported_missing_at = timezone.now()
    line.resolved_by = line.reported_missing_by = by
    line.save()
    audit.record(
        CustodyAction.PERSON_REPORTED_MISSING,
        actor=by,
        obj=person,
        request=request,
        detail={"movement": movement.number},
    )
    return line
