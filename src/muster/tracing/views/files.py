"""Files: importing a list of the missing (with the per-row report as CSV), exporting PFIF."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.access.decorators import requires
from muster.audit import services as audit
from muster.core.conf import conf
from muster.core.errors import errors_from
from muster.core.spreadsheets import spreadsheet_csv
from muster.core.uploads import check_upload_size
from muster.tracing.models import (
    TracingRequest,
)
from muster.tracing.services import imports as tracing_imports
from muster.tracing.views.common import MANAGE

REPORT_KEY = "tracing_import_report"


@requires(MANAGE)
def import_file(request: HttpRequest) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    report = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors["file"] = [_("choose a file")]
        else:
            try:
                check_upload_size(upload.size)
                report = tracing_imports.import_requests(
                    upload.read(),
                    file_name=upload.name or "upload",
                    by=request.user,
                    office=request.POST.get("office", "")[:200],
                    request=request,
                )
            except ValidationError as exc:
                errors = errors_from(exc)
            else:
                request.session[REPORT_KEY] = {
                    "file": report.file_name[-200:],
                    "at": timezone.now().isoformat(),
                    "rows": report.rows(),
                }
    return render(
        request,
        "tracing/import.html",
        {
            "errors": errors,
            "report": report,
            "problems": [o for o in (report.outcomes if report else []) if o.outcome != "created"],
            "posted": request.POST,
        },
        status=400 if errors else 200,
    )


@requires(MANAGE)
def import_report(request: HttpRequest) -> HttpResponse:
    """The last import's per-row report, as CSV."""
    kept = request.session.get(REPORT_KEY)
    if not kept:
        messages.error(request, _("No import to report on: import a file first."))
        return redirect("tracing-import")
    # The rows name the file's references and the values refused: a file leaving, on the log.
    audit.record_export(
        {"export": "tracing-import-report", "file": kept["file"], "rows": len(kept["rows"])},
        request=request,
    )
    content = spreadsheet_csv(tracing_imports.REPORT_COLUMNS, kept["rows"])
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    name = kept["file"].rsplit(".", 1)[0].replace('"', "")[:80] or "import"
    response["Content-Disposition"] = f'attachment; filename="{name}-report.csv"'
    return response


@requires(MANAGE)
@transaction.atomic
def export_pfif(request: HttpRequest) -> HttpResponse:
    statuses = [s for s in request.GET.getlist("status") if s in TracingRequest.Status.values]
    qs = TracingRequest.objects.order_by("created_at", "id")
    if statuses:
        qs = qs.filter(status__in=statuses)
    xml = tracing_imports.export_pfif(
        qs,
        domain=conf().PFIF_DOMAIN,
        include_contacts=request.GET.get("contacts") == "1",
        include_notes=request.GET.get("notes") == "1",
        by=request.user,
        request=request,
        purpose="tracing page",
    )
    response = HttpResponse(xml, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tracing-requests-pfif.xml"'
    return response
