"""Reception pages: register a household on one page, the possible earlier registrations of the
person being typed, a late member added to a household, a document's machine-readable zone read as
it is scanned or typed."""

import datetime as dt
import json
import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from muster.access import policy
from muster.access.decorators import requires
from muster.access.lookup import refuse, visible_person
from muster.audit import services as audit
from muster.core.conf import conf
from muster.core.errors import Message
from muster.core.parsing import parse_id
from muster.core.text import isolate
from muster.custody import services as custody
from muster.custody.models import Facility, Placement
from muster.identity import ascii_digits, given_name_alone
from muster.intake import forms
from muster.intake import services as intake
from muster.intake.documents import (
    failed_check_message,
    fill_from_mrz,
    mrz_document_type,
    mrz_message,
)
from muster.intake.mrz import MRZError, parse_mrz
from muster.people.audit_actions import PeopleAction
from muster.people.models import PROTECTION_FLAGS, IdentityDocument, Person, Relationship, Sex
from muster.people.search import filter_by_name
from muster.people.validation import clean_household, clean_member
from muster.web.forms import error_summary, errors_from


def reception_points(user):
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
        "points": reception_points(request.user),
        "point_id": point_id,
        "capacity_error": errors.get("facility"),
        "override_reason": override_reason,
        "sexes": Sex.choices,
        "relationships": Relationship.choices,
        "flags": list(PROTECTION_FLAGS.items()),
        "doc_types": IdentityDocument.Kind.choices,
        # Filled in ahead on every member; a scanned passport's nationality replaces it.
        "default_nationality": forms.DEFAULT_NATIONALITY,
        # A draft in the browser (static/muster/js/muster.js) lives no longer than a session can.
        "draft_max_age": int(conf().SESSION_MAX_HOURS * 3600),
    }


def _document_problems(members_raw: list[dict]) -> dict[str, list]:
    """What :func:`intake.check_documents` would refuse in the documents as typed (trimmed, the
    country in capitals, digits in ASCII), named by the form's own rows; the rows shown again keep
    what the officer typed."""
    typed = []
    for raw in members_raw:
        docs = []
        for doc in raw.get("documents") or []:
            number = ascii_digits(str(doc.get("number") or "").strip())
            doc_type = str(doc.get("doc_type") or "").strip()
            docs.append(
                {
                    "doc_type": doc_type,
                    "number": number,
                    "issuing_country": str(doc.get("issuing_country") or "").strip().upper(),
                    "mrz": str(doc.get("mrz") or "").strip(),
                }
                if number and doc_type
                else {}
            )
        typed.append({"documents": docs})
    try:
        intake.check_documents(typed)
    except ValidationError as exc:
        return errors_from(exc)
    return {}


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
        point = reception_points(request.user).filter(pk=parse_id(raw_point)).first()
    if point is None:
        errors["reception_point"] = [
            Message(_("choose the reception point where you are registering"), "required")
        ]
    else:
        point_id = point.pk
        request.session["reception_point"] = point.pk  # the officer stays at one table all day
    cleaned = None
    try:
        cleaned = clean_household(members_raw)
    except ValidationError as exc:
        errors.update(errors_from(exc))
    # The documents' own checks (number format, the zone's check digits) on the same answer as the
    # rest, and on the rows as typed: the cleaned members have lost their empty document rows, so
    # the service's own check would name the second row typed as the first.
    for key, msgs in _document_problems(members_raw).items():
        errors.setdefault(key, msgs)
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
    # Where each was registered: their first placement, at the reception point that registered
    # them (named as the policy lets the officer read it, as where they are now).
    first: dict[int, Facility] = {}
    for pl in (
        Placement.objects.filter(person__in=matches)
        .select_related("facility")
        .order_by("started_at", "id")
    ):
        first.setdefault(pl.person_id, pl.facility)
    rows = []
    for p in matches:
        placement = custody.current_placement(p)
        rows.append({"person": p, "placement": placement, "registered_at": first.get(p.pk)})
    # A given name's box holding the father's name too (Muhammad Jasim, father Jasim: the name as
    # a person says it) is compared without it, but the record should say it as the form asks.
    alone = given_name_alone(given, parts.get("father_name", ""))
    return render(request, "_matches.html", {"rows": rows, "given_alone": alone})


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
            point = reception_points(request.user).filter(pk=int(raw_point)).first()
        if point is None:
            errors["reception_point"] = [
                Message(_("choose the reception point where you are registering"), "required")
            ]
        else:
            point_id = point.pk
        cleaned = None
        try:
            cleaned = clean_member(raw)
        except ValidationError as exc:
            errors.update({f"members[0].{k}": v for k, v in errors_from(exc).items()})
        for key, msgs in _document_problems(members_raw).items():  # named by the rows as typed
            errors.setdefault(key, msgs)
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
        return render(request, "intake/_mrz.html", {"error": mrz_message(exc)})
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
            "failed": [failed_check_message(c, mrz.document_number) for c in mrz.failed_checks],
            # The reader's problems and notes, and the kind of document, in the officer's language.
            "problems": [mrz_message(p) for p in mrz.problems],
            "notes": [mrz_message(w) for w in mrz.warnings],
            "document_type": mrz_document_type(mrz.document_type),
            "fill": json.dumps(fill, ensure_ascii=False),
            "fill_empty": json.dumps(fill_empty, ensure_ascii=False),
            "expired": bool(mrz.expiry and mrz.expiry < today),
        },
    )
