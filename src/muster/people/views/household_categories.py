"""Deciding the categories of a household's members in one form: each member's category chosen by
the officer (none is chosen for them), a reason for each, all recorded or none."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from muster.access import policy
from muster.access.decorators import requires
from muster.access.lookup import refuse, visible_person
from muster.audit import services as audit
from muster.people.audit_actions import PeopleAction
from muster.people.models import Person
from muster.people.reads import WEB, record_read
from muster.screening import services as screening
from muster.screening.models import Category
from muster.web.forms import error_summary, errors_from

MEMBER_FIELDS = ("category", "reason", "legal_basis", "basis")


def _members(request: HttpRequest, person: Person) -> list[Person]:
    """The household's members the officer may decide: in their scope, merged duplicates left out
    (a duplicate's category is its kept record's)."""
    qs = person.household.members.filter(merged_into__isnull=True).order_by("id")
    return list(policy.scope_persons(request.user, qs, "person.view"))


def _posted_choices(post, members: list[Person]) -> list[dict]:
    by_number = {m.number: m for m in members}
    choices, i = [], 0
    while f"members[{i}].person" in post and i < 200:
        prefix = f"members[{i}]."
        choices.append(
            {
                "person": by_number.get(post.get(prefix + "person", "")),
                **{f: post.get(prefix + f, "") for f in MEMBER_FIELDS},
            }
        )
        i += 1
    return choices


@requires("category.decide")
def household_categories(request: HttpRequest, number: str) -> HttpResponse:
    """GET: the household's members, each with a category to choose (none chosen). POST: record
    the chosen ones in one transaction; on any error nothing is recorded and each error is shown
    beside its member's field."""
    person = visible_person(request, number, "person.view")
    if not person.household_id or person.merged_into_id:
        raise refuse(request, person, "no household to decide")
    members = _members(request, person)
    errors: dict = {}
    status = 200
    if request.method == "POST":
        choices = _posted_choices(request.POST, members)
        try:
            with transaction.atomic():
                decisions = screening.decide_household_categories(
                    person.household,
                    choices,
                    reason=request.POST.get("reason", ""),
                    legal_basis=request.POST.get("legal_basis", "")[:300],
                    by=request.user,
                    request=request,
                )
        except ValidationError as exc:
            # The form has one basis field: a basis hit's error is told there.
            errors = {k.replace(".basis_hit", ".basis"): v for k, v in errors_from(exc).items()}
            status = 400
        else:
            _tell(request, person, decisions)
            return redirect("person-detail", number=person.number)
    posted = request.POST if request.method == "POST" else {}
    rows = [
        {
            "i": i,
            "person": m,
            "current": screening.current_category(m),
            "pending": screening.pending_category(m),
            "values": {f: posted.get(f"members[{i}].{f}", "") for f in MEMBER_FIELDS},
            "errors": {f: errors.get(f"members[{i}].{f}", []) for f in (*MEMBER_FIELDS, "person")},
        }
        for i, m in enumerate(members)
    ]
    response = render(
        request,
        "people/household_categories.html",
        {
            "person": person,
            "rows": rows,
            "categories": Category.choices,
            "reason": posted.get("reason", ""),
            "legal_basis": posted.get("legal_basis", ""),
            # Errors of no member's field (none chosen, no named officer), above the table.
            "general_errors": [
                e for k, msgs in errors.items() if not k.startswith("members[") for e in msgs
            ],
            "error_summary": error_summary(errors),
        },
        status=status,
    )
    with transaction.atomic():
        record_read(request, person, via=WEB, view="household-categories")
        others = [m.pk for m in members if m.pk != person.pk]
        if others:
            audit.record_list(
                request, others, action=PeopleAction.HOUSEHOLD_MEMBERS_LIST, obj=person
            )
    return response


def _tell(request: HttpRequest, person: Person, decisions: list) -> None:
    pending = sum(1 for d in decisions if d.status == "pending")
    messages.success(
        request,
        ngettext(
            "Category recorded for %(n)d member.",
            "Categories recorded for %(n)d members.",
            len(decisions),
        )
        % {"n": len(decisions)},
    )
    if pending:
        messages.info(
            request,
            ngettext(
                "%(n)d decision takes effect when a second officer approves it.",
                "%(n)d decisions take effect when a second officer approves them.",
                pending,
            )
            % {"n": pending},
        )
    if any(d.category == Category.FAMILY_OF_HELD for d in decisions):
        members = Person.objects.filter(household_id=person.household_id)
        if not screening.held_or_proposed(members.values_list("pk", flat=True)):
            messages.warning(
                request,
                _("No one in this person's household is held or proposed as held: check that "
                  "the held relative is registered, and link the family."),
            )  # fmt: skip
