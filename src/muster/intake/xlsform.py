"""The household registration form as an XLSForm, for KoboToolbox and ODK Collect.

The form asks what the reception page asks, with the same limits (:mod:`muster.people.validation`),
so a submission that passes the phone's constraints passes Muster's validation too. Choice lists are
read from Muster's own lists (the model choices and the protection flags), labels in English and
Arabic come from Muster's translation catalogue; the few texts only this form has carry their
Arabic here. Question names are those :mod:`muster.intake.kobo` reads back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from django.utils import translation

from muster.intake import kobo
from muster.people.models import PROTECTION_FLAGS, DobPrecision, IdentityDocument, Relationship, Sex
from muster.people.validation import NAME_MAX

FORM_ID = "muster_household"
LANGUAGES = (("English (en)", "en"), ("Arabic (ar)", "ar"))
ISO3_CONSTRAINT = "regex(., '^[A-Z]{3}$')"

# Texts of this form that the reception page does not have (so the catalogue has no Arabic).
_ARABIC = {
    "Household members": "أفراد الأسرة",
    "Head of household first, then each family member.": "ربّ الأسرة أولاً، ثم كل فرد من أفراد الأسرة.",
    "The first person is the head of household, and only the first.": (
        "الشخص الأول هو ربّ الأسرة، ولا يكون غيره ربّاً للأسرة."
    ),
    "What is known of the date of birth?": "ما المعروف عن تاريخ الميلاد؟",
    "Leave empty if nothing is known.": "اتركه فارغاً إذا لم يُعرف شيء.",
    "At most 200 characters.": "200 حرف على الأكثر.",
    "Three capital letters (ISO 3166), e.g. SYR, IRQ.": "ثلاثة أحرف لاتينية كبيرة (ISO 3166)، مثل SYR أو IRQ.",
    "Protection needs": "احتياجات الحماية",
    "Document type": "نوع الوثيقة",
    "Document number": "رقم الوثيقة",
    "At most 60 characters.": "60 حرفاً على الأكثر.",
    "The two or three lines at the foot of the passport or ID card, as printed.": (
        "السطران أو الأسطر الثلاثة في أسفل جواز السفر أو البطاقة، كما هي مطبوعة."
    ),
    "Muster household registration": "تسجيل أسرة في Muster",
    "Yes": "نعم",
    "No": "لا",
    "Leave the given name empty: Muster records the baby as not yet named, to be named later by a "
    "correction.": "اترك الاسم الأول فارغاً: يسجّل Muster الرضيع بلا اسم بعد، ويُسمّى لاحقاً بتصحيح.",
    "Not in the future, not before 1900; for a baby not yet named, under a year ago.": (
        "ليس في المستقبل، ولا قبل عام 1900؛ وللرضيع الذي لم يُسمَّ بعد: منذ أقل من سنة."
    ),
    "Between 1900 and this year; for a baby not yet named, this year.": (
        "بين 1900 والسنة الحالية؛ وللرضيع الذي لم يُسمَّ بعد: السنة الحالية."
    ),
    "Between 0 and 120 years; for a baby not yet named, 0.": (
        "بين 0 و120 سنة؛ وللرضيع الذي لم يُسمَّ بعد: 0."
    ),
}

SURVEY_COLUMNS = [
    "type",
    "name",
    *(f"label::{lang}" for lang, _ in LANGUAGES),
    *(f"hint::{lang}" for lang, _ in LANGUAGES),
    "required",
    "relevant",
    "constraint",
    *(f"constraint_message::{lang}" for lang, _ in LANGUAGES),
    "appearance",
]
CHOICE_COLUMNS = ["list_name", "name", *(f"label::{lang}" for lang, _ in LANGUAGES)]
SETTINGS_COLUMNS = ["form_title", "form_id", "version", "default_language"]


def _in_both(text) -> dict[str, str]:
    """English and Arabic of a text: Muster's catalogue first, then this form's own Arabic."""
    out = {}
    for lang, code in LANGUAGES:
        with translation.override(code):
            value = str(translation.gettext(str(text)))
        if code == "ar" and value == str(text):
            value = _ARABIC.get(str(text), value)
        out[lang] = value
    return out


def _question(
    type_: str,
    name: str,
    label,
    *,
    hint=None,
    required: bool | str = False,
    relevant: str = "",
    constraint: str = "",
    message=None,
    appearance: str = "",
) -> dict:
    # ``required``: always (True), or when an expression holds ("${not_yet_named} != 'yes'").
    required = required if isinstance(required, str) else ("yes" if required else "")
    row = {"type": type_, "name": name, "required": required}
    for lang, text in _in_both(label).items():
        row[f"label::{lang}"] = text
    if hint:
        row.update({f"hint::{lang}": text for lang, text in _in_both(hint).items()})
    if message:
        row.update({f"constraint_message::{lang}": t for lang, t in _in_both(message).items()})
    row.update(relevant=relevant, constraint=constraint, appearance=appearance)
    return row


def _choices(list_name: str, items) -> list[dict]:
    rows = []
    for value, label in items:
        row = {"list_name": list_name, "name": value}
        row.update({f"label::{lang}": text for lang, text in _in_both(label).items()})
        rows.append(row)
    return rows


def _length(limit: int) -> str:
    return f"string-length(.) <= {limit}"


_UNNAMED = "${not_yet_named} = 'yes'"
_NAMED = "${not_yet_named} != 'yes'"
_THIS_YEAR = "number(format-date(today(), '%Y'))"
# Under a year old: the first birthday not yet come (as ``clean_member`` counts it).
_UNDER_A_YEAR = (
    f"(number(format-date(., '%Y')) = {_THIS_YEAR} - 1 and number(format-date(., '%m%d')) > "
    f"number(format-date(today(), '%m%d'))) or number(format-date(., '%Y')) = {_THIS_YEAR}"
)
# A head of household, a spouse or a parent is no newborn: the question is not put for them.
_NEVER_A_NEWBORN = tuple(
    r.value
    for r in (Relationship.HEAD, Relationship.SPOUSE, Relationship.FATHER, Relationship.MOTHER)
)


def household_form(reception_points: Sequence[tuple[str, str]]) -> dict[str, list[dict]]:
    """The form's sheets as rows of ``{column: value}``.

    ``reception_points``: (value, name) of each reception point the form offers; without any, the
    point is typed as text.
    """
    too_long = "At most 200 characters."
    # The repeat's position says who is the head: the first person, and nobody else.
    head_rule = "(position(..) = 1 and . = 'head') or (position(..) > 1 and . != 'head')"
    survey = [
        {"type": "start", "name": "start"},
        {"type": "end", "name": "end"},
        _question(
            "select_one reception_point" if reception_points else "text",
            kobo.RECEPTION_POINT,
            "Reception point",
            required=True,
        ),
        _question(
            "begin_repeat",
            kobo.REPEAT,
            "Household members",
            hint="Head of household first, then each family member.",
        ),
        _question(
            "select_one relationship",
            "relationship_to_head",
            "Relationship to head",
            required=True,
            constraint=head_rule,
            message="The first person is the head of household, and only the first.",
        ),
        # Asked before the name it spares (the age is asked after the names): offered to a child
        # of the family, and the date of birth, year or age then must say under a year old, as
        # Muster's validation (``clean_member``) requires.
        _question(
            "select_one yes_no",
            "not_yet_named",
            "Not yet named (a baby under a year old)",
            hint="Leave the given name empty: Muster records the baby as not yet named, to be "
            "named later by a correction.",
            relevant=" and ".join(f"${{relationship_to_head}} != '{r}'" for r in _NEVER_A_NEWBORN),
        ),
        _question(
            "text",
            "given_name",
            "Given name",
            required=_NAMED,
            relevant=_NAMED,
            constraint=_length(NAME_MAX),
            message=too_long,
        ),
        *(
            _question("text", name, label, constraint=_length(NAME_MAX), message=too_long)
            for name, label in (
                ("father_name", "Father's name"),
                ("grandfather_name", "Grandfather's name"),
                ("family_name", "Family / tribal name"),
                ("mother_name", "Mother's name"),
                ("alias", "Alias / kunya"),
            )
        ),
        _question("select_one sex", "sex", "Sex", required=True),
        _question(
            "select_one dob_known",
            "dob_known",
            "What is known of the date of birth?",
            hint="Leave empty if nothing is known.",
            required=_UNNAMED,
        ),
        _question(
            "date",
            "date_of_birth",
            "Date of birth",
            required=True,
            relevant="${dob_known} = 'day'",
            constraint=". <= today() and . >= date('1900-01-01') and "
            f"(not({_UNNAMED}) or {_UNDER_A_YEAR})",
            message="Not in the future, not before 1900; for a baby not yet named, under a year ago.",
        ),
        _question(
            "integer",
            "birth_year",
            "or year of birth",
            required=True,
            relevant="${dob_known} = 'year'",
            constraint=f". >= 1900 and . <= {_THIS_YEAR} and (not({_UNNAMED}) or . = {_THIS_YEAR})",
            message="Between 1900 and this year; for a baby not yet named, this year.",
        ),
        _question(
            "integer",
            "estimated_age",
            "or estimated age",
            required=True,
            relevant="${dob_known} = 'estimated'",
            constraint=f". >= 0 and . <= 120 and (not({_UNNAMED}) or . = 0)",
            message="Between 0 and 120 years; for a baby not yet named, 0.",
        ),
        _question(
            "text",
            "nationality",
            "Nationality",
            hint="Three capital letters (ISO 3166), e.g. SYR, IRQ.",
            constraint=ISO3_CONSTRAINT,
            message="Three capital letters (ISO 3166), e.g. SYR, IRQ.",
        ),
        _question(
            "text",
            "place_of_origin",
            "Place of origin",
            constraint=_length(NAME_MAX),
            message=too_long,
        ),
        _question("select_multiple vulnerability", "vulnerabilities", "Protection needs"),
        _question("select_one doc_type", "doc_type", "Document type"),
        _question(
            "text",
            "doc_number",
            "Document number",
            required=True,
            relevant="${doc_type} != ''",
            constraint=_length(60),
            message="At most 60 characters.",
        ),
        _question(
            "text",
            "doc_issuing_country",
            "Issuing country",
            relevant="${doc_type} != ''",
            constraint=ISO3_CONSTRAINT,
            message="Three capital letters (ISO 3166), e.g. SYR, IRQ.",
        ),
        _question(
            "text",
            "doc_mrz",
            "Machine-readable zone (optional)",
            hint="The two or three lines at the foot of the passport or ID card, as printed.",
            relevant="${doc_type} = 'passport' or ${doc_type} = 'national_id'",
            constraint=_length(200),
            appearance="multiline",
        ),
        {"type": "end_repeat", "name": kobo.REPEAT},
    ]
    choices = [
        *_choices("relationship", Relationship.choices),
        *_choices("yes_no", (("yes", "Yes"), ("no", "No"))),
        *_choices("sex", Sex.choices),
        *_choices("dob_known", DobPrecision.choices),
        *_choices("vulnerability", PROTECTION_FLAGS.items()),
        *_choices("doc_type", IdentityDocument.Kind.choices),
    ]
    for value, name in reception_points:
        # A place's name is the same in both languages.
        row = {"list_name": "reception_point", "name": value}
        row.update({f"label::{lang}": name for lang, _ in LANGUAGES})
        choices.append(row)
    content = json.dumps([survey, choices], ensure_ascii=False, sort_keys=True)
    settings = {
        "form_title": _in_both("Muster household registration")["English (en)"],
        "form_id": FORM_ID,
        # Same questions and choices, same version: Kobo and Central tell form versions apart by it.
        "version": hashlib.sha256(content.encode()).hexdigest()[:12],
        "default_language": LANGUAGES[0][0],
    }
    return {"survey": survey, "choices": choices, "settings": [settings]}


def write_xlsform(
    path: str | Path | BinaryIO, reception_points: Sequence[tuple[str, str]]
) -> Path | BinaryIO:
    """Write the form as an .xlsx workbook with survey, choices and settings sheets (to a file,
    or to an open binary stream: the import page's download)."""
    from openpyxl import Workbook

    sheets = household_form(reception_points)
    columns = {"survey": SURVEY_COLUMNS, "choices": CHOICE_COLUMNS, "settings": SETTINGS_COLUMNS}
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(columns[name])
        for row in rows:
            sheet.append([row.get(col, "") or None for col in columns[name]])
    out = Path(path) if isinstance(path, str | Path) else path
    book.save(out)
    return out
