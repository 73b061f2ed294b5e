"""The receiving side's spreadsheet (CSV or XLSX): one row per person with their registration number
and what happened to them, read into a row-by-row report before anything changes.

Columns (header row, any order, case-insensitive, separated by ``,`` or ``;``): ``number`` (or
``registration_number``), ``outcome`` (``received``, ``not_presented``, ``refused``), ``note``.
Other columns are ignored; a column named twice, or a sheet with no rows, is refused.
A number that appears twice is applied for neither row: the file contradicts or repeats itself and a
person must not be confirmed on a guess.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from muster.audit.labels import ACTION_DETAIL_KEYS
from muster.core.encoding import cell_too_large_message, likely_encoding, not_utf8_message
from muster.textfiles import CellTooLarge, CsvRows, csv_delimiter

NUMBER_COLUMNS = ("number", "registration_number", "reg_no", "person")
OUTCOME_SYNONYMS = {
    "received": "received",
    "yes": "received",
    "not presented": "not_presented",
    "absent": "not_presented",
    "refused": "refused",
    "rejected": "refused",
}
MAX_ROWS = 20000
MAX_BYTES = 10 * 1024 * 1024
# NUL cannot be stored in PostgreSQL text (nor looked up: a number with one failed the query) and no
# keyboard types the others; tab and line breaks inside a quoted note are left alone.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


# What each row's check found, as the officer reads it (the codes stay in the API and the audit,
# whose log page says them with these same labels: one table, kept with the audit's).
STATUS_LABELS = ACTION_DETAIL_KEYS["departure.import"]


class ReceiptFileError(ValueError):
    """The file cannot be read at all (not CSV/XLSX, no number column, a column named twice, no
    rows, too large)."""


@dataclass
class ReportRow:
    row: int
    number: str
    outcome: str
    note: str
    status: str = (
        "ok"  # ok | unchanged | unknown_id | duplicate | not_on_manifest | bad_outcome | ...
    )
    message: str = ""
    person_id: int | None = None

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))

    @property
    def outcome_label(self) -> str:
        """The outcome in the reader's words where it is one, else as written."""
        from muster.departures.models import DepartureLine

        if self.outcome in DepartureLine.Outcome.values:
            return str(DepartureLine.Outcome(self.outcome).label)
        return self.outcome


@dataclass
class ReceiptReport:
    rows: list[ReportRow] = field(default_factory=list)
    applied: bool = False

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def ok_rows(self) -> list[ReportRow]:
        return [r for r in self.rows if r.status == "ok"]

    @property
    def problems(self) -> list[ReportRow]:
        return [r for r in self.rows if r.status not in ("ok", "unchanged")]

    def summary_labels(self) -> list[tuple[str, str, int]]:
        """(status, its label, rows) for the page's summary."""
        return [(k, str(STATUS_LABELS.get(k, k)), n) for k, n in self.summary().items()]

    def summary(self) -> dict:
        out: dict[str, int] = {}
        for r in self.rows:
            out[r.status] = out.get(r.status, 0) + 1
        return out


def read_rows(content: bytes, filename: str = "") -> list[tuple[int, dict[str, str]]]:
    """(spreadsheet row number, {column: text}) for each non-empty row after the header."""
    if len(content) > MAX_BYTES:
        raise ReceiptFileError(_("the file is larger than 10 MB"))
    if content[:2] == b"PK" or filename.lower().endswith(".xlsx"):
        table = _xlsx_rows(content)
    else:
        if likely_encoding(content):
            raise ReceiptFileError(not_utf8_message(likely_encoding(content)))
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ReceiptFileError(_("the file is neither UTF-8 CSV nor XLSX")) from None
        delimiter = csv_delimiter(text.split("\n", 1)[0])
        reader = CsvRows(io.StringIO(text, newline=""), delimiter)
        table = []
        try:
            table.extend(reader)
        except CellTooLarge as exc:
            header = [str(h or "").strip().lower() for h in table[0]] if table else []
            raise ReceiptFileError(cell_too_large_message(exc, header)) from None
        except csv.Error as exc:
            # A cell over the csv module's limit (128 KiB) or a stray quote: say where, not a traceback.
            raise ReceiptFileError(
                _("line %(n)d is not valid CSV (%(e)s)") % {"n": reader.line_num, "e": exc}
            ) from None
    if not table:
        raise ReceiptFileError(_("the file is empty"))
    header = [str(h or "").strip().lower() for h in table[0]]
    # "number,number": which one is the person's? Refused, not read from whichever came first.
    repeated = next((h for i, h in enumerate(header) if h and h in header[:i]), None)
    if repeated is not None:
        raise ReceiptFileError(
            _("column '%(c)s' appears twice in the header; keep one") % {"c": repeated[:40]}
        )
    number_col = next((c for c in NUMBER_COLUMNS if c in header), None)
    if number_col is None:
        raise ReceiptFileError(
            _("no registration number column: name one of %(cols)s")
            % {"cols": ", ".join(NUMBER_COLUMNS)}
        )
    if "outcome" not in header:
        raise ReceiptFileError(_("no 'outcome' column (received, not_presented, refused)"))
    if len(table) - 1 > MAX_ROWS:
        raise ReceiptFileError(_("more than %(n)d rows") % {"n": MAX_ROWS})
    out = []
    for i, values in enumerate(table[1:], start=2):
        cells = [str(v).strip() if v is not None else "" for v in values]
        if not any(cells):
            continue
        for column, cell in zip(header, cells, strict=False):
            if column in (number_col, "outcome", "note") and _CONTROL.search(cell):
                raise ReceiptFileError(
                    _("row %(row)s, column %(column)s: contains a control character (e.g. NUL)")
                    % {"row": i, "column": column}
                )
        row = dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=False))
        # Numbers as Muster writes them (P8YQXFYC8): a sheet typed in lower case is the same.
        row["number"] = row.get(number_col, "").upper()
        out.append((i, row))
    if not out:
        # Not "nothing applied": the sheet itself says nothing of anyone.
        raise ReceiptFileError(_("the sheet has no rows under its header: nobody to confirm"))
    return out


def _xlsx_rows(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise ReceiptFileError(_("the file is not a readable XLSX workbook")) from None
    ws = wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    wb.close()
    return rows


def normalise_outcome(text: str) -> str | None:
    """'Not presented', 'not_presented', 'NOT-PRESENTED' -> 'not_presented'; unknown -> None."""
    key = " ".join((text or "").strip().lower().replace("-", " ").replace("_", " ").split())
    return OUTCOME_SYNONYMS.get(key)
