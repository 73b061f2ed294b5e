"""The departure form's fields per kind (labels, which are required) and reading its errors."""

from django.utils.translation import gettext_lazy as _

from muster.core.errors import errors_from  # noqa: F401 - the one way, re-exported for the views
from muster.departures.models import Kind
from muster.departures.services import REQUIRED

DETAIL_LABELS = {
    "destination_name": _("Destination (village, town, hospital)"),
    "destination_pcode": _("Destination P-code"),
    "destination_country": _("Destination country (ISO 3166 alpha-3)"),
    "receiving_authority": _("Receiving authority"),
    "legal_basis": _("Legal basis"),
    "guarantor": _("Guarantor / sponsor"),
    "convoy": _("Convoy"),
    "planned_date": _("Planned date (YYYY-MM-DD)"),
    "note": _("Note"),
}
# Fields shown for each kind (required ones first); the others stay hidden.
SHOWN = {
    Kind.RETURN: (
        "destination_name",
        "destination_pcode",
        "convoy",
        "guarantor",
        "planned_date",
        "note",
    ),
    Kind.REPATRIATION: (
        "destination_country",
        "receiving_authority",
        "destination_name",
        "planned_date",
        "note",
    ),
    Kind.HANDOVER: (
        "receiving_authority",
        "legal_basis",
        "destination_country",
        "destination_name",
        "planned_date",
        "note",
    ),
    Kind.RELEASE: ("guarantor", "destination_name", "destination_pcode", "planned_date", "note"),
    Kind.REUNIFICATION: ("guarantor", "destination_name", "destination_pcode", "note"),
    Kind.MEDICAL: (
        "destination_name",
        "destination_country",
        "receiving_authority",
        "planned_date",
        "note",
    ),
}


def kind_fields(kind: str, posted) -> list[dict]:
    return [
        {
            "name": name,
            "label": DETAIL_LABELS[name],
            "value": posted.get(name, ""),
            "required": name in REQUIRED.get(kind, ()),
        }
        for name in SHOWN.get(kind, SHOWN[Kind.RETURN])
    ]
