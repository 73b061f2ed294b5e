"""Middleware every page and endpoint passes through."""

from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

NUL = "\x00"


class RefuseNulMiddleware:
    """Refuse a NUL character in the URL's parameters, the query string or a form, before any view.

    PostgreSQL cannot store or compare text holding NUL and no keyboard types one, so it must never
    reach a query (never a 500). One rule for every door: pages answer 400 in plain text, the API a
    400 naming the parameters (JSON); a NUL in an object's id in the URL is a 404 (no such object).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        in_url = any(NUL in str(v) for v in (*view_args, *view_kwargs.values()))
        is_api = request.path.startswith("/api/")
        if in_url and is_api:
            raise Http404
        if is_api:
            bad = sorted(
                k for k, vs in request.GET.lists() if NUL in k or any(NUL in v for v in vs)
            )
            if bad:
                message = _("contains a NUL character")
                return JsonResponse({k.replace(NUL, "")[:60]: [message] for k in bad}, status=400)
            return None
        if in_url or _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return HttpResponseBadRequest(
                _("A field contains a NUL character, which cannot be stored."),
                content_type="text/plain; charset=utf-8",
            )
        return None


def _has_nul(data) -> bool:
    return any(NUL in k or any(NUL in v for v in vs) for k, vs in data.lists())


# Scripts and styles come from Muster's own static files only (no CDN, no inline script, no eval:
# htmx runs with allowEval off); style attributes stay allowed for the capacity bars' widths.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


class SecurityHeadersMiddleware:
    """A Content-Security-Policy on every response, and ``Cache-Control: no-store`` on every page and
    endpoint answer (static files are served before this runs).

    Nearly every page shows a person's data; a shared laptop's browser cache or a proxy must keep
    none of it, so no page is cacheable rather than a list of those that are.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers["Cache-Control"] = "no-store, private"
        response.headers.setdefault("Pragma", "no-cache")
        return response


class DatabaseBusyMiddleware:
    """A database still locked after the busy timeout (SQLite, a long import) answers 503 with
    Retry-After, not a 500: the reader's request was fine and trying again shortly will work."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import OperationalError

        if not isinstance(exception, OperationalError) or "locked" not in str(exception):
            return None
        message = _("The database is busy; try again in a few seconds.")
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "5"
        return response
