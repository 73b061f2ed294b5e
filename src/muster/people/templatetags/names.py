"""``{% load names %}``: a person's name in the other script, for templates/_name.html; ``isolate``
for a value put into a translated sentence (where a <bdi> cannot go)."""

from django import template

from muster.core.countries import choices as _country_choices
from muster.core.countries import country_name as _country_name
from muster.core.text import isolate as _isolate
from muster.core.text import local_name
from muster.people.search import other_script as _other_script

register = template.Library()


@register.filter
def other_script(person) -> str:
    return _other_script(person)


@register.filter
def isolate(value) -> str:
    return _isolate(value)


@register.filter
def country(code) -> str:
    """An ISO 3166 alpha-3 code as the reader reads it: "Iraq (IRQ)" (see muster.core.countries)."""
    return _country_name(code)


@register.simple_tag
def country_options() -> list[tuple[str, str]]:
    """The countries a form's datalist offers: (code, name in the reader's language)."""
    return _country_choices()


@register.filter
def place_name(place) -> str:
    """A facility (or a sitrep's facility row) by the name its reader reads (core.text.local_name)."""
    return local_name(place)
