"""Departure pages: the list, planning a batch by filters, the manifest (printable, CSV/XLSX), approval,
dispatch, confirmation person by person or from the receiving side's sheet, discrepancies; a person's
nationality verification and a death. Thin: parse, call a service, render; every page that shows
persons is audited, every file goes through :func:`muster.reports.exports.export_rows`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.access import policy
from muster.access.decorators import requires
from muster.access.lookup import refuse
from muster.audit import services as audit
from muster.core.paging import paginate
from muster.core.parsing import parse_id, parse_ids
from muster.custody.models import Facility
from muster.departures import queries, services
from muster.departures.audit_actions import DeparturesAction
from muster.departures.forms import DETAIL_LABELS, errors_from, kind_fields
from muster.departures.models import Departure, DepartureLine, Kind, NationalityVerification
from muster.departures.receipts import ReceiptFileError
from muster.people.audit_actions import PeopleAction
from muster.people.models import Person
from muster.reports.exports import export_rows
from muster.screening.models import Category

Outcome = DepartureLine.Outcome
MAX_PREVIEW = 2000
# Errors about who may leave, shown above the form; the others sit by their field.
REFUSALS = (
    "held",
    "protection_review",
    "nationality",
    "persons",
    "kind",
    "separation_reason",
    "__all__",
)


def _may_see_names(user) -> bool:
    return "given_name" in policy.person_fields(user)


def _departure_for(request: HttpRequest, number: str, action: str) -> Departure:
    departure = get_object_or_404(Departure.objects.select_related("from_facility"), number=number)
    if not policy.may_act_at(request.user, action, departure.from_facility_id):
        raise refuse(request, departure, "departure outside scope")
    return departure


@requires("departure.view")
def departure_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")[:20]
    status = request.GET.get("status", "")[:20]
    scope = policy.facility_scope(request.user, "departure.view")
    page = paginate(request, queries.departures(kind=kind, status=status, facilities=scope))
    context = {
        "page": page,
        "kind": kind,
        "status": status,
        "kinds": Kind.choices,
        "statuses": Departure.Status.choices,
        "may_manage": policy.can(request.user, "departure.manage"),
        "counts": queries.sitrep_counts(),
    }
    return render(request, "departures/list.html", context)


def _facilities_for(user, action: str):
    scope = policy.facility_scope(user, action)
    qs = Facility.objects.filter(is_active=True).order_by("kind", "name")
    return qs if scope is None else qs.filter(pk__in=scope)


@requires("departure.manage")
def departure_new(request: HttpRequest) -> HttpResponse:
    """Choose persons by filters (whole households by default), review the list, give the kind's
    details, plan. The refusal rules answer on this page, naming the persons and the reason."""
    user = request.user
    data = request.POST if request.method == "POST" else request.GET
    facilities = _facilities_for(user, "departure.manage")
    facility = facilities.filter(pk=parse_id(data.get("from_facility", "")) or 0).first()
    kind = data.get("kind", "") if data.get("kind", "") in Kind.values else Kind.RETURN
    filters = {
        "nationality": data.get("nationality", "").strip()[:3],
        "category": data.get("category", "")[:20],
        "households": data.get("households", "")[:5000],
        "numbers": data.get("numbers", "")[:20000],
        "whole_households": data.get("whole_households", "on" if request.method == "GET" else ""),
    }
    errors: dict[str, list[str]] = {}
    candidates = []
    if facility is not None and (
        filters["nationality"] or filters["category"] or filters["households"] or filters["numbers"]
    ):
        candidates = list(
            queries.candidates(
                facility,
                nationality=filters["nationality"],
                category=filters["category"],
                households=filters["households"].replace(",", " ").split(),
                numbers=filters["numbers"].replace(",", " ").split(),
                whole_households=bool(filters["whole_households"]),
            ).select_related("household")[: MAX_PREVIEW + 1]
        )
    if request.method == "POST" and "plan" in request.POST:
        ids = parse_ids(request.POST.getlist("person"))
        persons = [p for p in candidates if p.pk in ids]
        if facility is None:
            errors["from_facility"] = [_("choose the facility they leave from")]
        elif len(persons) != len(ids):
            errors["persons"] = [_("some of the persons ticked are no longer at this facility")]
        else:
            try:
                departure = services.plan_departure(
                    persons,
                    kind=kind,
                    from_facility=facility,
                    details={k: request.POST.get(k, "") for k in DETAIL_LABELS},
                    separation_reason=request.POST.get("separation_reason", ""),
                    by=user,
                    request=request,
                )
            except ValidationError as exc:
                errors = errors_from(exc)
            else:
                messages.success(
                    request,
                    _("Departure %(d)s planned: %(n)d person(s).")
                    % {"d": departure.number, "n": len(persons)},
                )
                return redirect("departure-detail", number=departure.number)
    if candidates:
        audit.record_list(
            request,
            [p.pk for p in candidates[:MAX_PREVIEW]],
            action=DeparturesAction.DEPARTURE_CANDIDATES_LIST,
            obj=facility,
            rows=len(candidates),
            filters={k: bool(v) for k, v in filters.items()},
        )
    ticked = parse_ids(request.POST.getlist("person")) if request.method == "POST" else None
    context = {
        "facilities": facilities,
        "facility": facility,
        "kind": kind,
        "kinds": [c for c in Kind.choices if c[0] != Kind.REUNIFICATION],
        "categories": [*Category.choices, ("undecided", _("Not yet decided"))],
        "filters": filters,
        "candidates": candidates[:MAX_PREVIEW],
        "too_many": len(candidates) > MAX_PREVIEW,
        "ticked": ticked,
        "fields": kind_fields(kind, request.POST),
        "show_names": _may_see_names(user),
        "errors": errors,
        "refusals": [(k, m) for k, msgs in errors.items() if k in REFUSALS for m in msgs],
        "field_errors": [(k, m) for k, msgs in errors.items() if k not in REFUSALS for m in msgs],
        "posted": request.POST,
    }
    return render(request, "departures/new.html", context, status=400 if errors else 200)


def _with_verification(lines: list) -> list:
    """Each line with ``verification``: the person's latest nationality verification, or None."""
    latest = services.latest_verifications([line.person_id for line in lines])
    for line in lines:
        line.verification = latest.get(line.person_id)
    return lines


@requires("departure.view")
def departure_detail(request: HttpRequest, number: str) -> HttpResponse:
    departure = _departure_for(request, number, "departure.view")
    user = request.user
    lines = _with_verification(list(queries.manifest(departure)))
    show_names = _may_see_names(user)
    if show_names:
        audit.record_list(
            request,
            [line.person_id for line in lines],
            action=DeparturesAction.DEPARTURE_MANIFEST_READ,
            obj=departure,
            persons=len(lines),
        )
    may_manage = policy.may_act_at(user, "departure.manage", departure.from_facility_id)
    context = {
        "departure": departure,
        "lines": lines,
        "show_names": show_names,
        "may_manage": may_manage,
        "may_approve": policy.can(user, "departure.approve")
        and departure.status == Departure.Status.PLANNED
        and departure.created_by_id != user.pk,
        "may_export": policy.may_act_at(user, "person.export", departure.from_facility_id),
        "open": [line for line in lines if line.outcome in services.NEXT],
        "discrepancies": [line for line in lines if line.outcome in queries.DISCREPANCIES],
        "counts": _line_counts(lines),
        "confirm_choices": [
            (Outcome.RECEIVED, Outcome.RECEIVED.label),
            (Outcome.NOT_PRESENTED, Outcome.NOT_PRESENTED.label),
            (Outcome.REFUSED, Outcome.REFUSED.label),
            (Outcome.RETURNED, Outcome.RETURNED.label),
        ],
        "report": None,
        "errors": {},
    }
    return render(request, "departures/detail.html", context)


def _line_counts(lines) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.get_outcome_display()] = counts.get(line.get_outcome_display(), 0) + 1
    return sorted(counts.items())


def _act(request: HttpRequest, number: str, action: str, verb) -> HttpResponse:
    departure = _departure_for(request, number, action)
    try:
        verb(departure)
    except ValidationError as exc:
        for field, msgs in errors_from(exc).items():
            for m in msgs:
                messages.error(request, f"{DETAIL_LABELS.get(field, field)}: {m}")
    return redirect("departure-detail", number=departure.number)


@requires({"POST": "departure.approve"})
def departure_approve(request: HttpRequest, number: str) -> HttpResponse:
    def verb(d):
        services.approve_departure(d, by=request.user, request=request)
        messages.success(request, _("Departure %(d)s approved.") % {"d": d.number})

    return _act(request, number, DeparturesAction.DEPARTURE_APPROVE, verb)


@requires({"POST": "departure.manage"})
def departure_dispatch(request: HttpRequest, number: str) -> HttpResponse:
    def verb(d):
        services.dispatch_departure(d, by=request.user, request=request)
        messages.success(
            request,
            _("Departure %(d)s dispatched: each person awaits the receiving side's confirmation.")
            % {"d": d.number},
        )

    return _act(request, number, "departure.manage", verb)


@requires({"POST": "departure.manage"})
def departure_cancel(request: HttpRequest, number: str) -> HttpResponse:
    def verb(d):
        services.cancel_departure(
            d, reason=request.POST.get("reason", ""), by=request.user, request=request
        )
        messages.success(request, _("Departure %(d)s cancelled.") % {"d": d.number})

    return _act(request, number, "departure.manage", verb)


@requires({"POST": "departure.manage"})
def departure_confirm(request: HttpRequest, number: str) -> HttpResponse:
    """Outcomes entered from the signed manifest: ``outcome-<person id>`` and ``note-<person id>``;
    lines left blank are not touched."""

    def verb(d):
        outcomes = []
        for key, value in request.POST.items():
            if key.startswith("outcome-") and value:
                pid = parse_id(key.removeprefix("outcome-"))
                if pid is not None:
                    outcomes.append((pid, value, request.POST.get(f"note-{pid}", "")[:2000]))
        if not outcomes:
            raise ValidationError({"outcomes": [_("choose an outcome for at least one person")]})
        result = services.confirm(d, outcomes, by=request.user, request=request)
        messages.success(
            request,
            _("%(n)d person(s) confirmed on %(d)s.") % {"n": result.total, "d": d.number},
        )

    return _act(request, number, "departure.manage", verb)


@requires({"POST": "departure.manage"})
def departure_import(request: HttpRequest, number: str) -> HttpResponse:
    """The receiving side's sheet: a row-by-row report on the manifest page."""
    departure = _departure_for(request, number, "departure.manage")
    upload = request.FILES.get("file")
    errors: dict[str, list[str]] = {}
    report = None
    if upload is None:
        errors["file"] = [_("choose the receiving side's spreadsheet (CSV or XLSX)")]
    elif upload.size > 10 * 1024 * 1024:
        errors["file"] = [_("the file is larger than 10 MB")]
    else:
        try:
            report = services.import_receipt(
                departure,
                upload.read(),
                filename=upload.name or "",
                by=request.user,
                apply=request.POST.get("dry_run") != "on",
                request=request,
            )
        except ReceiptFileError as exc:
            errors["file"] = [str(exc)]
        except ValidationError as exc:
            errors = errors_from(exc)
    departure.refresh_from_db()
    lines = _with_verification(list(queries.manifest(departure)))
    context = {
        "departure": departure,
        "lines": lines,
        "show_names": _may_see_names(request.user),
        "may_manage": True,
        "may_export": policy.may_act_at(request.user, "person.export", departure.from_facility_id),
        "open": [line for line in lines if line.outcome in services.NEXT],
        "discrepancies": [line for line in lines if line.outcome in queries.DISCREPANCIES],
        "counts": _line_counts(lines),
        "report": report,
        "errors": errors,
    }
    if context["show_names"]:
        audit.record_list(
            request,
            [line.person_id for line in lines],
            action=DeparturesAction.DEPARTURE_MANIFEST_READ,
            obj=departure,
            persons=len(lines),
        )
    return render(request, "departures/detail.html", context, status=400 if errors else 200)


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
    departure = _departure_for(request, number, "person.export")
    if not policy.can(request.user, "departure.view"):
        audit.record_denied(request, "departure.view", obj=departure)
        raise Http404
    lines = _with_verification(list(queries.manifest(departure).exclude(outcome=Outcome.WITHDRAWN)))
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
            "destination": departure.destination,
            "outcome": line.outcome,
            "note": line.note,
        }
        for line in lines
    )
    export = export_rows(
        request.user,
        rows,
        MANIFEST_FIELDS,
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

    departure = _departure_for(request, number, "person.export")
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
    lines = list(queries.manifest(departure).exclude(outcome=Outcome.WITHDRAWN))
    labels = {
        "position": "#", "number": _("Number"), "given_name": _("given name"),
        "father_name": _("father's name"), "grandfather_name": _("grandfather's name"),
        "family_name": _("family / tribal name"), "sex": _("Sex"), "birth_year": _("Born"),
        "nationality": _("Nationality"), "household": _("Household"), "outcome": _("Outcome"),
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


@requires("departure.view")
def discrepancy_list(request: HttpRequest) -> HttpResponse:
    """Persons not presented, refused or found back, and those overdue: the follow-up list."""
    scope = policy.facility_scope(request.user, "departure.view")
    qs = queries.discrepancies()
    overdue = queries.unaccounted_lines()
    if scope is not None:
        qs = qs.filter(departure__from_facility_id__in=scope)
        overdue = overdue.filter(departure__from_facility_id__in=scope)
    page = paginate(request, qs)
    overdue = list(overdue[:500])
    show_names = _may_see_names(request.user)
    if show_names:
        audit.record_list(
            request,
            [line.person_id for line in [*page.object_list, *overdue]],
            action=DeparturesAction.DEPARTURE_DISCREPANCIES_LIST,
            rows=len(page.object_list) + len(overdue),
        )
    return render(
        request,
        "departures/discrepancies.html",
        {"page": page, "overdue": overdue, "show_names": show_names},
    )


def _person(request: HttpRequest, number: str) -> Person:
    person = get_object_or_404(Person, number=number)
    if not policy.scope_persons(request.user, Person.objects.filter(pk=person.pk)).exists():
        raise refuse(request, person, "person outside scope")
    return person


@requires("departure.manage")
@transaction.atomic
def person_nationality(request: HttpRequest, number: str) -> HttpResponse:
    """Record how the person's nationality was verified: document seen, interview, state's word."""
    person = _person(request, number)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            services.verify_nationality(
                [person],
                nationality=request.POST.get("nationality", ""),
                method=request.POST.get("method", ""),
                outcome=request.POST.get("outcome", "verified"),
                interview_note=request.POST.get("interview_note", ""),
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            errors = errors_from(exc)
        else:
            messages.success(request, _("Nationality verification recorded."))
            return redirect("person-nationality", number=person.number)
    audit.record(
        PeopleAction.PERSON_READ,
        request=request,
        obj=person,
        detail={"via": "web", "view": "nationality"},
    )
    context = {
        "person": person,
        "verifications": person.nationality_verifications.select_related(
            "verified_by", "document"
        ).order_by("-verified_at"),
        "documents": person.documents.all(),
        "methods": NationalityVerification.Method.choices,
        "outcomes": NationalityVerification.Outcome.choices,
        "lines": queries.lines_of(person),
        "errors": errors,
        "posted": request.POST,
    }
    return render(request, "departures/nationality.html", context, status=400 if errors else 200)


@requires("departure.manage")
def person_death(request: HttpRequest, number: str) -> HttpResponse:
    person = _person(request, number)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            departure = services.record_death(
                person,
                details={
                    "death_source": request.POST.get("death_source", ""),
                    "death_date": request.POST.get("death_date", ""),
                    "note": request.POST.get("note", ""),
                },
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            errors = errors_from(exc)
        else:
            messages.success(request, _("Death recorded (%(d)s).") % {"d": departure.number})
            return redirect("person-detail", number=person.number)
    audit.record(
        PeopleAction.PERSON_READ,
        request=request,
        obj=person,
        detail={"via": "web", "view": "death"},
    )
    return render(
        request,
        "departures/death.html",
        {"person": person, "errors": errors, "posted": request.POST},
        status=400 if errors else 200,
    )
