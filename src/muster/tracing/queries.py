"""Reads of tracing that several doors share: the requests with their candidate counts, a request's
candidate queue, the confirmations awaiting a second caseworker. Only tracing caseworkers' doors
call these (and audit what they show)."""

from django.db.models import Count, Q, QuerySet

from muster.tracing.models import ACTIVE, TracingCandidate, TracingRequest

Status = TracingRequest.Status


def requests(*, status: str = "", search: str = "") -> QuerySet:
    """Requests newest first, each with ``n_candidates``, ``n_confident`` and ``n_pending``
    (confirmations awaiting a second caseworker)."""
    qs = TracingRequest.objects.select_related("linked_person", "reunification", "created_by")
    if status:
        qs = qs.filter(status=status)
    if search:
        text = search.strip()[:100]
        qs = qs.filter(
            Q(number__iexact=text)
            | Q(given_name__icontains=text)
            | Q(family_name__icontains=text)
            | Q(mother_name__icontains=text)
            | Q(other_names__icontains=text)
        )
    return qs.annotate(
        n_candidates=Count("candidates", filter=~Q(candidates__status="rejected")),
        n_confident=Count(
            "candidates", filter=Q(candidates__confident=True) & ~Q(candidates__status="rejected")
        ),
        n_pending=Count("candidates", filter=Q(candidates__pending_second=True)),
    )


def candidate_queue(req: TracingRequest) -> QuerySet:
    """A request's candidates, best first, with the person, the deciders and the steps."""
    return (
        req.candidates.select_related("person", "decided_by", "second_officer")
        .prefetch_related("verification_steps__recorded_by")
        .order_by("rank", "id")
    )


def awaiting_second_officer(user=None) -> QuerySet:
    """Children's confirmations awaiting a second caseworker (not ``user``, who cannot give it)."""
    qs = TracingCandidate.objects.filter(pending_second=True).select_related("request", "person")
    if user is not None:
        qs = qs.exclude(decided_by=user)
    return qs.order_by("decided_at", "id")


def sought(person_ids) -> set[int]:
    """Which of ``person_ids`` carry a *tracing interest*: the person found for a request still being
    worked on, or its candidate that the matcher is confident of or a caseworker is verifying or has
    confirmed. A weak proposal (one of the ten best for a rare name) is not an interest: flagged, it
    would hold up departures of strangers. The flag is all other roles may learn
    (:func:`muster.access.policy.shows_tracing_interest`)."""
    ids = {int(i) for i in person_ids if i is not None}
    if not ids:
        return set()
    linked = TracingRequest.objects.filter(status__in=ACTIVE, linked_person_id__in=ids)
    candidates = TracingCandidate.objects.filter(
        request__status__in=ACTIVE, person_id__in=ids
    ).filter(
        Q(status__in=[TracingCandidate.Status.VERIFYING, TracingCandidate.Status.CONFIRMED])
        | Q(status=TracingCandidate.Status.PROPOSED, confident=True)
        | Q(pending_second=True)
    )
    return set(linked.values_list("linked_person_id", flat=True)) | set(
        candidates.values_list("person_id", flat=True)
    )
