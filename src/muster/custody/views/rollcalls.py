"""Roll call pages: a facility's roll calls (and starting one), the count itself (a number typed or
scanned, or a tick in the list of those not yet seen, each answered at once), its close, and the
reconciliation a closed one shows.

The camp manager of the facility takes them (``rollcall.take``); a coordinator reads their figures
(``rollcall.view``), never who is on their lists.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from muster.access import policy
from muster.access.decorators import requires
from muster.access.lookup import facility_for, get_in_scope, may_see_names, search_persons
from muster.audit import services as audit
from muster.core.paging import paginate
from muster.core.parsing import parse_ids
from muster.core.text import PLURAL_SAMPLES, isolate
from muster.custody import services as custody
from muster.custody.audit_actions import CustodyAction
from muster.custody.models import RollCall, RollCallLine
from muster.people.models import PROTECTION_FLAGS, Person
from muster.protection.rules import is_child
from muster.reports.exports import may_export_roll
from muster.web.forms import errors_from

Outcome = RollCallLine.Outcome
LIST_SIZE = 100
# The reconciliation's lists, in the order their tabs show.
LISTS = (Outcome.NOT_SEEN, Outcome.ELSEWHERE, Outcome.LEFT, Outcome.ARRIVED, Outcome.SEEN)


def _may_take(user, facility_id: int) -> bool:
    return policy.may_act_at(user, "rollcall.take", facility_id)


def _shows_lists(user, facility) -> bool:
    """Who is on a roll call's lists: for the one who takes it, as far as they may list who is
    at the facility (never for a reader of figures)."""
    return _may_take(user, facility.pk) and policy.may_list_persons_at(user, facility)


def _roll_call(request: HttpRequest, number: str, action: str) -> RollCall:
    return get_in_scope(
        request,
        RollCall.objects.select_related("facility", "started_by", "closed_by"),
        allowed=lambda rc: policy.may_act_at(request.user, action, rc.facility_id),
        reason=f"roll call outside scope for {action}",
        number=number,
    )


@requires({"GET": "rollcall.view", "POST": "rollcall.take"})
def facility_roll_calls(request: HttpRequest, pk: int) -> HttpResponse:
    """A facility's roll calls with their figures, newest first; POST starts one."""
    action = "rollcall.take" if request.method == "POST" else "rollcall.view"
    facility = facility_for(request, pk, action)
    errors: dict = {}
    if request.method == "POST":
        try:
            roll_call = custody.start_roll_call(facility, by=request.user, request=request)
        except ValidationError as exc:
            errors = errors_from(exc)
        else:
            messages.success(
                request,
                ngettext(
                    "Roll call %(n)s started: %(m)d person on the list.",
                    "Roll call %(n)s started: %(m)d persons on the list.",
                    roll_call.expected,
                )
                % {"n": isolate(roll_call.number), "m": roll_call.expected},
            )
            return redirect("roll-call", number=roll_call.number)
    page = paginate(request, RollCall.objects.filter(facility=facility).order_by("-started_at"))
    for rc in page.object_list:
        rc.figures = custody.figures(rc)
    context = {
        "facility": facility,
        "page": page,
        "open": custody.open_roll_call(facility),
        "may_take": _may_take(request.user, facility.pk),
        "population": custody.population(facility),
        "errors": errors,
    }
    return render(request, "custody/roll_calls.html", context, status=400 if errors else 200)


def _decorate(request, persons: list[Person]) -> None:
    """The labels a list shows: the protection flags the reader may see, and whether a child."""
    fields = policy.person_fields(request.user)
    for p in persons:
        p.flag_labels = [PROTECTION_FLAGS[f] for f in p.protection_flags if f in fields]
        p.child = is_child(p)


def _unseen_page(request, roll_call: RollCall, q: str):
    qs = search_persons(request.user, custody.not_yet_seen(roll_call), q)
    page = paginate(
        request,
        qs.select_related("household").order_by("family_name", "given_name", "id"),
        LIST_SIZE,
    )
    _decorate(request, page.object_list)
    return page


@requires("rollcall.view")
def roll_call_detail(request: HttpRequest, number: str) -> HttpResponse:
    """An open roll call: progress, the field to type or scan numbers into, those not yet seen to
    tick, and its close. A closed one: its reconciliation, list by list."""
    roll_call = _roll_call(request, number, "rollcall.view")
    facility = roll_call.facility
    user = request.user
    shows_lists = _shows_lists(user, facility)
    q = request.GET.get("q", "").strip()[:200]
    context = {
        "roll_call": roll_call,
        "facility": facility,
        "figures": custody.figures(roll_call),
        "show_names": may_see_names(user),
        "shows_lists": shows_lists,
        "may_take": _may_take(user, facility.pk) and roll_call.is_open,
        "q": q,
        "page": None,
        "plural_samples": PLURAL_SAMPLES,
    }
    if shows_lists and roll_call.is_open:
        page = _unseen_page(request, roll_call, q)
        context["page"] = page
        if page.object_list:
            audit.record_list(
                request,
                [p.pk for p in page.object_list],
                action=CustodyAction.ROLL_CALL_PERSONS_LIST,
                obj=roll_call,
                outcome=str(Outcome.NOT_SEEN),  # not seen yet: the roll call is open
                page=page.number,
                rows=len(page.object_list),
                query_length=len(q),
            )
        if request.headers.get("HX-Request"):
            return render(request, "custody/_roll_call_unseen.html", context)
    elif shows_lists:
        shown = request.GET.get("list", Outcome.NOT_SEEN)
        shown = shown if shown in LISTS else Outcome.NOT_SEEN
        page = paginate(
            request,
            custody.lines_with(roll_call, shown)
            .select_related("found_movement__from_facility", "found_movement__to_facility")
            .order_by("person__family_name", "person__given_name", "person_id"),
            LIST_SIZE,
        )
        ids = [ln.person_id for ln in page.object_list]
        in_scope = set(
            policy.scope_persons(user, Person.objects.filter(pk__in=ids)).values_list(
                "pk", flat=True
            )
        )
        _decorate(request, [ln.person for ln in page.object_list])
        for ln in page.object_list:
            # Someone registered elsewhere is named to the reader only if in their scope; on
            # this facility's list they were here.
            ln.named = ln.on_list or ln.person_id in in_scope
            if shown in (Outcome.ELSEWHERE, Outcome.LEFT, Outcome.ARRIVED):
                ln.where = custody.whereabouts(ln, roll_call, detailed=ln.person_id in in_scope)
        if ids:
            audit.record_list(
                request,
                ids,
                action=CustodyAction.ROLL_CALL_PERSONS_LIST,
                obj=roll_call,
                outcome=str(shown),
                page=page.number,
                rows=len(ids),
            )
        context |= {
            "page": page,
            "shown": shown,
            "lists": [
                (o, Outcome(o).label, getattr(context["figures"], _FIGURE[o])) for o in LISTS
            ],
            "may_export": may_export_roll(user, facility.pk),
        }
    return render(request, "custody/roll_call.html", context)


# Which figure counts each list.
_FIGURE = {
    Outcome.NOT_SEEN: "not_seen",
    Outcome.ELSEWHERE: "not_on_list",
    Outcome.LEFT: "left",
    Outcome.ARRIVED: "arrived",
    Outcome.SEEN: "seen",
}


def answer_for(request, roll_call: RollCall, marked: custody.Marked) -> tuple[str, str]:
    """What a mark is answered with (:func:`custody.mark_answer`), told as far as the reader may
    be: a person outside their scope neither named nor placed."""
    person = marked.person
    in_scope = policy.scope_persons(request.user, Person.objects.filter(pk=person.pk)).exists()
    named = may_see_names(request.user) and (marked.line.on_list or in_scope)
    return custody.mark_answer(marked, roll_call, detailed=in_scope, named=named)


@requires("rollcall.take")
def roll_call_mark(request: HttpRequest, number: str) -> HttpResponse:
    """Mark seen: ``number`` (typed or scanned) or ``person`` (ids ticked in the list of those not
    yet seen). To htmx: the answer (a line for the scan's list, or the ticked row) with the
    figures a mark changes out of band (kept on the roll call: nothing is counted again); without
    script: back to the roll call's page with the answer."""
    roll_call = _roll_call(request, number, "rollcall.take")
    if request.method != "POST":
        return redirect("roll-call", number=roll_call.number)
    htmx = bool(request.headers.get("HX-Request"))
    typed = request.POST.get("number", "")
    answers: list[tuple[str, str, str]] = []  # (text, kind, code)
    marked_last = roll_call  # as the last mark left it: its kept counts
    ticked_rows = []
    scanned_rows = []
    try:
        if "number" in request.POST:
            person = custody.person_by_number(typed)
            if person is None:
                shown = typed.strip()[:20]
                text = (
                    _("unknown number: %(n)s. Check it and type it again.") % {"n": isolate(shown)}
                    if shown
                    else _("type or scan a registration number")
                )
                answers.append((text, "bad", "unknown_number" if shown else "required"))
            else:
                marked = custody.mark_seen(
                    roll_call, person, by=request.user, how="scan", request=request
                )
                marked_last = marked.roll_call
                text, kind = answer_for(request, roll_call, marked)
                answers.append((text, kind, marked.kind))
                # The list of those not yet seen on the officer's screen (its rows' ids):
                # the row of the person scanned says so too.
                if marked.line.on_list and person.pk in parse_ids(request.POST.getlist("shown")):
                    scanned_rows.append((marked.person, text, kind))
        else:
            # Only those on this roll call's list may be ticked: any other id gets no answer
            # naming anyone.
            ids = parse_ids(request.POST.getlist("person"))
            lines = roll_call.lines.filter(on_list=True, person_id__in=ids).select_related(
                "person__household"
            )
            persons = [ln.person for ln in lines]
            if not persons:
                answers.append((_("tick the persons first"), "bad", "nobody_selected"))
            for person in persons:
                marked = custody.mark_seen(
                    roll_call, person, by=request.user, how="tick", request=request
                )
                marked_last = marked.roll_call
                text, kind = answer_for(request, roll_call, marked)
                answers.append((text, kind, marked.kind))
                ticked_rows.append((person, text, kind))
    except ValidationError as exc:
        for field_errors in errors_from(exc).values():
            answers += [(str(m), "bad", getattr(m, "code", "")) for m in field_errors]
        marked_last.refresh_from_db()  # closed meanwhile, perhaps: its figures are the close's
    if not htmx:
        for text, kind, code in answers:
            level = {"ok": messages.SUCCESS, "warn": messages.WARNING}.get(kind, messages.ERROR)
            messages.add_message(request, level, text, extra_tags=f"refusal:{code}")
        back = {k: request.POST.get(f"back_{k}", "") for k in ("q", "page")}
        query = urlencode({k: v for k, v in back.items() if v})
        url = reverse("roll-call", kwargs={"number": roll_call.number})
        return redirect(url + (f"?{query}" if query else ""))
    context = {
        "roll_call": marked_last,
        "figures": custody.figures(marked_last, counted=False),
        "answers": answers,
        "rows": ticked_rows or scanned_rows,
        "oob": True,
    }
    template = "custody/_roll_call_ticked.html" if ticked_rows else "custody/_roll_call_answer.html"
    return render(request, template, context)


@requires("rollcall.take")
def roll_call_close(request: HttpRequest, number: str) -> HttpResponse:
    roll_call = _roll_call(request, number, "rollcall.take")
    if request.method == "POST":
        try:
            roll_call = custody.close_roll_call(
                roll_call, by=request.user, note=request.POST.get("note", ""), request=request
            )
        except ValidationError as exc:
            for field_errors in errors_from(exc).values():
                for m in field_errors:
                    messages.error(request, str(m), extra_tags=f"refusal:{getattr(m, 'code', '')}")
        else:
            messages.success(
                request,
                _("Roll call %(n)s closed: %(s)d seen, %(u)d not seen.")
                % {"n": isolate(roll_call.number), "s": roll_call.seen, "u": roll_call.not_seen},
            )
    return redirect("roll-call", number=roll_call.number)
