"""A request's steps, each a form posted from its page: close, search again, best interests,
reunify, the family's receipt."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from muster.access.decorators import requires
from muster.core.errors import errors_from
from muster.tracing import services as tracing
from muster.tracing.models import (
    TracingCandidate,
)
from muster.tracing.views.common import MANAGE, post_only, refusals, request_for
from muster.tracing.views.requests import request_page


@requires(MANAGE)
@post_only
def request_close(request: HttpRequest, number: str) -> HttpResponse:
    req = request_for(number)
    typed = {"reason": request.POST.get("reason", "")}
    try:
        tracing.close_request(req, reason=typed["reason"], by=request.user,
                              request=request)  # fmt: skip
    except ValidationError as exc:
        return _refused(request, number, exc, "close", {"reason": "reason"}, typed)
    messages.success(request, _("Request %(n)s closed.") % {"n": req.number})
    return redirect("tracing-request", number=req.number)


@requires(MANAGE)
def request_search(request: HttpRequest, number: str) -> HttpResponse:
    """POST: search the whole registry again, in the background worker (never in this request:
    the web process would first build the registry's index). GET: the search's state, the
    fragment the request's page polls while it runs; once done, the page reloads (HX-Refresh)."""
    req = request_for(number)
    if request.method == "GET":
        if request.headers.get("HX-Request") and not req.searching:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"  # the candidates are there: show them
            return response
        return render(request, "tracing/_search.html", {"req": req})
    if request.method != "POST":
        return HttpResponse(status=405)
    try:
        tracing.search_again(req, by=request.user, request=request)
    except ValidationError as exc:
        refusals(request, exc)
    else:
        messages.success(
            request,
            _(
                "The registry is being searched; the candidates appear on this page when it is done."
            ),
        )
    return redirect("tracing-request", number=req.number)


@requires(MANAGE)
@post_only
def best_interests(request: HttpRequest, number: str) -> HttpResponse:
    req = request_for(number)
    candidate = req.candidates.filter(status=TracingCandidate.Status.CONFIRMED).first()
    typed = {
        "outcome": request.POST.get("outcome", ""),
        "reasoning": request.POST.get("reasoning", ""),
    }
    try:
        tracing.record_best_interests(
            req, **typed, candidate=candidate, by=request.user, request=request
        )
    except ValidationError as exc:
        fields = {"outcome": "outcome", "reasoning": "reasoning"}
        return _refused(request, number, exc, "best_interests", fields, typed)
    messages.success(request, _("Best-interests determination recorded."))
    return redirect("tracing-request", number=req.number)


def _refused(
    request: HttpRequest,
    number: str,
    exc: ValidationError,
    form: str,
    fields: dict[str, str],
    typed: dict,
) -> HttpResponse:
    """The request's page again (400), ``form`` as it was typed, each refusal beside the field of
    the form it is about (``fields``: the form's field by the field the refusal names); one
    about no field of the form (the request's state, a best-interests determination still to
    record, where the person is) above it."""
    beside: dict[str, list] = {}
    rest: dict[str, list] = {}
    for field, msgs in errors_from(exc).items():
        if field in fields:
            beside.setdefault(fields[field], []).extend(msgs)
        else:
            rest[field] = [ValidationError(str(m), code=m.code) for m in msgs]
    if rest:
        refusals(request, ValidationError(rest))
    return request_page(
        request, request_for(number), beside={form: beside}, typed={form: typed}, status=400
    )


# The reunification form's fields, by the field a refusal names (the departure's guarantor is
# the form's "received by"): a refusal about one of them is told beside it.
REUNIFY_BESIDE = {
    "receiving": "receiving",
    "guarantor": "receiving",
    "destination_name": "destination_name",
    "destination_pcode": "destination_pcode",
    "note": "note",
    "separation_reason": "separation_reason",
    "separation_confirmed": "separation_reason",
}


@requires(MANAGE)
@post_only
def reunify(request: HttpRequest, number: str) -> HttpResponse:
    req = request_for(number)
    typed = {
        "receiving": request.POST.get("receiving", "")[:200],
        "destination_name": request.POST.get("destination_name", "")[:200],
        "destination_pcode": request.POST.get("destination_pcode", "")[:40],
        "note": request.POST.get("note", "")[:2000],
        "separation_reason": request.POST.get("separation_reason", "")[:2000],
    }
    confirmed = request.POST.get("separation_confirmed") == "yes"
    try:
        departure = tracing.reunify(
            req,
            **typed,
            separation_confirmed=confirmed,
            by=request.user,
            request=request,
        )
    except ValidationError as exc:
        typed["separation_confirmed"] = confirmed
        return _refused(request, number, exc, "reunify", REUNIFY_BESIDE, typed)
    messages.success(
        request,
        _("Reunification %(d)s dispatched; record the receipt when the family confirms.")
        % {"d": departure.number},
    )
    return redirect("tracing-request", number=req.number)


# The receipt form's fields, by the field a refusal names: the departure's outcome is the form's
# "received" choice (a note it needs is told beside the note).
RECEIPT_BESIDE = {"received": "received", "outcomes": "received", "note": "note"}


@requires(MANAGE)
@post_only
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    req = request_for(number)
    typed = {"received": request.POST.get("received", ""), "note": request.POST.get("note", "")}
    typed["note"] = typed["note"][:2000]
    if typed["received"] not in ("yes", "no"):
        # Nothing chosen is no receipt: a custody step is never recorded by default.
        exc = ValidationError(
            {
                "received": [
                    ValidationError(
                        _("Say whether the family received the person."), code="required"
                    )
                ]
            }
        )
        return _refused(request, number, exc, "receipt", RECEIPT_BESIDE, typed)
    try:
        tracing.record_reunification_receipt(
            req, received=typed["received"] == "yes", note=typed["note"], by=request.user,
            request=request,
        )  # fmt: skip
    except ValidationError as exc:
        return _refused(request, number, _note_beside(exc), "receipt", RECEIPT_BESIDE, typed)
    messages.success(request, _("Receipt recorded."))
    return redirect("tracing-request", number=req.number)


def _note_beside(exc: ValidationError) -> ValidationError:
    """A departure's refusal of the receipt with the missing note under "note", not "outcomes"."""
    if not hasattr(exc, "error_dict"):
        return exc
    by_field: dict[str, list[ValidationError]] = {}
    for field, errors in exc.error_dict.items():
        for error in errors:
            by_field.setdefault("note" if error.code == "note_required" else field, []).append(
                error
            )
    return ValidationError(by_field)
