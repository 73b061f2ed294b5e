"""Exports as the field uses them: figures for partners, a camp's roll, a bus manifest."""

import csv
import io

import pytest
from django.urls import reverse

from muster.audit.models import AuditEvent
from muster.custody import services as custody
from muster.intake import services as intake
from muster.people.validation import clean_household
from muster.screening import services as screening
from tests import factories


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


def test_coordinator_exports_the_sitrep_with_hxl_hashtags_and_no_names(
    registered, make_user, login
):
    coordinator = make_user("coordinator")
    response = login(coordinator).get(reverse("export-sitrep-csv"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="muster-sitrep-')
    rows = read_csv(response)
    assert rows[0][:4] == ["facility", "kind", "pcode", "population"]
    assert rows[1][0] == "#loc+name" and "#affected+ind+current" in rows[1]
    reception = next(r for r in rows if r[0] == "Reception Point 1")
    assert reception[3] == "3"
    assert "Muhammad" not in response.content.decode("utf-8-sig")
    assert reception[1] == "Reception point"  # in English, in any language (it came out in Arabic)
    arabic = login(coordinator)
    arabic.post(reverse("set_language"), {"language": "ar", "next": "/"})
    assert read_csv(arabic.get(reverse("export-sitrep-csv")))[2:-1] == rows[2:-1]
    event = AuditEvent.objects.filter(action="export").first()
    assert event.actor_username == coordinator.username
    assert event.detail["purpose"] == "situation report" and event.detail["rows"] == len(rows) - 2


def test_sitrep_xlsx_opens_as_a_workbook(registered, make_user, login):
    from openpyxl import load_workbook

    response = login(make_user("coordinator")).get(reverse("export-sitrep-xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(1, 1).value == "facility" and sheet.cell(2, 1).value == "#loc+name"


def _figures(rows: list[list]) -> list[tuple[str, int]]:
    header = rows[0]
    section, item, persons = (header.index(c) for c in ("section", "item", "persons"))
    return [(r[item], int(r[persons])) for r in rows[2:] if r[section] == "figure"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_sitrep_figures_show_registered_as_at_facilities_plus_in_transit_plus_departed(
    registered, facilities, make_user, login, fmt
):
    from openpyxl import load_workbook

    manager = make_user("camp_manager")
    custody.dispatch(  # the family moves together: a child is not split from its parent
        list(registered.members.all()),
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=manager,
    )
    response = login(make_user("coordinator")).get(reverse(f"export-sitrep-{fmt}"))
    if fmt == "csv":
        rows = read_csv(response)
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [["" if v is None else v for v in r] for r in sheet.iter_rows(values_only=True)]
    figures = _figures(rows)
    # The rows partners read keep their places; "at facilities" comes after them, and the
    # children lost in transit after it.
    assert [name for name, _ in figures] == [
        "registered",
        "in transit",
        "unaccounted",
        "departed",
        "separated or unaccompanied children",
        "at facilities",
        "children lost in transit",
        "children needing protection",
    ]
    n = dict(figures)
    assert (n["registered"], n["at facilities"], n["in transit"], n["departed"]) == (3, 0, 3, 0)
    assert n["registered"] == n["at facilities"] + n["in transit"] + n["departed"]


# The columns partners' spreadsheets read, in their places, before the note added after them.
PARTNER_COLUMNS = [
    "facility", "kind", "pcode", "population", "capacity", "occupancy", "expected", "section",
    "item", "date", "persons",
]  # fmt: skip


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_sitrep_says_beside_the_figures_that_the_unaccounted_are_among_those_in_transit(
    registered, facilities, make_user, login, fmt
):
    # A partner's sheet read "in transit 3, unaccounted 3" and added them up to 6.
    from openpyxl import load_workbook

    factories.bus(
        registered.members.all(),
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        hours_ago=30,  # overdue under the default 12 hours: unaccounted
    )
    response = login(make_user("coordinator")).get(reverse(f"export-sitrep-{fmt}"))
    if fmt == "csv":
        rows = read_csv(response)
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [["" if v is None else v for v in r] for r in sheet.iter_rows(values_only=True)]
    # The columns partners read in their places, the note last (the whole header is tested in
    # test_sitrep_formats.py); the P-code of any level untagged, tagged by level further on.
    assert rows[0][: len(PARTNER_COLUMNS)] == PARTNER_COLUMNS and rows[0][-1] == "note"
    assert rows[1][: len(PARTNER_COLUMNS)] == [
        "#loc+name", "#loc+type", "", "#affected+ind+current", "#capacity+ind",
        "#capacity+pct", "#affected+ind+transit", "#meta+section", "#indicator+name", "#date",
        "#indicator+value+num",
    ]  # fmt: skip
    assert rows[1][-1] == "#description"
    section, item, note = (rows[0].index(c) for c in ("section", "item", "note"))
    notes = {(r[section], r[item]): r[note] for r in rows[2:]}
    assert notes[("figure", "unaccounted")] == (
        "part of in transit (overdue more than 12 hours, or reported not arrived), "
        "not in addition to it"
    )
    assert "includes the unaccounted" in notes[("figure", "in transit")]
    assert (
        notes[("figure", "at facilities")] == "registered = at facilities + in transit + departed"
    )
    assert notes[("departures", "unaccounted")] == "part of leaving, not in addition to it"
    figures = dict(_figures(rows))
    assert (figures["in transit"], figures["unaccounted"], figures["registered"]) == (3, 3, 3)
    assert notes[("figure", "registered")] == "" and notes[("facility", "")] == ""


def test_registration_officer_may_not_export_figures(registered, make_user, login):
    response = login(make_user("registration_officer")).get(reverse("export-sitrep-csv"))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()
    assert AuditEvent.objects.filter(action="request.denied").exists()


def test_camp_managers_roll_lists_everyone_at_their_camp_with_formulas_neutralised(
    facilities, make_user, login, household_data
):
    household_data[0]["given_name"] = '=HYPERLINK("http://evil")'
    officer = make_user("registration_officer")
    household = intake.register_household(
        clean_household(household_data), reception_point=facilities["reception"], by=officer
    )
    screener = make_user("screening_officer")
    for person in household.members.all():
        screening.decide_category(person, "civilian", reason="interview", by=screener)
    manager = make_user("camp_manager", facility=facilities["reception"])
    response = login(manager).get(
        reverse("export-roll-csv", kwargs={"pk": facilities["reception"].pk})
    )
    assert response.status_code == 200
    rows = read_csv(response)
    assert rows[0] == [
        "number",
        "given_name",
        "father_name",
        "grandfather_name",
        "family_name",
        "sex",
        "birth_year",
        "nationality",
        "category",
        "placed_since",
    ]
    assert len(rows) == 4
    assert '\'=HYPERLINK("http://evil")' in [r[1] for r in rows]
    assert {r[8] for r in rows[1:]} == {"civilian"}


def test_roll_of_a_camp_outside_the_managers_scope_is_not_found(facilities, make_user, login):
    manager = make_user("camp_manager", facility=facilities["camp"])
    response = login(manager).get(
        reverse("export-roll-csv", kwargs={"pk": facilities["reception"].pk})
    )
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


def test_manifest_export_shows_who_was_received(registered, facilities, make_user, login):
    manager = make_user("camp_manager")
    members = list(registered.members.order_by("id"))
    movement = custody.dispatch(
        members, from_facility=facilities["reception"], to_facility=facilities["camp"], by=manager
    )
    custody.receive(movement, members[:2], by=manager, separation_reason="boy on the next bus")
    response = login(manager).get(
        reverse("export-manifest-movement-csv", kwargs={"number": movement.number})
    )
    assert response.status_code == 200
    rows = read_csv(response)
    assert rows[0][-2:] == ["outcome", "resolved_at"]
    assert sorted(r[-2] for r in rows[1:]) == ["In transit", "Received", "Received"]


@pytest.mark.parametrize("role", ["repatriation_officer"])
def test_repatriation_officer_export_carries_no_protection_or_screening_fields(
    registered, facilities, make_user, login, role
):
    user = make_user(role)
    response = login(user).get(
        reverse("export-roll-csv", kwargs={"pk": facilities["reception"].pk})
    )
    assert response.status_code == 200
    header = read_csv(response)[0]
    assert "category_reason" not in header and "separated_child" not in header


def test_roll_export_event_names_the_export_its_facility_and_the_persons_in_it(
    registered, facilities, make_user, login
):
    reception = facilities["reception"]
    manager = make_user("camp_manager", facility=reception)
    response = login(manager).get(reverse("export-roll-xlsx", kwargs={"pk": reception.pk}))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="export")
    assert (event.object_type, event.object_id) == ("custody.facility", str(reception.pk))
    assert event.detail["export"] == "facility.roll" and event.detail["format"] == "xlsx"
    assert event.detail["filters"] == {"facility": reception.pk}
    assert event.detail["rows"] == 3
    assert sorted(event.detail["person_ids"]) == sorted(
        registered.members.values_list("pk", flat=True)
    )
    assert "person_id" not in event.detail["fields"]  # the id rides in the event, not in the file


def test_manifest_export_event_lists_the_persons_on_the_manifest(
    registered, facilities, make_user, login
):
    from muster.audit.queries import who_read

    manager = make_user("camp_manager")
    head, spouse, _child = registered.members.order_by("id")
    movement = custody.dispatch(
        [head],
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=manager,
        separation_reason="hospital",
    )
    response = login(manager).get(
        reverse("export-manifest-movement-csv", kwargs={"number": movement.number})
    )
    assert response.status_code == 200 and "person_id" not in read_csv(response)[0]
    event = AuditEvent.objects.get(action="export")
    assert (event.object_type, event.object_id) == ("custody.movement", str(movement.pk))
    assert event.detail["export"] == "movement.manifest"
    assert event.detail["filters"] == {"movement": movement.number}
    assert event.detail["person_ids"] == [head.pk] and event.detail["rows"] == 1
    # On the auditor's who-read of the person on it, and of nobody else in the household.
    assert list(who_read(head.number)) == [event]
    assert not who_read(spouse.number).exists()


def test_sitrep_export_event_carries_no_person_ids(registered, make_user, login):
    login(make_user("coordinator")).get(reverse("export-sitrep-xlsx"))
    event = AuditEvent.objects.get(action="export")
    assert event.detail["export"] == "sitrep" and event.detail["format"] == "xlsx"
    assert "person_ids" not in event.detail


def test_no_file_leaves_when_its_export_event_cannot_be_written(
    registered, facilities, make_user, login, monkeypatch
):
    from django.db import DatabaseError

    from muster.audit import services as audit

    def broken_record(action, **kwargs):
        if action == "export":
            raise DatabaseError("audit table unavailable")
        return real_record(action, **kwargs)

    real_record = audit.record
    monkeypatch.setattr(audit, "record", broken_record)
    client = login(make_user("camp_manager"))
    with pytest.raises(DatabaseError):
        client.get(reverse("export-roll-csv", kwargs={"pk": facilities["reception"].pk}))
    assert not AuditEvent.objects.filter(action="export").exists()


def test_roll_tells_when_each_person_was_placed_in_local_time_as_the_pages_and_manifests_do(
    registered, facilities, make_user, login, settings
):
    # The roll wrote placed_since in UTC (…T03:08+00:00) beside manifests in local time
    # (…T06:08+03:00): a camp manager read arrivals three hours early.
    import datetime as dt
    from zoneinfo import ZoneInfo

    from openpyxl import load_workbook

    from muster.custody.models import Placement

    settings.TIME_ZONE = "Asia/Baghdad"
    reception = facilities["reception"]
    placed = Placement.objects.filter(person__household=registered, is_current=True)
    placed.update(started_at=dt.datetime(2026, 11, 7, 3, 8, tzinfo=dt.UTC))
    client = login(make_user("camp_manager", facility=reception))
    rows = read_csv(client.get(reverse("export-roll-csv", kwargs={"pk": reception.pk})))
    since = rows[0].index("placed_since")
    assert {r[since] for r in rows[1:]} == {"2026-11-07T06:08+03:00"}
    # In the workbook a date and time a spreadsheet sorts and filters by day (local time).
    book = client.get(reverse("export-roll-xlsx", kwargs={"pk": reception.pk}))
    sheet = load_workbook(io.BytesIO(book.content)).active
    cells = [row[since] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert cells == [dt.datetime(2026, 11, 7, 6, 8)] * 3
    assert ZoneInfo(settings.TIME_ZONE).utcoffset(cells[0]) == dt.timedelta(hours=3)


def test_sitrep_facility_rows_add_up_by_sex_when_a_sex_is_not_known(registered, make_user, login):
    # A person registered with sex "unknown" was in the population but in neither women nor men.
    from muster.people import services as people

    son = registered.members.get(relationship_to_head="son")
    people.correct_person(
        son, {"sex": "U"}, reason="not confirmed", by=make_user("screening_officer")
    )
    rows = read_csv(login(make_user("coordinator")).get(reverse("export-sitrep-csv")))
    header = rows[0]
    # With the other persons by sex and age, before the P-codes and the note (always last).
    at = header.index("sex_unknown")
    assert header[at - 1] == "boys" and rows[1][at] == "#affected+ind+sex_unknown+total"
    col = {c: header.index(c) for c in ("population", "women_and_girls", "men_and_boys")}
    reception = next(r for r in rows if r[0] == "Reception Point 1")
    assert reception[col["population"]] == "3"
    assert reception[header.index("sex_unknown")] == "1"
    facilities = [r for r in rows[2:] if r[header.index("section")] == "facility"]
    for r in facilities:
        by_sex = sum(
            int(r[header.index(c)]) for c in ("women_and_girls", "men_and_boys", "sex_unknown")
        )
        assert by_sex == int(r[col["population"]]), r[0]
