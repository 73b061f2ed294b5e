"""What the tracing pages share: the policy action, a request by its number, refusals as
messages naming the field, form targets that take only a POST."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from muster.core.errors import flash_refusals
from muster.tracing import forms
from muster.tracing.models import (
    TracingRequest,
)

MANAGE = "tracing.manage"


def request_for(number: str) -> TracingRequest:
    return get_object_or_404(TracingRequest, number=str(number)[:20])


def refusals(request: HttpRequest, exc: ValidationError) -> None:
    """A service's refusal as messages, each naming its field."""
    flash_refusals(request, exc, label=forms.LABELS.get)


def post_only(view):
    """A form's target: a GET goes back to the request's page."""

    def wrapped(request: HttpRequest, number: str) -> HttpResponse:
        if request.method != "POST":
            return redirect("tracing-request", number=number)
        return view(request, number)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped
