"""The coordinator's dashboard figures: series for the charts, never a name or a record number.

Every figure is an aggregate query (grouped in the database, a handful of rows back), so the page and
the feed stay fast over a million registered persons; the headline figures are the situation
report's own (:func:`muster.reports.sitrep.situation_report`), so the two can never disagree, or
under a facility or governorate filter those of the chosen facilities (:func:`headline`).

Filters: a window of local dates, a facility, a governorate (the first-level P-code, e.g. ``SY09``,
matched as the prefix of the facilities' P-codes). Dates select registrations, arrivals and
movements (not the flow, which is to date: :func:`flow`); the facility and the governorate select the facilities shown, the movements, departures
and persons that touch them, and the headline figures.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from muster.core.conf import conf
from muster.core.text import local_name
from muster.custody import services as custody
from muster.custody.models import Facility, ManifestLine, Movement, Placement
from muster.departures.queries import (
    children_lost_lines,
    exits_by_facility_kind,
    open_lines,
    sitrep_counts,
)
from muster.people.models import Person
from muster.protection import queries as protection

# The filters live in reports.filters; callers also read FilterError and parse_filters here.
from muster.reports.filters import FilterError as FilterError
from muster.reports.filters import (
    Filters,
    default_filters,
    governorate_of,
    governorates,
    selected_facilities,
)
from muster.reports.filters import parse_filters as parse_filters
from muster.reports.models import ArrivalCount, ChildCount, ReceiptCount, RegistrationCount
from muster.screening.models import Category

UNDECIDED = "undecided"
PENDING = [ManifestLine.Outcome.PENDING, ManifestLine.Outcome.MISSING]


# --- time buckets -----------------------------------------------------------------------------


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _window(filters: Filters) -> tuple[datetime, datetime]:
    return _local_midnight(filters.date_from), _local_midnight(filters.date_to + timedelta(days=1))


def _category_key(value) -> str:
    return value or UNDECIDED


def arrivals_by_category(filters: Filters, facility_ids: list[int] | None) -> list[dict]:
    """Per local day: registrations by current category; with a facility or governorate filter,
    arrivals at those facilities (first placements and transfers received), by category.

    Read from the counters the database keeps per quarter hour (UTC) and category
    (:mod:`muster.reports.counters`): a local day is a whole number of quarter hours in every
    time zone, so each quarter hour falls on one local day.
    """
    start, end = _window(filters)
    if facility_ids is None:
        rows = RegistrationCount.objects.filter(bucket__gte=start, bucket__lt=end).values_list(
            "bucket", "category", "persons"
        )
    else:
        if not facility_ids:
            return _days_series(filters, {})
        rows = (
            ArrivalCount.objects.filter(
                facility_id__in=facility_ids, bucket__gte=start, bucket__lt=end
            )
            .values_list("bucket", "category")
            .annotate(n=Sum("placements"))
            .order_by()
        )
    counts: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    zone = timezone.get_current_timezone()
    for bucket, category, n in rows:
        if n:
            counts[_local_date(bucket, zone)][_category_key(category)] += n
    return _days_series(filters, counts)


@lru_cache(maxsize=65536)
def _local_date(bucket: datetime, zone) -> date:
    return bucket.astimezone(zone).date()


def category_keys() -> list[str]:
    return [*Category.values, UNDECIDED]


def _days_series(filters: Filters, counts) -> list[dict]:
    out = []
    for day in filters.days():
        row = {
            "date": day.isoformat(),
            **{k: counts.get(day, {}).get(k, 0) for k in category_keys()},
        }
        row["total"] = sum(row[k] for k in category_keys())
        out.append(row)
    return out


def facility_rows(report: dict, facilities: list[Facility]) -> list[dict]:
    """The sitrep's facility rows (population, capacity, occupancy, expected), for the selection."""
    wanted = {f.pk for f in facilities}
    rows = []
    for f in report["facilities"]:
        if f["id"] not in wanted:
            continue
        over = f["capacity"] is not None and f["population"] > f["capacity"]
        rows.append(
            {
                **f,
                "label": local_name(f),
                "governorate": governorate_of(f["pcode"]),
                "over_capacity": over,
            }
        )
    return rows


def _movement_filter(facility_ids: list[int] | None, prefix: str = "") -> Q:
    """Movements (or with ``prefix="movement__"`` their lines) from or to the facilities."""
    if facility_ids is None:
        return Q()
    return Q(**{f"{prefix}from_facility_id__in": facility_ids}) | Q(
        **{f"{prefix}to_facility_id__in": facility_ids}
    )


def flow(
    filters: Filters, facility_ids: list[int] | None, report: dict, arrived: int, departed: int
) -> dict:
    """The chain to date, whatever the dates of ``filters``: ``arrived`` (the registered, or under a
    facility or governorate filter the arrivals at the chosen facilities, to date) start it; the
    population of each kind of facility now; people moved between kinds (received to date, and
    still on the way now); and the departures that end it: from each kind of facility to
    "departed", those who left it (to date and from the chosen facilities, as ``departed``, the
    headline's figure) and those leaving it, dispatched and not confirmed (on the way).

    Over the whole registry the figures add up as drawn, like the headline's: arrived (registered)
    = the populations + those on the way on the bands + departed. (The chart read the
    registrations and movements of the window beside today's populations: "Arrived 795" did not
    add up with the nodes beside it.)"""
    chosen = Movement.objects.filter(_movement_filter(facility_ids))
    movements = {
        m["id"]: m for m in chosen.values("id", "from_facility__kind", "to_facility__kind")
    }
    links: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {"received": 0, "open": 0})
    if movements:
        # Received lines from the counter per movement, the few still on the way from the lines.
        received = (
            ReceiptCount.objects.filter(movement_id__in=chosen.values("id"))
            .values_list("movement_id")
            .annotate(n=Sum("lines"))
            .order_by()
        )
        still_open = (
            ManifestLine.objects.filter(movement_id__in=chosen.values("id"), outcome__in=PENDING)
            .values_list("movement_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        for state, rows in (("received", received), ("open", still_open)):
            for movement_id, n in rows:
                m = movements.get(movement_id)
                if m is None or not n:
                    continue
                links[(m["from_facility__kind"], m["to_facility__kind"])][state] += n
    scope = None if facility_ids is None else set(facility_ids)
    for kind, exits in exits_by_facility_kind(scope).items():
        links[(kind, "departed")]["received"] += exits["received"]
        links[(kind, "departed")]["open"] += exits["leaving"]
    return {
        "arrived": arrived,
        "links": [
            {"from": a, "to": b, "received": v["received"], "in_transit": v["open"]}
            for (a, b), v in sorted(links.items())
        ],
        "population_by_kind": _population_by_kind(report, facility_ids),
        # The headline's: those who left the chosen facilities (the chart read "Departed 108", the
        # whole registry's, beside one camp's arrivals and population).
        "departed": departed,
    }


def _population_by_kind(report: dict, facility_ids) -> dict[str, int]:
    out: dict[str, int] = {k: 0 for k in Facility.Kind.values}
    for f in report["facilities"]:
        if facility_ids is None or f["id"] in facility_ids:
            out[f["kind"]] += f["population"]
    return out


def transit_over_time(
    filters: Filters, facility_ids: list[int] | None, figures: dict
) -> list[dict]:
    """In transit and unaccounted at the end of each day of the window (today: now, the figures of
    ``figures``: the situation report's, or the :func:`headline` for the same facilities).

    A person is in transit from dispatch until received; unaccounted once in transit longer than
    ``UNACCOUNTED_AFTER_HOURS`` or from the moment the receiving side reported them not arrived
    (a report later overtaken by receipt is not kept, so past days count only reports still open).
    """
    hours = timedelta(hours=conf().UNACCOUNTED_AFTER_HOURS)
    start, end = _window(filters)
    now = timezone.now()
    chosen = Movement.objects.filter(_movement_filter(facility_ids), dispatched_at__lt=end)
    movements = dict(chosen.values_list("id", "dispatched_at"))
    # Lines received before the window are on the way on none of its days: the open lines, and
    # the received ones by the quarter hour at or after their receipt since the window began (a
    # counter; a day's end is a quarter hour, so "received after it" reads the same).
    open_lines = (
        ManifestLine.objects.filter(outcome__in=PENDING, movement_id__in=chosen.values("id"))
        .values_list("movement_id", "outcome", "resolved_at")
        .annotate(n=Count("id"))
        .order_by()
    )
    received = ReceiptCount.objects.filter(bucket__gte=start).exclude(lines=0)
    intervals = []  # (in_transit_from, in_transit_to, unaccounted_from, unaccounted_to, n)
    for movement_id, bucket, n in received.values_list("movement_id", "bucket", "lines"):
        if movement_id in movements:
            dispatched = movements[movement_id]
            # Received by now at the latest: today's point counts it as arrived.
            at = min(bucket, now)
            intervals.append((dispatched, at, dispatched + hours, at, n))
    for movement_id, outcome, resolved_at, n in open_lines:
        dispatched = movements[movement_id]
        overdue = dispatched + hours
        if outcome == ManifestLine.Outcome.MISSING:
            flagged = min(overdue, resolved_at or overdue)
            intervals.append((dispatched, None, flagged, None, n))
        else:
            intervals.append((dispatched, None, overdue, None, n))
    # A sweep over the starts and ends of the intervals, sampled at the end of each day.
    events = []  # (time, kind, change): kind 0 in transit, 1 unaccounted
    for t0, t1, u0, u1, n in intervals:
        events.append((t0, 0, n))
        if t1 is not None:
            events.append((t1, 0, -n))
        if u1 is None or u1 > u0:
            events.append((u0, 1, n))
            if u1 is not None:
                events.append((u1, 1, -n))
    # At the same instant, becoming unaccounted comes last: it counts only strictly after.
    events.sort(key=lambda e: (e[0], e[1] == 1 and e[2] > 0))
    today = timezone.localdate()
    out = []
    counts = [0, 0]
    i = 0
    for day in filters.days():
        if day > today:
            out.append({"date": day.isoformat(), "in_transit": 0, "unaccounted": 0})
            continue
        at = now if day == today else _local_midnight(day + timedelta(days=1))
        # In transit from dispatch (inclusive) until receipt (exclusive); unaccounted strictly
        # after the moment it becomes overdue or is reported, until receipt.
        while i < len(events) and (
            events[i][0] < at
            or (events[i][0] == at and not (events[i][1] == 1 and events[i][2] > 0))
        ):
            counts[events[i][1]] += events[i][2]
            i += 1
        out.append({"date": day.isoformat(), "in_transit": counts[0], "unaccounted": counts[1]})
    if out and filters.date_to >= today >= filters.date_from:
        # Today is the headline's figure, which also counts persons leaving on a departure not yet
        # confirmed (the departures app); earlier days count transfers.
        point = out[(today - filters.date_from).days]
        point["in_transit"], point["unaccounted"] = figures["in_transit"], figures["unaccounted"]
    return out


def children(facility_ids: list[int] | None) -> dict:
    """Children in our care flagged unaccompanied or separated (not merged away), under 18 or of
    unknown age (the children list's: ``protection.queries``); with a facility
    filter, those placed at or on the way to or from the selected facilities, and those leaving
    them on a departure not yet confirmed. Read from the counter kept by where each child's current
    placement is (:mod:`muster.reports.counters`). A child whose departure is confirmed
    (reunified, returned, repatriated, died…) has left our care and is not counted; one leaving
    on a departure not yet confirmed has not been handed over and still is: under a filter, at the
    facility the departure leaves from (the leaving placement names no facility, and such a child
    was counted without a filter and under none)."""
    rows = ChildCount.objects.filter(departed=False)
    leaving = {}
    if facility_ids is not None:
        moving = Movement.objects.filter(_movement_filter(facility_ids)).values("id")
        # On the way: no facility yet. A child placed by a receipt keeps the movement that
        # brought them (the reception point they left counted the child received at a camp).
        rows = rows.filter(
            Q(facility_id__in=facility_ids) | Q(facility_id=0, movement_id__in=moving)
        )
        leaving = _leaving_children(facility_ids)
    kinds = dict(rows.values_list("kind").annotate(n=Sum("persons")).order_by())
    # The counter keeps everyone flagged; someone flagged who is 18 or over is not a child (the
    # children list leaves them out): taken off, where they would be counted.
    adults = _flagged_adults(facility_ids)
    unaccompanied = (kinds.get("u") or 0) + leaving.get("u", 0) - adults["u"]
    separated = (kinds.get("s") or 0) + leaving.get("s", 0) - adults["s"]
    return {
        "total": unaccompanied + separated,
        "unaccompanied": unaccompanied,
        "separated": separated,
    }


def _by_kind(persons: QuerySet) -> dict[str, int]:
    counts = persons.aggregate(
        u=Count("pk", filter=Q(unaccompanied_child=True)),
        s=Count("pk", filter=Q(unaccompanied_child=False)),
    )
    return {k: v or 0 for k, v in counts.items()}


def _flagged_adults(facility_ids: list[int] | None) -> dict[str, int]:
    """The flagged persons of 18 or over whom :func:`children`'s counter counts, by kind: in our
    care (no confirmed departure); with a filter, placed at or on the way to or from the chosen
    facilities, or leaving them. A handful of data errors, read directly."""
    adults = protection.flagged_adults(timezone.localdate())
    if facility_ids is None:
        return _by_kind(
            adults.exclude(Exists(custody.departed_placements().filter(person=OuterRef("pk"))))
        )
    moving = Movement.objects.filter(_movement_filter(facility_ids)).values("id")
    where = Placement.objects.filter(is_current=True, person=OuterRef("pk")).filter(
        Q(facility_id__in=facility_ids) | Q(facility__isnull=True, movement_id__in=moving)
    )
    leaving = open_lines().filter(departure__from_facility_id__in=facility_ids).values("person_id")
    return _by_kind(
        adults.filter(
            Exists(where)
            | (
                Q(pk__in=leaving)
                & Exists(
                    Placement.objects.filter(
                        is_current=True, state=Placement.State.LEAVING, person=OuterRef("pk")
                    )
                )
            )
        )
    )


def _leaving_children(facility_ids: list[int]) -> dict[str, int]:
    """Flagged children leaving the facilities on a departure not yet confirmed (their current
    placement *leaving*), by kind (``u``, ``s``): one aggregate query over the open lines."""
    return _by_kind(
        Person.objects.filter(merged_into__isnull=True)
        .filter(protection.flagged())
        .filter(placements__is_current=True, placements__state=Placement.State.LEAVING)
        .filter(
            pk__in=open_lines()
            .filter(departure__from_facility_id__in=facility_ids)
            .order_by()
            .values("person_id")
        )
    )


def children_lost_figures(
    flagged: int,
    lost_lines: QuerySet,
    departure_lines: QuerySet | None = None,
    *,
    departures_in_flagged: bool = True,
) -> dict[str, int]:
    """The figures of children lost on the way beside ``flagged``, the separated or unaccompanied
    children of the same report (that figure is left as partners read it).

    ``children_lost_in_transit``: children not received off a transfer (``lost_lines``, custody's
    ``children_lost_lines``) or a departure (``departure_lines``, departures'
    ``children_not_presented_lines``): overdue, reported not arrived or not presented, or left in
    transit while their family was received; a part of in transit; a child on both counted once.
    ``children_needing_protection``: the flagged and the lost, a child who is both counted once.
    ``departures_in_flagged``: whether ``flagged`` already counts a flagged child lost off a
    departure (a filtered report's flagged children are those placed at or moving from or to the
    chosen facilities: not those leaving on a departure, who are at none); a child also lost off
    a transfer is counted as the transfer's. One aggregate query over the persons in either set of
    lines, however many lines are open."""
    transfer_ids = lost_lines.order_by().values("person_id")
    lost = Q(pk__in=transfer_ids)
    # Not among ``flagged``: merged away, not flagged, or flagged and 18 or over (not a child).
    unflagged = (
        Q(merged_into__isnull=False)
        | Q(unaccompanied_child=False, separated_child=False)
        | protection.adult(timezone.localdate())
    )
    if departure_lines is not None:
        departure_ids = departure_lines.order_by().values("person_id")
        lost |= Q(pk__in=departure_ids)
        if not departures_in_flagged:
            unflagged |= Q(pk__in=departure_ids) & ~Q(pk__in=transfer_ids)
    counts = Person.objects.filter(lost).aggregate(
        lost=Count("pk"), unflagged=Count("pk", filter=unflagged)
    )
    return {
        "children_lost_in_transit": counts["lost"],
        "children_needing_protection": flagged + counts["unflagged"],
    }


# Departures by kind come from the departures app through the situation report (``departures``:
# persons who left, by kind, under these keys); a report without them (custody alone) gives the one
# figure custody has, the departed placements.
DEPARTURE_KINDS = (
    "returned",
    "repatriated",
    "handed_over",
    "released",
    "transferred_for_treatment",
    "died",
    "reunified",
)
_NOT_A_KIND = ("total", "leaving", "not_presented", "refused", "unaccounted")


def departures_by_kind(report: dict) -> dict[str, int]:
    """Persons who left, by kind: of ``report`` (the situation report, or the :func:`headline` of the
    chosen facilities)."""
    exits = report.get("departures")
    if not isinstance(exits, dict):
        return {"departed": report["departed"]}
    kinds = {k: exits.get(k, 0) for k in DEPARTURE_KINDS}
    for k, v in exits.items():  # a kind added later by the departures app
        if k not in kinds and k not in _NOT_A_KIND and isinstance(v, int):
            kinds[k] = v
    return kinds


# The headline's figures in the situation report's words (``departures``: the departures app's
# counts, read by :func:`departures_by_kind`; not a tile).
HEADLINE = (
    "registered",
    "population",
    "in_transit",
    "unaccounted",
    "separated_or_unaccompanied_children",
    "children_lost_in_transit",
    "children_needing_protection",
    "departed",
)


def headline(report: dict, facility_ids: list[int] | None, kids: dict) -> dict:
    """The figures of now above the charts: the situation report's; with a facility or governorate
    filter, those of the chosen facilities.

    For the chosen facilities: the persons placed there (``population``, the sum of the report's
    facility rows); in transit and unaccounted on the transfers from or to them and on the
    departures leaving them; the flagged children placed there, moving from or to them or leaving them (the
    children chart's ``kids``); the persons who left them on a departure, by kind. ``registered``
    is the whole registry's alone (``None`` under a filter): a registration is not made to a
    facility, and those not yet placed are at none. Counts of the open lines and grouped reads, as
    the report's own."""
    if facility_ids is None:
        return {
            **{k: report[k] for k in HEADLINE if k != "population"},
            "population": None,
            # Not a tile: what the registered add up to with in transit and departed.
            "at_facilities": report.get("at_facilities"),
            "departures": report.get("departures"),
        }
    exits = sitrep_counts(set(facility_ids))
    lines = _movement_filter(facility_ids, "movement__")
    return {
        "registered": None,
        "population": sum(_population_by_kind(report, facility_ids).values()),
        "in_transit": custody.in_transit_lines().filter(lines).count() + exits["leaving"],
        "unaccounted": custody.unaccounted_lines().filter(lines).count() + exits["unaccounted"],
        "separated_or_unaccompanied_children": kids["total"],
        **children_lost_figures(
            kids["total"],
            *children_lost_lines(
                custody.in_transit_lines().filter(lines),
                open_lines().filter(departure__from_facility_id__in=facility_ids),
            ),
            # The flagged children leaving the chosen facilities are among ``kids`` (children()).
            departures_in_flagged=True,
        ),
        "departed": exits["total"],
        "departures": exits,
    }


@dataclass
class Dashboard:
    filters: Filters
    report: dict
    facilities: list[dict]
    arrivals: list[dict]
    flow: dict
    transit: list[dict]
    children: dict
    departures: dict[str, int]
    headline: dict
    facility: Facility | None = None  # the one the filter names
    governorates: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "filters": self.filters.as_dict(),
            "headline": {k: self.headline[k] for k in HEADLINE},
            "arrivals_by_category": self.arrivals,
            "facilities": self.facilities,
            "flow": self.flow,
            "in_transit_over_time": self.transit,
            "children": self.children,
            "departures_by_kind": self.departures,
        }


def build(filters: Filters, report: dict | None = None) -> Dashboard:
    """Every series of the dashboard for ``filters``; ``report`` is the situation report (taken
    here when not given)."""
    from muster.reports.sitrep import situation_report

    chosen = selected_facilities(filters)
    ids = [f.pk for f in chosen] if filters.narrowed else None
    arrivals = arrivals_by_category(filters, ids)
    if report is None:
        same = ids is None and filters == default_filters()
        report = situation_report(arrivals if same else None)
    kids = children(ids)
    figures = headline(report, ids, kids)
    facility = None
    if filters.facility is not None:
        # Outside the governorate filtered on, it is not among the chosen: read for its name.
        facility = next((f for f in chosen if f.pk == filters.facility), None) or (
            Facility.objects.filter(pk=filters.facility).first()
        )
    if ids is None:
        arrived = report["registered"]
    else:
        arrived = (
            ArrivalCount.objects.filter(facility_id__in=ids).aggregate(n=Sum("placements"))["n"]
            or 0
        )
    return Dashboard(
        filters=filters,
        report=report,
        facilities=facility_rows(report, chosen),
        arrivals=arrivals,
        flow=flow(filters, ids, report, arrived, figures["departed"]),
        transit=transit_over_time(filters, ids, figures),
        children=kids,
        departures=departures_by_kind(figures),
        headline=figures,
        facility=facility,
        governorates=governorates(),
    )
