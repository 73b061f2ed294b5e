"""A ValidationError flattened once for every door: pages, API responses and CLI lines."""

from django.core.exceptions import ValidationError

#: The key of errors that belong to no one field.
NON_FIELD = "__all__"


def errors_from(exc: ValidationError, non_field: str = NON_FIELD) -> dict[str, list[str]]:
    """A ValidationError as {field: [messages]} (``non_field`` for errors without a field)."""
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {non_field: exc.messages}


def codes_from(exc: ValidationError, non_field: str = NON_FIELD) -> dict[str, list[str]]:
    """The stable codes of a ValidationError as {field: [codes]}, fields without a code left out.

    A program reads these instead of the messages, which are translated and may be reworded.
    """
    pairs = exc.error_dict.items() if hasattr(exc, "error_dict") else [(non_field, exc.error_list)]
    out: dict[str, list[str]] = {}
    for field, errors in pairs:
        found = [e.code for e in errors if e.code]
        if found:
            out[field] = found
    return out


def one_line(exc: ValidationError) -> str:
    """The error as one line, ``field: message; other: message`` (a CLI's last words)."""
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)
