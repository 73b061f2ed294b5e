"""Importing a list of the missing: each row created, a duplicate, or refused; nothing half-imported;
the CLI's report and exit code; the PFIF export on the audit log."""

import pytest
from django.core.exceptions import ValidationError

from muster.audit.models import AuditEvent
from muster.cli import main
from muster.tracing.models import TracingRequest
from muster.tracing.services import imports as tracing_imports

LIST = (
    "Case No.,First name,Father's name,Mother,Gender,Year of birth,Date taken,Village\n"
    "k-1,Nadia,Khalaf,Gulistan,F,2005,2014-08-15,Kocho\n"
    "k-2,Dilshad,Murad,Shirin,M,20x8,2014-08-03,Tel Ezer\n"
    "k-3,Layla,Khalaf,Gulistan,F,2007,2014-08-15,Kocho\n"
    "k-4,,,,F,2007,,\n"
)


@pytest.fixture
def caseworker(make_user):
    return make_user("tracing_caseworker")


def test_each_row_is_created_or_refused_with_its_field_and_the_file_is_audited(db, caseworker):
    report = tracing_imports.import_requests(
        LIST.encode(), file_name="dohuk.csv", by=caseworker, office="Dohuk"
    )
    assert (report.created, report.duplicates, report.refused) == (2, 0, 2)
    refused = {o.row: o for o in report.outcomes if o.outcome == "refused"}
    assert refused[3].field == "birth_year" and refused[3].code == "invalid_year"
    assert refused[5].field == "given_name"
    nadia = TracingRequest.objects.get(source="csv", source_ref="k-1")
    assert nadia.given_name == "Nadia" and nadia.office == "Dohuk"
    assert nadia.created_by == caseworker
    assert not TracingRequest.objects.filter(source_ref__in=["k-2", "k-4"]).exists()
    event = AuditEvent.objects.filter(action="tracing.import").get()
    assert event.detail["created"] == 2 and event.detail["refused"] == 2
    assert AuditEvent.objects.filter(action="tracing.request.open").count() == 2


def test_importing_the_same_file_again_changes_nothing(db, caseworker):
    tracing_imports.import_requests(LIST.encode(), file_name="dohuk.csv", by=caseworker)
    before = list(TracingRequest.objects.order_by("pk").values())
    again = tracing_imports.import_requests(LIST.encode(), file_name="dohuk.csv", by=caseworker)
    assert (again.created, again.duplicates, again.refused) == (0, 2, 2)
    first = next(o for o in again.outcomes if o.outcome == "duplicate")
    assert first.request == TracingRequest.objects.get(source_ref=first.source_ref).number
    assert list(TracingRequest.objects.order_by("pk").values()) == before


def test_a_failure_midway_leaves_nothing_of_the_file(db, caseworker, monkeypatch):
    from muster.tracing.services import imports as module

    real, calls = module.open_request, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "open_request", failing)
    with pytest.raises(RuntimeError):
        tracing_imports.import_requests(LIST.encode(), file_name="dohuk.csv", by=caseworker)
    assert not TracingRequest.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="tracing.").exists()


def test_an_unreadable_file_is_refused_on_the_file_field(db, caseworker):
    with pytest.raises(ValidationError) as caught:
        tracing_imports.import_requests(b"\x00\x01", file_name="list.docx", by=caseworker)
    assert caught.value.error_dict["file"][0].code == "unknown_format"
    with pytest.raises(ValidationError) as caught:
        tracing_imports.import_requests(b"<!DOCTYPE x [<!ENTITY a 'b'>]><x/>", file_name="p.xml")
    assert caught.value.error_dict["file"][0].code == "unsafe_xml"


def test_cli_import_prints_the_row_report_and_fails_on_a_refused_row(db, tmp_path, capsys):
    path = tmp_path / "list.csv"
    path.write_text(LIST, encoding="utf-8")
    assert main(["trace", "import", str(path), "--office", "Dohuk"]) == 1
    out, err = capsys.readouterr()
    assert "row 2: created TR" in out
    assert "row 3: refused (birth_year: '20x8' is not a year" in out
    assert "2 created, 0 duplicate(s), 2 row(s) refused" in out
    assert err.strip().splitlines()[-1].startswith("muster: 2 row(s) of list.csv refused")
    event = AuditEvent.objects.get(action="tracing.import")
    assert event.detail["via"] == "cli"


def test_cli_import_of_a_clean_file_exits_0_and_again_reports_duplicates(db, tmp_path, capsys):
    path = tmp_path / "list.csv"
    path.write_text("given_name,mother_name,birth_year\nNadia,Gulistan,2005\n", encoding="utf-8")
    assert main(["trace", "import", str(path)]) == 0
    assert main(["trace", "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "row 2: duplicate TR" in out
    assert TracingRequest.objects.count() == 1


def test_cli_import_of_a_missing_or_unsafe_file_is_one_line(db, tmp_path, capsys):
    assert main(["trace", "import", str(tmp_path / "nothing.csv")]) == 1
    bomb = tmp_path / "bomb.xml"
    bomb.write_bytes(b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY l "lol">]><l>&l;</l>')
    assert main(["trace", "import", str(bomb)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "cannot read" in err[0] and "refused for safety" in err[1]
    assert "Traceback" not in "".join(err)


def test_cli_export_writes_pfif_and_is_an_audited_export(db, tmp_path, caseworker):
    tracing_imports.import_requests(LIST.encode(), file_name="dohuk.csv", by=caseworker)
    out = tmp_path / "out.xml"
    assert main(["trace", "export", "--pfif", str(out), "--domain", "example.org"]) == 0
    xml = out.read_bytes()
    assert xml.count(b"<pfif:person>") == 2 and b"Gulistan" in xml
    from muster.tracing.imports import read_pfif

    assert {r.values["given_name"] for r in read_pfif(xml).rows} == {"Nadia", "Layla"}
    event = AuditEvent.objects.get(action="export")
    assert event.detail["export"] == "tracing-pfif" and event.detail["rows"] == 2
    assert event.detail["via"] == "cli"


def test_trace_match_still_runs(tmp_path):
    requests = tmp_path / "requests.csv"
    registry = tmp_path / "registry.csv"
    requests.write_text("record_id,given_name,mother_name\nq1,Nadia,Gulistan\n", encoding="utf-8")
    registry.write_text("record_id,given_name,mother_name\nr1,Nadia,Gulistan\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["trace", "match", str(requests), str(registry), "--out", str(out), "--quiet"]) == 0
    assert "q1,r1" in out.read_text()
