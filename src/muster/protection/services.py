"""The verbs of protection: record a protection review (separations are recorded by the custody
transfer that makes them, through :func:`muster.protection.rules.record_separation`)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.audit import services as audit
from muster.people.models import Person
from muster.protection.audit_actions import ProtectionAction
from muster.protection.models import ProtectionReview


@transaction.atomic
def record_protection_review(
    person: Person, *, outcome: str, reason: str, by, request=None
) -> ProtectionReview:
    """Record a protection review of a person (a child before any placement in holding)."""
    errors = {}
    if outcome not in ProtectionReview.Outcome.values:
        errors["outcome"] = [
            ValidationError(
                _("'%(v)s' is not an outcome (%(list)s)")
                % {"v": str(outcome)[:40], "list": ", ".join(ProtectionReview.Outcome.values)},
                code="not_an_outcome",
            )
        ]
    if not (reason or "").strip():
        errors["reason"] = [
            ValidationError(_("a protection review needs a reason"), code="reason_required")
        ]
    if by is None or not getattr(by, "is_authenticated", False):
        errors["reviewer"] = [
            ValidationError(
                _("a protection review needs a named reviewer"), code="reviewer_required"
            )
        ]
    if errors:
        raise ValidationError(errors)
    review = ProtectionReview.objects.create(
        person=person, reviewer=by, outcome=outcome, reason=reason.strip(), at=timezone.now()
    )
    audit.record(
        ProtectionAction.PROTECTION_REVIEW,
        actor=by,
        obj=person,
        request=request,
        detail={"review": review.pk, "outcome": outcome},
    )
    return review
