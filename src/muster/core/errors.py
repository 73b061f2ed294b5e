"""A ValidationError flattened once for every door: pages, API responses and CLI lines."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: Fields the services name in refusals beyond a form's own (a form's labels come first).
_FIELD_LABELS = {
    "reason": _("Reason"),
    "note": _("Note"),
    "category": _("Category"),
    "legal_basis": _("Legal basis"),
    "decided_by": _("Officer"),
    "person": _("Person"),
    "status": _("Status"),
    "candidate": _("Candidate"),
    "facility": _("Facility"),
    "destination_name": _("Destination"),
    "best_interests": _("Best-interests determination"),
    "second_officer": _("Second caseworker"),
}

#: The key of errors that belong to no one field.
NON_FIELD = "__all__"


class Message(str):
    """A refusal's message, still carrying its stable code (``code``, "" when it has none).

    It is the message wherever text is wanted (a page, JSON, a log line); a page also puts the code
    on the element that shows it (``data-code``), so a program or a test reads the code, not the
    translated words.
    """

    code: str

    def __new__(cls, text: str, code: str | None = "") -> "Message":
        message = super().__new__(cls, text)
        message.code = code or ""
        return message


def errors_from(exc: ValidationError, non_field: str = NON_FIELD) -> dict[str, list[str]]:
    """A ValidationError as {field: [messages]} (``non_field`` for errors without a field); each
    message is a :class:`Message` keeping its code."""
    pairs = exc.error_dict.items() if hasattr(exc, "error_dict") else [(non_field, exc.error_list)]
    # Iterating one error yields its message with its parameters filled in, as message_dict does.
    return {field: [Message(text, e.code) for e in errors for text in e] for field, errors in pairs}


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


def field_label(field: str) -> str:
    """The reader's word for a field the services name in their refusals, "" for one it has none
    for: a page never shows a field's code ("person: …") in place of a word."""
    return str(_FIELD_LABELS.get(field, ""))


def flash_refusals(
    request, exc: ValidationError, label=field_label, non_field: str = NON_FIELD
) -> None:
    """A service's refusal as error messages for the next page: each names its field (``label``
    turns a field into the reader's words, falsy: the message alone; ``None``: every message
    alone) and carries its stable code, which the page puts on the message as ``data-code``
    (``refusal:<code>`` in its tags)."""
    from django.contrib import messages

    for field, msgs in errors_from(exc, non_field).items():
        name = "" if field == non_field or label is None else label(field) or field_label(field)
        for msg in msgs:
            text = f"{name}: {msg}" if name else msg
            messages.error(request, text, extra_tags=f"refusal:{msg.code}" if msg.code else "")
