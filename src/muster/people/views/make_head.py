"""Making a member the head of their household; the former head and every other member take the
relationship to the new head the officer confirmed (proposed from their relationship to the former
head)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from muster.access import policy
from muster.access.decorators import requires
from muster.access.lookup import refuse, visible_person
from muster.people import services as people_services
from muster.people.models import Person, Relationship
from muster.people.reads import WEB, record_read
from muster.people.services.households import current_heads, other_members, propose_relationship
from muster.web.forms import error_summary, errors_from


@requires("person.correct")
def person_make_head(request: HttpRequest, number: str) -> HttpResponse:
    """Make this person the head of their household, with a reason; both changes are corrections."""
    person = visible_person(request, number, "person.correct")
    if person.merged_into_id or not person.household_id:
        raise refuse(request, person, "merged record" if person.merged_into_id else "no household")
    errors: dict[str, list] = {}
    former = current_heads(person.household_id, exclude=person)
    # The former head's record changes too: the officer must be allowed to correct it.
    in_scope = set(
        policy.scope_persons(
            request.user, Person.objects.filter(pk__in=[p.pk for p in former]), "person.correct"
        ).values_list("pk", flat=True)
    )
    # The other members' relationships are expressed again, relative to the new head: each proposed,
    # the officer confirms or changes it. Those outside the officer's places keep theirs.
    members = list(
        policy.scope_persons(
            request.user,
            Person.objects.filter(pk__in=[m.pk for m in other_members(person, former)]),
            "person.correct",
        ).order_by("id")
    )
    posting = request.method == "POST"
    if posting:
        if any(p.pk not in in_scope for p in former):
            errors = {"person": [_("the current head is outside the places you may correct")]}
        else:
            try:
                with transaction.atomic():
                    people_services.make_head(
                        person,
                        former_head_relationship=request.POST.get("former_head_relationship", ""),
                        reason=request.POST.get("reason", ""),
                        by=request.user,
                        request=request,
                        # A member the form did not send keeps their relationship.
                        relationships={
                            m.number: request.POST[f"relationships.{m.number}"]
                            for m in members
                            if f"relationships.{m.number}" in request.POST
                        },
                    )
            except ValidationError as exc:
                errors = errors_from(exc)
            else:
                messages.success(
                    request, _("%(n)s is now the head of the household.") % {"n": number}
                )
                return redirect("person-detail", number=person.number)
    record_read(request, person, via=WEB, view="make_head")
    proposed_former = propose_relationship(former[0], person, former_head=True) if former else ""
    rows = []
    for m in members:
        field = f"relationships.{m.number}"
        proposed = propose_relationship(m, person)
        rows.append(
            {
                "person": m,
                "field": field,
                "proposed": proposed,
                "proposed_label": Relationship(proposed).label,
                "chosen": request.POST.get(field, "") if posting else proposed,
                "errors": errors.get(field, []),
            }
        )
    context = {
        "person": person,
        "former": [p for p in former if p.pk in in_scope],
        "relationships": [
            (c, label) for c, label in Relationship.choices if c != Relationship.HEAD
        ],
        "members": rows,
        "proposed_former": proposed_former,
        "proposed_former_label": Relationship(proposed_former).label if proposed_former else "",
        "chosen": request.POST.get("former_head_relationship", "") if posting else proposed_former,
        "reason": request.POST.get("reason", ""),
        "errors": errors,
        "error_summary": error_summary(errors),
    }
    return render(request, "people/make_head.html", context, status=400 if errors else 200)
