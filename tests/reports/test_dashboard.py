"""The coordinator's dashboard: its figures equal the sitrep feed and a direct count, it never shows a
name or a registration number, its filters narrow it, and only roles with ``report.view`` open it."""

import copy
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from muster.audit.models import AuditEvent
from muster.cli import main
from muster.custody import services as custody
from muster.custody.models import ManifestLine, Placement
from muster.intake import services as intake
from muster.people.models import Household, Person
from muster.people.validation import clean_household
from muster.reports import charts, dashboard
from muster.screening import services as screening
from muster.screening.models import CategoryDecision
from tests.conftest import HOUSEHOLD


@pytest.fixture
def operation(facilities, make_user):
    """Three households registered, categories decided, a bus to the camp partly received (one
    person reported not arrived), one bus overdue, and a small camp over its capacity."""
    officer = make_user("registration_officer")
    screener = make_user("screening_officer")
    manager = make_user("camp_manager")
    households = []
    for i in range(3):
        data = copy.deepcopy(HOUSEHOLD)
        for member in data:
            member["family_name"] = f"{member['family_name']}-{i}"
        households.append(
            intake.register_household(
                clean_household(data), reception_point=facilities["reception"], by=officer
            )
        )
    persons = [p for h in households for p in h.members.order_by("id")]
    screening.decide_category(persons[0], "civilian", reason="interview", by=screener)
    screening.decide_category(persons[1], "family_of_held", reason="interview", by=screener)
    screening.decide_category(persons[3], "civilian", reason="interview", by=screener)
    # Household 0 to the camp: two received, the child reported not arrived.
    bus = custody.dispatch(
        persons[:3],
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=manager,
        separation_reason="",
    )
    custody.receive(bus, persons[:2], by=manager, separation_reason="child not on the bus")
    custody.report_missing(bus, persons[2], note="not on the bus at arrival", by=manager)
    # Household 1 dispatched to the family camp long ago and never received: overdue.
    late = custody.dispatch(
        persons[3:6], from_facility=facilities["reception"], to_facility=facilities["family_camp"],
        by=manager,
    )  # fmt: skip
    late.dispatched_at = timezone.now() - timedelta(days=2)
    late.save(update_fields=["dispatched_at"])
    # Household 2 to the small camp (3 places) plus one more: over capacity with a reason.
    custody.dispatch(
        persons[6:9], from_facility=facilities["reception"], to_facility=facilities["small_camp"],
        by=manager,
    )  # fmt: skip
    extra = intake.register_household(
        clean_household([{**copy.deepcopy(HOUSEHOLD[0]), "family_name": "Extra"}]),
        reception_point=facilities["reception"],
        by=officer,
    )
    moved = custody.dispatch(
        list(extra.members.all()),
        from_facility=facilities["reception"],
        to_facility=facilities["small_camp"],
        by=manager,
        override_reason="the other camp is closed tonight",
    )
    custody.receive(moved, by=manager)
    small = ManifestLine.objects.filter(movement__to_facility=facilities["small_camp"]).exclude(
        movement=moved
    )
    custody.receive(small.first().movement, by=manager)
    return {"persons": persons + list(extra.members.all()), "households": [*households, extra]}


def direct_counts() -> dict:
    """The figures counted straight from the tables, the long way."""
    active = Person.objects.filter(merged_into__isnull=True)
    pending = ManifestLine.objects.filter(outcome__in=["pending", "missing"])
    cutoff = custody.unaccounted_cutoff()
    return {
        "registered": active.count(),
        "in_transit": pending.count(),
        "unaccounted": pending.filter(
            Q(movement__dispatched_at__lt=cutoff) | Q(outcome="missing")
        ).count(),
        "departed": Placement.objects.filter(is_current=True, state="departed").count(),
        "children": active.filter(Q(unaccompanied_child=True) | Q(separated_child=True)).count(),
        "population": {
            f: Placement.objects.filter(is_current=True, state="placed", facility_id=f).count()
            for f in Placement.objects.values_list("facility_id", flat=True).distinct()
            if f is not None
        },
        "civilian": CategoryDecision.objects.filter(is_current=True, category="civilian").count(),
    }


def headline(html: str) -> dict:
    return {k: int(v) for k, v in re.findall(r'data-figure="(\w+)">(\d+)<', html)}


def chart_rows(html: str, key: str) -> list[list[str]]:
    table = re.search(rf'<table class="chart-table" data-chart="{key}">(.*?)</table>', html, re.S)
    body = table.group(1).split("<tbody>")[1]
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r)]
        for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_dashboard_figures_equal_the_sitrep_feed_and_a_direct_count(
    operation, facilities, make_user, login, capsys
):
    coordinator = make_user("coordinator")
    client = login(coordinator)
    html = client.get(reverse("dashboard")).content.decode()
    feed = client.get("/api/sitrep/").json()
    assert main(["sitrep", "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    direct = direct_counts()
    assert direct["registered"] == 10 and direct["in_transit"] == 4 and direct["unaccounted"] == 4
    shown = headline(html)
    for key, feed_key in [
        ("registered", "registered"),
        ("in_transit", "in_transit"),
        ("unaccounted", "unaccounted"),
        ("departed", "departed"),
        ("children", "separated_or_unaccompanied_children"),
    ]:
        assert shown[key] == feed[feed_key] == cli[feed_key] == direct[key], key
    assert feed["by_category"]["civilian"] == cli["by_category"]["civilian"] == direct["civilian"]
    # Population against capacity: the chart's table, the feed and the count agree per facility.
    rows = {r[0]: r for r in chart_rows(html, "capacity")}
    for f in feed["dashboard"]["facilities"]:
        assert int(rows[f["name"]][2]) == f["population"] == direct["population"].get(f["id"], 0)
    small = next(f for f in feed["dashboard"]["facilities"] if f["name"] == "Small Camp")
    assert small["population"] == 4 and small["over_capacity"] is True
    # Arrivals: the chart's daily totals are the feed's and the registrations of each day.
    arrivals = chart_rows(html, "arrivals")
    today = timezone.localdate().isoformat()
    assert [r for r in arrivals if r[0] == today][0][-1] == "10"
    assert feed["dashboard"]["arrivals_by_category"][-1]["total"] == 10
    assert feed["dashboard"]["arrivals_by_category"][-1]["civilian"] == 2
    # Today's point of the in-transit line is the sitrep's figure.
    transit = chart_rows(html, "transit")
    assert transit[-1] == [today, str(feed["in_transit"]), str(feed["unaccounted"])]
    assert feed["dashboard"]["children"]["total"] == direct["children"]


def test_no_name_or_registration_number_in_the_dashboard_its_feed_hxl_or_pdf_page(
    operation, make_user, login, capsys
):
    client = login(make_user("coordinator"))
    persons = Person.objects.all()
    secrets = set()
    for p in persons:
        secrets |= {p.number, p.given_name, p.father_name, p.family_name, p.mother_name}
    secrets |= set(Household.objects.values_list("number", flat=True))
    secrets |= set(ManifestLine.objects.values_list("movement__number", flat=True))
    secrets.discard("")
    outputs = {
        "page": client.get(reverse("dashboard")).content.decode(),
        "page ar": client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="ar").content.decode(),
        "feed": client.get("/api/sitrep/").content.decode(),
    }
    assert main(["sitrep", "--hxl"]) == 0
    outputs["hxl"] = capsys.readouterr().out
    from muster.reports.pdf import render_html

    outputs["pdf page"] = render_html(dashboard.default_filters(), "ar")
    for where, text in outputs.items():
        leaked = sorted(s for s in secrets if s in text)
        assert not leaked, f"{where} shows {leaked}"
    assert "Al-Hol Camp" in outputs["page"]  # the check reads real content


def test_arrivals_fall_on_the_local_day_across_midnight(facilities, make_user, registered):
    # 21:30 UTC is 00:30 the next day in Damascus (UTC+3), 20:30 UTC still 23:30 the same day.
    people = list(registered.members.order_by("id"))
    late = datetime(2026, 3, 9, 21, 30, tzinfo=UTC)
    Person.objects.filter(pk=people[0].pk).update(registered_at=late)
    Person.objects.filter(pk=people[1].pk).update(registered_at=late - timedelta(hours=1))
    Person.objects.filter(pk=people[2].pk).update(registered_at=late + timedelta(days=1))
    extra = intake.register_household(
        clean_household([copy.deepcopy(HOUSEHOLD[0]), copy.deepcopy(HOUSEHOLD[1])]),
        reception_point=facilities["reception"],
        by=make_user("registration_officer"),
    )
    first, last = extra.members.order_by("id")
    # Inside the window's first local day, before its UTC midnight; after its last local day.
    Person.objects.filter(pk=first.pk).update(registered_at=datetime(2026, 3, 8, 22, tzinfo=UTC))
    Person.objects.filter(pk=last.pk).update(registered_at=late + timedelta(days=2))
    filters = dashboard.parse_filters({"date_from": "2026-03-09", "date_to": "2026-03-11"})
    with timezone.override("Asia/Damascus"):
        days = dashboard.arrivals_by_category(filters, None)
    assert [(d["date"], d["total"]) for d in days] == [
        ("2026-03-09", 2),
        ("2026-03-10", 1),
        ("2026-03-11", 1),
    ]
    assert days[1]["undecided"] == 1


def test_facility_and_governorate_filters_narrow_the_charts(
    operation, facilities, make_user, login
):
    client = login(make_user("coordinator"))
    feed = client.get("/api/sitrep/", {"facility": facilities["small_camp"].pk}).json()
    names = [f["name"] for f in feed["dashboard"]["facilities"]]
    assert names == ["Small Camp"]
    # Arrivals at the small camp: the four persons received there today.
    assert feed["dashboard"]["arrivals_by_category"][-1]["total"] == 4
    assert feed["dashboard"]["children"]["total"] == 1
    feed = client.get("/api/sitrep/", {"governorate": "SY09"}).json()
    assert [f["name"] for f in feed["dashboard"]["facilities"]] == ["Reception Point 1"]
    # Every movement left the reception point: all of them touch SY09.
    links = feed["dashboard"]["flow"]["links"]
    assert sum(lk["received"] + lk["in_transit"] for lk in links) == 10
    page = client.get(reverse("dashboard"), {"governorate": "SY08"}).content.decode()
    rows = [r[0] for r in chart_rows(page, "capacity")]
    assert "Reception Point 1" not in rows and "Al-Hol Camp" in rows


def test_a_child_received_at_a_camp_counts_there_not_at_the_reception_point_it_left(
    operation, facilities, make_user, login
):
    # The reception point (SY09) counted the child received at the Small Camp: a child's placement
    # there keeps the movement that brought them, which had left the reception point.
    client = login(make_user("coordinator"))
    children = client.get("/api/sitrep/", {"governorate": "SY09"}).json()["dashboard"]["children"]
    # The child reported not arrived at Al-Hol and household 1's, overdue: both still on the way.
    assert children["total"] == 2
    small = client.get("/api/sitrep/", {"facility": facilities["small_camp"].pk}).json()
    assert small["dashboard"]["children"]["total"] == 1


def test_bad_filters_are_named_on_the_page_the_feed_and_the_command_line(
    facilities, make_user, login, capsys
):
    client = login(make_user("coordinator"))
    page = client.get(reverse("dashboard"), {"date_from": "2026-13-01"})
    assert page.status_code == 400
    assert "date_from" in page.content.decode() and "YYYY-MM-DD" in page.content.decode()
    # Named as the form names it ("From"), not by its parameter (date_from): in Arabic the
    # parameter scrambled the sentence.
    page = client.get(reverse("dashboard"), {"date_from": "2026-12-05", "date_to": "2026-11-01"})
    error = page.content.decode().split('data-testid="filter-error">')[1].split("</p>")[0]
    assert error == "From: is after the end of the period"
    # What was typed stays in the form, to mend (it was reset to the last 14 days and all
    # facilities), and no PDF is offered for filters that cannot be read.
    camp = facilities["camp"].pk
    query = {"date_from": "2026-12-05", "date_to": "2026-11-01", "facility": camp}
    page = client.get(reverse("dashboard"), query).content.decode()
    assert (
        'name="date_from" value="2026-12-05"' in page
        and 'name="date_to" value="2026-11-01"' in page
    )
    assert f'<option value="{camp}" selected>' in page
    assert 'data-testid="pdf-button"' not in page
    pdf = client.get(reverse("dashboard-pdf"), query, follow=True)
    assert pdf.status_code == 400 and "From: is after the end of the period" in pdf.content.decode()
    assert 'name="date_from" value="2026-12-05"' in pdf.content.decode()
    # A date as typed, a word too, stays as typed (it was put in capitals: "YESTERDAY" beside
    # the error's 'yesterday'); in Arabic the value is set apart from the sentence, which read
    # 2026-13-45 as 45-13-2026 (the field walk).
    page = client.get(reverse("dashboard"), {"date_to": "yesterday"}).content.decode()
    assert 'name="date_to" value="yesterday"' in page and "\u2068" not in page
    client.cookies["django_language"] = "ar"
    page = client.get(reverse("dashboard"), {"date_from": "2026-13-45"}).content.decode()
    error = page.split('data-testid="filter-error">')[1].split("</p>")[0]
    assert "\u20682026-13-45\u2069" in error
    client.cookies["django_language"] = "en"
    feed = client.get("/api/sitrep/", {"governorate": "Deir ez-Zor"})
    assert feed.status_code == 400 and "governorate" in feed.json()
    feed = client.get("/api/sitrep/", {"governorate": "XX99"})
    assert feed.status_code == 400 and "no facility is in governorate XX99" in str(feed.json())
    feed = client.get("/api/sitrep/", {"facility": "99999"})
    assert feed.status_code == 400 and "facility" in feed.json()
    feed = client.get("/api/sitrep/", {"date_from": "9999-12-30", "date_to": "9999-12-31"})
    assert feed.status_code == 400 and "date_to" in feed.json()
    capsys.readouterr()
    assert main(["sitrep", "--date-from", "2026-02-03", "--date-to", "2026-02-01"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("muster: --date-from:") and "\n" not in err


def test_dates_typed_in_eastern_arabic_digits_filter_the_page_the_pdf_and_the_feed(
    facilities, make_user, login
):
    """The browser's script turns ٢٠٢٦-١١-٠١ into 2026-11-01 as it is typed; without it (an old
    phone, a link written by hand, a program) the server refused the date ('not a date'):
    the filters read any script's digits as every other date field does (core.parsing.parse_day)."""
    client = login(make_user("coordinator"))
    query = {"date_from": "٢٠٢٦-١١-٠١", "date_to": "۲۰۲۶-۱۱-۰۷"}  # Arabic, then Sorani digits
    page = client.get(reverse("dashboard"), query)
    assert page.status_code == 200 and 'data-testid="filter-error"' not in page.content.decode()
    assert 'name="date_from" value="2026-11-01"' in page.content.decode()
    assert client.get(reverse("dashboard-pdf"), query).status_code == 200
    feed = client.get("/api/sitrep/", query)
    assert feed.status_code == 200, feed.content
    assert feed.json()["dashboard"]["filters"]["date_to"] == "2026-11-07"
    feed = client.get("/api/sitrep/", {"date_to": "٢٠٢٦-١٣-٠١"})
    assert feed.status_code == 400 and "not a date" in feed.json()["date_to"][0]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("coordinator", 200),
        ("registration_officer", 403),
        ("screening_officer", 403),
        ("camp_manager", 403),
        ("auditor", 403),
        ("administrator", 403),
    ],
)
def test_only_roles_that_see_figures_open_the_dashboard(role, status, facilities, make_user, login):
    # The policy gives report.view to the coordinator alone: a camp manager sees their own
    # facility's figures on the home page and the facility page, not the operation's dashboard,
    # even for the facility in their grant.
    facility = facilities["camp"] if role == "camp_manager" else None
    client = login(make_user(role, facility=facility))
    assert client.get(reverse("dashboard")).status_code == status
    assert client.get(reverse("dashboard"), {"facility": facilities["camp"].pk}).status_code == (
        status
    )
    assert client.get("/api/sitrep/").status_code == status
    pdf = client.get(reverse("dashboard-pdf"))
    assert pdf.status_code in ((200, 503) if status == 200 else (403,))


def test_the_feed_is_versioned_documented_and_every_read_is_an_export(operation, make_user, login):
    coordinator = make_user("coordinator")
    client = login(coordinator)
    feed = client.get("/api/sitrep/", {"date_from": "2026-11-01", "date_to": "2026-11-03"})
    assert feed.status_code == 200
    body = feed.json()
    assert body["version"] == 1
    assert [d["date"] for d in body["dashboard"]["arrivals_by_category"]] == [
        "2026-11-01",
        "2026-11-02",
        "2026-11-03",
    ]
    event = AuditEvent.objects.filter(action="export").latest("seq")
    assert event.detail["export"] == "sitrep.api"
    assert event.detail["filters"]["date_from"] == "2026-11-01"
    assert event.actor_username == coordinator.username
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "SitrepFeed" in schema and "governorate" in schema


def test_over_capacity_is_drawn_in_red_and_each_chart_has_its_numbers(operation, make_user, login):
    html = login(make_user("coordinator")).get(reverse("dashboard")).content.decode()
    capacity = re.search(r'data-testid="chart-capacity".*?</figure>', html, re.S).group(0)
    assert charts.OVER in capacity
    red = re.findall(rf'fill="{charts.OVER}"><title>([^<]+)</title>', capacity)
    assert red == ["Small Camp: 4 / 3"]
    for key in ("arrivals", "capacity", "flow", "transit", "children", "departures"):
        assert f'data-testid="chart-{key}"' in html
        assert re.search(rf'<details class="numbers">.*?data-chart="{key}"', html, re.S), key
    assert "<script" not in html.split("<main>")[1]  # the charts need no script


def test_in_transit_and_unaccounted_day_by_day_follow_dispatch_overdue_and_receipt(
    operation, facilities
):
    today = timezone.localdate()
    midnight = dashboard._local_midnight
    late = ManifestLine.objects.filter(movement__to_facility=facilities["family_camp"])
    bus = late.first().movement
    bus.dispatched_at = midnight(today - timedelta(days=3)) + timedelta(hours=10)
    bus.save(update_fields=["dispatched_at"])
    # One of the three received at one in the morning two days ago.
    received = midnight(today - timedelta(days=2)) + timedelta(hours=1)
    ManifestLine.objects.filter(pk=late.order_by("id").first().pk).update(
        outcome="received", resolved_at=received
    )
    filters = dashboard.Filters(today - timedelta(days=4), today)
    series = dashboard.transit_over_time(filters, None, situation_report_now())
    assert [(d["in_transit"], d["unaccounted"]) for d in series] == [
        (0, 0),  # before the bus left
        (3, 3),  # left at 10:00, overdue at 22:00 (12 hours), all three on the way at midnight
        (2, 2),  # one received at 01:00
        (2, 2),
        (3, 3),  # today: the two still on the way and the child reported not arrived
    ]


def situation_report_now() -> dict:
    from muster.reports.sitrep import situation_report

    return situation_report()


def test_departures_by_kind_come_from_the_departures_app_when_the_sitrep_carries_them():
    # Without the departures app: the departed placements custody knows of.
    assert dashboard.departures_by_kind({"departed": 4}) == {"departed": 4}
    # With it (its sitrep counts): one bar per kind, the open and refused lines left out.
    report = {
        "departed": 9,
        "departures": {
            "returned": 5,
            "repatriated": 3,
            "died": 1,
            "total": 9,
            "leaving": 2,
            "refused": 1,
            "destinations": [{"kind": "returned", "persons": 5}],
        },
    }
    kinds = dashboard.departures_by_kind(report)
    assert kinds["returned"] == 5 and kinds["repatriated"] == 3 and kinds["died"] == 1
    assert kinds["handed_over"] == 0 and "total" not in kinds and "leaving" not in kinds
    assert sum(kinds.values()) == report["departures"]["total"]


def test_the_arabic_dashboard_and_pdf_page_name_facilities_in_arabic(
    operation, facilities, make_user, login
):
    camp = facilities["camp"]
    camp.name_ar = "مخيم الهول"
    camp.save(update_fields=["name_ar"])
    client = login(make_user("coordinator"))
    client.cookies["django_language"] = "ar"
    html = client.get(reverse("dashboard")).content.decode()
    assert 'lang="ar"' in html and 'dir="rtl"' in html
    assert "مخيم الهول" in [r[0] for r in chart_rows(html, "capacity")]
    assert "مخيم الهول" in client.get(reverse("home")).content.decode()
    client.cookies["django_language"] = "kmr"
    html = client.get(reverse("dashboard")).content.decode()
    assert "Al-Hol Camp" in [r[0] for r in chart_rows(html, "capacity")]


def test_the_kurmanji_pages_name_a_facility_in_kurmanji(operation, facilities, make_user, login):
    camp = facilities["camp"]
    camp.name_ar, camp.name_ckb, camp.name_kmr = "مخيم الهول", "کەمپی هەول", "Kampa Holê"
    camp.save(update_fields=["name_ar", "name_ckb", "name_kmr"])
    client = login(make_user("coordinator"))
    client.cookies["django_language"] = "kmr"
    html = client.get(reverse("dashboard")).content.decode()
    assert "Kampa Holê" in [r[0] for r in chart_rows(html, "capacity")]
    home = client.get(reverse("home")).content.decode()
    assert "Kampa Holê" in home and "Al-Hol Camp" not in home and "کەمپی هەول" not in home
    client.cookies["django_language"] = "ckb"
    assert "کەمپی هەول" in client.get(reverse("home")).content.decode()
    client.cookies["django_language"] = "en"
    html = client.get(reverse("dashboard")).content.decode()
    assert "Al-Hol Camp" in [r[0] for r in chart_rows(html, "capacity")]
    from muster.reports.pdf import render_html

    assert "مخيم الهول" in render_html(dashboard.default_filters(), "ar")
    assert "مخيم الهول" not in render_html(dashboard.default_filters(), "en")


def test_the_sorani_pages_name_a_facility_in_sorani_never_in_arabic(
    operation, facilities, make_user, login
):
    camp = facilities["camp"]
    camp.name_ar, camp.name_ckb = "مخيم الهول", "کەمپی هەول"
    camp.save(update_fields=["name_ar", "name_ckb"])
    client = login(make_user("coordinator"))
    client.cookies["django_language"] = "ckb"
    html = client.get(reverse("dashboard")).content.decode()
    assert "کەمپی هەول" in [r[0] for r in chart_rows(html, "capacity")]
    home = client.get(reverse("home")).content.decode()
    assert "کەمپی هەول" in home and "مخيم الهول" not in home
    client.cookies["django_language"] = "ar"
    assert "مخيم الهول" in [
        r[0] for r in chart_rows(client.get(reverse("dashboard")).content.decode(), "capacity")
    ]
    # Without a Sorani name the Sorani reader gets the name as registered, not the Arabic one.
    camp.name_ckb = ""
    camp.save(update_fields=["name_ckb"])
    client.cookies["django_language"] = "ckb"
    html = client.get(reverse("dashboard")).content.decode()
    assert "Al-Hol Camp" in [r[0] for r in chart_rows(html, "capacity")]


def _two_leave_al_hol(facilities, make_user) -> None:
    """The two received at Al-Hol go home on one convoy: one confirmed, one still on the way."""
    from muster.departures import services as departures

    planner = make_user("repatriation_officer")
    at_camp = list(
        Person.objects.filter(
            placements__is_current=True, placements__facility=facilities["camp"]
        ).order_by("id")
    )
    assert len(at_camp) == 2
    departure = departures.plan_departure(
        at_camp, kind="return", from_facility=facilities["camp"],
        details={"destination_name": "Hajin", "destination_pcode": "SY090501", "convoy": "C7",
                 "guarantor": "the mukhtar of Hajin"},
        by=planner, separation_reason="the child is still missing",
    )  # fmt: skip
    departures.dispatch_departure(departure, by=planner)
    departures.confirm(departure, [(at_camp[0].pk, "received", "")], by=planner)


def test_departures_by_kind_on_the_dashboard_equal_the_sitrep_and_the_confirmed_lines(
    operation, facilities, make_user, login
):
    from muster.departures.models import DepartureLine

    _two_leave_al_hol(facilities, make_user)
    client = login(make_user("coordinator"))
    feed = client.get("/api/sitrep/").json()
    kinds = feed["dashboard"]["departures_by_kind"]
    assert kinds["returned"] == 1 == DepartureLine.objects.filter(outcome="received").count()
    assert sum(kinds.values()) == feed["departed"] == 1
    html = client.get(reverse("dashboard")).content.decode()
    rows = {r[0]: r[1] for r in chart_rows(html, "departures")}
    assert rows["Returned home"] == "1"
    # The one still leaving is in transit today, on the chart as in the headline.
    transit = chart_rows(html, "transit")
    assert transit[-1][1] == str(feed["in_transit"]) == str(headline(html)["in_transit"])
    # The flow's "Departed" follows a facility filter (it read the whole registry's figure).
    for facility, departed in ((facilities["camp"], 1), (facilities["reception"], 0)):
        scoped = client.get("/api/sitrep/", {"facility": facility.pk}).json()
        assert scoped["dashboard"]["flow"]["departed"] == departed
    assert feed["dashboard"]["flow"]["departed"] == 1


def test_the_flow_draws_a_band_into_departed_from_the_facilities_people_left(
    operation, facilities, make_user, login
):
    # The flow showed "Departed 1" with no band into it: nobody seemed to have come from anywhere.
    _two_leave_al_hol(facilities, make_user)
    client = login(make_user("coordinator"))
    html = client.get(reverse("dashboard")).content.decode()
    # One confirmed home from Al-Hol, one on the way: the band's received and in transit.
    into = [r for r in chart_rows(html, "flow") if r[1] == "Departed"]
    assert into == [["Displacement camp", "Departed", "1", "1"]]
    assert headline(html)["departed"] == 1
    svg = html.split('data-testid="chart-flow"')[1].split("</svg>")[0]
    assert "<title>1 + 1</title></path>" in svg
    feed = client.get("/api/sitrep/").json()["dashboard"]["flow"]
    link = {"source": "displacement_camp", "target": "departed", "received": 1, "in_transit": 1}
    assert link in feed["links"]
    received = sum(lk["received"] for lk in feed["links"] if lk["target"] == "departed")
    assert received == feed["departed"] == 1
    # Under a filter, from the chosen facilities only, as the headline's "Departed".
    for facility, expected in ((facilities["camp"], [link]), (facilities["reception"], [])):
        scoped = client.get("/api/sitrep/", {"facility": facility.pk}).json()["dashboard"]["flow"]
        assert [lk for lk in scoped["links"] if lk["target"] == "departed"] == expected


def test_a_filtered_dashboard_says_which_figures_follow_the_filters(facilities, make_user, login):
    # The page said "Now, across the whole registry: the filters apply to the charts below" above
    # a camp's charts; the headline and the departures now follow the facility and governorate.
    client = login(make_user("coordinator"))

    def scope(**query) -> str:
        page = client.get(reverse("dashboard"), query).content.decode()
        return page.split('data-testid="headline-scope">')[1].split("</p>")[0], page

    camp = facilities["camp"].pk
    said, page = scope(facility=camp)
    assert said == "Now, at Al-Hol Camp; the dates do not apply to these figures."
    assert "Departures by kind from the selected facilities, to date" in page
    # Only the downloads, which are not filtered, still speak of the whole registry.
    rest = re.sub(r'data-testid="sitrep-downloads">.*?</span>', "", page, flags=re.S)
    assert "whole registry" not in rest
    said, _ = scope(governorate="SY08")
    assert said == (
        "Now, at the facilities of governorate SY08; the dates do not apply to these figures."
    )
    assert scope(governorate="SY08", facility=camp)[0] == said.replace(
        "the facilities of governorate SY08", "Al-Hol Camp"
    )
    said, _ = scope(governorate="SY09", facility=camp)
    assert said == (
        "Al-Hol Camp is not in governorate SY09: no facility is chosen, every figure is 0."
    )
    # Without a filter: as it was.
    said, page = scope()
    assert said == "Now, across the whole registry: the filters apply to the charts below."
    assert "Departures by kind (whole registry, to date)" in page
    downloads = page.split('data-testid="sitrep-downloads">')[1].split("</span>")[0]
    assert "not filtered" in downloads and "sitrep.csv" in downloads
    client.cookies["django_language"] = "ar"
    said, _ = scope(facility=camp)
    assert said == "الآن، في \u2068Al-Hol Camp\u2069؛ لا تنطبق التواريخ على هذه الأرقام."


@pytest.fixture
def departures_from_two_camps(operation, facilities, make_user):
    """``operation``, then a departure from each camp: from Al-Hol a return home (the head of
    household 0, confirmed), from the Small Camp a death (the extra person) and a return still on
    its way (the head of household 2). The Small Camp is moved to a governorate of its own (SY07).

    Where everyone is then: Al-Hol holds the spouse of household 0, her child on the bus to it
    reported not arrived; the Small Camp the spouse and the child of household 2, its head leaving;
    household 1 (its child too) overdue on the bus from the reception point (SY09) to the family
    camp (SY08)."""
    from muster.departures import services as departures

    planner = make_user("repatriation_officer")
    persons = operation["persons"]
    home = departures.plan_departure(
        [persons[0]],
        kind="return",
        from_facility=facilities["camp"],
        details={"destination_name": "Hajin", "destination_pcode": "SY090501", "convoy": "C7"},
        by=planner,
        separation_reason="his wife stays until the child is found",
    )
    departures.dispatch_departure(home, by=planner)
    departures.confirm(home, [(persons[0].pk, "received", "")], by=planner)
    departures.record_death(
        persons[9],
        details={"death_source": "hospital report", "death_date": timezone.localdate()},
        by=planner,
    )
    leaving = departures.plan_departure(
        [persons[6]],
        kind="return",
        from_facility=facilities["small_camp"],
        details={"destination_name": "Hajin", "destination_pcode": "SY090501", "convoy": "C8"},
        by=planner,
        separation_reason="goes ahead to ready the house",
    )
    departures.dispatch_departure(leaving, by=planner)
    small = facilities["small_camp"]
    small.pcode = "SY0701"
    small.save(update_fields=["pcode"])
    return operation


# The headline (data-figure: figure) and the departures by kind, for each scope of the fixture.
WHOLE_REGISTRY = {
    # Ten registered; four on transfers (three overdue, a child reported not arrived) and one
    # leaving; the three households' separated children; the return home and the death.
    "headline": {
        "registered": 10,
        "in_transit": 5,
        "unaccounted": 4,
        "children": 3,
        "children_lost": 2,  # the child not arrived, household 1's overdue child (both flagged)
        "departed": 2,
    },
    "departures": {"Returned home": "1", "Died": "1"},
}
AL_HOL = {
    # The spouse; her child on the bus to Al-Hol (not arrived); her husband gone home.
    "headline": {
        "population": 1,
        "in_transit": 1,
        "unaccounted": 1,
        "children": 1,
        "children_lost": 1,
        "departed": 1,
    },
    "departures": {"Returned home": "1", "Died": "0"},
}
SMALL_CAMP = {
    # The spouse and the child; the head leaving; the extra person died.
    "headline": {
        "population": 2,
        "in_transit": 1,
        "unaccounted": 0,
        "children": 1,
        "children_lost": 0,
        "departed": 1,
    },
    "departures": {"Returned home": "0", "Died": "1"},
}
RECEPTION = {
    # Every bus left the reception point: the child not arrived at Al-Hol and household 1 overdue,
    # with its child; no one departed from there.
    "headline": {
        "population": 0,
        "in_transit": 4,
        "unaccounted": 4,
        "children": 2,
        "children_lost": 2,
        "departed": 0,
    },
    "departures": {"Returned home": "0", "Died": "0"},
}


def _shown(client, **query) -> dict:
    html = client.get(reverse("dashboard"), query).content.decode()
    kinds = {r[0]: r[1] for r in chart_rows(html, "departures")}
    return {
        "headline": headline(html),
        "departures": {k: kinds[k] for k in ("Returned home", "Died")},
        "transit today": chart_rows(html, "transit")[-1][1:],
    }


def test_the_headline_and_departures_by_kind_are_the_chosen_facilitys_under_a_filter(
    departures_from_two_camps, facilities, make_user, login
):
    # A coordinator choosing Al-Hol read the whole registry's tiles and departures above one
    # camp's charts.
    client = login(make_user("coordinator"))
    for query, expected in [
        ({}, WHOLE_REGISTRY),
        ({"facility": facilities["camp"].pk}, AL_HOL),
        ({"facility": facilities["small_camp"].pk}, SMALL_CAMP),
        ({"governorate": "SY07"}, SMALL_CAMP),
        ({"governorate": "SY09"}, RECEPTION),
    ]:
        shown = _shown(client, **query)
        assert shown["headline"] == expected["headline"], query
        assert shown["departures"] == expected["departures"], query
        # Today's point of the in-transit chart is the headline's.
        figures = expected["headline"]
        assert shown["transit today"] == [str(figures["in_transit"]), str(figures["unaccounted"])]
    # Without a filter: the situation report's figures, and a direct count.
    direct = direct_counts()
    whole = WHOLE_REGISTRY["headline"]
    assert whole["registered"] == direct["registered"]
    assert whole["children"] == direct["children"] and whole["departed"] == direct["departed"]
    assert whole["in_transit"] == direct["in_transit"] + 1  # and the one leaving


def test_the_feed_and_the_pdf_carry_the_filtered_headline_and_departures(
    departures_from_two_camps, facilities, make_user, login
):
    from muster.reports.pdf import render_html

    client = login(make_user("coordinator"))
    camp = facilities["camp"].pk
    feed = client.get("/api/sitrep/", {"facility": camp}).json()
    assert feed["dashboard"]["headline"] == {
        "registered": None,
        "population": 1,
        "in_transit": 1,
        "unaccounted": 1,
        "separated_or_unaccompanied_children": 1,
        "children_lost_in_transit": 1,
        "children_needing_protection": 1,  # the lost child is the flagged one
        "departed": 1,
    }
    kinds = feed["dashboard"]["departures_by_kind"]
    assert kinds["returned"] == 1 and sum(kinds.values()) == 1
    # The feed's own sitrep stays the whole registry's, as its version promises.
    assert feed["registered"] == 10 and feed["departed"] == 2 and feed["in_transit"] == 5
    whole = client.get("/api/sitrep/").json()["dashboard"]
    assert whole["headline"]["registered"] == 10 and whole["headline"]["population"] is None
    assert whole["departures_by_kind"]["died"] == 1 == whole["departures_by_kind"]["returned"]
    base = dashboard.default_filters()
    html = render_html(dashboard.Filters(base.date_from, base.date_to, governorate="SY07"), "en")
    assert headline(html) == SMALL_CAMP["headline"]
    assert {r[0]: r[1] for r in chart_rows(html, "departures")}["Died"] == "1"


def test_the_governorate_filter_reads_a_p_code_as_the_export_does_iraqi_and_syrian(
    registered, facilities, make_user, login, capsys
):
    # The filter read the first four characters: an Iraqi district IQD1501 had no governorate
    # (the filter's list lacked IQG15, which the export's adm1_pcode column wrote for it).
    import csv
    import io

    for key, pcode in (("small_camp", "IQD1501"), ("camp", "SY090301"), ("holding", "Camp 7")):
        facilities[key].pcode = pcode
        facilities[key].save()
    client = login(make_user("coordinator"))
    exported = list(
        csv.reader(
            io.StringIO(client.get(reverse("export-sitrep-csv")).content.decode("utf-8-sig"))
        )
    )
    header = exported[0]
    adm1 = {
        r[header.index("facility")]: r[header.index("adm1_pcode")]
        for r in exported[2:]
        if r[header.index("section")] == "facility"
    }
    assert adm1["Small Camp"] == "IQG15" and adm1["Al-Hol Camp"] == "SY09"
    feed = client.get("/api/sitrep/").json()["dashboard"]
    read = {f["name"]: f["governorate"] for f in feed["facilities"]}
    assert read == adm1  # Holding Facility A's 'Camp 7': no governorate in either
    page = client.get(reverse("dashboard")).content.decode()
    assert '<option value="IQG15">' in page and '<option value="SY09">' in page
    for governorate, chosen in (
        ("IQG15", ["Small Camp"]),
        ("iqg15", ["Small Camp"]),
        ("SY09", ["Al-Hol Camp", "Reception Point 1"]),
    ):
        feed = client.get("/api/sitrep/", {"governorate": governorate})
        assert feed.status_code == 200, feed.content
        assert sorted(f["name"] for f in feed.json()["dashboard"]["facilities"]) == chosen
        capsys.readouterr()
        assert main(["sitrep", "--hxl", "--governorate", governorate]) == 0
        rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
        assert sorted(r[0] for r in rows[2:] if r[header.index("section")] == "facility") == chosen
    # A district is not a governorate, under either country's pattern.
    for district in ("IQD1501", "SY0903"):
        feed = client.get("/api/sitrep/", {"governorate": district})
        assert feed.status_code == 400
        assert "is not a governorate P-code" in str(feed.json()["governorate"])


def test_the_flow_adds_up_as_drawn_under_a_date_filter(operation, facilities, make_user, login):
    # The flow read "Arrived 795", the registrations of the window, beside today's populations and
    # the movements of the window: its figures did not add up. It is to date now, whatever the
    # dates: registered = the populations + those on the way on the bands + departed.
    _two_leave_al_hol(facilities, make_user)
    client = login(make_user("coordinator"))
    today = timezone.localdate()
    window = {
        "date_from": (today - timedelta(days=10)).isoformat(),
        "date_to": (today - timedelta(days=1)).isoformat(),
    }
    html = client.get(reverse("dashboard"), window).content.decode()
    svg = html.split('data-testid="chart-flow"')[1].split("</svg>")[0]
    nodes = {
        node: (label, int(n))
        for node, label, n in re.findall(r'data-node="(\w+)"><title>([^<]*): (\d+)</title>', svg)
    }
    registered = headline(html)["registered"]
    assert registered == Person.objects.filter(merged_into__isnull=True).count() == 10
    assert nodes["arrived"] == ("Registered", registered)
    on_the_way = sum(int(r[3]) for r in chart_rows(html, "flow"))
    populations = sum(n for node, (_, n) in nodes.items() if node not in ("arrived", "departed"))
    departed = nodes["departed"][1]
    assert (populations, on_the_way, departed) == (4, 5, 1)
    assert registered == populations + on_the_way + departed
    title = html.split('data-testid="chart-flow"')[1].split("<h2>")[1].split("</h2>")[0]
    assert title.endswith("to date, the populations now; the dates do not apply")
    # The feed's flow says the same.
    flow = client.get("/api/sitrep/", window).json()["dashboard"]["flow"]
    assert flow["arrived"] == registered
    in_transit = sum(lk["in_transit"] for lk in flow["links"])
    assert (
        flow["arrived"] == sum(flow["population_by_kind"].values()) + in_transit + flow["departed"]
    )
