"""The live queue weighs each request against the other open requests, as the benchmark's joint
matching does: a registration another open request claims far more strongly (the sibling's own
request) does not stay first in this request's queue, nor does a person confirmed for another
request; a proposal a caseworker has acted on is never changed."""

import pytest
from django.urls import reverse
from django.utils import timezone

from muster.audit.models import AuditEvent
from muster.tracing import services
from muster.tracing.models import TracingCandidate, TracingRequest
from tests import factories
from tests.tracing.conftest import GIRL_REQUEST

pytestmark = pytest.mark.django_db

# The girl's sister, taken the same day and registered under her own name: the family's parents,
# Kocho, a year of birth close to the girl's. Single matching ranks her first for the girl's
# request (father, family, mother, place and year agree; the girl is under her captors' names).
SISTER = [
    {
        "given_name": "Nergiz",
        "father_name": "Khalaf",
        "family_name": "Hesso",
        "mother_name": "Gulistan",
        "sex": "F",
        "birth_year": "2005",
        "place_of_origin": "Kocho",
        "relationship_to_head": "head",
    }
]
SISTER_REQUEST = {
    **GIRL_REQUEST,
    "given_name": "Nergiz",
    "other_names": "",
    "age_at_separation": "",
    "birth_year": "2005",
}
WEAK_SISTER_REQUEST = {
    **{k: v for k, v in GIRL_REQUEST.items() if k.startswith("requester")},
    "given_name": "Nergiz",
    "sex": "F",
    "birth_year": "2005",
}


def _open(fields, by, capture):
    with capture(execute=True):  # the worker's match, and its re-weighing of the others
        req = services.open_request(fields, by=by)
    req.refresh_from_db()
    return req


def _queue(req):
    return list(req.candidates.order_by("rank").values_list("person_id", flat=True))


@pytest.fixture
def sister(abducted, facilities):
    hh = factories.household([dict(m) for m in SISTER], reception_point=facilities["reception"])
    return hh.members.get()


def test_a_sisters_registration_claimed_by_her_own_request_drops_in_the_girls_queue(
    abducted, sister, caseworkers, django_capture_on_commit_callbacks
):
    girl, _ = abducted
    req = _open(GIRL_REQUEST, caseworkers[0], django_capture_on_commit_callbacks)
    assert _queue(req)[:2] == [sister.pk, girl.pk]  # nobody else claims the sister yet
    own = _open(SISTER_REQUEST, caseworkers[1], django_capture_on_commit_callbacks)
    assert _queue(own)[0] == sister.pk
    # The sister's own request re-weighed the girl's untouched proposal: the girl comes first.
    assert _queue(req)[0] == girl.pk
    claimed = req.candidates.get(person=sister)
    assert claimed.explanation["other_request"]["registry"].startswith(own.number)
    assert claimed.rank > 1 and not claimed.confident
    events = AuditEvent.objects.filter(action="tracing.registration.check", object_id=str(req.pk))
    assert [e.detail["after"] for e in events] == ["another request"]
    # The caseworker's queue says why.
    page = factories.signed_in(caseworkers[0]).get(reverse("tracing-request", args=[req.number]))
    claim = page.content.decode().split('data-testid="claimed"', 1)[1].split("</div>", 1)[0]
    assert "Another open request also seeks this person" in claim and own.number in claim
    # How much the claim lowered this score (the score shown is after it), and the rule for
    # "confident" in the page's words.
    html = page.content.decode()
    lowered = -float(claimed.explanation["other_request"]["weight"])
    assert lowered > 0 and f"the score here is {lowered:.1f} bits lower for it" in html
    assert "own evidence reaches 25 bits" in html
    # Once the sister's request has reunited her, her claim stays, but it is no open request.
    TracingRequest.objects.filter(pk=own.pk).update(
        status=TracingRequest.Status.REUNITED, linked_person=sister, reunited_at=timezone.now()
    )
    page = factories.signed_in(caseworkers[0]).get(reverse("tracing-request", args=[req.number]))
    claim = page.content.decode().split('data-testid="claimed"', 1)[1].split("</div>", 1)[0]
    assert "Already reunited with a family through another request" in claim
    assert own.number in claim and "open request" not in claim
    TracingRequest.objects.filter(pk=own.pk).update(
        status=own.status, linked_person=None, reunited_at=None
    )
    # The same queue whichever request came first (a fresh search weighs the sister's claim).
    with django_capture_on_commit_callbacks(execute=True):
        services.search_again(req, by=caseworkers[0])
    assert _queue(req)[0] == girl.pk


def test_a_registration_checked_against_both_requests_goes_to_its_own(
    abducted, caseworkers, facilities, django_capture_on_commit_callbacks
):
    girl, _ = abducted
    req = _open(GIRL_REQUEST, caseworkers[0], django_capture_on_commit_callbacks)
    own = _open(SISTER_REQUEST, caseworkers[1], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        hh = factories.household([dict(m) for m in SISTER], reception_point=facilities["reception"])
    sister = hh.members.get()
    assert _queue(own)[0] == sister.pk
    assert _queue(req)[0] == girl.pk and sister.pk in _queue(req)


def test_a_person_confirmed_for_another_request_is_not_proposed_first(
    abducted, sister, caseworkers, django_capture_on_commit_callbacks
):
    girl, _ = abducted
    one, two = caseworkers
    req = _open(GIRL_REQUEST, one, django_capture_on_commit_callbacks)
    # The sister's request gives only her name, sex and year: the matcher's claim on her is weaker
    # than the girl's request's, which keeps her first...
    own = _open(WEAK_SISTER_REQUEST, two, django_capture_on_commit_callbacks)
    assert _queue(req)[0] == sister.pk
    # ...until a caseworker confirms her for her own request.
    cand = own.candidates.get(person=sister)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_candidate(cand, decision="confirm", reason="her mother knew her", by=two)
    assert _queue(req)[0] == girl.pk
    claimed = req.candidates.get(person=sister)
    assert claimed.explanation["other_request"]["registry"] == f"{own.number} (48.0 bits)"
    assert not claimed.confident
    # Each change of the girl's queue audited: the other request's opening, its confirmation.
    events = AuditEvent.objects.filter(action="tracing.registration.check", object_id=str(req.pk))
    assert [e.detail["after"] for e in events] == ["another request"] * 2
    # A later search of the whole registry keeps it so.
    with django_capture_on_commit_callbacks(execute=True):
        services.search_again(req, by=one)
    assert _queue(req)[0] == girl.pk


def test_a_proposal_a_caseworker_acted_on_is_not_changed_by_another_request(
    abducted, sister, caseworkers, django_capture_on_commit_callbacks
):
    girl, _ = abducted
    one, two = caseworkers
    req = _open(GIRL_REQUEST, one, django_capture_on_commit_callbacks)
    acted = req.candidates.get(person=sister)
    services.record_verification_step(acted, kind="interview", note="asked about Kocho", by=one)
    acted.refresh_from_db()
    before = (acted.status, acted.score, acted.rank, acted.explanation)
    _open(SISTER_REQUEST, two, django_capture_on_commit_callbacks)
    acted.refresh_from_db()
    assert (acted.status, acted.score, acted.rank, acted.explanation) == before
    assert acted.status == TracingCandidate.Status.VERIFYING


def test_a_closed_request_claims_nothing_any_more(
    abducted, sister, caseworkers, django_capture_on_commit_callbacks
):
    girl, _ = abducted
    req = _open(GIRL_REQUEST, caseworkers[0], django_capture_on_commit_callbacks)
    own = _open(SISTER_REQUEST, caseworkers[1], django_capture_on_commit_callbacks)
    assert _queue(req)[0] == girl.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.close_request(own, reason="the family withdrew it", by=caseworkers[1])
    # Closed, it is no rival: the girl's untouched proposals are weighed again without it.
    assert _queue(req)[:2] == [sister.pk, girl.pk]
    assert "other_request" not in req.candidates.get(person=sister).explanation
