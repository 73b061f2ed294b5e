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


def _flagged(today: dt.date) -> Q:
    return (Q(unaccompanied_child=True) | Q(separated_child=True)) & under_18(today)


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
