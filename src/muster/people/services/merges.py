"""Merging duplicate records and undoing a merge; the documents of a record and of those merged into it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.audit import services as audit
from muster.people.audit_actions import PeopleAction
from muster.people.models import (
    PROTECTION_FLAGS,
    IdentityDocument,
    Person,
    PersonCorrection,
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
    return kept, duplicate


# The reason of the correction a merge makes to the kept record; an unmerge finds it by this.
MERGE_FLAGS_REASON = "protection flags of merged record {duplicate}"


@transaction.atomic
def merge_persons(kept: Person, duplicate: Person, *, by, reason: str, request=None) -> Person:
    """Record that ``duplicate`` is the same person as ``kept`` (screening confirmed it).

    Nothing is deleted: the duplicate keeps its registration, documents and history and points to
    the kept record. A protection flag raised on either record holds for the person, so the kept
    record takes the union of the flags; the flags it gains are recorded as a correction (the old
    values kept), which :func:`unmerge` reverts. (Screening's ``merge_duplicate`` also moves the
    kept record to the person's current location.)
    """
    kept, duplicate = lock_for_merge(kept, duplicate, reason=reason)
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
        audit.record(
            PeopleAction.PERSON_MERGE, actor=by, obj=person, request=request, detail=detail
        )
    return kept


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
    gained = (
        PersonCorrection.objects.filter(
            person=kept, reason=MERGE_FLAGS_REASON.format(duplicate=duplicate.number)
        )
        .order_by("-corrected_at", "-id")
        .first()
    )
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
    duplicate.merged_into = None
    duplicate.save(update_fields=["merged_into"])
    audit.record(
        PeopleAction.PERSON_UNMERGE,
        actor=by,
        obj=duplicate,
        request=request,
        detail={"was_merged_into": kept.number},
    )
    return duplicate
