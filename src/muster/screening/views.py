"""Screening pages: the hit queue, side-by-side comparison and decision, reference lists, batch
re-screening with progress, held approvals, protection reviews, separated families, children.

Thin: parse, call :mod:`muster.screening.services`, render. Each view declares its policy action
with ``@requires``; every page that shows a person's record writes ``person.read``.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from muster.access import policy
from muster.access.decorators import requires
from muster.audit import services as audit
from muster.core.errors import Message, errors_from, flash_refusals
from muster.core.paging import paginate
from muster.core.parsing import MAX_ID, parse_id, parse_int
from muster.core.text import isolate
from muster.core.uploads import check_upload_size
from muster.custody import services as custody
from muster.custody.models import Facility
from muster.people import services as people_services
from muster.people.reads import WEB, record_read
from muster.screening import imports, matching, tasks
from muster.screening import services as screening
from muster.screening.audit_actions import ScreeningAction
from muster.screening.models import (
    Adjudication,
    Category,
    CategoryDecision,
    Hit,
    ReferenceEntry,
    ReferenceList,
    ScreeningRun,
)

PAGE_SIZE = 50
ARABIC = imports.ARABIC


def _latest_batch() -> ScreeningRun | None:
    return ScreeningRun.objects.filter(kind=ScreeningRun.Kind.BATCH).first()


@requires("screening.view")
def queue(request: HttpRequest) -> HttpResponse:
    params = request.GET
    band = params.get("band", "") if params.get("band") in Hit.Band.values else ""
    kind = params.get("kind", "") if params.get("kind") in Hit.Kind.values else ""
    facility = params.get("facility", "")
    facility_id = parse_id(facility)
    list_name = params.get("list", "")[:200]
    qs = screening.hit_queue(band=band, kind=kind, facility_id=facility_id, list_name=list_name)
    page = paginate(request, qs, PAGE_SIZE)
    rows = [{"hit": h, "summary": matching.summary(h.explanation)} for h in page]
    # The queue shows names of the screened persons and their candidates: one audited read.
    audit.record_list(
        request,
        [r["hit"].person_id for r in rows],
        action=ScreeningAction.SCREENING_QUEUE_READ,
        hits=len(rows),
    )
    return render(
        request,
        "screening/queue.html",
        {
            "rows": rows,
            "page": page,
            "band": band,
            "kind": kind,
            "facility_id": facility_id,
            "list_name": list_name,
            "bands": Hit.Band.choices,
            "kinds": Hit.Kind.choices,
            "facilities": Facility.objects.filter(is_active=True).order_by("name"),
            "lists": screening_list_names(),
            "run": _latest_batch(),
            "failed_screening": screening.unscreened_since_failure(),
            "may_rescreen": policy.can(request.user, "screening.decide"),
            "show_names": bool(policy.person_fields(request.user) & {"given_name"}),
            **_score_help(),
        },
    )


def _score_help() -> dict[str, str]:
    """The configured bands as percentages, for screening/_score_help.html (what the score is and
    is not); each figure isolated with its sign, so a right-to-left sentence keeps "97 %" (not
    "% 97"), in an element that does not wrap: a phone broke the line between "97" and "%"."""
    likely, possible = matching.thresholds()
    return {
        name: format_html('<bdi class="nowrap">{}</bdi>', isolate(f"{round(band * 100)} %"))
        for name, band in (("likely_percent", likely), ("possible_percent", possible))
    }


def screening_list_names() -> list[str]:
    return list(imports.current_lists().values_list("name", flat=True))


def _arabic_entry(entry: ReferenceEntry | None) -> ReferenceEntry | None:
    """The listed person's name in Arabic script, when the list gives one."""
    if entry is None:
        return None
    if ARABIC.search(entry.display_name):
        return entry
    for other in ReferenceEntry.objects.filter(
        reference_list_id=entry.reference_list_id, ref_id=entry.ref_id
    ).exclude(pk=entry.pk):
        if ARABIC.search(other.display_name):
            return other
    return None


# The hit forms' fields whose errors sit beside them.
BESIDE = ("reason", "decision")


@requires({"GET": "screening.view", "POST": "screening.decide"})
@transaction.atomic
def hit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hit = get_object_or_404(
        Hit.objects.select_related(
            "person__household",
            "candidate__household",
            "reference_entry__reference_list",
            "decided_by",
        ),
        pk=pk,
    )
    errors: dict[str, list[str]] = {}
    status = 200
    form_action = request.POST.get("action", "decide") if request.method == "POST" else ""
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        try:
            if form_action == "undo_merge":
                undone = screening.undo_merge(hit, reason=reason, by=request.user, request=request)
                messages.success(request, _("The merge was undone."))
                if undone.unmerge_notice:
                    messages.warning(request, undone.unmerge_notice)
            else:
                revision = request.POST.get("revision", "")
                decided = screening.adjudicate(
                    hit,
                    request.POST.get("decision", ""),
                    reason=reason,
                    by=request.user,
                    revision=parse_int(revision, lo=0, hi=MAX_ID),
                    request=request,
                )
                messages.success(request, _("Decision recorded."))
                if getattr(decided, "merge_warning", ""):
                    messages.warning(request, decided.merge_warning)
            return redirect("screening-hit", pk=hit.pk)
        except screening.AlreadyDecided as exc:
            errors, status = errors_from(exc), 409
        except ValidationError as exc:
            errors, status = errors_from(exc), 400
        hit.refresh_from_db()
    for person in (hit.person, hit.candidate):
        if person is not None:
            record_read(request, person, via=WEB, view="screening-hit", hit=hit.pk)
    may_decide = policy.can(request.user, "screening.decide")
    undone = screening.merge_undone(hit)
    shown_form = {
        "decide": may_decide and (hit.status in screening.OPEN_STATUSES or undone),
        "undo_merge": may_decide
        and hit.kind == Hit.Kind.DUPLICATE
        and hit.status == Hit.Status.CONFIRMED,
    }
    beside = {k: v for k, v in errors.items() if k in BESIDE} if shown_form.get(form_action) else {}
    fields = matching.readable(hit.explanation)
    arabic = _arabic_entry(hit.reference_entry)
    return render(
        request,
        "screening/hit.html",
        {
            "hit": hit,
            "fields": fields,
            "arabic_entry": arabic if arabic and arabic != hit.reference_entry else None,
            "adjudications": hit.adjudications.select_related("decided_by"),
            "decisions": [c for c in Adjudication.Decision.choices if c[0] != "undo_merge"],
            "may_decide": may_decide,
            # Before the officer confirms: a merge that would leave a household headed by the
            # merged record is refused; the page says so, and what to do first.
            "head_left_behind": _head_left_behind(hit),
            # Before the officer undoes a merge: whether the record comes back beside a head.
            "head_on_return": _head_on_return(hit) if shown_form["undo_merge"] else "",
            "merge_warning": (
                custody.merge_location_warning(hit.person, hit.candidate)
                if hit.kind == Hit.Kind.DUPLICATE
                and hit.candidate is not None
                and hit.status in screening.OPEN_STATUSES
                else ""
            ),
            "may_propose_held": policy.can(request.user, "category.decide")
            and hit.kind == Hit.Kind.REFERENCE_LIST
            and hit.status == Hit.Status.CONFIRMED
            and not hit.person.merged_into_id
            and not _held_or_pending(hit.person),
            "is_open": hit.status in screening.OPEN_STATUSES,
            "merge_undone": undone,
            # The reason and the decision are told beside their field in the form that was sent
            # (when it is still shown); the rest (decided meanwhile, no officer) above the form.
            "errors": {k: v for k, v in errors.items() if k not in beside},
            "beside": {form_action: beside},
            "posted": request.POST,
            **_score_help(),
        },
        status=status,
    )


def _head_left_behind(hit: Hit) -> str:
    if (
        hit.kind != Hit.Kind.DUPLICATE
        or hit.candidate is None
        or hit.status not in screening.OPEN_STATUSES
        or hit.person.merged_into_id
        or hit.candidate.merged_into_id
    ):
        return ""
    refusal = people_services.head_left_behind(hit.candidate, hit.person)
    return refusal.messages[0] if refusal is not None else ""


def _head_on_return(hit: Hit) -> str:
    heads = people_services.heads_on_return(hit.person)
    if not heads:
        return ""
    return _(
        "%(p)s headed household %(h)s, which %(head)s heads now: undoing the merge brings %(p)s "
        "back as another relative, not as a second head. To change the head afterwards, use "
        "'Make head of household'."
    ) % {
        "p": hit.person.number,
        "h": hit.person.household.number,
        "head": ", ".join(h.number for h in heads),
    }


def _held_or_pending(person) -> bool:
    """Whether the person is held already or a decision waits for approval: nothing to propose."""
    current = screening.current_category(person)
    held = current is not None and current.category == Category.HELD
    return held or screening.pending_category(person) is not None


@requires("category.decide")
@transaction.atomic
def propose_held(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose "held" on the basis of a confirmed reference-list hit (a second officer approves)."""
    if request.method != "POST":
        return redirect("screening-hit", pk=pk)
    hit = get_object_or_404(Hit, pk=pk)
    try:
        screening.decide_category(
            hit.person,
            "held",
            reason=request.POST.get("reason", ""),
            legal_basis=request.POST.get("legal_basis", "")[:300],
            basis_hit=hit,
            by=request.user,
            request=request,
        )
    except ValidationError as exc:
        flash_refusals(request, exc)
    else:
        messages.success(
            request, _("'Held' proposed; it takes effect when a second officer approves.")
        )
    return redirect("screening-hit", pk=pk)


@requires({"GET": "screening.view", "POST": "screening.decide"})
def rescreen(request: HttpRequest) -> HttpResponse:
    """Start a batch re-screening (POST) or show the latest one's progress (GET, polled by htmx)."""
    if request.method == "POST":
        run = tasks.start_batch_rescreen(
            by=request.user, reason=request.POST.get("reason", "")[:300], request=request
        )
        if request.headers.get("HX-Request"):
            return render(request, "screening/_run.html", {"run": run})
        messages.success(request, _("Re-screening of the registry started."))
        return redirect("screening-queue")
    return render(request, "screening/_run.html", {"run": _latest_batch()})


@requires({"GET": "screening.view", "POST": "screening.lists"})
def lists(request: HttpRequest) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    skipped: list = []
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        data = b""
        if upload is None:
            errors["file"] = [Message(_("choose a file"), "required")]
        else:
            try:
                check_upload_size(upload.size)
            except ValidationError as exc:
                errors.update(errors_from(exc))
            else:
                data = upload.read()
        if not errors:
            try:
                result = imports.import_reference_list(
                    data,
                    name=request.POST.get("name", ""),
                    owner=request.POST.get("owner", ""),
                    legal_basis=request.POST.get("legal_basis", ""),
                    list_date=request.POST.get("list_date", ""),
                    by=request.user,
                    file_name=upload.name,
                    skip_bad_rows=bool(request.POST.get("skip_bad_rows")),
                    request=request,
                )
            except ValidationError as exc:
                errors = errors_from(exc)
            else:
                skipped = result.skipped
                messages.success(
                    request,
                    ngettext("%(name)s version %(v)d imported: %(n)d entry. Re-screen the "
                             "registry to find people already registered.",
                             "%(name)s version %(v)d imported: %(n)d entries. Re-screen the "
                             "registry to find people already registered.",
                             result.imported)
                    % {"name": isolate(result.reference_list.name),
                       "v": result.reference_list.version, "n": result.imported},
                )  # fmt: skip
                if not skipped:
                    return redirect("screening-lists")
        status = 400 if errors else 200
    return render(
        request,
        "screening/lists.html",
        {
            "lists": ReferenceList.objects.select_related("imported_by").order_by(
                "name", "-version"
            ),
            "errors": errors,
            "skipped": skipped,
            "posted": request.POST,
            "may_import": policy.can(request.user, "screening.lists"),
            "may_rescreen": policy.can(request.user, "screening.decide"),
            "run": _latest_batch(),
        },
        status=status,
    )


@requires({"GET": "screening.view", "POST": "category.approve"})
@transaction.atomic
def approvals(request: HttpRequest) -> HttpResponse:
    """Pending "held" decisions, each approved or refused by a second officer."""
    if request.method == "POST":
        decision = get_object_or_404(CategoryDecision, pk=request.POST.get("decision", "0") or 0)
        note = request.POST.get("note", "")
        try:
            if request.POST.get("action") == "refuse":
                screening.refuse_category(decision, by=request.user, note=note, request=request)
                messages.success(request, _("Refused; the person's category is unchanged."))
            else:
                screening.approve_category(decision, by=request.user, note=note, request=request)
                messages.success(request, _("Approved; 'held' is now the person's category."))
        except ValidationError as exc:
            flash_refusals(request, exc, label=None)
        return redirect("category-approvals")
    pending = list(screening.pending_approvals().order_by("decided_at"))
    audit.record(
        ScreeningAction.SCREENING_APPROVALS_READ, request=request, detail={"pending": len(pending)}
    )
    return render(
        request,
        "screening/approvals.html",
        {
            "pending": pending,
            "may_approve": policy.can(request.user, "category.approve"),
            "show_names": "given_name" in policy.person_fields(request.user),
        },
    )
