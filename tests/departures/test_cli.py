"""`muster departures ...` and the sitrep's departures, run in this process."""

import json

from muster import cli
from muster.audit.models import AuditEvent
from muster.departures import services

from .test_services import RETURN


def run(capsys, *args):
    code = cli.main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_list_show_and_import_from_the_command_line(crowd, facilities, officers, capsys, tmp_path):
    camp = facilities["camp"]
    people = crowd(camp, 1)
    departure = services.plan_departure(
        people, kind="return", from_facility=camp, details=RETURN, by=officers["planner"]
    )
    services.dispatch_departure(departure, by=officers["planner"])
    code, out, _ = run(capsys, "departures", "list")
    assert code == 0 and departure.number in out and "Hajin" in out
    assert people[0].given_name not in out  # figures, no names
    code, out, _ = run(capsys, "departures", "list", "--json", "--kind", "return")
    assert json.loads(out)[0]["persons"] == 4
    code, out, _ = run(capsys, "departures", "show", departure.number)
    assert code == 0 and people[0].number in out
    assert AuditEvent.objects.filter(action="departure.manifest.read").exists()

    sheet = tmp_path / "receipt.csv"
    sheet.write_text(
        "number,outcome,note\n"
        + "".join(f"{p.number},received,\n" for p in people[:3])
        + "PNOSUCH,received,\n"
    )
    code, out, err = run(capsys, "departures", "import", departure.number, sheet)
    assert code == 1  # one row not applied
    assert "unknown_id" in out and "applied" in err
    code, out, _ = run(capsys, "sitrep", "--json")
    report = json.loads(out)
    assert report["departures"]["returned"] == 3
    assert {"returned", "repatriated", "handed_over", "released"} <= set(report["departures"])
    assert report["departures"]["leaving"] == 1


def test_bad_arguments_are_one_line_and_non_zero(db, capsys, tmp_path):
    code, _, err = run(capsys, "departures", "show", "DNOSUCH")
    assert code == 1 and err.strip() == "muster: no departure numbered 'DNOSUCH'"
    code, _, err = run(capsys, "departures", "list", "--kind", "exile")
    assert code == 1 and "--kind" in err and "\n" not in err.strip()


def test_a_sheet_with_a_giant_cell_is_one_line_and_changes_nothing(
    crowd, facilities, officers, capsys, tmp_path
):
    camp = facilities["camp"]
    people = crowd(camp, 1)
    departure = services.plan_departure(
        people, kind="return", from_facility=camp, details=RETURN, by=officers["planner"]
    )
    services.dispatch_departure(departure, by=officers["planner"])
    sheet = tmp_path / "receipt.csv"
    sheet.write_text(f'number,outcome,note\n{people[0].number},received,"{"A" * 200_000}"\n')
    code, out, err = run(capsys, "departures", "import", departure.number, sheet)
    assert code == 1
    assert "row 2, note: the cell holds more than 131072 characters" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not departure.lines.filter(outcome="received").exists()


def test_a_sheet_with_a_nul_in_a_note_or_number_is_refused_by_row_and_column_and_changes_nothing(
    crowd, facilities, officers, capsys, tmp_path
):
    # The NUL was stored in the note on SQLite; PostgreSQL cannot store (or look up) it at all.
    camp = facilities["camp"]
    people = crowd(camp, 1)
    departure = services.plan_departure(
        people, kind="return", from_facility=camp, details=RETURN, by=officers["planner"]
    )
    services.dispatch_departure(departure, by=officers["planner"])
    sheet = tmp_path / "receipt.csv"
    sheet.write_text(
        f"number,outcome,note\n{people[0].number},received,\n{people[1].number},refused,a\x00b\n"
    )
    code, _, err = run(capsys, "departures", "import", departure.number, sheet)
    assert code == 1
    assert err.strip() == (
        "muster: receipt.csv: row 3, column note: contains a control character (e.g. NUL)"
    )
    assert not departure.lines.exclude(outcome="pending").exists()
    sheet.write_text(f"number,outcome\n{people[0].number}\x00,received\n")
    code, _, err = run(capsys, "departures", "import", departure.number, sheet)
    assert code == 1 and "row 2, column number: contains a control character" in err
    assert not departure.lines.exclude(outcome="pending").exists()
