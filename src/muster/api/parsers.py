"""The API's JSON parser: DRF's, refusing with a 400 what DRF's would let through to a 500.

* A body nested deeper than :data:`MAX_DEPTH` (``[[[[...]]]]`` thousands deep makes the decoder raise
  ``RecursionError``, which DRF does not catch): no Muster body is more than a few levels deep.
"""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

#: Levels of lists and objects a body may have (a household's members' fields are three).
MAX_DEPTH = 32


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        too_deep = ParseError(
            _("JSON parse error - nested more than %(n)d levels deep") % {"n": MAX_DEPTH}
        )
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise too_deep from None
        if not _shallow(data):
            raise too_deep
        return data


def _shallow(data) -> bool:
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                return False
            items = value.values() if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)
    return True
