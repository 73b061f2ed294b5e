"""A facility's figures (population, capacity, arrivals, expected, reported not arrived, in transit
from it, leaving it on a departure, by category), as the home page, the facility pages and the dispatch page show them."""

from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from muster.custody import services as custody
from muster.custody.models import Facility, ManifestLine, Placement
from muster.departures.queries import leaving_count
from muster.screening.models import Category, CategoryDecision
from muster.screening.queries import UNDECIDED


@dataclass
class FacilityFigures:
    population: int
    capacity: int | None
    arrivals_today: int
    expected: int  # dispatched here, on the way, not reported not arrived
    reported_not_arrived: int  # dispatched here, reported not arrived by this facility
    in_transit_out: int  # on transfers from here, not yet received
    leaving: int  # on departures from here (returns, repatriations...), not yet confirmed
    by_category: dict[str, int]

    @property
    def in_transit_in(self) -> int:
        """On transfers to here, not received: the expected and those reported not arrived."""
        return self.expected + self.reported_not_arrived

    @property
    def percent(self) -> int | None:
        if not self.capacity:
            return None
        return round(100 * self.population / self.capacity)

    @property
    def bar_width(self) -> int:
        return min(100, self.percent or 0)

    @property
    def over(self) -> bool:
        return self.capacity is not None and self.population > self.capacity


def facility_figures(facility: Facility, *, reunions: set[int] | None) -> FacilityFigures:
    """``reunions``: the reader's ``access.policy.reunification_scope`` (``None``: all), so that those
    leaving on a reunification are counted only for a reader the departures list shows them to."""
    population = custody.population(facility)
    today = timezone.localdate()
    # A duplicate's registration here today is an arrival (merged or not); the placement a merge
    # copies to the kept record is not another one.
    arrivals = (
        Placement.objects.filter(
            facility=facility, state=Placement.State.PLACED, started_at__date=today
        )
        .exclude(custody.merge_copies())
        .count()
    )
    in_transit_out = ManifestLine.objects.filter(
        movement__from_facility=facility,
        outcome__in=[ManifestLine.Outcome.PENDING, ManifestLine.Outcome.MISSING],
    ).count()
    # Those reported not arrived are still on the transfer (not received), but no longer expected:
    # counted apart, so that expected + reported not arrived = in transit to here.
    reported_not_arrived = ManifestLine.objects.filter(
        movement__to_facility=facility, outcome=ManifestLine.Outcome.MISSING
    ).count()
    rows = (
        CategoryDecision.objects.filter(
            is_current=True,
            person__placements__is_current=True,
            person__placements__state=Placement.State.PLACED,
            person__placements__facility=facility,
        )
        .values("category")
        .annotate(n=Count("id"))
    )
    by_category = {c: 0 for c in Category.values}
    for row in rows:
        by_category[row["category"]] = row["n"]
    by_category[UNDECIDED] = population - sum(by_category.values())
    return FacilityFigures(
        population=population,
        capacity=facility.capacity,
        arrivals_today=arrivals,
        expected=custody.expected(facility),
        reported_not_arrived=reported_not_arrived,
        in_transit_out=in_transit_out,
        leaving=leaving_count({facility.pk}, reunions),
        by_category=by_category,
    )
