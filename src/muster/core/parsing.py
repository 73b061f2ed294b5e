"""Parsing numbers typed by people or sent by clients: one safe way for every door.

``str.isdigit`` accepts '²' and other digits ``int`` refuses (a 500), and an unbounded ``int`` sends
10**30 to the database (an OverflowError on SQLite, a range error on PostgreSQL). Every id, count
and year read from a request, a form or an imported file goes through :func:`parse_int`.
"""

import datetime as dt
import re
import unicodedata

# A P-code (OCHA's place codes: SY0901, IQ-G05-D0035): two letters, then letters, digits and
# dashes, a digit among them (every P-code numbers its place; "zzz" is none).
PCODE = re.compile(r"^[A-Za-z]{2}(?=[A-Za-z0-9-]*[0-9])[A-Za-z0-9-]{1,18}$")
MAX_ID = 2**63 - 1  # the largest id a database row can have (a signed 64-bit integer)

# Longer text cannot be a bounded number and is not worth converting (int() of a huge string is slow).
_MAX_DIGITS = 19


def parse_int(text, *, lo: int | None = None, hi: int | None = None) -> int | None:
    """The whole number ``text`` spells, or None when it is not one or lies outside ``lo``..``hi``.

    Only decimal digits count (ASCII or another script's, e.g. Arabic-Indic '١٢' is 12); '²', signs,
    spaces inside, fractions and more than 19 digits are not numbers here.
    """
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, int):
        value = text
    else:
        s = str(text).strip()
        if not s or len(s) > _MAX_DIGITS or not s.isdecimal():
            return None
        value = int(s)
    if lo is not None and value < lo:
        return None
    if hi is not None and value > hi:
        return None
    return value


def parse_id(text) -> int | None:
    """A database id (1..2**63-1) from ``text``, or None."""
    return parse_int(text, lo=1, hi=MAX_ID)


def parse_ids(values) -> set[int]:
    """The valid ids among ``values`` (e.g. ticked check boxes); anything else is dropped."""
    return {i for i in (parse_id(v) for v in values) if i is not None}


# Days outside these bounds are typing slips, and near the calendar's ends a time-zone shift or a
# day added for "until" overflows (an OverflowError, a 500).
DAY_MIN = dt.date(1800, 1, 1)
DAY_MAX = dt.date(2999, 12, 31)
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(text) -> dt.date | None:
    """The day ``text`` spells as YYYY-MM-DD within DAY_MIN..DAY_MAX, or None.

    Its digits may be another script's, as :func:`parse_int` reads them: a date typed on an
    Arabic or Sorani keyboard (٢٠٢٦-١٢-٢٠, ۲۰۲۶-۱۲-۲۰) is 2026-12-20; '²' is no digit.
    """
    s = "".join(
        str(unicodedata.decimal(c)) if c.isdecimal() else c for c in str(text or "").strip()
    )
    # Only this shape: date.fromisoformat also reads ISO 8601's week dates (2019-W12-6).
    if not _DAY.fullmatch(s):
        return None
    try:
        day = dt.date.fromisoformat(s)
    except ValueError:
        return None
    return day if DAY_MIN <= day <= DAY_MAX else None
