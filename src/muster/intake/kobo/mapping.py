"""A submission's answers as Muster's registration input: values as text, Arabic-Indic digits as
ASCII, a date re-saved by Excel as a date, one dict per member (``clean_member`` keys), head first."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from muster.identity import PersonCsvError, ascii_digits, date_order, read_date_of_birth
from muster.intake.kobo.records import (
    NAME_FIELDS,
    RECEPTION_POINT,
    REPEAT,
    ImportBatch,
    Submission,
)

# Arabic-Indic and Eastern Arabic-Indic (Persian) digits, as phones with Arabic keyboards type them.
_ID_KEYS = ("instanceID", "_uuid", "KEY", "__id")
_PREFIXES = re.compile(rf"^(?:{REPEAT}|meta)[/-]")
# A date written day or month first (13/02/2015): Kobo writes YYYY-MM-DD, a spreadsheet that
# opened and saved the export writes the date in its locale's way.
_DAY_OR_MONTH_FIRST = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}")


def _text(value) -> str:
    if type(value) is str:  # most answers: the other cases are not asked about
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _ascii_digits(value) -> str:
    return ascii_digits(_text(value))


def _date_text(value) -> str:
    """A date answer: ISO text as Kobo and Central write it, or a day number if Excel re-saved it."""
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 2958466:
        return (dt.date(1899, 12, 30) + dt.timedelta(days=int(value))).isoformat()
    return _ascii_digits(value)


def _submission_id(answers: Mapping[str, object]) -> str:
    for key in _ID_KEYS:
        value = _text(answers.get(key))
        if value:
            return value.removeprefix("uuid:")
    return ""


def _member(answers: Mapping[str, object]) -> dict:
    """One person's answers as Muster's registration input (``clean_member`` keys)."""
    raw: dict = {name: _text(answers.get(name)) for name in NAME_FIELDS}
    raw["relationship_to_head"] = _text(answers.get("relationship_to_head"))
    # The form's yes/no, as written: read by :func:`yes_no` when the member is added.
    raw["not_yet_named"] = _text(answers.get("not_yet_named"))
    raw["sex"] = _text(answers.get("sex")).upper()
    raw["nationality"] = _text(answers.get("nationality")).upper()
    raw["place_of_origin"] = _text(answers.get("place_of_origin"))
    known = _text(answers.get("dob_known"))
    given = {
        "day": ("date_of_birth", _date_text(answers.get("date_of_birth"))),
        "year": ("birth_year", _ascii_digits(answers.get("birth_year"))),
        "estimated": ("estimated_age", _ascii_digits(answers.get("estimated_age"))),
    }
    if known in given:  # only the answer the form asked for (the others were not relevant)
        raw[given[known][0]] = given[known][1]
    else:
        raw.update(dict(given.values()))
    raw["vulnerabilities"] = _text(answers.get("vulnerabilities")).split()
    doc = {
        "doc_type": _text(answers.get("doc_type")),
        "number": _ascii_digits(answers.get("doc_number")),
        "issuing_country": _text(answers.get("doc_issuing_country")).upper(),
        "mrz": _text(answers.get("doc_mrz")),
    }
    raw["documents"] = [doc] if any(doc.values()) else []
    return raw


def _column(header: str) -> str:
    """A column's question name: the repeat's or meta's group prefix dropped."""
    return _PREFIXES.sub("", header.strip())


def _new_submission(row: int, answers: Mapping[str, object], submission_id: str = "") -> Submission:
    sub = Submission(row=row, submission_id=submission_id or _submission_id(answers))
    sub.reception_point = _ascii_digits(answers.get(RECEPTION_POINT))
    if not sub.submission_id:
        sub.refuse(
            "_uuid",
            gettext("no _uuid or instanceID: the submission could not be recognised again"),
        )
    return sub


# The yes/no questions of the form, read as yes or no whatever the export wrote for them.
YES_NO_FIELDS = ("not_yet_named",)
# Values other forms and spreadsheets write for yes and no beside the choice names.
_YES, _NO = ("yes", "y", "1", "true", "on"), ("no", "n", "0", "false", "off")


@cache
def _yes_no_words() -> tuple[frozenset, frozenset]:
    yes, no = set(_YES), set(_NO)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            yes.add(gettext("yes").casefold())
            no.add(gettext("no").casefold())
    return frozenset(yes), frozenset(no)


def yes_no(value: str) -> str | None:
    """A yes/no answer as ``"yes"``, ``"no"`` or ``""`` (not answered); ``None`` when it is neither.

    An export downloaded with XML values writes the choice's name ("yes"); one downloaded with
    labels writes the label in the form's language: "Yes", "نعم", "بەڵێ", "Erê" (Muster's four
    languages, their words from its catalogue); another form "1" or "true".

    >>> [yes_no(v) for v in ("Yes", "نعم", "بەڵێ", "Erê", "no", "لا", "0", "", "maybe")]
    ['yes', 'yes', 'yes', 'yes', 'no', 'no', 'no', '', None]
    """
    text = value.strip().casefold()
    if not text:
        return ""
    yes, no = _yes_no_words()
    return "yes" if text in yes else "no" if text in no else None


def _add_member(sub: Submission, answers: Mapping[str, object], row: int | None) -> None:
    member = _member(answers)
    sub.members.append(member)
    sub.member_rows.append(row)
    for name in YES_NO_FIELDS:
        read = yes_no(member[name])
        if read is None:
            # "نعم" was read as no: a baby not yet named was refused for want of a given name.
            message = gettext(
                "'%(value)s' is neither yes nor no (in English, Arabic, Sorani or Kurmanji)"
            ) % {"value": member[name][:40]}
            sub.refuse(name, message, len(sub.members))
        else:
            member[name] = read


def _dates_in_the_files_order(batch: ImportBatch) -> None:
    """Dates written day or month first read in the order the file's own dates show (13/02/2015
    says day first), as the reference lists and ``muster match`` read them. Where none says, or
    the file writes them both ways, they are left as written and refused as not a date."""
    members = [
        (row or sub.row, member)
        for sub in batch.submissions
        for member, row in zip(sub.members, sub.member_rows, strict=False)
        if _DAY_OR_MONTH_FIRST.fullmatch(member.get("date_of_birth") or "")
    ]
    try:
        order = date_order((row, member["date_of_birth"]) for row, member in members)
    except PersonCsvError:
        return
    if order is None:
        return
    for _, member in members:
        read = read_date_of_birth(member["date_of_birth"], order)
        if read and read[0]:
            member["date_of_birth"] = read[0]


def _finish(batch: ImportBatch) -> ImportBatch:
    _dates_in_the_files_order(batch)
    seen: dict[str, int] = {}
    for sub in batch.submissions:
        if not sub.members:
            sub.refuse(REPEAT, gettext("the household has no members"))
        if sub.submission_id in seen:
            sub.duplicate = gettext("same submission as row %(row)s of this file") % {
                "row": seen[sub.submission_id]
            }
        elif sub.submission_id:
            seen[sub.submission_id] = sub.row
    return batch
