"""``{% load names %}``: a person's name in the other script, for templates/_name.html; ``isolate``
for a value put into a translated sentence (where a <bdi> cannot go)."""

from django import template

from muster.core.text import isolate as _isolate
from muster.people.search import other_script as _other_script

register = template.Library()


@register.filter
def other_script(person) -> str:
    return _other_script(person)


@register.filter
def isolate(value) -> str:
    return _isolate(value)
