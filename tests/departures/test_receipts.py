"""The receiving side's spreadsheet: a row-by-row report, and nothing wrong changed."""

import io

import pytest
from django.core.exceptions import ValidationError

from muster.audit.models import AuditEvent
from muster.custody.models import Placement
from muster.departures import services
from muster.departures.models import DepartureLine
from muster.departures.receipts import ReceiptFileError

from .test_services import RETURN


@pytest.fixture
def dispatched(crowd, facilities, officers):
    camp = facilities["camp"]
    people = crowd(camp, 2)  # 8 persons on the departure
    departure = services.plan_departure(
        people, kind="return", from_facility=camp, details=RETURN, by=officers["planner"]
    )
    services.dispatch_departure(departure, by=officers["planner"])
    stranger = crowd(camp, 1)[0]  # registered, at the camp, not on the manifest
    return departure, people, stranger


def sheet(rows) -> bytes:
    return ("number,outcome,note\n" + "\n".join(",".join(r) for r in rows) + "\n").encode()


def test_the_report_flags_every_bad_row_and_applies_only_the_sound_ones(dispatched, officers):
    departure, people, stranger = dispatched
    content = sheet(
        [
            (people[0].number, "received", ""),
            (people[1].number, "Not presented", "not at the checkpoint"),
            (people[2].number, "refused", ""),  # a refusal needs a note
            (people[3].number, "received", ""),
            (people[3].number, "refused", "listed twice"),  # a duplicate: neither row applies
            ("PZZZZZZZZ", "received", ""),  # nobody has this number
            (stranger.number, "received", ""),  # not on this manifest
            (people[4].number, "arrived?", ""),  # not an outcome
            ("", "received", ""),
        ]
    )
    report = services.import_receipt(departure, content, filename="r.csv", by=officers["planner"])
    status = {r.row: r.status for r in report.rows}
    assert status == {
        2: "ok",
        3: "ok",
        4: "note_required",
        5: "duplicate",
        6: "duplicate",
        7: "unknown_id",
        8: "not_on_manifest",
        9: "bad_outcome",
        10: "missing_id",
    }
    assert report.applied
    outcomes = dict(
        DepartureLine.objects.filter(departure=departure).values_list("person_id", "outcome")
    )
    assert outcomes[people[0].pk] == "received"
    assert outcomes[people[1].pk] == "not_presented"
    for p in people[2:]:
        assert outcomes[p.pk] == "pending"
    assert Placement.objects.get(person=stranger, is_current=True).state == "placed"
    assert not DepartureLine.objects.filter(person=stranger).exists()
    event = AuditEvent.objects.filter(action="departure.import").get()
    assert event.detail["duplicate"] == 2 and event.detail["unknown_id"] == 1


def test_a_dry_run_changes_nothing(dispatched, officers):
    departure, people, _ = dispatched
    report = services.import_receipt(
        departure, sheet([(people[0].number, "received", "")]), by=officers["planner"], apply=False
    )
    assert report.rows[0].status == "ok" and not report.applied
    assert not DepartureLine.objects.filter(outcome="received").exists()


def test_a_number_typed_in_lower_case_is_the_person(dispatched, officers):
    # "pbjazbhdk" was reported as "unknown number: no person with this registration number".
    departure, people, _ = dispatched
    content = sheet(
        [(people[0].number.lower(), "received", ""), (f" {people[1].number} ", "received", "")]
    )
    report = services.import_receipt(departure, content, by=officers["planner"])
    assert [r.status for r in report.rows] == ["ok", "ok"]
    assert report.rows[0].number == people[0].number


def test_importing_the_same_sheet_twice_reports_unchanged(dispatched, officers):
    departure, people, _ = dispatched
    content = sheet([(p.number, "received", "") for p in people])
    services.import_receipt(departure, content, by=officers["planner"])
    again = services.import_receipt(departure, content, by=officers["planner"])
    assert {r.status for r in again.rows} == {"unchanged"}
    departure.refresh_from_db()
    assert departure.status == "closed"


def test_an_xlsx_sheet_is_read_like_a_csv(dispatched, officers):
    from openpyxl import Workbook

    departure, people, _ = dispatched
    wb = Workbook()
    ws = wb.active
    ws.append(["Registration_Number", "Outcome", "Note"])
    ws.append([people[0].number, "RECEIVED", None])
    ws.append([people[1].number, "refused", "no papers"])
    out = io.BytesIO()
    wb.save(out)
    report = services.import_receipt(
        departure, out.getvalue(), filename="r.xlsx", by=officers["planner"]
    )
    assert [r.status for r in report.rows] == ["ok", "ok"]
    assert Placement.objects.get(person=people[1], is_current=True).state == "placed"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,outcome\nx,received\n", "registration number column"),
        (b"number,result\nx,received\n", "outcome"),
        (b"\xff\xfe\x00garbage", "UTF-8"),
        (
            "number,outcome\nPX,received\n".encode("utf-16-le"),
            "not UTF-8 text: it looks like UTF-16",
        ),
        (b"PK\x03\x04 not really a zip", "XLSX"),
        (
            b'number,outcome,note\nPX,received,"' + b"A" * 200_000 + b'"\n',
            "row 2, note: the cell holds more than 131072 characters",
        ),
    ],
)
def test_an_unreadable_file_is_refused_with_a_reason(dispatched, officers, content, message):
    departure, _, _ = dispatched
    with pytest.raises(ReceiptFileError, match=message):
        services.import_receipt(departure, content, by=officers["planner"])
    assert not AuditEvent.objects.filter(action="departure.import").exists()


def test_confirming_before_dispatch_is_refused(crowd, facilities, officers):
    camp = facilities["camp"]
    people = crowd(camp, 1)
    departure = services.plan_departure(
        people, kind="return", from_facility=camp, details=RETURN, by=officers["planner"]
    )
    with pytest.raises(ValidationError, match="not been dispatched"):
        services.import_receipt(departure, sheet([(people[0].number, "received", "")]), by=None)


def test_the_api_answers_a_giant_cell_with_a_400_naming_csv(dispatched, officers):
    from tests.factories import JsonClient, signed_in

    departure, people, _ = dispatched
    client = JsonClient(signed_in(officers["planner"]))
    sheet = f'number,outcome,note\n{people[0].number},received,"{"A" * 200_000}"\n'
    response = client.post(f"/api/departures/{departure.number}/receipt/", {"csv": sheet})
    assert response.status_code == 400, response.content[:200]
    assert response.json()["csv"][0].startswith(
        "row 2, note: the cell holds more than 131072 characters (128 KiB)"
    )
    assert not DepartureLine.objects.filter(departure=departure, outcome="received").exists()
