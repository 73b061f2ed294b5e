"""One household's path through the API: registered, categorised, dispatched, received.

After each step the person's timeline (what an officer would open next) shows the step.
"""

import pytest
from django.urls import reverse

from muster.audit.models import AuditEvent
from muster.custody.models import Placement


def kinds(response):
    assert response.status_code == 200, response.content
    return [event["kind"] for event in response.json()]


def test_household_goes_from_reception_to_camp_through_the_api(api_as, facilities, household_data):
    _, registrar = api_as("registration_officer")
    _, screener = api_as("screening_officer")
    _, manager = api_as("camp_manager")

    response = registrar.post(
        "/api/households/",
        {"reception_point": facilities["reception"].pk, "members": household_data},
    )
    assert response.status_code == 201, response.content
    household = response.json()
    numbers = [m["number"] for m in household["members"]]
    assert len(numbers) == 3
    head = numbers[0]
    assert household["members"][0]["current_facility"]["name"] == "Reception Point 1"
    assert "category" not in household["members"][0]  # registration officers never see it
    assert kinds(registrar.get(f"/api/people/{head}/timeline/")) == ["registered", "placed"]

    response = screener.post(
        f"/api/people/{head}/category/",
        {
            "category": "civilian",
            "reason": "Interviewed; no links",
            "legal_basis": "Screening SOP 4",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["category"] == "civilian"
    assert screener.get(f"/api/people/{head}").status_code in (200, 301)
    assert screener.get(f"/api/people/{head}/").json()["category"] == "civilian"
    assert kinds(screener.get(f"/api/people/{head}/timeline/")) == [
        "registered",
        "placed",
        "category",
    ]

    response = manager.post(
        "/api/movements/",
        {
            "from_facility": facilities["reception"].pk,
            "to_facility": facilities["camp"].pk,
            "persons": numbers,
            "vehicle": "Bus 14",
        },
    )
    assert response.status_code == 201, response.content
    movement = response.json()
    assert movement["status"] == "dispatched"
    assert sorted(line["person"] for line in movement["lines"]) == sorted(numbers)
    assert {line["outcome"] for line in movement["lines"]} == {"pending"}
    assert kinds(manager.get(f"/api/people/{head}/timeline/"))[-1] == "dispatched"
    assert manager.get(f"/api/people/{head}/").json()["custody_state"] == "in_transit"

    # The camp confirms two people off the bus, then the third.
    response = manager.post(
        f"/api/movements/{movement['number']}/receive/",
        {"persons": numbers[:2], "separation_reason": "the third is on the next bus"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["received"] == 2
    assert response.json()["movement"]["status"] == "partially_received"
    # The family was received apart: the separation is on the timeline beside the receipt.
    assert set(kinds(manager.get(f"/api/people/{head}/timeline/"))[-2:]) == {
        "received",
        "separated",
    }
    response = manager.post(f"/api/movements/{movement['number']}/receive/", {})
    assert response.json()["received"] == 1
    assert response.json()["movement"]["status"] == "received"

    person = manager.get(f"/api/people/{numbers[2]}/").json()
    assert person["current_facility"]["name"] == "Al-Hol Camp"
    assert Placement.objects.filter(person__number=numbers[2]).count() == 3
    facility = manager.get(f"/api/facilities/{facilities['camp'].pk}/").json()
    assert (facility["population"], facility["expected"]) == (3, 0)


def test_every_person_read_is_audited_and_lists_record_only_a_count(api_as, members):
    user, registrar = api_as("registration_officer")
    number = members[0].number
    before = AuditEvent.objects.count()

    assert registrar.get(f"/api/people/{number}/").status_code == 200
    assert registrar.get(f"/api/people/{number}/timeline/").status_code == 200
    assert registrar.get("/api/people/", {"q": "Muhammad"}).status_code == 200

    events = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert [(e.action, e.object_id) for e in events[:2]] == [
        ("person.read", str(members[0].pk)),
        ("person.read", str(members[0].pk)),
    ]
    listing = events[2]
    assert listing.action == "person.list"
    assert listing.actor_username == user.username
    assert listing.detail["count"] >= 1
    assert listing.detail["filters"] == ["q"]
    assert "Muhammad" not in str(listing.detail)  # the searched name never enters the log


def test_reported_missing_person_is_listed_as_unaccounted(api_as, facilities, members):
    _, manager = api_as("camp_manager")
    response = manager.post(
        "/api/movements/",
        {
            "from_facility": facilities["reception"].pk,
            "to_facility": facilities["camp"].pk,
            "persons": [m.number for m in members],
        },
    )
    movement = response.json()["number"]
    response = manager.post(
        f"/api/movements/{movement}/report-missing/",
        {"person": members[2].number, "note": "not on the bus at arrival"},
    )
    assert response.status_code == 200, response.content
    lines = manager.get("/api/unaccounted/").json()["results"]
    assert [(line["person"], line["outcome"]) for line in lines] == [(members[2].number, "missing")]
    assert "given_name" not in lines[0]


def test_name_search_finds_a_latin_spelling_and_arabic_script(api_as, members):
    _, registrar = api_as("registration_officer")
    found = registrar.get("/api/people/", {"q": "Mohamed Jassem Hamad"}).json()
    assert [p["number"] for p in found["results"]] == [members[0].number]
    found = registrar.get("/api/people/", {"q": "عائشة"}).json()
    assert [p["number"] for p in found["results"]] == [members[1].number]
    flagged = registrar.get("/api/people/", {"flag": "separated_child"}).json()
    assert [p["number"] for p in flagged["results"]] == [members[2].number]


@pytest.mark.parametrize("kind", ["holding", "camp"])
def test_api_refuses_to_register_a_household_at_a_holding_facility_or_camp(
    facilities, api_as, kind, household_data
):
    from muster.people.models import Person

    _, registrar = api_as("registration_officer")
    response = registrar.post(
        "/api/households/", {"reception_point": facilities[kind].pk, "members": household_data}
    )
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"reception_point", "codes"}
    assert list(response.json()["codes"]) == ["reception_point"]
    assert Person.objects.count() == 0


def test_a_facility_reads_its_expected_and_its_reported_not_arrived_apart(
    api_as, members, facilities, make_user
):
    # The API's "expected" counted the pending only: those reported not arrived, on the facility's
    # page beside it, were nowhere in the API.
    from muster.custody import services as custody

    manager = make_user("camp_manager")
    bus = custody.dispatch(
        members, from_facility=facilities["reception"], to_facility=facilities["camp"], by=manager
    )
    custody.report_missing(bus, members[2], note="not on the bus at arrival", by=manager)
    _, api = api_as("camp_manager")
    camp = facilities["camp"].pk
    facility = api.get(f"/api/facilities/{camp}/").json()
    assert (facility["expected"], facility["reported_not_arrived"]) == (2, 1)
    listed = {f["id"]: f for f in api.get("/api/facilities/").json()["results"]}
    assert (listed[camp]["expected"], listed[camp]["reported_not_arrived"]) == (2, 1)
    assert listed[facilities["reception"].pk]["reported_not_arrived"] == 0
    # The same figures as the facility's page.
    page = api.get(reverse("facility-detail", args=[camp])).content.decode()
    assert 'data-testid="expected">2<' in page and 'data-testid="reported-not-arrived">1<' in page
    # Documented in the OpenAPI schema, beside "expected".
    schema = api.get("/api/schema/", {"format": "json"}).json()
    fields = schema["components"]["schemas"]["Facility"]["properties"]
    assert fields["reported_not_arrived"]["type"] == "integer"
    assert fields["reported_not_arrived"]["readOnly"] is True
    assert "reported not arrived" in fields["reported_not_arrived"]["description"]
    assert "still on the way" in fields["expected"]["description"]
