"""``{% person_exit person %}``: the departure that took a person out of custody (or is taking them),
for the person page. The page's own read is audited by its view; this shows no other person."""

from django import template

from muster.access import policy
from muster.departures import queries
from muster.departures.models import Kind

register = template.Library()


@register.inclusion_tag("departures/_person_exit.html", takes_context=True)
def person_exit(context, person) -> dict:
    """How and where: only when the page's ``fields`` may tell it (a handover tells "held")."""
    line = queries.exit_of(person)
    fields = context.get("fields") or frozenset()
    return {
        "exit": line,
        "detailed": line is not None and queries.shows_exit(fields, line.departure.kind),
        # A reunification's page is for tracing and the camp it leaves: no link from here.
        "linked": line is not None and line.departure.kind != Kind.REUNIFICATION,
    }


@register.inclusion_tag("departures/_unaccounted.html", takes_context=True)
def departures_unaccounted(context) -> dict:
    """On the unaccounted page: how many left on a departure and are not confirmed (a figure; the
    names are on the departures' discrepancy page, which checks its own permission)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    lines = queries.unaccounted_lines()
    scope = policy.facility_scope(user, "departure.view")
    if scope is not None:  # the departures this user may see: none, or those from their camps
        lines = lines.filter(departure__from_facility_id__in=scope)
    lines = queries.without_hidden_reunifications(
        lines, policy.reunification_scope(user), prefix="departure__"
    )
    return {"n": lines.count(), "request": request}
