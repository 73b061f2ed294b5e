"""Custody's side of a departure: persons leave a facility, are confirmed gone, or come back.

A departure (returns, repatriation, handover, release, medical transfer abroad, death: see
:mod:`muster.departures`) moves a person's current placement from *placed* to *leaving* (dispatched,
not yet confirmed by the receiving side) and then to *departed*, or back to *placed* at the facility
they left when the receiving side refused them or they were never presented and are found again.
Every placement on this path names the departure (``exit_ref``) and never a facility, which the
database checks: a person is never both placed and departed.

These verbs are called inside the departures service's transaction, which audits each person; each
verb here records one ``placement.exit`` event for the batch it changed.
"""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.audit import services as audit
from muster.custody.audit_actions import CustodyAction
from muster.custody.models import Facility, Placement
from muster.people.models import Person

State = Placement.State


def _current(person_ids: Sequence[int]) -> dict[int, Placement]:
    return {
        pl.person_id: pl
        for pl in Placement.objects.select_for_update().filter(
            person_id__in=list(person_ids), is_current=True
        )
    }


def _numbers(person_ids) -> str:
    return ", ".join(
        Person.objects.filter(pk__in=list(person_ids)[:20])
        .order_by("number")
        .values_list("number", flat=True)
    )


def not_placed_at(person_ids: Sequence[int], facility: Facility) -> list[int]:
    """Of ``person_ids``, those not currently placed at ``facility`` (leaving needs them there)."""
    here = set(
        Placement.objects.filter(
            person_id__in=list(person_ids), is_current=True, state=State.PLACED, facility=facility
        ).values_list("person_id", flat=True)
    )
    return [pid for pid in person_ids if pid not in here]


def _replace(current: list[Placement], make, now) -> None:
    Placement.objects.filter(pk__in=[pl.pk for pl in current]).update(
        is_current=False, ended_at=now
    )
    Placement.objects.bulk_create([make(pl) for pl in current], batch_size=2000)


def _record(verb: str, ref: str, n: int, *, by, request, **detail) -> None:
    audit.record(
        CustodyAction.PLACEMENT_EXIT,
        actor=by,
        object_type="departures.departure",
        object_id=ref,
        request=request,
        detail={"step": verb, "departure": ref, "persons": n, **detail},
    )


@transaction.atomic
def start_exit(
    person_ids: Sequence[int], *, ref: str, from_facility: Facility, by, request=None, now=None
) -> None:
    """Persons placed at ``from_facility`` leave on departure ``ref``: *placed* -> *leaving*."""
    if not ref:
        raise ValidationError(
            {
                "departure": [
                    ValidationError(_("a departure number is required"), code="departure_required")
                ]
            }
        )
    now = now or timezone.now()
    current = _current(person_ids)
    wrong = [
        pid
        for pid in person_ids
        if pid not in current
        or current[pid].state != State.PLACED
        or current[pid].facility_id != from_facility.pk
    ]
    if wrong:
        raise ValidationError(
            {
                "persons": [
                    _("not currently at %(f)s: %(list)s")
                    % {"f": from_facility.name, "list": _numbers(wrong)}
                ]
            }
        )
    _replace(
        list(current.values()),
        lambda pl: Placement(
            person_id=pl.person_id,
            state=State.LEAVING,
            exit_ref=ref,
            started_at=now,
            created_by=by,
        ),
        now,
    )
    _record("leave", ref, len(current), by=by, request=request, facility=from_facility.pk)


def _leaving(person_ids: Sequence[int], ref: str) -> list[Placement]:
    current = _current(person_ids)
    wrong = [
        pid
        for pid in person_ids
        if pid not in current or current[pid].state != State.LEAVING or current[pid].exit_ref != ref
    ]
    if wrong:
        raise ValidationError(
            {
                "persons": [
                    _("not leaving on departure %(d)s: %(list)s")
                    % {"d": ref, "list": _numbers(wrong)}
                ]
            }
        )
    return list(current.values())


@transaction.atomic
def complete_exit(
    person_ids: Sequence[int], *, ref: str, by, note: str = "", request=None, now=None
) -> int:
    """The receiving side confirmed these persons: *leaving* -> *departed* (``note``: destination)."""
    now = now or timezone.now()
    current = _leaving(person_ids, ref)
    _replace(
        current,
        lambda pl: Placement(
            person_id=pl.person_id,
            state=State.DEPARTED,
            exit_ref=ref,
            started_at=now,
            created_by=by,
            note=note,
        ),
        now,
    )
    _record("depart", ref, len(current), by=by, request=request)
    return len(current)


@transaction.atomic
def return_from_exit(
    person_ids: Sequence[int], *, ref: str, facility: Facility, by, note: str, request=None
) -> int:
    """Persons refused by the receiving side (or found again) are back at ``facility``:
    *leaving* -> *placed*. Never refused for capacity: they are physically there."""
    now = timezone.now()
    current = _leaving(person_ids, ref)
    _replace(
        current,
        lambda pl: Placement(
            person_id=pl.person_id,
            state=State.PLACED,
            facility=facility,
            started_at=now,
            created_by=by,
            note=note,
        ),
        now,
    )
    _record("return", ref, len(current), by=by, request=request, facility=facility.pk)
    return len(current)


@transaction.atomic
def exit_at_once(
    person_ids: Sequence[int],
    *,
    ref: str,
    from_facility: Facility,
    by,
    note: str,
    request=None,
) -> None:
    """A departure with nobody to confirm it (a death): *placed* -> *departed* in one step."""
    now = timezone.now()
    start_exit(person_ids, ref=ref, from_facility=from_facility, by=by, request=request, now=now)
    complete_exit(person_ids, ref=ref, by=by, note=note, request=request, now=now)
