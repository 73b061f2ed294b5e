"""Who is on the way: in transit, overdue, reported not arrived, children among them."""

from datetime import timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from muster.core.conf import conf
from muster.custody.models import ManifestLine
from muster.protection import rules as protection


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


def children_lost_lines(lines: QuerySet | None = None) -> QuerySet:
    """The lines (of ``lines``, or every line in transit) of children (under 18, age unknown, or
    flagged unaccompanied/separated) not received: overdue, reported not arrived, or left in
    transit while others of their household on the same manifest were received. One query, so
    a count of them (the situation report's) is the database's, not a walk of every open line."""
    lines = in_transit_lines() if lines is None else lines
    return lost_children(lines, "movement", ManifestLine.Outcome.MISSING)


def lost_children(lines: QuerySet, trip: str, missing: str) -> QuerySet:
    """Of ``lines`` (a transfer's manifest lines, or a departure's: ``trip`` names the line's
    journey, "movement" or "departure"), those of children (under 18, age unknown, or flagged
    unaccompanied/separated) not received: dispatched longer ago than the unaccounted limit,
    reported ``missing``, or left on the way while others of their household on the same journey
    were received. One definition for transfers and departures, one query each."""
    family_received = lines.model.objects.filter(
        **{f"{trip}_id": OuterRef(f"{trip}_id")},
        person__household_id=OuterRef("person__household_id"),
        outcome=lines.model.Outcome.RECEIVED,
    )
    child = (
        Q(person__unaccompanied_child=True)
        | Q(person__separated_child=True)
        | protection.child_condition(timezone.localdate(), "person__")
    )
    lost = (
        Q(outcome=missing)
        | Q(**{f"{trip}__dispatched_at__lt": unaccounted_cutoff()})
        | (Q(person__household_id__isnull=False) & Exists(family_received))
    )
    return lines.filter(child & lost)


def children_unaccounted(lines: QuerySet | None = None) -> list[ManifestLine]:
    """The lines of :func:`children_lost_lines`, the longest on the way first. Protection follows
    these up first."""
    return list(children_lost_lines(lines).order_by("movement__dispatched_at", "id"))


def on_the_way(person_ids) -> dict[int, ManifestLine]:
    """The open manifest line of each of these persons who is on a transfer now (dispatched and
    not received: pending, overdue or reported not arrived), by person id; ``line.overdue`` says
    whether it is past the unaccounted limit."""
    lines = in_transit_lines().filter(
        person_id__in=person_ids,
        movement__placements__person_id=F("person_id"),
        movement__placements__is_current=True,
    )
    cutoff = unaccounted_cutoff()
    out = {}
    for line in lines:
        line.overdue = line.movement.dispatched_at < cutoff
        out[line.person_id] = line
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


def left_on_the_way(separation, person) -> bool:
    """Whether ``person``, on the side of a household separation that did not move, was on the
    transfer that split it: received apart from the others (lost on the way), not left behind."""
    return (
        separation.movement_id is not None
        and ManifestLine.objects.filter(movement_id=separation.movement_id, person=person).exists()
    )
