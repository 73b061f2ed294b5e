"""The API's JSON parser: DRF's, refusing with a 400 what DRF's would let through to a 500.

* A body nested deeper than :data:`MAX_DEPTH` (``[[[[...]]]]`` thousands deep makes the decoder raise
  ``RecursionError``, which DRF does not catch): no Muster body is more than a few levels deep.
* A lone surrogate (``"\\ud83d"``, valid JSON escaping, not a character): a choice field echoes the
  value in its error, and the answer then cannot be encoded as UTF-8. Refused here, naming the field,
  with the message DRF's text fields give.
"""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

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
        _refuse_surrogates(data)
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


def _printable(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _surrogate(text: str) -> str | None:
    return next((c for c in text if "\ud800" <= c <= "\udfff"), None)


def _refuse_surrogates(data) -> None:
    """A ValidationError naming the first field (``members[1].given_name``) holding a lone surrogate."""
    stack = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                name = f"{path}.{_printable(key)}" if path else _printable(key)
                if _surrogate(key):
                    stack.append((name, key))
                else:
                    stack.append((name, item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(value))
        elif isinstance(value, str) and (char := _surrogate(value)):
            message = _("Surrogate characters are not allowed: U+%(code)X.") % {"code": ord(char)}
            raise ValidationError({path or "non_field_errors": [message]})
