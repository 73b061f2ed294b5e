"""A reunification tells that a family sought the person and found them, who took them and where:
tracing's to know. No other role finds it in the departures' lists, pages or API, nor reads it on
the person's page or in the family's separations (the household left behind may be the
captors')."""

import pytest

from tests import factories
from tests.tracing.test_services import reunified_girl

pytestmark = pytest.mark.django_db
SECRETS = ("Gulistan Hesso", "Hesso", "Duhok", "Reunification", "reunification")


@pytest.fixture
def reunified(abducted, caseworkers):
    req, girl, departure = reunified_girl(abducted, caseworkers)
    return departure, girl, req


def _clean(body: str, req, who: str) -> None:
    for secret in (*SECRETS, req.number):
        assert secret not in body, (who, secret)


def test_the_repatriation_officer_does_not_find_a_reunification(reunified):
    departure, girl, req = reunified
    user, api = factories.api_as("repatriation_officer")
    web = factories.signed_in(user)
    listing = web.get("/departures/")
    assert listing.status_code == 200
    assert departure.number not in listing.content.decode()
    assert 'value="reunification"' not in listing.content.decode()  # not even to filter by
    assert web.get(f"/departures/{departure.number}/").status_code == 404
    assert (
        web.get("/departures/", {"kind": "reunification"}).content.decode().count(departure.number)
        == 0
    )
    listed = api.get("/api/departures/").json()["results"]
    assert departure.number not in {d["number"] for d in listed}
    assert api.get(f"/api/departures/{departure.number}/").status_code == 404
    page = web.get(f"/people/{girl.number}/")
    assert page.status_code == 200
    _clean(page.content.decode(), req, "person page")
    _clean(web.get("/departures/discrepancies/").content.decode(), req, "discrepancies")


def test_the_camp_manager_of_the_facility_sees_a_departure_and_nothing_of_tracing(
    reunified, facilities
):
    """Issue 13: a camp manager must not learn that a person is sought. The person leaves their
    camp on a departure, as for any departure; the reunification itself is tracing's."""
    departure, girl, req = reunified
    user, api = factories.api_as("camp_manager", facility=facilities["reception"])
    web = factories.signed_in(user)
    _clean(web.get("/departures/").content.decode(), req, "list")
    assert departure.number not in web.get("/departures/").content.decode()
    assert web.get(f"/departures/{departure.number}/").status_code == 404
    assert api.get(f"/api/departures/{departure.number}/").status_code == 404
    _clean(web.get(f"/people/{girl.number}/").content.decode(), req, "person page")
    # The household she leaves (the captors' in this story): its pages say no more either.
    for member in girl.household.members.all():
        _clean(web.get(f"/people/{member.number}/").content.decode(), req, member.number)


def test_the_caseworker_who_reunified_reads_it_on_the_persons_page(reunified, caseworkers):
    departure, girl, _req = reunified
    page = factories.signed_in(caseworkers[0]).get(f"/people/{girl.number}/").content.decode()
    assert departure.number in page and "Duhok" in page


def _figure(body: str, label: str) -> int:
    """The number after ``label`` on a page (a figure's label and value, or a sentence's)."""
    import re

    text = " ".join(re.sub(r"<[^>]+>", " ", body).split())
    found = re.search(re.escape(label) + r" (\d+)", text)
    assert found, label
    return int(found[1])


def test_the_leaving_figures_say_whether_reunifications_are_in_them(reunified):
    """The repatriation officer's departures page and the coordinator's dashboard counted the
    persons leaving under one label, 28 and 29: the 29th on a reunification the officer is not
    shown. Each label says what it counts, and the two reconcile."""
    departure, _girl, _req = reunified
    dashboard = factories.signed_in(factories.user("coordinator")).get("/").content.decode()
    officer = factories.signed_in(factories.user("repatriation_officer"))
    listing = officer.get("/departures/").content.decode()
    # Someone holding both roles is shown the reunifications on the departures page too.
    both = factories.signed_in(factories.user("repatriation_officer", "tracing_caseworker"))
    traced = both.get("/departures/").content.decode()

    everyone = "Leaving, awaiting confirmation, reunifications included"
    handled = "Leaving on the departures you handle, awaiting confirmation"
    assert _figure(dashboard, everyone) == 1
    assert _figure(listing, handled) == 0 and everyone not in listing
    assert _figure(traced, everyone) == 1 and handled not in traced
    reunifications = departure.lines.filter(outcome="pending").count()
    assert _figure(listing, handled) + reunifications == _figure(dashboard, everyone)
