"""Reception pages: register a household on one page, the possible earlier registrations of the
person being typed, a late member added to a household, a document's machine-readable zone read as
it is scanned or typed; households submitted from KoboToolbox / ODK uploaded as a file, imported
(while the officer waits, or by the worker with its progress shown), and the per-row report. URL
names are in ``intake/urls.py``."""

import csv
import datetime as dt
import io
import json
import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from muster.access import policy
from muster.access.decorators import requires
from muster.access.lookup import refuse, visible_person
from muster.audit import services as audit
from muster.core.conf import conf
from muster.core.parsing import parse_id
from muster.core.text import isolate
from muster.core.uploads import check_upload_size
from muster.custody import services as custody
from muster.custody.models import Facility
from muster.intake import forms, tasks
from muster.intake import services as intake
from muster.intake.audit_actions import IntakeAction
from muster.intake.documents import fill_from_mrz
from muster.intake.kobo import REPORT_COLUMNS, ImportFileError, read_export_data
from muster.intake.models import SubmissionImport
from muster.intake.mrz import MRZError, parse_mrz
from muster.people.audit_actions import PeopleAction
from muster.people.models import PROTECTION_FLAGS, IdentityDocument, Person, Relationship, Sex
from muster.people.search import filter_by_name
from muster.people.validation import clean_household, clean_member
from muster.web.forms import error_summary, errors_from


def _reception_points(user):
    qs = Facility.objects.filter(kind=Facility.Kind.RECEPTION_POINT, is_active=True)
    scope = policy.facility_scope(user, "person.register")
    return qs if scope is None else qs.filter(pk__in=scope)


def _reception_context(request, rows, errors, point_id, override_reason="") -> dict:
    return {
        "rows": rows,
        "blank": forms.blank_member(),
        "errors": errors,
        "general_errors": [
            m
            for k, v in errors.items()
            if k in ("members", "__all__", "persons") or k.startswith("members[") and "." not in k
            for m in v
        ],
        "error_summary": error_summary(errors),
        "points": _reception_points(request.user),
        "point_id": point_id,
        "capacity_error": errors.get("facility"),
        "override_reason": override_reason,
        "sexes": Sex.choices,
        "relationships": Relationship.choices,
        "flags": list(PROTECTION_FLAGS.items()),
        "doc_types": IdentityDocument.Kind.choices,
        # A draft in the browser (static/muster/js/muster.js) lives no longer than a session can.
        "draft_max_age": int(conf().SESSION_MAX_HOURS * 3600),
    }


@requires("person.register")
def reception(request: HttpRequest) -> HttpResponse:
    """One page for a whole household: head first, members added inline, documents and flags."""
    point_id = request.session.get("reception_point")
    if request.method != "POST":
        rows = [forms.blank_member(head=True)]
        return render(request, "reception.html", _reception_context(request, rows, {}, point_id))

    members_raw = forms.parse_household(request.POST)[: forms.MAX_MEMBERS]
    errors: dict[str, list[str]] = {}
    for i, raw in enumerate(members_raw):
        raw["documents"] = raw["documents"][: forms.MAX_DOCUMENTS]
        for j, doc in enumerate(raw["documents"]):
            if problem := fill_from_mrz(doc):
                errors[f"members[{i}].documents[{j}].mrz"] = [problem]
    override_reason = request.POST.get("override_reason", "").strip()
    point = None
    raw_point = request.POST.get("reception_point", "")
    if parse_id(raw_point) is not None:
        point = _reception_points(request.user).filter(pk=parse_id(raw_point)).first()
    if point is None:
        errors["reception_point"] = [_("choose the reception point where you are registering")]
    else:
        point_id = point.pk
        request.session["reception_point"] = point.pk  # the officer stays at one table all day
    cleaned = None
    try:
        cleaned = clean_household(members_raw)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not errors:
        try:
            household = intake.register_household(
                cleaned,
                reception_point=point,
                by=request.user,
                request=request,
                override_reason=override_reason,
            )
        except ValidationError as exc:
            errors.update(errors_from(exc))
        else:
            head = household.members.order_by("id").first()
            messages.success(
                request,
                ngettext(
                    "Household %(h)s registered: %(n)d person at %(p)s.",
                    "Household %(h)s registered: %(n)d persons at %(p)s.",
                    household.members.count(),
                )
                % {
                    "h": isolate(household.number),
                    "n": household.members.count(),
                    "p": isolate(point.display_name),
                },
                extra_tags="clear-draft",
            )
            return redirect("person-detail", number=head.number)
    rows = forms.rows_for(members_raw, errors) or [forms.blank_member(head=True)]
    context = _reception_context(request, rows, errors, point_id, override_reason)
    return render(request, "reception.html", context, status=400)


@requires("person.register")
def reception_matches(request: HttpRequest) -> HttpResponse:
    """Possible earlier registrations of the person being typed (htmx, on leaving a name field).

    Given name plus at least one other name part, matched across scripts like the search page.
    """
    parts: dict[str, str] = {}
    born: dict[str, str] = {}
    for key, value in request.GET.items():
        if m := forms.MEMBER_NAME.match(key):
            parts[m[1]] = value.strip()[:200]
        elif m := forms.MEMBER_BORN.match(key):
            born[m[1]] = value.strip()[:20]
    given = parts.get("given_name", "")
    others = [parts.get(k, "") for k in ("father_name", "grandfather_name", "family_name")]
    matches = []
    if given and any(others) and policy.can(request.user, "person.search"):
        q = " ".join([given, *[o for o in others if o]])
        # A record already merged is not a separate person to offer; nor is someone whose age
        # cannot be this person's (a child for a 72-year-old).
        scoped = policy.scope_persons(
            request.user, Person.objects.filter(merged_into__isnull=True), "person.search"
        )
        year = forms.birth_year_typed(born)
        if year is not None:
            slack = forms.MATCH_YEAR_SLACK
            scoped = scoped.filter(
                Q(birth_year__isnull=True)
                | Q(birth_year__gte=year - slack, birth_year__lte=year + slack)
            )
        matches = list(
            filter_by_name(scoped, q).select_related("household").order_by("-registered_at")[:5]
        )
        audit.record_list(
            request,
            [p.pk for p in matches],
            action=PeopleAction.PERSON_SEARCH,
            length=len(q),
            results=len(matches),
            context="reception",
        )
    rows = []
    for p in matches:
        placement = custody.current_placement(p)
        rows.append({"person": p, "placement": placement})
    return render(request, "_matches.html", {"rows": rows})


@requires("person.register")
def household_add_member(request: HttpRequest, number: str) -> HttpResponse:
    """Register a late-arriving relative into this person's household, at a reception point."""
    person = visible_person(request, number)
    household = person.household
    if household is None or person.merged_into_id:
        raise refuse(request, person, "no household")
    point_id = request.session.get("reception_point")
    errors: dict[str, list[str]] = {}
    rows = [forms.blank_member()]
    if request.method == "POST":
        members_raw = forms.parse_household(request.POST)[:1] or [{}]
        raw = members_raw[0]
        raw["documents"] = raw.get("documents", [])[: forms.MAX_DOCUMENTS]
        point = None
        raw_point = request.POST.get("reception_point", "")
        if raw_point.isdigit():
            point = _reception_points(request.user).filter(pk=int(raw_point)).first()
        if point is None:
            errors["reception_point"] = [_("choose the reception point where you are registering")]
        else:
            point_id = point.pk
        cleaned = None
        try:
            cleaned = clean_member(raw)
        except ValidationError as exc:
            errors.update({f"members[0].{k}": v for k, v in exc.message_dict.items()})
        if not errors:
            try:
                added = intake.register_late_member(
                    household,
                    cleaned,
                    reception_point=point,
                    by=request.user,
                    request=request,
                    override_reason=request.POST.get("override_reason", ""),
                )
            except ValidationError as exc:
                errors.update(
                    {
                        (f"members[0].{k}" if k == "relationship_to_head" else k): v
                        for k, v in errors_from(exc).items()
                    }
                )
            else:
                messages.success(
                    request,
                    _("%(p)s added to household %(h)s.")
                    % {"p": added.number, "h": household.number},
                )
                return redirect("person-detail", number=added.number)
        rows = forms.rows_for(members_raw, errors)
    context = {
        **_reception_context(request, rows, errors, point_id),
        "person": person,
        "household": household,
    }
    return render(request, "people/add_member.html", context, status=400 if errors else 200)


# --- submissions from KoboToolbox / ODK ---------------------------------------------------------

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
            "points": _reception_points(request.user),
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
    points = _reception_points(request.user)
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
