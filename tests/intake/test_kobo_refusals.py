"""A file the import cannot read at all is refused in one line, naming the file and the problem, in
the reader's language: Arabic and Sorani with the file's (Latin) name isolated, Kurmanji, English."""

import json
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook

from muster.intake.kobo import ImportFileError, read_export
from tests.intake.test_kobo import write_kobo_xlsx

FSI, PDI = "\u2068", "\u2069"


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


def _zip(path, files: dict[str, str]):
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


def _book(path, sheets: dict[str, list[list]]):
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _members_without_a_column(path):
    from openpyxl import load_workbook

    write_kobo_xlsx(path)
    book = load_workbook(path)
    book["members"].delete_cols(1)  # members/relationship_to_head
    book.save(path)
    return path


def _huge(path):
    with open(path, "wb") as f:
        f.truncate(50 * 1024 * 1024 + 1)
    return path


def _inflates(path, monkeypatch):
    monkeypatch.setattr("muster.intake.kobo.readers.MAX_UNZIPPED", 10)
    return _zip(path, {"a.csv": "x" * 100})


# (file name, how it is written): one file for each way a whole file is refused.
CASES = {
    "missing": lambda p, m: p,
    "folder": lambda p, m: (p.mkdir(), p)[1],
    "empty.csv": lambda p, m: _write(p, b""),
    "huge.xlsx": lambda p, m: _huge(p),
    "damaged.xlsx": lambda p, m: _write(p, b"PK\x03\x04garbage"),
    "fake.zip": lambda p, m: _write(p, b"just text"),
    "cp1256.csv": lambda p, m: _write(p, "given_name;relationship_to_head\nمحمد;head\n".encode("cp1256")),
    "utf16.csv": lambda p, m: _write(p, "given_name;relationship_to_head\nمحمد;head\n".encode("utf-16-le")),
    "inflates.zip": _inflates,
    "nocsv.zip": lambda p, m: _zip(p, {"readme.txt": "hello"}),
    "twocsv.zip": lambda p, m: _zip(p, {"a.csv": "x\n1\n", "b.csv": "y\n2\n"}),
    "bad.json": lambda p, m: _write(p, b'{"results": ['),
    "other.json": lambda p, m: _write(p, b'{"rows": []}'),
    "list.json": lambda p, m: _write(p, b"[1]"),
    "odata.json": lambda p, m: _write(p, json.dumps(
        {"value": [{"__id": "u1", "members@odata.navigationLink": "Submissions('u1')/members"}]}
    ).encode()),
    "longhead.csv": lambda p, m: _write(p, b"given_name;" + b"x" * 131073 + b"\n"),
    "longcell.csv": lambda p, m: _write(
        p, b"given_name;relationship_to_head\n" + b"x" * 131073 + b";head\n"
    ),
    "header.csv": lambda p, m: _write(p, b"given_name;relationship_to_head\n"),
    "main.csv": lambda p, m: _write(p, b'"start";"reception_point";"_uuid"\n"2019-03-20";"7";"abc"\n'),
    "column.csv": lambda p, m: _write(p, "members/given_name;_submission__uuid\nمحمد;u1\n".encode()),
    "nosheet.xlsx": lambda p, m: _book(p, {"Sheet1": [["_uuid", "reception_point"]]}),
    "noid.xlsx": lambda p, m: _book(
        p, {"Sheet1": [["reception_point"], ["7"]], "members": [["given_name"], ["محمد"]]}
    ),
    "membersheet.xlsx": lambda p, m: _members_without_a_column(p),
}  # fmt: skip


def _refusal(path, language: str) -> str:
    with translation.override(language), pytest.raises(ImportFileError) as caught:
        read_export(path)
    return str(caught.value)


@pytest.mark.parametrize("language", ["ar", "ckb", "kmr"])
@pytest.mark.parametrize("name", list(CASES))
def test_a_file_that_cannot_be_read_is_refused_in_the_readers_language(
    tmp_path, monkeypatch, language, name
):
    path = CASES[name](tmp_path / name, monkeypatch)
    english = _refusal(path, "en")
    assert english.startswith(name) and FSI not in english  # English as before, no marks
    refusal = _refusal(path, language)
    assert "\n" not in refusal
    # The problem is said in the reader's language, not English (the values quoted from the file
    # or the system, a sheet's or a column's name, stay as they are).
    problem = english.split(": ", 1)[1]
    assert problem not in refusal and refusal != english, refusal
    if language in ("ar", "ckb"):
        # The file's name in an Arabic-script sentence: isolated, so "fake.zip" stays in its order.
        assert f"{FSI}{name}{PDI}" in refusal, refusal
    else:
        assert name in refusal
