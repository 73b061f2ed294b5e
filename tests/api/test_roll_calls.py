"""Roll calls through the API: start at one's facility, mark by registration number (once,
however often), close; read them with their figures. Bad input is a 400 naming the field; another
camp's manager gets 404 or 403 as for the other custody endpoints."""

import pytest
from django.urls import reverse

from muster.audit.models import AuditEvent
from muster.custody import services as custody
from muster.custody.models import RollCall
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def point(facilities):
    return facilities["reception"]


@pytest.fixture
def manager(api_as, point):
    return api_as("camp_manager", facility=point)


def test_a_roll_call_through_the_api(members, point, manager):
    user, api = manager
    head, spouse, son = members
    response = api.post(reverse("api-roll-call-list"), {"facility": point.pk})
    assert response.status_code == 201, response.content
    started = response.json()
    number = started["number"]
    assert started["status"] == "open" and started["facility"]["id"] == point.pk
    assert started["figures"] == {
        "expected": 3,
        "seen": 0,
        "not_seen": 3,
        "left": 0,
        "arrived": 0,
        "not_on_list": 0,
    }
    mark = reverse("api-roll-call-mark", kwargs={"number": number})
    first = api.post(mark, {"number": head.number}).json()
    assert first["result"] == "marked" and first["person"] == head.number
    assert first["figures"]["seen"] == 1 and head.number in first["message"]
    assert api.post(mark, {"number": head.number}).json()["result"] == "already"
    assert AuditEvent.objects.filter(action="rollcall.mark").count() == 1

    # A second start at the facility: refused, the field and code named.
    again = api.post(reverse("api-roll-call-list"), {"facility": point.pk})
    assert again.status_code == 400 and again.json()["codes"] == {"facility": ["roll_call_open"]}

    closed = api.post(
        reverse("api-roll-call-close", kwargs={"number": number}), {"note": "gate count"}
    )
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed" and closed.json()["note"] == "gate count"
    assert closed.json()["figures"]["not_seen"] == 2
    late = api.post(mark, {"number": spouse.number})
    assert late.status_code == 400 and late.json()["codes"] == {"roll_call": ["roll_call_closed"]}

    listed = api.get(reverse("api-roll-call-list"), {"facility": point.pk}).json()
    assert [r["number"] for r in listed["results"]] == [number]
    detail = api.get(reverse("api-roll-call-detail", kwargs={"number": number})).json()
    assert detail["figures"]["seen"] == 1


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("api-roll-call-list", {}, "facility"),
        ("api-roll-call-list", {"facility": "camp"}, "facility"),
        ("api-roll-call-list", {"facility": 999999}, "facility"),
        ("api-roll-call-mark", {}, "number"),
        ("api-roll-call-mark", {"number": 42}, "number"),
        ("api-roll-call-mark", {"number": "PNOSUCH12"}, "number"),
        ("api-roll-call-mark", {"number": "P1", "extra": 1}, "extra"),
        ("api-roll-call-close", {"note": ["x"]}, "note"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(members, point, manager, url, body, field):
    user, api = manager
    roll_call = custody.start_roll_call(point, by=user)
    kwargs = {} if url.endswith("list") else {"number": roll_call.number}
    response = api.post(reverse(url, kwargs=kwargs), body)
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    roll_call.refresh_from_db()
    assert roll_call.is_open and not roll_call.lines.filter(seen_at__isnull=False).exists()


def test_another_camps_manager_and_a_coordinator(members, point, manager, api_as, facilities):
    user, _api = manager
    roll_call = custody.start_roll_call(point, by=user)
    _other, other = api_as("camp_manager", facility=facilities["camp"])
    number = {"number": roll_call.number}
    assert other.get(reverse("api-roll-call-detail", kwargs=number)).status_code == 404
    mark = other.post(reverse("api-roll-call-mark", kwargs=number), {"number": members[0].number})
    assert mark.status_code == 404
    assert other.post(reverse("api-roll-call-close", kwargs=number)).status_code == 404
    start = other.post(reverse("api-roll-call-list"), {"facility": point.pk})
    assert start.status_code == 403
    assert other.get(reverse("api-roll-call-list")).json()["results"] == []
    assert not roll_call.lines.filter(seen_at__isnull=False).exists()

    _coordinator, coordinator = api_as("coordinator")
    read = coordinator.get(reverse("api-roll-call-detail", kwargs=number))
    assert read.status_code == 200 and read.json()["figures"]["expected"] == 3
    assert coordinator.post(reverse("api-roll-call-close", kwargs=number)).status_code == 403
    assert RollCall.objects.get().is_open


def test_the_roll_call_endpoints_are_in_the_schema(manager):
    _user, api = manager
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    assert set(paths["/api/roll-calls/"]) >= {"get", "post"}
    assert "get" in paths["/api/roll-calls/{number}/"]
    for verb in ("mark", "close"):
        assert "post" in paths[f"/api/roll-calls/{{number}}/{verb}/"]
    figures = schema["components"]["schemas"]["RollCallFigures"]["properties"]
    assert set(figures) == {"expected", "seen", "not_seen", "left", "arrived", "not_on_list"}


def test_someone_registered_elsewhere_is_recorded_without_being_named(members, point, manager):
    user, api = manager
    roll_call = custody.start_roll_call(point, by=user)
    elsewhere = factories.household(
        factories.household_data()[:1],
        reception_point=factories.facility("Reception Point 2", "reception_point"),
    ).members.get()
    answer = api.post(
        reverse("api-roll-call-mark", kwargs={"number": roll_call.number}),
        {"number": elsewhere.number},
    ).json()
    assert answer["result"] == "not_on_list" and answer["on_list"] is False
    assert "placed at another facility" in answer["message"]
    assert "Reception Point 2" not in answer["message"] and "Muhammad" not in answer["message"]
