"""A person's page: identity as the reader may see it, household, documents, custody, category,
timeline, other registrations; and the category decided from it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.access import policy
from muster.access.decorators import requires
from muster.access.lookup import movement_allowed, visible_person
from muster.access.policy import IDENTITY_FIELDS
from muster.access.projection import person_values, tracing_interest
from muster.audit import services as audit
from muster.core.countries import country_name
from muster.custody import services as custody
from muster.custody.models import Placement
from muster.people import forms
from muster.people import services as people_services
from muster.people.audit_actions import PeopleAction
from muster.people.models import NAME_PARTS, PROTECTION_FLAGS, Person, Relationship
from muster.people.reads import WEB, record_read
from muster.people.validation import has_hidden_characters, name_has_hidden_characters
from muster.protection import queries as protection_queries
from muster.reports.timeline import person_timeline
from muster.screening import services as screening
from muster.screening.queries import CATEGORY_LABELS
from muster.web.forms import errors_from


def _identity_rows(person: Person, fields) -> list[dict]:
    rows = []
    # The one projection through the policy; what it reads beyond the record is shown elsewhere.
    shown = person_values(person, fields & IDENTITY_FIELDS)
    for part in NAME_PARTS:
        if part in shown:
            value = shown[part]
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
        ("nationality", _("Nationality"), country_name(person.nationality)),
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
    ltr = {"date_of_birth", "registered_at", "origin_pcode"}
    for field, label, value in simple:
        if field in shown:
            rows.append({"label": label, "value": value, "ltr": field in ltr})
    return rows


def _dob_text(person: Person) -> str:
    if person.dob_precision == "estimated" and person.birth_year:
        return f"{person.birth_year} ({_('est.')})"
    return person.dob_display


def _other_registrations(request, person: Person, fields, reads: list) -> list[dict]:
    """The other registrations of the same human (merged duplicates, or the kept record).

    Each one shown is a read of that record too, so it is audited as one (appended to ``reads``),
    naming the page it was seen on. Records outside the user's scope are listed without a link.
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
        reads.append(
            lambda other=other: record_read(
                request, other, via=WEB, view="person", seen_from=person.number
            )
        )
        rows.append(
            {
                "person": other,
                "visible": other.pk in in_scope,
                "kept": other.merged_into_id is None,
                "reception_point": first.facility if first else None,
            }
        )
    return rows


def _separations(person: Person, fields) -> list[dict]:
    """Recorded splits of this person's household, as seen from this person's side; the stated
    reason only for roles that may read it (:func:`muster.access.policy.shows_separation_reason`)."""
    reason_shown = policy.shows_separation_reason(fields)
    rows = []
    for sep in protection_queries.separations_of(person):
        moved = sep.moved.filter(pk=person.pk).exists()
        rows.append(
            {
                "separation": sep,
                "moved": moved,
                # On the same transfer as those received, and not received with them: a child
                # lost on the way did not "stay".
                "not_arrived": not moved and custody.left_on_the_way(sep, person),
                "reason": sep.reason if reason_shown else "",
            }
        )
    return rows


def render_person(request, person: Person, category_form=None, status=200) -> HttpResponse:
    """The person page, and its audit events once it is drawn.

    The events (this read, the household members shown, the other registrations shown) are written
    together in one transaction after the page is rendered and before it is returned: no page
    leaves without them, and the audit chain's lock, which every audited request takes in turn, is
    held for the writes only, not while the page is read and drawn.
    """
    user = request.user
    fields = policy.person_fields(user)
    reads = [lambda: record_read(request, person, via=WEB, view="person")]
    members = []
    if person.household_id and "household" in fields:
        in_scope = set(
            policy.scope_persons(user, person.household.members.all()).values_list("pk", flat=True)
        )
        household = list(person.household.members.order_by("id"))
        ids = {m.pk for m in household}
        for m in household:
            # A duplicate merged into another member is that member, listed already.
            if m.merged_into_id in ids and m.pk != person.pk:
                continue
            members.append({"person": m, "visible": m.pk in in_scope, "self": m.pk == person.pk})
        shown = [m["person"].pk for m in members if m["visible"] and not m["self"]]
        if shown:
            reads.append(
                lambda: audit.record_list(
                    request, shown, action=PeopleAction.HOUSEHOLD_MEMBERS_LIST, obj=person
                )
            )
    # A merged duplicate is decided on the record kept (the service refuses it too).
    may_decide = policy.can(user, "category.decide") and not person.merged_into_id
    placement = (
        custody.current_placement(person)
        if fields & {"current_facility", "custody_state"}
        else None
    )
    context = {
        "person": person,
        "fields": fields,
        "identity": _identity_rows(person, fields),
        "name_hidden_chars": name_has_hidden_characters(person),
        "show_names": "given_name" in fields,
        "has_photo": "given_name" in fields and person.photos.filter(is_current=True).exists(),
        "may_take_photo": policy.can(user, "person.register") and not person.merged_into_id,
        "members": members,
        "documents": list(people_services.documents_of(person)) if "documents" in fields else None,
        "today": timezone.localdate(),
        "flags": [PROTECTION_FLAGS[f] for f in person.protection_flags if f in fields],
        "show_flags": bool(fields & set(PROTECTION_FLAGS)),
        # The bare "tracing interest" flag (access.policy.TRACING_INTEREST_FIELDS): never which
        # request or who asks.
        "tracing_interest": policy.shows_tracing_interest(fields) and tracing_interest(person),
        "may_trace": policy.can(user, "tracing.manage"),
        "placement": placement,
        # The transfer on the way: linked for a role that may open it (a tracing caseworker may
        # not, and the link answered 403).
        "may_open_movement": bool(placement and placement.movement_id)
        and movement_allowed(user, placement.movement),
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
            person,
            fields,
            protection_detail=policy.can(user, "protection.review"),
            roll_calls_at=policy.facility_scope(user, "rollcall.view"),
        ),
        "registrations": _other_registrations(request, person, fields, reads),
        "separations": _separations(person, fields) if "household" in fields else [],
        "may_decide": may_decide,
        "may_correct": policy.can(user, "person.correct") and not person.merged_into_id,
        "may_make_head": policy.can(user, "person.correct")
        and bool(person.household_id)
        and not person.merged_into_id
        and person.relationship_to_head != Relationship.HEAD,
        "may_add_member": policy.can(user, "person.register")
        and bool(person.household_id)
        and not person.merged_into_id,
        "category_form": category_form or (forms.CategoryForm() if may_decide else None),
        # A duplicate awaiting a decision, for whoever decides hits: a category decided (or a
        # move made) on a record about to be merged away was easy to miss.
        "open_duplicates": _open_duplicates(person) if policy.can(user, "screening.decide") else [],
    }
    response = render(request, "people/detail.html", context, status=status)
    with transaction.atomic():
        for write in reads:
            write()
    return response


def _held_relative(person: Person) -> bool:
    """Whether a member of the person's household is held, or proposed as held."""
    if not person.household_id:
        return False
    others = Person.objects.filter(household_id=person.household_id).exclude(pk=person.pk)
    return bool(screening.held_or_proposed(others.values_list("pk", flat=True)))


def _open_duplicates(person: Person) -> list:
    from django.db.models import Q

    from muster.screening.models import Hit

    return list(
        Hit.objects.filter(
            Q(person=person) | Q(candidate=person),
            kind=Hit.Kind.DUPLICATE,
            status__in=(Hit.Status.OPEN, Hit.Status.MORE_INFO),
        ).order_by("-score", "pk")[:5]
    )


@requires("person.view")
def person_detail(request: HttpRequest, number: str) -> HttpResponse:
    person = visible_person(request, number)
    return render_person(request, person)


@requires({"POST": "category.decide"})
def person_category(request: HttpRequest, number: str) -> HttpResponse:
    person = visible_person(request, number, "person.view")
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
            for field, msgs in errors_from(exc).items():
                field = "basis" if field == "basis_hit" else field
                for msg in msgs:
                    error = ValidationError(msg, code=getattr(msg, "code", "") or None)
                    form.add_error(field if field in form.fields else None, error)
        else:
            label = CATEGORY_LABELS[form.cleaned_data["category"]]
            if getattr(decision, "status", "approved") == "pending":
                text = _(
                    "Category %(c)s recorded; it takes effect when a second officer approves it."
                )
            else:
                text = _("Category recorded: %(c)s.")
            messages.success(request, text % {"c": label})
            if form.cleaned_data["category"] == "family_of_held" and not _held_relative(person):
                # Recorded (the officer decides; the held relative may be registered elsewhere),
                # but said: a family's category resting on nobody held went unremarked.
                messages.warning(
                    request,
                    _("No one in this person's household is held or proposed as held: check that "
                      "the held relative is registered, and link the family."),
                )  # fmt: skip
            return redirect("person-detail", number=person.number)
    return render_person(request, person, category_form=form, status=400)
