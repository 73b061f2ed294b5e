"""Candidates: a request matched against the registry, and each new registration against the open
requests (screening's waiting check, done by tracing on people's ``household_registered``), and
each corrected record again (people's ``person_corrected``).

A candidate for an open request sets it to *candidate found* when the matcher is confident; the
registration or screening officer is never told anything.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from muster.audit import services as audit
from muster.identity import PERSON_ATTRIBUTES
from muster.people.models import Person
from muster.tracing.audit_actions import TracingAction
from muster.tracing.matching import TraceCandidate
from muster.tracing.models import TracingCandidate, TracingRequest
from muster.tracing.services.registry import REGISTRY, request_records, requests_reading
from muster.tracing.services.requests import ACTIVE, must_be_active

logger = logging.getLogger("muster.tracing.services")

# Candidates kept per request from a search of the whole registry.
TOP = 10
# A candidate below this many bits (evidence against, or next to none) is not stored.
MIN_STORED = 8.0
Status = TracingCandidate.Status


def _best(index, req: TracingRequest, person_ids: Sequence[int] | None = None) -> list:
    """The matcher's candidates for every reading of the request, best score per person."""
    best: dict[str, TraceCandidate] = {}
    for record in request_records(req):
        if person_ids is None:
            found = index.candidates(record, top=TOP)
        else:
            found = index.candidates_among(record, [str(i) for i in person_ids], top=TOP)
        for cand in found:
            if cand.score >= MIN_STORED and (
                cand.record_id not in best or best[cand.record_id].score < cand.score
            ):
                best[cand.record_id] = cand
    return sorted(best.values(), key=lambda c: -c.score)[:TOP]


def _store(req: TracingRequest, found: list[TraceCandidate], *, replace: bool) -> tuple[int, int]:
    """Write the candidates (refreshing the proposed ones); returns (stored, confident).

    ``replace``: a search of the whole registry; proposed rows it no longer finds are dropped.
    Rows a caseworker has acted on (verifying, confirmed, rejected) are never touched.
    """
    ids = [int(c.record_id) for c in found]
    live = set(
        Person.objects.filter(pk__in=ids, merged_into__isnull=True).values_list("pk", flat=True)
    )
    found = [c for c in found if int(c.record_id) in live]
    existing = {c.person_id: c for c in req.candidates.select_for_update()}
    now = timezone.now()
    if replace:
        keep = {int(c.record_id) for c in found}
        stale = [
            c.pk for pid, c in existing.items() if c.status == Status.PROPOSED and pid not in keep
        ]
        TracingCandidate.objects.filter(pk__in=stale).delete()
    for cand in found:
        pid = int(cand.record_id)
        values = {
            "score": cand.score,
            "confident": cand.confident,
            "reading": cand.reading,
            "explanation": cand.explanation,
        }
        row = existing.get(pid)
        if row is None:
            TracingCandidate.objects.create(
                request=req, person_id=pid, rank=0, found_at=now, **values
            )
        elif row.status == Status.PROPOSED:
            TracingCandidate.objects.filter(pk=row.pk).update(**values)
    _rerank(req)
    confident = sum(1 for c in found if c.confident)
    if confident and req.status == TracingRequest.Status.OPEN:
        req.status = TracingRequest.Status.CANDIDATE_FOUND
        req.updated_at = now
        req.save(update_fields=["status", "updated_at"])
    return len(found), confident


def _rerank(req: TracingRequest) -> None:
    rows = list(req.candidates.order_by("-score", "id").values_list("pk", "rank"))
    for rank, (pk, old) in enumerate(rows, start=1):
        if rank != old:
            TracingCandidate.objects.filter(pk=pk).update(rank=rank)


@transaction.atomic
def find_candidates(req: TracingRequest, *, by=None, request=None) -> int:
    """Match the request against the whole registry and store its best candidates; returns how
    many are confident. A request no longer active is left alone."""
    req = TracingRequest.objects.select_for_update().get(pk=req.pk)
    if req.status not in ACTIVE:
        return 0
    found = _best(REGISTRY.sync(), req)
    stored, confident = _store(req, found, replace=True)
    TracingRequest.objects.filter(pk=req.pk).update(searched_at=timezone.now())
    audit.record(
        TracingAction.TRACING_CANDIDATES_FIND,
        actor=by,
        obj=req,
        request=request,
        detail={"candidates": stored, "confident": confident},
    )
    return confident


@task()
def match_request_task(request_id: int, by_id: int | None = None) -> int:
    """The background worker's half of :func:`match_request_after_commit`; ``by_id``: the
    caseworker who asked (named in the search's audit event)."""
    req = TracingRequest.objects.filter(pk=request_id).first()
    if req is None:
        return 0
    by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
    return find_candidates(req, by=by)


@task()
def check_registrations_task(person_ids: list[int]) -> int:
    """The background worker's half of :func:`on_household_registered`."""
    return check_registrations(person_ids)


@task()
def check_corrected_task(person_ids: list[int]) -> int:
    """The background worker's half of :func:`on_person_corrected`."""
    return check_registrations(person_ids, corrected=True)


def match_request_after_commit(request_id: int, by_id: int | None = None) -> None:
    """Match a new or changed request once its transaction has committed, in the background
    worker: the worker keeps the registry's index built, while a web process would first have to
    build it (seconds at 20,000 registered, minutes at a million) in the officer's request. The
    request notes that a search is asked for (its page says so until the worker is done)."""
    TracingRequest.objects.filter(pk=request_id).update(search_asked_at=timezone.now())
    transaction.on_commit(lambda: _enqueue(match_request_task, request_id, by_id))


@transaction.atomic
def search_again(req: TracingRequest, *, by, request=None) -> TracingRequest:
    """A caseworker asks for the whole registry to be searched again for ``req``: queued to the
    background worker (its audit event, ``tracing.candidates.find``, names the caseworker)."""
    req = TracingRequest.objects.select_for_update().get(pk=req.pk)
    must_be_active(req)
    match_request_after_commit(req.pk, getattr(by, "pk", None))
    req.refresh_from_db()
    return req


def _enqueue(job, *arguments) -> None:
    try:
        job.enqueue(*arguments)
    except Exception as exc:  # noqa: BLE001 - opening or registering must not fail on the queue
        logger.error("tracing job %s not queued (%s)", job.name, type(exc).__name__)


def check_registrations(person_ids: Sequence[int], *, corrected: bool = False) -> int:
    """Check newly registered (or ``corrected``) persons against the open requests; returns the
    candidates stored.

    Only the requests that share an index key with a person are scored, and only against these
    persons (on the whole registry's name frequencies). After a correction, a matcher's proposal of
    one of these persons that the corrected record no longer supports is withdrawn (a candidate a
    caseworker has acted on is kept: the caseworker decides).
    """
    open_requests = list(TracingRequest.objects.filter(status__in=ACTIVE))
    if not open_requests:
        return 0  # nobody sought: the registry index is not even built
    persons = list(Person.objects.filter(pk__in=list(person_ids), merged_into__isnull=True))
    if not persons:
        return 0
    ids = [p.pk for p in persons]
    reading = requests_reading(open_requests, persons)
    if corrected:
        # The requests that proposed them before the correction are scored again too.
        reading = set(reading) | set(
            TracingCandidate.objects.filter(
                person_id__in=ids, status=Status.PROPOSED, request__status__in=ACTIVE
            ).values_list("request_id", flat=True)
        )
    if not reading:
        return 0
    index = REGISTRY.sync()
    stored = 0
    for request_id in sorted(reading):
        with transaction.atomic():
            req = TracingRequest.objects.select_for_update().get(pk=request_id)
            if req.status not in ACTIVE:
                continue
            found = _best(index, req, ids)
            withdrawn = _withdraw(req, ids, found) if corrected else []
            if not found and not withdrawn:
                continue
            n, confident = _store(req, found, replace=False) if found else (0, 0)
            stored += n
            detail = {"person_ids": [int(c.record_id) for c in found], "confident": confident}
            if corrected:
                detail |= {"after": "correction", "withdrawn": withdrawn}
            audit.record(TracingAction.TRACING_REGISTRATION_CHECK, obj=req, detail=detail)
    return stored


def _withdraw(req: TracingRequest, ids: Sequence[int], found: list[TraceCandidate]) -> list[int]:
    """Drop the proposals of ``ids`` for ``req`` that the matcher no longer makes; their person ids."""
    kept = {int(c.record_id) for c in found}
    stale = list(
        req.candidates.filter(person_id__in=ids, status=Status.PROPOSED)
        .exclude(person_id__in=kept)
        .values_list("pk", "person_id")
    )
    if stale:
        TracingCandidate.objects.filter(pk__in=[pk for pk, _ in stale]).delete()
        _rerank(req)
    return sorted(pid for _, pid in stale)


def on_household_registered(sender, household, persons, **kwargs) -> None:
    """Check a new household against the open requests in the background worker, once the
    registration has committed (a failure shows as a failed job, never on the registration)."""
    ids = [p.pk for p in persons]
    transaction.on_commit(lambda: _enqueue(check_registrations_task, ids))


def on_person_corrected(sender, person, fields, **kwargs) -> None:
    """A correction of what the matcher reads (a name, the sex, the birth, the origin) checks the
    person against the open requests again, in the background worker once it has committed: the
    registered name may now be the one a family gave, or no longer the one a proposal rested on."""
    if set(fields) & set(PERSON_ATTRIBUTES):
        transaction.on_commit(lambda: _enqueue(check_corrected_task, [person.pk]))
