"""The requests: the list (filter by status, search by name or number), the form (new,
change), the request's page with its candidates ranked."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from muster.access import policy
from muster.access.decorators import requires
from muster.audit import services as audit
from muster.core.errors import errors_from
from muster.core.paging import paginate
from muster.tracing import forms, queries
from muster.tracing import services as tracing
from muster.tracing.audit_actions import TracingAction
from muster.tracing.matching import CONFIDENT_SCORE
from muster.tracing.models import (
    BestInterestsDetermination,
    TracingCandidate,
    TracingRequest,
)
from muster.tracing.views.common import MANAGE, request_for

PAGE_SIZE = 50
# The service refuses more; a larger upload is not even read into memory here.
MAX_PHOTO_BYTES = tracing.MAX_PHOTO_BYTES


@requires(MANAGE)
def request_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in TracingRequest.Status.values else ""
    query = request.GET.get("q", "").strip()[:100]
    qs = queries.requests(status=status, search=query).order_by("-created_at", "-id")
    page = paginate(request, qs, PAGE_SIZE)
    # The list names persons sought: on the log, with the filters (never the searched text).
    audit.record(
        TracingAction.TRACING_REQUEST_LIST,
        request=request,
        detail={"status": status, "searched": bool(query), "requests": [r.pk for r in page]},
    )
    counts = dict(TracingRequest.objects.values_list("status").annotate(n=Count("id")).order_by())
    return render(
        request,
        "tracing/list.html",
        {
            "page": page,
            "status": status,
            "q": query,
            "awaiting_me": list(queries.awaiting_second_officer(request.user)[:50]),
            "statuses": [
                (v, label, counts.get(v, 0)) for v, label in TracingRequest.Status.choices
            ],
        },
    )


def _photo(request: HttpRequest, fields: dict, errors: dict) -> None:
    upload = request.FILES.get("photo")
    if upload is not None:
        if upload.size > MAX_PHOTO_BYTES:
            errors["photo"] = [_("the photo is larger than 2 MB")]
        else:
            fields["photo"] = upload.read()


@requires(MANAGE)
def request_new(request: HttpRequest) -> HttpResponse:
    values: dict = {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = forms.posted_request(request.POST)
        fields = dict(values)
        _photo(request, fields, errors)
        if not errors:
            try:
                req = tracing.open_request(fields, by=request.user, request=request)
            except ValidationError as exc:
                errors = errors_from(exc)
            else:
                messages.success(request, _("Request %(n)s opened.") % {"n": req.number})
                return redirect("tracing-request", number=req.number)
    return render(
        request,
        "tracing/form.html",
        {"req": None, "rows": forms.form_rows(values, errors), "errors": errors},
        status=400 if errors else 200,
    )


@requires(MANAGE)
def request_edit(request: HttpRequest, number: str) -> HttpResponse:
    req = request_for(number)
    values = forms.initial(req)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = forms.posted_request(request.POST)
        fields = dict(values)
        _photo(request, fields, errors)
        if not errors:
            try:
                tracing.update_request(req, fields, by=request.user, request=request)
            except ValidationError as exc:
                errors = errors_from(exc)
            else:
                messages.success(request, _("Request %(n)s saved.") % {"n": req.number})
                return redirect("tracing-request", number=req.number)
    else:
        audit.record(TracingAction.TRACING_REQUEST_READ, request=request, obj=req,
                     detail={"view": "tracing-request-edit"})  # fmt: skip
    return render(
        request,
        "tracing/form.html",
        {"req": req, "rows": forms.form_rows(values, errors), "errors": errors},
        status=400 if errors else 200,
    )


@requires(MANAGE)
@transaction.atomic
def request_detail(request: HttpRequest, number: str) -> HttpResponse:
    return request_page(request, request_for(number))


def request_page(
    request: HttpRequest,
    req: TracingRequest,
    *,
    beside: dict | None = None,
    typed: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    """The request's page; after a refused step (``steps``), with what was typed back in its form
    and the refusal beside the field it is about (``typed`` and ``beside`` by form: {"reunify":
    {field: value}}, {"reunify": {field: [messages]}})."""
    candidates = list(
        req.candidates.select_related("person", "decided_by", "second_officer").order_by(
            "status", "rank", "id"
        )
    )
    candidates.sort(key=lambda c: (c.status == TracingCandidate.Status.REJECTED, c.rank, c.pk))
    audit.record(TracingAction.TRACING_REQUEST_READ, request=request, obj=req,
                 detail={"view": "tracing-request"})  # fmt: skip
    if candidates:
        audit.record_list(
            request,
            [c.person_id for c in candidates],
            action=TracingAction.TRACING_CANDIDATES_READ,
            obj=req,
            view="tracing-request",
        )
    confirmed = next((c for c in candidates if c.status == TracingCandidate.Status.CONFIRMED), None)
    bid = tracing.latest_best_interests(req)
    active = req.status in tracing.ACTIVE
    # The claims of requests that have reunited their person, read once for the queue.
    claims = {(forms.claimed(c.explanation) or {}).get("number") for c in candidates} - {None}
    reunited = set(
        TracingRequest.objects.filter(
            number__in=claims, status=TracingRequest.Status.REUNITED
        ).values_list("number", flat=True)
    )
    may_reunify = (
        req.status == TracingRequest.Status.VERIFYING
        and confirmed is not None
        and req.reunification_id is None
    )
    relatives, parted = _relatives(request, req, confirmed.person) if may_reunify else ([], [])
    return render(
        request,
        "tracing/detail.html",
        {
            "req": req,
            "rows": [
                {
                    "c": c,
                    "agreed": forms.summary(c.explanation),
                    "claimed": _with_status(forms.claimed(c.explanation), reunited),
                    "reading": forms.READINGS.get(c.reading, c.reading),
                }
                for c in candidates
            ],
            "fields": [
                (label, shown(req, name))
                for name, label, _h, _i in forms.REQUEST_FORM
                if name
                not in ("requester_name", "requester_relationship", "requester_contact", "notes")
            ],  # fmt: skip
            "confirmed": confirmed,
            "bid": bid,
            "bids": req.best_interests.select_related("recorded_by"),
            "outcomes": BestInterestsDetermination.Outcome.choices,
            "active": active,
            "may_reunify": may_reunify,
            "relatives": relatives,
            "parted": parted,
            # What was typed into the reunification form before a refusal (steps.reunify).
            "reunify_typed": (typed or {}).get("reunify", {}),
            "typed": typed or {},
            "beside": beside or {},
            "confident_bits": f"{CONFIDENT_SCORE:g}",
            "awaiting_receipt": req.reunification_id is not None
            and req.status != TracingRequest.Status.REUNITED,
        },
        status=status,
    )


def _relatives(request: HttpRequest, req: TracingRequest, person) -> tuple[list, list]:
    """Before a reunification: the household the person found was registered with, and where each
    member is now, as far as the caseworker's role may see (the household, their scope, the
    facility's name or only "at the same facility"); and the adults placed with a child whom the
    reunification would part them from. The list shown is audited."""
    if "household" not in policy.person_fields(request.user):
        return [], []
    relatives = tracing.relatives_registered_with(person)
    visible = set(
        policy.scope_persons(request.user, person.household.members.all()).values_list(
            "pk", flat=True
        )
    ) if relatives else set()  # fmt: skip
    shown = [r for r in relatives if r.person.pk in visible]
    if shown:
        audit.record_list(
            request, [r.person.pk for r in shown], obj=req, view="tracing-reunify-household"
        )
    return shown, tracing.caregivers_parted(person, relatives)


def shown(req: TracingRequest, name: str):
    """A field as the reader reads it: a choice (sex, source) in their language, not its code."""
    if name == "sex":
        return forms.SEX_LABELS.get(req.sex, req.sex)
    if req._meta.get_field(name).choices:
        return getattr(req, f"get_{name}_display")()
    return getattr(req, name)


@requires(MANAGE)
def request_photo(request: HttpRequest, number: str) -> HttpResponse:
    """The photo the family gave of the person sought (audited; never cached)."""
    req = request_for(number)
    photo = tracing.read_photo(req, by=request.user, request=request)
    if photo is None:
        return HttpResponse(status=404)
    response = HttpResponse(photo[0], content_type=photo[1])
    response["Cache-Control"] = "no-store, private"
    return response


def _with_status(claimed: dict | None, reunited: set[str]) -> dict | None:
    """The claim of another request, and whether that request has already reunited the person
    (a claim that stays, so that the person is not offered again as a likely match; the queue
    called it an open request)."""
    if claimed is not None:
        claimed["reunited"] = claimed["number"] in reunited
    return claimed
