"""One reading of what a text file is (``muster.textfiles``) for the app's importers and the identity
library's reader: what one of them tells, the other tells the same."""

import doctest
import importlib
from pathlib import Path

import pytest
from django.utils import translation

from muster.core.encoding import likely_encoding
from muster.identity import read_person_csv
from muster.screening.imports.records import read_csv as read_reference_list
from muster.textfiles import CELL_LIMIT
from muster.tracing.imports import FileRefused
from muster.tracing.imports import read_csv as read_tracing_requests

LINES = ["record_id,given_name,family_name,birth_year", "a1,محمد,جاسم,1985", "a2,Ahmed,Ali,1990"]


def test_the_examples_in_its_docstrings_hold() -> None:
    result = doctest.testmod(importlib.import_module("muster.textfiles"))
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_a_list_in_utf16_or_utf32_without_its_mark_is_read_by_muster_match_and_named_by_the_app(
    tmp_path: Path, codec: str
) -> None:
    # UTF-32 saved without its mark was read by `muster match` as UTF-8, its header with NULs in
    # it ("unknown column 'r\x00\x00\x00e...'"), while the app's importers named it.
    text = "\n".join(LINES) + "\n"
    plain, wide = tmp_path / "plain.csv", tmp_path / f"{codec}.csv"
    plain.write_text(text, "utf-8")
    wide.write_bytes(text.encode(codec))
    assert read_person_csv(wide) == read_person_csv(plain)
    assert likely_encoding(text.encode(codec)) == codec[:6].upper()
    assert likely_encoding(text.encode("utf-8")) is None


def test_a_reference_list_or_tracing_requests_saved_with_tabs_are_read_by_their_columns(
    tmp_path: Path,
) -> None:
    # A tab-separated export (Google Sheets, a database) was read by the app as one column named
    # "record_id\tgiven_name\t..." and refused; `muster match` read the same file.
    tabbed = "\n".join(line.replace(",", "\t") for line in LINES) + "\n"
    listed = read_reference_list(tabbed.encode())
    assert listed.errors == []
    assert [e["given_name"] for e in listed.entries] == ["محمد", "Ahmed"]
    path = tmp_path / "list.tsv"
    path.write_text(tabbed, "utf-8")
    assert [r["given_name"] for r in read_person_csv(path)] == ["محمد", "Ahmed"]
    requests = read_tracing_requests(b"given_name\tmother_name\nNadia\tGulistan\n")
    assert requests.errors == [] and requests.rows[0].values["mother_name"] == "Gulistan"


def _with_a_long_cell(header: str, row: str, long_column: int, quoted: bool = False) -> bytes:
    """A CSV whose row 3 has a cell one character over the csv module's 128 KiB."""
    cells = row.split(",")
    long = "x" * (CELL_LIMIT + 1)
    cells[long_column] = f'"{long[:10]}\n{long[11:]},"""' if quoted else long
    return "\n".join([header, row, ",".join(cells), row]).encode() + b"\n"


def _refusals_of_the_app_importers(data: bytes) -> dict[str, str]:
    from muster.departures.receipts import ReceiptFileError, read_rows
    from muster.intake.kobo import ImportFileError, read_export_data

    said = {
        "reference list": "; ".join(str(e) for e in read_reference_list(data).errors),
    }
    for name, read, refusal in (
        ("tracing requests", read_tracing_requests, FileRefused),
        ("departure receipts", read_rows, ReceiptFileError),
        ("kobo", lambda d: read_export_data("members.csv", d), ImportFileError),
    ):
        with pytest.raises(refusal) as exc:
            read(data)
        said[name] = str(exc.value)
    return said


@pytest.mark.parametrize("quoted", [False, True])
def test_a_cell_over_128_kib_is_refused_in_one_translated_line_naming_its_row_and_column(
    db, quoted: bool
) -> None:
    # Python's "field larger than field limit (131072)" came in English inside the sentence.
    header = "record_id,given_name,family_name,birth_year"
    data = _with_a_long_cell(header, "a1,Nadia,Ali,1990", 2, quoted)
    with translation.override("ar"):
        said = _refusals_of_the_app_importers(data)
    for name, message in said.items():
        assert "field larger" not in message and "\n" not in message, (name, message)
        assert "السطر 3" in message and "\u2068family_name\u2069" in message, (name, message)
        assert "131072" in message and "أكثر من" in message, (name, message)
    with translation.override("en"):
        said = _refusals_of_the_app_importers(data)
    assert said["departure receipts"] == (
        "row 3, family_name: the cell holds more than 131072 characters (128 KiB), the most a "
        "cell may hold"
    )
    assert said["kobo"] == "members.csv: " + said["departure receipts"]
    assert said["reference list"] == said["tracing requests"] == said["departure receipts"]


def test_a_header_cell_over_128_kib_is_named_by_its_column_number(db) -> None:
    data = ("record_id,given_name," + "x" * (CELL_LIMIT + 1) + "\na1,Nadia,Ali\n").encode()
    with translation.override("kmr"):
        said = _refusals_of_the_app_importers(data)
    for name, message in said.items():
        assert message.endswith(
            "rêza 1, stûna 3: di xaneyê de ji 131072 tîpan zêdetir hene (128 KiB), ya herî zêde "
            "ku xaneyek dikare bigire"
        ), (name, message)
