"""``{% load names %}``: a person's name in the other script, for templates/_name.html."""

from django import template

from muster.people.search import other_script as _other_script

register = template.Library()


@register.filter
def other_script(person) -> str:
    return _other_script(person)
