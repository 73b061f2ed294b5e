"""Category decisions: an officer decides with a reason; "held" takes effect only when a second officer
approves it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.audit import services as audit
from muster.screening.audit_actions import ScreeningAction
from muster.screening.models import (
    ApprovalStatus,
    Category,
    CategoryDecision,
    Hit,
)
from muster.screening.services.adjudication import registrations_of


def current_category(person) -> CategoryDecision | None:
    return CategoryDecision.objects.filter(person=person, is_current=True).first()


def pending_category(person) -> CategoryDecision | None:
    return CategoryDecision.objects.filter(person=person, status=ApprovalStatus.PENDING).first()


def held_or_proposed(person_ids) -> set[int]:
    """Of ``person_ids``, those held, or proposed as held and awaiting the second officer."""
    return set(
        CategoryDecision.objects.filter(person_id__in=list(person_ids), category=Category.HELD)
        .filter(Q(is_current=True) | Q(status=ApprovalStatus.PENDING))
        .values_list("person_id", flat=True)
    )


def _held_basis_errors(person, basis_hit, basis: str) -> dict:
    if basis_hit is None and not (basis or "").strip():
        return {
            "basis": [
                ValidationError(
                    _(
                        "'held' needs a confirmed basis: a confirmed reference-list hit, or a stated "
                        "basis (what was established, by whom)"
                    ),
                    code="basis_required",
                )
            ]
        }
    if basis_hit is not None:
        basis_hit = Hit.objects.get(pk=basis_hit.pk)  # its status now, not as the caller read it
        same_person = {p.pk for p in registrations_of(person)}
        if (
            basis_hit.kind != Hit.Kind.REFERENCE_LIST
            or basis_hit.status != Hit.Status.CONFIRMED
            or basis_hit.person_id not in same_person
        ):
            return {
                "basis_hit": [
                    ValidationError(
                        _("the basis must be a confirmed reference-list hit on this person"),
                        code="basis_not_confirmed",
                    )
                ]
            }
    return {}


@transaction.atomic
def decide_category(
    person,
    category: str,
    *,
    reason: str,
    by,
    legal_basis: str = "",
    request=None,
    basis_hit: Hit | None = None,
    basis: str = "",
) -> CategoryDecision:
    """Record a category decision; the previous one (if any) is superseded, never erased.

    "held" is recorded as *pending*: it needs a confirmed basis (``basis_hit`` or ``basis``) and
    takes effect only when a different officer approves it (:func:`approve_category`). Lifting
    "held" (any other category for a person now held) is pending too: four eyes both ways, so one
    officer can neither detain nor release alone.
    """
    errors = {}
    if category not in Category.values:
        errors["category"] = [
            ValidationError(
                _("'%(v)s' is not a category (civilian, held, family_of_held)")
                % {"v": str(category)[:40]},
                code="not_a_category",
            )
        ]
    if not (reason or "").strip():
        errors["reason"] = [
            ValidationError(_("a category decision needs a reason"), code="reason_required")
        ]
    if by is None or not getattr(by, "is_authenticated", False):
        errors["decided_by"] = [
            ValidationError(_("a category decision needs a named officer"), code="officer_required")
        ]
    if person is not None and getattr(person, "merged_into_id", None):
        # A duplicate merged into another record is not a person of its own: one person, one
        # category, decided on the record kept.
        kept = type(person).objects.get(pk=person.merged_into_id)
        errors["category"] = [
            ValidationError(
                _("this record is a duplicate merged into %(n)s: decide the category there")
                % {"n": kept.number},
                code="merged_record",
            )
        ]
    held = category == Category.HELD
    current = current_category(person) if person is not None and person.pk else None
    lifting = not held and current is not None and current.category == Category.HELD
    if lifting and pending_category(person) is not None:
        errors["category"] = [
            ValidationError(
                _("a decision on this person is already waiting for approval"),
                code="already_pending",
            )
        ]
    if held:
        errors.update(_held_basis_errors(person, basis_hit, basis))
        current = current_category(person)
        if pending_category(person) is not None:
            errors["category"] = [
                ValidationError(
                    _("a 'held' decision on this person is already waiting for approval"),
                    code="already_pending",
                )
            ]
        elif current is not None and current.category == Category.HELD:
            errors["category"] = [
                ValidationError(
                    _("this person is already 'held' (approved on %(d)s); nothing to propose")
                    % {
                        "d": timezone.localtime(current.approved_at or current.decided_at)
                        .date()
                        .isoformat()
                    },
                    code="already_held",
                )
            ]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    needs_approval = held or lifting
    if not needs_approval:
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
        is_current=not needs_approval,
        status=ApprovalStatus.PENDING if needs_approval else ApprovalStatus.APPROVED,
        basis_hit=basis_hit,
        basis=(basis or "").strip(),
    )
    audit.record(
        ScreeningAction.CATEGORY_PROPOSE if needs_approval else ScreeningAction.CATEGORY_DECIDE,
        actor=by,
        obj=person,
        request=request,
        detail={
            "decision": decision.pk,
            "category": category,
            **({"lifts": Category.HELD} if lifting else {}),
        },
    )
    return decision


def _settle_pending(decision: CategoryDecision, *, status: str, by, note: str) -> None:
    now = timezone.now()
    changed = CategoryDecision.objects.filter(pk=decision.pk, status=ApprovalStatus.PENDING).update(
        status=status, approved_by=by, approved_at=now, approval_note=(note or "").strip()
    )
    if not changed:
        raise ValidationError(
            {
                "status": [
                    ValidationError(
                        _("this decision is no longer waiting for approval"), code="not_pending"
                    )
                ]
            }
        )


def _second_officer_errors(decision: CategoryDecision, by) -> dict:
    if by is None or not getattr(by, "is_authenticated", False):
        return {
            "approved_by": [
                ValidationError(_("approval needs a named officer"), code="officer_required")
            ]
        }
    if by.pk == decision.decided_by_id:
        return {
            "approved_by": [
                ValidationError(
                    _("a second officer must approve: you proposed this decision yourself"),
                    code="same_officer",
                )
            ]
        }
    return {}


@transaction.atomic
def approve_category(
    decision: CategoryDecision, *, by, note: str = "", request=None
) -> CategoryDecision:
    """The second officer approves a pending "held" decision: it becomes the current category."""
    errors = _second_officer_errors(decision, by)
    if errors:
        raise ValidationError(errors)
    _settle_pending(decision, status=ApprovalStatus.APPROVED, by=by, note=note)
    now = timezone.now()
    CategoryDecision.objects.select_for_update().filter(
        person_id=decision.person_id, is_current=True
    ).update(is_current=False, superseded_at=now)
    CategoryDecision.objects.filter(pk=decision.pk).update(is_current=True)
    decision.refresh_from_db()
    audit.record(
        ScreeningAction.CATEGORY_APPROVE,
        actor=by,
        obj=decision.person,
        request=request,
        detail={"decision": decision.pk, "category": decision.category},
    )
    return decision


@transaction.atomic
def refuse_category(decision: CategoryDecision, *, by, note: str, request=None) -> CategoryDecision:
    """The second officer refuses a pending "held" decision; the current category stays."""
    errors = _second_officer_errors(decision, by)
    if not (note or "").strip():
        errors["note"] = [
            ValidationError(_("say why the decision is refused"), code="note_required")
        ]
    if errors:
        raise ValidationError(errors)
    _settle_pending(decision, status=ApprovalStatus.REFUSED, by=by, note=note)
    decision.refresh_from_db()
    audit.record(
        ScreeningAction.CATEGORY_REFUSE,
        actor=by,
        obj=decision.person,
        request=request,
        detail={"decision": decision.pk, "category": decision.category},
    )
    return decision


def pending_approvals() -> QuerySet:
    return CategoryDecision.objects.filter(status=ApprovalStatus.PENDING).select_related(
        "person", "decided_by", "basis_hit"
    )


def _member_key(i: int, field: str) -> str:
    return f"members[{i}].{field}"


@transaction.atomic
def decide_household_categories(
    household,
    choices: list[dict],
    *,
    by,
    reason: str = "",
    legal_basis: str = "",
    request=None,
) -> list[CategoryDecision]:
    """Decide the categories of a household's members in one go: all of them are recorded, or none.

    ``choices`` holds one dict per member shown to the officer: ``person`` (a member of
    ``household``), ``category`` (empty: this member is not decided now; nothing is ever chosen for
    the officer), and optionally the member's own ``reason``, ``legal_basis`` and, for "held",
    ``basis`` or ``basis_hit``. ``reason`` and ``legal_basis`` stand for each member decided without one of their
    own. Each decision is :func:`decide_category`'s, with its rules (a reason, four eyes on "held"
    and on lifting it) and its audit event. Errors are keyed ``members[i].field``, ``i`` the
    member's place in ``choices``; on any error nothing is saved.
    """
    errors: dict[str, list] = {}
    decisions: list[CategoryDecision] = []
    seen: set[int] = set()
    for i, choice in enumerate(choices):
        person = choice.get("person")
        category = (choice.get("category") or "").strip()
        own_reason = (choice.get("reason") or "").strip()
        basis = (choice.get("basis") or "").strip()
        if person is None or person.household_id != household.pk:
            errors[_member_key(i, "person")] = [
                ValidationError(
                    _("not a member of household %(h)s") % {"h": household.number},
                    code="not_a_member",
                )
            ]
            continue
        if person.pk in seen:
            errors[_member_key(i, "person")] = [
                ValidationError(_("this member is listed twice"), code="duplicate_member")
            ]
            continue
        seen.add(person.pk)
        if not category:
            if own_reason or basis:
                # A reason written beside a member left undecided would read as decided: say so.
                errors[_member_key(i, "category")] = [
                    ValidationError(
                        _("choose this member's category, or clear their reason and basis"),
                        code="category_required",
                    )
                ]
            continue
        try:
            with transaction.atomic():
                decisions.append(
                    decide_category(
                        person,
                        category,
                        reason=own_reason or reason,
                        legal_basis=(choice.get("legal_basis") or "").strip() or legal_basis,
                        basis=basis,
                        basis_hit=choice.get("basis_hit"),
                        by=by,
                        request=request,
                    )
                )
        except ValidationError as exc:
            for field, field_errors in exc.error_dict.items():
                if field == "decided_by":  # the officer, not the member: said once
                    errors[field] = field_errors
                else:
                    errors.setdefault(_member_key(i, field), []).extend(field_errors)
    if not errors and not decisions:
        errors["members"] = [
            ValidationError(_("choose a category for at least one member"), code="nothing_decided")
        ]
    if errors:
        raise ValidationError(errors)
    return decisions
