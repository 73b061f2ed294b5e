"""The verbs of screening: screen registrations, adjudicate hits, decide categories, protect.

Muster never assigns a category by itself: every decision names the officer and the reason, and
"held" takes effect only when a second officer approves it. Screening only proposes (hits); an
officer decides, and every decision is kept with its reason.
"""

import logging
from collections import defaultdict
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.audit import services as audit
from muster.custody import services as custody
from muster.identity import Candidate
from muster.people import services as people
from muster.people.models import Person
from muster.screening import matching
from muster.screening.models import (
    Adjudication,
    ApprovalStatus,
    Category,
    CategoryDecision,
    Hit,
    ReferenceEntry,
    ScreeningRun,
)


def current_category(person) -> CategoryDecision | None:
    return CategoryDecision.objects.filter(person=person, is_current=True).first()


def pending_category(person) -> CategoryDecision | None:
    return CategoryDecision.objects.filter(person=person, status=ApprovalStatus.PENDING).first()


def _held_basis_errors(person, basis_hit, basis: str) -> dict:
    if basis_hit is None and not (basis or "").strip():
        return {
            "basis": [
                _(
                    "'held' needs a confirmed basis: a confirmed reference-list hit, or a stated "
                    "basis (what was established, by whom)"
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
                "basis_hit": [_("the basis must be a confirmed reference-list hit on this person")]
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
            _("'%(v)s' is not a category (civilian, held, family_of_held)")
            % {"v": str(category)[:40]}
        ]
    if not (reason or "").strip():
        errors["reason"] = [_("a category decision needs a reason")]
    if by is None or not getattr(by, "is_authenticated", False):
        errors["decided_by"] = [_("a category decision needs a named officer")]
    held = category == Category.HELD
    current = current_category(person) if person is not None and person.pk else None
    lifting = not held and current is not None and current.category == Category.HELD
    if lifting and pending_category(person) is not None:
        errors["category"] = [_("a decision on this person is already waiting for approval")]
    if held:
        errors.update(_held_basis_errors(person, basis_hit, basis))
        current = current_category(person)
        if pending_category(person) is not None:
            errors["category"] = [
                _("a 'held' decision on this person is already waiting for approval")
            ]
        elif current is not None and current.category == Category.HELD:
            errors["category"] = [
                _("this person is already 'held' (approved on %(d)s); nothing to propose")
                % {"d": current.approved_at.date().isoformat() if current.approved_at else "—"}
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
        "category.propose" if needs_approval else "category.decide",
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
        raise ValidationError({"status": [_("this decision is no longer waiting for approval")]})


def _second_officer_errors(decision: CategoryDecision, by) -> dict:
    if by is None or not getattr(by, "is_authenticated", False):
        return {"approved_by": [_("approval needs a named officer")]}
    if by.pk == decision.decided_by_id:
        return {
            "approved_by": [_("a second officer must approve: you proposed this decision yourself")]
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
        "category.approve",
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
        errors["note"] = [_("say why the decision is refused")]
    if errors:
        raise ValidationError(errors)
    _settle_pending(decision, status=ApprovalStatus.REFUSED, by=by, note=note)
    decision.refresh_from_db()
    audit.record(
        "category.refuse",
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


# -- screening ------------------------------------------------------------------------------------

logger = logging.getLogger(__name__)
OPEN_STATUSES = (Hit.Status.OPEN, Hit.Status.MORE_INFO)


class AlreadyDecided(ValidationError):
    """Another officer decided this hit first (or it changed since it was read)."""


def _pair_key_duplicate(a_id: int, b_id: int) -> str:
    lo, hi = sorted((a_id, b_id))
    return f"dup:{lo}:{hi}"


def _pair_key_list(list_name: str, ref_id: str, person_id: int) -> str:
    return f"ref:{list_name}:{ref_id}:{person_id}"[:300]


def _household_records(household_ids: set[int]) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = defaultdict(list)
    if not household_ids:
        return out
    rows = Person.objects.filter(household_id__in=household_ids, merged_into__isnull=True).values(
        "household_id", *matching.PERSON_FIELDS
    )
    for row in rows:
        hh = row.pop("household_id")
        out[hh].append(matching.person_record(row))
    return out


def _older_first(a: Person, b: Person) -> tuple[Person, Person]:
    return (a, b) if (a.registered_at, a.pk) <= (b.registered_at, b.pk) else (b, a)


def screen_persons(
    persons: Sequence[Person],
    *,
    run: ScreeningRun | None = None,
    registry: bool = True,
    lists: bool = True,
    by=None,
    lists_index=None,
) -> list[Hit]:
    """Screen persons against the registry and the current reference lists; create new hits.

    A pair that already has a hit (open, decided or rejected) is never proposed again. Persons of
    the same household and records already merged together are not duplicates of each other.
    """
    persons = [p for p in persons if not p.merged_into_id]
    if not persons:
        return []
    found: list[tuple[Person, Candidate, str]] = []  # (person, candidate, kind)
    # Bring the indexes up to date once for the whole call, not once per person.
    registry_index = matching.REGISTRY.sync() if registry else None
    if lists and lists_index is None:
        lists_index = matching.REGISTRY.lists()
    for person in persons:
        record = matching.person_record(person)
        if registry:
            found += [
                (person, c, "dup")
                for c in matching.registry_candidates(record, index=registry_index)
            ]
        if lists:
            found += [
                (person, c, "ref") for c in matching.list_candidates(record, index=lists_index)
            ]
    if not found:
        return []

    dup_ids = {int(c.record_id) for _, c, k in found if k == "dup"}
    candidates = {
        p.pk: p
        for p in Person.objects.filter(pk__in=dup_ids, merged_into__isnull=True).select_related(
            "household"
        )
    }
    entry_ids = {int(c.record_id[1:]) for _, c, k in found if k == "ref"}
    entries = {
        e.pk: e
        for e in ReferenceEntry.objects.filter(pk__in=entry_ids).select_related("reference_list")
    }
    proposals: dict[str, dict] = {}
    for person, cand, kind in found:
        band = matching.band_of(cand.match_probability)
        if band is None:
            continue
        if kind == "dup":
            other = candidates.get(int(cand.record_id))
            if other is None or other.pk == person.pk:
                continue  # merged meanwhile, or a stale index entry
            if person.household_id and other.household_id == person.household_id:
                continue
            key = _pair_key_duplicate(person.pk, other.pk)
        else:
            entry = entries.get(int(cand.record_id[1:]))
            if entry is None or not entry.reference_list.is_current:
                continue
            other = entry
            key = _pair_key_list(entry.reference_list.name, entry.ref_id, person.pk)
        if key in proposals and proposals[key]["cand"].match_probability >= cand.match_probability:
            continue  # an alias of the same listed person scored lower
        proposals[key] = {
            "person": person,
            "other": other,
            "cand": cand,
            "band": band,
            "kind": kind,
        }
    if not proposals:
        return []
    existing = set(Hit.objects.filter(pair_key__in=proposals).values_list("pair_key", flat=True))
    fresh = {k: v for k, v in proposals.items() if k not in existing}
    if not fresh:
        return []

    households = _household_records(
        {v["person"].household_id for v in fresh.values() if v["kind"] == "dup"}
        | {v["other"].household_id for v in fresh.values() if v["kind"] == "dup"}
    )
    now = timezone.now()
    hits = []
    with transaction.atomic():
        for key, v in fresh.items():
            explanation = dict(v["cand"].explanation)
            if v["kind"] == "dup":
                newer, older = _older_first(v["other"], v["person"])[::-1]
                explanation["family"] = matching.family_links(
                    [
                        r
                        for r in households.get(newer.household_id, [])
                        if r["record_id"] != str(newer.pk)
                    ],
                    [
                        r
                        for r in households.get(older.household_id, [])
                        if r["record_id"] != str(older.pk)
                    ],
                )
                if newer.pk != v["person"].pk:
                    explanation = _swap_sides(explanation)
                fields = {"person": newer, "kind": Hit.Kind.DUPLICATE, "candidate": older}
            else:
                fields = {
                    "person": v["person"],
                    "kind": Hit.Kind.REFERENCE_LIST,
                    "reference_entry": v["other"],
                }
            hit, created = Hit.objects.get_or_create(
                pair_key=key,
                defaults={
                    **fields,
                    "score": v["cand"].match_probability,
                    "weight": v["cand"].score,
                    "band": v["band"],
                    "explanation": explanation,
                    "run": run,
                    "created_at": now,
                },
            )
            if created:
                audit.record(
                    "screening.hit",
                    actor=by,
                    obj=hit.person,
                    detail={"hit": hit.pk, "kind": hit.kind, "band": hit.band},
                )
                hits.append(hit)
        if run is not None and hits:
            ScreeningRun.objects.filter(pk=run.pk).update(
                hits_created=F("hits_created") + len(hits)
            )
    return hits


def _swap_sides(explanation: dict) -> dict:
    out = {}
    for field, item in explanation.items():
        item = dict(item)
        if "a" in item or "b" in item:
            item["a"], item["b"] = item.get("b", ""), item.get("a", "")
        crossed = {"a_field": item.pop("b_field", None), "b_field": item.pop("a_field", None)}
        item.update({k: v for k, v in crossed.items() if v})
        out[field] = item
    return out


def screen_registration(person_ids: Sequence[int]) -> ScreeningRun | None:
    """Screen newly registered persons (called after their registration committed).

    Never raises: a registration must not fail or slow down because screening failed. A failure is
    kept on its run (status failed, the error's type, no personal data) and in the audit log, and
    the screening queue shows it: a crash must never read as "no hits". The next batch re-screen
    catches up.
    """
    try:
        now = timezone.now()
        run = ScreeningRun.objects.create(
            kind=ScreeningRun.Kind.REGISTRATION,
            status=ScreeningRun.Status.RUNNING,
            total=len(person_ids),
            created_at=now,
            started_at=now,
        )
    except Exception as exc:  # noqa: BLE001 - screening must never break a registration
        logger.error("screening run could not start (%s)", type(exc).__name__)
        return None
    try:
        persons = list(Person.objects.filter(pk__in=person_ids))
        matching.REGISTRY.add(persons)
        # Outside a transaction (a real request, after the registration committed) a changed set of
        # lists is rebuilt in the background; these persons are screened again once it is ready.
        lists_index = matching.REGISTRY.lists(
            stale_ok=not transaction.get_connection().in_atomic_block, person_ids=person_ids
        )
        with transaction.atomic():
            hits = screen_persons(persons, run=run, lists_index=lists_index)
            run.done = len(persons)
            run.hits_created = len(hits)
            run.status = ScreeningRun.Status.DONE
            run.finished_at = timezone.now()
            run.save()
            audit.record(
                "screening.run",
                obj=run,
                detail={"kind": run.kind, "persons": len(persons), "hits": len(hits)},
            )
        return run
    except Exception as exc:  # noqa: BLE001 - screening must never break a registration
        logger.error(
            "screening of %d new registration(s) failed (%s); batch re-screen will catch up",
            len(person_ids),
            type(exc).__name__,
        )
        return _fail_run(run, exc)


def _fail_run(run: ScreeningRun, exc: Exception) -> ScreeningRun:
    """Record that ``run`` crashed: on the run and in the audit log (the error's type only)."""
    ScreeningRun.objects.filter(pk=run.pk).update(
        status=ScreeningRun.Status.FAILED,
        finished_at=timezone.now(),
        hits_created=0,
        error=type(exc).__name__[:300],
    )
    run.refresh_from_db()
    audit.record(
        "screening.run",
        obj=run,
        detail={"kind": run.kind, "persons": run.total, "status": run.status, "error": run.error},
    )
    return run


class WorkerLost(Exception):
    """The process running a screening run died before it finished (killed, power cut)."""


def fail_abandoned_run(run: ScreeningRun) -> ScreeningRun:
    """A run whose worker died mid-way is failed, so that it never reads as still running (nor as
    "no hits"): its persons count as unscreened until a re-screen succeeds. Hits it had already
    created stay in the queue. Audited like any failed run."""
    with transaction.atomic():
        updated = ScreeningRun.objects.filter(
            pk=run.pk, status__in=[ScreeningRun.Status.QUEUED, ScreeningRun.Status.RUNNING]
        ).update(
            status=ScreeningRun.Status.FAILED,
            finished_at=timezone.now(),
            error=WorkerLost.__name__,
        )
        run.refresh_from_db()
        if updated:
            audit.record(
                "screening.run",
                obj=run,
                detail={
                    "kind": run.kind,
                    "persons": run.done,
                    "status": run.status,
                    "error": run.error,
                },
            )
    return run


def failed_runs() -> QuerySet:
    """Screening runs that crashed, newest first: until a re-screen succeeds, their persons are
    unscreened (not "without hits")."""
    return ScreeningRun.objects.filter(status=ScreeningRun.Status.FAILED).order_by("-created_at")


def unscreened_since_failure() -> int:
    """Persons whose registration screening failed after the last completed batch re-screen."""
    last_batch = (
        ScreeningRun.objects.filter(kind=ScreeningRun.Kind.BATCH, status=ScreeningRun.Status.DONE)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    failed = failed_runs().filter(kind=ScreeningRun.Kind.REGISTRATION)
    if last_batch is not None:
        failed = failed.filter(created_at__gt=last_batch)
    return sum(failed.values_list("total", flat=True))


def on_household_registered(sender, household, persons, **kwargs) -> None:
    ids = [p.pk for p in persons]
    transaction.on_commit(lambda: screen_registration(ids))


BATCH_CHUNK = 500


def run_batch_rescreen(run_id: int, *, chunk: int = BATCH_CHUNK) -> ScreeningRun:
    """The body of the background job: screen every person, recording progress on the run."""
    run = ScreeningRun.objects.get(pk=run_id)
    ScreeningRun.objects.filter(pk=run.pk).update(
        status=ScreeningRun.Status.RUNNING, started_at=timezone.now(), done=0
    )
    try:
        ids = list(
            Person.objects.filter(merged_into__isnull=True)
            .order_by("id")
            .values_list("id", flat=True)
        )
        ScreeningRun.objects.filter(pk=run.pk).update(total=len(ids))
        matching.REGISTRY.sync()
        for start in range(0, len(ids), chunk):
            persons = list(Person.objects.filter(pk__in=ids[start : start + chunk]))
            screen_persons(persons, run=run)
            ScreeningRun.objects.filter(pk=run.pk).update(done=min(start + chunk, len(ids)))
        ScreeningRun.objects.filter(pk=run.pk).update(
            status=ScreeningRun.Status.DONE, finished_at=timezone.now()
        )
    except Exception as exc:
        logger.error("batch re-screen %d failed (%s)", run.pk, type(exc).__name__)
        ScreeningRun.objects.filter(pk=run.pk).update(
            status=ScreeningRun.Status.FAILED,
            finished_at=timezone.now(),
            error=type(exc).__name__,
        )
        raise
    run.refresh_from_db()
    audit.record(
        "screening.run",
        obj=run,
        detail={"kind": run.kind, "persons": run.done, "hits": run.hits_created},
    )
    return run


# -- the queue and adjudication ------------------------------------------------------------------


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
            _("'%(v)s' is not a decision (confirm, reject, more_info)") % {"v": str(decision)[:40]}
        ]
    if not (reason or "").strip():
        errors["reason"] = [_("a decision needs a reason")]
    if by is None or not getattr(by, "is_authenticated", False):
        errors["decided_by"] = [_("a decision needs a named officer")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    target = Hit.objects.filter(pk=hit.pk, status__in=OPEN_STATUSES)
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
                    _("this hit was already decided (%(status)s) by %(who)s; reload to see it")
                    % {"status": current.get_status_display(), "who": who}
                ]
            }
        )
    hit = Hit.objects.select_related("person", "candidate").get(pk=hit.pk)
    Adjudication.objects.create(
        hit=hit, decision=decision, reason=reason.strip(), decided_by=by, decided_at=now
    )
    audit.record(
        "screening.adjudicate",
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


@transaction.atomic
def undo_merge(hit: Hit, *, reason: str, by, request=None) -> Hit:
    """Undo a confirmed duplicate: the records stand apart again and the pair counts as rejected."""
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("undoing a merge needs a reason")]})
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
        raise AlreadyDecided({"status": [_("only a confirmed duplicate can be undone")]})
    hit = Hit.objects.select_related("person").get(pk=hit.pk)
    unmerge_duplicate(hit.person, by=by, reason=reason, request=request)
    Adjudication.objects.create(
        hit=hit,
        decision=Adjudication.Decision.UNDO_MERGE,
        reason=reason.strip(),
        decided_by=by,
        decided_at=timezone.now(),
    )
    audit.record(
        "screening.undo_merge",
        actor=by,
        obj=hit.person,
        request=request,
        detail={"hit": hit.pk},
    )
    person = hit.person
    transaction.on_commit(lambda: matching.REGISTRY.add([person]))
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
    root = person
    seen = {root.pk}
    while root.merged_into_id and root.merged_into_id not in seen:
        root = Person.objects.get(pk=root.merged_into_id)
        seen.add(root.pk)
    found = {root.pk: root}
    frontier = [root.pk]
    while frontier:
        children = list(Person.objects.filter(merged_into_id__in=frontier).exclude(pk__in=found))
        frontier = [c.pk for c in children]
        found.update({c.pk: c for c in children})
    return sorted(found.values(), key=lambda p: (p.registered_at, p.pk))


def _screen_against_new_lists(person_ids: list[int]) -> None:
    """Screen again, against the lists just rebuilt, persons screened against the previous ones."""
    persons = list(Person.objects.filter(pk__in=person_ids, merged_into__isnull=True))
    if persons:
        with transaction.atomic():
            screen_persons(persons, registry=False)


matching.REGISTRY.after_lists_rebuilt = _screen_against_new_lists
