"""Person-record CSV and XLSX reference lists (the DESIGN.md columns)."""

import csv
import io
import re

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from muster.core.encoding import (
    NotUtf8,
    cell_too_large_column,
    cell_too_large_problem,
    decode_utf8,
)
from muster.core.text import isolate
from muster.identity import (
    PERSON_COLUMNS,
    PersonCsvError,
    check_record,
    date_order,
    workbook_cell,
)
from muster.screening.imports.rows import ParsedList, RowError, TooManyRows
from muster.textfiles import CellTooLarge, CsvRows, csv_delimiter


def _refusal(exc: PersonCsvError) -> str:
    """The identity library's refusal of a row in the reader's language, saying what to do on this
    page (the library's own words are for ``muster match``, and name its options)."""
    p = {k: isolate(str(v)[:40]) for k, v in exc.params.items()}
    match exc.code:
        case "date_order_unknown":
            return _(
                "'%(value)s' has the day or month first and no date in the file says which (none "
                "has a number over 12 there): write the dates as YYYY-MM-DD (1990-05-03 for 3 May "
                "1990) and upload the file again"
            ) % {"value": p["value"]}
        case "dates_both_ways":
            return _(
                "'%(value)s' has the month first, but '%(other)s' (row %(other_row)s) has the day "
                "first: one file must write its dates one way; write them as YYYY-MM-DD "
                "(1990-05-03) and upload the file again"
            ) % {"value": p["value"], "other": p["other"], "other_row": p["other_row"]}
        case "not_a_date":
            return _(
                "'%(value)s' is not a date: write it as YYYY-MM-DD (1990-05-03), or the year "
                "alone (1990) where only the year is known"
            ) % {"value": p["value"]}
        case "not_a_year":
            return _("'%(value)s' is not a year (four digits, e.g. 1985)") % {"value": p["value"]}
        case "year_contradicts_date":
            return _(
                "birth_year %(year)s contradicts date_of_birth %(date)s: correct one of them"
            ) % {"year": p["year"], "date": p["date"]}
        case "not_a_sex":
            return _("'%(value)s' is not a sex (M or F; empty, U or X where it is not known)") % {
                "value": p["value"]
            }
        case "unreadable_script":
            return _(
                "'%(value)s' is written in %(script)s letters, which Muster cannot compare: write "
                "it in Latin, Arabic or Cyrillic letters"
            ) % {"value": p["value"], "script": p["script"]}
        case "unknown_column":
            return _("unknown column; known columns: %(c)s") % {
                "c": isolate(", ".join(PERSON_COLUMNS))
            }
        case "required":
            return _("record_id is empty; every record needs one")
        case "too_long":
            n = exc.params["n"]
            return ngettext(
                "is too long (%(n)d character; at most %(max)d)",
                "is too long (%(n)d characters; at most %(max)d)",
                n,
            ) % {"n": n, "max": exc.params["max"]}
    return exc.message


def _add_record(out: ParsedList, raw: dict, row: int, order: str | None = None) -> None:
    out.rows += 1
    bad = next((k for k, v in raw.items() if isinstance(v, str) and _CONTROL.search(v)), None)
    if bad is not None:
        out.errors.append(RowError(row, bad, _("contains a control character (e.g. NUL)")))
        return
    try:
        record = check_record(raw, row=row, order=order)
    except PersonCsvError as exc:
        out.errors.append(RowError(row, exc.column or "", _refusal(exc)))
        return
    ref_id = record.pop("record_id")
    record.pop("source", None)
    if not record["given_name"] and not record["family_name"]:
        out.errors.append(RowError(row, "given_name", _("a listed person needs a name")))
        return
    if len(record["nationality"]) not in (0, 3):
        out.errors.append(
            RowError(row, "nationality", _("'%(v)s' is not an ISO 3166 alpha-3 code (e.g. IRQ)")
                     % {"v": record["nationality"][:20]})
        )  # fmt: skip
        return
    out.entries.append({"ref_id": ref_id, "name_kind": "primary", **record, "extra": {}})


def _check_header(header: list[str], out: ParsedList) -> bool:
    unknown = [h for h in header if h and h not in PERSON_COLUMNS]
    for h in unknown:
        out.errors.append(
            RowError(1, h, _("unknown column; known columns: %(c)s") % {"c": ", ".join(PERSON_COLUMNS)})
        )  # fmt: skip
    if "record_id" not in header:
        out.errors.append(RowError(1, "record_id", _("the header has no record_id column")))
    return not out.errors


def _take(out: ParsedList, taken: list[tuple[int, dict]], line: int, raw: dict) -> None:
    """Keep a row for reading once the whole file is in (its dates' order is the file's)."""
    if out.max_rows is not None and out.rows + len(taken) >= out.max_rows:
        raise TooManyRows
    taken.append((line, raw))


def _add_records(out: ParsedList, taken: list[tuple[int, dict]]) -> list[int]:
    """Check every row kept, dates written day or month first (03/05/1990) read in the order
    the file's own dates show (25/12/1990 says day first); the rows whose record was kept."""
    try:
        order = date_order((line, str(raw.get("date_of_birth") or "")) for line, raw in taken)
    except PersonCsvError as exc:
        out.rows += len(taken)
        out.errors.append(RowError(exc.row or 1, exc.column or "", _refusal(exc)))
        return []
    rows = []
    for line, raw in taken:
        before = len(out.entries)
        _add_record(out, raw, line, order)
        if len(out.entries) > before:
            rows.append(line)
    return rows


def _check_duplicates(out: ParsedList, rows: list[int]) -> None:
    seen: dict[str, int] = {}
    keep = []
    for entry, row in zip(out.entries, rows, strict=True):
        if entry["ref_id"] in seen:
            out.errors.append(
                RowError(row, "record_id", _("'%(id)s' already used on row %(r)d")
                         % {"id": entry["ref_id"][:40], "r": seen[entry["ref_id"]]})
            )  # fmt: skip
            continue
        seen[entry["ref_id"]] = row
        keep.append(entry)
    out.entries = keep


# NUL cannot be stored in PostgreSQL text and no keyboard types the others; tab is left to the readers.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def read_csv(data: bytes, max_rows: int | None = None) -> ParsedList:
    out = ParsedList(max_rows=max_rows)
    try:
        text = decode_utf8(data)
    except NotUtf8 as exc:
        out.errors.append(RowError(1, "", str(exc)))
        return out
    # Excel in an Arabic, French or German locale saves "CSV" with ';' between the columns.
    delimiter = csv_delimiter(text.split("\n", 1)[0])
    reader = CsvRows(io.StringIO(text, newline=""), delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        out.errors.append(RowError(1, "", _("the file is empty; expected a header row")))
        return out
    except CellTooLarge as exc:
        out.errors.append(RowError(exc.row, cell_too_large_column(exc), cell_too_large_problem()))
        return out
    if not _check_header(header, out):
        return out
    taken: list[tuple[int, dict]] = []
    try:
        for line, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                out.rows += 1
                if out.max_rows is not None and out.rows + len(taken) > out.max_rows:
                    raise TooManyRows
                out.errors.append(
                    RowError(line, "", ngettext("has %(n)d field, the header has %(h)d",
                                                "has %(n)d fields, the header has %(h)d",
                                                len(values))
                             % {"n": len(values), "h": len(header)})
                )  # fmt: skip
                continue
            _take(out, taken, line, dict(zip(header, values, strict=True)))
    except CellTooLarge as exc:
        column = cell_too_large_column(exc, header)
        out.errors.append(RowError(exc.row, column, cell_too_large_problem()))
    except csv.Error as exc:
        out.errors.append(RowError(reader.line_num, "", _("malformed CSV: %(e)s") % {"e": exc}))
    rows = _add_records(out, taken)
    _check_duplicates(out, rows)
    return out


def read_xlsx(data: bytes, max_rows: int | None = None) -> ParsedList:
    from openpyxl import load_workbook

    out = ParsedList(max_rows=max_rows)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not XLSX
        out.errors.append(RowError(1, "", _("the file is not an XLSX workbook")))
        return out
    sheet = book.worksheets[0]
    # The sheet's declared size (its <dimension>) refuses a huge file before a row is read; the
    # count in _take holds when the declaration is missing or lies.
    declared = sheet.max_row if isinstance(sheet.max_row, int) else 0
    if max_rows is not None and declared - 1 > max_rows:
        book.close()
        raise TooManyRows
    rows_iter = sheet.iter_rows(values_only=True)
    try:
        header = [workbook_cell(h).strip() for h in next(rows_iter)]
    except StopIteration:
        out.errors.append(RowError(1, "", _("the first sheet is empty; expected a header row")))
        return out
    while header and not header[-1]:
        header.pop()
    if not _check_header(header, out):
        return out
    taken: list[tuple[int, dict]] = []
    for line, values in enumerate(rows_iter, start=2):
        cells = [workbook_cell(v) for v in values[: len(header)]]
        if not any(c.strip() for c in cells):
            continue
        cells += [""] * (len(header) - len(cells))
        _take(out, taken, line, dict(zip(header, cells, strict=True)))
    book.close()
    rows = _add_records(out, taken)
    _check_duplicates(out, rows)
    return out
