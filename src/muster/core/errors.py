"""A ValidationError flattened once for every door: pages, API responses and CLI lines."""

from django.core.exceptions import ValidationError

#: The key of errors that belong to no one field.
NON_FIELD = "__all__"


def errors_from(exc: ValidationError, non_field: str = NON_FIELD) -> dict[str, list[str]]:
    """A ValidationError as {field: [messages]} (``non_field`` for errors without a field)."""
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {non_field: exc.messages}


def one_line(exc: ValidationError) -> str:
    """The error as one line, ``field: message; other: message`` (a CLI's last words)."""
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)
