"""URL map: the web UI, the JSON API under /api/, its OpenAPI schema and docs.

No Django admin: it would read and write people, users and API tokens around the policy and the audit
log. Users and role grants are managed through ``muster.access.services``: the ``muster createuser /
grant / revoke ...`` commands and the administrator's pages under ``/account/users/``.
"""

from django.http import JsonResponse
from django.urls import include, path
from django.views import defaults
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.exceptions import NotFound

urlpatterns = [
    path("", include("muster.web.urls")),
    path("", include("muster.intake.urls")),
    path("", include("muster.people.urls")),
    path("", include("muster.custody.urls")),
    path("account/", include("muster.access.urls")),
    path("audit/", include("muster.audit.urls")),
    path("screening/", include("muster.screening.urls")),
    path("screening/", include("muster.protection.urls")),
    path("reports/", include("muster.reports.urls")),
    path("", include("muster.departures.urls")),
    path("tracing/", include("muster.tracing.urls")),
    path("api/", include("muster.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
]


def not_found(request, exception):
    """An address no route matches: JSON under /api/ (what an API client reads), the page elsewhere.

    The API's own views already answer 404 in JSON; this covers a path no view answers
    (``/api/nope/``, a misspelt action) and a NUL refused in an API path by the middleware.
    """
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)


handler404 = not_found
