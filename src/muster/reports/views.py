"""File exports: the coordinator's figures (with HXL hashtags), a facility's roll, a movement's manifest.

Every file goes through :func:`muster.reports.exports.export_rows`: policy-filtered, formula-safe, and
audited in the same transaction.
"""

import datetime as dt

from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation

from muster.access.decorators import requires
from muster.access.lookup import get_in_scope
from muster.core.text import LOCAL_NAME_FIELDS
from muster.custody import services as custody
from muster.custody.models import Facility, Movement, Placement, RollCall, RollCallLine
from muster.people.models import Person
from muster.reports import pdf
from muster.reports.dashboard import FilterError, default_filters, parse_filters
from muster.reports.dashboard import build as build_dashboard
from muster.reports.exports import (
    export_rows,
    may_export_manifest,
    may_export_roll,
    may_export_sitrep,
)
from muster.reports.hxl import SITREP_FIELDS, SITREP_HXL, sitrep_rows
from muster.reports.picture import charts_for, headline_scope
from muster.reports.sitrep import situation_report
from muster.screening.models import CategoryDecision

ROLL_FIELDS = [
    "number",
    "given_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "sex",
    "birth_year",
    "nationality",
    "category",
    "placed_since",
]
# The key of each row that carries the person's id into the export's audit event (not a column).
PERSON_ID = "person_id"


def _file(export, stem: str) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{stamp}.{export.extension}"'
    response["Cache-Control"] = "no-store"
    return response


@requires("report.export")
def sitrep_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Occupancy against capacity per facility, one row each, with HXL hashtags for partners."""
    rows = sitrep_rows(situation_report())
    export = export_rows(
        request.user,
        rows,
        SITREP_FIELDS,
        fmt,
        export="sitrep",
        purpose="situation report",
        action="report.export",
        hxl=SITREP_HXL,
        request=request,
    )
    return _file(export, "muster-sitrep")


def _facility_in_scope(request: HttpRequest, pk: int) -> Facility:
    return get_in_scope(
        request,
        Facility.objects.all(),
        allowed=lambda f: may_export_roll(request.user, f.pk),
        reason="facility outside scope",
        pk=pk,
    )


@requires("person.export")
def facility_roll_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Everyone at a facility now: the list a roll call is reconciled against."""
    facility = _facility_in_scope(request, pk)
    category = CategoryDecision.objects.filter(person=OuterRef("person"), is_current=True).values(
        "category"
    )[:1]
    placements = (
        Placement.objects.filter(facility=facility, is_current=True, state=Placement.State.PLACED)
        .select_related("person")
        .annotate(category=Subquery(category))
        .order_by("person__family_name", "person__given_name", "person__number")
    )
    rows = (
        _person_row(pl.person, category=pl.category, placed_since=pl.started_at)
        for pl in placements
    )
    return _persons_file(
        request,
        rows,
        ROLL_FIELDS,
        fmt,
        export="facility.roll",
        purpose=f"roll of facility {facility.pk}",
        filters={"facility": facility.pk},
        obj=facility,
        stem=f"roll-{facility.pk}",
    )


@requires("person.export")
def manifest_export(request: HttpRequest, number: str, fmt: str) -> HttpResponse:
    """A movement's manifest, person by person, with each person's receipt outcome."""
    movement = get_in_scope(
        request,
        Movement.objects.all(),
        allowed=lambda m: may_export_manifest(request.user, m),
        reason="movement outside scope",
        number=number,
    )
    # In manifest order (as dispatched, the order people are called to the bus), each row carrying
    # the movement: from, to, vehicle and time, in local time with its offset.
    lines = movement.lines.select_related("person").order_by("id")
    about = {
        "movement": movement.number,
        "from_facility": movement.from_facility.name,
        "to_facility": movement.to_facility.name,
        "vehicle": movement.vehicle,
        "dispatched_at": timezone.localtime(movement.dispatched_at).isoformat(timespec="minutes"),
    }
    rows = (
        _person_row(
            line.person,
            **about,
            outcome=line.get_outcome_display(),
            resolved_at=timezone.localtime(line.resolved_at).isoformat(timespec="minutes")
            if line.resolved_at
            else "",
        )
        for line in lines
    )
    fields = [*about, *(f for f in ROLL_FIELDS if f not in ("category", "placed_since"))] + [
        "outcome",
        "resolved_at",
    ]
    return _persons_file(
        request,
        rows,
        fields,
        fmt,
        export="movement.manifest",
        purpose=f"manifest {movement.number}",
        filters={"movement": movement.number},
        obj=movement,
        stem=f"manifest-{movement.number}",
    )


ROLL_CALL_NOT_SEEN_FIELDS = [
    "roll_call",
    "number",
    "given_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "sex",
    "birth_year",
    "household",
    "unaccompanied_child",
    "separated_child",
]


@requires("person.export")
def roll_call_not_seen_export(request: HttpRequest, number: str, fmt: str) -> HttpResponse:
    """Those on a closed roll call's list who were not seen (nor left meanwhile): the list the
    camp manager's staff go and look for."""
    roll_call = get_in_scope(
        request,
        RollCall.objects.select_related("facility"),
        allowed=lambda rc: may_export_roll(request.user, rc.facility_id),
        reason="roll call outside scope",
        number=number,
    )
    lines = custody.lines_with(roll_call, RollCallLine.Outcome.NOT_SEEN).order_by(
        "person__family_name", "person__given_name", "person__number"
    )
    rows = (
        _person_row(
            line.person,
            roll_call=roll_call.number,
            household=line.person.household.number if line.person.household else "",
            unaccompanied_child=line.person.unaccompanied_child,
            separated_child=line.person.separated_child,
        )
        for line in lines
    )
    return _persons_file(
        request,
        rows,
        ROLL_CALL_NOT_SEEN_FIELDS,
        fmt,
        export="rollcall.not_seen",
        purpose=f"not seen at roll call {roll_call.number}",
        filters={"roll_call": roll_call.number, "facility": roll_call.facility_id},
        obj=roll_call,
        stem=f"not-seen-{roll_call.number}",
    )


def _persons_file(request, rows, fields, fmt, *, stem: str, **about) -> HttpResponse:
    """A list of people (rows from :func:`_person_row`) as a file; its audit event lists their ids."""
    export = export_rows(
        request.user, rows, fields, fmt, person_key=PERSON_ID, request=request, **about
    )
    return _file(export, stem)


def _person_row(person: Person, **extra) -> dict:
    return {
        PERSON_ID: person.pk,
        "number": person.number,
        "given_name": person.given_name,
        "father_name": person.father_name,
        "grandfather_name": person.grandfather_name,
        "family_name": person.family_name,
        "sex": person.sex,
        "birth_year": person.birth_year_value,
        "nationality": person.nationality,
        # A time as the pages show it, in local time (a date and time cell in a workbook).
        **{
            k: (timezone.localtime(v) if isinstance(v, dt.datetime) else v)
            for k, v in extra.items()
        },
    }


# --- the situation dashboard and the printable sitrep ------------------------------------------


def _dashboard_filters(request: HttpRequest):
    """The filters asked for, or the defaults and the error naming the field that was wrong."""
    try:
        return parse_filters(request.GET), ""
    except FilterError as exc:
        # Named as the form names the field (From, To ...), not by its parameter.
        label = FILTER_LABELS.get(exc.field, exc.field)
        return default_filters(), f"{label}: {exc.message}"


FILTER_LABELS = {
    "date_from": translation.gettext_lazy("From"),
    "date_to": translation.gettext_lazy("To"),
    "facility": translation.gettext_lazy("Facility"),
    "governorate": translation.gettext_lazy("Governorate (P-code)"),
}


def _typed(request: HttpRequest, name: str) -> str:
    """What was typed in a filter, to mend: a governorate's P-code in capitals, a date as typed."""
    value = (request.GET.get(name) or "").strip()[:40]
    return value.upper() if name == "governorate" else value


@requires("report.view")
def dashboard(request: HttpRequest) -> HttpResponse:
    """Figures only, never a name or a registration number: charts with their numbers under each."""
    filters, error = _dashboard_filters(request)
    dash = build_dashboard(filters)
    query = request.GET.copy()
    query["language"] = translation.get_language()
    # The form shows what was typed where a filter was wrong (to mend, not to type again), else
    # the filters in effect.
    form = (
        {k: _typed(request, k) for k in FILTER_LABELS}
        if error
        else {
            "date_from": filters.date_from.isoformat(),
            "date_to": filters.date_to.isoformat(),
            "facility": str(filters.facility or ""),
            "governorate": filters.governorate,
        }
    )
    context = {
        "dash": dash,
        "headline_scope": headline_scope(dash),
        "filters": filters,
        "form": form,
        "filter_error": error,
        "charts": charts_for(dash),
        "all_facilities": Facility.objects.order_by("name").only(
            "pk", "name", *LOCAL_NAME_FIELDS.values()
        ),
        "generated_at": timezone.localtime(),
        "may_export": may_export_sitrep(request.user),
        "query": query.urlencode(),
    }
    return render(request, "reports/dashboard.html", context, status=400 if error else 200)


@requires("report.export")
def dashboard_pdf(request: HttpRequest) -> HttpResponse:
    """The printable sitrep (A4 PDF) for the dashboard's filters, in the page's language."""
    filters, error = _dashboard_filters(request)
    if error:  # the dashboard names the filter that is wrong, with what was typed, to mend
        return redirect(f"{reverse('dashboard')}?{request.GET.urlencode()}")
    language = request.GET.get("language") or translation.get_language()
    if language not in pdf.LANGUAGES:
        return HttpResponse(
            f"language: '{language[:20]}' is not one of {', '.join(pdf.LANGUAGES)}",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    try:
        content = pdf.sitrep_pdf(filters, language, user=request.user, request=request)
    except pdf.PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type="application/pdf")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="muster-sitrep-{stamp}-{language}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
