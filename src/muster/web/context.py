"""Template context for every page: the navigation links this user may follow."""

from django.urls import Resolver404, resolve, reverse
from django.urls.exceptions import NoReverseMatch
from django.utils.translation import gettext_lazy as _

from muster.access import policy
from muster.access.decorators import ANY_METHOD, PUBLIC, SIGNED_IN, view_actions
from muster.core.timezones import time_zone_label

# (url name, label). Order is the order in the top bar. The action a link needs is the one its view
# declares for GET (muster.access.decorators.requires), so the bar cannot offer a page that refuses.
NAV_LINKS = (
    ("reception", _("Reception")),
    ("intake-import", _("Import submissions")),
    ("person-search", _("Search")),
    ("facility-list", _("Facilities")),
    ("unaccounted", _("Unaccounted")),
    ("dashboard", _("Dashboard")),
    # The coordinator's figures-only twin of the same list (never both: see nav_links).
    ("unaccounted-figures", _("Unaccounted")),
    ("screening-queue", _("Screening queue")),
    ("category-approvals", _("Approvals")),
    ("screening-lists", _("Reference lists")),
    ("separated-families", _("Separated families")),
    ("children-list", _("Children")),
    ("departure-list", _("Departures")),
    ("tracing-requests", _("Tracing")),
    ("audit-log", _("Audit log")),
    ("user-list", _("Users")),
)


def _target(name: str) -> tuple[str, str] | None:
    """(url, GET action) of a page, or ``None`` if the page is not installed or declares nothing."""
    # Other engineers' pages (screening) may not exist in every tree: link only what resolves.
    try:
        url = reverse(name)
        actions = view_actions(resolve(url).func)
    except (NoReverseMatch, Resolver404):
        return None
    if not actions:
        return None
    action = actions.get("GET", actions.get(ANY_METHOD))
    return (url, action) if action else None


def _may_open(user, action: str) -> bool:
    return action in (PUBLIC, SIGNED_IN) or policy.can(user, action)


def nav_links(user) -> list[dict]:
    if not getattr(user, "is_authenticated", False):
        return []
    links = []
    for name, label in NAV_LINKS:
        target = _target(name)
        if target is None or not _may_open(user, target[1]):
            continue
        if name == "unaccounted-figures" and policy.can(user, "movement.view"):
            continue  # the list by name already covers it
        links.append({"name": name, "url": target[0], "label": label})
    return links


def navigation(request) -> dict:
    """Context processor: ``nav_links`` for templates/_nav.html (lazy: only pages with a nav pay)."""
    user = getattr(request, "user", None)
    current = getattr(getattr(request, "resolver_match", None), "url_name", None)

    def links():
        return [{**link, "current": link["name"] == current} for link in nav_links(user)]

    return {"nav_links": links, "time_zone_label": time_zone_label}
