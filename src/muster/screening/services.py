"""The verbs of screening: category decisions (and, later, hits and adjudication).

Muster never assigns a category by itself: every decision names the officer and the reason.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.audit import services as audit
from muster.screening.models import Category, CategoryDecision


def current_category(person) -> CategoryDecision | None:
    return CategoryDecision.objects.filter(person=person, is_current=True).first()


@transaction.atomic
def decide_category(
    person, category: str, *, reason: str, by, legal_basis: str = "", request=None
) -> CategoryDecision:
    """Record a category decision; the previous one (if any) is superseded, never erased."""
    errors = {}
    if category not in Category.values:
        errors["category"] = [
            _("'%(v)s' is not a category (civilian, held, family_of_held)")
            % {"v": str(category)[:40]}
        ]
    if not (reason or "").strip():
        errors["reason"] = [_("a category decision needs a reason")]
    if by is None or not getattr(by, "is_authenticated", False):
        errors["decided_by"] = [_("a category decision needs a named officer")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    CategoryDecision.objects.select_for_update().filter(person=person, is_current=True).update(
        is_current=False, superseded_at=now
    )
    decision = CategoryDecision.objects.create(
        person=person,
        category=category,
        reason=reason.strip(),
        legal_basis=(legal_basis or "").strip(),
        decided_by=by,
        decided_at=now,
    )
    audit.record(
        "category.decide",
        actor=by,
        obj=person,
        request=request,
        detail={"decision": decision.pk, "category": category},
    )
    return decision
