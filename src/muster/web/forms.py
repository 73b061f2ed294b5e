"""What every page's form shares: the field labels, the error summary, errors as a dict.

The app-specific forms live with their pages (``intake/forms.py``, ``people/forms.py``).
"""

import re

from django.forms.utils import ErrorList
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from muster.core.errors import errors_from
from muster.people.models import PROTECTION_FLAGS

__all__ = ["FIELD_LABELS", "CodedErrorList", "error_summary", "errors_from"]

FIELD_LABELS = {
    "given_name": _("Given name"),
    "father_name": _("Father's name"),
    "grandfather_name": _("Grandfather's name"),
    "family_name": _("Family / tribal name"),
    "mother_name": _("Mother's name"),
    "alias": _("Alias / kunya"),
    "sex": _("Sex"),
    "date_of_birth": _("Date of birth"),
    "birth_year": _("Year of birth"),
    "estimated_age": _("Estimated age"),
    "nationality": _("Nationality"),
    "place_of_origin": _("Place of origin"),
    "relationship_to_head": _("Relationship to head"),
    "doc_type": _("Document type"),
    "number": _("Document number"),
    "issuing_country": _("Issuing country"),
    "expires_on": _("Expiry date"),
    "reception_point": _("Reception point"),
    "category": _("Category"),
    "reason": _("Reason"),
    "legal_basis": _("Legal basis"),
    "basis": _("Basis for 'held': what was established, and by whom"),
    **PROTECTION_FLAGS,
}


def error_summary(errors: dict[str, list[str]]) -> list[dict]:
    """One line per error, in form order, each linking to the person's part of the form and naming
    the field to focus (static/muster/js/muster.js), with the error's stable code if it has one."""
    out = []
    for key, messages in errors.items():
        m = re.match(r"^members\[(\d{1,3})\](?:\.(?:documents\[\d{1,3}\]\.)?(\w+))?$", key)
        if m:
            i = int(m[1])
            where = _("Person %(n)d") % {"n": i + 1}
            label = FIELD_LABELS.get(m[2] or "", m[2] or "")
            anchor, target = f"member-{i}", key
        else:
            anchor = "" if key == "__all__" else f"f-{key}"
            where, label, target = "", FIELD_LABELS.get(key, ""), key
        for message in messages:
            out.append(
                {
                    "text": " · ".join(str(x) for x in (where, label, message) if x),
                    "anchor": anchor,
                    "field": target,
                    "order": (int(m[1]) if m else -1),
                    "code": getattr(message, "code", ""),
                }
            )
    return sorted(out, key=lambda e: e["order"])


class CodedErrorList(ErrorList):
    """A Django form's errors as a list whose items carry their stable code (``data-code``), like
    the errors of the other pages (``_err.html``)."""

    def render(self, template_name=None, context=None, renderer=None):
        if not self.data:
            return ""
        items = format_html_join(
            "",
            "<li{}>{}</li>",
            (
                (format_html(' data-code="{}"', error.code) if error.code else "", message)
                for error in self.as_data()
                for message in error
            ),
        )
        return format_html('<ul class="{}">{}</ul>', self.error_class, items)

    __str__ = __html__ = render
