"""Reads of protection records: a person's separations, the separated families, children to trace."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Case, Q, QuerySet, Value, When

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


def under_18(today: dt.date) -> Q:
    """Persons who are (or, with a year alone, may be) under 18 today; an unknown age is kept."""
    try:
        cutoff = today.replace(year=today.year - 18)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - 18, day=28)
    return (
        Q(date_of_birth__gt=cutoff)
        | Q(date_of_birth__isnull=True, birth_year__gte=today.year - 18)
        | Q(date_of_birth__isnull=True, birth_year__isnull=True)
    )


def children_for_tracing(today: dt.date | None = None, also: Iterable[int] = ()) -> QuerySet:
    """Unaccompanied and separated children under 18, for the tracing caseworkers; and the persons
    ``also`` names (custody's children lost on the way, whom no flag may mark yet), first: they
    are followed up first."""
    today = today or dt.date.today()
    also = list(also)
    flagged = (Q(unaccompanied_child=True) | Q(separated_child=True)) & under_18(today)
    return (
        Person.objects.filter(merged_into__isnull=True)
        .filter(flagged | Q(pk__in=also))
        .select_related("household")
        .annotate(lost=Case(When(pk__in=also, then=Value(0)), default=Value(1)))
        .order_by("lost", "registered_at", "id")
    )
