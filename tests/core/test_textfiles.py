"""One reading of what a text file is (``muster.textfiles``) for the app's importers and the identity
library's reader: what one of them tells, the other tells the same."""

import doctest
import importlib
from pathlib import Path

import pytest

from muster.core.encoding import likely_encoding
from muster.identity import read_person_csv
from muster.screening.imports.records import read_csv as read_reference_list
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
