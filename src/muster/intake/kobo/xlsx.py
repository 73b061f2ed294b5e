"""Kobo's XLSX export: the submissions on the first sheet, the members on their own sheet."""

from __future__ import annotations

import re
import zipfile

from muster.intake.kobo.mapping import _column, _text
from muster.intake.kobo.records import REPEAT, ImportBatch, ImportFileError
from muster.intake.kobo.tables import _join


def _read_kobo_xlsx(name: str, archive: zipfile.ZipFile) -> ImportBatch:
    sheets = _xlsx_sheets(archive)
    titles = list(sheets)
    member_sheet = next(
        (t for t in titles[1:] if t == REPEAT),
        next((t for t in titles[1:] if sheets[t] and "given_name" in sheets[t][0][1]), None),
    )
    if member_sheet is None:
        raise ImportFileError(
            f"{name}: no '{REPEAT}' sheet with the household members (sheets: "
            f"{', '.join(titles)}); export from Kobo as XLS with repeat groups on their own sheets"
        )
    main_rows = sheets[titles[0]]
    if main_rows and not ({"_uuid", "instanceID", "_index"} & set(main_rows[0][1])):
        raise ImportFileError(
            f"{name}: the first sheet '{titles[0]}' has no _uuid, instanceID or _index column"
        )
    return _join(
        "kobo-xlsx",
        main_rows,
        sheets[member_sheet],
        member_source=f"{name}, sheet '{member_sheet}'",
    )


# SpreadsheetML read directly: several times faster than a general workbook library on a
# 20,000-household export, and streamed, so a large sheet is never held as a tree.
_SML = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CELL_REF = re.compile(r"^([A-Z]+)")


def _xlsx_sheets(archive: zipfile.ZipFile) -> dict[str, list[tuple[int, dict]]]:
    """Each sheet's rows as (row number, {column header: value}), in workbook order."""
    from defusedxml.ElementTree import fromstring, iterparse

    names = set(archive.namelist())
    book = fromstring(archive.read("xl/workbook.xml"))
    rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    shared: list[str] = []
    if "xl/sharedStrings.xml" in names:
        with archive.open("xl/sharedStrings.xml") as stream:
            for _, el in iterparse(stream):
                if el.tag == _SML + "si":
                    shared.append("".join(t.text or "" for t in el.iter(_SML + "t")))
                    el.clear()
    sheets = {}
    for sheet in book.iter(_SML + "sheet"):
        target = targets.get(sheet.get(_REL_ID), "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        with archive.open(path) as stream:
            sheets[sheet.get("name")] = _xlsx_rows(iterparse(stream), shared)
    return sheets


def _column_index(ref: str) -> int:
    index = 0
    for ch in _CELL_REF.match(ref)[1]:
        index = index * 26 + ord(ch) - 64
    return index - 1


def _cell_value(cell, shared: list[str]):
    kind = cell.get("t")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(_SML + "t"))
    v = cell.find(_SML + "v")
    text = v.text if v is not None else None
    if text is None or kind == "e":
        return None
    if kind == "s":
        return shared[int(text)]
    if kind in ("str", "d"):
        return text
    if kind == "b":
        return text == "1"
    return float(text) if any(c in text for c in ".eE") else int(text)


def _xlsx_rows(events, shared: list[str]) -> list[tuple[int, dict]]:
    header: list[str] | None = None
    out = []
    for _, el in events:
        if el.tag != _SML + "row":
            continue
        values: dict[int, object] = {}
        for i, cell in enumerate(el.iter(_SML + "c")):
            ref = cell.get("r")
            values[_column_index(ref) if ref else i] = _cell_value(cell, shared)
        number = int(el.get("r") or len(out) + 2)
        el.clear()
        if header is None:
            width = max(values, default=-1) + 1
            header = [_column(_text(values.get(i))) for i in range(width)]
        elif any(v not in (None, "") for v in values.values()):
            out.append((number, {header[i]: v for i, v in values.items() if i < len(header)}))
    return out
