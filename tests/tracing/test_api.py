"""Tracing's API and its protection: only tracing caseworkers read a request, its requester's
contact, its candidates; other roles cannot learn that a person is sought (API or web); bad input is
a 400 with codes; every read is audited."""

import pytest

from muster.audit.models import AuditEvent
from muster.tracing.models import TracingCandidate, TracingRequest
from tests import factories
from tests.tracing.conftest import GIRL_REQUEST, WOMAN_REQUEST

pytestmark = pytest.mark.django_db
LIST = "/api/tracing-requests/"
OTHER_ROLES = ("camp_manager", "coordinator", "screening_officer", "registration_officer")


def _opened(client, body):
    response = client.post(LIST, body)
    assert response.status_code == 201, response.content
    return response.json()["number"]


@pytest.fixture
def caseworker_api(db):
    return factories.api_as("tracing_caseworker")


@pytest.fixture
def found(django_capture_on_commit_callbacks):
    """POST find: queued (202, the request ``searching``), matched once the request's transaction
    commits (the worker's job, run at once here); returns the candidates then read."""

    def search(api, number):
        with django_capture_on_commit_callbacks(execute=True) as queued:
            response = api.post(f"{LIST}{number}/find/")
            assert response.status_code == 202, response.content
            assert response.json()["searching"] is True and response.json()["number"] == number
            assert not TracingCandidate.objects.filter(request__number=number).exists()
        assert len(queued) == 1
        assert api.get(f"{LIST}{number}/").json()["searching"] is False
        return api.get(f"{LIST}{number}/candidates/").json()

    return search


def test_a_caseworker_opens_reads_and_works_a_request(abducted, caseworker_api, found):
    _girl, woman = abducted
    user, api = caseworker_api
    number = _opened(api, WOMAN_REQUEST)
    best = found(api, number)[0]
    assert best["person"]["number"] == woman.number and best["confident"]
    assert best["person"]["mother_name"] == "Shami"
    assert best["explanation"]["father_name"]["level"] == "agree"
    detail = api.get(f"{LIST}{number}/").json()
    assert detail["status"] == "candidate_found"
    assert detail["confident_count"] == 1 and detail["candidate_count"] >= 1
    listed = api.get(LIST, {"status": "candidate_found"}).json()["results"]
    assert [r["number"] for r in listed] == [number]
    assert detail["requester_contact"] == WOMAN_REQUEST["requester_contact"]
    step = api.post(
        f"/api/tracing-candidates/{best['id']}/verification/",
        {"kind": "interview", "note": "she named her brother Elias"},
    )
    assert step.status_code == 201, step.content
    decided = api.post(
        f"/api/tracing-candidates/{best['id']}/decision/",
        {"decision": "confirm", "reason": "interview and her brother's word"},
    )
    assert decided.status_code == 200 and decided.json()["status"] == "confirmed"
    assert api.get(f"{LIST}{number}/").json()["linked_person"] == woman.number
    reads = AuditEvent.objects.filter(action="tracing.request.read", actor_id=user.pk)
    assert reads.count() == 3
    listed = AuditEvent.objects.get(action="tracing.candidates.read")
    assert woman.pk in listed.detail["person_ids"]
    assert AuditEvent.objects.filter(
        action="person.read", object_id=str(woman.pk), actor_id=user.pk
    ).exists()


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_cannot_read_a_request_or_learn_a_person_is_sought(
    role, abducted, caseworker_api, facilities, found
):
    girl, _ = abducted
    _user, api = caseworker_api
    number = _opened(api, GIRL_REQUEST)
    found(api, number)
    candidate = TracingCandidate.objects.get(request__number=number, person=girl)
    facility = facilities["reception"] if role == "camp_manager" else None
    _other, other = factories.api_as(role, facility=facility)
    for url in (LIST, f"{LIST}{number}/", f"{LIST}{number}/candidates/"):
        response = other.get(url)
        assert response.status_code == 403, (role, url)
        assert "Gulistan" not in response.content.decode()
    for url, body in (
        (LIST, WOMAN_REQUEST),
        (f"{LIST}{number}/close/", {"reason": "x"}),
        (
            f"/api/tracing-candidates/{candidate.pk}/decision/",
            {"decision": "reject", "reason": "x"},
        ),
    ):
        assert other.post(url, body).status_code == 403, (role, url)
    assert TracingRequest.objects.count() == 1
    candidate.refresh_from_db()
    assert candidate.status == "proposed"
    # The girl's own record, as this role sees it (API and page): nothing says she is sought.
    planted = ("Koço", "Hesso", GIRL_REQUEST["requester_contact"], number, "tracing", "Jamila")
    web = factories.signed_in(_other)
    for response in (
        other.get(f"/api/people/{girl.number}/"),
        web.get(f"/people/{girl.number}/"),
    ):
        body = response.content.decode()
        for value in planted:
            assert value not in body, (role, response.request["PATH_INFO"], value)
    assert AuditEvent.objects.filter(action="request.denied", actor_id=_other.pk).count() >= 6


def test_bad_input_is_a_400_with_codes_and_writes_nothing(caseworker_api):
    _user, api = caseworker_api
    response = api.post(LIST, {**WOMAN_REQUEST, "birth_year": "1890", "separation_date": "soon"})
    assert response.status_code == 400
    body = response.json()
    assert body["codes"] == {"birth_year": ["not_a_number"], "separation_date": ["not_a_date"]}
    assert not TracingRequest.objects.exists()
    response = api.post(LIST, {"given_name": "", "sex": "F"})
    assert response.status_code == 400 and body["codes"]
    assert response.json()["codes"]["given_name"] == ["name_required"]
    assert api.get(f"{LIST}?status=lost").status_code == 400
    assert api.get(f"{LIST}TRNOSUCH/").status_code == 404


def test_four_eyes_over_the_api_same_caseworker_twice_is_refused(abducted, caseworker_api, found):
    girl, _ = abducted
    _one, first = caseworker_api
    number = _opened(first, GIRL_REQUEST)
    cand = next(c for c in found(first, number) if c["person"]["number"] == girl.number)
    url = f"/api/tracing-candidates/{cand['id']}/decision/"
    body = {"decision": "confirm", "reason": "her mother's name and Kocho"}
    assert first.post(url, body).json()["pending_second"] is True
    again = first.post(url, body)
    assert again.status_code == 400 and again.json()["codes"] == {
        "second_officer": ["same_officer"]
    }
    _two, second = factories.api_as("tracing_caseworker")
    done = second.post(url, {"decision": "confirm", "reason": "interview"})
    assert done.status_code == 200 and done.json()["status"] == "confirmed"
    refused = first.post(
        f"{LIST}{number}/reunify/", {"receiving": "her mother", "destination_name": "Duhok"}
    )
    assert refused.status_code == 400
    assert refused.json()["codes"] == {"best_interests": ["best_interests_required"]}
    bid = second.post(
        f"{LIST}{number}/best-interests/",
        {"outcome": "reunify", "reasoning": "mother found; home visit done"},
    )
    assert bid.status_code == 201, bid.content
    sent = first.post(
        f"{LIST}{number}/reunify/", {"receiving": "her mother", "destination_name": "Duhok"}
    )
    assert sent.status_code == 200, sent.content
    assert sent.json()["reunification"]
    received = second.post(f"{LIST}{number}/receipt/", {"received": True})
    assert received.status_code == 200 and received.json()["status"] == "reunited"


def test_the_api_is_in_the_openapi_schema(caseworker_api):
    _user, api = caseworker_api
    schema = api.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert "/api/tracing-requests/" in paths
    assert "/api/tracing-requests/{number}/reunify/" in paths
    assert "/api/tracing-candidates/{id}/decision/" in paths


def test_find_on_a_closed_request_is_refused_and_queues_nothing(
    abducted, caseworker_api, django_capture_on_commit_callbacks
):
    _user, api = caseworker_api
    number = _opened(api, GIRL_REQUEST)
    assert api.post(f"{LIST}{number}/close/", {"reason": "found by the family"}).status_code == 200
    with django_capture_on_commit_callbacks() as queued:
        refused = api.post(f"{LIST}{number}/find/")
    assert refused.status_code == 400
    assert refused.json()["codes"] == {"status": ["request_not_active"]}
    assert not [q for q in queued if "match_request_task" in repr(q)]
    assert not TracingCandidate.objects.filter(request__number=number).exists()
