"""Person records: the CSV layout of DESIGN.md, read and checked with the row and column named."""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from muster.textfiles import START, csv_delimiter, wide_encoding

from .countries import is_country_code, read_nationality
from .names import INVISIBLE_RE, inline_alias, unreadable_script, visible
from .unknown import NO_DATES, known_year, not_known

# The columns that describe the person, in layout order: everything but the record's id and source.
# Other parts of Muster name the same person fields after these (screening, exports, the access policy).
NAME_PARTS = (
    "given_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "mother_name",
    "alias",
)
PERSON_ATTRIBUTES = (
    *NAME_PARTS,
    "sex",
    "date_of_birth",
    "birth_year",
    "place_of_origin",
    "nationality",
)
PERSON_COLUMNS = ("record_id", "source", *PERSON_ATTRIBUTES)
# The text columns a list may fill with a word for "not known" (nationality: ``read_nationality``).
_MAY_BE_UNKNOWN = (*NAME_PARTS, "place_of_origin", "sex")
# The name columns a list may write an alias in beside the name (``names.inline_alias``): the
# person's own in the given or family name's (the first found fills an empty alias column), a
# parent's or grandfather's own beside theirs (Ali (Abu Hassan) as the father: not the person's,
# left out of what is compared).
_ALIAS_WRITTEN_IN = NAME_PARTS[:-1]
_OWN_ALIAS_IN = ("given_name", "family_name")
# The most characters a cell of the person (or its source) may hold: the registry's longest name
# and place of origin (``people.validation.NAME_MAX``, the Person and reference-list columns);
# dates, years, sex and nationality are shorter by nature.  No name is longer, and a longer cell
# (a paste gone wrong, a quote left open) took seconds a megabyte to compare, in every pair.
FIELD_MAX = 200
_BOUNDED = tuple(c for c in PERSON_COLUMNS if c != "record_id")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_YEAR_RE = re.compile(r"^\d{4}$", re.ASCII)
# Other ways a list writes a date with the year first, read as that date: 1990-5-3, 1990/05/03,
# 1990.05.03, 19900503 (FEBRL), and a spreadsheet's "1990-05-03 00:00:00" (the time is dropped).
_YEAR_FIRST_RE = re.compile(
    r"^(\d{4})(?:[-/.](\d{1,2})[-/.](\d{1,2})|(\d{2})(\d{2}))(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$",
    re.ASCII,
)
# A year alone, or a year and month, in the date column: the year of birth (no day to compare).
_YEAR_ONLY_RE = re.compile(r"^(\d{4})(?:[-/.](\d{1,2}))?$", re.ASCII)
# A date with the day or month first (03/05/1990, 3.5.1990, 03-05-1990): read only in the order a
# file proves (a number over 12 in one place) or its reader is told (``DATE_ORDERS``).
_DAY_OR_MONTH_FIRST_RE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$", re.ASCII)
# Dates and years in Arabic-Indic or Persian digits (١٩٨٥, ۱۹۸۵), as Arabic-script lists write
# them: read as the same digits.
_EASTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
_EASTERN_DIGIT = "[\u0660-\u0669\u06f0-\u06f9]"


def ascii_digits(text: str) -> str:
    """``text`` with Arabic-Indic and Persian digits as ASCII ones (١٩٨٥ -> 1985): the one table
    every reader of typed numbers uses (registration, Kobo, documents, tracing imports)."""
    return text.translate(_EASTERN_DIGITS)


DATE_ORDERS = ("dmy", "mdy")
# A month written as a word (12 JAN 1985, 12-Jan-1985, 12JAN1985, 12 January 1985, January 12,
# 1985, Jan 1985), as passports and many authorities' lists write it: never ambiguous.  Month
# names in English, French and German, and their three-letter forms.
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "january jan janvier janv januar jän",
            "february feb fevrier fev fevr februar",
            "march mar mars marz maerz",
            "april apr avril avr",
            "may mai",
            "june jun juin juni",
            "july jul juillet juil juli",
            "august aug aout",
            "september sep sept septembre",
            "october oct octobre okt oktober",
            "november nov novembre",
            "december dec decembre dez dezember",
        ),
        start=1,
    )
    for name in names.split()
}
# Arabic month names, as the reader folds them (hamza and madda dropped): the Levantine and
# Iraqi (كانون الثاني, شباط, آذار ...) and the Egyptian and Gulf (يناير, فبراير, مارس ...).
_MONTHS.update(
    {
        name: number
        for number, names in enumerate(
            (
                "يناير", "شباط فبراير", "اذار مارس", "نيسان ابريل", "ايار مايو",
                "حزيران يونيو يونيه", "تموز يوليو يوليه", "اب اغسطس", "ايلول سبتمبر",
                "اكتوبر", "نوفمبر", "ديسمبر",
            ),
            start=1,
        )
        for name in names.split()
    }
)  # fmt: skip
# Month names of two words, read as one.
_ARABIC_MONTH_PHRASES = (
    ("كانون الثاني", "jan"), ("تشرين الاول", "oct"), ("تشرين الثاني", "nov"),
    ("كانون الاول", "dec"),
)  # fmt: skip
_DAY_MONTH_WORD_RE = re.compile(r"^(\d{1,2})[ \-/.]*([^\W\d_]+)\.?[ \-/.,]*(\d{4})$")
_MONTH_WORD_DAY_RE = re.compile(
    r"^([^\W\d_]+)\.?[ \-/.]*(\d{1,2})(?:st|nd|rd|th)?[ ,\-/.]+(\d{4})$"
)
_MONTH_WORD_YEAR_RE = re.compile(r"^([^\W\d_]+)\.?[ \-/.,]*(\d{4})$")
# A day or month a list does not know, written as zeros or marks: the year alone (1985-00-00,
# 00/00/1985, 0.0.1985, XX/XX/1985, ??-??-1985, 1985-06-00).
_UNKNOWN_PART = r"(?:0{1,2}|[xX?]{1,2}|--|\d{1,2})"
_YEAR_UNKNOWN_PARTS_RE = re.compile(
    rf"^(\d{{4}})[-/.]{_UNKNOWN_PART}[-/.]{_UNKNOWN_PART}$|^{_UNKNOWN_PART}[-/.]{_UNKNOWN_PART}[-/.](\d{{4}})$"
)
# A birth year written as an estimate: a word or mark before it or after it (one at least).
_ESTIMATED_YEAR_RE = re.compile(
    r"^(?:(ca\.?|c\.|circa|approx\.?|approximately|about|around|abt\.?|est\.?|estimated|~|±|"
    r"born(?: in)?|n[ée]e? en|vers|geb\.?|geboren|etwa|حوالي|حوالى|تقريبا|تقريباً|مواليد|"
    r"مواليد عام|مواليد سنة|تولد|من مواليد|عام|سنة)\s*)?(\d{4})"
    r"(?:\s*(\?|\(?est\.?\)?|\(?estimated\)?|\(?approx\.?\)?|ca\.?|تقريبا|تقريباً|م))?$",
    re.IGNORECASE,
)
# A month and year with no day (3/1985, 03-1985): the year.
_MONTH_YEAR_RE = re.compile(r"^(0?[1-9]|1[0-2])[-/.](\d{4})$", re.ASCII)
# Sex written out as lists write it: English, Arabic, Sorani Kurdish, French, German (H for
# homme, W for weiblich), a child's list (boy, girl, ولد, بنت), and the Cyrillic letters of a
# Russian passport (М, Ж).  Never a number: 1 and 2 are ISO 5218's male and female in one
# system and the other way round in another.
_SEX = {
    "MALE": "M", "FEMALE": "F", "ذكر": "M", "أنثى": "F", "انثى": "F", "نێر": "M", "مێ": "F",
    "MASCULIN": "M", "FÉMININ": "F", "FEMININ": "F", "MÄNNLICH": "M", "WEIBLICH": "F",
    "М": "M", "Ж": "F", "МУЖ": "M", "ЖЕН": "F", "BOY": "M", "GIRL": "F", "MAN": "M",
    "WOMAN": "F", "HOMME": "M", "FEMME": "F", "H": "M", "W": "F", "رجل": "M", "امرأة": "F",
    "امراة": "F", "ولد": "M", "بنت": "F", "طفل": "M", "طفلة": "F", "MASC": "M", "FEM": "F",
}  # fmt: skip
_NOT_A_DATE = (
    "is not a date: write YYYY-MM-DD (a year alone, or 1990-00-00, is read as the birth year; "
    "12 JAN 1990 is read; a date with the day or month first, such as 03/05/1990, is ambiguous)"
)

Record = dict[str, str]
# The largest CSV read in one piece: a million records take about 120 MB and 3.5 GB of memory
# to resolve on one machine, so a gigabyte (some eight million records) is past what one machine
# can hold; a larger file is refused before it is read rather than exhausting memory midway.
MAX_CSV_BYTES = 1 << 30


class PersonCsvError(ValueError):
    """A person record that cannot be read; ``row`` is the CSV line number (header = 1).

    ``message`` is worded for ``muster match``; ``code`` names the refusal and ``params`` its
    values (the text written, the other row ...), so a door that speaks another language or offers
    other remedies (the reference-list upload page) says it its own way.

    >>> str(PersonCsvError(3, "date_of_birth", "'1985-13-02' is not a date"))
    "row 3, column date_of_birth: '1985-13-02' is not a date"
    """

    def __init__(
        self,
        row: int | None,
        column: str | None,
        message: str,
        *,
        code: str = "",
        params: Mapping[str, object] | None = None,
    ) -> None:
        self.row, self.column, self.message = row, column, message
        self.code, self.params = code, dict(params or {})
        where = ", ".join(
            p for p in (f"row {row}" if row else "", f"column {column}" if column else "") if p
        )
        super().__init__(f"{where}: {message}" if where else message)


def read_date_of_birth(text: str, order: str | None = None) -> tuple[str, str] | None:
    """A date of birth as written in a list, as (date_of_birth in YYYY-MM-DD, birth_year); a year
    alone (or a year and month) gives ("", year). None for anything else: a date that does not
    exist, or one written day or month first (03/05/1990 is 3 May or 5 March) unless ``order``
    ("dmy" or "mdy") says which.

    >>> read_date_of_birth("1990/5/3"), read_date_of_birth("1990"), read_date_of_birth("03/05/1990")
    (('1990-05-03', '1990'), ('', '1990'), None)
    >>> read_date_of_birth("03/05/1990", "dmy"), read_date_of_birth("03.05.1990", "mdy")
    (('1990-05-03', '1990'), ('1990-03-05', '1990'))
    >>> read_date_of_birth("1900-01-01"), read_date_of_birth("0000-00-00"), read_date_of_birth("01/01/1900")
    (('', ''), ('', ''), ('', ''))
    """
    read = _read_date(text, order)
    if read is None:
        return None
    # 1900-01-01, 0000-00-00: what a system writes for no date (``unknown.NO_DATES``)
    return ("", "") if read[0] in NO_DATES or not known_year(read[1]) else read


def _read_date(text: str, order: str | None) -> tuple[str, str] | None:
    worded = _worded_date(text)
    if worded is not None:
        return worded
    first = _DAY_OR_MONTH_FIRST_RE.match(text)
    # In the order given, or where day and month are one number (05/05/1990 in either order).
    if first and (order or int(first.group(1)) == int(first.group(2))):
        a, b, year = first.groups()
        day, month = (a, b) if order != "mdy" else (b, a)
        try:
            return date(int(year), int(month), int(day)).isoformat(), year
        except ValueError:
            return _year_of_unknown_parts(text)  # 00/00/1990: the year; 31/02/1990: None
    match = _YEAR_ONLY_RE.match(text)
    if match:
        month = match.group(2)
        return ("", match.group(1)) if month is None or 1 <= int(month) <= 12 else None
    match = _YEAR_FIRST_RE.match(text)
    if not match:
        return _year_of_unknown_parts(text)
    year, month, day = (
        match.group(1),
        match.group(2) or match.group(4),
        match.group(3) or match.group(5),
    )
    try:
        return date(int(year), int(month), int(day)).isoformat(), year
    except ValueError:
        return _year_of_unknown_parts(text)


def estimated_year(text: str) -> str | None:
    """The year of a birth year written as an estimate (ca. 1985, ~1985, 1985?, about 1985,
    1985 (est.), حوالي 1985, مواليد 1985, 1985م) or with its month (3/1985); None for anything
    else.  An estimated year is what a year alone is: the comparisons allow it years apart.

    >>> estimated_year("ca. 1985"), estimated_year("مواليد 1985"), estimated_year("1985?"), estimated_year("85")
    ('1985', '1985', '1985', None)
    """
    match = _ESTIMATED_YEAR_RE.match(text)
    if match and (match.group(1) or match.group(3)):
        return match.group(2)
    match = _MONTH_YEAR_RE.match(text)
    return match.group(2) if match else None


def _year_of_unknown_parts(text: str) -> tuple[str, str] | None:
    """("", year) for a date whose day or month is written as zeros or marks (1985-00-00,
    00/00/1985, XX/XX/1985, 1985-06-00), or an estimated year (``estimated_year``): the year is
    what the list knows.  None otherwise (a date with a day and month that is not a date,
    1985-02-30, stays an error)."""
    match = _YEAR_UNKNOWN_PARTS_RE.match(text)
    if not match:
        year = estimated_year(text)
        return None if year is None else ("", year)
    parts = re.split(r"[-/.]", text)
    if all(p.isdigit() and int(p) > 0 for p in parts):
        return None
    return "", match.group(1) or match.group(2)


def _worded_date(text: str) -> tuple[str, str] | None:
    """A date with its month written as a word: (date, year), ("", year) for a month and year;
    None for anything else (no word, a word that is no month, a day that does not exist), which
    the other readers then read or refuse (1990-05-03T00:00:00 has a letter and no month word)."""
    if not re.search(r"[^\W\d_]", text) or _YEAR_UNKNOWN_PARTS_RE.match(text):
        return None
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", text.strip()) if not unicodedata.combining(c)
    ).lower()
    for phrase, month in _ARABIC_MONTH_PHRASES:
        folded = folded.replace(phrase, month)
    day_first = _DAY_MONTH_WORD_RE.match(folded)
    month_first = None if day_first else _MONTH_WORD_DAY_RE.match(folded)
    if day_first or month_first:
        day, word, year = (
            day_first.groups() if day_first else (month_first[2], month_first[1], month_first[3])
        )
        month = _MONTHS.get(word)
        if month is None:
            return None
        try:
            return date(int(year), month, int(day)).isoformat(), year
        except ValueError:
            return None
    month_year = _MONTH_WORD_YEAR_RE.match(folded)
    if month_year and month_year[1] in _MONTHS:
        return "", month_year[2]
    return None


def date_order(values: Iterable[tuple[int, str]]) -> str | None:
    """The order ("dmy" or "mdy") in which a file writes its dates with the day or month first,
    from the dates themselves (``values``: (row, text)): day first where some first number is
    over 12, month first where some second one is; None where none says.  Raises where the file
    says both.

    >>> date_order([(2, "25/12/1990"), (3, "03/05/1991")]), date_order([(2, "03/05/1991")])
    ('dmy', None)
    """
    day_first = month_first = None
    for row, text in values:
        match = _DAY_OR_MONTH_FIRST_RE.match(text)
        if not match:
            continue
        a, b = int(match.group(1)), int(match.group(2))
        if not a or not b:
            continue  # a day or month not known (00/13/1990): says nothing of the order
        if a > 12 and day_first is None:
            day_first = (row, text)
        if b > 12 and month_first is None:
            month_first = (row, text)
        if day_first and month_first:
            raise PersonCsvError(
                month_first[0],
                "date_of_birth",
                f"'{month_first[1]}' has the month first, but '{day_first[1]}' (row "
                f"{day_first[0]}) has the day first: one file must write its dates one way",
                code="dates_both_ways",
                params={"value": month_first[1], "other": day_first[1], "other_row": day_first[0]},
            )
    return "dmy" if day_first else "mdy" if month_first else None


def check_record(
    record: Mapping[str, object], row: int | None = None, order: str | None = None
) -> Record:
    """Return the record with every column present as a stripped string, or raise.

    >>> check_record({"record_id": "r1", "given_name": " Omar ", "sex": "m"})["sex"]
    'M'
    """
    unknown = [k for k in record if k not in PERSON_COLUMNS]
    if unknown:
        raise PersonCsvError(
            row, unknown[0], f"unknown column '{unknown[0]}'", code="unknown_column"
        )
    # (a direction mark or zero-width space copied in with a name or date shows nothing: dropped)
    out = {
        c: ("" if record.get(c) is None else visible(str(record.get(c))).strip())
        for c in PERSON_COLUMNS
    }
    if not out["record_id"]:
        raise PersonCsvError(
            row, "record_id", "record_id is empty; every record needs one", code="required"
        )
    for column in _BOUNDED:
        if len(out[column]) > FIELD_MAX:
            raise PersonCsvError(
                row,
                column,
                f"{'name ' if column in NAME_PARTS else ''}too long: {len(out[column]):,} "
                f"characters, at most {FIELD_MAX}",
                code="too_long",
                params={"n": len(out[column]), "max": FIELD_MAX},
            )
    for column in _ALIAS_WRITTEN_IN:  # Ahmed (Abu Omar), Ahmed aka Abu Omar: the name, the alias
        if out[column]:
            out[column], alias = inline_alias(out[column])
            if column in _OWN_ALIAS_IN:
                out["alias"] = out["alias"] or alias
    for column in _MAY_BE_UNKNOWN:
        if out[column] and not_known(out[column]):
            out[column] = ""  # UNKNOWN, N/A, -, FNU, غير معروف: nothing said (``unknown``)
    for column in ("date_of_birth", "birth_year"):
        out[column] = ascii_digits(out[column])
    written = out["date_of_birth"]
    read = read_date_of_birth(written, order) if written else ("", "")
    if read is None:
        if _DAY_OR_MONTH_FIRST_RE.match(written) and not order:
            raise PersonCsvError(
                row,
                "date_of_birth",
                f"'{written}' has the day or month first and no date in the file says which (none "
                "has a number over 12 there): give the order (muster match --dates dmy or mdy)",
                code="date_order_unknown",
                params={"value": written},
            )
        raise PersonCsvError(
            row,
            "date_of_birth",
            f"'{written}' {_NOT_A_DATE}",
            code="not_a_date",
            params={"value": written},
        )
    dob, dob_year = read
    year = out["birth_year"]
    if year and not _YEAR_RE.match(year):  # ca. 1985, 1985?, مواليد 1985: the year
        year = estimated_year(year) or year
    if year and not _YEAR_RE.match(year):
        raise PersonCsvError(
            row,
            "birth_year",
            f"'{year}' is not a year (four digits, e.g. 1985)",
            code="not_a_year",
            params={"value": year},
        )
    year = known_year(year)
    if written and read == ("", "") and year and year in written:
        year = ""  # 1900-01-01 and 1900 beside it: no date, and no year either
    if year and dob_year and dob_year != year:
        raise PersonCsvError(
            row,
            "birth_year",
            f"birth_year {year} contradicts date_of_birth {written}",
            code="year_contradicts_date",
            params={"year": year, "date": written},
        )
    # A year alone in the date column is the birth year; a full date leaves birth_year as given
    # (the date carries its year).
    out["date_of_birth"], out["birth_year"] = dob, year or ("" if dob else dob_year)
    sex = _SEX.get(out["sex"].upper(), out["sex"].upper())
    if sex not in ("", "M", "F"):
        raise PersonCsvError(
            row,
            "sex",
            f"'{out['sex']}' is not a sex (M or F; empty, U or X where it is not known)",
            code="not_a_sex",
            params={"value": out["sex"]},
        )
    out["sex"] = sex
    out["nationality"] = read_nationality(out["nationality"])
    for column in (*NAME_PARTS, "place_of_origin"):
        script = unreadable_script(out[column]) if out[column] else ""
        if script:
            raise PersonCsvError(
                row,
                column,
                f"'{out[column][:40]}' is written in {script} letters, which Muster cannot compare "
                "(it would be read as no name): write it in Latin, Arabic or Cyrillic letters",
                code="unreadable_script",
                params={"value": out[column][:40], "script": script},
            )
    return out


def check_records(records: Iterable[Mapping[str, object]]) -> list[Record]:
    """Check every record; record_ids must be unique."""
    seen: set[str] = set()
    out = []
    for i, rec in enumerate(records, start=1):
        checked = check_record(rec, row=None)
        if checked["record_id"] in seen:
            raise PersonCsvError(
                None, "record_id", f"record_id '{checked['record_id']}' appears twice (record {i})"
            )
        seen.add(checked["record_id"])
        out.append(checked)
    return out


def _encoding(path: Path, encoding: str | None) -> str:
    """The encoding to read ``path`` in: the one given, UTF-16 or UTF-32 where the file is
    (``textfiles.wide_encoding``), else UTF-8 (with or without a mark)."""
    if encoding:
        try:
            return codecs.lookup(encoding).name
        except LookupError:
            raise PersonCsvError(None, None, f"'{encoding}' is not an encoding Python knows "
                                 "(e.g. utf-8, cp1256, utf-16)") from None  # fmt: skip
    try:
        with path.open("rb") as fh:
            start = fh.read(START)
    except OSError:
        return "utf-8-sig"
    # Excel's "Unicode text" is UTF-16 with its byte-order mark; some phones and exports save it
    # without one, which as UTF-8 would read with NUL characters in the header.
    return wide_encoding(start) or "utf-8-sig"


def _not_utf8(path: Path, encoding: str = "utf-8-sig") -> PersonCsvError:
    """The first line that is not text in ``encoding``; for a file that is not UTF-8, what it
    reads as where that is plain (Windows Arabic, as older Iraqi and Syrian systems save)."""
    if not encoding.startswith("utf-8"):
        return PersonCsvError(None, None, f"is not {encoding} text: give the file's encoding")
    # The decoder reads ahead, so the line it fails on is found again byte by byte.
    with path.open("rb") as raw:
        for number, line in enumerate(raw, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return PersonCsvError(number, None, f"is not UTF-8 text{_reads_as(line)}")
    return PersonCsvError(None, None, "is not UTF-8 text; save the file as UTF-8")


def _reads_as(line: bytes) -> str:
    text = line.decode("cp1256", errors="replace")
    if sum("\u0621" <= c <= "\u064a" for c in text) >= 2:
        return (
            " (it reads as Windows Arabic, cp1256): save it as UTF-8, or give its encoding "
            "(muster match --encoding cp1256)"
        )
    text = line.decode("cp1252", errors="replace")
    if any("\u00c0" <= c <= "\u00ff" for c in text):
        return (
            " (it may be Windows Western European, cp1252): save it as UTF-8, or give its "
            "encoding (muster match --encoding cp1252)"
        )
    return "; save the file as UTF-8"


def _size(n: int) -> str:
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}"
    return f"{n} bytes"


def _shown(header: list[str], most: int = 5) -> str:
    """The first few cells of a first line, for an error message (a data row can be long)."""
    cells = [repr(h[:40]) for h in header[:most]]
    return ", ".join(cells) + (", …" if len(header) > most else "")


def _delimiter(path: Path, encoding: str = "utf-8-sig") -> str:
    """The delimiter of a CSV file, by its header row (``textfiles.csv_delimiter``): a comma, or the
    semicolon, tab or bar it is written with (a European spreadsheet saves with semicolons)."""
    try:
        with path.open(encoding=encoding, newline="") as fh:
            first = fh.readline()
    except (OSError, UnicodeDecodeError):
        return ","
    return csv_delimiter(first)


def _is_workbook(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def workbook_cell(value: object) -> str:
    """A workbook cell as the text a CSV would hold: a date as YYYY-MM-DD, 1985.0 as 1985."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _workbook_rows(path: Path) -> Iterator[list[str]]:
    """The first sheet's rows as text (header first); trailing empty cells dropped."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not XLSX
        raise PersonCsvError(
            None, None, "the file is a ZIP file but not an Excel workbook (XLSX) Muster can read"
        ) from None
    try:
        for values in book.worksheets[0].iter_rows(values_only=True):
            cells = [workbook_cell(v) for v in values]
            while cells and not cells[-1].strip():
                cells.pop()
            yield cells
    finally:
        book.close()


@contextmanager
def _rows(path: Path, encoding: str = "utf-8-sig") -> Iterator[Iterator[list[str]]]:
    """The file's rows (header first) as lists of text: a CSV in ``encoding`` with any common
    delimiter, or the first sheet of an Excel workbook."""
    if _is_workbook(path):
        yield _workbook_rows(path)
        return
    delimiter = _delimiter(path, encoding)
    # A cell past the csv module's 128 KB is read, so that check_record names its column and length
    # rather than the reader saying "field larger than field limit" of the row.
    limit = csv.field_size_limit(MAX_CSV_BYTES)
    try:
        with path.open(encoding=encoding, newline="") as fh:
            yield csv.reader(fh, delimiter=delimiter)
    finally:
        csv.field_size_limit(limit)


def _date_order_of_file(path: Path, encoding: str) -> str | None:
    """``date_order`` of the file's date_of_birth column (a second pass over the file, made only
    when a date with the day or month first is met)."""
    with _rows(path, encoding) as reader:
        header = [h.strip() for h in next(reader, [])]
        if "date_of_birth" not in header:
            return None
        col = header.index("date_of_birth")
        return date_order(
            (line, values[col].strip())
            for line, values in enumerate(reader, start=2)
            if len(values) > col
        )


def person_csv_header(path: str | Path, encoding: str | None = None) -> list[str]:
    """The column names of a person-record file's header row, read as ``read_person_csv`` reads
    the file (any common delimiter, UTF-16, a workbook); [] for an empty file."""
    path = Path(path)
    encoding = _encoding(path, encoding)
    with _rows(path, encoding) as reader:
        try:
            return [h.strip() for h in next(reader, [])]
        except UnicodeDecodeError:
            raise _not_utf8(path, encoding) from None


def read_person_csv(
    path: str | Path, dates: str | None = None, encoding: str | None = None
) -> list[Record]:
    """Read a person-record CSV (DESIGN.md layout); raise PersonCsvError naming row and column.

    The CSV may be written with commas, semicolons, tabs or bars, in UTF-8, in UTF-16 with its
    byte-order mark, or in the ``encoding`` given (cp1256 ...); an Excel workbook (XLSX) is read
    from its first sheet.  ``dates`` ("dmy" or "mdy") is the order of dates written with
    the day or month first (03/05/1990); without it the file's own dates must say (one with a
    number over 12 there).

    >>> records = read_person_csv("people.csv")  # doctest: +SKIP
    >>> records[0]["given_name"]  # doctest: +SKIP
    'Muhammad'
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        path.open("rb").close()
    except OSError as exc:
        raise PersonCsvError(None, None, f"cannot read the file: {exc.strerror}") from None
    if size > MAX_CSV_BYTES:
        raise PersonCsvError(
            None,
            None,
            f"the file is {_size(size)}, more than the {_size(MAX_CSV_BYTES)} one machine "
            "resolves in one piece; split it (by source or by region)",
        )
    encoding = _encoding(path, encoding)
    with _rows(path, encoding) as reader:
        try:
            header = next(reader)
        except StopIteration:
            raise PersonCsvError(1, None, "the file is empty; expected a header row") from None
        except UnicodeDecodeError:
            raise _not_utf8(path, encoding) from None
        header = [h.strip() for h in header]
        if "record_id" not in header:
            if header and all(h not in PERSON_COLUMNS for h in header):
                raise PersonCsvError(
                    1,
                    None,
                    f"the first line names no known column ({_shown(header)}); it must be a "
                    f"header row naming the columns ({', '.join(PERSON_COLUMNS)})",
                )
            raise PersonCsvError(1, "record_id", "header has no record_id column")
        for h in header:
            if h not in PERSON_COLUMNS:
                raise PersonCsvError(
                    1, h, f"unknown column '{h}'; known columns: {', '.join(PERSON_COLUMNS)}"
                )
        repeated = next((h for i, h in enumerate(header) if h in header[:i]), None)
        if repeated is not None:
            # dict(zip()) would keep the last of the two columns and drop the other unseen.
            raise PersonCsvError(
                1, repeated, f"column '{repeated}' appears twice in the header; keep one"
            )
        records: list[Record] = []
        seen: set[str] = set()
        width = len(header)
        workbook = _is_workbook(path)  # a sheet's row ends at its last filled cell
        inferred = False
        line = 1
        try:
            for line, values in enumerate(reader, start=2):
                if not values:
                    continue
                if len(values) < width and workbook:
                    values = values + [""] * (width - len(values))  # empty cells at the end
                if len(values) != width:
                    raise PersonCsvError(
                        line, None, f"has {len(values)} fields, the header has {width}"
                    )
                raw = dict(zip(header, values, strict=True))
                try:
                    rec = check_record(raw, row=line, order=dates)
                except PersonCsvError as exc:
                    if dates or exc.column != "date_of_birth" or inferred:
                        raise
                    inferred = True
                    dates = _date_order_of_file(path, encoding)
                    if not dates:
                        raise
                    rec = check_record(raw, row=line, order=dates)
                if rec["record_id"] in seen:
                    raise PersonCsvError(
                        line, "record_id", f"record_id '{rec['record_id']}' appears twice"
                    )
                seen.add(rec["record_id"])
                records.append(rec)
        except UnicodeDecodeError:
            raise _not_utf8(path, encoding) from None
        except csv.Error as exc:
            raise PersonCsvError(line + 1, None, f"malformed CSV: {exc}") from None
    return records


def read_person_frame(
    path: str | Path, dates: str | None = None, encoding: str | None = None
) -> pd.DataFrame:
    """The records of ``read_person_csv`` as a frame (one column per ``PERSON_COLUMNS``), read
    and checked column by column: a million records in seconds, not in a Python loop.

    Anything the column checks do not pass (a bad date, a duplicate id, a short row, another
    encoding, an unknown column) is read again by ``read_person_csv``, whose one-line error
    names the row and column, so the answer and the errors are that function's.
    """
    try:
        frame = _read_fast(Path(path), dates, _encoding(Path(path), encoding))
    except Exception:  # noqa: BLE001 - whatever fails here, the row-by-row reader explains
        frame = None
    if frame is None:
        records = read_person_csv(path, dates, encoding)
        return pd.DataFrame.from_records(records, columns=list(PERSON_COLUMNS))
    return frame


def _read_fast(path: Path, dates: str | None, encoding: str) -> pd.DataFrame | None:
    """The checked frame, or None where a check fails (the row-by-row reader then says why)."""
    if path.stat().st_size > MAX_CSV_BYTES or _is_workbook(path):
        return None
    # pyarrow's reader refuses a row with more or fewer fields than the header (the C reader
    # pads a short row), skips blank lines as the csv module's reader does, and reads every
    # field as text.
    raw = pd.read_csv(path, dtype=object, keep_default_na=False, encoding=encoding,
                      engine="pyarrow", sep=_delimiter(path, encoding))  # fmt: skip
    header = [str(h).strip() for h in raw.columns]
    if "record_id" not in header or any(h not in PERSON_COLUMNS for h in header):
        return None
    if len(set(header)) != len(header) or raw.isna().to_numpy().any():
        return None  # a repeated column, or a row with fewer fields than the header
    raw.columns = header
    n = len(raw)
    out = {}
    for c in PERSON_COLUMNS:
        out[c] = raw[c].str.strip() if c in raw else pd.Series([""] * n, dtype=object)
        if INVISIBLE_RE.search("".join(out[c].tolist())):  # direction marks, zero-width spaces
            out[c] = out[c].map(visible).str.strip()
    for column in _ALIAS_WRITTEN_IN:  # each distinct name read once, as check_record reads it
        said = out[column]
        distinct = pd.unique(said)
        if _too_long(distinct):
            return None
        read = {v: inline_alias(v) for v in distinct if v}
        read = {v: r for v, r in read.items() if r != (v, "")}
        if read:
            out[column] = said.map({v: r[0] for v, r in read.items()}).fillna(said)
            if column in _OWN_ALIAS_IN:
                alias = said.map({v: r[1] for v, r in read.items()}).fillna("")
                out["alias"] = out["alias"].where(out["alias"] != "", alias)
    for column in ("date_of_birth", "birth_year"):
        if out[column].str.contains(_EASTERN_DIGIT).any():
            out[column] = out[column].str.translate(_EASTERN_DIGITS)
    for column in _MAY_BE_UNKNOWN:  # UNKNOWN, N/A, -: nothing said
        said = out[column]
        distinct = pd.unique(said)
        if _too_long(distinct):
            return None
        unsaid = [v for v in distinct if v and not_known(v)]
        if unsaid:
            out[column] = said.where(~said.isin(unsaid), "")
    if _too_long(pd.unique(out["source"])):
        return None
    ids, dob, year = out["record_id"], out["date_of_birth"], out["birth_year"]
    if (ids == "").any() or ids.duplicated().any():
        return None
    estimates = {y: estimated_year(y) for y in pd.unique(year) if y and not _YEAR_RE.match(y)}
    if estimates:  # ca. 1985, 1985?: the year (each distinct value once)
        year = year.map(lambda y: estimates.get(y) or y)
    # 0000: no year (each distinct year looked at once: a million records hold a hundred)
    no_years = [y for y in pd.unique(year) if y and _YEAR_RE.match(y) and not known_year(y)]
    if no_years:
        year = year.where(~year.isin(no_years), "")
    placeholder = dob.isin(NO_DATES)  # 1900-01-01: no date, and no year beside it
    year = year.where(~(placeholder & (year == dob.str[:4])), "")
    dob = dob.where(~placeholder, "")
    has_dob = dob != ""
    iso = dob.str.match(_DATE_RE) & pd.to_datetime(dob, format="%Y-%m-%d", errors="coerce").notna()
    other = has_dob & ~iso
    if other.any():  # dates written otherwise (1990/05/03, 1990, 1990-00-00, 12 JAN 1990): each
        # distinct one read as check_record does
        if not dates and dob[other].str.match(_DAY_OR_MONTH_FIRST_RE).any():
            dates = date_order(zip(range(2, n + 2), dob.tolist(), strict=True))
        written = pd.unique(dob[other])
        read = dob[other].map({t: read_date_of_birth(t, dates) for t in written})
        if read.isna().any():
            return None
        read_year, given_year = read.str[1], year[other]
        if ((given_year != "") & (given_year != read_year)).any():
            return None  # a birth_year that contradicts the date: the row-by-row reader says so
        dob, year = dob.copy(), year.copy()
        dob[other] = read.str[0]
        year[other] = given_year.where(dob[other] != "", read_year)
        out["date_of_birth"], out["birth_year"] = dob, year
        has_dob = dob != ""
    has_year = year != ""
    if not year[has_year].str.match(_YEAR_RE).all():
        return None
    out["date_of_birth"], out["birth_year"] = dob, year
    if (has_year & has_dob & (dob.str[:4] != year)).any():
        return None
    out["sex"] = out["sex"].str.upper().replace(_SEX)
    if not out["sex"].isin(["", "M", "F"]).all():
        return None
    # Each distinct value read once (a country name, an adjective, an alpha-2 code: the code).
    distinct = pd.unique(out["nationality"])
    if _too_long(distinct):
        return None
    out["nationality"] = out["nationality"].map({v: read_nationality(v) for v in distinct})
    for column in (*NAME_PARTS, "place_of_origin"):
        # A letter of a script Muster does not read: the row-by-row reader names it (each
        # distinct name once: a million records hold a few tens of thousands).
        if any(map(unreadable_script, pd.unique(out[column]))):
            return None
    return pd.DataFrame(out).reset_index(drop=True)


def _too_long(distinct: Iterable[str]) -> bool:
    """Whether a column's distinct values hold one longer than ``FIELD_MAX`` (dates and years too
    long are refused as no date or year)."""
    return any(len(v) > FIELD_MAX for v in distinct)


def unread_nationalities(nationality: pd.Series) -> str | None:
    """A warning naming the nationalities of ``nationality`` (as read: ``read_nationality``)
    that are not country codes, which are compared as written; None when every one is a code.

    >>> unread_nationalities(pd.Series(["IRQ", "SYRIEN", "", "SYRIEN", "KURD"]))
    "3 records write a nationality that is not a country (ISO 3166 alpha-3) and is compared as written: 'SYRIEN' (2), 'KURD' (1)"
    """
    counts = nationality[nationality != ""].value_counts()
    unread = counts[[not is_country_code(v) for v in counts.index]]
    if unread.empty:
        return None
    shown = ", ".join(f"'{v[:30]}' ({n:,})" for v, n in unread.head(5).items())
    more = f" and {len(unread) - 5:,} more" if len(unread) > 5 else ""
    return (
        f"{int(unread.sum()):,} records write a nationality that is not a country (ISO 3166 "
        f"alpha-3) and is compared as written: {shown}{more}"
    )
