"""The "tracing interest" flag: the one thing about tracing that a role other than the tracing
caseworker may learn, and only the repatriation officer does (a return or a repatriation would take a
sought person out of reach). It says nothing else: not the request, the requester, nor why. The camp
manager, the coordinator, the screening and the registration officer do not even learn the flag
(access.policy.TRACING_INTEREST_FIELDS says why)."""

import pytest

from muster.access import policy
from muster.departures import services as departures
from muster.tracing import services as tracing
from muster.tracing.models import TracingCandidate
from tests import factories
from tests.tracing.conftest import GIRL_REQUEST

pytestmark = pytest.mark.django_db
FLAG = 'data-testid="tracing-interest"'
SECRETS = ("Hesso", "Gulistan", GIRL_REQUEST["requester_contact"], "Koço", "Kidnapped")


@pytest.fixture
def sought(facilities, caseworkers):
    """A household of two at the reception point; a caseworker verifying the first as a request's
    candidate. Returns (sought person, the other, request, candidate, departure of both)."""
    household = factories.household(reception_point=facilities["reception"])
    members = list(household.members.order_by("id"))
    first, other = members[:2]
    req = tracing.open_request(GIRL_REQUEST, by=caseworkers[0])
    TracingCandidate.objects.filter(request=req).delete()  # whatever the matcher made of them
    candidate = TracingCandidate.objects.create(
        request=req,
        person=first,
        score=30.0,
        rank=1,
        found_at=req.created_at,
        status=TracingCandidate.Status.VERIFYING,
    )
    departure = departures.plan_departure(
        members,
        kind="return",
        from_facility=facilities["reception"],
        details={"destination_name": "Hajin", "destination_pcode": "SY090501", "convoy": "C1"},
        by=factories.user("repatriation_officer"),
    )
    return first, other, req, candidate, departure


def _no_secret(body: str, req, who) -> None:
    for value in (*SECRETS, req.number):
        assert value not in body, (who, value)


def test_only_the_repatriation_officer_and_the_caseworker_may_see_the_flag():
    holders = {r for r, p in policy.POLICY.items() if "tracing_interest" in p.person_fields}
    assert holders == {"repatriation_officer", "tracing_caseworker"}
    assert "tracing_interest" not in policy.ALL_PERSON_FIELDS


def test_the_repatriation_officer_sees_the_bare_flag_on_page_manifest_and_api(sought):
    first, other, req, _candidate, departure = sought
    user, api = factories.api_as("repatriation_officer")
    web = factories.signed_in(user)
    page = web.get(f"/people/{first.number}/").content.decode()
    assert FLAG in page
    _no_secret(page, req, "page")
    assert FLAG not in web.get(f"/people/{other.number}/").content.decode()
    manifest = web.get(f"/departures/{departure.number}/").content.decode()
    assert manifest.count(FLAG) == 1
    _no_secret(manifest, req, "manifest")
    assert api.get(f"/api/people/{first.number}/").json()["tracing_interest"] is True
    assert api.get(f"/api/people/{other.number}/").json()["tracing_interest"] is False
    listed = api.get("/api/people/", {"q": first.given_name}).json()["results"]
    assert {p["number"]: p["tracing_interest"] for p in listed}[first.number] is True
    rows = api.get(f"/api/departures/{departure.number}/").json()["manifest"]
    assert {r["person"] for r in rows if r["tracing_interest"]} == {first.number}
    _no_secret(str(rows), req, "api manifest")
    # Planning another departure (this one called off): the list to tick from carries the flag.
    departures.cancel_departure(departure, reason="convoy postponed", by=user)
    planning = web.get(
        "/departures/new/",
        {"from_facility": departure.from_facility_id, "numbers": f"{first.number} {other.number}"},
    ).content.decode()
    assert planning.count(FLAG) == 1 and first.number in planning and other.number in planning


@pytest.mark.parametrize(
    "role", ["camp_manager", "coordinator", "screening_officer", "registration_officer"]
)
def test_other_roles_do_not_learn_the_flag(role, sought, facilities):
    first, _other, req, _candidate, departure = sought
    facility = facilities["reception"] if role == "camp_manager" else None
    user, api = factories.api_as(role, facility=facility)
    web = factories.signed_in(user)
    for response in (
        web.get(f"/people/{first.number}/"),
        web.get(f"/departures/{departure.number}/"),
        web.get(
            "/departures/new/",
            {"from_facility": departure.from_facility_id, "numbers": first.number},
        ),
        api.get(f"/api/people/{first.number}/"),
        api.get("/api/people/", {"q": first.given_name}),
        api.get(f"/api/departures/{departure.number}/"),
    ):
        body = response.content.decode()
        assert FLAG not in body and "tracing_interest" not in body, (role, response.status_code)
        assert "Tracing interest" not in body
        _no_secret(body, req, role)


def test_the_flag_follows_the_caseworkers_work(sought, caseworkers):
    first, _other, req, candidate, _departure = sought
    api = factories.api_as("repatriation_officer")[1]

    def flagged() -> bool:
        return api.get(f"/api/people/{first.number}/").json()["tracing_interest"]

    assert flagged()
    # A weak proposal is not an interest (it would hold up strangers' departures); a confident one is.
    TracingCandidate.objects.filter(pk=candidate.pk).update(status="proposed", confident=False)
    assert not flagged()
    TracingCandidate.objects.filter(pk=candidate.pk).update(confident=True)
    assert flagged()
    TracingCandidate.objects.filter(pk=candidate.pk).update(status="rejected", reason="not her")
    assert not flagged()
    TracingCandidate.objects.filter(pk=candidate.pk).update(status="verifying", reason="")
    tracing.close_request(req, reason="withdrawn by the family", by=caseworkers[0])
    assert not flagged()
