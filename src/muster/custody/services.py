"""The verbs of custody: place, dispatch, receive, report missing, depart; and where everyone is.

Invariants: exactly one current placement per person (database), capacity checked at placement and at
dispatch (an override needs a reason, which is stored), a dispatched person stays *in transit* until
the receiving facility confirms them, and after ``UNACCOUNTED_AFTER_HOURS`` is listed as unaccounted.
"""

import re
from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.audit import services as audit
from muster.core.conf import conf
from muster.core.numbering import new_number
from muster.custody.models import Facility, FacilityVersion, ManifestLine, Movement, Placement
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
    raise CapacityExceeded(
        {
            "facility": [
                _(
                    "%(facility)s is full: %(occupied)d of %(capacity)d places taken or expected, "
                    "%(incoming)d more would exceed capacity. Choose another facility or record a "
                    "capacity override with a reason."
                )
                % {
                    "facility": facility.name,
                    "occupied": occupied,
                    "capacity": facility.capacity,
                    "incoming": incoming,
                }
            ]
        }
    )


def _lock_facility(facility: Facility) -> None:
    # Serialises capacity checks for one facility on PostgreSQL (SQLite serialises all writers).
    Facility.objects.select_for_update().filter(pk=facility.pk).first()


@transaction.atomic
def place_many(
    persons: Sequence,
    facility: Facility,
    *,
    by,
    request=None,
    override_reason: str = "",
    separation_reason: str = "",
) -> list[Placement]:
    """First placement of newly registered persons (or of persons with no current placement)."""
    if not facility.is_active:
        raise ValidationError({"facility": [_("%(f)s is closed") % {"f": facility.name}]})
    # Protection safeguards (children in holding, family separation): see muster.protection.rules.
    plan = protection.check_transfer(persons, facility, separation_reason=separation_reason, by=by)
    _lock_facility(facility)
    _check_capacity(facility, len(persons), override_reason)
    already = set(
        Placement.objects.filter(person__in=persons, is_current=True).values_list(
            "person_id", flat=True
        )
    )
    if already:
        raise ValidationError(
            {
                "persons": [
                    _("%(n)d person(s) already have a current placement; use a transfer")
                    % {"n": len(already)}
                ]
            }
        )
    now = timezone.now()
    placements = [
        Placement(
            person=p,
            state=State.PLACED,
            facility=facility,
            started_at=now,
            created_by=by,
            capacity_override_reason=override_reason.strip(),
        )
        for p in persons
    ]
    Placement.objects.bulk_create(placements)
    protection.record_separation(
        plan, to_facility=facility, reason=separation_reason, by=by, request=request
    )
    for p in persons:
        detail = {"facility": facility.pk}
        if override_reason.strip():
            detail["capacity_override"] = True
        audit.record("placement.create", actor=by, obj=p, request=request, detail=detail)
    return placements


def place(person, facility: Facility, *, by, request=None, override_reason: str = "") -> Placement:
    return place_many([person], facility, by=by, request=request, override_reason=override_reason)[
        0
    ]


# Placement notes that tie a merge's custody changes to the duplicate, so an unmerge can undo them.
MERGE_NOTE = "merged into {kept}"
MERGE_MOVE_NOTE = "location of {duplicate} (merge)"
MERGE_LEFT_NOTE = "left for the location of {duplicate} (merge)"


def _end(placement: Placement, note: str, now) -> None:
    placement.is_current = False
    placement.ended_at = now
    placement.note = (placement.note + " " if placement.note else "") + note
    placement.save(update_fields=["is_current", "ended_at", "note"])


def _copy_placement(source: Placement, person, *, by, now, note: str) -> Placement:
    return Placement.objects.create(
        person=person,
        state=source.state,
        facility=source.facility,
        movement=source.movement if source.state == State.IN_TRANSIT else None,
        exit_ref=source.exit_ref,
        started_at=now,
        created_by=by,
        note=note,
    )


@transaction.atomic
def end_for_merge(duplicate, kept, *, by, request=None) -> dict:
    """Custody side of a merge: the kept record takes the person's true current location.

    That is the newest confirmed placement of the two records: a person re-registered today at a
    reception point is there, not where an older record last saw them. When the two records were at
    different facilities with no movement recorded between them, the merge carries a warning (in
    the audit and the returned dict). A record in transit is refused: receive or report it first.
    Returns ``{"placement": ended duplicate placement or None, "warning": str}``.
    """
    locked = {
        p.person_id: p
        for p in Placement.objects.select_for_update().filter(
            person__in=[duplicate, kept], is_current=True
        )
    }
    dup_cur, kept_cur = locked.get(duplicate.pk), locked.get(kept.pk)
    for person, current in ((duplicate, dup_cur), (kept, kept_cur)):
        if current is not None and current.state in (State.IN_TRANSIT, State.LEAVING):
            raise ValidationError(
                {"persons": [_("%(p)s is in transit; receive it before merging") % {"p": person}]}
            )
    result = {"placement": None, "warning": ""}
    if dup_cur is None:
        return result
    now = timezone.now()
    newer = kept_cur is None or (dup_cur.started_at, dup_cur.pk) > (
        kept_cur.started_at,
        kept_cur.pk,
    )
    moved = newer and (
        kept_cur is None
        or (kept_cur.state, kept_cur.facility_id) != (dup_cur.state, dup_cur.facility_id)
    )
    if moved:
        if kept_cur is not None and kept_cur.state == State.PLACED and dup_cur.facility_id:
            result["warning"] = _(
                "%(p)s was at %(a)s and is now at %(b)s, with no movement recorded between them"
            ) % {"p": kept.number, "a": kept_cur.facility.name, "b": dup_cur.facility.name}
        if kept_cur is not None:
            _end(kept_cur, MERGE_LEFT_NOTE.format(duplicate=duplicate.number), now)
        _copy_placement(
            dup_cur, kept, by=by, now=now, note=MERGE_MOVE_NOTE.format(duplicate=duplicate.number)
        )
    _end(dup_cur, MERGE_NOTE.format(kept=kept.number), now)
    result["placement"] = dup_cur
    detail = {"placement": dup_cur.pk, "kept": kept.number, "kept_moved": moved}
    if result["warning"]:
        detail["warning"] = "moved with no movement recorded"
    audit.record("placement.end_for_merge", actor=by, obj=duplicate, request=request, detail=detail)
    return result


@transaction.atomic
def restore_after_unmerge(person, kept=None, *, by, reason: str, request=None) -> list[Placement]:
    """Undo the custody side of a merge: the duplicate goes back where its placement was ended by
    the merge, and the kept record (if the merge moved it) back where it was before."""
    now = timezone.now()
    restored = []
    if kept is not None:
        kept_cur = (
            Placement.objects.select_for_update().filter(person=kept, is_current=True).first()
        )
        if kept_cur is not None and kept_cur.note == MERGE_MOVE_NOTE.format(
            duplicate=person.number
        ):
            before = (
                Placement.objects.filter(
                    person=kept, note__endswith=MERGE_LEFT_NOTE.format(duplicate=person.number)
                )
                .order_by("-ended_at", "-id")
                .first()
            )
            _end(kept_cur, f"unmerged from {person.number}", now)
            if before is not None:
                restored.append(_copy_placement(before, kept, by=by, now=now, note=""))
            audit.record(
                "placement.restore_after_unmerge",
                actor=by,
                obj=kept,
                request=request,
                detail={"duplicate": person.number},
            )
    has_current = Placement.objects.filter(person=person, is_current=True).exists()
    last = Placement.objects.filter(person=person).order_by("-started_at", "-id").first()
    if last is None or has_current or last.state != Placement.State.PLACED:
        return restored
    restored.append(_copy_placement(last, person, by=by, now=now, note=""))
    audit.record(
        "placement.restore_after_unmerge",
        actor=by,
        obj=person,
        request=request,
        detail={"facility": last.facility_id},
    )
    return restored


def current_placement(person) -> Placement | None:
    return (
        Placement.objects.filter(person=person, is_current=True)
        .select_related("facility", "movement__to_facility", "movement__from_facility")
        .first()
    )


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
        raise ValidationError({"to_facility": [_("must differ from the sending facility")]})
    if not persons:
        raise ValidationError({"persons": [_("select at least one person")]})
    if not to_facility.is_active:
        raise ValidationError({"to_facility": [_("%(f)s is closed") % {"f": to_facility.name}]})
    ids = [p.pk for p in persons]
    if len(set(ids)) != len(ids):
        raise ValidationError({"persons": [_("a person is listed twice")]})
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
                    _("not currently at %(f)s: %(list)s")
                    % {"f": from_facility.name, "list": ", ".join(not_here[:20])}
                ]
            }
        )
    plan = protection.check_transfer(
        persons, to_facility, separation_reason=separation_reason, by=by
    )
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
        "movement.dispatch",
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
            "person.dispatch",
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
                        _("%(n)d selected person(s) are not on manifest %(m)s")
                        % {"n": len(strangers), "m": movement.number}
                    ]
                }
            )
        pending = pending.filter(person_id__in=ids)
    lines = list(pending.select_related("person"))
    if not lines:
        raise ValidationError(
            {"persons": [_("nobody selected is still pending on %(m)s") % {"m": movement.number}]}
        )
    person_ids = [line.person_id for line in lines]
    left_behind = [
        line.person
        for line in movement.lines.select_related("person").filter(
            outcome__in=[ManifestLine.Outcome.PENDING, ManifestLine.Outcome.MISSING]
        )
        if line.person_id not in set(person_ids)
    ]
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
    )
    audit.record(
        "movement.receive",
        actor=by,
        obj=movement,
        request=request,
        detail={"persons": len(lines), "facility": movement.to_facility_id},
    )
    for line in lines:
        audit.record(
            "person.receive",
            actor=by,
            obj=line.person,
            request=request,
            detail={"movement": movement.number},
        )
    return len(lines)


@transaction.atomic
def report_missing(movement: Movement, person, *, note: str, by, request=None) -> ManifestLine:
    """The receiving side reports that a person on the manifest did not arrive.

    The person stays in transit (and so unaccounted once overdue) until found and received: the report
    is a flag for follow-up, not a way to close the case.
    """
    if not (note or "").strip():
        raise ValidationError({"note": [_("say what is known (e.g. 'not on the bus at arrival')")]})
    line = ManifestLine.objects.select_for_update().get(movement=movement, person=person)
    if line.outcome == ManifestLine.Outcome.RECEIVED:
        raise ValidationError({"person": [_("already received")]})
    line.outcome = ManifestLine.Outcome.MISSING
    line.note = note.strip()
    line.resolved_at = timezone.now()
    line.resolved_by = by
    line.save()
    audit.record(
        "person.reported_missing",
        actor=by,
        obj=person,
        request=request,
        detail={"movement": movement.number},
    )
    return line


def unaccounted_cutoff():
    hours = conf().UNACCOUNTED_AFTER_HOURS
    return timezone.now() - timedelta(hours=hours)


def in_transit_lines() -> QuerySet:
    """Manifest lines of persons dispatched and not received (pending or reported missing)."""
    return ManifestLine.objects.filter(
        outcome__in=[ManifestLine.Outcome.PENDING, ManifestLine.Outcome.MISSING]
    ).select_related("movement__from_facility", "movement__to_facility", "person")


def unaccounted_lines() -> QuerySet:
    """In transit for longer than the configured limit, or reported not arrived."""
    return (
        in_transit_lines()
        .filter(
            Q(movement__dispatched_at__lt=unaccounted_cutoff())
            | Q(outcome=ManifestLine.Outcome.MISSING)
        )
        .order_by("movement__dispatched_at")
    )


def children_unaccounted(lines: QuerySet | None = None) -> list[ManifestLine]:
    """Children (under 18, age unknown, or flagged unaccompanied/separated) not received: overdue,
    reported not arrived, or left in transit while others of their household on the same manifest
    were received. Protection follows these up first."""
    lines = in_transit_lines() if lines is None else lines
    cutoff = unaccounted_cutoff()
    received_households = set(
        ManifestLine.objects.filter(
            movement_id__in=lines.values("movement_id"), outcome=ManifestLine.Outcome.RECEIVED
        ).values_list("movement_id", "person__household_id")
    )
    out = []
    for line in lines.order_by("movement__dispatched_at", "id"):
        p = line.person
        if not (p.unaccompanied_child or p.separated_child or protection.is_child(p)):
            continue
        if (
            line.outcome == ManifestLine.Outcome.MISSING
            or line.movement.dispatched_at < cutoff
            or (p.household_id and (line.movement_id, p.household_id) in received_households)
        ):
            out.append(line)
    return out


def not_arrived_line(person) -> ManifestLine | None:
    """The report that this person did not arrive, while they are still in transit."""
    return (
        ManifestLine.objects.filter(
            person=person,
            outcome=ManifestLine.Outcome.MISSING,
            movement__placements__person=person,
            movement__placements__is_current=True,
        )
        .select_related("resolved_by", "movement__to_facility")
        .first()
    )


FACILITY_FIELDS = ("name", "kind", "capacity", "location_name", "pcode", "is_active")
# A facility's name and kind as they were are kept (FacilityVersion): timelines show them at the time.
VERSIONED_FIELDS = ("name", "kind")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _clean_facility(facility: Facility) -> None:
    for key in ("name", "location_name", "pcode"):
        if _CONTROL.search(getattr(facility, key) or ""):
            raise ValidationError({key: [_("contains a control character")]})
    duplicate = Facility.objects.filter(name=facility.name).exclude(pk=facility.pk)
    if duplicate.exists():
        raise ValidationError(
            {"name": [_("a facility named '%(n)s' exists") % {"n": facility.name}]}
        )
    facility.full_clean(exclude=["created_at"])


def _open_version(facility: Facility, at) -> None:
    FacilityVersion.objects.create(
        facility=facility, name=facility.name, kind=facility.kind, valid_from=at
    )


@transaction.atomic
def create_facility(data: dict, *, by, request=None) -> Facility:
    """Open a facility (reception point, camp, holding facility ...); audited."""
    facility = Facility(**{k: v for k, v in data.items() if k in FACILITY_FIELDS})
    _clean_facility(facility)
    facility.save()
    _open_version(facility, facility.created_at)
    audit.record("facility.create", actor=by, obj=facility, request=request)
    return facility


def _check_not_occupied(facility: Facility, changed: list[str], changes: dict) -> None:
    closing = "is_active" in changed and not changes["is_active"]
    if not (closing or "kind" in changed):
        return
    present, coming = population(facility), expected(facility)
    if present or coming:
        field = "is_active" if closing else "kind"
        raise ValidationError(
            {field: [_("%(n)d persons are at %(f)s or on their way there: move them first")
                     % {"n": present + coming, "f": facility.name}]}
        )  # fmt: skip


@transaction.atomic
def update_facility(facility: Facility, changes: dict, *, by, request=None) -> Facility:
    """Change a facility's details (capacity, name, closing it); old and new values are audited.

    A facility with people at it (or on their way) cannot be closed or change kind; a new name or
    kind starts a new FacilityVersion, so history keeps the old one.
    """
    _lock_facility(facility)
    changed = sorted(
        k for k, v in changes.items() if k in FACILITY_FIELDS and getattr(facility, k) != v
    )
    if not changed:
        return facility
    _check_not_occupied(facility, changed, changes)
    old = {k: getattr(facility, k) for k in changed}
    if set(changed) & set(VERSIONED_FIELDS) and not facility.versions.exists():
        _open_version(facility, facility.created_at)  # made outside the services: keep what it was
    for key in changed:
        setattr(facility, key, changes[key])
    _clean_facility(facility)
    facility.save(update_fields=changed)
    if set(changed) & set(VERSIONED_FIELDS):
        now = timezone.now()
        FacilityVersion.objects.filter(facility=facility, valid_to__isnull=True).update(
            valid_to=now
        )
        _open_version(facility, now)
    audit.record(
        "facility.update",
        actor=by,
        obj=facility,
        request=request,
        detail={
            "fields": changed,
            "old": {k: old[k] for k in changed},
            "new": {k: getattr(facility, k) for k in changed},
        },
    )
    return facility


def facility_names_at(pairs) -> dict:
    """{(facility_id, at): name} for each (facility_id, at): the name in force at that moment.

    Before a facility's first recorded version (facilities opened before versions were kept) its
    earliest known name answers.
    """
    pairs = list(pairs)
    ids = {f for f, _ in pairs}
    versions: dict[int, list] = {}
    for v in FacilityVersion.objects.filter(facility_id__in=ids).order_by("valid_from"):
        versions.setdefault(v.facility_id, []).append(v)
    names = dict(Facility.objects.filter(pk__in=ids).values_list("pk", "name"))
    out = {}
    for fid, at in pairs:
        chain = versions.get(fid) or []
        name = chain[0].name if chain else names.get(fid, "")
        for v in chain:
            if v.valid_from <= at:
                name = v.name
        out[(fid, at)] = name
    return out
