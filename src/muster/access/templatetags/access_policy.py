"""Template tags that ask the policy: where a person is, as the reader may be told it."""

from django import template
from django.utils.translation import gettext as _

from muster.access import policy
from muster.departures.queries import shows_receiving_authority

register = template.Library()


def _fields(context) -> frozenset[str]:
    request = context.get("request")
    return policy.person_fields(getattr(request, "user", None))


@register.simple_tag(takes_context=True)
def facility_shown(context, facility) -> bool:
    """May the reader be told that a person is at ``facility`` (a camp or holding facility tells the
    category, see :func:`muster.access.policy.shows_facility`)?"""
    return policy.shows_facility(_fields(context), facility)


@register.simple_tag(takes_context=True)
def facility_name(context, facility) -> str:
    """``facility``'s name (in the reader's language), or "a facility" when its kind would tell the
    reader a category they may not see; empty for no facility."""
    if facility is None:
        return ""
    if policy.shows_facility(_fields(context), facility):
        return facility.display_name
    return _("a facility")


@register.simple_tag(takes_context=True)
def separation_destination(context, separation) -> str:
    """Where a separation's moved members went, as far as the reader may be told
    (:func:`muster.access.policy.separation_destination`)."""
    return policy.separation_destination(_fields(context), separation)


@register.simple_tag(takes_context=True)
def departure_destination(context, departure) -> str:
    """``departure``'s destination in one line, its receiving authority as far as the reader may
    read it (a repatriation's is for the repatriation officer alone:
    :func:`muster.departures.queries.shows_receiving_authority`)."""
    authority = shows_receiving_authority(_fields(context), departure.kind)
    return departure.destination_text(authority=authority)


@register.simple_tag(takes_context=True)
def departure_destination_parts(context, departure) -> list[str]:
    """:func:`departure_destination` as its parts, each isolated by the page."""
    authority = shows_receiving_authority(_fields(context), departure.kind)
    return departure.destination_parts_for(authority=authority)


@register.simple_tag(takes_context=True)
def sees_field(context, name: str) -> bool:
    """May the reader see the person field ``name`` (a protection flag, say)?"""
    return name in _fields(context)


@register.simple_tag(takes_context=True)
def separation_reason_shown(context) -> bool:
    """May the reader read why a household was split (it tells a category, see
    :func:`muster.access.policy.shows_separation_reason`)?"""
    return policy.shows_separation_reason(_fields(context))


@register.simple_tag(takes_context=True)
def can(context, action: str) -> bool:
    """May the reader take ``action`` (a link to a page they would be refused is not drawn)?"""
    user = getattr(context.get("request"), "user", None)
    return bool(user and user.is_authenticated) and policy.can(user, action)
