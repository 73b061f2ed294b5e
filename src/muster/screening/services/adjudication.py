"""The hit queue and the officer's decisions on hits: confirm, dismiss, merge duplicates and undo a
merge."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.audit import services as audit
from muster.custody import services as custody
from muster.people import services as people
from muster.people.models import Person
from muster.screening import matching
from muster.screening.audit_actions import ScreeningAction
from muster.screening.models import (
    Adjudication,
    Hit,
)

OPEN_STATUSES = (Hit.Status.OPEN, Hit.Status.MORE_INFO)


class AlreadyDecided(ValidationError):
    """Another officer decided this hit first (or it changed since it was read)."""


def hit_queue(
    *,
    band: str = "",
    facility_id: int | None = None,
    list_name: str = "",
    kind: str = "",
    statuses: Sequence[str] = OPEN_STATUSES,
) -> QuerySet:
    """Hits waiting for a decision, most likely first; filters as in the screening queue."""
    qs = Hit.objects.filter(status__in=statuses).select_related(
        "person", "candidate", "reference_entry__reference_list"
    )
    if band:
        qs = qs.filter(band=band)
    if kind:
        qs = qs.filter(kind=kind)
    if facility_id:
        qs = qs.filter(
            person__placements__is_current=True, person__placements__facility_id=facility_id
        )
    if list_name:
        qs = qs.filter(reference_entry__reference_list__name=list_name)
    return qs.order_by("-score", "id")


@transaction.atomic
def adjudicate(
    hit: Hit,
    decision: str,
    *,
    reason: str,
    by,
    revision: int | None = None,
    request=None,
) -> Hit:
    """Confirm or reject a hit, or ask for more information, with a reason.

    The status changes with one conditional UPDATE (open and, if given, at the revision the officer
    saw), so of two officers deciding at once exactly one succeeds; the other gets
    :class:`AlreadyDecided`. Confirming a duplicate merges the newer record into the older one.
    A duplicate whose merge was undone (:func:`merge_undone`) may be decided again, merged again
    included: its history keeps the merge, the undo and the new decision.
    """
    D = Adjudication.Decision
    new_status = {
        D.CONFIRM: Hit.Status.CONFIRMED,
        D.REJECT: Hit.Status.REJECTED,
        D.MORE_INFO: Hit.Status.MORE_INFO,
    }.get(decision)
    errors = {}
    if new_status is None:
        errors["decision"] = [
            ValidationError(
                _("choose one")
                if not str(decision or "").strip()
                else _("'%(v)s' is not a decision (confirm, reject, more_info)")
                % {"v": str(decision)[:40]},
                code="not_a_decision",
            )
        ]
    if not (reason or "").strip():
        errors["reason"] = [ValidationError(_("a decision needs a reason"), code="reason_required")]
    if by is None or not getattr(by, "is_authenticated", False):
        errors["decided_by"] = [
            ValidationError(_("a decision needs a named officer"), code="officer_required")
        ]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    # Locked, so that of two officers deciding an undone merge again only one finds it undone.
    locked = Hit.objects.select_for_update().get(pk=hit.pk)
    statuses = [*OPEN_STATUSES, *([Hit.Status.REJECTED] if merge_undone(locked) else [])]
    target = Hit.objects.filter(pk=hit.pk, status__in=statuses)
    if revision is not None:
        target = target.filter(revision=revision)
    changed = target.update(
        status=new_status,
        revision=F("revision") + 1,
        decided_at=now,
        decided_by=by,
        decision_reason=reason.strip(),
    )
    if not changed:
        current = Hit.objects.select_related("decided_by").get(pk=hit.pk)
        who = current.decided_by.get_username() if current.decided_by else "?"
        raise AlreadyDecided(
            {
                "status": [
                    ValidationError(
                        _("this hit was already decided (%(status)s) by %(who)s; reload to see it")
                        % {"status": current.get_status_display(), "who": who},
                        code="already_decided",
                    )
                ]
            }
        )
    hit = Hit.objects.select_related("person", "candidate").get(pk=hit.pk)
    Adjudication.objects.create(
        hit=hit, decision=decision, reason=reason.strip(), decided_by=by, decided_at=now
    )
    audit.record(
        ScreeningAction.SCREENING_ADJUDICATE,
        actor=by,
        obj=hit.person,
        request=request,
        detail={"hit": hit.pk, "decision": decision, "kind": hit.kind},
    )
    if new_status == Hit.Status.CONFIRMED and hit.kind == Hit.Kind.DUPLICATE:
        kept = merge_duplicate(hit.candidate, hit.person, by=by, reason=reason, request=request)
        hit.merge_warning = kept.merge_warning
        duplicate_id = hit.person_id
        transaction.on_commit(lambda: matching.REGISTRY.remove(duplicate_id))
    return hit


def merge_undone(hit: Hit) -> bool:
    """A duplicate whose merge was undone, and nothing decided on it since: it stands rejected (the
    records apart) and an officer may decide it again."""
    if hit.kind != Hit.Kind.DUPLICATE or hit.status != Hit.Status.REJECTED:
        return False
    last = hit.adjudications.order_by("-decided_at", "-id").values_list("decision", flat=True)
    return last.first() == Adjudication.Decision.UNDO_MERGE


@transaction.atomic
def undo_merge(hit: Hit, *, reason: str, by, request=None) -> Hit:
    """Undo a confirmed duplicate: the records stand apart again and the pair counts as rejected
    until an officer decides it again (:func:`merge_undone`). ``unmerge_notice`` on the hit
    returned says, when it is so, that the duplicate came back beside its household's head."""
    if not (reason or "").strip():
        raise ValidationError(
            {
                "reason": [
                    ValidationError(_("undoing a merge needs a reason"), code="reason_required")
                ]
            }
        )
    changed = Hit.objects.filter(
        pk=hit.pk, status=Hit.Status.CONFIRMED, kind=Hit.Kind.DUPLICATE
    ).update(
        status=Hit.Status.REJECTED,
        revision=F("revision") + 1,
        decided_at=timezone.now(),
        decided_by=by,
        decision_reason=reason.strip(),
    )
    if not changed:
        raise AlreadyDecided(
            {
                "status": [
                    ValidationError(
                        _("only a confirmed duplicate can be undone"),
                        code="not_a_confirmed_duplicate",
                    )
                ]
            }
        )
    hit = Hit.objects.select_related("person").get(pk=hit.pk)
    returned = unmerge_duplicate(hit.person, by=by, reason=reason, request=request)
    Adjudication.objects.create(
        hit=hit,
        decision=Adjudication.Decision.UNDO_MERGE,
        reason=reason.strip(),
        decided_by=by,
        decided_at=timezone.now(),
    )
    audit.record(
        ScreeningAction.SCREENING_UNDO_MERGE,
        actor=by,
        obj=hit.person,
        request=request,
        detail={"hit": hit.pk},
    )
    person = hit.person
    transaction.on_commit(lambda: matching.REGISTRY.add([person]))
    # The view and the API tell the officer when the record came back beside the household's head.
    hit.unmerge_notice = returned.unmerge_notice
    return hit


@transaction.atomic
def merge_duplicate(kept: Person, duplicate: Person, *, by, reason: str, request=None) -> Person:
    """Merge a confirmed duplicate into the kept record: the duplicate's placement ends (the person
    is where the kept record says) and the duplicate points to the kept record."""
    kept, duplicate = people.lock_for_merge(kept, duplicate, reason=reason)
    moved = custody.end_for_merge(duplicate, kept, by=by, request=request)
    kept = people.merge_persons(kept, duplicate, by=by, reason=reason, request=request)
    # The view tells the officer when the person moved with no movement on record.
    kept.merge_warning = moved["warning"]
    return kept


@transaction.atomic
def unmerge_duplicate(duplicate: Person, *, by, reason: str, request=None) -> Person:
    """Undo a merge: the duplicate stands on its own again, back at the facility it was at."""
    # Read afresh: the caller's object may predate the merge.
    kept = Person.objects.get(pk=duplicate.pk).merged_into
    duplicate = people.unmerge(duplicate, by=by, reason=reason, request=request)
    custody.restore_after_unmerge(duplicate, kept, by=by, reason=reason, request=request)
    return duplicate


def registrations_of(person: Person) -> list[Person]:
    """Every registration of this person: the kept record and all records merged into it, oldest first."""
    root = people.surviving_record(person)
    found = {root.pk: root}
    frontier = [root.pk]
    while frontier:
        children = list(Person.objects.filter(merged_into_id__in=frontier).exclude(pk__in=found))
        frontier = [c.pk for c in children]
        found.update({c.pk: c for c in children})
    return sorted(found.values(), key=lambda p: (p.registered_at, p.pk))
