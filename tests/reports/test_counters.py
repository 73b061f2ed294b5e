"""The counters the sitrep reads (reports.counters) equal a direct count after every verb that
changes what they count, and after writes that bypass the verbs; ``muster sitrep --recount`` finds
and mends a counter that drifted."""

import copy
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db.models import F, Q
from django.utils import timezone

from muster.cli import main
from muster.custody import services as custody
from muster.custody.models import Placement
from muster.departures import services as departures
from muster.intake import services as intake
from muster.people.models import Person
from muster.people.validation import clean_household
from muster.reports import counters, dashboard, hxl
from muster.reports.models import RegistrationCount
from muster.reports.sitrep import situation_report
from muster.screening import services as screening
from muster.screening.models import CategoryDecision
from tests.conftest import HOUSEHOLD


def orm_figures() -> dict:
    """The sitrep's counted figures the long way, with the ORM (not the counters' own SQL)."""
    active = Person.objects.filter(merged_into__isnull=True)
    categories = Counter(
        CategoryDecision.objects.filter(is_current=True, person__merged_into__isnull=True)
        .values_list("category", flat=True)
    )  # fmt: skip
    registered = active.count()
    placed = Placement.objects.filter(is_current=True, state="placed")
    return {
        "registered": registered,
        "by_category": {**categories, "undecided": registered - sum(categories.values())},
        "population": Counter(placed.values_list("facility_id", flat=True)),
    }


def arrivals_by_day(facility_ids=None) -> dict:
    """Per local day (the whole registry's time), registrations or placements at the facilities."""
    if facility_ids is None:
        times = Person.objects.filter(merged_into__isnull=True).values_list(
            "registered_at", flat=True
        )
    else:
        # A merge's copy of the duplicate's location is no arrival (as the facility page counts).
        times = (
            Placement.objects.filter(state="placed", facility_id__in=facility_ids)
            .exclude(custody.merge_copies())
            .values_list("started_at", flat=True)
        )
    return Counter(timezone.localtime(t).date().isoformat() for t in times)


def hxl_direct(facility_ids, today) -> dict:
    """The HXL table's figures as the export computed them before the counter (the direct join),
    facilities with nobody and zero figures left out as the fast table leaves them."""
    return {
        pk: {k: v for k, v in r.items() if v}
        for pk, r in hxl.joined_figures(facility_ids, today).items()
        if any(r[k] for k in ("f", "m", "children"))
    }


HXL_FIGURES = ("f", "m", "children", "girls", "boys", "other")


def assert_hxl_exact(facility_ids, today=None):
    today = today or timezone.localdate()
    fast = {
        facility: {k: row[k] for k in HXL_FIGURES if row[k]}
        for facility, row in hxl.by_sex_and_age(facility_ids, today).items()
    }
    assert {k: v for k, v in fast.items() if v} == hxl_direct(facility_ids, today), today


def assert_exact(facilities=None):
    assert counters.differences() == []
    if facilities:
        assert_hxl_exact([f.pk for f in facilities.values()])
    report = situation_report()
    want = orm_figures()
    assert report["registered"] == want["registered"]
    assert {k: v for k, v in report["by_category"].items() if v} == {
        k: v for k, v in want["by_category"].items() if v
    }
    assert {f["id"]: f["population"] for f in report["facilities"] if f["population"]} == dict(
        want["population"]
    )
    window = dashboard.parse_filters(
        {"date_from": (timezone.localdate() - timedelta(days=20)).isoformat()}
    )
    for ids in [None, *([[f.pk] for f in facilities.values()] if facilities else [])]:
        series = {
            d["date"]: d["total"] for d in dashboard.arrivals_by_category(window, ids) if d["total"]
        }
        assert series == arrivals_by_day(ids), ids


def register(facilities, by, family: str, members=3):
    data = copy.deepcopy(HOUSEHOLD[:members])
    for m in data:
        m["family_name"] = family
    household = intake.register_household(
        clean_household(data), reception_point=facilities["reception"], by=by
    )
    return list(household.members.order_by("id"))


def test_counters_equal_a_direct_count_after_every_verb(facilities, make_user):
    officer = make_user("registration_officer")
    screener, second = make_user("screening_officer"), make_user("screening_officer")
    manager = make_user("camp_manager")
    planner, approver = (make_user("repatriation_officer") for _ in range(2))
    assert_exact(facilities)

    a = register(facilities, officer, "Alpha")
    b = register(facilities, officer, "Beta")
    assert_exact(facilities)
    assert situation_report()["by_category"]["undecided"] == 6

    screening.decide_category(a[0], "civilian", reason="interview", by=screener)
    screening.decide_category(a[1], "family_of_held", reason="interview", by=screener)
    assert_exact(facilities)
    held = screening.decide_category(
        b[0], "held", reason="interview", basis="named on the list", by=screener
    )
    assert_exact(facilities)  # pending: not yet a category
    screening.approve_category(held, by=second)
    assert_exact(facilities)
    assert situation_report()["by_category"]["held"] == 1
    screening.decide_category(a[1], "civilian", reason="re-interview", by=screener)
    assert_exact(facilities)

    bus = custody.dispatch(
        a, from_facility=facilities["reception"], to_facility=facilities["camp"], by=manager
    )
    assert_exact(facilities)
    custody.receive(bus, a[:2], by=manager, separation_reason="child not on the bus")
    assert_exact(facilities)
    custody.report_missing(bus, a[2], note="not on the bus", by=manager)
    assert_exact(facilities)
    custody.receive(bus, [a[2]], by=manager)
    assert_exact(facilities)

    # A duplicate registration of b[1], merged into it, then the merge undone.
    dup = register(facilities, officer, "Beta-again", members=1)[0]
    screening.decide_category(dup, "civilian", reason="interview", by=screener)
    screening.merge_duplicate(b[1], dup, by=screener, reason="same person")
    assert_exact(facilities)
    assert situation_report()["registered"] == 6
    screening.unmerge_duplicate(dup, by=screener, reason="not the same person")
    assert_exact(facilities)
    assert situation_report()["registered"] == 7

    # A return from the camp: leaving on dispatch, departed on confirmation. a[0] flagged: a child
    # in our care until the receiving side confirms them, not after. (Made a child, born 2012:
    # someone flagged who is 18 or over is not among the children, on the list or the figures.)
    Person.objects.filter(pk=a[0].pk).update(separated_child=True, birth_year=2012)
    assert_exact(facilities)
    flagged = Person.objects.filter(merged_into__isnull=True).filter(
        Q(separated_child=True) | Q(unaccompanied_child=True)
    )
    in_care = flagged.count()
    departure = departures.plan_departure(
        a,
        kind="return",
        from_facility=facilities["camp"],
        details={"destination_name": "Hajin", "destination_pcode": "SY090501", "convoy": "C7"},
        by=planner,
    )
    departures.dispatch_departure(departure, by=planner)
    assert_exact(facilities)
    assert situation_report()["separated_or_unaccompanied_children"] == in_care
    departures.confirm(
        departure,
        [
            (a[0].pk, "received", ""),
            (a[1].pk, "refused", "no sponsor"),
            (a[2].pk, "not_presented", "not on the bus"),
        ],
        by=approver,
    )
    assert_exact(facilities)
    # Received: a[0] left; a[1] refused (back at the camp), a[2] not presented (still leaving).
    assert situation_report()["separated_or_unaccompanied_children"] == in_care - 1
    departures.record_death(
        b[2],
        details={"death_source": "hospital report", "death_date": date.today().isoformat()},
        by=planner,
    )
    assert_exact(facilities)


def test_a_merge_across_two_facilities_is_no_arrival_at_either(facilities, make_user):
    """A person moved to the camp, then registered again at reception and merged: the kept
    record takes the newer location (reception) by a copied placement.  The duplicate's own
    registration at reception is an arrival there; the copy is not a second one, on the
    dashboard as on the facility page (``figures.facility_figures``)."""
    from muster.reports.figures import facility_figures

    officer, screener = make_user("registration_officer"), make_user("screening_officer")
    manager = make_user("camp_manager")
    a = register(facilities, officer, "Alpha", members=1)
    bus = custody.dispatch(
        a, from_facility=facilities["reception"], to_facility=facilities["camp"], by=manager
    )
    custody.receive(bus, a, by=manager)
    dup = register(facilities, officer, "Alpha-again", members=1)[0]
    arrived = facility_figures(facilities["reception"], reunions=None).arrivals_today
    assert arrived == 2  # a[0]'s registration, and the duplicate's
    screening.merge_duplicate(a[0], dup, by=screener, reason="same person")

    copies = Placement.objects.filter(custody.merge_copies())
    assert list(copies.values_list("person_id", "facility_id", "is_current")) == [
        (a[0].pk, facilities["reception"].pk, True)
    ]
    assert facility_figures(facilities["reception"], reunions=None).arrivals_today == arrived
    assert_exact(facilities)  # the counters, the dashboard's series and the direct count agree
    window = dashboard.parse_filters({"date_from": timezone.localdate().isoformat()})
    today = [
        d["total"] for d in dashboard.arrivals_by_category(window, [facilities["reception"].pk])
    ]
    assert today == [arrived]
    screening.unmerge_duplicate(dup, by=screener, reason="not the same person")
    assert_exact(facilities)


def test_counters_follow_writes_that_bypass_the_verbs(facilities, make_user, registered):
    people = list(registered.members.order_by("id"))
    screening.decide_category(
        people[0], "civilian", reason="interview", by=make_user("screening_officer")
    )
    Person.objects.filter(pk=people[0].pk).update(
        registered_at=F("registered_at") - timedelta(days=3)
    )
    assert_exact(facilities)
    Placement.objects.filter(person=people[1]).update(facility=facilities["camp"])
    assert_exact(facilities)
    CategoryDecision.objects.filter(person=people[0]).update(category="family_of_held")
    assert_exact(facilities)
    CategoryDecision.objects.filter(person=people[0]).delete()
    assert_exact(facilities)
    Person.objects.filter(pk=people[2].pk).update(merged_into=people[1])
    assert_exact(facilities)
    Placement.objects.filter(person=people[2]).delete()
    assert_exact(facilities)


def test_a_day_in_a_zone_half_an_hour_from_utc_is_counted_whole(facilities, make_user, registered):
    # India is UTC+5:30: 18:29 UTC is 23:59 on the 9th, 18:30 UTC midnight of the 10th.
    people = list(registered.members.order_by("id"))
    at = datetime(2026, 3, 9, 18, 29, 59, tzinfo=UTC)
    Person.objects.filter(pk=people[0].pk).update(registered_at=at)
    Person.objects.filter(pk=people[1].pk).update(registered_at=at + timedelta(seconds=1))
    Person.objects.filter(pk=people[2].pk).update(registered_at=at - timedelta(minutes=30))
    filters = dashboard.parse_filters({"date_from": "2026-03-09", "date_to": "2026-03-10"})
    with timezone.override("Asia/Kolkata"):
        days = dashboard.arrivals_by_category(filters, None)
    assert [(d["date"], d["total"]) for d in days] == [("2026-03-09", 2), ("2026-03-10", 1)]


def test_recount_finds_a_drifted_counter_and_repair_mends_it(registered, capsys):
    assert main(["sitrep", "--recount"]) == 0
    assert "agree" in capsys.readouterr().out
    RegistrationCount.objects.update(persons=F("persons") + 1)
    assert main(["sitrep", "--recount"]) == 1
    err = capsys.readouterr().err
    assert "reports_registrationcount" in err and "kept 4, counted 3" in err
    assert "--repair" in err
    assert main(["sitrep", "--recount", "--repair"]) == 0
    assert counters.differences() == []
    assert situation_report()["registered"] == 3


def test_repair_is_refused_without_recount(capsys):
    assert main(["sitrep", "--repair"]) == 1
    assert "--repair: only with --recount" in capsys.readouterr().err


@pytest.mark.django_db
def test_an_empty_registry_has_no_counter_rows():
    assert counters.kept() == {c.table: {} for c in counters.COUNTERS}


def test_the_migrated_database_has_every_trigger_and_lost_ones_are_put_back(registered):
    from django.db import connection

    assert counters.ensure_installed(connection) is False  # all there after the migrations
    # As when SQLite rebuilds a table to alter it: the triggers go, writes go uncounted.
    counters.uninstall(connection)
    Person.objects.filter(pk=registered.members.first().pk).update(
        registered_at=timezone.now() - timedelta(days=2)
    )
    assert counters.differences() != []
    assert counters.ensure_installed(connection) is True  # what post_migrate runs
    assert counters.differences() == []


def test_flow_and_transit_read_received_lines_from_the_counter(facilities, make_user, registered):
    manager = make_user("camp_manager")
    people = list(registered.members.order_by("id"))
    bus = custody.dispatch(
        people, from_facility=facilities["reception"], to_facility=facilities["camp"], by=manager
    )
    custody.receive(bus, people[:2], by=manager, separation_reason="one not on the bus")
    assert_exact(facilities)
    report = situation_report()
    filters = dashboard.default_filters()
    links = dashboard.flow(filters, None, report, 0, report["departed"])["links"]
    assert [(lk["received"], lk["in_transit"]) for lk in links] == [(2, 1)]
    today = dashboard.transit_over_time(filters, [facilities["camp"].pk], report)[-1]
    assert today["in_transit"] == 1


# Today for each case, and the dates of birth around its 18th birthday. Early in the year the HXL
# table reads those born by the birthday, late in the year those born after it.
HXL_TODAYS = [
    date(2026, 6, 15),
    date(2026, 1, 1),
    date(2026, 12, 31),
    date(2028, 2, 29),  # 18 years before has no 29 February: adult if born by 28 February
    date(2027, 9, 30),  # later in the year: those born after the birthday are the ones read
]


def test_hxl_children_from_the_counter_equal_the_direct_count(facilities, make_user):
    """Full dates of birth on both sides of the 18th birthday, years alone (of the boundary year,
    before and after it), unknown ages, all sexes; then a transfer, a merge, a date of
    birth corrected, a placement deleted: the HXL figures equal the old direct count each time,
    for several days of the year (departures and the other verbs: ``assert_exact`` above)."""
    officer, manager = make_user("registration_officer"), make_user("camp_manager")
    people = [p for family in ("A", "B", "C", "D") for p in register(facilities, officer, family)]
    dates = []
    for today in HXL_TODAYS:
        born_by = hxl.adult_born_by(today)
        dates += [born_by, born_by + timedelta(days=1), born_by - timedelta(days=1)]
        dates += [date(born_by.year, 12, 31), date(born_by.year, 1, 1)]
    years = [2008, 2009, 2010, 1990, None]
    sexes = ["F", "M", "U"]
    for i, person in enumerate(people):
        # Whole-table updates bypass the verbs: the person triggers keep the counter.
        dob = dates[i % len(dates)] if i % 3 else None
        year = None if dob else years[i % len(years)]
        Person.objects.filter(pk=person.pk).update(
            date_of_birth=dob, birth_year=year, sex=sexes[i % 3]
        )
    ids = [f.pk for f in facilities.values()]

    def check():
        assert counters.differences() == []
        for today in HXL_TODAYS:
            assert_hxl_exact(ids, today)

    check()
    bus = custody.dispatch(
        people[:6],
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=manager,
    )
    custody.receive(bus, people[:5], by=manager, separation_reason="one not on the bus")
    check()  # five at the camp, one in transit
    Person.objects.filter(pk=people[7].pk).update(merged_into=people[8])
    Person.objects.filter(pk=people[9].pk).update(date_of_birth=HXL_TODAYS[0], sex="F")
    Placement.objects.filter(person=people[10], is_current=True).update(
        facility=facilities["holding"]
    )
    check()
    Placement.objects.filter(person=people[11]).delete()
    check()
