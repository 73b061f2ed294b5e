"""The person pages departures add: how the nationality was verified, and a death."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from muster.access.decorators import requires
from muster.audit import services as audit
from muster.departures import queries, services
from muster.departures.forms import errors_from
from muster.departures.models import NationalityVerification
from muster.departures.views.shared import person_for
from muster.people.audit_actions import PeopleAction
from muster.people.validation import NATIONALITY_MAX, read_country


@requires("departure.manage")
@transaction.atomic
def person_nationality(request: HttpRequest, number: str) -> HttpResponse:
    """Record how the person's nationality was verified: document seen, interview, state's word."""
    person = person_for(request, number)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        typed = request.POST.get("nationality", "").strip()[:NATIONALITY_MAX]
        try:
            services.verify_nationality(
                [person],
                # The country as the officer names it (Iraq, العراق, IQ); one not known goes to
                # the service as typed, which refuses it naming the field.
                nationality=read_country(typed) or typed,
                method=request.POST.get("method", ""),
                outcome=request.POST.get("outcome", "verified"),
                interview_note=request.POST.get("interview_note", ""),
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            errors = errors_from(exc)
        else:
            messages.success(request, _("Nationality verification recorded."))
            return redirect("person-nationality", number=person.number)
    audit.record(
        PeopleAction.PERSON_READ,
        request=request,
        obj=person,
        detail={"via": "web", "view": "nationality"},
    )
    context = {
        "person": person,
        "verifications": person.nationality_verifications.select_related(
            "verified_by", "document"
        ).order_by("-verified_at"),
        "documents": person.documents.all(),
        "methods": NationalityVerification.Method.choices,
        "outcomes": NationalityVerification.Outcome.choices,
        "lines": queries.lines_of(person),
        "errors": errors,
        "posted": request.POST,
    }
    return render(request, "departures/nationality.html", context, status=400 if errors else 200)


@requires("departure.manage")
def person_death(request: HttpRequest, number: str) -> HttpResponse:
    person = person_for(request, number)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            departure = services.record_death(
                person,
                details={
                    "death_source": request.POST.get("death_source", ""),
                    "death_date": request.POST.get("death_date", ""),
                    "note": request.POST.get("note", ""),
                },
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            errors = errors_from(exc)
        else:
            messages.success(request, _("Death recorded (%(d)s).") % {"d": departure.number})
            return redirect("person-detail", number=person.number)
    audit.record(
        PeopleAction.PERSON_READ,
        request=request,
        obj=person,
        detail={"via": "web", "view": "death"},
    )
    return render(
        request,
        "departures/death.html",
        {"person": person, "errors": errors, "posted": request.POST},
        status=400 if errors else 200,
    )
