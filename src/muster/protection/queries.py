"""Reads of protection records: a person's separations, the separated families, children to trace."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When

from muster.people.models import Person
from muster.protection.models import FamilySeparation


def separations_of(person: Person) -> QuerySet:
    """Recorded separations this person is part of (moved away, or stayed behind)."""
    return (
        FamilySeparation.objects.filter(Q(moved=person) | Q(remained=person))
        .distinct()
        .select_related("household", "to_facility", "departure", "recorded_by")
    )


def separated_families() -> QuerySet:
    return FamilySeparation.objects.select_related(
        "household", "to_facility", "movement", "departure", "recorded_by"
    ).prefetch_related("moved", "remained")


def _cutoff(today: dt.date) -> dt.date:
    """The latest date of birth of someone 18 or over today."""
    try:
        return today.replace(year=today.year - 18)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 18, day=28)


def under_18(today: dt.date) -> Q:
    """Persons who are (or, with a year alone, may be) under 18 today; an unknown age is kept."""
    cutoff = _cutoff(today)
    return (
        Q(date_of_birth__gt=cutoff)
        | Q(date_of_birth__isnull=True, birth_year__gte=today.year - 18)
        | Q(date_of_birth__isnull=True, birth_year__isnull=True)
    )


def adult(today: dt.date, prefix: str = "") -> Q:
    """Persons (at ``prefix``, e.g. "person__") known to be 18 or over today: the complement of
    :func:`under_18` (a date of birth 18 years back or more, or without one a year of birth more
    than 18 years back)."""
    cutoff = _cutoff(today)
    return Q(**{f"{prefix}date_of_birth__lte": cutoff}) | Q(
        **{f"{prefix}date_of_birth__isnull": True, f"{prefix}birth_year__lt": today.year - 18}
    )


def flagged(prefix: str = "") -> Q:
    """Flagged unaccompanied or separated (whatever the age)."""
    return Q(**{f"{prefix}unaccompanied_child": True}) | Q(**{f"{prefix}separated_child": True})


def _flagged(today: dt.date) -> Q:
    """The unaccompanied and separated *children*: flagged, and under 18 or of unknown age. The
    children list's population and the figures' (``reports.dashboard.children``): someone flagged
    who is 18 or over is neither listed nor counted (their flag is to be reviewed)."""
    return flagged() & under_18(today)


def flagged_adults(today: dt.date | None = None) -> QuerySet:
    """Persons flagged unaccompanied or separated who are 18 or over (not merged away): flagged
    before the check at registration, through a bulk load, or grown up since. Not children."""
    today = today or dt.date.today()
    return Person.objects.filter(merged_into__isnull=True).filter(flagged() & adult(today))


def children_for_tracing(
    today: dt.date | None = None, also: Iterable[int] = (), departed: QuerySet | None = None
) -> QuerySet:
    """Unaccompanied and separated children under 18 in our care, for the tracing caseworkers; and
    the persons ``also`` names (custody's children lost on the way, whom no flag may mark yet),
    first: they are followed up first. ``departed``: the current placements of those who have left
    custody (custody's ``departed_placements``), left out as the situation report's figure leaves
    them; a child leaving on a departure not yet confirmed is still ours."""
    today = today or dt.date.today()
    also = list(also)
    people = Person.objects.filter(merged_into__isnull=True)
    if departed is not None:
        people = people.exclude(Exists(departed.filter(person_id=OuterRef("pk"))))
    return (
        people.filter(_flagged(today) | Q(pk__in=also))
        .select_related("household")
        .annotate(lost=Case(When(pk__in=also, then=Value(0)), default=Value(1)))
        .order_by("lost", "registered_at", "id")
    )


def children_who_left(departed: QuerySet, today: dt.date | None = None) -> QuerySet:
    """The unaccompanied and separated children under 18 who have left custody (``departed``: the
    current placements of those whose departure is confirmed): listed apart from the children in
    our care."""
    today = today or dt.date.today()
    return (
        Person.objects.filter(merged_into__isnull=True)
        .filter(_flagged(today))
        .filter(Exists(departed.filter(person_id=OuterRef("pk"))))
        .select_related("household")
        .order_by("registered_at", "id")
    )
