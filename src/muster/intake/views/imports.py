"""Households submitted from KoboToolbox / ODK: the file uploaded, imported (while the officer
waits, or by the worker with its progress shown), and the per-row report."""

import io

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from muster.access.decorators import requires
from muster.audit import services as audit
from muster.core.conf import conf
from muster.core.errors import Message, errors_from
from muster.core.parsing import parse_id
from muster.core.spreadsheets import spreadsheet_csv
from muster.core.uploads import check_upload_size
from muster.custody.models import Facility
from muster.intake import services as intake
from muster.intake import tasks
from muster.intake.audit_actions import IntakeAction
from muster.intake.kobo import REPORT_COLUMNS, ImportFileError, read_export_data
from muster.intake.models import SubmissionImport
from muster.intake.views.reception import reception_points
from muster.intake.xlsform import write_xlsform

RECENT_IMPORTS = 20


STATUS_LABELS = {
    "ok": gettext_lazy("accepted"),
    "imported": gettext_lazy("imported"),
    "duplicate": gettext_lazy("duplicate"),
    "refused": gettext_lazy("refused"),
}


def _import_page(request, errors: dict, point_id, status: int = 200) -> HttpResponse:
    imports = SubmissionImport.objects.select_related("reception_point", "started_by")
    return render(
        request,
        "intake/import.html",
        {
            "points": reception_points(request.user),
            "point_id": point_id,
            "errors": errors,
            "imports": imports[:RECENT_IMPORTS],
            "in_request_max": conf().IMPORT_IN_REQUEST_MAX,
        },
        status=status,
    )


@requires("person.register")
def submissions_form(request: HttpRequest) -> HttpResponse:
    """The household form as an XLSForm, to upload to KoboToolbox or ODK Central: the same
    workbook as ``muster forms xlsform`` (every active reception point, so one version of the form
    whoever downloads it), and what this page imports back."""
    points = [
        (str(f.pk), f.name)
        for f in Facility.objects.filter(kind=Facility.Kind.RECEPTION_POINT, is_active=True)
    ]
    out = io.BytesIO()
    write_xlsform(out, points)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="muster-household-form.xlsx"'
    return response


@requires("person.register")
def submissions_import(request: HttpRequest) -> HttpResponse:
    """Upload an export of the household form; households are registered at the reception point
    each names, or at the one chosen (for those that name none: it is needed only when some do),
    through reception's service, and each row reported."""
    point_id = request.session.get("reception_point")
    if request.method != "POST":
        return _import_page(request, {}, point_id)
    errors: dict[str, list[str]] = {}
    points = reception_points(request.user)
    # Optional: the file's rows may each name their reception point.
    chosen = request.POST.get("reception_point", "").strip()
    point = points.filter(pk=parse_id(chosen) or 0).first() if chosen else None
    if chosen and point is None:
        errors["reception_point"] = [
            Message(_("choose the reception point where these households are"), "invalid")
        ]
    elif point is not None:
        point_id = point.pk
    upload = request.FILES.get("file")
    batch, data = None, b""
    if upload is None:
        errors["file"] = [
            Message(_("choose the exported file (XLSX, CSV, JSON or ODK Central zip)"), "required")
        ]
    else:
        try:
            check_upload_size(upload.size)
            data = upload.read()
            batch = read_export_data(upload.name, data)
        except ValidationError as exc:
            errors.update(errors_from(exc))
        except ImportFileError as exc:
            errors["file"] = [Message(str(exc), "unreadable_file")]
    if batch is not None and point is None and "reception_point" not in errors:
        unnamed = intake.rows_without_point(batch)
        if unnamed:
            message = ngettext(
                "row %(rows)s names no reception point: choose the reception point for it",
                "rows %(rows)s name no reception point: choose the reception point for them",
                len(unnamed),
            ) % {"rows": intake.rows_text(unnamed)}
            errors["reception_point"] = [Message(message, "required")]
    if errors:
        return _import_page(request, errors, point_id, status=400)
    if point is not None:
        request.session["reception_point"] = point.pk
    if len(batch.submissions) > conf().IMPORT_IN_REQUEST_MAX:
        run = intake.start_import(
            file_name=upload.name,
            reception_point=point,
            by=request.user,
            request=request,
            data=data,
        )
        tasks.queue_import(run)
    else:
        run = intake.start_import(
            file_name=upload.name, reception_point=point, by=request.user, request=request
        )
        intake.import_submissions(run, batch, by=request.user, request=request, points=points)
    return redirect("intake-import-detail", pk=run.pk)


# The page lists at most this many rows of a report, refusals first; the CSV has them all.
REPORT_ROWS_SHOWN = 500


_STATUS_ORDER = {"refused": 0, "duplicate": 1}


def _report_rows(run: SubmissionImport) -> list[dict]:
    rows = sorted(run.report, key=lambda r: _STATUS_ORDER.get(r.get("status"), 2))
    return [
        {**row, "label": STATUS_LABELS.get(row.get("status"), "")}
        for row in rows[:REPORT_ROWS_SHOWN]
    ]


def _screening_of(run: SubmissionImport) -> dict:
    """How the import's persons fared in screening, which runs as each chunk is registered (as at
    reception): the possible matches proposed for review (never merged), and the persons whose
    screening failed (screened again by the next re-screening of the registry)."""
    from muster.screening.models import Hit, ScreeningRun

    hits = Hit.objects.filter(person__household__imported_submission__submission_import=run)
    failed = ScreeningRun.objects.filter(
        kind=ScreeningRun.Kind.REGISTRATION,
        status=ScreeningRun.Status.FAILED,
        created_at__gte=run.started_at or run.created_at,
    )
    if run.finished_at is not None:
        failed = failed.filter(created_at__lte=run.finished_at)
    return {
        "hits": hits.count(),
        "unscreened": sum(failed.values_list("total", flat=True)),
    }


@requires("person.register")
def submissions_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One import: its progress while it runs (the partial is polled by htmx), then its report."""
    run = get_object_or_404(
        SubmissionImport.objects.select_related("reception_point", "started_by"), pk=pk
    )
    if request.headers.get("HX-Request") and not run.finished:
        return render(
            request, "intake/_import_run.html", {"run": run, "screening": _screening_of(run)}
        )
    if request.headers.get("HX-Request"):
        # Finished while the page polled: the whole page again, with its report.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    if run.report:
        # The report names households and the values that were refused: a read of personal data.
        audit.record(
            IntakeAction.IMPORT_READ, request=request, obj=run, detail={"rows": len(run.report)}
        )
    rows = _report_rows(run)
    context = {
        "run": run,
        "rows": rows,
        "more": len(run.report) - len(rows),
        "screening": _screening_of(run),
    }
    return render(request, "intake/import_detail.html", context)


@requires("person.register")
def submissions_import_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The per-row report as CSV (UTF-8, the columns of ``muster import --report``)."""
    run = get_object_or_404(SubmissionImport, pk=pk)
    content = spreadsheet_csv(
        REPORT_COLUMNS, ([row.get(c, "") for c in REPORT_COLUMNS] for row in run.report)
    )
    audit.record_export(
        {"export": "import_report", "import": run.pk, "rows": len(run.report)},
        obj=run,
        request=request,
    )
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-report.csv"'
    return response
