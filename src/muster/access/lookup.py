"""Finding one object by its id for a door (page, API endpoint), within the user's scope.

An object outside the user's facility scope answers 404, as if it did not exist (its existence is not
revealed), and the refusal is audited (``request.denied``, naming the action, never a person's data).
Callers have already checked the action itself (``@requires`` on a page, ``policy_action`` on the API).
"""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from muster.access import policy
from muster.audit import services as audit
from muster.audit.models import AuditEvent
from muster.custody.models import Facility, Movement
from muster.people.models import Person
from muster.people.search import filter_by_query
from muster.people.search.filters import document_holders, household_members

#: The reason an API endpoint records for an object outside the user's scope.
OUT_OF_SCOPE = "outside the user's facility scope"


def refuse(request, obj, reason: str) -> Http404:
    """Audit the refusal of ``obj`` (outside the user's scope) and return the 404 to raise.

    Recorded at once; and, should the caller's transaction roll the record back with the 404, recorded
    again by :func:`record_refusal_after_rollback` (the API's exception handler, the refusal
    middleware), which run outside the view's transaction.
    """
    http_request = getattr(request, "_request", request)  # a DRF Request wraps Django's
    http_request._muster_out_of_scope = (reason, obj)
    audit.record_denied(http_request, reason, obj=obj)
    return Http404()


def record_refusal_after_rollback(request) -> None:
    """Write again the refusal left by :func:`refuse` if the view's transaction rolled it back."""
    http_request = getattr(request, "_request", request)
    pending = getattr(http_request, "_muster_out_of_scope", None)
    if pending is None:
        return
    http_request._muster_out_of_scope = None
    recorded = getattr(http_request, "_muster_denied_event", None)
    if recorded is not None and AuditEvent.objects.filter(pk=recorded).exists():
        return
    http_request._muster_denied_event = None
    reason, obj = pending
    audit.record_denied(http_request, reason, obj=obj)


def get_in_scope(request, qs: QuerySet, *, reason: str, allowed=None, **filters):
    """The object matching ``filters`` in ``qs`` (already narrowed to the user's scope, or not), if
    ``allowed(obj)`` (when given) holds. Otherwise 404: a plain one when no such object exists, an
    audited refusal (:func:`refuse`) when it exists but is outside the user's reach."""
    try:
        obj = qs.filter(**filters).first()
    except (TypeError, ValueError, ValidationError):  # an id that cannot be one: nothing there
        raise Http404 from None
    if obj is not None and (allowed is None or allowed(obj)):
        return obj
    existing = obj or qs.model._default_manager.filter(**filters).first()
    if existing is None:
        raise Http404
    raise refuse(request, existing, reason)


def facility_for(request: HttpRequest, pk: int, action: str, *, reason: str = "") -> Facility:
    """The facility if the user may do ``action`` there, else 404 (audited when it exists)."""
    return get_in_scope(
        request,
        Facility.objects.all(),
        allowed=lambda f: policy.may_act_at(request.user, action, f.pk),
        reason=reason or f"facility outside scope for {action}",
        pk=pk,
    )


def visible_person(request: HttpRequest, number: str, action: str = "person.view") -> Person:
    """The person with this number if the user may do ``action`` on them, else 404 (audited when
    the person exists but is outside the user's scope)."""
    return get_in_scope(
        request,
        policy.scope_persons(request.user, Person.objects.all(), action).select_related(
            "household", "merged_into"
        ),
        reason=f"person outside scope for {action}",
        number=number,
    )


def movement_allowed(user, movement: Movement) -> bool:
    """A movement is the business of both its ends: viewing, dispatching or receiving at either."""
    actions = ("movement.view", "movement.dispatch", "movement.receive")
    return any(
        policy.may_act_at(user, a, fid)
        for a in actions
        for fid in (movement.from_facility_id, movement.to_facility_id)
    )


def may_see_names(user) -> bool:
    return "given_name" in policy.person_fields(user)


def documents_held(user, persons, q: str) -> frozenset[int]:
    """The ids among ``persons`` holding a document whose number is what was typed (found by it,
    so shown as a match in full, not at the closeness of their names), for a role that may see
    documents; none for any other."""
    if "documents" not in policy.person_fields(user):
        return frozenset()
    return frozenset(document_holders(q, among=persons))


def households_held(user, persons, q: str) -> frozenset[int]:
    """The ids among ``persons`` in the household whose number is what was typed (found by it, so
    shown as a match in full, not at the closeness of their names, 0 %), for a role that may see
    households; none for any other."""
    if "household" not in policy.person_fields(user):
        return frozenset()
    return frozenset(household_members(q, among=persons))


def search_persons(user, qs, q: str):
    """The one person search (muster.people.search), matching document numbers only for roles
    that may see documents, household numbers only for roles that may see households."""
    fields = policy.person_fields(user)
    return filter_by_query(
        qs, q, match_documents="documents" in fields, match_households="household" in fields
    )
