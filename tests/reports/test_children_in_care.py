"""The separated or unaccompanied children and the children needing protection are the children in
our care: a flagged child whose departure is confirmed (reunified, returned, died) has left it and
is no longer counted, on the dashboard, the sitrep, its exports and the children list alike; a
child leaving on a departure not yet confirmed has not been handed over and still is. The counter
kept by the triggers equals a recount after every step."""

import csv
import io
import re
from datetime import date

import pytest
from django.urls import reverse

from muster.cli import main
from muster.custody import services as custody
from muster.departures import services as departures
from muster.people.models import Person
from muster.reports import counters, dashboard, sitrep
from muster.reports.models import ChildCount
from tests import factories
from tests.departures.conftest import make_crowd

pytestmark = pytest.mark.django_db

RETURN = {"destination_name": "Hajin", "destination_pcode": "SY090501", "convoy": "Convoy 7"}


@pytest.fixture
def three_flagged(facilities):
    """Three families of four at Al-Hol; a child of each flagged: Karim unaccompanied, Leila and
    Omar separated."""
    crowd = make_crowd(facilities["camp"], 3)
    families = [crowd[i : i + 4] for i in (0, 4, 8)]
    karim, leila, omar = (f[2] for f in families)
    Person.objects.filter(pk=karim.pk).update(unaccompanied_child=True)
    Person.objects.filter(pk__in=[leila.pk, omar.pk]).update(separated_child=True)
    for p in (karim, leila, omar):
        p.refresh_from_db()
    return families, (karim, leila, omar)


def _csv_figures(client) -> dict:
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("export-sitrep-csv")).content.decode("utf-8-sig"))
        )
    )
    header = rows[0]
    item, persons = header.index("item"), header.index("persons")
    return {r[item]: int(r[persons]) for r in rows[2:] if r[header.index("section")] == "figure"}


def _dashboard_figure(client, name: str, **params) -> int:
    html = client.get(reverse("dashboard"), params).content.decode()
    return int(re.search(rf'data-figure="{name}">(\d+)<', html).group(1))


def assert_children(n: int, coordinator, at=None):
    """Every reading of the children figures says ``n``, and the counters equal a recount;
    ``at``: (a facility, the figure of the dashboard filtered on it)."""
    assert counters.differences() == []
    report = sitrep.situation_report()
    assert report["separated_or_unaccompanied_children"] == n
    assert report["children_needing_protection"] == n  # nobody lost on the way here
    board = dashboard.build(dashboard.default_filters())
    assert board.children["total"] == n
    assert board.headline["separated_or_unaccompanied_children"] == n
    assert board.headline["children_needing_protection"] == n
    figures = _csv_figures(coordinator)
    assert figures["separated or unaccompanied children"] == n
    assert figures["children needing protection"] == n
    assert _dashboard_figure(coordinator, "children") == n
    if at is not None:
        facility, placed = at
        assert _dashboard_figure(coordinator, "children", facility=facility.pk) == placed


def _listed(client, headers=None, **params) -> str:
    return client.get(reverse("children-list"), params, **(headers or {})).content.decode()


def test_a_child_who_left_custody_is_no_longer_a_child_in_our_care(
    three_flagged, facilities, make_user, login, capsys
):
    families, (karim, leila, omar) = three_flagged
    camp = facilities["camp"]
    coordinator = login(make_user("coordinator"))
    officer, approver = (make_user("repatriation_officer", facility=camp) for _ in range(2))
    _, caseworker = factories.web_as("tracing_caseworker")
    assert_children(3, coordinator)

    # Karim's reunification with his uncle: dispatched, not yet confirmed. He has not been
    # handed over: still ours, counted and listed.
    reunion = departures.plan_departure(
        [karim],
        kind="reunification",
        from_facility=camp,
        details={"guarantor": "Hassan (uncle)", "destination_name": "Duhok"},
        by=officer,
        separation_reason="reunified with his uncle",
        reunification_of="T-0001",
    )
    departures.dispatch_departure(reunion, by=officer)
    assert_children(3, coordinator)
    html = _listed(caseworker)
    assert f">{karim.number}<" in html
    assert 'data-testid="left-our-care"' not in html  # nobody has left yet

    # The uncle confirms: Karim has left our care.
    departures.confirm(reunion, [(karim.pk, "received", "")], by=approver)
    assert_children(2, coordinator, at=(camp, 2))
    assert ChildCount.objects.get(departed=True).persons == 1
    html = _listed(caseworker)
    assert f">{karim.number}<" not in html
    assert f">{leila.number}<" in html and f">{omar.number}<" in html
    assert "Children who have left our care: 1" in html
    apart = _listed(caseworker, left="1")
    assert f">{karim.number}<" in apart and "Departed" in apart
    assert f">{leila.number}<" not in apart and f">{omar.number}<" not in apart
    sorani = caseworker.get(reverse("children-list"), HTTP_ACCEPT_LANGUAGE="ckb").content.decode()
    assert "ئەو منداڵانەی لە چاودێریی ئێمە دەرچوون: 1" in sorani
    arabic = coordinator.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="ar")
    assert "قد خرج من رعايتنا ولا يُحسب" in arabic.content.decode()

    # Leila's family returns home: counted while on the way, not once received.
    home = departures.plan_departure(
        families[1], kind="return", from_facility=camp, details=RETURN, by=officer
    )
    departures.dispatch_departure(home, by=officer)
    assert_children(2, coordinator)
    departures.confirm(home, [(p.pk, "received", "") for p in families[1]], by=approver)
    assert_children(1, coordinator)

    # Omar dies: left custody at once.
    departures.record_death(
        omar,
        details={"death_source": "hospital report", "death_date": date.today().isoformat()},
        by=officer,
    )
    assert_children(0, coordinator)
    assert f">{omar.number}<" in _listed(caseworker, left="1")

    # The recount agrees with the live counter, and a rebuild changes nothing.
    capsys.readouterr()
    assert main(["sitrep", "--recount"]) == 0
    assert "agree" in capsys.readouterr().out
    kept = counters.kept()
    counters.rebuild()
    assert counters.kept() == kept


def test_a_child_placed_again_after_a_refused_departure_is_counted_at_the_facility(
    three_flagged, facilities, make_user, login
):
    """Refused by the receiving side: back at Al-Hol, in our care all along."""
    families, _ = three_flagged
    camp = facilities["camp"]
    coordinator = login(make_user("coordinator"))
    officer = make_user("repatriation_officer", facility=camp)
    home = departures.plan_departure(
        families[1], kind="return", from_facility=camp, details=RETURN, by=officer
    )
    departures.dispatch_departure(home, by=officer)
    departures.confirm(home, [(p.pk, "refused", "no sponsor") for p in families[1]], by=officer)
    assert_children(3, coordinator, at=(camp, 3))


def test_a_departed_childs_flag_changed_afterwards_keeps_the_counter_exact(
    three_flagged, facilities, make_user, login
):
    """A flag set or cleared on a child who has already left (a correction of the record) moves
    nothing among the children in our care."""
    families, (_, leila, _) = three_flagged
    camp = facilities["camp"]
    coordinator = login(make_user("coordinator"))
    officer = make_user("repatriation_officer", facility=camp)
    home = departures.plan_departure(
        families[1], kind="return", from_facility=camp, details=RETURN, by=officer
    )
    departures.dispatch_departure(home, by=officer)
    departures.confirm(home, [(p.pk, "received", "") for p in families[1]], by=officer)
    assert_children(2, coordinator)
    Person.objects.filter(pk=leila.pk).update(separated_child=False)
    Person.objects.filter(pk=families[1][3].pk).update(unaccompanied_child=True)
    assert_children(2, coordinator)
    gone = ChildCount.objects.filter(departed=True, persons__gt=0)
    assert list(gone.values_list("kind", "persons")) == [("u", 1)]


def test_a_child_leaving_is_counted_under_a_filter_at_the_facility_they_leave(
    three_flagged, facilities, make_user, login
):
    """Leaving on a departure not yet confirmed, Karim was counted without a filter and under no
    facility or governorate filter (his leaving placement names no facility): the filtered
    figures did not add up to the whole. He counts at the facility the departure leaves from."""
    families, (karim, leila, omar) = three_flagged
    camp = facilities["camp"]
    coordinator = login(make_user("coordinator"))
    officer = make_user("repatriation_officer", facility=camp)
    reunion = departures.plan_departure(
        [karim],
        kind="reunification",
        from_facility=camp,
        details={"guarantor": "Hassan (uncle)", "destination_name": "Duhok"},
        by=officer,
        separation_reason="reunified with his uncle",
        reunification_of="T-0001",
    )
    departures.dispatch_departure(reunion, by=officer)
    assert_children(3, coordinator, at=(camp, 3))
    by_facility = {
        f.pk: dashboard.build(dashboard.parse_filters({"facility": str(f.pk)})).headline
        for f in facilities.values()
    }
    assert sum(h["separated_or_unaccompanied_children"] for h in by_facility.values()) == 3
    assert by_facility[camp.pk]["separated_or_unaccompanied_children"] == 3
    # Karim is flagged and leaving: counted once among the children needing protection too.
    assert by_facility[camp.pk]["children_needing_protection"] == 3
    governorate = dashboard.build(dashboard.parse_filters({"governorate": "SY08"}))
    assert governorate.children == {"total": 3, "unaccompanied": 1, "separated": 2}
    assert _dashboard_figure(coordinator, "children", governorate="SY08") == 3
    elsewhere = dashboard.build(dashboard.parse_filters({"governorate": "SY09"}))
    assert elsewhere.children["total"] == 0


def _listed_count(html: str) -> int:
    """The children list's rows (its pager says how many in all)."""
    found = re.search(r"\d+–\d+ of (\d+)", html)
    return int(found.group(1)) if found else 0


def test_the_children_list_and_the_children_figures_count_the_same_persons(
    registered, facilities, make_user, login
):
    """The list showed the flagged under 18 only, the figures everyone flagged: an adult flagged
    (before the check at registration, or through a bulk load) stayed in the figure and was on no
    list. Both now count the flagged under 18 (or of unknown age), and the page says so."""
    head, spouse, son = registered.members.order_by("id")
    Person.objects.filter(pk=head.pk).update(separated_child=True)  # born 1985
    reception = facilities["reception"]
    coordinator = login(make_user("coordinator"))
    _, caseworker = factories.web_as("tracing_caseworker")
    html = _listed(caseworker)
    assert _listed_count(html) == 1 and f">{son.number}<" in html
    assert f">{head.number}<" not in html
    report = sitrep.situation_report()
    assert report["separated_or_unaccompanied_children"] == 1
    assert report["children_needing_protection"] == 1
    assert _dashboard_figure(coordinator, "children") == 1
    assert _dashboard_figure(coordinator, "children", facility=reception.pk) == 1
    assert _dashboard_figure(coordinator, "children", governorate="SY09") == 1
    # The page says what it counts, and who is left out.
    assert "persons under 18, or whose age is not known, flagged unaccompanied or separated" in (
        html
    )
    assert "1 person flagged unaccompanied or separated is 18 or over" in html
    adults = _listed(caseworker, adults="1")
    assert f">{head.number}<" in adults and f">{son.number}<" not in adults
    note = coordinator.get(reverse("dashboard")).content.decode()
    assert "someone flagged who is 18 or over is not counted" in note
    arabic = _listed(caseworker, {"HTTP_ACCEPT_LANGUAGE": "ar"})
    assert "تقل أعمارهم عن 18 سنة" in arabic

    # Lost on the way, the flagged adult is among the children needing protection, as listed.
    movement = custody.dispatch(
        [head, spouse, son],
        from_facility=reception,
        to_facility=facilities["camp"],
        by=make_user("camp_manager", facility=reception),
    )
    custody.receive(
        movement,
        [spouse, son],
        by=make_user("camp_manager", facility=facilities["camp"]),
        separation_reason="father not on the bus",
    )
    custody.report_missing(
        movement,
        head,
        note="not on the bus",
        by=make_user("camp_manager", facility=facilities["camp"]),
    )
    html = _listed(caseworker)
    report = sitrep.situation_report()
    assert report["separated_or_unaccompanied_children"] == 1
    assert report["children_needing_protection"] == _listed_count(html) == 2
    assert f">{head.number}<" in html
