"""Reads of the category decisions that pages and endpoints of several apps share."""

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy

from muster.screening.models import Category, CategoryDecision

#: The category filter's value for persons with no current decision.
UNDECIDED = "undecided"
CATEGORY_LABELS = {**dict(Category.choices), UNDECIDED: gettext_lazy("Not yet decided")}


def with_category(qs: QuerySet) -> QuerySet:
    """Persons annotated with ``current_category`` (``None`` when undecided)."""
    current = CategoryDecision.objects.filter(person=OuterRef("pk"), is_current=True)
    return qs.annotate(current_category=Subquery(current.values("category")[:1]))


def filter_by_category(qs: QuerySet, category: str) -> QuerySet:
    if category == UNDECIDED:
        return qs.exclude(category_decisions__is_current=True)
    if category in Category.values:
        return qs.filter(category_decisions__is_current=True, category_decisions__category=category)
    return qs
