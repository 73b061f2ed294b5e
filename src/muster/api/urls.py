"""The API's URL list: every app's ``api.ROUTES`` on one router, and the policy map they declare."""

from rest_framework.routers import DefaultRouter

from muster.access import api as access_api
from muster.custody import api as custody_api
from muster.departures import api as departures_api
from muster.intake import api as intake_api
from muster.people import api as people_api
from muster.protection import api as protection_api
from muster.reports import api as reports_api
from muster.screening import api as screening_api
from muster.tracing import api as tracing_api

#: (URL prefix under /api/, viewset, basename). URL names are "<basename>-list", "<basename>-detail"
#: and "<basename>-<action url_name>".
# Basenames carry "api-" so the router's names never shadow the web UI's ("person-detail",
# "facility-list", "movement-detail" ... are the HTML pages' names).
ROUTES = [
    *people_api.ROUTES,
    *intake_api.ROUTES,
    *custody_api.ROUTES,
    *reports_api.ROUTES,
    *access_api.ROUTES,
    *screening_api.ROUTES,
    *protection_api.ROUTES,
    *departures_api.ROUTES,
    *tracing_api.ROUTES,
]

_STANDARD_ACTIONS = {
    "list": ("list", "GET"),
    "create": ("list", "POST"),
    "retrieve": ("detail", "GET"),
    "partial_update": ("detail", "PATCH"),
}


def endpoint_policy() -> list[tuple[str, str, str]]:
    """Every route registered here as ``(url_name, HTTP method, policy action)``.

    The action is a :mod:`muster.access.policy` action, or ``"public"`` for the token endpoint. HEAD
    follows GET and is not listed. Built from the viewsets' own ``policy_action``, so it cannot drift
    from what the permission class enforces.
    """
    rows: list[tuple[str, str, str]] = []
    for _prefix, viewset, basename in ROUTES:
        # An extra action's route, by the name of each method mapped on it (``@x.mapping.get``
        # maps GET to a method of another name, with its own policy entry).
        extra = {
            name: (a, method)
            for a in viewset.get_extra_actions()
            for method, name in a.mapping.items()
            if method != "head"
        }
        for view_action, policy_action in viewset.policy_action.items():
            if view_action in extra:
                extra_action = extra[view_action][0]
                url_name = f"{basename}-{extra_action.url_name}"
                methods = [
                    m.upper() for m, name in extra_action.mapping.items()
                    if m != "head" and name == view_action
                ]  # fmt: skip
            else:
                suffix, method = _STANDARD_ACTIONS[view_action]
                url_name, methods = f"{basename}-{suffix}", [method]
            rows.extend((url_name, method, policy_action) for method in methods)
    return rows


router = DefaultRouter()
for _prefix, _viewset, _basename in ROUTES:
    router.register(_prefix, _viewset, basename=_basename)

urlpatterns = router.urls
