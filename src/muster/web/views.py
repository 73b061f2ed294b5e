"""The server-rendered web UI (Django templates + htmx): thin views that parse, call a service, render.

Access is decided only by :mod:`muster.access.policy`: an action the role lacks is a 403; an object
outside the user's facility scope is a 404 (its existence is not revealed).
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from muster.access import policy
from muster.access.decorators import requires, signed_in
from muster.audit import services as audit
from muster.audit.labels import annotate
from muster.core.conf import conf
from muster.core.paging import paginate
from muster.core.parsing import parse_id, parse_ids
from muster.custody import services as custody
from muster.custody.models import Facility, ManifestLine, Movement, Placement
from muster.intake import services as intake
from muster.people import services as people_services
from muster.people.models import (
    NAME_PARTS,
    PROTECTION_FLAGS,
    IdentityDocument,
    Person,
    Relationship,
    Sex,
)
from muster.people.search import (
    closeness,
    filter_by_name,
    filter_by_query,
    partial_name_condition,
)
from muster.people.validation import clean_household, clean_member, has_hidden_characters
from muster.protection import queries as protection_queries
from muster.reports.exports import may_export_manifest, may_export_roll, may_export_sitrep
from muster.reports.sitrep import situation_report
from muster.reports.timeline import person_timeline
from muster.screening import services as screening
from muster.screening.models import Category
from muster.web import forms
from muster.web.queries import (
    UNDECIDED,
    facility_figures,
    filter_by_category,
    persons_at,
    with_category,
)

PAGE_SIZE = 50
DISPATCH_PAGE_SIZE = 100
# Search ranks at most this many candidates (each is scored in Python); beyond, it says so.
MAX_RANKED = 2000
CATEGORY_LABELS = {**dict(Category.choices), UNDECIDED: gettext_lazy("Not yet decided")}
PENDING_OUTCOMES = [ManifestLine.Outcome.PENDING, ManifestLine.Outcome.MISSING]


def _may_see_names(user) -> bool:
    return "given_name" in policy.person_fields(user)


def _search(user, qs, q: str):
    """The one person search (muster.people.search), matching document numbers only for roles
    that may see documents."""
    return filter_by_query(qs, q, match_documents="documents" in policy.person_fields(user))


def _out_of_scope(request: HttpRequest, obj, reason: str) -> Http404:
    """Audit the refusal of an object outside the user's scope; the caller raises the 404.

    Not inside a transaction that the 404 rolls back: the refusal must stay in the log.
    """
    audit.record_denied(request, reason, obj=obj)
    return Http404()


def _facility_for(request: HttpRequest, pk: int, action: str) -> Facility:
    """The facility if the user may do ``action`` there (the view's decorator checked the action)."""
    facility = get_object_or_404(Facility, pk=pk)
    if not policy.may_act_at(request.user, action, facility.pk):
        raise _out_of_scope(request, facility, f"facility outside scope for {action}")
    return facility


def _visible_person(request: HttpRequest, number: str, action: str = "person.view") -> Person:
    qs = policy.scope_persons(request.user, Person.objects.all(), action)
    person = qs.select_related("household", "merged_into").filter(number=number).first()
    if person is None:
        existing = Person.objects.filter(number=number).first()
        if existing is not None:
            raise _out_of_scope(request, existing, f"person outside scope for {action}")
        raise Http404
    return person


def _page(request: HttpRequest, qs, size: int = PAGE_SIZE):
    """One page of persons, with the labels the list templates show."""
    page = paginate(request, qs.select_related("household"), size)
    for p in page.object_list:
        p.category_label = CATEGORY_LABELS.get(getattr(p, "current_category", None) or "", "")
        p.flag_labels = [PROTECTION_FLAGS[f] for f in p.protection_flags]
        p.hidden_chars = _has_hidden(p)
    return page


def _unaccounted_url(user) -> str | None:
    """The unaccounted list this user may open: by name (movement.view) or figures (report.view)."""
    if policy.can(user, "movement.view"):
        return reverse("unaccounted")
    if policy.can(user, "report.view"):
        return reverse("unaccounted-figures")
    return None


# --- home -------------------------------------------------------------------------------------

AUDITOR_RECENT = 10


def _auditor_home() -> dict:
    """The auditor's cards: the latest events (readable), the chain's head, who-read, exports."""
    recent = list(audit.AuditEvent.objects.order_by("-seq")[:AUDITOR_RECENT])
    annotate(recent)
    exports = list(audit.AuditEvent.objects.filter(action="export").order_by("-seq")[:5])
    annotate(exports)
    return {
        "recent": recent,
        "exports": exports,
        "events": recent[0].seq if recent else 0,
    }


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = policy.facility_scope(user, "facility.view")
    my_facilities = []
    if scope:
        for f in Facility.objects.filter(pk__in=scope).order_by("name"):
            my_facilities.append(
                {
                    "facility": f,
                    "dispatch": policy.may_act_at(user, "movement.dispatch", f.pk),
                    "receive": policy.may_act_at(user, "movement.receive", f.pk),
                    # A camp manager's situation report: the figures of the facilities in their
                    # grant (the policy scopes them there), not the whole operation's.
                    "figures": facility_figures(f),
                }
            )
    lost_children = []
    if policy.can(user, "movement.view") and "given_name" in policy.person_fields(user):
        lost_children = _children_unaccounted(policy.facility_scope(user, "movement.view"))
    context = {
        "lost_children": lost_children,
        "can_register": policy.can(user, "person.register"),
        "can_search": policy.can(user, "person.search"),
        "can_facilities": policy.can(user, "facility.view"),
        "unaccounted_url": _unaccounted_url(user),
        "can_decide": policy.can(user, "category.decide"),
        "my_facilities": my_facilities,
        "roles": sorted(policy.roles(user)),
    }
    if policy.can(user, "audit.view"):
        context["audit"] = _auditor_home()
    if policy.can(user, "screening.view"):
        context["screening_cards"] = _screening_cards()
    if policy.can(user, "report.view"):
        report = situation_report()
        for f in report["facilities"]:
            pct = round(100 * f["occupancy"]) if f["occupancy"] is not None else None
            f["percent"] = pct
            f["bar_width"] = min(100, pct or 0)
        context["report"] = report
        context["may_export_sitrep"] = may_export_sitrep(user)
        context["generated_at"] = timezone.localtime()
        context["category_rows"] = [
            (CATEGORY_LABELS.get(k, k), v) for k, v in report["by_category"].items()
        ]
    return render(request, "home.html", context)


def _screening_cards() -> dict:
    """What waits for a screening officer: open hits by kind, held proposals awaiting a second
    officer, and the last whole-registry run (a crash must not read as "no hits")."""
    from muster.screening.models import Hit, ScreeningRun

    open_hits = dict(
        screening.hit_queue()
        .order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    return {
        "hits": [(k, label, open_hits.get(k, 0)) for k, label in Hit.Kind.choices],
        "approvals": screening.pending_approvals().count(),
        "last_run": ScreeningRun.objects.filter(kind=ScreeningRun.Kind.BATCH).first(),
        "failed": screening.unscreened_since_failure(),
    }


# --- reception --------------------------------------------------------------------------------


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
        "error_summary": forms.error_summary(errors),
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
    for raw in members_raw:
        raw["documents"] = raw["documents"][: forms.MAX_DOCUMENTS]
    override_reason = request.POST.get("override_reason", "").strip()
    errors: dict[str, list[str]] = {}
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
            errors.update(forms.errors_from(exc))
        else:
            head = household.members.order_by("id").first()
            messages.success(
                request,
                _("Household %(h)s registered: %(n)d person(s) at %(p)s.")
                % {"h": household.number, "n": household.members.count(), "p": point.name},
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
            action="person.search",
            length=len(q),
            results=len(matches),
            context="reception",
        )
    rows = []
    for p in matches:
        placement = custody.current_placement(p)
        rows.append({"person": p, "placement": placement})
    return render(request, "_matches.html", {"rows": rows})


# --- persons ------------------------------------------------------------------------------------


def _identity_rows(person: Person, fields) -> list[dict]:
    rows = []
    for part in NAME_PARTS:
        if part in fields:
            value = getattr(person, part)
            rows.append(
                {
                    "label": Person._meta.get_field(part).verbose_name,
                    "value": value,
                    "hidden_chars": has_hidden_characters(value),
                    "name": True,
                }
            )
    simple = [
        ("sex", _("Sex"), person.get_sex_display()),
        ("date_of_birth", _("Date of birth"), _dob_text(person)),
        ("nationality", _("Nationality"), person.nationality),
        ("place_of_origin", _("Place of origin"), person.place_of_origin),
        ("origin_pcode", _("P-code of origin"), person.origin_pcode),
        (
            "relationship_to_head",
            _("Relationship to head"),
            person.get_relationship_to_head_display(),
        ),
        (
            "registered_at",
            _("Registered"),
            timezone.localtime(person.registered_at).strftime("%Y-%m-%d %H:%M"),
        ),
    ]
    # Dates and codes keep left-to-right order inside an Arabic page.
    ltr = {"date_of_birth", "registered_at", "nationality", "origin_pcode"}
    for field, label, value in simple:
        if field in fields:
            rows.append({"label": label, "value": value, "ltr": field in ltr})
    return rows


def _dob_text(person: Person) -> str:
    if person.dob_precision == "estimated" and person.birth_year:
        return f"{person.birth_year} ({_('est.')})"
    return person.dob_display


def _other_registrations(request, person: Person, fields) -> list[dict]:
    """The other registrations of the same human (merged duplicates, or the kept record).

    Each one shown is a read of that record too, so it is audited as one, naming the page it was
    seen on. Records outside the user's scope are listed without a link.
    """
    others = [p for p in screening.registrations_of(person) if p.pk != person.pk]
    if not others:
        return []
    in_scope = set(
        policy.scope_persons(
            request.user, Person.objects.filter(pk__in=[p.pk for p in others])
        ).values_list("pk", flat=True)
    )
    show_location = bool(fields & {"current_facility", "custody_state"})
    rows = []
    for other in others:
        first = (
            Placement.objects.filter(person=other)
            .select_related("facility")
            .order_by("started_at", "id")
            .first()
            if show_location
            else None
        )
        audit.record("person.read", request=request, obj=other, detail={"via": person.number})
        rows.append(
            {
                "person": other,
                "visible": other.pk in in_scope,
                "kept": other.merged_into_id is None,
                "reception_point": first.facility if first else None,
            }
        )
    return rows


def _separations(person: Person) -> list[dict]:
    """Recorded splits of this person's household, as seen from this person's side."""
    return [
        {"separation": sep, "moved": sep.moved.filter(pk=person.pk).exists()}
        for sep in protection_queries.separations_of(person)
    ]


def _render_person(request, person: Person, category_form=None, status=200) -> HttpResponse:
    user = request.user
    fields = policy.person_fields(user)
    audit.record("person.read", request=request, obj=person)
    members = []
    if person.household_id and "household" in fields:
        in_scope = set(
            policy.scope_persons(user, person.household.members.all()).values_list("pk", flat=True)
        )
        for m in person.household.members.order_by("id"):
            members.append({"person": m, "visible": m.pk in in_scope, "self": m.pk == person.pk})
        shown = [m["person"].pk for m in members if m["visible"] and not m["self"]]
        if shown:
            audit.record_list(request, shown, action="household.members.list", obj=person)
    may_decide = policy.can(user, "category.decide")
    context = {
        "person": person,
        "fields": fields,
        "identity": _identity_rows(person, fields),
        "name_hidden_chars": any(has_hidden_characters(getattr(person, p)) for p in NAME_PARTS),
        "show_names": "given_name" in fields,
        "has_photo": "given_name" in fields and person.photos.filter(is_current=True).exists(),
        "may_take_photo": policy.can(user, "person.register") and not person.merged_into_id,
        "members": members,
        "documents": list(people_services.documents_of(person)) if "documents" in fields else None,
        "flags": [PROTECTION_FLAGS[f] for f in person.protection_flags if f in fields],
        "show_flags": bool(fields & set(PROTECTION_FLAGS)),
        "placement": custody.current_placement(person)
        if fields & {"current_facility", "custody_state"}
        else None,
        "not_arrived": custody.not_arrived_line(person)
        if fields & {"current_facility", "custody_state"}
        else None,
        "show_location": bool(fields & {"current_facility", "custody_state"}),
        "category": screening.current_category(person)
        if "category" in fields or may_decide
        else None,
        # A "held" proposal is screening's business until approved: not for camp managers.
        "pending_category": screening.pending_category(person)
        if fields & {"category_reason", "category_decided_by"} or may_decide
        else None,
        "show_category": "category" in fields,
        "show_category_reason": "category_reason" in fields,
        "timeline": person_timeline(
            person, fields, protection_detail=policy.can(user, "protection.review")
        ),
        "registrations": _other_registrations(request, person, fields),
        "separations": _separations(person) if "household" in fields else [],
        "may_decide": may_decide,
        "may_correct": policy.can(user, "person.correct") and not person.merged_into_id,
        "may_add_member": policy.can(user, "person.register")
        and bool(person.household_id)
        and not person.merged_into_id,
        "category_form": category_form or (forms.CategoryForm() if may_decide else None),
    }
    return render(request, "people/detail.html", context, status=status)


@requires("person.view")
def person_detail(request: HttpRequest, number: str) -> HttpResponse:
    person = _visible_person(request, number)
    with transaction.atomic():  # the page and its person.read event together
        return _render_person(request, person)


CORRECTION_TEXT_FIELDS = (
    *NAME_PARTS,
    "sex",
    "nationality",
    "place_of_origin",
    "origin_pcode",
    "relationship_to_head",
)


def _correction_raw(post, person: Person) -> dict:
    """What the officer changed on the correction form, as ``correct_person`` takes it."""
    raw = {f: post.get(f, "") for f in CORRECTION_TEXT_FIELDS if f in post}
    for flag in PROTECTION_FLAGS:
        raw[flag] = bool(post.get(flag))
    dob = post.get("date_of_birth", "").strip()
    year = post.get("birth_year", "").strip()
    age = post.get("estimated_age", "").strip()
    current_dob = person.date_of_birth.isoformat() if person.date_of_birth else ""
    if dob != current_dob:
        raw["date_of_birth"] = dob
        if not dob:
            raw["birth_year"] = year
    elif age:
        raw["estimated_age"] = age
    elif not dob and year != str(person.birth_year or ""):
        raw["birth_year"] = year
    return raw


@requires("person.correct")
def person_correct(request: HttpRequest, number: str) -> HttpResponse:
    """Correct a person's registered details, with a reason; the old values stay in the timeline."""
    person = _visible_person(request, number, "person.correct")
    if person.merged_into_id:
        raise _out_of_scope(request, person, "merged record")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            with transaction.atomic():
                correction = people_services.correct_person(
                    person,
                    _correction_raw(request.POST, person),
                    reason=request.POST.get("reason", ""),
                    by=request.user,
                    request=request,
                )
        except ValidationError as exc:
            errors = forms.errors_from(exc)
            person.refresh_from_db()
        else:
            if correction is None:
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(request, _("Correction recorded."))
            return redirect("person-detail", number=person.number)
    values = (
        request.POST
        if request.method == "POST"
        else {
            **{f: getattr(person, f) for f in CORRECTION_TEXT_FIELDS},
            "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
            "birth_year": person.birth_year or "",
            **{f: getattr(person, f) for f in PROTECTION_FLAGS},
        }
    )
    audit.record("person.read", request=request, obj=person, detail={"view": "correct"})
    context = {
        "person": person,
        "values": values,
        "errors": errors,
        "error_summary": forms.error_summary(errors),
        "sexes": Sex.choices,
        "relationships": Relationship.choices,
        "flags": [
            (code, label, bool(values.get(code)), errors.get(code, []))
            for code, label in PROTECTION_FLAGS.items()
        ],
        "rows": [
            {
                "name": f,
                "label": forms.FIELD_LABELS[f],
                "value": values.get(f, "") or "",
                "errors": errors.get(f, []),
            }
            for f in (*NAME_PARTS, "date_of_birth", "birth_year", "estimated_age", "nationality")
            + ("place_of_origin",)
        ],
        "sex": values.get("sex", ""),
        "relationship": values.get("relationship_to_head", ""),
        "reason": request.POST.get("reason", ""),
    }
    return render(request, "people/correct.html", context, status=400 if errors else 200)


@requires("person.register")
def household_add_member(request: HttpRequest, number: str) -> HttpResponse:
    """Register a late-arriving relative into this person's household, at a reception point."""
    person = _visible_person(request, number)
    household = person.household
    if household is None or person.merged_into_id:
        raise _out_of_scope(request, person, "no household")
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
                        for k, v in forms.errors_from(exc).items()
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


@requires({"POST": "category.decide"})
def person_category(request: HttpRequest, number: str) -> HttpResponse:
    person = _visible_person(request, number, "person.view")
    with transaction.atomic():
        return _decide_category(request, person)


def _decide_category(request: HttpRequest, person: Person) -> HttpResponse:
    form = forms.CategoryForm(request.POST)
    if form.is_valid():
        try:
            decision = screening.decide_category(
                person,
                form.cleaned_data["category"],
                reason=form.cleaned_data["reason"],
                legal_basis=form.cleaned_data["legal_basis"],
                basis=form.cleaned_data["basis"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            for field, msgs in forms.errors_from(exc).items():
                field = "basis" if field == "basis_hit" else field
                for msg in msgs:
                    form.add_error(field if field in form.fields else None, msg)
        else:
            label = CATEGORY_LABELS[form.cleaned_data["category"]]
            if getattr(decision, "status", "approved") == "pending":
                text = _(
                    "Category %(c)s recorded; it takes effect when a second officer approves it."
                )
            else:
                text = _("Category recorded: %(c)s.")
            messages.success(request, text % {"c": label})
            return redirect("person-detail", number=person.number)
    return _render_person(request, person, category_form=form, status=400)


@requires("person.search")
def person_search(request: HttpRequest) -> HttpResponse:
    """Persons matching the query, closest first (muster.people.search.closeness), paged."""
    q = request.GET.get("q", "").strip()[:200]
    page, too_many = None, False
    if q:
        scoped = policy.scope_persons(request.user, Person.objects.all(), "person.search")
        qs = _search(request.user, scoped, q)
        if (partial := partial_name_condition(q)) is not None:
            qs = qs | scoped.filter(partial).distinct()
        found = list(qs.select_related("household", "merged_into")[: MAX_RANKED + 1])
        too_many = len(found) > MAX_RANKED
        ranked = sorted(
            ((closeness(p, q), p) for p in found[:MAX_RANKED]),
            key=lambda sp: (-sp[0], sp[1].number),
        )
        page = paginate(request, [{"person": p, "score": score} for score, p in ranked])
        for row in page.object_list:
            row["hidden_chars"] = _has_hidden(row["person"])
        # The query may be a name: only its length goes into the audit log.
        audit.record_list(
            request,
            [row["person"].pk for row in page.object_list],
            action="person.search",
            length=len(q),
            results=len(found),
        )
    context = {
        "q": q,
        "page": page,
        "results": page.object_list if page else [],
        "too_many": too_many,
        "max_ranked": MAX_RANKED,
        "show_names": _may_see_names(request.user),
    }
    template = "people/_results.html" if request.headers.get("HX-Request") else "people/search.html"
    return render(request, template, context)


def _has_hidden(person: Person) -> bool:
    return any(has_hidden_characters(getattr(person, p)) for p in NAME_PARTS)


# --- facilities -------------------------------------------------------------------------------


@requires("facility.view")
def facility_list(request: HttpRequest) -> HttpResponse:
    scope = policy.facility_scope(request.user, "facility.view")
    qs = Facility.objects.order_by("kind", "name")
    if scope is not None:
        qs = qs.filter(pk__in=scope)
    rows = [{"facility": f, "figures": facility_figures(f)} for f in qs]
    return render(request, "facilities/list.html", {"rows": rows})


@requires("facility.view")
def facility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    facility = _facility_for(request, pk, "facility.view")
    user = request.user
    fields = policy.person_fields(user)
    q = request.GET.get("q", "").strip()[:200]
    category = request.GET.get("category", "")
    page = None
    if policy.can(user, "person.view") and "given_name" in fields:
        qs = policy.scope_persons(user, persons_at(facility))
        qs = filter_by_category(_search(user, qs, q), category)
        qs = with_category(qs).order_by("family_name", "given_name", "id")
        page = _page(request, qs)
        audit.record_list(
            request,
            [p.pk for p in page.object_list],
            action="facility.persons.list",
            obj=facility,
            page=page.number,
            rows=len(page.object_list),
            query_length=len(q),
        )
    figures = facility_figures(facility)
    context = {
        "facility": facility,
        "figures": figures,
        "by_category": [(k, CATEGORY_LABELS[k], v) for k, v in figures.by_category.items()],
        "show_category": "category" in fields or policy.can(user, "report.view"),
        "show_person_category": "category" in fields,
        "show_flags": bool(fields & set(PROTECTION_FLAGS)),
        "page": page,
        "q": q,
        "category": category,
        "categories": list(CATEGORY_LABELS.items()),
        "may_dispatch": policy.may_act_at(user, "movement.dispatch", facility.pk),
        "may_receive": policy.may_act_at(user, "movement.receive", facility.pk),
        "may_export_roll": may_export_roll(user, facility.pk),
    }
    template = (
        "facilities/_persons.html"
        if request.headers.get("HX-Request") and page is not None
        else "facilities/detail.html"
    )
    return render(request, template, context)


# --- dispatch, manifest, receive ---------------------------------------------------------------


@requires("movement.dispatch")
def dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    facility = _facility_for(request, pk, "movement.dispatch")
    user = request.user
    q = request.GET.get("q", "").strip()[:200]
    category = request.GET.get("category", "")
    qs = policy.scope_persons(user, persons_at(facility))
    qs = filter_by_category(_search(user, qs, q), category)
    page = _page(request, with_category(qs).order_by("household_id", "id"), DISPATCH_PAGE_SIZE)
    destinations = Facility.objects.filter(is_active=True).exclude(pk=facility.pk)
    errors: dict[str, list[str]] = {}
    posted = request.POST if request.method == "POST" else {}
    selected = parse_ids(request.POST.getlist("person"))
    if request.method == "POST":
        to = None
        raw_to = request.POST.get("to_facility", "")
        if parse_id(raw_to) is not None:
            to = destinations.filter(pk=parse_id(raw_to)).first()
        if to is None:
            errors["to_facility"] = [_("choose where they are going")]
        # Only persons this page could list: an id from elsewhere gets no number, no name back.
        persons = list(
            policy.scope_persons(user, persons_at(facility), "movement.dispatch")
            .filter(pk__in=selected)
            .order_by("id")
        )
        if len(persons) != len(selected):
            errors["persons"] = [_("some of the persons selected are not at this facility")]
        elif not persons:
            errors["persons"] = [_("select at least one person")]
        if not errors:
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
                errors = forms.errors_from(exc)
            else:
                messages.success(
                    request,
                    _("Movement %(m)s dispatched: %(n)d person(s) to %(to)s.")
                    % {"m": movement.number, "n": len(persons), "to": to.name},
                )
                return redirect("movement-detail", number=movement.number)
    on_page = {p.pk for p in page.object_list}
    if on_page:
        audit.record_list(
            request,
            sorted(on_page),
            action="dispatch.persons.list",
            obj=facility,
            page=page.number,
            rows=len(on_page),
            query_length=len(q),
        )
    known = {"to_facility", "persons", "facility", "separation_reason", "override_reason"}
    context = {
        "facility": facility,
        "page": page,
        "q": q,
        "category": category,
        "categories": list(CATEGORY_LABELS.items()),
        "category_labels": CATEGORY_LABELS,
        "show_names": _may_see_names(user),
        "show_person_category": "category" in policy.person_fields(user),
        "destinations": _with_free_places(destinations),
        "errors": errors,
        "other_errors": [m for k, v in errors.items() if k not in known for m in v],
        "posted": posted,
        "selected": selected,
        "selected_elsewhere": sorted(selected - on_page),
        "figures": facility_figures(facility),
    }
    return render(request, "custody/dispatch.html", context, status=400 if errors else 200)


def _with_free_places(destinations) -> list[Facility]:
    """Each destination with ``free``: capacity less those there and those already on their way
    (``None`` when it has no set capacity), so the officer sees where there is room before choosing."""
    populations = custody.populations()
    facilities = list(destinations.order_by("kind", "name"))
    for f in facilities:
        f.free = (
            None
            if f.capacity is None
            else f.capacity - populations.get(f.pk, 0) - custody.expected(f)
        )
    return facilities


def _movement_allowed(user, movement: Movement) -> bool:
    actions = ("movement.view", "movement.dispatch", "movement.receive")
    return any(
        policy.may_act_at(user, a, fid)
        for a in actions
        for fid in (movement.from_facility_id, movement.to_facility_id)
    )


@requires("movement.view")
def movement_detail(request: HttpRequest, number: str) -> HttpResponse:
    movement = get_object_or_404(
        Movement.objects.select_related("from_facility", "to_facility", "dispatched_by"),
        number=number,
    )
    if not _movement_allowed(request.user, movement):
        raise _out_of_scope(request, movement, "movement outside scope")
    lines = list(movement.lines.select_related("person").order_by("id"))
    show_names = _may_see_names(request.user)
    if show_names:
        audit.record_list(
            request,
            [ln.person_id for ln in lines],
            action="movement.manifest.read",
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
    facility = _facility_for(request, pk, "movement.receive")
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
    if request.method == "POST":
        movement = incoming.filter(number=request.POST.get("movement", "")).first()
        if movement is None:
            raise Http404
        error_movement = movement.number
        ids = parse_ids(request.POST.getlist("person"))
        persons = list(Person.objects.filter(pk__in=ids, manifest_lines__movement=movement))
        action = request.POST.get("action")
        note = request.POST.get("note", "").strip()
        if not persons:
            errors["persons"] = [_("tick the persons first")]
        elif action == "missing" and not note:
            errors["note"] = [_("say what is known (e.g. 'not on the bus at arrival')")]
        else:
            try:
                if action == "missing":
                    with transaction.atomic():
                        for p in persons:
                            custody.report_missing(movement, p, note=note, by=user, request=request)
                    messages.warning(
                        request,
                        _("%(n)d person(s) on %(m)s reported as not arrived.")
                        % {"n": len(persons), "m": movement.number},
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
                        _("%(n)d person(s) received from %(m)s.") % {"n": n, "m": movement.number},
                    )
            except ValidationError as exc:
                errors = forms.errors_from(exc)
            else:
                return redirect("receive", pk=facility.pk)
    show_names = _may_see_names(user)
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
        audit.record_list(request, shown, action="receive.persons.list", obj=facility)
    context = {
        "facility": facility,
        "movements": movements,
        "errors": errors,
        "error_movement": error_movement,
        "ticked": ids if errors else set(),
        "show_names": show_names,
    }
    return render(request, "custody/receive.html", context, status=400 if errors else 200)


@requires("movement.view")
def unaccounted(request: HttpRequest) -> HttpResponse:
    """Overdue and not-arrived persons on movements touching the user's facilities, by name."""
    user = request.user
    scope = policy.facility_scope(user, "movement.view")
    show_names = _may_see_names(user) and policy.can(user, "person.view")
    return _unaccounted_page(request, scope, show_names=show_names)


@requires("report.view")
def unaccounted_figures(request: HttpRequest) -> HttpResponse:
    """The coordinator's view of the same list: every movement, never who is on it.

    A page of its own (not a branch of ``unaccounted``) so each URL needs exactly one action.
    """
    return _unaccounted_page(request, None, show_names=False)


def _children_unaccounted(scope: set[int] | None):
    """Children lost on the way, on movements touching these facilities (None: all)."""
    lines = custody.in_transit_lines()
    if scope is not None:
        lines = lines.filter(
            Q(movement__from_facility_id__in=scope) | Q(movement__to_facility_id__in=scope)
        )
    return custody.children_unaccounted(lines)


def _unaccounted_page(request: HttpRequest, scope: set[int] | None, *, show_names: bool):
    user = request.user
    children = _children_unaccounted(scope) if show_names else []
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
                "may_open": _movement_allowed(user, line.movement),
            }
        )
    if show_names and (rows or children):
        audit.record_list(
            request,
            [r["line"].person_id for r in rows] + [c.person_id for c in children],
            action="unaccounted.read",
            rows=len(rows),
            children=len(children),
        )
    context = {
        "rows": rows,
        "children": children,
        "page": page,
        "show_names": show_names,
        "limit_hours": conf().UNACCOUNTED_AFTER_HOURS,
    }
    return render(request, "custody/unaccounted.html", context)
