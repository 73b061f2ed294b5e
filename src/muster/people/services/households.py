"""A household has exactly one head among its current members (those not merged away): a
correction may not leave it with none or two, and the head changes through :func:`make_head`."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.audit import services as audit
from muster.people.audit_actions import PeopleAction
from muster.people.models import Household, Person, PersonCorrection, Relationship
from muster.people.signals import person_corrected

HEAD = Relationship.HEAD


def lock_household(household_id) -> Household:
    """The household row, locked: who heads it is decided by one officer at a time."""
    return Household.objects.select_for_update().get(pk=household_id)


def current_heads(household_id, *, exclude=None) -> list[Person]:
    """The members heading the household, merged-away records left out."""
    qs = Person.objects.filter(
        household_id=household_id, merged_into__isnull=True, relationship_to_head=HEAD
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs.order_by("id"))


def check_relationship_change(person: Person, old: str, new: str) -> None:
    """Refuse a correction of ``person``'s relationship that would leave their household with no
    head or with two (among its current members). Called inside the correction's transaction."""
    if old == new or HEAD not in (old, new) or not person.household_id or person.merged_into_id:
        return
    lock_household(person.household_id)
    others = current_heads(person.household_id, exclude=person)
    if new == HEAD and others:
        message = _(
            "the household already has a head (%(n)s): use 'Make head of household' on this "
            "person's page to change the head"
        ) % {"n": ", ".join(p.number for p in others)}
        code = "household_has_head"
    elif new != HEAD and not others:
        message = _(
            "the household would have no head: use 'Make head of household' on the member who "
            "becomes head"
        )
        code = "household_needs_head"
    else:
        return
    raise ValidationError({"relationship_to_head": [ValidationError(message, code=code)]})


def _record(person: Person, old: str, new: str, *, reason: str, by, request, household) -> None:
    PersonCorrection.objects.create(
        person=person,
        changes={"relationship_to_head": [old, new]},
        reason=reason,
        corrected_by=by,
        corrected_at=timezone.now(),
    )
    audit.record(
        PeopleAction.PERSON_CORRECT,
        actor=by,
        obj=person,
        request=request,
        detail={"fields": ["relationship_to_head"], "household_head": household.number},
    )


@transaction.atomic
def make_head(
    person: Person, *, former_head_relationship: str, reason: str, by, request=None
) -> list[Person]:
    """Make ``person`` the head of their household; the former head (if any) takes the relationship
    the officer chose. Both changes are corrections (old values kept, shown in each timeline) and
    audited, in one transaction. Returns the former heads (none if the household had none)."""
    errors: dict[str, list[ValidationError]] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [
            ValidationError(_("a correction needs a reason"), code="reason_required")
        ]
    person = Person.objects.get(pk=person.pk)
    if person.household_id:
        # The household first, then the person: the order every head change takes its locks in.
        lock_household(person.household_id)
        person = Person.objects.select_for_update().get(pk=person.pk)
    if not person.household_id:
        raise ValidationError(
            {"person": [ValidationError(_("this person is in no household"), code="no_household")]}
        )
    if person.merged_into_id:
        raise ValidationError(
            {
                "person": [
                    ValidationError(
                        _("this record is merged into another: act on the record kept"),
                        code="merged_record",
                    )
                ]
            }
        )
    household = lock_household(person.household_id)  # held already (or just moved: locked now)
    if person.relationship_to_head == HEAD:
        raise ValidationError(
            {
                "person": [
                    ValidationError(
                        _("this person is already the head of the household"), code="already_head"
                    )
                ]
            }
        )
    former = current_heads(household.pk, exclude=person)
    if former:
        choices = [c for c in Relationship.values if c != HEAD]
        if not former_head_relationship:
            errors["former_head_relationship"] = [
                ValidationError(
                    _("choose the former head's relationship to the new head"),
                    code="required",
                )
            ]
        elif former_head_relationship not in choices:
            errors["former_head_relationship"] = [
                ValidationError(
                    _("choose one of the relationships listed (not head)"), code="invalid_choice"
                )
            ]
    if errors:
        raise ValidationError(errors)
    for old_head in former:
        old_head.relationship_to_head = former_head_relationship
        old_head.save(update_fields=["relationship_to_head"])
        _record(
            old_head, HEAD, former_head_relationship, reason=reason, by=by, request=request,
            household=household,
        )  # fmt: skip
    old = person.relationship_to_head
    person.relationship_to_head = HEAD
    person.save(update_fields=["relationship_to_head"])
    _record(person, old, HEAD, reason=reason, by=by, request=request, household=household)
    audit.record(
        PeopleAction.HOUSEHOLD_HEAD_CHANGE,
        actor=by,
        obj=household,
        request=request,
        detail={"head": person.number, "former": [p.number for p in former]},
    )
    for changed in (*former, person):
        person_corrected.send(sender=Person, person=changed, fields=["relationship_to_head"])
    return former
