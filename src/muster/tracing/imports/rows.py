"""One row of a list of the missing: its columns under any header a tracing office writes, checked.

The readers (``tables`` for CSV and XLSX, ``pfif`` for PFIF XML) hand each row here as a mapping
of request fields to text; :func:`check_row` returns the clean values or every error of the row,
each naming its field with a stable code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from muster.core.parsing import PCODE, parse_int
from muster.identity import ascii_digits
from muster.tracing.models import (
    REQUESTER_FIELDS,
    SOUGHT_FIELDS,
    TEXT_FIELDS,
    TracingRequest,
    text_limit,
)

# The request fields a file may fill, in the order the report and the exports use (the request's
# own list, tracing.models.REQUEST_FIELDS, with the file's reference first and its "child" column).
FIELDS = ("source_ref", *SOUGHT_FIELDS, "is_child", *REQUESTER_FIELDS)

# The longest text each field keeps (as the request's service does); longer is refused, never cut.
MAX_LENGTH = {
    "source_ref": TracingRequest._meta.get_field("source_ref").max_length,
    **{f: text_limit(f) for f in TEXT_FIELDS},
}

# Header spellings seen in offices' lists (English, Arabic, Sorani and Kurmanji Kurdish), folded by
# _fold (a Latin header without its marks: Kurmanji typed on a keyboard without ê, î, û, ç, ş).
_HEADERS: dict[str, tuple[str, ...]] = {
    "source_ref": (
        "source_ref", "record_id", "ref", "reference", "ref_no", "id", "case", "case_no",
        "case_number", "case_id", "file_no", "person_record_id",
        "الرقم", "رقم الحالة", "المرجع", "رقم المرجع", "رقم الملف", "ژمارە", "ژمارەی دۆسیە",
        "hejmar", "hejmara dosyeyê", "hejmara dosyê",
    ),
    "given_name": (
        "given_name", "given", "first_name", "first", "name", "forename", "name_of_missing",
        "missing_person", "الاسم", "الاسم الاول", "اسم المفقود", "ناو", "ناوی یەکەم",
        "nav", "navê yekem", "navê kesê windabûyî",
    ),
    "father_name": (
        "father_name", "father", "fathers_name", "name_of_father", "اسم الاب", "الاب", "ناوی باوک",
        "navê bav", "navê bavê", "bav",
    ),
    "grandfather_name": (
        "grandfather_name", "grandfather", "grandfathers_name", "اسم الجد", "الجد", "ناوی باپیر",
        "navê bapîr", "bapîr", "navê kalik",
    ),
    "family_name": (
        "family_name", "family", "surname", "last_name", "last", "tribe", "clan",
        "اسم العائله", "اللقب", "العشيره", "الكنيه", "ناوی خێزان", "نازناو",
        "paşnav", "navê malbatê", "malbat", "eşîr",
    ),
    "mother_name": (
        "mother_name", "mother", "mothers_name", "name_of_mother", "اسم الام", "الام", "ناوی دایک",
        "navê dê", "navê dayikê", "dê", "dayik",
    ),
    "other_names": (
        "other_names", "alias", "aliases", "alternate_names", "also_known_as", "aka",
        "captors_name", "اسماء اخرى", "الاسماء الاخرى", "اسم مستعار", "ناوی تر",
        "navên din", "navê din", "nasnav",
    ),
    "sex": ("sex", "gender", "الجنس", "ڕەگەز", "رەگەز", "zayend", "cins", "regez"),
    "birth_year": (
        "birth_year", "year_of_birth", "yob", "born", "birth", "سنه الميلاد", "سنه التولد",
        "التولد", "المواليد", "ساڵی لەدایکبوون", "ساڵی لە دایک بوون",
        "sala jidayikbûnê", "sala bûyînê", "jidayikbûn",
    ),
    "age_at_separation": (
        "age_at_separation", "age_when_separated", "age_when_taken", "age_at_abduction",
        "age_when_missing", "age", "العمر", "العمر عند الفقدان", "العمر عند الاختطاف",
        "العمر عند الانفصال", "تەمەن",
        "temen", "temenê dema windabûnê", "temen dema windabûnê",
    ),
    "separation_date": (
        "separation_date", "date_of_separation", "date_separated", "date_taken",
        "date_of_abduction", "abduction_date", "missing_since", "date_missing",
        "تاريخ الفقدان", "تاريخ الاختطاف", "تاريخ الانفصال", "بەرواری ونبوون",
        "dîroka windabûnê", "roja windabûnê",
    ),
    "separation_place": (
        "separation_place", "place_of_separation", "place_taken", "place_of_abduction",
        "abduction_place", "place", "village", "last_seen", "مكان الفقدان", "مكان الاختطاف",
        "مكان الانفصال", "القريه", "شوێنی ونبوون", "گوند",
        "cihê windabûnê", "gund",
    ),
    "separation_pcode": (
        "separation_pcode", "pcode", "p_code", "place_pcode", "الرمز", "رمز المكان",
    ),
    "distinguishing_marks": (
        "distinguishing_marks", "marks", "description", "features", "scars",
        "العلامات المميزه", "علامات فارقه", "العلامات الفارقه", "الاوصاف", "نیشانە",
        "nîşan", "nîşanên taybet",
    ),
    "is_child": ("is_child", "child", "minor", "طفل", "قاصر", "منال", "مناڵ", "zarok"),
    "requester_name": (
        "requester_name", "requester", "requested_by", "enquirer", "inquirer",
        "اسم مقدم الطلب", "مقدم الطلب", "ناوی داواکار", "داواکار",
        "daxwazker", "navê daxwazker", "navê daxwazkerê",
    ),
    "requester_relationship": (
        "requester_relationship", "relationship", "relation", "relationship_to_missing",
        "صله القرابه", "القرابه", "پەیوەندی", "خزمایەتی",
        "têkilî", "merivatî", "xizmtî",
    ),
    "requester_contact": (
        "requester_contact", "contact", "phone", "telephone", "mobile", "requester_phone",
        "رقم الهاتف", "الهاتف", "وسيله الاتصال", "ژمارەی تەلەفۆن", "تەلەفۆن",
        "têlefon", "hejmara têlefonê", "mobîl",
    ),
    "office": ("office", "tracing_office", "المكتب", "نووسینگە", "nivîsgeh", "ofîs"),
    "notes": (
        "notes", "note", "remarks", "comments", "ملاحظات", "الملاحظات", "تێبینی", "têbînî", "not",
    ),
}  # fmt: skip

_ARABIC_FOLD = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ـ": None}
)


def _fold(text: str) -> str:
    """A header as compared: no marks or tatweel, one hamza-less alif, lower case, '_' for gaps."""
    text = unicodedata.normalize("NFKC", text).strip().lower().translate(_ARABIC_FOLD)
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    text = re.sub(r"[’'`().:#?*]", "", text)
    if re.search(r"[\u0600-\u06ff]", text):
        return re.sub(r"[\s_-]+", " ", text).strip()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[\s/-]+", "_", text).strip("_")


HEADER_VARIANTS: dict[str, str] = {
    _fold(spelling): name for name, spellings in _HEADERS.items() for spelling in spellings
}


def field_for_header(header: str) -> str | None:
    """The request field a column header names, or None.

    >>> field_for_header("Year of birth"), field_for_header("اسم الأم")
    ('birth_year', 'mother_name')
    """
    return HEADER_VARIANTS.get(_fold(header))


@dataclass(frozen=True)
class RowError:
    """One refusal: the row (line in a CSV or sheet, person in a PFIF file), the field, why."""

    row: int
    field: str
    message: str
    code: str = "invalid"

    def __str__(self) -> str:
        return f"row {self.row}: " + (f"{self.field}: " if self.field else "") + self.message


@dataclass(frozen=True)
class RequestRow:
    """A row that passed its checks: clean values for every field in FIELDS."""

    row: int
    values: dict[str, object]


@dataclass
class ParsedRequests:
    """What a reader found: the rows that passed, every error, and notes on the file itself."""

    rows: list[RequestRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    total: int = 0  # rows read, passed or not (blank rows not counted)


class FileRefused(ValueError):
    """The file as a whole cannot be read (not UTF-8, not a workbook, not PFIF, too large)."""

    def __init__(self, message: str, code: str = "unreadable"):
        super().__init__(message)
        self.code = code


MAX_ROWS = 100_000

_SEX = {
    "m": "M", "male": "M", "man": "M", "boy": "M", "ذكر": "M", "ذ": "M", "نێر": "M", "کوڕ": "M",
    "f": "F", "female": "F", "woman": "F", "girl": "F", "انثى": "F", "انثي": "F",
    "مێ": "F", "کچ": "F", "ئافرەت": "F",
    "ner": "M", "mer": "M", "kur": "M", "me": "F", "jin": "F", "kec": "F",
}  # fmt: skip
_YES = {"1", "y", "yes", "true", "x", "نعم", "ن", "بەڵێ", "ere", "bele"}
_NO = {"0", "n", "no", "false", "لا", "ل", "نەخێر", "نا", "na", "ne"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_PCODE = PCODE


def _day(text: str) -> dt.date | None:
    text = ascii_digits(text).strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text) or None
    if m:
        y, mo, d = m.groups()
    else:
        m = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)  # day first, as in Iraq
        if not m:
            return None
        d, mo, y = m.groups()
    try:
        day = dt.date(int(y), int(mo), int(d))
    except ValueError:
        return None
    return day if dt.date(1900, 1, 1) <= day <= dt.date.today() else None


def _ref_for(values: dict[str, str]) -> str:
    """A reference for a row that names none: the same row gives the same reference, so a
    list imported again is recognised."""
    text = "\x1f".join(values.get(f, "").strip().casefold() for f in FIELDS if f != "source_ref")
    return "row-" + hashlib.sha256(text.encode()).hexdigest()[:16]


def check_row(
    raw: dict[str, str], row: int, today: dt.date | None = None
) -> tuple[dict, list[RowError]]:
    """Clean values for every field in FIELDS, or the row's errors (all of them, not the first).

    >>> values, errors = check_row({"given_name": "Nadia", "birth_year": "20x5"}, row=12)
    >>> str(errors[0])
    "row 12: birth_year: '20x5' is not a year (four digits, e.g. 2005)"
    """
    today = today or dt.date.today()
    errors: list[RowError] = []

    def refuse(name: str, message: str, code: str) -> None:
        errors.append(RowError(row, name, message, code))

    text = {f: str(raw.get(f) or "").strip() for f in FIELDS}
    for name, value in text.items():
        if _CONTROL.search(value):
            refuse(name, _("contains a control character (e.g. NUL)"), "control_character")
        elif name in MAX_LENGTH and len(value) > MAX_LENGTH[name]:
            refuse(name, _("longer than %(n)d characters") % {"n": MAX_LENGTH[name]}, "too_long")
    out: dict[str, object] = {name: value for name, value in text.items()}
    if not (text["given_name"] or text["other_names"] or text["mother_name"]):
        refuse("given_name", _("give the name of the person sought (given name, other names or "
                               "mother's name)"), "name_required")  # fmt: skip
    sex = text["sex"]
    if sex:
        out["sex"] = _SEX.get(_fold(sex).replace("_", ""), "")
        if not out["sex"]:
            refuse("sex", _("'%(v)s' is not a sex (M or F)") % {"v": sex[:20]}, "invalid_sex")
    out["birth_year"] = None
    if text["birth_year"]:
        year = parse_int(ascii_digits(text["birth_year"]), lo=1900, hi=today.year)
        if year is None or len(text["birth_year"]) != 4:
            refuse("birth_year", _("'%(v)s' is not a year (four digits, e.g. 2005)")
                   % {"v": text["birth_year"][:20]}, "invalid_year")  # fmt: skip
        out["birth_year"] = year
    out["age_at_separation"] = None
    if text["age_at_separation"]:
        age = parse_int(ascii_digits(text["age_at_separation"]), lo=0, hi=120)
        if age is None:
            refuse("age_at_separation", _("'%(v)s' is not an age in whole years (0-120)")
                   % {"v": text["age_at_separation"][:20]}, "invalid_age")  # fmt: skip
        out["age_at_separation"] = age
    out["separation_date"] = None
    if text["separation_date"]:
        day = _day(text["separation_date"])
        if day is None:
            refuse("separation_date", _("'%(v)s' is not a past date (YYYY-MM-DD or DD/MM/YYYY)")
                   % {"v": text["separation_date"][:20]}, "invalid_date")  # fmt: skip
        out["separation_date"] = day
    if out["age_at_separation"] is not None and not text["separation_date"]:
        refuse("separation_date", _("needed with age_at_separation (the age is counted from it)"),
               "required")  # fmt: skip
    year, day = out["birth_year"], out["separation_date"]
    if isinstance(year, int) and isinstance(day, dt.date) and year > day.year:
        refuse(
            "birth_year", _("%(y)d is after the separation date") % {"y": year}, "after_separation"
        )
    if text["separation_pcode"] and not _PCODE.match(text["separation_pcode"]):
        refuse("separation_pcode", _("'%(v)s' is not a P-code (e.g. IQ-G05-D0035)")
               % {"v": text["separation_pcode"][:20]}, "invalid_pcode")  # fmt: skip
    out["is_child"] = None
    if text["is_child"]:
        answer = _fold(text["is_child"])
        out["is_child"] = True if answer in _YES else False if answer in _NO else None
        if out["is_child"] is None:
            refuse(
                "is_child",
                _("'%(v)s' is not yes or no") % {"v": text["is_child"][:20]},
                "invalid_choice",
            )
    if not text["source_ref"]:
        out["source_ref"] = _ref_for(text)
    return out, errors
