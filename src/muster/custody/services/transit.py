"""Who is on the way: in transit, overdue, reported not arrived, children among them."""

from datetime import timedelta

from django.db.models import F, Q, QuerySet
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
