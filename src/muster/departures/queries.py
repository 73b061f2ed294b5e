"""Reads of departures: lists, a manifest, who is unaccounted, a person's exit, the sitrep's counts,
and the selection of a batch by filters (keeping households together)."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from muster.custody import services as custody
from muster.custody.models import Facility, Placement
from muster.departures.models import SITREP_KEYS, Departure, DepartureLine, Kind
from muster.people.models import Person
from muster.screening.models import CategoryDecision

Outcome = DepartureLine.Outcome
OPEN = (Outcome.PENDING, Outcome.NOT_PRESENTED)


def shows_exit(fields, kind: str) -> bool:
    """May a role seeing ``fields`` be told how and where a person left custody (the departure's
    kind and destination)? Only a role told every kind (``exit_detail``): a handover or a release
    tells "held" like the name of a holding facility, and a role told the others' kinds and places
    would read "held" off a bare one by elimination. The others read, whatever the kind, that the
    person left, when, and the departure's number (``access.policy.EXIT_DETAIL_FIELDS``). A death
    is told to every role that sees the person. A reunification tells that a family sought them: only to tracing
    (``access.policy.TRACING_DETAIL_FIELDS``), for whom it is their own work."""
    if kind == Kind.REUNIFICATION:
        return "tracing_detail" in fields
    if kind == Kind.DEATH:
        # A death tells no category (anyone may die in custody) and names no place; the family a
        # caseworker traces for must learn it, and a bare "left the registry" beside it still
        # leaves the other kinds alike.
        return True
    return "exit_detail" in fields


def shows_receiving_authority(fields, kind: str) -> bool:
    """May a role seeing ``fields`` read the departure's receiving authority? A repatriation's is
    free text naming a state's delegation or its officials: only for ``receiving_authority``
    (the repatriation officer). Any other kind's goes with the rest of the exit
    (:func:`shows_exit`)."""
    if kind == Kind.REPATRIATION:
        return "receiving_authority" in fields and shows_exit(fields, kind)
    return shows_exit(fields, kind)


def without_hidden_reunifications(
    qs: QuerySet, scope: set[int] | None, prefix: str = ""
) -> QuerySet:
    """``qs`` (departures, or lines with ``prefix="departure__"``) without the reunifications
    leaving facilities outside ``scope`` (``access.policy.reunification_scope``; ``None``: all)."""
    if scope is None:
        return qs
    return qs.exclude(
        Q(**{f"{prefix}kind": Kind.REUNIFICATION}) & ~Q(**{f"{prefix}from_facility_id__in": scope})
    )


def exits_of(numbers) -> dict[str, Departure]:
    """Departure number -> departure, for the timeline (its kind, and how the person left, said in
    the reader's language: the note stored on the placement is in its writer's)."""
    return {d.number: d for d in Departure.objects.filter(number__in=set(numbers))}


DISCREPANCIES = (Outcome.NOT_PRESENTED, Outcome.REFUSED, Outcome.RETURNED)


def departures(*, kind: str = "", status: str = "", facilities: set[int] | None = None) -> QuerySet:
    """Departures newest first with their line counts; ``facilities`` limits to those leaving them."""
    qs = Departure.objects.select_related("from_facility", "created_by").annotate(
        n_lines=Count("lines", filter=~Q(lines__outcome=Outcome.WITHDRAWN)),
        n_received=Count("lines", filter=Q(lines__outcome=Outcome.RECEIVED)),
        n_open=Count("lines", filter=Q(lines__outcome__in=OPEN)),
        n_discrepancies=Count("lines", filter=Q(lines__outcome__in=DISCREPANCIES)),
    )
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if facilities is not None:
        qs = qs.filter(from_facility_id__in=facilities)
    return qs.order_by("-created_at", "-id")


def departure_facilities(facilities: set[int] | None = None) -> QuerySet:
    """The facilities the departures list may be filtered by: those open now and any closed one a
    departure left from; within ``facilities`` (``None``: all)."""
    qs = Facility.objects.filter(
        Q(is_active=True) | Q(pk__in=Departure.objects.values("from_facility_id"))
    )
    if facilities is not None:
        qs = qs.filter(pk__in=facilities)
    return qs.order_by("kind", "name")


def manifest(departure: Departure) -> QuerySet:
    return departure.lines.select_related("person", "person__household", "resolved_by").order_by(
        "position"
    )


def open_lines() -> QuerySet:
    """Persons dispatched on a departure and not confirmed (awaiting, or not presented)."""
    return DepartureLine.objects.filter(outcome__in=OPEN).select_related(
        "departure__from_facility", "person"
    )


def unaccounted_lines() -> QuerySet:
    """Like transfers: awaiting confirmation longer than the configured limit, or not presented."""
    return (
        open_lines()
        .filter(
            Q(departure__dispatched_at__lt=custody.unaccounted_cutoff())
            | Q(outcome=Outcome.NOT_PRESENTED)
        )
        .order_by("departure__dispatched_at", "id")
    )


def children_not_presented_lines(lines: QuerySet | None = None) -> QuerySet:
    """The lines (of ``lines``, or every open departure line) of children (under 18, age unknown,
    or flagged unaccompanied/separated) who left on a departure and were not received: not
    presented at handover, overdue, or left awaiting while others of their household on the same
    departure were received. The definition of custody's ``children_lost_lines`` for a transfer,
    off a departure, and like it one query: the situation report counts them in the database."""
    lines = open_lines() if lines is None else lines
    return custody.lost_children(lines, "departure", Outcome.NOT_PRESENTED)


def children_not_presented(lines: QuerySet | None = None) -> list[DepartureLine]:
    """The lines of :func:`children_not_presented_lines`, the longest on the way first: as lost
    as a transfer's, followed up as first."""
    return list(
        children_not_presented_lines(lines)
        .select_related("departure", "person")
        .order_by("departure__dispatched_at", "id")
    )


def children_lost_lines(
    transfer_lines: QuerySet | None = None, departure_lines: QuerySet | None = None
) -> tuple[QuerySet, QuerySet]:
    """Children lost on the way as two querysets: the transfer lines (custody's
    ``children_lost_lines`` over ``transfer_lines``) and the departure lines
    (:func:`children_not_presented_lines` over ``departure_lines``); ``None``: all. What the
    situation report counts, each child once across both (``dashboard.children_lost_figures``),
    in one aggregate query."""
    return (
        custody.children_lost_lines(transfer_lines),
        children_not_presented_lines(departure_lines),
    )


def children_lost(
    transfer_lines: QuerySet | None = None, departure_lines: QuerySet | None = None
) -> dict:
    """Children lost on the way, by person id, to show them: off a transfer (custody's
    ``children_unaccounted`` over ``transfer_lines``) or off a departure
    (:func:`children_not_presented` over ``departure_lines``); ``None``: all. A child on both is
    one child (the transfer's line kept). The one definition (:func:`children_lost_lines`) the
    children list, the situation report and the unaccounted page share."""
    lost: dict = {line.person_id: line for line in custody.children_unaccounted(transfer_lines)}
    for line in children_not_presented(departure_lines):
        lost.setdefault(line.person_id, line)
    return lost


def children_lost_near(
    scope: set[int] | None, departure_scope: set[int] | None, reunions: set[int] | None
) -> list:
    """:func:`children_lost` on the transfers from or to ``scope`` and the departures leaving
    ``departure_scope`` (facility ids; ``None``: all), without the reunifications leaving
    facilities outside ``reunions`` (``access.policy``'s scopes), oldest first."""
    transfers = custody.in_transit_lines()
    if scope is not None:
        transfers = transfers.filter(
            Q(movement__from_facility_id__in=scope) | Q(movement__to_facility_id__in=scope)
        )
    leaving = open_lines()
    if departure_scope is not None:
        leaving = leaving.filter(departure__from_facility_id__in=departure_scope)
    leaving = without_hidden_reunifications(leaving, reunions, prefix="departure__")
    return list(children_lost(transfers, leaving).values())


def discrepancies(departure: Departure | None = None) -> QuerySet:
    qs = DepartureLine.objects.filter(outcome__in=DISCREPANCIES).select_related(
        "departure", "person", "resolved_by"
    )
    if departure is not None:
        qs = qs.filter(departure=departure)
    return qs.order_by("-resolved_at", "id")


def exit_of(person: Person) -> DepartureLine | None:
    """The departure that took this person out of custody, or the one they are leaving on now."""
    return (
        DepartureLine.objects.filter(person=person)
        .filter(outcome__in=[Outcome.RECEIVED, *OPEN])
        .select_related("departure")
        .order_by("-id")
        .first()
    )


def lines_of(person: Person) -> QuerySet:
    return (
        DepartureLine.objects.filter(person=person)
        .select_related("departure", "resolved_by")
        .order_by("departure__created_at", "id")
    )


def leaving_count(facilities: set[int] | None = None, reunions: set[int] | None = None) -> int:
    """Persons dispatched on a departure leaving ``facilities`` and not confirmed (awaiting, or not
    presented): the situation report's "leaving", over the same scopes as :func:`sitrep_counts`."""
    qs = open_lines()
    if facilities is not None:
        qs = qs.filter(departure__from_facility_id__in=facilities)
    return without_hidden_reunifications(qs, reunions, prefix="departure__").count()


def exits_by_facility_kind(
    facilities: set[int] | None = None, reunions: set[int] | None = None
) -> dict[str, dict[str, int]]:
    """Kind of facility left -> ``received`` (persons who left custody, confirmed) and ``leaving``
    (dispatched, not confirmed): the situation report's flow into "departed", over the same
    departures as :func:`sitrep_counts` (its ``total`` is the sum of ``received``)."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: {"received": 0, "leaving": 0})
    for key, outcomes in (("received", (Outcome.RECEIVED,)), ("leaving", OPEN)):
        qs = DepartureLine.objects.filter(outcome__in=outcomes)
        if facilities is not None:
            qs = qs.filter(departure__from_facility_id__in=facilities)
        qs = without_hidden_reunifications(qs, reunions, prefix="departure__")
        rows = qs.values_list("departure__from_facility__kind").annotate(n=Count("id")).order_by()
        for kind, n in rows:
            out[kind][key] += n
    return dict(out)


def sitrep_counts(facilities: set[int] | None = None, reunions: set[int] | None = None) -> dict:
    """Persons who left custody (confirmed), by kind, destination and nationality; and those still
    leaving. Figures only: over every departure, or those leaving ``facilities`` without the
    reunifications outside ``reunions`` (``access.policy``'s scopes; ``None``: all), as a
    reader's lists show them."""

    def scoped(qs: QuerySet) -> QuerySet:
        if facilities is not None:
            qs = qs.filter(departure__from_facility_id__in=facilities)
        return without_hidden_reunifications(qs, reunions, prefix="departure__")

    received = scoped(DepartureLine.objects.filter(outcome=Outcome.RECEIVED))
    by_kind = {key: 0 for key in SITREP_KEYS.values()}
    for row in received.values("departure__kind").annotate(n=Count("id")).order_by():
        by_kind[SITREP_KEYS[Kind(row["departure__kind"])]] = row["n"]
    destinations = []
    rows = (
        received.values(
            "departure__kind",
            "departure__destination_name",
            "departure__destination_pcode",
            "departure__destination_country",
        )
        .annotate(n=Count("id"))
        .order_by("-n", "departure__destination_name")
    )
    for row in rows:
        destinations.append(
            {
                "kind": SITREP_KEYS[Kind(row["departure__kind"])],
                "destination": row["departure__destination_name"],
                "pcode": row["departure__destination_pcode"],
                "country": row["departure__destination_country"],
                "persons": row["n"],
            }
        )
    by_nationality = {
        (row["person__nationality"] or "unknown"): row["n"]
        for row in received.values("person__nationality")
        .annotate(n=Count("id"))
        .order_by("-n", "person__nationality")
    }
    return {
        **by_kind,
        "total": sum(by_kind.values()),
        "leaving": leaving_count(facilities, reunions),
        "not_presented": scoped(
            DepartureLine.objects.filter(outcome=Outcome.NOT_PRESENTED)
        ).count(),
        "refused": scoped(DepartureLine.objects.filter(outcome=Outcome.REFUSED)).count(),
        "unaccounted": scoped(unaccounted_lines()).count(),
        "by_destination": destinations,
        "by_nationality": by_nationality,
    }


def candidates(
    facility: Facility,
    *,
    nationality: str = "",
    category: str = "",
    households: Iterable[str] = (),
    numbers: Iterable[str] = (),
    whole_households: bool = True,
) -> QuerySet:
    """Persons placed at ``facility`` now, chosen by nationality, category, household numbers or
    registration numbers; with ``whole_households``, everyone of a chosen person's household who is
    at the same facility comes too (families go together unless someone decides otherwise)."""
    here = Person.objects.filter(
        placements__is_current=True,
        placements__state=Placement.State.PLACED,
        placements__facility=facility,
        merged_into__isnull=True,
    )
    here = here.exclude(departure_lines__outcome=Outcome.PLANNED)
    chosen = here
    if nationality:
        chosen = chosen.filter(nationality=nationality.upper())
    if category:
        if category == "undecided":
            decided = CategoryDecision.objects.filter(is_current=True).values("person_id")
            chosen = chosen.exclude(pk__in=decided)
        else:
            chosen = chosen.filter(
                category_decisions__is_current=True, category_decisions__category=category
            )
    households = [h.strip() for h in households if h.strip()]
    if households:
        chosen = chosen.filter(household__number__in=households)
    numbers = [n.strip() for n in numbers if n.strip()]
    if numbers:
        chosen = chosen.filter(number__in=numbers)
    if whole_households:
        family = here.filter(household_id__in=chosen.exclude(household=None).values("household_id"))
        chosen = here.filter(Q(pk__in=chosen.values("pk")) | Q(pk__in=family.values("pk")))
    return chosen.order_by("household_id", "id").distinct()
