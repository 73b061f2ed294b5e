"""Exports: only the fields the role may see, formulas neutralised, every export audited."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied

from muster.audit.models import AuditEvent
from muster.reports.exports import export_rows, safe_cell

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "dangerous",
    [
        "=1+1",
        "+1",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        '  =HYPERLINK("http://evil")',
        "\ufeff=1+1",
        "\u200b=cmd",
        "\u00a0@x",
    ],
)
def test_formula_cells_are_neutralised(dangerous):
    assert safe_cell(dangerous) == "'" + dangerous


@pytest.mark.parametrize("harmless", ["Omar", "عائشة", "a=b", "1985", 42, None, ""])
def test_ordinary_cells_pass_unchanged(harmless):
    assert safe_cell(harmless) == harmless


ROWS = [
    {
        "person_id": 7,
        "number": "P1",
        "given_name": '=HYPERLINK("http://x","click")',
        "family_name": "al-Obeidi",
        "category": "civilian",
        "category_reason": "no hits",
        "current_facility": "Al-Hol Camp",
    }
]
FIELDS = ["number", "given_name", "family_name", "category", "category_reason", "current_facility"]


def test_camp_manager_export_drops_screening_reasons_and_is_audited(make_user, facilities):
    manager = make_user("camp_manager", facility=facilities["camp"])
    result = export_rows(
        manager, ROWS, FIELDS, "csv", export="roll", purpose="roll call", person_key="person_id"
    )
    text = result.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["number", "given_name", "family_name", "category", "current_facility"]
    assert rows[1][1].startswith("'=HYPERLINK")
    assert "no hits" not in text
    event = AuditEvent.objects.get(action="export")
    assert event.actor_username == manager.username
    assert event.detail["fields"] == rows[0]
    assert event.detail["dropped_fields"] == ["category_reason"]
    assert event.detail["rows"] == 1 and event.detail["purpose"] == "roll call"
    assert event.detail["export"] == "roll" and event.detail["person_ids"] == [7]


def test_a_list_of_people_cannot_be_exported_without_naming_whose_ids_to_audit(
    make_user, facilities
):
    manager = make_user("camp_manager", facility=facilities["camp"])
    with pytest.raises(ValueError, match="person's id"):
        export_rows(manager, ROWS, FIELDS, export="roll", purpose="roll call")
    assert not AuditEvent.objects.filter(action="export").exists()


def test_xlsx_export_holds_no_formula(make_user, facilities):
    from openpyxl import load_workbook

    manager = make_user("camp_manager", facility=facilities["camp"])
    result = export_rows(
        manager, ROWS, FIELDS, "xlsx", export="roll", purpose="roll call", person_key="person_id"
    )
    ws = load_workbook(io.BytesIO(result.content)).active
    cells = [c for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert ws["B2"].value.startswith("'=")


def test_coordinator_exports_figures_but_no_names(make_user):
    coordinator = make_user("coordinator")
    with pytest.raises(PermissionDenied):
        export_rows(
            coordinator, ROWS, FIELDS, export="roll", purpose="list", person_key="person_id"
        )
    result = export_rows(
        coordinator,
        [{"facility": "Al-Hol Camp", "population": 51234, "given_name": "x"}],
        ["facility", "population", "given_name"],
        export="sitrep",
        purpose="sitrep",
        action="report.export",
        hxl={"facility": "#loc+name", "population": "#population"},
    )
    assert result.fields == ("facility", "population")
    rows = list(csv.reader(io.StringIO(result.content.decode("utf-8-sig"))))
    assert rows == [
        ["facility", "population"],
        ["#loc+name", "#population"],
        ["Al-Hol Camp", "51234"],
    ]


def test_refused_export_writes_no_file_and_no_export_event(make_user):
    with pytest.raises(PermissionDenied):
        export_rows(
            make_user("auditor"),
            ROWS,
            FIELDS,
            export="roll",
            purpose="curiosity",
            person_key="person_id",
        )
    assert not AuditEvent.objects.filter(action="export").exists()
