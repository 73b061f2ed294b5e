"""A household split by a handover: where the moved members went names the receiving authority
("Iraqi security forces (Counter-Terrorism Service)"), which tells "held" as plainly as a holding
facility's name. Roles that may not see categories read "departure D…" alone, on the separated
families' page and API, the person page and the timeline; roles that see categories read it all."""

import pytest

from muster.departures import services
from tests import factories

pytestmark = pytest.mark.django_db
AUTHORITY = "Iraqi security forces (Counter-Terrorism Service)"
PLACE = "Al-Qaim border crossing"


@pytest.fixture
def handed_over(crowd, facilities, officers):
    """Two adults of a household of four handed over; the other two stay at the camp."""
    camp = facilities["camp"]
    people = crowd(camp, 1, nationality="IRQ", adults=4)
    departure = services.plan_departure(
        people[:2],
        kind="handover",
        from_facility=camp,
        details={
            "destination_name": PLACE,
            "destination_country": "IRQ",
            "receiving_authority": AUTHORITY,
            "legal_basis": "transfer agreement",
        },
        separation_reason="the two sons are wanted",
        by=officers["planner"],
    )
    services.approve_departure(departure, by=officers["approver"])
    services.dispatch_departure(departure, by=officers["planner"])
    return departure, people


def _separations(api) -> list[dict]:
    response = api.get("/api/screening/separations/")
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_tracing_caseworker_reads_the_departure_number_not_who_took_them(handed_over):
    departure, people = handed_over
    user, api = factories.api_as("tracing_caseworker")
    [sep] = _separations(api)
    assert sep["destination"] == f"departure {departure.number}"
    assert sep["moved"] == [p.number for p in people[:2]]
    web = factories.signed_in(user)
    pages = {
        "separated families": web.get("/screening/separated-families/"),
        "person page (moved)": web.get(f"/people/{people[0].number}/"),
        "person page (stayed)": web.get(f"/people/{people[2].number}/"),
        "timeline API": api.get(f"/api/people/{people[2].number}/timeline/"),
    }
    for where, response in pages.items():
        assert response.status_code == 200, where
        body = response.content.decode()
        assert departure.number in body, where
        for secret in (AUTHORITY, "Counter-Terrorism", PLACE, "Handover"):
            assert secret not in body, (where, secret)


def test_a_registration_officer_reads_no_receiving_authority_on_the_person_page(handed_over):
    departure, people = handed_over
    user, api = factories.api_as("registration_officer")
    web = factories.signed_in(user)
    for person in people:
        for response in (
            web.get(f"/people/{person.number}/"),
            api.get(f"/api/people/{person.number}/timeline/"),
        ):
            assert response.status_code == 200
            assert "Counter-Terrorism" not in response.content.decode(), person.number


def test_a_screening_officer_still_reads_where_they_were_handed_over(handed_over):
    departure, people = handed_over
    user, api = factories.api_as("screening_officer")
    [sep] = _separations(api)
    assert sep["destination"].startswith(f"departure {departure.number}: ")
    assert AUTHORITY in sep["destination"] and PLACE in sep["destination"]
    web = factories.signed_in(user)
    for url in ("/screening/separated-families/", f"/people/{people[2].number}/"):
        body = web.get(url).content.decode()
        assert AUTHORITY in body, url


def test_a_return_says_where_to_only_to_roles_told_every_kind(crowd, facilities, officers):
    """A return to a village named to the caseworker while a handover was not told "held" by
    elimination: the caseworker reads "departure D…" alone for it too; the screening officer, told
    every kind, reads where to."""
    camp = facilities["camp"]
    people = crowd(camp, 1, adults=4)
    departure = services.plan_departure(
        people[:2],
        kind="return",
        from_facility=camp,
        details={"destination_name": "Hajin", "destination_pcode": "SY090501", "convoy": "C7"},
        separation_reason="sons stay to work",
        by=officers["planner"],
    )
    services.dispatch_departure(departure, by=officers["planner"])
    _user, api = factories.api_as("tracing_caseworker")
    [sep] = _separations(api)
    assert sep["destination"] == f"departure {departure.number}"
    _user, api = factories.api_as("screening_officer")
    [sep] = _separations(api)
    assert sep["destination"] == f"departure {departure.number}: Hajin (SY090501)"
