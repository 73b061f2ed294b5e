"""A child not presented when a departure is handed over is as lost as one not arrived off a
transfer: on the children list with the reason, in the situation report's children figures (each
child once), on the unaccounted page and the home page's card, by the one definition."""

import csv
import io

import pytest
from django.urls import reverse

from muster.departures import services as departures
from tests import factories
from tests.departures.conftest import make_crowd

pytestmark = pytest.mark.django_db

RETURN = {"destination_name": "Hajin", "destination_pcode": "SY090501", "convoy": "Convoy 7"}


@pytest.fixture
def sami_not_presented(facilities, make_user):
    """A family of four on a return from Al-Hol: the parents and Rami received at Hajin, Sami (a
    child, no flag) not presented."""
    camp = facilities["camp"]
    family = make_crowd(camp, 1)  # two adults, two children born 2015
    officer = make_user("repatriation_officer", facility=camp)
    departure = departures.plan_departure(
        family, kind="return", from_facility=camp, details=RETURN, by=officer
    )
    departures.dispatch_departure(departure, by=officer)
    sami = family[3]
    departures.confirm(
        departure,
        [(p.pk, "received", "") for p in family[:3]]
        + [(sami.pk, "not_presented", "not on the bus at Hajin")],
        by=officer,
    )
    return departure, sami, family


def _figures(client) -> dict:
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("export-sitrep-csv")).content.decode("utf-8-sig"))
        )
    )
    header = rows[0]
    item, persons = header.index("item"), header.index("persons")
    return {r[item]: r[persons] for r in rows[2:] if r[header.index("section")] == "figure"}


def test_a_child_not_presented_is_on_the_children_list_with_the_reason(sami_not_presented):
    departure, sami, family = sami_not_presented
    _, caseworker = factories.web_as("tracing_caseworker")
    html = caseworker.get(reverse("children-list")).content.decode()
    row = next(r for r in html.split("<tr>") if f">{sami.number}<" in r)
    assert 'data-testid="lost-on-the-way"' in row
    assert "Not presented" in row and departure.number in row
    assert "Hajin" not in row  # where a departure went is not said on this list
    assert f">{family[2].number}<" not in html  # Rami was received: not lost


def test_the_sitrep_counts_the_child_not_presented_once(sami_not_presented, make_user, login):
    client = login(make_user("coordinator"))
    figures = _figures(client)
    assert figures["separated or unaccompanied children"] == "0"
    assert figures["children lost in transit"] == "1"
    assert figures["children needing protection"] == "1"
    _, api_client = factories.api_as("coordinator")
    api = api_client.get("/api/sitrep/").json()
    assert api["children_lost_in_transit"] == 1 and api["children_needing_protection"] == 1


def test_a_flagged_child_not_presented_is_counted_once(
    sami_not_presented, make_user, login, facilities
):
    _, sami, _ = sami_not_presented
    sami.separated_child = True
    sami.save(update_fields=["separated_child"])
    client = login(make_user("coordinator"))
    figures = _figures(client)
    assert figures["separated or unaccompanied children"] == "1"
    assert figures["children lost in transit"] == "1"
    assert figures["children needing protection"] == "1"
    # The dashboard for Al-Hol, the facility the departure left: the same child, once.
    dash = client.get(reverse("dashboard"), {"facility": facilities["camp"].pk}).content.decode()
    assert 'data-figure="children_lost">1<' in dash
    assert "they make 1 children needing protection" in dash


def test_lost_off_a_transfer_and_off_a_departure_add_up(
    sami_not_presented, facilities, household_data, make_user, login
):
    from muster.custody import services as custody

    family = factories.household(household_data, reception_point=facilities["reception"])
    members = list(family.members.order_by("id"))
    omar = members[2]  # flagged separated, a child
    manager = make_user("camp_manager", facility=facilities["camp"])
    movement = custody.dispatch(
        members,
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=make_user("camp_manager", facility=facilities["reception"]),
    )
    custody.report_missing(movement, omar, note="not on the bus", by=manager)
    custody.receive(movement, members[:2], by=manager)
    figures = _figures(login(make_user("coordinator")))
    assert figures["children lost in transit"] == "2"
    assert figures["children needing protection"] == "2"  # Omar (flagged, lost) once, and Sami


def test_the_unaccounted_page_and_home_name_the_child_not_presented(sami_not_presented, facilities):
    departure, sami, _ = sami_not_presented
    _, manager = factories.web_as("camp_manager", facility=facilities["camp"])
    for url in (reverse("unaccounted"), reverse("home")):
        html = manager.get(url).content.decode()
        section = html[html.index('data-testid="children-unaccounted"') :]
        assert f">{sami.number}<" in section, url
        assert f'data-testid="lost-departure">{departure.number}<' in section
        assert "Hajin" not in section


def test_a_reader_who_may_not_see_departures_is_not_told_of_them(sami_not_presented, facilities):
    _, sami, _ = sami_not_presented
    # A camp manager of another camp: the departure left a facility outside their grant.
    _, other = factories.web_as("camp_manager", facility=facilities["family_camp"])
    assert sami.number not in other.get(reverse("unaccounted")).content.decode()


def test_the_camp_manager_can_open_the_child_the_list_names(sami_not_presented, facilities):
    """The unaccounted list links each child to their page: for the manager of the camp the
    departure left from, that page opens (the child is leaving, not yet confirmed: still the
    camp's business, as a person in transit is of both ends); for another camp's manager it does
    not exist."""
    _, sami, _ = sami_not_presented
    _, manager = factories.web_as("camp_manager", facility=facilities["camp"])
    html = manager.get(reverse("unaccounted")).content.decode()
    link = reverse("person-detail", args=[sami.number])
    assert f'href="{link}"' in html
    page = manager.get(link)
    assert page.status_code == 200 and sami.number in page.content.decode()
    _, other = factories.web_as("camp_manager", facility=facilities["family_camp"])
    assert other.get(link).status_code == 404
