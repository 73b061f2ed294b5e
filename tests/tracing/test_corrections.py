"""A corrected record is checked against the open tracing requests again, as a new registration is:
the name a registration officer puts right may be the one a family gave; a proposal that rested on
the old name is withdrawn (one a caseworker acted on is kept)."""

import pytest

from muster.audit.models import AuditEvent
from muster.people import services as people
from muster.tracing import services
from muster.tracing.models import TracingCandidate, TracingRequest
from tests import factories
from tests.tracing.conftest import WOMAN_REQUEST

pytestmark = pytest.mark.django_db
# Registered under another name (a mistake at reception, or the name she gave out of fear).
MISREAD = {
    "given_name": "Layla",
    "father_name": "Hassan",
    "family_name": "Khalil",
    "sex": "F",
    "birth_year": "1961",
    "place_of_origin": "Mosul",
    "relationship_to_head": "head",
}
HER_NAMES = {
    "given_name": "Nadia",
    "father_name": "Murad",
    "grandfather_name": "Basee",
    "family_name": "Taha",
    "mother_name": "Shami",
    "birth_year": "1993",
    "place_of_origin": "Kocho",
}


def test_a_correction_is_checked_against_the_open_requests_again(
    small_registry, facilities, caseworkers, django_capture_on_commit_callbacks
):
    officer = factories.user("registration_officer")
    with django_capture_on_commit_callbacks(execute=True):
        req = services.open_request(WOMAN_REQUEST, by=caseworkers[0])
        woman = factories.household(
            [dict(MISREAD)], reception_point=facilities["reception"], by=officer
        ).members.get()
    assert not TracingCandidate.objects.filter(person=woman).exists()

    with django_capture_on_commit_callbacks(execute=True):
        people.correct_person(woman, HER_NAMES, reason="her own name, told later", by=officer)
    cand = TracingCandidate.objects.get(request=req, person=woman)
    assert cand.confident and cand.rank == 1
    req.refresh_from_db()
    assert req.status == TracingRequest.Status.CANDIDATE_FOUND
    event = AuditEvent.objects.filter(
        action="tracing.registration.check", object_id=str(req.pk)
    ).last()
    assert event.detail["after"] == "correction" and woman.pk in event.detail["person_ids"]

    # Put back to the misread name: the matcher's proposal rested on the old one and goes.
    with django_capture_on_commit_callbacks(execute=True):
        people.correct_person(woman, MISREAD, reason="entered on the wrong record", by=officer)
    assert not TracingCandidate.objects.filter(request=req, person=woman).exists()
    event = AuditEvent.objects.filter(action="tracing.registration.check").last()
    assert event.detail["withdrawn"] == [woman.pk]
    # Nothing confident is left in its queue: the request is open again, not "candidate found".
    req.refresh_from_db()
    assert not req.candidates.filter(confident=True).exists()
    assert req.status == TracingRequest.Status.OPEN


def test_a_candidate_a_caseworker_acted_on_survives_a_correction(
    small_registry, facilities, caseworkers, django_capture_on_commit_callbacks
):
    officer = factories.user("registration_officer")
    woman = factories.household(
        [{**MISREAD, **HER_NAMES}], reception_point=facilities["reception"], by=officer
    ).members.get()
    with django_capture_on_commit_callbacks(execute=True):
        req = services.open_request(WOMAN_REQUEST, by=caseworkers[0])
    cand = TracingCandidate.objects.get(request=req, person=woman)
    services.record_verification_step(cand, kind="interview", note="met her", by=caseworkers[0])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        people.correct_person(woman, MISREAD, reason="typo", by=officer)
    assert len(callbacks) >= 1
    assert TracingCandidate.objects.filter(pk=cand.pk).exists()
    # A correction of what the matcher does not read queues nothing.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        people.correct_person(woman, {"medical": True}, reason="x", by=officer)
    assert callbacks == []
