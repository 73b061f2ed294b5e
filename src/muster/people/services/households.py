"""A household has exactly one head among its current members (those not merged away): a
correction may not leave it with none or two, and the head changes through :func:`make_head`."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.audit import services as audit
from muster.core.text import isolate
from muster.people.audit_actions import PeopleAction
from muster.people.models import Household, Person, PersonCorrection, Relationship
from muster.people.signals import person_corrected

HEAD = Relationship.HEAD
R = Relationship

# A member's relationship to the new head, from their relationship to the former head and the new
# head's (a proposal the officer confirms or changes): {new head's: {member's: proposed}}. A pair
# not listed is not known from the two alone ("other", the officer says better if they know).
_KIN = {
    R.SPOUSE: {
        R.SON: R.SON, R.DAUGHTER: R.DAUGHTER,
        R.GRANDSON: R.GRANDSON, R.GRANDDAUGHTER: R.GRANDDAUGHTER,
    },
    R.SON: {
        R.SPOUSE: "parent", R.SON: "sibling", R.DAUGHTER: "sibling",
    },
    R.DAUGHTER: {
        R.SPOUSE: "parent", R.SON: "sibling", R.DAUGHTER: "sibling",
    },
    R.FATHER: {
        R.MOTHER: R.SPOUSE, R.SON: "grandchild", R.DAUGHTER: "grandchild",
        R.BROTHER: "child", R.SISTER: "child", R.NEPHEW: "grandchild", R.NIECE: "grandchild",
    },
    R.MOTHER: {
        R.FATHER: R.SPOUSE, R.SON: "grandchild", R.DAUGHTER: "grandchild",
        R.BROTHER: "child", R.SISTER: "child", R.NEPHEW: "grandchild", R.NIECE: "grandchild",
    },
    R.BROTHER: {
        R.FATHER: R.FATHER, R.MOTHER: R.MOTHER, R.BROTHER: "sibling", R.SISTER: "sibling",
        R.SON: "nibling", R.DAUGHTER: "nibling",
    },
    R.SISTER: {
        R.FATHER: R.FATHER, R.MOTHER: R.MOTHER, R.BROTHER: "sibling", R.SISTER: "sibling",
        R.SON: "nibling", R.DAUGHTER: "nibling",
    },
}  # fmt: skip
# The former head as the new head's relative, from the new head's relationship to them.
_FORMER = {
    R.SPOUSE: R.SPOUSE, R.SON: "parent", R.DAUGHTER: "parent", R.FATHER: "child",
    R.MOTHER: "child", R.BROTHER: "sibling", R.SISTER: "sibling",
}  # fmt: skip
# A kind of relative in the words of the member's sex (an unknown sex: "other").
_BY_SEX = {
    "parent": (R.FATHER, R.MOTHER),
    "child": (R.SON, R.DAUGHTER),
    "sibling": (R.BROTHER, R.SISTER),
    "grandchild": (R.GRANDSON, R.GRANDDAUGHTER),
    "nibling": (R.NEPHEW, R.NIECE),
}


def _worded(kind: str, sex: str) -> str:
    if kind not in _BY_SEX:
        return kind
    male, female = _BY_SEX[kind]
    return {"M": male, "F": female}.get(sex, R.OTHER)


def propose_relationship(member: Person, new_head: Person, *, former_head: bool = False) -> str:
    """``member``'s relationship to ``new_head``, as far as their relationships to the former head
    tell it: the former head's spouse is the parent of a new head who is their child, the new
    head's siblings are the former head's other children, and so on; "other" when unknown."""
    if former_head:
        kind = _FORMER.get(new_head.relationship_to_head, R.OTHER)
    else:
        kind = _KIN.get(new_head.relationship_to_head, {}).get(member.relationship_to_head, R.OTHER)
    return _worded(kind, member.sex)


def not_a_member(number) -> ValidationError:
    """The refusal of a relationship given for someone who is not another current member."""
    return ValidationError(
        _("%(n)s is not another current member of this household")
        % {"n": isolate(str(number)[:40])},
        code="not_a_member",
    )


def other_members(person: Person, former: list[Person], *, lock: bool = False) -> list[Person]:
    """The household's current members besides the new head and the former heads: those whose
    relationship (to the head) is expressed again when the head changes (``lock``: their rows
    locked, inside the head change's transaction)."""
    qs = Person.objects.filter(household_id=person.household_id, merged_into__isnull=True)
    if lock:
        qs = qs.select_for_update()
    return list(qs.exclude(pk__in=[person.pk, *(p.pk for p in former)]).order_by("id"))


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


def record_relationship_change(
    person: Person, old: str, new: str, *, reason: str, by, request, household
) -> None:
    """A change of ``person``'s relationship to the head, as a correction, audited."""
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
    person: Person,
    *,
    former_head_relationship: str,
    reason: str,
    by,
    request=None,
    relationships: dict[str, str] | None = None,
) -> list[Person]:
    """Make ``person`` the head of their household; the former head (if any) takes the relationship
    the officer chose, and each other member listed in ``relationships`` (registration number:
    relationship to the new head, as the officer confirmed or changed :func:`propose_relationship`)
    takes theirs; a member not listed keeps theirs. Every change is a correction (old values kept,
    shown in each timeline) and audited, in one transaction. Returns the former heads (none if the
    household had none)."""
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
    others = {p.number: p for p in other_members(person, former, lock=True)}
    regrouped: list[tuple[Person, str]] = []
    for number, relationship in (relationships or {}).items():
        field = f"relationships.{str(number)[:40]}"
        member = others.get(number)
        if member is None:
            errors[field] = [not_a_member(number)]
        elif relationship not in Relationship.values or relationship == HEAD:
            errors[field] = [
                ValidationError(
                    _("choose one of the relationships listed (not head)"), code="invalid_choice"
                )
            ]
        elif relationship != member.relationship_to_head:
            regrouped.append((member, relationship))
    if errors:
        raise ValidationError(errors)
    for old_head in former:
        old_head.relationship_to_head = former_head_relationship
        old_head.save(update_fields=["relationship_to_head"])
        record_relationship_change(
            old_head, HEAD, former_head_relationship, reason=reason, by=by, request=request,
            household=household,
        )  # fmt: skip
    old = person.relationship_to_head
    person.relationship_to_head = HEAD
    person.save(update_fields=["relationship_to_head"])
    record_relationship_change(
        person, old, HEAD, reason=reason, by=by, request=request, household=household
    )
    for member, relationship in regrouped:
        was = member.relationship_to_head
        member.relationship_to_head = relationship
        member.save(update_fields=["relationship_to_head"])
        record_relationship_change(
            member, was, relationship, reason=reason, by=by, request=request, household=household
        )
    detail = {"head": person.number, "former": [p.number for p in former]}
    if regrouped:
        detail["relationships_changed"] = [m.number for m, _new in regrouped]
    audit.record(
        PeopleAction.HOUSEHOLD_HEAD_CHANGE, actor=by, obj=household, request=request, detail=detail
    )
    for changed in (*former, person, *(m for m, _new in regrouped)):
        person_corrected.send(sender=Person, person=changed, fields=["relationship_to_head"])
    return former
