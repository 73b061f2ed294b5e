"""How a person left custody, by role. A handover ("Iraqi security forces (Counter-Terrorism
Service)") tells "held"; when returns showed their village and repatriations their country while a
handover showed "departure D…" alone, the bare one told "held" by elimination. A role not told
every kind (the tracing caseworker, the registration officer) now reads every departure alike: the
person left the registry, when, the departure's number, and whom to ask; no kind, destination or
receiving authority on the person page, the timeline, the person API, the separated families'
page and API, or the protection review. A repatriation's receiving authority (free text naming a
state's delegation) is read by the repatriation officer alone."""

import pytest
from django.urls import reverse

from muster.departures import services
from muster.departures.models import Kind
from tests import factories

pytestmark = pytest.mark.django_db

CTS = "Iraqi security forces (Counter-Terrorism Service)"
MFA = "Ministry of Foreign Affairs (UZB) delegation"
PLACES = {
    "return": "Hajin",
    "repatriation": "Semalka crossing",
    "handover": "Al-Qaim border crossing",
}
ASK = "ask the repatriation / return officer or the coordinator"
KIND_LABELS = [str(label) for _value, label in Kind.choices]
DETAILS = {
    "return": {
        "destination_name": PLACES["return"],
        "destination_pcode": "SY090302",
        "convoy": "C7",
    },
    "repatriation": {
        "destination_name": PLACES["repatriation"],
        "destination_country": "UZB",
        "receiving_authority": MFA,
    },
    "handover": {
        "destination_name": PLACES["handover"],
        "destination_country": "IRQ",
        "receiving_authority": CTS,
        "legal_basis": "transfer agreement",
    },
}


@pytest.fixture
def departed(crowd, facilities, officers):
    """Per kind, two adults of a household of four left the camp and were received; the other
    two stayed (so the household is split): {kind: (departure, the four persons)}."""
    camp = facilities["camp"]
    out = {}
    for kind, nationality in (("return", "SYR"), ("repatriation", "UZB"), ("handover", "IRQ")):
        people = crowd(camp, 1, nationality=nationality, adults=4)
        if kind == "repatriation":
            services.verify_nationality(
                people[:2], nationality="UZB", method="interview",
                interview_note="dialect, city named", by=officers["planner"],
            )  # fmt: skip
        departure = services.plan_departure(
            people[:2],
            kind=kind,
            from_facility=camp,
            details=DETAILS[kind],
            separation_reason="the others stay",
            by=officers["planner"],
        )
        if kind != "return":
            services.approve_departure(departure, by=officers["approver"])
        services.dispatch_departure(departure, by=officers["planner"])
        services.confirm(
            departure, [(p.pk, "received", "") for p in people[:2]], by=officers["planner"]
        )
        out[kind] = (departure, people)
    return out


def _bodies(user, departed) -> dict[str, str]:
    """Every page and endpoint of ``user``'s that speaks of the departed persons."""
    web = factories.signed_in(user)
    api = factories.JsonClient(web)
    pages = {
        "separated families": web.get("/screening/separated-families/"),
        "separations API": api.get("/api/screening/separations/"),
    }
    for kind, (_departure, people) in departed.items():
        for who, person in (("left", people[0]), ("stayed", people[2])):
            pages[f"{kind}: person page ({who})"] = web.get(f"/people/{person.number}/")
            pages[f"{kind}: timeline ({who})"] = api.get(f"/api/people/{person.number}/timeline/")
            pages[f"{kind}: person API ({who})"] = api.get(f"/api/people/{person.number}/")
        pages[f"{kind}: protection review"] = web.get(
            reverse("protection-review", args=[people[2].number])
        )
        pages[f"{kind}: search"] = web.get("/people/", {"q": people[0].number})
    bodies = {}
    for where, response in pages.items():
        if response.status_code in (403, 404):  # not this role's page, or out of its scope
            continue
        assert response.status_code == 200, (where, response.status_code)
        bodies[where] = response.content.decode()
    return bodies


@pytest.mark.parametrize("role", ["tracing_caseworker", "registration_officer"])
def test_a_role_not_told_kinds_reads_every_departure_alike(role, departed):
    bodies = _bodies(factories.user(role), departed)
    for where, body in bodies.items():
        for secret in (*KIND_LABELS, *PLACES.values(), CTS, "Counter-Terrorism", MFA, "SY090302"):
            assert secret not in body, (role, where, secret)
    for kind, (departure, _people) in departed.items():
        page = bodies[f"{kind}: person page (left)"]
        assert departure.number in page and "Left the registry" in page, kind
        assert 'data-testid="exit-ask"' in page and ASK in page, kind
        timeline = bodies[f"{kind}: timeline (left)"]
        assert departure.number in timeline and ASK in timeline, kind
        if "separated families" in bodies:  # the caseworker's (protection.review)
            assert f"departure {departure.number}" in bodies["separated families"], kind
    # The three person pages read the same but for the number and the date.
    exits = []
    for kind, (departure, _people) in departed.items():
        page = bodies[f"{kind}: person page (left)"]
        exit_html = page.split('data-testid="person-exit"')[1].split("</p>")[0]
        exits.append(exit_html.replace(departure.number, "D").split("<time>")[0])
    assert len(set(exits)) == 1, exits


def test_the_repatriation_officer_reads_kind_place_and_every_authority(departed):
    bodies = _bodies(factories.user("repatriation_officer"), departed)
    for kind, (departure, _people) in departed.items():
        for where in (f"{kind}: person page (left)", f"{kind}: timeline (left)"):
            body = bodies[where]
            assert departure.get_kind_display() in body and PLACES[kind] in body, (kind, where)
            assert ASK not in body, where
    assert MFA in bodies["repatriation: person page (left)"]
    assert MFA in bodies["repatriation: timeline (left)"]
    assert CTS in bodies["handover: person page (left)"]


def test_the_screening_officer_keeps_kinds_but_not_a_repatriations_authority(departed):
    # (The camp manager sees no one who left the camp: the departure pages, below.)
    bodies = _bodies(factories.user("screening_officer"), departed)
    for where, body in bodies.items():
        assert MFA not in body, where
    for kind, (departure, _people) in departed.items():
        page = bodies[f"{kind}: timeline (left)"]
        assert departure.get_kind_display() in page and PLACES[kind] in page, kind
    assert CTS in bodies["handover: timeline (left)"]
    assert PLACES["repatriation"] in bodies["separated families"]


def test_a_repatriations_authority_on_the_departure_pages_is_the_repatriation_officers(
    departed, facilities
):
    departure, _people = departed["repatriation"]
    camp_manager = factories.user("camp_manager", facility=facilities["camp"])
    officer = factories.user("repatriation_officer")
    urls = [
        "/departures/",
        f"/departures/{departure.number}/",
        f"/departures/{departure.number}/manifest.csv",
        "/api/departures/",
        f"/api/departures/{departure.number}/",
    ]
    for url in urls:
        hidden = factories.signed_in(camp_manager).get(url)
        assert hidden.status_code == 200, url
        body = b"".join(hidden) if hidden.streaming else hidden.content
        assert MFA.encode() not in body, url
        assert PLACES["repatriation"].encode() in body, url
        shown = factories.signed_in(officer).get(url)
        body = b"".join(shown) if shown.streaming else shown.content
        assert MFA.encode() in body, url
    data = (
        factories.JsonClient(factories.signed_in(camp_manager))
        .get(f"/api/departures/{departure.number}/")
        .json()
    )
    assert data["receiving_authority"] == "" and data["kind"] == "repatriation"


@pytest.mark.parametrize("role", ["tracing_caseworker", "registration_officer"])
def test_a_death_is_told_to_a_role_not_told_other_kinds(role, crowd, facilities, officers):
    # A death names no place and tells no category; the family a caseworker traces for must learn
    # it. Every other kind still reads alike ("Left the registry"), so nothing is told by elimination.
    person = crowd(facilities["camp"], 1, adults=2)[0]
    services.record_death(
        person,
        details={"death_source": "camp clinic death certificate 44", "death_date": "2019-04-02"},
        by=officers["planner"],
    )
    web = factories.signed_in(factories.user(role))
    page = web.get(f"/people/{person.number}/").content.decode()
    exit_html = page.split('data-testid="person-exit"')[1].split("</p>")[0]
    assert str(Kind.DEATH.label) in exit_html and "Left the registry" not in exit_html
    assert 'data-testid="exit-ask"' not in page
    timeline = factories.JsonClient(web).get(f"/api/people/{person.number}/timeline/")
    assert timeline.status_code == 200 and str(Kind.DEATH.label) in timeline.content.decode()
