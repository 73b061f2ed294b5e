"""The receiving side's word: outcomes confirmed person by person or from its sheet, and the
discrepancies left to follow up."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from muster.access import policy
from muster.access.decorators import requires
from muster.access.lookup import may_see_names
from muster.audit import services as audit
from muster.core.errors import Message, flash_refusals
from muster.core.paging import paginate
from muster.core.parsing import parse_id
from muster.departures import queries, services
from muster.departures.audit_actions import DeparturesAction
from muster.departures.forms import DETAIL_LABELS, errors_from
from muster.departures.receipts import ReceiptFileError
from muster.departures.views.batches import manifest_page
from muster.departures.views.shared import (
    departure_for,
)


@requires({"POST": "departure.manage"})
def departure_confirm(request: HttpRequest, number: str) -> HttpResponse:
    """Outcomes entered from the signed manifest: ``outcome-<person id>`` and ``note-<person id>``;
    lines left blank are not touched. A refusal confirms nobody and shows the manifest again with
    every outcome and note as the officer entered them."""
    departure = departure_for(request, number, "departure.manage")
    outcomes = []
    for key, value in request.POST.items():
        if key.startswith("outcome-") and value:
            pid = parse_id(key.removeprefix("outcome-"))
            if pid is not None:
                outcomes.append((pid, value, request.POST.get(f"note-{pid}", "")[:2000]))
    try:
        if not outcomes:
            raise ValidationError(
                {
                    "outcomes": ValidationError(
                        _("choose an outcome for at least one person"), code="nobody_selected"
                    )
                }
            )
        result = services.confirm(departure, outcomes, by=request.user, request=request)
    except ValidationError as exc:
        rest, beside = _notes_beside(exc)
        if rest is not None:
            flash_refusals(request, rest, label=DETAIL_LABELS.get)
        departure.refresh_from_db()
        posted = {pid: (outcome, note) for pid, outcome, note in outcomes}
        return manifest_page(request, departure, posted=posted, beside=beside, status=400)
    messages.success(
        request,
        ngettext(
            "%(n)d person confirmed on %(d)s.",
            "%(n)d persons confirmed on %(d)s.",
            result.total,
        )
        % {"n": result.total, "d": departure.number},
    )
    return redirect("departure-detail", number=departure.number)


def _notes_beside(exc: ValidationError) -> tuple[ValidationError | None, dict[int, list[Message]]]:
    """A refused confirmation as (what the page says above the manifest, or None; what it says
    beside a line's note, by person id): a note a line needs is told at its note, as other forms
    tell a refused field, the box marked; it was said only at the top of a long manifest."""
    if not hasattr(exc, "error_dict"):
        return exc, {}
    rest: dict[str, list[ValidationError]] = {}
    beside: dict[int, list[Message]] = {}
    for field, errors in exc.error_dict.items():
        for error in errors:
            person = (error.params or {}).get("person") if error.code == "note_required" else None
            if person is None:
                rest.setdefault(field, []).append(error)
            else:
                beside.setdefault(person, []).extend(Message(text, error.code) for text in error)
    return (ValidationError(rest) if rest else None), beside


@requires({"POST": "departure.manage"})
def departure_import(request: HttpRequest, number: str) -> HttpResponse:
    """The receiving side's sheet: a row-by-row report on the manifest page."""
    departure = departure_for(request, number, "departure.manage")
    upload = request.FILES.get("file")
    errors: dict[str, list[str]] = {}
    report = None
    if upload is None:
        errors["file"] = [
            Message(_("choose the receiving side's spreadsheet (CSV or XLSX)"), "required")
        ]
    elif upload.size > 10 * 1024 * 1024:
        errors["file"] = [Message(_("the file is larger than 10 MB"), "too_large")]
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
            errors["file"] = [Message(str(exc), "unreadable_file")]
        except ValidationError as exc:
            errors = errors_from(exc)
    departure.refresh_from_db()
    return manifest_page(
        request, departure, report=report, errors=errors, status=400 if errors else 200
    )


@requires("departure.view")
def discrepancy_list(request: HttpRequest) -> HttpResponse:
    """Persons not presented, refused or found back, and those overdue: the follow-up list."""
    scope = policy.facility_scope(request.user, "departure.view")
    qs = queries.discrepancies()
    overdue = queries.unaccounted_lines()
    if scope is not None:
        qs = qs.filter(departure__from_facility_id__in=scope)
        overdue = overdue.filter(departure__from_facility_id__in=scope)
    reunions = policy.reunification_scope(request.user)
    qs = queries.without_hidden_reunifications(qs, reunions, prefix="departure__")
    overdue = queries.without_hidden_reunifications(overdue, reunions, prefix="departure__")
    page = paginate(request, qs)
    overdue = list(overdue[:500])
    show_names = may_see_names(request.user)
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
