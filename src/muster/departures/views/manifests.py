"""The manifest as files for the receiving side (CSV, XLSX, the signed PDF); every file is audited
with the persons it lists."""

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.access import policy
from muster.access.decorators import requires
from muster.audit import services as audit
from muster.departures import queries
from muster.departures.models import DepartureLine
from muster.departures.views.shared import departure_for, with_verification
from muster.people.search.keys import other_script
from muster.reports.exports import export_rows
from muster.web.forms import FIELD_LABELS

Outcome = DepartureLine.Outcome

MANIFEST_FIELDS = [
    "departure",
    "kind",
    "position",
    "number",
    "given_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "sex",
    "birth_year",
    "nationality",
    "nationality_verification",
    "household",
    "destination",
    "outcome",
    "note",
]


@requires("person.export")
def manifest_export(request: HttpRequest, number: str, fmt: str) -> HttpResponse:
    """The manifest for the receiving side, one row per person; the export event lists them all."""
    departure = departure_for(request, number, "person.export")
    if not policy.can(request.user, "departure.view"):
        audit.record_denied(request, "departure.view", obj=departure)
        raise Http404
    lines = with_verification(list(queries.manifest(departure).exclude(outcome=Outcome.WITHDRAWN)))
    # The name in the other script too, as the page shows it (a receiving side reads one script):
    # derived from the names, so only for a reader who sees them.
    visible = policy.person_fields(request.user)
    both_scripts = "given_name" in visible
    # A repatriation's receiving authority is for the repatriation officer alone.
    destination = departure.destination_text(
        authority=queries.shows_receiving_authority(visible, departure.kind)
    )
    fields = [*MANIFEST_FIELDS, "name_other_script"] if both_scripts else MANIFEST_FIELDS
    rows = (
        {
            "person_id": line.person_id,
            "departure": departure.number,
            "kind": departure.kind,
            "position": line.position,
            "number": line.person.number,
            "given_name": line.person.given_name,
            "father_name": line.person.father_name,
            "grandfather_name": line.person.grandfather_name,
            "family_name": line.person.family_name,
            "sex": line.person.sex,
            "birth_year": line.person.birth_year_value,
            "nationality": line.person.nationality,
            "nationality_verification": (
                f"{line.verification.outcome} {line.verification.nationality} "
                f"({line.verification.method})"
                if line.verification
                else ""
            ),
            "household": line.person.household.number if line.person.household_id else "",
            "destination": destination,
            "outcome": line.outcome,
            "note": line.note,
            "name_other_script": other_script(line.person) if both_scripts else "",
        }
        for line in lines
    )
    export = export_rows(
        request.user,
        rows,
        fields,
        fmt,
        export="departure.manifest",
        purpose=f"manifest {departure.number}",
        filters={"departure": departure.number},
        obj=departure,
        person_key="person_id",
        request=request,
    )
    response = HttpResponse(export.content, content_type=export.content_type)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="manifest-{departure.number}-{stamp}.{export.extension}"'
    )
    response["Cache-Control"] = "no-store"
    return response


# The PDF's columns: what a receiving side checks a person against at the door.
PDF_FIELDS = ["position", "number", "given_name", "father_name", "grandfather_name", "family_name",
              "sex", "birth_year", "nationality", "household", "outcome"]  # fmt: skip


@requires("person.export")
def manifest_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """The signed-manifest PDF (Arabic right to left, names in their own script), with WeasyPrint
    when it is installed (``muster[pdf]``); audited like the CSV and XLSX, persons listed."""
    from django.contrib.staticfiles import finders
    from django.template.loader import render_to_string

    from muster.reports.exports import allowed_fields

    departure = departure_for(request, number, "person.export")
    if not policy.can(request.user, "departure.view"):
        audit.record_denied(request, "departure.view", obj=departure)
        raise Http404
    try:
        from weasyprint import HTML
    except ImportError:  # an optional extra: the printable page is always there
        raise Http404(
            _("PDF output is not installed here: print the manifest page instead")
        ) from None
    kept, dropped = allowed_fields(request.user, PDF_FIELDS)
    # The name in the other script too, as the page and the CSV give it: a receiving side reads
    # one script (the Dutch ministry's copy had rows in Arabic letters only).
    if "given_name" in kept:
        kept.insert(kept.index("family_name") + 1 if "family_name" in kept else 3, "other_script")
    lines = list(queries.manifest(departure).exclude(outcome=Outcome.WITHDRAWN))
    labels = {
        **FIELD_LABELS, "position": "#", "number": _("Number"),
        "other_script": _("Name in the other script"), "birth_year": _("Born"),
        "household": _("Household"), "outcome": _("Outcome"),
    }  # fmt: skip

    def cell(line, f):
        p = line.person
        if f == "position":
            return line.position
        if f == "household":
            return p.household.number if p.household_id else ""
        if f == "birth_year":
            return p.birth_year_value
        if f == "outcome":
            return line.get_outcome_display()
        if f == "sex":
            return p.get_sex_display()
        if f == "other_script":
            return other_script(p)
        return getattr(p, f)

    def font(name: str) -> str:
        path = finders.find(f"muster/fonts/{name}")
        return f"file://{path}" if path else ""

    with transaction.atomic():
        html = render_to_string(
            "departures/manifest_pdf.html",
            {
                "departure": departure,
                "header": [labels[f] for f in kept],
                "rows": [[cell(line, f) for f in kept] for line in lines],
                "font_regular": font("noto-naskh-arabic-arabic-400-normal.woff2"),
                "font_bold": font("noto-naskh-arabic-arabic-700-normal.woff2"),
            },
            request=request,
        )
        content = HTML(string=html).write_pdf()
        audit.record_export(
            {
                "export": "departure.manifest",
                "purpose": f"manifest {departure.number}",
                "format": "pdf",
                "filters": {"departure": departure.number},
                "fields": kept,
                "dropped_fields": dropped,
                "rows": len(lines),
            },
            person_ids=[line.person_id for line in lines],
            actor=request.user,
            obj=departure,
            request=request,
        )
    response = HttpResponse(content, content_type="application/pdf")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="manifest-{departure.number}-{stamp}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response
