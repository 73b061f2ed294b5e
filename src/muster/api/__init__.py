"""The JSON API (Django REST framework): thin views over the apps' services, governed by the policy."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.views import exception_handler as drf_exception_handler

from muster.api.permissions import audit_denied, record_pending_refusal
from muster.core.errors import codes_from, errors_from


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """``{"members": {1: {"date_of_birth": [...]}}}`` -> ``{"members[1].date_of_birth": [...]}``.

    The services already name nested fields this way (``members[1].date_of_birth``); flattening DRF's
    nested errors too gives a client one shape to map errors back onto its form.
    """
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int):
                name = f"{prefix}[{key}]"
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            out.update(flatten_errors(value, name))
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            out[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for i, item in enumerate(detail):
                if item:
                    out.update(flatten_errors(item, f"{prefix}[{i}]"))
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def exception_handler(exc, context):
    """JSON for every refusal: field-level 400s (services' Django errors too), audited 403s.

    A service's refusal also carries its stable codes under ``codes`` (``{field: [code]}``), for
    programs; the messages beside them are for people.
    """
    codes: dict[str, list[str]] = {}
    if isinstance(exc, DjangoValidationError):
        detail = errors_from(exc, non_field="detail")
        codes = codes_from(exc, non_field="detail")
        exc = ValidationError(detail)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ValidationError):
        response.data = flatten_errors(response.data)
        if codes:
            response.data["codes"] = codes
    if response.status_code == 404:
        # One answer for "no such object" and "not yours to see": Django's default names the model
        # ("No Person matches the given query.") only when the object is missing, which tells an
        # out-of-scope reader that the number exists.
        response.data = {"detail": str(NotFound.default_detail)}
    request = context.get("request")
    if request is not None and response.status_code in (403, 404):
        # An object outside the user's scope (answered 404), recorded outside the rolled-back view.
        record_pending_refusal(request)
        if response.status_code == 403:
            # The permission class records a precise reason; this catches any other 403.
            audit_denied(request, "HTTP 403")
    return response
