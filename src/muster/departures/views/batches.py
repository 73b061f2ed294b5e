"""A departure batch's pages: the list, planning by filters, the manifest page, and the steps
approval, dispatch and cancellation."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from muster.access import policy
from muster.access.decorators import requires
from muster.access.lookup import may_see_names
from muster.access.projection import mark_tracing_interest
from muster.audit import services as audit
from muster.core.errors import Message
from muster.core.paging import paginate
from muster.core.parsing import parse_id, parse_ids
from muster.core.text import PLURAL_SAMPLES
from muster.custody.models import Facility
from muster.departures import queries, services
from muster.departures.audit_actions import DeparturesAction
from muster.departures.forms import DETAIL_LABELS, errors_from, kind_fields
from muster.departures.models import Departure, DepartureLine, Kind
from muster.departures.views.shared import (
    act_on,
    departure_for,
    line_counts,
    with_verification,
)
from muster.people.models import Person
from muster.people.validation import NATIONALITY_MAX, read_country
from muster.screening.models import Category

Outcome = DepartureLine.Outcome
FILTER_LABELS = {
    "nationality": gettext_lazy("Nationality"),
    "from_facility": gettext_lazy("From facility"),
}
MAX_PREVIEW = 2000
# Errors about who may leave, shown above the form; the others sit by their field.
REFUSALS = (
    "held",
    "protection_review",
    "persons",
    "kind",
    "__all__",
)
# Fields of the page's own (not a kind's details) whose errors sit beside them.
BESIDE = ("from_facility", "nationality", "separation_reason")


@requires("departure.view")
def departure_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")[:20]
    status = request.GET.get("status", "")[:20]
    facility_id = parse_id(request.GET.get("facility", ""))
    scope = policy.facility_scope(request.user, "departure.view")
    # The facility they leave from, within the reader's scope (another's lists nothing).
    shown = scope
    if facility_id is not None:
        shown = {facility_id} if scope is None else {facility_id} & scope
    reunions = policy.reunification_scope(request.user)
    listed = queries.without_hidden_reunifications(
        queries.departures(kind=kind, status=status, facilities=shown), reunions
    )
    page = paginate(request, listed)
    context = {
        "page": page,
        "kind": kind,
        "status": status,
        "facility_id": facility_id,
        "facilities": queries.departure_facilities(scope),
        # No "reunification" to filter by for a role that is shown none.
        "kinds": [c for c in Kind.choices if reunions != set() or c[0] != Kind.REUNIFICATION],
        "statuses": Departure.Status.choices,
        "may_manage": policy.can(request.user, "departure.manage"),
        # Over the departures this reader's lists show, so the figures and the lists agree.
        "counts": queries.sitrep_counts(shown, reunions),
        # The situation report counts the reunifications too: the label says whether these do.
        "reunifications_counted": reunions is None,
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
        # As typed: a country's name in any language of the interface, or its code.
        "nationality": data.get("nationality", "").strip()[:NATIONALITY_MAX],
        "category": data.get("category", "")[:20],
        "households": data.get("households", "")[:5000],
        "numbers": data.get("numbers", "")[:20000],
        # On by default; off when the officer's own filter form (``chosen``) left it unticked.
        "whole_households": data.get(
            "whole_households", "on" if request.method == "GET" and "chosen" not in data else ""
        ),
    }
    errors: dict[str, list[str]] = {}
    candidates = []
    typed = {
        "households": filters["households"].replace(",", " ").upper().split(),
        "numbers": filters["numbers"].replace(",", " ").upper().split(),
    }
    nationality = read_country(filters["nationality"])
    if nationality is None:
        errors["nationality"] = [
            Message(
                _("'%(v)s' is not a country Muster knows: type its name or code (e.g. Iraq, IRQ)")
                % {"v": filters["nationality"]},
                "not_a_country",
            )
        ]
    if facility is not None and (
        filters["nationality"] or filters["category"] or filters["households"] or filters["numbers"]
    ):
        candidates = list(
            queries.candidates(
                facility,
                # A country not known chooses nobody (its error is beside the field).
                nationality=filters["nationality"] if nationality is None else nationality,
                category=filters["category"],
                households=typed["households"],
                numbers=typed["numbers"],
                whole_households=bool(filters["whole_households"]),
            ).select_related("household")[: MAX_PREVIEW + 1]
        )
        mark_tracing_interest(candidates, policy.person_fields(user))
    if request.method == "POST" and "plan" in request.POST:
        ids = parse_ids(request.POST.getlist("person"))
        persons = [p for p in candidates if p.pk in ids]
        if facility is None:
            errors["from_facility"] = [
                Message(_("choose the facility they leave from"), "required")
            ]
        elif len(persons) != len(ids):
            errors["persons"] = [
                Message(
                    _("some of the persons ticked are no longer at this facility"),
                    "not_at_facility",
                )
            ]
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
                    ngettext(
                        "Departure %(d)s planned: %(n)d person.",
                        "Departure %(d)s planned: %(n)d persons.",
                        len(persons),
                    )
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
    # A number typed that matched nobody is said, not dropped (a typing mistake, a person
    # elsewhere or already on a planned departure).
    found = {p.number for p in candidates} | {p.household.number for p in candidates if p.household}
    unmatched = [n for n in (*typed["numbers"], *typed["households"]) if n not in found]
    ticked = parse_ids(request.POST.getlist("person")) if request.method == "POST" else None
    context = {
        "facilities": facilities,
        "facility": facility,
        "kind": kind,
        "kinds": [c for c in Kind.choices if c[0] != Kind.REUNIFICATION],
        "categories": [*Category.choices, ("undecided", _("Not yet decided"))],
        "filters": filters,
        "nationality": nationality,
        "candidates": candidates[:MAX_PREVIEW],
        "too_many": len(candidates) > MAX_PREVIEW,
        "unmatched": unmatched
        if facility is not None and not len(candidates) > MAX_PREVIEW
        else [],
        "ticked": ticked,
        "fields": [
            {**f, "errors": errors.get(f["name"], [])} for f in kind_fields(kind, request.POST)
        ],
        "show_names": may_see_names(user),
        "errors": errors,
        "refusals": [(k, m) for k, msgs in errors.items() if k in REFUSALS for m in msgs],
        # Named by the label the officer sees, not the field's code (destination_country).
        "field_errors": [
            (k, DETAIL_LABELS.get(k, FILTER_LABELS.get(k, k)), m)
            for k, msgs in errors.items()
            if k not in REFUSALS and k not in BESIDE and k not in DETAIL_LABELS
            for m in msgs
        ],
        "posted": request.POST,
    }
    return render(request, "departures/new.html", context, status=400 if errors else 200)


@requires("departure.view")
def departure_detail(request: HttpRequest, number: str) -> HttpResponse:
    return manifest_page(request, departure_for(request, number, "departure.view"))


def manifest_page(
    request: HttpRequest,
    departure: Departure,
    *,
    report=None,
    errors: dict | None = None,
    posted: dict[int, tuple[str, str]] | None = None,
    beside: dict[int, list] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The manifest page (its read audited), also as the answer to a confirmation or an import of
    the receiving side's sheet: ``posted`` is what the officer chose and typed per person
    (``{person id: (outcome, note)}``), shown again when the confirmation was refused, and
    ``beside`` the refusals of a line's note, by person id, told at that note."""
    user = request.user
    lines = with_verification(list(queries.manifest(departure)))
    posted, beside = posted or {}, beside or {}
    for line in lines:
        line.posted_outcome, line.posted_note = posted.get(line.person_id, ("", ""))
        line.note_errors = beside.get(line.person_id, [])
    show_names = may_see_names(user)
    if show_names:
        audit.record_list(
            request,
            [line.person_id for line in lines],
            action=DeparturesAction.DEPARTURE_MANIFEST_READ,
            obj=departure,
            persons=len(lines),
        )
    may_manage = policy.may_act_at(user, "departure.manage", departure.from_facility_id)
    # Who on the convoy a tracing caseworker is working on (the bare flag, for the roles that
    # may see it: access.policy.TRACING_INTEREST_FIELDS).
    mark_tracing_interest([line.person for line in lines], policy.person_fields(user))
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
        "counts": line_counts(lines),
        "confirm_choices": [
            (Outcome.RECEIVED, Outcome.RECEIVED.label),
            (Outcome.NOT_PRESENTED, Outcome.NOT_PRESENTED.label),
            (Outcome.REFUSED, Outcome.REFUSED.label),
            (Outcome.RETURNED, Outcome.RETURNED.label),
        ],
        "report": report,
        "errors": errors or {},
        "plural_samples": PLURAL_SAMPLES,
        # The persons whose page the reader may open: a camp's manager follows those still
        # leaving the camp, not those the other side received (out of the camp's care: their
        # link answered "Not found").
        "openable": set(
            policy.scope_persons(
                user, Person.objects.filter(pk__in=[line.person_id for line in lines])
            ).values_list("pk", flat=True)
        ),
    }
    return render(request, "departures/detail.html", context, status=status)


@requires({"POST": "departure.approve"})
def departure_approve(request: HttpRequest, number: str) -> HttpResponse:
    def verb(d):
        services.approve_departure(d, by=request.user, request=request)
        messages.success(request, _("Departure %(d)s approved.") % {"d": d.number})

    return act_on(request, number, DeparturesAction.DEPARTURE_APPROVE, verb)


@requires({"POST": "departure.manage"})
def departure_dispatch(request: HttpRequest, number: str) -> HttpResponse:
    def verb(d):
        services.dispatch_departure(d, by=request.user, request=request)
        messages.success(
            request,
            _("Departure %(d)s dispatched: each person awaits the receiving side's confirmation.")
            % {"d": d.number},
        )

    return act_on(request, number, "departure.manage", verb)


@requires({"POST": "departure.manage"})
def departure_cancel(request: HttpRequest, number: str) -> HttpResponse:
    def verb(d):
        services.cancel_departure(
            d, reason=request.POST.get("reason", ""), by=request.user, request=request
        )
        messages.success(request, _("Departure %(d)s cancelled.") % {"d": d.number})

    return act_on(request, number, "departure.manage", verb)
