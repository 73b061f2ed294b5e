"""Reads of protection records: a person's separations, the separated families, children to trace."""

from django.db.models import Q, QuerySet

from muster.people.models import Person
from muster.protection.models import FamilySeparation


def separations_of(person: Person) -> QuerySet:
    """Recorded separations this person is part of (moved away, or stayed behind)."""
    return (
        FamilySeparation.objects.filter(Q(moved=person) | Q(remained=person))
        .distinct()
        .select_related("household", "to_facility", "recorded_by")
    )


def separated_families() -> QuerySet:
    return FamilySeparation.objects.select_related(
        "household", "to_facility", "movement", "recorded_by"
    ).prefetch_related("moved", "remained")


def children_for_tracing() -> QuerySet:
    """Unaccompanied and separated children, for the tracing caseworkers."""
    return (
        Person.objects.filter(merged_into__isnull=True)
        .filter(Q(unaccompanied_child=True) | Q(separated_child=True))
        .select_related("household")
        .order_by("registered_at", "id")
    )
