"""Candidates: a request matched against the registry, and each new registration against the open
requests (screening's waiting check, done by tracing on people's ``household_registered``), and
each corrected record again (people's ``person_corrected``).

Each request is weighed against the other open requests, as ``muster trace match`` weighs a file
(joint matching): a registration another open request claims far more strongly, or whose person
a caseworker confirmed for another request, drops in this request's queue, the other request
named. Closed and reunited requests are not rivals. A proposal nobody has acted on is re-ranked
when the claims on its person change (a new request, a confirmation, a closing, a reunification);
one a caseworker has acted on never is.

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
from muster.tracing.services.registry import REGISTRY, readings_of, requests_reading, rivals
from muster.tracing.services.requests import ACTIVE, must_be_active, settle_status

logger = logging.getLogger("muster.tracing.services")

# Candidates kept per request from a search of the whole registry.
TOP = 10
# A candidate below this many bits (evidence against, or next to none) is not stored.
MIN_STORED = 8.0
Status = TracingCandidate.Status


def _best(
    index, req: TracingRequest, rivals, person_ids: Sequence[int] | None = None, scores=None
) -> list:
    """The matcher's candidates for the request (best score per person over its readings),
    weighed against the other open requests' claims (``rivals``: the open requests; this one is
    left out), as ``muster trace match`` weighs a file jointly: a registration another request
    claims far more strongly, or whose person a caseworker confirmed for another request, drops
    in this one's list (the explanation names the other request). A candidate whose own score is
    below :data:`MIN_STORED` is not stored."""
    ids = None if person_ids is None else [str(i) for i in person_ids]
    return index.candidates_claimed(
        readings_of(index, req),
        rivals,
        top=TOP,
        record_ids=ids,
        min_score=MIN_STORED,
        scores=scores,
        exclude=req.number,
    )


def _open_requests() -> list[TracingRequest]:
    return list(TracingRequest.objects.filter(status__in=ACTIVE).order_by("pk"))


def _claimants(open_requests: list[TracingRequest]) -> list[TracingRequest]:
    """The requests that claim registrations: the open ones, and the reunited ones, which keep the
    person they were reunited with (found, confirmed and sent home: no other request's queue
    should offer that person again as a likely match)."""
    reunited = TracingRequest.objects.filter(
        status=TracingRequest.Status.REUNITED, linked_person__isnull=False
    )
    return sorted([*open_requests, *reunited], key=lambda r: r.pk)


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
    settle_status(req, now)
    return len(found), sum(1 for c in found if c.confident)


def _rerank(req: TracingRequest) -> None:
    rows = list(req.candidates.order_by("-score", "id").values_list("pk", "rank"))
    for rank, (pk, old) in enumerate(rows, start=1):
        if rank != old:
            TracingCandidate.objects.filter(pk=pk).update(rank=rank)


def find_candidates(req: TracingRequest, *, by=None, request=None) -> int:
    """Match the request against the whole registry and store its best candidates; returns how
    many are confident. A request no longer active is left alone.

    The other open requests are its rivals (and it theirs): then the other requests proposing
    the persons it found, or no longer finds, are weighed again on these persons
    (:func:`check_registrations`), so that their queues show the new claim."""
    confident, persons = _find(req, by=by, request=request)
    if persons:
        _recheck(persons, set(), exclude=req.pk, after="another request")
    return confident


@transaction.atomic
def _find(req: TracingRequest, *, by=None, request=None) -> tuple[int, list[int]]:
    req = TracingRequest.objects.select_for_update().get(pk=req.pk)
    if req.status not in ACTIVE:
        return 0, []
    before = set(req.candidates.values_list("person_id", flat=True))
    index = REGISTRY.sync()
    found = _best(index, req, rivals(index, _claimants(_open_requests())))
    stored, confident = _store(req, found, replace=True)
    TracingRequest.objects.filter(pk=req.pk).update(searched_at=timezone.now())
    audit.record(
        TracingAction.TRACING_CANDIDATES_FIND,
        actor=by,
        obj=req,
        request=request,
        detail={"candidates": stored, "confident": confident},
    )
    return confident, sorted(before | {int(c.record_id) for c in found})


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


@task()
def reweigh_task(person_ids: list[int], request_id: int | None = None) -> int:
    """The background worker's half of :func:`reweigh_after_commit`."""
    return _recheck(person_ids, set(), exclude=request_id, after="another request")


def reweigh_after_commit(request_id: int, person_ids: Sequence[int]) -> None:
    """A request's claims changed (a person confirmed for it; closed or reunited, it claims no
    more): the other requests' untouched proposals of these persons are weighed again, in the
    background worker once the change has committed."""
    ids = sorted(set(person_ids))
    if ids:
        transaction.on_commit(lambda: _enqueue(reweigh_task, ids, request_id))


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
    persons (on the whole registry's name frequencies), each weighed against the other open
    requests' claims on them. After a correction, a matcher's proposal of one of these persons
    that the corrected record no longer supports is withdrawn (a candidate a caseworker has acted
    on is kept: the caseworker decides).
    """
    open_requests = _open_requests()
    if not open_requests:
        return 0  # nobody sought: the registry index is not even built
    persons = list(Person.objects.filter(pk__in=list(person_ids), merged_into__isnull=True))
    if not persons:
        return 0
    reading = set(requests_reading(open_requests, persons))
    return _recheck(
        [p.pk for p in persons],
        reading,
        after="correction" if corrected else "",
        open_requests=open_requests,
    )


def _recheck(
    ids: Sequence[int],
    reading: set[int],
    *,
    after: str = "",
    exclude: int | None = None,
    open_requests: list[TracingRequest] | None = None,
) -> int:
    """Score ``ids`` again for the ``reading`` requests and for those that propose one of them
    (not ``exclude``), against the other open requests' claims; a proposal the matcher no longer
    makes is withdrawn, one it makes is refreshed and re-ranked, a candidate a caseworker has
    acted on is never touched. Each request whose candidates change is audited."""
    reading = set(reading) | set(
        TracingCandidate.objects.filter(
            person_id__in=ids, status=Status.PROPOSED, request__status__in=ACTIVE
        ).values_list("request_id", flat=True)
    )
    reading.discard(exclude)
    if not reading:
        return 0
    if open_requests is None:
        open_requests = _open_requests()
    index = REGISTRY.sync()
    claims = rivals(index, _claimants(open_requests))
    scores: dict = {}  # each request's reading scored once against each of ``ids``
    stored = 0
    for request_id in sorted(reading):
        with transaction.atomic():
            req = TracingRequest.objects.select_for_update().get(pk=request_id)
            if req.status not in ACTIVE:
                continue
            before = _queue(req)
            found = _best(index, req, claims, ids, scores)
            withdrawn = _withdraw(req, ids, found)
            if not found and not withdrawn:
                continue
            n, confident = _store(req, found, replace=False) if found else (0, 0)
            if after == "another request" and _queue(req) == before:
                continue  # the other request's claim changed nothing here: nothing to audit
            stored += n
            detail = {"person_ids": [int(c.record_id) for c in found], "confident": confident}
            if after or withdrawn:
                detail |= {"withdrawn": withdrawn}
            if after:
                detail["after"] = after
            audit.record(TracingAction.TRACING_REGISTRATION_CHECK, obj=req, detail=detail)
    return stored


def _queue(req: TracingRequest) -> list[tuple]:
    """What a caseworker sees of the request's candidates (to audit a re-weighing only if it
    changed something)."""
    return list(
        req.candidates.order_by("pk").values_list("person_id", "score", "rank", "confident")
    )


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
        settle_status(req)
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
