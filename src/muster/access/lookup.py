"""Finding one object by its id for a door (page, API endpoint), within the user's scope.

An object outside the user's facility scope answers 404, as if it did not exist (its existence is not
revealed), and the refusal is audited (``request.denied``, naming the action, never a person's data).
Callers have already checked the action itself (``@requires`` on a page, ``policy_action`` on the API).
"""

from django.http import Http404, HttpRequest

from muster.access import policy
from muster.audit import services as audit
from muster.custody.models import Facility
from muster.people.models import Person
from muster.people.search import filter_by_query


def out_of_scope(request: HttpRequest, obj, reason: str) -> Http404:
    """Audit the refusal of an object outside the user's scope; the caller raises the 404.

    Not inside a transaction that the 404 rolls back: the refusal must stay in the log.
    """
    audit.record_denied(request, reason, obj=obj)
    return Http404()


def facility_for(request: HttpRequest, pk: int, action: str) -> Facility:
    """The facility if the user may do ``action`` there, else 404 (audited when it exists)."""
    facility = Facility.objects.filter(pk=pk).first()
    if facility is None:
        raise Http404
    if not policy.may_act_at(request.user, action, facility.pk):
        raise out_of_scope(request, facility, f"facility outside scope for {action}")
    return facility


def visible_person(request: HttpRequest, number: str, action: str = "person.view") -> Person:
    """The person with this number if the user may do ``action`` on them, else 404 (audited when
    the person exists but is outside the user's scope)."""
    qs = policy.scope_persons(request.user, Person.objects.all(), action)
    person = qs.select_related("household", "merged_into").filter(number=number).first()
    if person is None:
        existing = Person.objects.filter(number=number).first()
        if existing is not None:
            raise out_of_scope(request, existing, f"person outside scope for {action}")
        raise Http404
    return person


def may_see_names(user) -> bool:
    return "given_name" in policy.person_fields(user)


def search_persons(user, qs, q: str):
    """The one person search (muster.people.search), matching document numbers only for roles
    that may see documents."""
    return filter_by_query(qs, q, match_documents="documents" in policy.person_fields(user))
