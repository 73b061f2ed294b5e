"""access.lookup: the one way a door fetches an object by id within the user's scope."""

import pytest
from django.db import transaction
from django.http import Http404
from django.test import RequestFactory

from muster.access import lookup, policy
from muster.audit.models import AuditEvent
from muster.people.models import Person
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    places = factories.facilities()
    family = factories.household(reception_point=places["reception"])
    elsewhere = factories.user("camp_manager", facility=places["camp"])
    request = RequestFactory().get("/people/x/")
    request.user = elsewhere
    return family.members.order_by("id").first(), request


def denied():
    return list(AuditEvent.objects.filter(action="request.denied"))


def test_an_unknown_number_is_a_plain_404(scene):
    _, request = scene
    with pytest.raises(Http404):
        lookup.visible_person(request, "NOPE-0000")
    assert denied() == []


def test_a_person_outside_the_scope_is_a_404_and_one_recorded_refusal(scene):
    head, request = scene
    with pytest.raises(Http404):
        lookup.visible_person(request, head.number)
    lookup.record_refusal_after_rollback(request)  # what the doors do after the view: no second
    [event] = denied()
    assert event.object_id == str(head.pk)
    assert event.detail["reason"] == "person outside scope for person.view"


def test_a_refusal_rolled_back_with_the_view_is_recorded_again(scene):
    head, request = scene
    with pytest.raises(Http404), transaction.atomic():
        lookup.get_in_scope(
            request,
            policy.scope_persons(request.user, Person.objects.all()),
            reason="outside the user's facility scope",
            number=head.number,
        )
    assert denied() == []  # gone with the view's transaction …
    lookup.record_refusal_after_rollback(request)
    [event] = denied()  # … and written again, once
    assert event.detail["reason"] == "outside the user's facility scope"


def test_an_id_that_cannot_be_one_is_a_404(scene):
    _, request = scene
    with pytest.raises(Http404):
        lookup.facility_for(request, "not-a-number", "facility.view")
