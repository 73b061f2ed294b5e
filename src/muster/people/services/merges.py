"""Merging duplicate records and undoing a merge; the documents of a record and of those merged into it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.audit import services as audit
from muster.people.audit_actions import PeopleAction
from muster.people.models import (
    PROTECTION_FLAGS,
    Household,
    IdentityDocument,
    Person,
    PersonCorrection,
    Relationship,
)
from muster.people.services.households import (
    current_heads,
    lock_household,
    record_relationship_change,
)


def _lock_persons(*persons: Person) -> list[Person]:
    return list(Person.objects.select_for_update().filter(pk__in=[p.pk for p in persons]))


def lock_for_merge(kept: Person, duplicate: Person, *, reason: str) -> tuple[Person, Person]:
    """Both records, locked and checked: a merge needs a reason, two records, neither merged yet."""
    if not (reason or "").strip():
        raise ValidationError(
            {"reason": [ValidationError(_("a merge needs a reason"), code="reason_required")]}
        )
    if kept.pk == duplicate.pk:
        raise ValidationError(
            {
                "candidate": [
                    ValidationError(
                        _("a record cannot be merged into itself"), code="merge_into_itself"
                    )
                ]
            }
        )
    locked = {p.pk: p for p in _lock_persons(kept, duplicate)}
    kept, duplicate = locked[kept.pk], locked[duplicate.pk]
    if duplicate.merged_into_id or kept.merged_into_id:
        raise ValidationError(
            {
                "candidate": [
                    ValidationError(
                        _("one of these records is already merged into another"),
                        code="already_merged",
                    )
                ]
            }
        )
    if (refusal := head_left_behind(kept, duplicate)) is not None:
        raise ValidationError({"household": [refusal]})
    return kept, duplicate


def head_left_behind(kept: Person, duplicate: Person) -> ValidationError | None:
    """Why the merge may not be made yet, if the duplicate heads a household of its own with other
    members in it and the kept record neither is in that household nor joins it: the household
    would be headed by a merged-away record. Who heads a family is the family's to say and the
    other members' relationships are to the head: the officer makes another member head first
    ("Make head of household", which expresses them again), then confirms the merge. None when
    the merge may be made (the page says it before the officer confirms)."""
    if (
        duplicate.relationship_to_head != Relationship.HEAD
        or not duplicate.household_id
        or duplicate.household_id == kept.household_id
        or _joins_family(kept, duplicate)
        or not Person.objects.filter(household_id=duplicate.household_id, merged_into__isnull=True)
        .exclude(pk__in=[duplicate.pk, kept.pk])
        .exists()
    ):
        return None
    household = _household_number(duplicate.household_id)
    return ValidationError(
        _(
            "%(p)s heads household %(h)s, which has other members, and the record kept "
            "(%(k)s) is in another household: a household may not be headed by a merged "
            "record. First make another member of %(h)s its head ('Make head of household' on "
            "their page), then confirm the merge."
        )
        % {"p": duplicate.number, "h": household, "k": kept.number},
        code="duplicate_heads_household",
    )


# The reasons of the corrections a merge makes to the kept record; an unmerge finds them by these.
MERGE_FLAGS_REASON = "protection flags of merged record {duplicate}"
MERGE_HOUSEHOLD_REASON = "household of merged record {duplicate}"
MERGE_HEAD_REASON = "head of household of merged record {duplicate}"


def _joins_family(kept: Person, duplicate: Person) -> bool:
    """Whether the kept record moves into the duplicate's household: the duplicate came with a
    family and the kept record has none (no household, or one where no one else is registered).
    Otherwise the person stays in the household they were kept in: moving them would part them
    from the relatives registered with them there."""
    if not duplicate.household_id or duplicate.household_id == kept.household_id:
        return False
    if not kept.household_id:
        return True
    return not (
        Person.objects.filter(household_id=kept.household_id, merged_into__isnull=True)
        .exclude(pk__in=[kept.pk, duplicate.pk])
        .exists()
    )


def _household_number(household_id) -> str:
    return Household.objects.get(pk=household_id).number if household_id else ""


@transaction.atomic
def merge_persons(kept: Person, duplicate: Person, *, by, reason: str, request=None) -> Person:
    """Record that ``duplicate`` is the same person as ``kept`` (screening confirmed it).

    Nothing is deleted: the duplicate keeps its registration, documents and history and points to
    the kept record. A protection flag raised on either record holds for the person, so the kept
    record takes the union of the flags; the flags it gains are recorded as a correction (the old
    values kept), which :func:`unmerge` reverts. A person registered alone who comes back with a
    family joins it (see :func:`_joins_family`): their household's rules (who may be moved apart,
    which child travels with an adult of theirs) then count them, and their page lists the family.
    That is a correction too, reverted by :func:`unmerge`. (Screening's ``merge_duplicate`` also
    moves the kept record to the person's current location.)
    """
    kept, duplicate = lock_for_merge(kept, duplicate, reason=reason)
    joined = ""
    if _joins_family(kept, duplicate):
        joined = _household_number(duplicate.household_id)
        PersonCorrection.objects.create(
            person=kept,
            changes={
                "household": [_household_number(kept.household_id), joined],
                "relationship_to_head": [kept.relationship_to_head, duplicate.relationship_to_head],
            },
            reason=MERGE_HOUSEHOLD_REASON.format(duplicate=duplicate.number),
            corrected_by=by,
            corrected_at=timezone.now(),
        )
        kept.household_id = duplicate.household_id
        kept.relationship_to_head = duplicate.relationship_to_head
        kept.save(update_fields=["household", "relationship_to_head"])
    took_headship = _takes_headship(kept, duplicate, by=by)
    gained = [f for f in PROTECTION_FLAGS if getattr(duplicate, f) and not getattr(kept, f)]
    if gained:
        for flag in gained:
            setattr(kept, flag, True)
        kept.save(update_fields=gained)
        PersonCorrection.objects.create(
            person=kept,
            changes={f: [False, True] for f in gained},
            reason=MERGE_FLAGS_REASON.format(duplicate=duplicate.number),
            corrected_by=by,
            corrected_at=timezone.now(),
        )
    duplicate.merged_into = kept
    duplicate.save(update_fields=["merged_into"])
    for person, other in ((duplicate, kept), (kept, duplicate)):
        detail = {"kept": kept.number, "duplicate": duplicate.number, "other": other.number}
        if person is kept and gained:
            detail["flags_gained"] = gained
        if person is kept and joined:
            detail["household_joined"] = joined
        if person is kept and took_headship:
            detail["household_head"] = True
        audit.record(
            PeopleAction.PERSON_MERGE, actor=by, obj=person, request=request, detail=detail
        )
    return kept


def _takes_headship(kept: Person, duplicate: Person, *, by) -> bool:
    """The duplicate headed the household the kept record is in (and no one else does): the kept
    record becomes its head, so the household is not left headed by a merged-away record. A
    correction, which :func:`unmerge` reverts."""
    if (
        duplicate.relationship_to_head != Relationship.HEAD
        or not duplicate.household_id
        or kept.household_id != duplicate.household_id
        or kept.relationship_to_head == Relationship.HEAD
        or Person.objects.filter(
            household_id=kept.household_id,
            merged_into__isnull=True,
            relationship_to_head=Relationship.HEAD,
        )
        .exclude(pk=duplicate.pk)
        .exists()
    ):
        return False
    PersonCorrection.objects.create(
        person=kept,
        changes={"relationship_to_head": [kept.relationship_to_head, Relationship.HEAD]},
        reason=MERGE_HEAD_REASON.format(duplicate=duplicate.number),
        corrected_by=by,
        corrected_at=timezone.now(),
    )
    kept.relationship_to_head = Relationship.HEAD
    kept.save(update_fields=["relationship_to_head"])
    return True


def surviving_record(person: Person) -> Person:
    """The record ``person`` now lives on: the end of its ``merged_into`` chain (``person`` itself
    when not merged). A record merged into one that was later merged away lives on that one's;
    a wristband still bears the first number. A chain that came back on itself stops before the
    record it would reach twice."""
    seen = {person.pk}
    while person.merged_into_id and person.merged_into_id not in seen:
        person = Person.objects.get(pk=person.merged_into_id)
        seen.add(person.pk)
    return person


def documents_of(person: Person):
    """The documents of the person: this record's and those of every record merged into it."""
    ids, frontier = {person.pk}, [person.pk]
    while frontier:
        frontier = list(
            Person.objects.filter(merged_into_id__in=frontier)
            .exclude(pk__in=ids)
            .values_list("pk", flat=True)
        )
        ids.update(frontier)
    return IdentityDocument.objects.filter(person_id__in=ids).order_by("recorded_at", "id")


@transaction.atomic
def unmerge(duplicate: Person, *, by, reason: str, request=None) -> Person:
    """Undo a merge: the duplicate stands on its own again and the kept record loses the flags it
    gained from it (screening's ``unmerge_duplicate`` also puts both back where they were)."""
    if not (reason or "").strip():
        raise ValidationError(
            {
                "reason": [
                    ValidationError(_("undoing a merge needs a reason"), code="reason_required")
                ]
            }
        )
    household_id = Person.objects.filter(pk=duplicate.pk).values_list("household_id", flat=True)
    if household_id.first():
        # The household first, then the persons: the order every head change takes its locks in.
        lock_household(household_id.first())
    duplicate = _lock_persons(duplicate)[0]
    if not duplicate.merged_into_id:
        raise ValidationError(
            {
                "person": [
                    ValidationError(
                        _("%(p)s is not merged") % {"p": duplicate.number}, code="not_merged"
                    )
                ]
            }
        )
    kept = _lock_persons(duplicate.merged_into)[0]
    gained = _merge_correction(kept, MERGE_FLAGS_REASON, duplicate)
    if gained is not None:
        revert = {f: [True, False] for f in gained.changes if getattr(kept, f, False)}
        if revert:
            for flag in revert:
                setattr(kept, flag, False)
            kept.save(update_fields=list(revert))
            PersonCorrection.objects.create(
                person=kept,
                changes=revert,
                reason=f"unmerge of {duplicate.number}: {reason.strip()}",
                corrected_by=by,
                corrected_at=timezone.now(),
            )
    _give_back_headship(kept, duplicate, by=by, reason=reason)
    _leave_family(kept, duplicate, by=by, reason=reason)
    heads = _return_beside_the_head(duplicate, by=by, reason=reason, request=request)
    duplicate.merged_into = None
    duplicate.save(update_fields=["merged_into"])
    # On both records, as the merge is: the kept record's history says the merge was undone.
    for person in (duplicate, kept):
        detail = {"was_merged_into": kept.number, "duplicate": duplicate.number}
        if heads:
            detail["head_kept"] = [h.number for h in heads]
        audit.record(
            PeopleAction.PERSON_UNMERGE, actor=by, obj=person, request=request, detail=detail
        )
    # What the officer is told: the record came back beside the head, not as a second one.
    duplicate.unmerge_notice = came_back_beside(duplicate, heads) if heads else ""
    return duplicate


def heads_on_return(duplicate: Person) -> list[Person]:
    """Who would still head the duplicate's household were its merge undone now, besides the
    duplicate, when the duplicate was its head: the headship the merge passed is given back (to
    the duplicate) if it still lies where the merge put it, but a head made since stays head.
    (What :func:`unmerge` finds once it has given back what it gave; read before, for the page
    that asks to confirm the undo.)"""
    if (
        not duplicate.merged_into_id
        or duplicate.relationship_to_head != Relationship.HEAD
        or not duplicate.household_id
    ):
        return []
    kept = duplicate.merged_into
    gives_back = kept.household_id == duplicate.household_id and (
        PersonCorrection.objects.filter(
            person=kept,
            reason__in=[
                MERGE_HEAD_REASON.format(duplicate=duplicate.number),
                MERGE_HOUSEHOLD_REASON.format(duplicate=duplicate.number),
            ],
        ).exists()
    )
    heads = current_heads(duplicate.household_id, exclude=duplicate)
    return [h for h in heads if not (gives_back and h.pk == kept.pk)]


def came_back_beside(duplicate: Person, heads: list[Person]) -> str:
    """The officer's words for a record that comes back beside the household's head (see
    :func:`_return_beside_the_head`): what happened, and how to change the head."""
    return _(
        "%(p)s is back in household %(h)s as another relative, not as its head: %(head)s has "
        "headed it since the merge, and a household has one head. That %(p)s was its head is "
        "kept in their history. If %(p)s should head it again, use 'Make head of household' on "
        "the page of %(p)s."
    ) % {
        "p": duplicate.number,
        "h": _household_number(duplicate.household_id),
        "head": ", ".join(h.number for h in heads),
    }


def _return_beside_the_head(duplicate: Person, *, by, reason: str, request) -> list[Person]:
    """A duplicate that headed its household comes back while another member heads it (made head
    since the merge, or the headship the merge passed was not where it put it any more): it comes
    back as "other", not as a second head; its relationship before is kept by the correction.
    Returns the heads it came back beside (none: it came back as it was)."""
    if duplicate.relationship_to_head != Relationship.HEAD or not duplicate.household_id:
        return []
    heads = current_heads(duplicate.household_id, exclude=duplicate)
    if not heads:
        return []
    household = Household.objects.get(pk=duplicate.household_id)
    record_relationship_change(
        duplicate,
        Relationship.HEAD,
        Relationship.OTHER,
        reason=f"unmerge of {duplicate.number}: {reason.strip()} "
        f"(household {household.number} is headed by {', '.join(h.number for h in heads)})",
        by=by,
        request=request,
        household=household,
    )
    duplicate.relationship_to_head = Relationship.OTHER
    duplicate.save(update_fields=["relationship_to_head"])
    return heads


def _merge_correction(kept: Person, template: str, duplicate: Person) -> PersonCorrection | None:
    """The last correction the merge of ``duplicate`` made to ``kept`` of this kind (its reason
    ``template``), or None: what an undo gives back."""
    return (
        PersonCorrection.objects.filter(
            person=kept, reason=template.format(duplicate=duplicate.number)
        )
        .order_by("-corrected_at", "-id")
        .first()
    )


def _leave_family(kept: Person, duplicate: Person, *, by, reason: str) -> None:
    """Undo what :func:`merge_persons` did to the kept record's household, if it is still so."""
    joined = _merge_correction(kept, MERGE_HOUSEHOLD_REASON, duplicate)
    if joined is None or kept.household_id != duplicate.household_id:
        return
    old_number, _new = joined.changes["household"]
    old_relationship, _new = joined.changes["relationship_to_head"]
    old = Household.objects.filter(number=old_number).first() if old_number else None
    PersonCorrection.objects.create(
        person=kept,
        changes={
            "household": [_household_number(kept.household_id), old_number],
            "relationship_to_head": [kept.relationship_to_head, old_relationship],
        },
        reason=f"unmerge of {duplicate.number}: {reason.strip()}",
        corrected_by=by,
        corrected_at=timezone.now(),
    )
    kept.household = old
    kept.relationship_to_head = old_relationship
    kept.save(update_fields=["household", "relationship_to_head"])


def _give_back_headship(kept: Person, duplicate: Person, *, by, reason: str) -> None:
    """Undo :func:`_takes_headship`, if the kept record still heads the duplicate's household."""
    took = _merge_correction(kept, MERGE_HEAD_REASON, duplicate)
    if (
        took is None
        or kept.household_id != duplicate.household_id
        or kept.relationship_to_head != Relationship.HEAD
    ):
        return
    old_relationship = took.changes["relationship_to_head"][0]
    PersonCorrection.objects.create(
        person=kept,
        changes={"relationship_to_head": [Relationship.HEAD, old_relationship]},
        reason=f"unmerge of {duplicate.number}: {reason.strip()}",
        corrected_by=by,
        corrected_at=timezone.now(),
    )
    kept.relationship_to_head = old_relationship
    kept.save(update_fields=["relationship_to_head"])
