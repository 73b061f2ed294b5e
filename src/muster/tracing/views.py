"""Tracing pages, for tracing caseworkers only (``tracing.manage``): the requests, a request's
candidates ranked with the reasons, the side-by-side comparison with verification and the decision
(four eyes for a child), the best-interests determination, closing, the reunification; importing
a list of the missing and exporting PFIF.

Thin: parse, call :mod:`muster.tracing.services`, render. Every page that shows a request or a
registered person is audited (``tracing.request.read`` / ``tracing.candidates.read`` /
``person.read``); every refusal names its field.
"""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.access import policy
from muster.access.decorators import requires
from muster.access.projection import person_values
from muster.audit import services as audit
from muster.core.errors import errors_from
from muster.core.paging import paginate
from muster.core.uploads import check_upload_size
from muster.people.reads import WEB, record_read
from muster.tracing import forms
from muster.tracing import services as tracing
from muster.tracing.audit_actions import TracingAction
from muster.tracing.models import (
    BestInterestsDetermination,
    TracingCandidate,
    TracingRequest,
    VerificationStep,
)
from muster.tracing.services import imports as tracing_imports

MANAGE = "tracing.manage"
PAGE_SIZE = 50
MAX_PHOTO_BYTES = 2 * 1024 * 1024  # the service refuses more; not read into memory here
REPORT_KEY = "tracing_import_report"
PERSON_FIELDS = ("given_name", "father_name", "grandfather_name", "family_name", "mother_name",
                 "alias", "sex", "birth_year", "date_of_birth", "place_of_origin")  # fmt: skip


def _request_for(number: str) -> TracingRequest:
    return get_object_or_404(TracingRequest, number=str(number)[:20])


def _refusals(request: HttpRequest, exc: ValidationError) -> None:
    """A service's refusal as messages, each naming its field."""
    for field, msgs in errors_from(exc).items():
        label = forms.LABELS.get(field, field)
        for msg in msgs:
            messages.error(request, msg if field == "__all__" else f"{label}: {msg}")


@requires(MANAGE)
def request_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in TracingRequest.Status.values else ""
    query = request.GET.get("q", "").strip()[:100]
    qs = TracingRequest.objects.annotate(
        n_candidates=Count("candidates", filter=~Q(candidates__status="rejected"))
    ).order_by("-created_at", "-id")
    if status:
        qs = qs.filter(status=status)
    if query:
        match = Q(number__iexact=query)
        for word in query.split()[:5]:
            match |= (
                Q(given_name__icontains=word) | Q(father_name__icontains=word)
                | Q(family_name__icontains=word) | Q(mother_name__icontains=word)
                | Q(other_names__icontains=word)
            )  # fmt: skip
        qs = qs.filter(match)
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
    req = _request_for(number)
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
    req = _request_for(number)
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
    return render(
        request,
        "tracing/detail.html",
        {
            "req": req,
            "rows": [
                {
                    "c": c,
                    "agreed": forms.summary(c.explanation),
                    "reading": forms.READINGS.get(c.reading, c.reading),
                }
                for c in candidates
            ],
            "fields": [
                (label, getattr(req, name))
                for name, label, _h, _i in forms.REQUEST_FORM
                if name
                not in ("requester_name", "requester_relationship", "requester_contact", "notes")
            ],  # fmt: skip
            "confirmed": confirmed,
            "bid": bid,
            "bids": req.best_interests.select_related("recorded_by"),
            "outcomes": BestInterestsDetermination.Outcome.choices,
            "active": active,
            "may_reunify": req.status == TracingRequest.Status.VERIFYING
            and confirmed is not None
            and req.reunification_id is None,
            "awaiting_receipt": req.reunification_id is not None
            and req.status != TracingRequest.Status.REUNITED,
        },
    )


def _post_only(view):
    """A form's target: a GET goes back to the request's page."""

    def wrapped(request: HttpRequest, number: str) -> HttpResponse:
        if request.method != "POST":
            return redirect("tracing-request", number=number)
        return view(request, number)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@requires(MANAGE)
@_post_only
def request_close(request: HttpRequest, number: str) -> HttpResponse:
    req = _request_for(number)
    try:
        tracing.close_request(req, reason=request.POST.get("reason", ""), by=request.user,
                              request=request)  # fmt: skip
    except ValidationError as exc:
        _refusals(request, exc)
    else:
        messages.success(request, _("Request %(n)s closed.") % {"n": req.number})
    return redirect("tracing-request", number=req.number)


@requires(MANAGE)
@_post_only
def request_search(request: HttpRequest, number: str) -> HttpResponse:
    req = _request_for(number)
    try:
        found = tracing.find_candidates(req, by=request.user, request=request)
    except ValidationError as exc:
        _refusals(request, exc)
    else:
        messages.success(request, _("Registry searched: %(n)d candidate(s).") % {"n": found})
    return redirect("tracing-request", number=req.number)


@requires(MANAGE)
@_post_only
def best_interests(request: HttpRequest, number: str) -> HttpResponse:
    req = _request_for(number)
    candidate = req.candidates.filter(status=TracingCandidate.Status.CONFIRMED).first()
    try:
        tracing.record_best_interests(
            req,
            outcome=request.POST.get("outcome", ""),
            reasoning=request.POST.get("reasoning", ""),
            candidate=candidate,
            by=request.user,
            request=request,
        )
    except ValidationError as exc:
        _refusals(request, exc)
    else:
        messages.success(request, _("Best-interests determination recorded."))
    return redirect("tracing-request", number=req.number)


@requires(MANAGE)
@_post_only
def reunify(request: HttpRequest, number: str) -> HttpResponse:
    req = _request_for(number)
    try:
        departure = tracing.reunify(
            req,
            receiving=request.POST.get("receiving", "")[:200],
            destination_name=request.POST.get("destination_name", "")[:200],
            destination_pcode=request.POST.get("destination_pcode", "")[:40],
            note=request.POST.get("note", "")[:2000],
            by=request.user,
            request=request,
        )
    except ValidationError as exc:
        _refusals(request, exc)
    else:
        messages.success(
            request,
            _("Reunification %(d)s dispatched; record the receipt when the family confirms.")
            % {"d": departure.number},
        )
    return redirect("tracing-request", number=req.number)


@requires(MANAGE)
@_post_only
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    req = _request_for(number)
    received = request.POST.get("received", "yes") != "no"
    try:
        tracing.record_reunification_receipt(
            req, received=received, note=request.POST.get("note", "")[:2000], by=request.user,
            request=request,
        )  # fmt: skip
    except ValidationError as exc:
        _refusals(request, exc)
    else:
        messages.success(request, _("Receipt recorded."))
    return redirect("tracing-request", number=req.number)


@requires(MANAGE)
@transaction.atomic
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(
        TracingCandidate.objects.select_related(
            "request", "person__household", "decided_by", "second_officer"
        ),
        pk=pk,
    )
    req = candidate.request
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "verify":
                tracing.record_verification_step(
                    candidate,
                    kind=request.POST.get("kind", ""),
                    reference=request.POST.get("reference", "")[:200],
                    note=request.POST.get("note", "")[:5000],
                    by=request.user,
                    request=request,
                )
                messages.success(request, _("Verification step recorded."))
            else:
                decided = tracing.decide_candidate(
                    candidate,
                    decision=request.POST.get("decision", ""),
                    reason=request.POST.get("reason", "")[:2000],
                    by=request.user,
                    request=request,
                )
                messages.success(
                    request,
                    _("Confirmed by you; a second caseworker must confirm a child's match.")
                    if decided.pending_second
                    else _("Decision recorded."),
                )
            return redirect("tracing-candidate", pk=candidate.pk)
        except ValidationError as exc:
            errors = errors_from(exc)
        candidate.refresh_from_db()
    person = candidate.person
    record_read(request, person, via=WEB, view="tracing-candidate", tracing_request=req.number)
    audit.record(TracingAction.TRACING_REQUEST_READ, request=request, obj=req,
                 detail={"view": "tracing-candidate", "candidate": candidate.pk})  # fmt: skip
    seen = person_values(person, policy.person_fields(request.user))
    shown = {k: str(seen[k]) for k in PERSON_FIELDS if seen.get(k) not in (None, "")}
    if "birth_year" not in shown and "date_of_birth" in shown:
        shown["birth_year"] = shown["date_of_birth"][:4]
    return render(
        request,
        "tracing/candidate.html",
        {
            "c": candidate,
            "req": req,
            "person": person,
            "rows": forms.compare_rows(candidate.explanation, shown),
            "reading": forms.READINGS.get(candidate.reading, candidate.reading),
            "steps": candidate.verification_steps.select_related("recorded_by"),
            "kinds": VerificationStep.Kind.choices,
            "open": req.status in tracing.ACTIVE
            and candidate.status
            not in (
                TracingCandidate.Status.CONFIRMED,
                TracingCandidate.Status.REJECTED,
            ),  # fmt: skip
            "first_officer": candidate.pending_second
            and candidate.decided_by_id == request.user.pk,
            "four_eyes": tracing.needs_second_officer(candidate),
            "errors": errors,
            "labels": {
                "kind": _("Kind"),
                "reference": _("Reference"),
                "note": _("Note"),
                "decision": _("Decision"),
                "reason": _("Reason"),
            },  # fmt: skip
            "posted": request.POST,
        },
        status=400 if errors else 200,
    )


@requires(MANAGE)
def import_file(request: HttpRequest) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    report = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors["file"] = [_("choose a file")]
        else:
            try:
                check_upload_size(upload.size)
                report = tracing_imports.import_requests(
                    upload.read(),
                    file_name=upload.name or "upload",
                    by=request.user,
                    office=request.POST.get("office", "")[:200],
                    request=request,
                )
            except ValidationError as exc:
                errors = errors_from(exc)
            else:
                request.session[REPORT_KEY] = {
                    "file": report.file_name[-200:],
                    "at": timezone.now().isoformat(),
                    "rows": report.rows(),
                }
    return render(
        request,
        "tracing/import.html",
        {
            "errors": errors,
            "report": report,
            "problems": [o for o in (report.outcomes if report else []) if o.outcome != "created"],
            "posted": request.POST,
        },
        status=400 if errors else 200,
    )


@requires(MANAGE)
def import_report(request: HttpRequest) -> HttpResponse:
    """The last import's per-row report, as CSV."""
    kept = request.session.get(REPORT_KEY)
    if not kept:
        messages.error(request, _("No import to report on: import a file first."))
        return redirect("tracing-import")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(tracing_imports.REPORT_COLUMNS)
    for row in kept["rows"]:
        # A cell starting with = + - @ is a formula to a spreadsheet: quoted so it stays text.
        writer.writerow(["'" + c if c[:1] in "=+-@" else c for c in map(str, row)])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = kept["file"].rsplit(".", 1)[0].replace('"', "")[:80] or "import"
    response["Content-Disposition"] = f'attachment; filename="{name}-report.csv"'
    return response


@requires(MANAGE)
@transaction.atomic
def export_pfif(request: HttpRequest) -> HttpResponse:
    statuses = [s for s in request.GET.getlist("status") if s in TracingRequest.Status.values]
    qs = TracingRequest.objects.order_by("created_at", "id")
    if statuses:
        qs = qs.filter(status__in=statuses)
    xml = tracing_imports.export_pfif(
        qs,
        domain=request.get_host().split(":")[0] or "muster.local",
        include_contacts=request.GET.get("contacts") == "1",
        by=request.user,
        request=request,
        purpose="tracing page",
    )
    response = HttpResponse(xml, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tracing-requests-pfif.xml"'
    return response
