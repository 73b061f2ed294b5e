"""``{% person_exit person %}``: the departure that took a person out of custody (or is taking them),
for the person page. The page's own read is audited by its view; this shows no other person."""

from django import template

from muster.departures import queries
from muster.departures.models import Kind

register = template.Library()


@register.inclusion_tag("departures/_person_exit.html", takes_context=True)
def person_exit(context, person) -> dict:
    """How and where: only when the page's ``fields`` may tell it (a handover tells "held", and
    the others' kinds tell it by elimination); otherwise that the person left, the number, the
    date and whom to ask, for every kind alike."""
    line = queries.exit_of(person)
    fields = context.get("fields") or frozenset()
    detailed = line is not None and queries.shows_exit(fields, line.departure.kind)
    authority = detailed and queries.shows_receiving_authority(fields, line.departure.kind)
    return {
        "exit": line,
        "detailed": detailed,
        "destination": line.departure.destination_text(authority=authority) if detailed else "",
        # A reunification's page is for tracing and the camp it leaves: no link from here.
        "linked": line is not None and line.departure.kind != Kind.REUNIFICATION,
    }


@register.inclusion_tag("departures/_unaccounted.html", takes_context=True)
def departures_unaccounted(context) -> dict:
    """On the unaccounted page: how many left on a departure and are not confirmed (a figure; the
    names are on the departures' discrepancy page, linked for those who may open it), counted over
    the departures the reader may see: the view gives ``departure_scope`` (facility ids, ``None``
    for all) and ``reunification_scope`` (``access.policy``; an absent scope counts nothing)."""
    lines = queries.unaccounted_lines()
    scope = context.get("departure_scope", set())
    if scope is not None:
        lines = lines.filter(departure__from_facility_id__in=scope)
    lines = queries.without_hidden_reunifications(
        lines, context.get("reunification_scope", set()), prefix="departure__"
    )
    # The coordinator reads the figure, not the names: the template draws no link to a page that
    # would refuse them (``{% can %}`` reads the request's user).
    return {"n": lines.count(), "request": context.get("request")}
