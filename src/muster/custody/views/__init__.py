"""Custody pages: facilities and who is there, dispatch, the manifest, receiving, the unaccounted.

A facility or movement outside the user's scope is a 404 (:mod:`muster.access.lookup`). URL names
are in ``custody/urls.py``.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from muster.access import policy
from muster.access.decorators import requires
from muster.access.lookup import (
    facility_for,
    get_in_scope,
    may_see_names,
    movement_allowed,
    search_persons,
)
from muster.audit import services as audit
from muster.core.conf import conf
from muster.core.errors import Message
from muster.core.paging import paginate
from muster.core.parsing import parse_id, parse_ids
from muster.core.text import isolate
from muster.custody import basket
from muster.custody import services as custody
from muster.custody.audit_actions import CustodyAction
from muster.custody.models import Facility, ManifestLine, Movement, RollCall
from muster.custody.queries import last_closed_roll_call, persons_at
from muster.departures import queries as departure_queries
from muster.people.models import PROTECTION_FLAGS, Person
from muster.people.validation import name_has_hidden_characters
from muster.reports.exports import may_export_manifest, may_export_roll
from muster.reports.figures import facility_figures
from muster.screening.queries import CATEGORY_LABELS, filter_by_category, with_category
from muster.web.forms import errors_from

PAGE_SIZE = 50
DISPATCH_PAGE_SIZE = 100
PENDING_OUTCOMES = [ManifestLine.Outcome.PENDING, ManifestLine.Outcome.MISSING]


def _page(request: HttpRequest, qs, size: int = PAGE_SIZE):
    """One page of persons, with the labels the list templates show."""
    page = paginate(request, qs.select_related("household"), size)
    for p in page.object_list:
        p.category_label = CATEGORY_LABELS.get(getattr(p, "current_category", None) or "", "")
        p.flag_labels = [PROTECTION_FLAGS[f] for f in p.protection_flags]
        p.hidden_chars = name_has_hidden_characters(p)
    return page


CHILD_FLAGS = frozenset({"unaccompanied_child", "separated_child"})


@requires("facility.view")
def facility_list(request: HttpRequest) -> HttpResponse:
    scope = policy.facility_scope(request.user, "facility.view")
    qs = Facility.objects.order_by("kind", "name")
    if scope is not None:
        qs = qs.filter(pk__in=scope)
    reunions = policy.reunification_scope(request.user)
    rows = [
        {
            "facility": f,
            "figures": facility_figures(f, reunions=reunions),
            "departures_link": policy.may_act_at(request.user, "departure.view", f.pk),
        }
        for f in qs
    ]
    return render(request, "facilities/list.html", {"rows": rows})


@requires("facility.view")
def facility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    facility = facility_for(request, pk, "facility.view")
    user = request.user
    fields = policy.person_fields(user)
    q = request.GET.get("q", "").strip()[:200]
    # Filtering on a category would tell it to a role that may not see categories: ignored for them.
    category = request.GET.get("category", "") if "category" in fields else ""
    # Children alone, for a role that sees protection flags (a camp manager had to page through
    # the whole roll to find them).
    children = request.GET.get("children") == "1" and bool(fields & CHILD_FLAGS)
    page = None
    # Who is at a holding facility is who is held: the list only for roles that may see that.
    if policy.may_list_persons_at(user, facility) and "given_name" in fields:
        qs = policy.scope_persons(user, persons_at(facility))
        qs = filter_by_category(search_persons(user, qs, q), category)
        if children:
            qs = qs.filter(Q(unaccompanied_child=True) | Q(separated_child=True))
        qs = with_category(qs).order_by("family_name", "given_name", "id")
        page = _page(request, qs)
        audit.record_list(
            request,
            [p.pk for p in page.object_list],
            action=CustodyAction.FACILITY_PERSONS_LIST,
            obj=facility,
            page=page.number,
            rows=len(page.object_list),
            query_length=len(q),
        )
    figures = facility_figures(facility, reunions=policy.reunification_scope(user))
    context = {
        "facility": facility,
        "figures": figures,
        "by_category": [(k, CATEGORY_LABELS[k], v) for k, v in figures.by_category.items()],
        "show_category": "category" in fields or policy.can(user, "report.view"),
        "show_person_category": "category" in fields,
        "show_flags": bool(fields & set(PROTECTION_FLAGS)),
        "may_filter_children": bool(fields & CHILD_FLAGS),
        "children": children,
        "page": page,
        "q": q,
        "category": category,
        "categories": list(CATEGORY_LABELS.items()),
        "may_dispatch": policy.may_act_at(user, "movement.dispatch", facility.pk),
        "may_receive": policy.may_act_at(user, "movement.receive", facility.pk),
        "may_export_roll": may_export_roll(user, facility.pk),
        "departures_link": policy.may_act_at(user, "departure.view", facility.pk),
        **_roll_call_context(user, facility),
    }
    template = (
        "facilities/_persons.html"
        if request.headers.get("HX-Request") and page is not None
        else "facilities/detail.html"
    )
    return render(request, template, context)


def _roll_call_context(user, facility: Facility) -> dict:
    """The facility page's roll calls: the last few with their figures, the open one, and the
    last closed one's "not seen" (for whoever may read roll calls there)."""
    if not policy.may_act_at(user, "rollcall.view", facility.pk):
        return {"may_roll_call": False}
    roll_calls = list(RollCall.objects.filter(facility=facility).order_by("-started_at")[:5])
    for rc in roll_calls:
        rc.figures = custody.figures(rc)
    return {
        "may_roll_call": True,
        "may_take_roll_call": policy.may_act_at(user, "rollcall.take", facility.pk),
        "roll_calls": roll_calls,
        "open_roll_call": next((rc for rc in roll_calls if rc.is_open), None)
        or custody.open_roll_call(facility),
        "last_roll_call": last_closed_roll_call(facility),
    }


# --- dispatch, manifest, receive ---------------------------------------------------------------


@requires("movement.dispatch")
def dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    """Those at the facility, searched and paged, and the basket of those chosen (kept on the
    server across pages and searches: :mod:`muster.custody.basket`), dispatched at once."""
    facility = facility_for(request, pk, "movement.dispatch")
    user = request.user
    q = request.GET.get("q", "").strip()[:200]
    category = request.GET.get("category", "")
    qs = policy.scope_persons(user, persons_at(facility))
    qs = filter_by_category(search_persons(user, qs, q), category)
    page = _page(request, with_category(qs).order_by("household_id", "id"), DISPATCH_PAGE_SIZE)
    destinations = Facility.objects.filter(is_active=True).exclude(pk=facility.pk)
    allowed = policy.scope_persons(user, persons_at(facility), "movement.dispatch")
    errors: dict[str, list[str]] = {}
    posted = request.POST if request.method == "POST" else {}
    dropped = 0
    if request.method == "POST":
        # This page's ticks go into the basket first: what was ticked here and what other pages
        # (or searches) put in are dispatched together.
        if not _sync_basket(request, facility, allowed, refuse_outside=True):
            # Only persons this page could list: an id from elsewhere gets no number, no name back.
            errors["persons"] = [
                Message(
                    _("some of the persons selected are not at this facility"), "not_at_facility"
                )
            ]
        chosen, dropped = basket.valid(request, facility.pk, allowed)
        to = None
        raw_to = request.POST.get("to_facility", "")
        if parse_id(raw_to) is not None:
            to = destinations.filter(pk=parse_id(raw_to)).first()
        if to is None:
            errors["to_facility"] = [Message(_("choose where they are going"), "required")]
        if "persons" in errors:
            pass
        elif dropped:
            # Dispatched or moved by someone else meanwhile: the officer checks the selection
            # again rather than sending a bus with fewer than they counted.
            errors["persons"] = [
                Message(
                    ngettext(
                        "%(n)d person in the selection is no longer here and was taken out of "
                        "it: check the selection and dispatch again.",
                        "%(n)d persons in the selection are no longer here and were taken out "
                        "of it: check the selection and dispatch again.",
                        dropped,
                    )
                    % {"n": dropped},
                    "selection_changed",
                )
            ]
        elif not chosen:
            errors["persons"] = [Message(_("select at least one person"), "nobody_selected")]
        if not errors:
            persons = list(allowed.filter(pk__in=chosen).order_by("id"))
            try:
                movement = custody.dispatch(
                    persons,
                    from_facility=facility,
                    to_facility=to,
                    by=user,
                    request=request,
                    vehicle=request.POST.get("vehicle", "")[:100],
                    note=request.POST.get("note", ""),
                    override_reason=request.POST.get("override_reason", ""),
                    separation_reason=request.POST.get("separation_reason", ""),
                )
            except ValidationError as exc:
                errors = errors_from(exc)
            else:
                basket.put(request, facility.pk, [])
                messages.success(
                    request,
                    ngettext(
                        "Movement %(m)s dispatched: %(n)d person to %(to)s.",
                        "Movement %(m)s dispatched: %(n)d persons to %(to)s.",
                        len(persons),
                    )
                    % {
                        "m": isolate(movement.number),
                        "n": len(persons),
                        "to": isolate(to.display_name),
                    },
                )
                return redirect("movement-detail", number=movement.number)
    on_page = {p.pk for p in page.object_list}
    context = _basket_context(request, facility, allowed, on_page) | {"page": page}
    shown = on_page | {p.pk for p in context["basket"]}
    if shown:
        audit.record_list(
            request,
            sorted(shown),
            action=CustodyAction.DISPATCH_PERSONS_LIST,
            obj=facility,
            page=page.number,
            rows=len(on_page),
            basket=len(context["basket"]),
            query_length=len(q),
        )
    known = {"to_facility", "persons", "facility", "separation_reason", "override_reason"}
    context |= {
        "q": q,
        "category": category,
        "categories": list(CATEGORY_LABELS.items()),
        "category_labels": CATEGORY_LABELS,
        "show_person_category": "category" in policy.person_fields(user),
        "destinations": _with_free_places(destinations),
        "errors": errors,
        "other_errors": [m for k, v in errors.items() if k not in known for m in v],
        "posted": posted,
        "figures": facility_figures(facility, reunions=policy.reunification_scope(user)),
    }
    return render(request, "custody/dispatch.html", context, status=400 if errors else 200)


def _sync_basket(request: HttpRequest, facility: Facility, allowed, *, refuse_outside=False):
    """Put the page's ticks into the basket (``shown``: the ids the page listed; ``person``: those
    ticked). An id the officer may not dispatch from here is never put in; with
    ``refuse_outside``, none is when one is such (False is returned)."""
    ticked = parse_ids(request.POST.getlist("person"))
    shown = parse_ids(request.POST.getlist("shown"))
    here = set(allowed.filter(pk__in=ticked).values_list("pk", flat=True)) if ticked else set()
    if refuse_outside and ticked - here:
        return False
    basket.sync(request, facility.pk, shown, here)
    return True


def _basket_context(request: HttpRequest, facility: Facility, allowed, shown=frozenset()) -> dict:
    """The basket's panel; ``shown``: the ids of the page it is on."""
    chosen, dropped = basket.valid(request, facility.pk, allowed)
    order = {pk: i for i, pk in enumerate(chosen)}
    persons = sorted(
        Person.objects.filter(pk__in=chosen).select_related("household"),
        key=lambda p: order[p.pk],
    )
    return {
        "facility": facility,
        "basket": persons,
        "elsewhere": len(set(chosen) - set(shown)),
        "basket_ids": set(chosen),
        "dropped": dropped,
        "show_names": may_see_names(request.user),
    }


@requires("movement.dispatch")
def dispatch_basket(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the dispatch basket: a page's ticks (see :func:`_sync_basket`), ``remove`` ids, or
    ``clear`` it. The basket's panel back to htmx (with this page's check boxes as they now are);
    without script, back to the dispatch page the officer was on."""
    facility = facility_for(request, pk, "movement.dispatch")
    if request.method != "POST":
        return redirect("dispatch", pk=facility.pk)
    allowed = policy.scope_persons(request.user, persons_at(facility), "movement.dispatch")
    _sync_basket(request, facility, allowed)
    taken_out = parse_ids(request.POST.getlist("remove"))
    if request.POST.get("action") == "clear":
        taken_out = set(basket.ids(request, facility.pk))
    basket.remove(request, facility.pk, taken_out)
    if not request.headers.get("HX-Request"):
        back = {k: request.POST.get(f"back_{k}", "") for k in ("q", "category", "page")}
        query = urlencode({k: v for k, v in back.items() if v})
        return redirect(
            reverse("dispatch", kwargs={"pk": facility.pk}) + (f"?{query}" if query else "")
        )
    shown = parse_ids(request.POST.getlist("shown"))
    context = _basket_context(request, facility, allowed, shown)
    if context["basket"]:
        audit.record_list(
            request,
            [p.pk for p in context["basket"]],
            action=CustodyAction.DISPATCH_PERSONS_LIST,
            obj=facility,
            basket=len(context["basket"]),
        )
    if taken_out:
        # The page's check boxes, swapped out of band: one taken out of the basket is unticked.
        # Only then: after a tick, the boxes are as the officer left them (and a box ticked while
        # the answer was on its way would be unticked by it).
        context["oob"] = sorted(shown)
    return render(request, "custody/_basket.html", context)


def _with_free_places(destinations) -> list[Facility]:
    """Each destination with ``free``: capacity less those there and those already on their way
    (``None`` when it has no set capacity), so the officer sees where there is room before choosing."""
    populations, expected = custody.populations(), custody.expected_by_facility()
    facilities = list(destinations.order_by("kind", "name"))
    for f in facilities:
        f.free = (
            None
            if f.capacity is None
            else f.capacity - populations.get(f.pk, 0) - expected.get(f.pk, 0)
        )
    return facilities


@requires("movement.view")
def movement_detail(request: HttpRequest, number: str) -> HttpResponse:
    movement = get_in_scope(
        request,
        Movement.objects.select_related("from_facility", "to_facility", "dispatched_by"),
        allowed=lambda m: movement_allowed(request.user, m),
        reason="movement outside scope",
        number=number,
    )
    lines = list(movement.lines.select_related("person").order_by("id"))
    show_names = may_see_names(request.user)
    if show_names:
        audit.record_list(
            request,
            [ln.person_id for ln in lines],
            action=CustodyAction.MOVEMENT_MANIFEST_READ,
            obj=movement,
            persons=len(lines),
        )
    context = {
        "movement": movement,
        "lines": lines,
        "show_names": show_names,
        "may_receive": policy.may_act_at(request.user, "movement.receive", movement.to_facility_id),
        "may_export_manifest": may_export_manifest(request.user, movement),
    }
    return render(request, "custody/movement.html", context)


@requires("movement.receive")
def receive(request: HttpRequest, pk: int) -> HttpResponse:
    facility = facility_for(request, pk, "movement.receive")
    user = request.user
    incoming = (
        Movement.objects.filter(to_facility=facility, lines__outcome__in=PENDING_OUTCOMES)
        .select_related("from_facility")
        .distinct()
        .order_by("dispatched_at")
    )
    errors: dict[str, list[str]] = {}
    error_movement = None
    ids: set[int] = set()
    keep_ticked = False
    if request.method == "POST":
        movement = incoming.filter(number=request.POST.get("movement", "")).first()
        if movement is None:
            raise Http404
        error_movement = movement.number
        ids = parse_ids(request.POST.getlist("person"))
        persons = list(Person.objects.filter(pk__in=ids, manifest_lines__movement=movement))
        action = request.POST.get("action")
        note = request.POST.get("note", "").strip()
        if action == "missing_rest":
            # Asked why a family is received apart, the officer has ticked those who arrived:
            # the others still pending were not on the vehicle. Ticking those instead (as the hint
            # said) added them to the ticked, and reported everyone as not arrived.
            persons = list(
                Person.objects.filter(
                    manifest_lines__movement=movement,
                    manifest_lines__outcome=ManifestLine.Outcome.PENDING,
                ).exclude(pk__in=ids)
            )
            action, keep_ticked = "missing", True
        if not persons:
            errors["persons"] = [Message(_("tick the persons first"), "nobody_selected")]
        elif action == "missing" and not note:
            errors["note"] = [
                Message(_("say what is known (e.g. 'not on the bus at arrival')"), "note_required")
            ]
        else:
            try:
                if action == "missing":
                    with transaction.atomic():
                        for p in persons:
                            custody.report_missing(movement, p, note=note, by=user, request=request)
                    messages.warning(
                        request,
                        ngettext(
                            "%(n)d person on %(m)s reported as not arrived.",
                            "%(n)d persons on %(m)s reported as not arrived.",
                            len(persons),
                        )
                        % {"n": len(persons), "m": isolate(movement.number)},
                    )
                else:
                    n = custody.receive(
                        movement,
                        persons,
                        by=user,
                        request=request,
                        separation_reason=request.POST.get("separation_reason", ""),
                    )
                    messages.success(
                        request,
                        ngettext(
                            "%(n)d person received from %(m)s.",
                            "%(n)d persons received from %(m)s.",
                            n,
                        )
                        % {"n": n, "m": isolate(movement.number)},
                    )
            except ValidationError as exc:
                errors = errors_from(exc)
            else:
                if not keep_ticked:
                    return redirect("receive", pk=facility.pk)
    show_names = may_see_names(user)
    movements = []
    for mv in incoming:
        lines = list(mv.lines.select_related("person").order_by("id"))
        movements.append(
            {
                "movement": mv,
                "lines": lines,
                "pending": sum(1 for ln in lines if ln.outcome != ManifestLine.Outcome.RECEIVED),
            }
        )
    shown = [ln.person_id for mv in movements for ln in mv["lines"]]
    if show_names and shown:
        audit.record_list(request, shown, action=CustodyAction.RECEIVE_PERSONS_LIST, obj=facility)
    context = {
        "facility": facility,
        "movements": movements,
        "errors": errors,
        "error_movement": error_movement,
        "ticked": ids if errors or keep_ticked else set(),
        "show_names": show_names,
    }
    return render(request, "custody/receive.html", context, status=400 if errors else 200)


def _departure_scope(user) -> set[int] | None:
    """The departures whose children lost on the way the unaccounted page names: those the reader
    may open (none without departure.view)."""
    if not policy.can(user, "departure.view"):
        return set()
    return policy.facility_scope(user, "departure.view")


def _departure_figure_scope(user) -> set[int] | None:
    """The departures the unaccounted page's figure counts: those the reader may open, and every
    departure for a reader of the figures (the coordinator's dashboard counts them all: the page
    said nothing of the persons its "Unaccounted" tile counted)."""
    scope = policy.facility_scope(user, "departure.view")
    if scope is None:
        return None
    figures = (
        policy.facility_scope(user, "report.view") if policy.can(user, "report.view") else set()
    )
    return None if figures is None else scope | figures


@requires("movement.view")
def unaccounted(request: HttpRequest) -> HttpResponse:
    """Overdue and not-arrived persons on movements touching the user's facilities, by name."""
    user = request.user
    scope = policy.facility_scope(user, "movement.view")
    show_names = may_see_names(user) and policy.can(user, "person.view")
    return _unaccounted_page(request, scope, show_names=show_names)


@requires("report.view")
def unaccounted_figures(request: HttpRequest) -> HttpResponse:
    """The coordinator's view of the same list: every movement, never who is on it.

    A page of its own (not a branch of ``unaccounted``) so each URL needs exactly one action.
    """
    return _unaccounted_page(request, None, show_names=False)


def _unaccounted_page(request: HttpRequest, scope: set[int] | None, *, show_names: bool):
    user = request.user
    children = (
        departure_queries.children_lost_near(
            scope, _departure_scope(user), policy.reunification_scope(user)
        )
        if show_names
        else []
    )
    lines = custody.unaccounted_lines()
    if scope is not None:
        lines = lines.filter(movement__from_facility_id__in=scope) | lines.filter(
            movement__to_facility_id__in=scope
        )
    now = timezone.now()
    limit = timedelta(hours=conf().UNACCOUNTED_AFTER_HOURS)
    page = paginate(request, lines, 100)
    rows = []
    for line in page.object_list:
        elapsed = now - line.movement.dispatched_at
        rows.append(
            {
                "line": line,
                "hours_since": int(elapsed.total_seconds() // 3600),
                "hours_overdue": max(0, int((elapsed - limit).total_seconds() // 3600)),
                "may_open": movement_allowed(user, line.movement),
            }
        )
    if show_names and (rows or children):
        audit.record_list(
            request,
            [r["line"].person_id for r in rows] + [c.person_id for c in children],
            action=CustodyAction.UNACCOUNTED_READ,
            rows=len(rows),
            children=len(children),
        )
    context = {
        "rows": rows,
        "children": children,
        "page": page,
        "show_names": show_names,
        "limit_hours": conf().UNACCOUNTED_AFTER_HOURS,
        # Which departures' unconfirmed persons the page's departure figure counts (the reader's).
        "departure_scope": _departure_figure_scope(user),
        "reunification_scope": policy.reunification_scope(user),
    }
    return render(request, "custody/unaccounted.html", context)


# The roll call's pages (a module of their own; urls.py reads them from here).
from muster.custody.views.rollcalls import (  # noqa: E402
    facility_roll_calls,
    roll_call_close,
    roll_call_detail,
    roll_call_mark,
)

__all__ = ["facility_roll_calls", "roll_call_close", "roll_call_detail", "roll_call_mark"]
