"""Template context for every page: the navigation links this user may follow."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from muster.access import policy

# (url name, label, action the user needs). Order is the order in the top bar.
NAV_LINKS = (
    ("reception", _("Reception"), "person.register"),
    ("person-search", _("Search"), "person.search"),
    ("facility-list", _("Facilities"), "facility.view"),
    ("unaccounted", _("Unaccounted"), "movement.view"),
    # The coordinator's figures-only twin of the same list (never both: see nav_links).
    ("unaccounted-figures", _("Unaccounted"), "report.view"),
    ("screening-queue", _("Screening queue"), "screening.view"),
)


def _url(name: str) -> str | None:
    # Other engineers' pages (screening) may not exist yet: link only what resolves.
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def nav_links(user) -> list[dict]:
    if not getattr(user, "is_authenticated", False):
        return []
    links = []
    for name, label, action in NAV_LINKS:
        allowed = policy.can(user, action)
        if name == "unaccounted-figures" and policy.can(user, "movement.view"):
            allowed = False  # the list by name already covers it
        if allowed and (url := _url(name)):
            links.append({"name": name, "url": url, "label": label})
    return links


def navigation(request) -> dict:
    """Context processor: ``nav_links`` for templates/_nav.html (lazy: only pages with a nav pay)."""
    user = getattr(request, "user", None)
    current = getattr(getattr(request, "resolver_match", None), "url_name", None)

    def links():
        return [{**link, "current": link["name"] == current} for link in nav_links(user)]

    return {"nav_links": links}
