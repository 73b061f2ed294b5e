"""What the departure pages share: a departure or a person fetched in scope, whether names are
shown, the manifest's lines with their verification and counts, a step taken on a batch."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from muster.access import policy
from muster.access.lookup import refuse
from muster.core.errors import flash_refusals
from muster.departures import queries, services
from muster.departures.forms import DETAIL_LABELS
from muster.departures.models import Departure
from muster.people.models import Person


def departure_for(request: HttpRequest, number: str, action: str) -> Departure:
    departure = get_object_or_404(
        queries.without_hidden_reunifications(
            Departure.objects.select_related("from_facility"),
            policy.reunification_scope(request.user),
        ),
        number=number,
    )
    if not policy.may_act_at(request.user, action, departure.from_facility_id):
        raise refuse(request, departure, "departure outside scope")
    return departure


def with_verification(lines: list) -> list:
    """Each line with ``verification``: the person's latest nationality verification, or None."""
    latest = services.latest_verifications([line.person_id for line in lines])
    for line in lines:
        line.verification = latest.get(line.person_id)
    return lines


def line_counts(lines) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.get_outcome_display()] = counts.get(line.get_outcome_display(), 0) + 1
    return sorted(counts.items())


def person_for(request: HttpRequest, number: str) -> Person:
    person = get_object_or_404(Person, number=number)
    if not policy.scope_persons(request.user, Person.objects.filter(pk=person.pk)).exists():
        raise refuse(request, person, "person outside scope")
    return person


def act_on(request: HttpRequest, number: str, action: str, verb) -> HttpResponse:
    """Run a step on the departure; its refusals become messages on the manifest page."""
    departure = departure_for(request, number, action)
    try:
        verb(departure)
    except ValidationError as exc:
        flash_refusals(request, exc, label=DETAIL_LABELS.get)
    return redirect("departure-detail", number=departure.number)
