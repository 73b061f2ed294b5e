"""A child reported not arrived is where caseworkers look for children needing protection (the
children list, with the reason) and in the situation report's children figures, counted once."""

import csv
import io

import pytest
from django.urls import reverse

from muster.custody import services as custody
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def family_of_five(facilities, household_data):
    """Father, mother, Omar (11, flagged separated), Nour (7, no flag) and a grandmother."""
    members = household_data + [
        {
            "given_name": "Nour",
            "father_name": "Muhammad",
            "family_name": "al-Obeidi",
            "sex": "F",
            "date_of_birth": "2019-05-04",
            "nationality": "IRQ",
            "relationship_to_head": "daughter",
        },
        {
            "given_name": "Khadija",
            "father_name": "Hassan",
            "family_name": "al-Obeidi",
            "sex": "F",
            "birth_year": "1950",
            "nationality": "IRQ",
            "relationship_to_head": "mother",
        },
    ]
    return factories.household(members, reception_point=facilities["reception"])


@pytest.fixture
def nour_not_arrived(family_of_five, facilities, make_user):
    people = list(family_of_five.members.order_by("id"))
    nour = next(p for p in people if p.given_name == "Nour")
    manager = make_user("camp_manager", facility=facilities["camp"])
    movement = custody.dispatch(
        people,
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=make_user("camp_manager", facility=facilities["reception"]),
    )
    custody.report_missing(movement, nour, note="not on the bus at arrival", by=manager)
    custody.receive(movement, [p for p in people if p != nour], by=manager)
    return movement, nour, people


def test_a_child_reported_not_arrived_is_on_the_children_list_with_the_reason(
    nour_not_arrived, web_as
):
    movement, nour, people = nour_not_arrived
    _, caseworker = web_as("tracing_caseworker")
    html = caseworker.get(reverse("children-list")).content.decode()
    row = next(r for r in html.split("<tr>") if nour.number in r)
    assert 'data-testid="lost-on-the-way"' in row
    assert "Reported not arrived" in row and movement.number in row
    omar = next(p for p in people if p.given_name == "Omar")
    assert omar.number in html  # the flagged child is still listed, once
    assert html.count(f">{omar.number}<") == 1
    father = people[0]
    assert father.number not in html
    # Followed up first: the lost child heads the list, before Omar (registered before her).
    assert html.index(f">{nour.number}<") < html.index(f">{omar.number}<")


def test_the_sitrep_counts_the_lost_child_once_beside_the_flagged_children(
    nour_not_arrived, make_user, login
):
    """Omar (flagged separated) arrived, Nour (no flag) did not: the flagged figure partners read
    stays 1, the new ones say 1 child lost and 2 children needing protection."""
    client = login(make_user("coordinator"))
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("export-sitrep-csv")).content.decode("utf-8-sig"))
        )
    )
    header = rows[0]
    item, persons = header.index("item"), header.index("persons")
    figures = {r[item]: r[persons] for r in rows[2:] if r[header.index("section")] == "figure"}
    assert figures["separated or unaccompanied children"] == "1"
    assert figures["children lost in transit"] == "1"
    assert figures["children needing protection"] == "2"
    assert list(figures)[:6] == [
        "registered",
        "in transit",
        "unaccounted",
        "departed",
        "separated or unaccompanied children",
        "at facilities",
    ]  # the rows partners read keep their places

    home = client.get(reverse("home")).content.decode()
    assert 'data-figure="children_lost">1<' in home
    assert "they make 2 children needing protection" in home
    _, api_client = factories.api_as("coordinator")
    api = api_client.get("/api/sitrep/").json()
    assert api["children_lost_in_transit"] == 1 and api["children_needing_protection"] == 2


def test_a_flagged_child_lost_on_the_way_is_not_counted_twice(nour_not_arrived, make_user, login):
    movement, nour, people = nour_not_arrived
    nour.separated_child = True
    nour.save(update_fields=["separated_child"])
    dash = login(make_user("coordinator")).get(reverse("dashboard")).content.decode()
    assert 'data-figure="children">2<' in dash
    assert 'data-figure="children_lost">1<' in dash
    assert "they make 2 children needing protection" in dash


def test_a_child_in_transit_when_her_mother_left_is_not_listed_as_stayed(
    nour_not_arrived, facilities, make_user, web_as
):
    """Her mother goes home from Al-Hol while Nour, reported not arrived, is still on the bus: the
    separated-families row shows Nour in transit, not among those who stayed."""
    from muster.departures import services as departures

    movement, nour, people = nour_not_arrived
    mother = people[1]
    planner = make_user("repatriation_officer")
    home = departures.plan_departure(
        [mother],
        kind="return",
        from_facility=facilities["camp"],
        details={"destination_name": "Hajin", "destination_pcode": "SY090501", "convoy": "C7"},
        by=planner,
        separation_reason="goes ahead to ready the house",
    )
    departures.dispatch_departure(home, by=planner)
    _, screener = web_as("screening_officer")
    html = screener.get(reverse("separated-families")).content.decode()
    row = next(r for r in html.split("<tr>") if "goes ahead to ready the house" in r)
    cells = row.split("<td")
    stayed, on_the_way = cells[3], cells[4]
    assert nour.number not in stayed and people[0].number in stayed  # the father stayed
    assert 'data-testid="on-the-way"' in on_the_way
    assert nour.number in on_the_way and "Reported not arrived" in on_the_way
