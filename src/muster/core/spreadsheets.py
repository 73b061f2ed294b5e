"""CSV files made to be opened in a spreadsheet: UTF-8 with a byte-order mark (without it Excel reads
Arabic and Kurdish as mojibake), and no cell a spreadsheet would run as a formula."""

import csv
import io
from collections.abc import Iterable, Sequence

# A spreadsheet runs a cell as a formula when it starts with one of these (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Characters a spreadsheet may skip before deciding a cell is a formula: spaces, BOM, zero-width and
# direction marks.
_INVISIBLE_LEAD = " \u00a0\ufeff\u200b\u200c\u200d\u200e\u200f\u2060\u202a\u202b\u202c\u202d\u202e"


def safe_cell(value: object) -> object:
    """Neutralise a cell a spreadsheet would run as a formula by prefixing an apostrophe.

    Numbers, dates and ``None`` pass unchanged; strings are otherwise kept exactly as stored.
    >>> safe_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> safe_cell("Omar"), safe_cell("")
    ('Omar', '')
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_STARTS) or value.lstrip(_INVISIBLE_LEAD).startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A header and rows as CSV bytes for a spreadsheet: BOM, formulas neutralised, None empty."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
