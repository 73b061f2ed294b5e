"""Reception pages: households submitted from KoboToolbox / ODK uploaded as a file, imported
(while the officer waits, or by the worker with its progress shown), and the per-row report; a
document's machine-readable zone read as it is scanned or typed on the reception form."""

import csv
import datetime as dt
import io
import json
import re

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from muster.access import policy
from muster.access.decorators import requires
from muster.audit import services as audit
from muster.core.conf import conf
from muster.core.parsing import parse_id
from muster.core.uploads import check_upload_size
from muster.intake import services as intake
from muster.intake import tasks
from muster.intake.kobo import REPORT_COLUMNS, ImportFileError, read_export_data
from muster.intake.models import SubmissionImport
from muster.intake.mrz import MRZError, parse_mrz

RECENT_IMPORTS = 20
STATUS_LABELS = {
    "ok": gettext_lazy("accepted"),
    "imported": gettext_lazy("imported"),
    "duplicate": gettext_lazy("duplicate"),
    "refused": gettext_lazy("refused"),
}


def _import_points(user):
    points = intake.reception_points()
    scope = policy.facility_scope(user, "person.register")
    return points if scope is None else points.filter(pk__in=scope)


def _import_page(request, errors: dict, point_id, status: int = 200) -> HttpResponse:
    imports = SubmissionImport.objects.select_related("reception_point", "started_by")
    return render(
        request,
        "intake/import.html",
        {
            "points": _import_points(request.user),
            "point_id": point_id,
            "errors": errors,
            "imports": imports[:RECENT_IMPORTS],
            "in_request_max": conf().IMPORT_IN_REQUEST_MAX,
        },
        status=status,
    )


@requires("person.register")
def submissions_import(request: HttpRequest) -> HttpResponse:
    """Upload an export of the household form; households are registered at the chosen reception
    point (those that name none) through reception's service, and each row reported."""
    point_id = request.session.get("reception_point")
    if request.method != "POST":
        return _import_page(request, {}, point_id)
    errors: dict[str, list[str]] = {}
    points = _import_points(request.user)
    point = points.filter(pk=parse_id(request.POST.get("reception_point", "")) or 0).first()
    if point is None:
        errors["reception_point"] = [_("choose the reception point where these households are")]
    else:
        point_id = point.pk
    upload = request.FILES.get("file")
    batch, data = None, b""
    if upload is None:
        errors["file"] = [_("choose the exported file (XLSX, CSV, JSON or ODK Central zip)")]
    else:
        try:
            check_upload_size(upload.size)
            data = upload.read()
            batch = read_export_data(upload.name, data)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        except ImportFileError as exc:
            errors["file"] = [str(exc)]
    if errors:
        return _import_page(request, errors, point_id, status=400)
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


def _report_rows(run: SubmissionImport) -> list[dict]:
    return [{**row, "label": STATUS_LABELS.get(row.get("status"), "")} for row in run.report]


@requires("person.register")
def submissions_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One import: its progress while it runs (the partial is polled by htmx), then its report."""
    run = get_object_or_404(
        SubmissionImport.objects.select_related("reception_point", "started_by"), pk=pk
    )
    if request.headers.get("HX-Request") and not run.finished:
        return render(request, "intake/_import_run.html", {"run": run})
    if request.headers.get("HX-Request"):
        # Finished while the page polled: the whole page again, with its report.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    if run.report:
        # The report names households and the values that were refused: a read of personal data.
        audit.record(
            "intake.import.read", request=request, obj=run, detail={"rows": len(run.report)}
        )
    return render(request, "intake/import_detail.html", {"run": run, "rows": _report_rows(run)})


@requires("person.register")
def submissions_import_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The per-row report as CSV (UTF-8, the columns of ``muster import --report``)."""
    run = get_object_or_404(SubmissionImport, pk=pk)
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=REPORT_COLUMNS, lineterminator="\n", extrasaction="ignore"
    )
    writer.writeheader()
    writer.writerows(run.report)
    audit.record_export(
        {"export": "import_report", "import": run.pk, "rows": len(run.report)},
        obj=run,
        request=request,
    )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-report.csv"'
    return response


_MRZ_FIELD = re.compile(r"^members\[(\d+)\]\.documents\[(\d+)\]\.mrz$")


@requires("person.register")
def reception_mrz(request: HttpRequest) -> HttpResponse:
    """What a document's machine-readable zone says, as the officer scans or types it (htmx).

    Every check digit is verified: a zone that passes fills the document (type, issuing state,
    number) and the person's empty fields (names, sex, nationality, date of birth) through
    ``data-mrz-fill`` (muster.js); one that fails is shown with the failed check and fills nothing.
    Nothing is stored or read from the registry here.
    """
    if request.method != "POST":
        return HttpResponse(status=405)
    found = next(
        ((m, v) for k, v in request.POST.items() if (m := _MRZ_FIELD.match(k))), (None, "")
    )
    match, text = found
    if match is None or not text.strip():
        return HttpResponse("")
    i, j = match[1], match[2]
    try:
        mrz = parse_mrz(text[:400])
    except MRZError as exc:
        return render(request, "intake/_mrz.html", {"error": str(exc)})
    fill, fill_empty = {}, {}
    if mrz.valid:
        doc = f"members[{i}].documents[{j}]."
        fill = {doc + k: v for k, v in mrz.document_fields().items()}
        fill_empty = {f"members[{i}].{k}": str(v) for k, v in mrz.person_fields().items()}
    today = dt.date.today()
    return render(
        request,
        "intake/_mrz.html",
        {
            "mrz": mrz,
            "fill": json.dumps(fill, ensure_ascii=False),
            "fill_empty": json.dumps(fill_empty, ensure_ascii=False),
            "expired": bool(mrz.expiry and mrz.expiry < today),
        },
    )
