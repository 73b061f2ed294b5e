"""Lists of the missing as CSV (UTF-8, ``,`` or ``;``) or XLSX (the first sheet, read row by row)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from typing import BinaryIO

from django.utils.translation import gettext as _

from muster.core.encoding import NotUtf8, cell_too_large_message, check_utf8
from muster.textfiles import START, CellTooLarge, CsvRows, csv_delimiter
from muster.tracing.imports.rows import (
    MAX_ROWS,
    FileRefused,
    ParsedRequests,
    RequestRow,
    RowError,
    check_row,
    field_for_header,
)


def _stream(source: bytes | BinaryIO) -> BinaryIO:
    return io.BytesIO(source) if isinstance(source, bytes | bytearray) else source


def _columns(header: list[str], out: ParsedRequests) -> list[str | None]:
    """The request field of each column (None: ignored), or FileRefused naming the column."""
    fields: list[str | None] = []
    seen: dict[str, str] = {}
    for title in header:
        name = field_for_header(title) if title.strip() else None
        if name is None:
            if title.strip():
                out.warnings.append(
                    _("column '%(c)s' is not a request field; it was not read") % {"c": title[:60]}
                )
        elif name in seen:
            raise FileRefused(
                _("row 1: %(f)s: named twice in the header ('%(a)s' and '%(b)s')")
                % {"f": name, "a": seen[name][:60], "b": title[:60]},
                "duplicate_column",
            )
        else:
            seen[name] = title
        fields.append(name)
    if not {"given_name", "other_names", "mother_name"} & set(seen):
        raise FileRefused(
            _("row 1: given_name: the header has no column for the name of the person sought "
              "(e.g. given_name, first name, الاسم)"),
            "missing_column",
        )  # fmt: skip
    return fields


def _collect(
    rows: Iterable[tuple[int, list[str]]], fields: list[str | None], out: ParsedRequests
) -> None:
    first_row: dict[str, int] = {}
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        out.total += 1
        if out.total > MAX_ROWS:
            raise FileRefused(
                _("the file holds more than %(n)d rows; split it") % {"n": MAX_ROWS},
                "too_many_rows",
            )
        if len(cells) > len(fields) and any(c.strip() for c in cells[len(fields) :]):
            out.errors.append(
                RowError(line, "", _("has %(n)d fields, the header has %(h)d")
                         % {"n": len(cells), "h": len(fields)}, "extra_fields")
            )  # fmt: skip
            continue
        raw = {f: c for f, c in zip(fields, cells, strict=False) if f}
        values, errors = check_row(raw, line)
        if errors:
            out.errors.extend(errors)
            continue
        ref = str(values["source_ref"])
        if ref in first_row:
            out.errors.append(
                RowError(line, "source_ref", _("'%(r)s' is already on row %(n)d of this file")
                         % {"r": ref[:40], "n": first_row[ref]}, "duplicate_in_file")
            )  # fmt: skip
            continue
        first_row[ref] = line
        out.rows.append(RequestRow(line, values))


def read_csv(source: bytes | BinaryIO) -> ParsedRequests:
    """Read a CSV list of the missing; the delimiter (``,`` or ``;``) is the header's.

    Raises FileRefused when the file cannot be read at all; row errors are in the result.
    """
    out = ParsedRequests()
    stream = _stream(source)
    at = stream.tell()
    start = stream.read(START)
    stream.seek(at)
    try:
        check_utf8(start, start=True)
    except NotUtf8 as exc:
        raise FileRefused(str(exc), "not_utf8") from None
    lines = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    header: list[str] = []
    try:
        first = next(lines, "")
        if not first.strip():
            raise FileRefused(_("the file is empty; expected a header row"), "empty")
        delimiter = csv_delimiter(first)
        header = next(CsvRows([first], delimiter))
        fields = _columns(header, out)
        reader = CsvRows(lines, delimiter, first_row=2)
        _collect(((reader.line_num + 1, cells) for cells in reader), fields, out)
    except UnicodeDecodeError:
        raise FileRefused(
            _("the file is not UTF-8 text; save it as CSV UTF-8"), "not_utf8"
        ) from None
    except CellTooLarge as exc:
        raise FileRefused(cell_too_large_message(exc, header), "cell_too_large") from None
    except csv.Error as exc:
        raise FileRefused(_("malformed CSV: %(e)s") % {"e": exc}, "malformed") from None
    finally:
        lines.detach()  # the caller's file stays open
    return out


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a year typed in a spreadsheet comes back as 2005.0
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def read_xlsx(source: bytes | BinaryIO) -> ParsedRequests:
    """Read the first sheet of an XLSX list of the missing, row by row (openpyxl read-only)."""
    from openpyxl import load_workbook

    out = ParsedRequests()
    try:
        book = load_workbook(_stream(source), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not XLSX
        raise FileRefused(_("the file is not an XLSX workbook"), "not_xlsx") from None
    try:
        sheet = book.worksheets[0]
        declared = sheet.max_row if isinstance(sheet.max_row, int) else 0
        if declared - 1 > MAX_ROWS:
            raise FileRefused(
                _("the file holds more than %(n)d rows; split it") % {"n": MAX_ROWS},
                "too_many_rows",
            )
        rows = sheet.iter_rows(values_only=True)
        header = [_cell(h).strip() for h in next(rows, ())]
        while header and not header[-1]:
            header.pop()
        if not header:
            raise FileRefused(_("the first sheet is empty; expected a header row"), "empty")
        fields = _columns(header, out)
        _collect(
            ((line, [_cell(v) for v in values]) for line, values in enumerate(rows, start=2)),
            fields,
            out,
        )
    finally:
        book.close()
    return out
