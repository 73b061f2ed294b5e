"""Turning what an officer typed (form fields or JSON) into clean values, with messages that name the field.

The HTML forms, the JSON API and the importers all call :func:`clean_member`, so a registration is
validated the same way whichever door it came through.
"""

import datetime as dt
import re
import unicodedata
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from muster.core.countries import all_names as all_country_names
from muster.core.parsing import parse_day
from muster.identity import (
    ascii_digits,
    is_country_code,
    not_known,
    read_nationality,
    unreadable_script,
)
from muster.people.models import (
    NAME_PARTS,
    PROTECTION_FLAGS,
    DobPrecision,
    IdentityDocument,
    Relationship,
    Sex,
)

NAME_MAX = 200
# A nationality as typed: a code, or a country's name or adjective in any script ("Iraqi", "عراقي").
NATIONALITY_MAX = 60
# Codes of ICAO Doc 9303 that passports' machine-readable zones carry (muster.intake.mrz reads
# them) and ISO 3166 has not: Kosovo residents' UNMIK documents, and Utopia, the specimen state of
# the training passports. Every other nationality is a country code (``is_country_code``).
ICAO_ONLY_CODES = frozenset({"UNK", "UTO"})
# Bidi controls that can disguise a name on screen. They are kept exactly as typed (nothing is
# silently changed) but rendering always escapes them and the person page marks the name.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f]")


# Officers type digits on Arabic keyboards: read as the same digits and stored in ASCII, wherever
# a number or date is typed (``muster.identity.ascii_digits``, imported here for the app's callers).


def _is_country(code: str) -> bool:
    """Whether ``code`` is a nationality or issuing state a document can name ("ZZZ" is none)."""
    return is_country_code(code) or code in ICAO_ONLY_CODES


def read_country(text: str) -> str | None:
    """A country as an officer types it, as the ISO 3166-1 alpha-3 code Muster stores: the code,
    the alpha-2 code, or the country's name or adjective ("Iraq", "العراق", "Türkiye", "France",
    "Iraqi"), as ``read_nationality`` reads a list's, or as the forms' list of countries
    (``muster.core.countries``) names it in any language of the interface.

    "" when nothing (or "unknown") is typed; None when the text names no country ("ZZZ", "Kurd").
    """
    code = read_nationality(text)
    if not code or _is_country(code):
        return code
    return _country_names().get(_fold(text))


def _fold(text: str) -> str:
    """A country's name as compared: without case, accents or surrounding blanks."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).strip().casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Every country name ``country_name`` shows, in every language of the interface, folded, to
    its code (the forms' list first)."""
    names: dict[str, str] = {}
    for code, written in all_country_names().items():
        for name in written:
            names.setdefault(_fold(name), code)
    return names


def has_hidden_characters(text: str) -> bool:
    return bool(BIDI_CONTROLS.search(text)) or any(unicodedata.category(ch) == "Cf" for ch in text)


def has_letter(text: str) -> bool:
    """Whether ``text`` holds a letter of any script: "7", "0" or "--" is no name (a slip, or a
    number typed into the name's box), and matching would read it as none."""
    return any(ch.isalpha() for ch in text)


def name_has_hidden_characters(person) -> bool:
    """Whether any of the person's name parts holds an invisible or direction-changing character."""
    return any(has_hidden_characters(getattr(person, p)) for p in NAME_PARTS)


def _text(raw, field: str, errors: dict, required: bool = False, max_length: int = NAME_MAX) -> str:
    value = "" if raw is None else str(raw)
    # Kept exactly as typed (only surrounding blanks trimmed): keys for matching are derived elsewhere.
    value = value.strip()
    if "\x00" in value:
        errors[field] = ValidationError(
            _("contains a NUL character, which cannot be stored"), code="nul_character"
        )
        return ""
    if required and not value:
        errors[field] = ValidationError(_("is required"), code="required")
    elif len(value) > max_length:
        errors[field] = ValidationError(
            ngettext(
                "is too long (%(n)d character; at most %(max)d)",
                "is too long (%(n)d characters; at most %(max)d)",
                len(value),
            )
            % {
                "n": len(value),
                "max": max_length,
            },
            code="too_long",
        )
    return value


def parse_date(raw, field: str, errors: dict) -> dt.date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = ascii_digits(str(raw).strip())
    value = parse_day(text)  # any script's digits, YYYY-MM-DD only
    if value is None:
        errors[field] = ValidationError(
            _("'%(v)s' is not a date (YYYY-MM-DD); use the birth year if only the year is known")
            % {"v": text[:40]},
            code="not_a_date",
        )
    return value


def _int(raw, field: str, errors: dict, lo: int, hi: int) -> int | None:
    if raw in (None, ""):
        return None
    try:
        value = int(ascii_digits(str(raw).strip()))
    except (TypeError, ValueError):
        errors[field] = ValidationError(
            _("'%(v)s' is not a whole number") % {"v": str(raw)[:40]}, code="not_a_number"
        )
        return None
    if not lo <= value <= hi:
        errors[field] = ValidationError(
            _("must be between %(lo)d and %(hi)d") % {"lo": lo, "hi": hi}, code="out_of_range"
        )
        return None
    return value


def _bool(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    return str(raw).strip().lower() in {"1", "true", "on", "yes", "y"}


# The choices' values, read once (Choices.values builds its list anew on every read).
_SEXES = frozenset(Sex.values)
_RELATIONSHIPS = frozenset(Relationship.values)
_DOC_TYPES = frozenset(IdentityDocument.Kind.values)


# The scripts a name is most often typed in that matching cannot read, named in the reader's
# language (others by their Unicode name).
SCRIPT_NAMES = {
    "Greek": pgettext_lazy("script", "Greek"),
    "Hebrew": pgettext_lazy("script", "Hebrew"),
    "CJK": pgettext_lazy("script", "Chinese or Japanese"),
    "Hiragana": pgettext_lazy("script", "Japanese"),
    "Katakana": pgettext_lazy("script", "Japanese"),
    "Hangul": pgettext_lazy("script", "Korean"),
    "Armenian": pgettext_lazy("script", "Armenian"),
    "Georgian": pgettext_lazy("script", "Georgian"),
    "Syriac": pgettext_lazy("script", "Syriac"),
    "Devanagari": pgettext_lazy("script", "Devanagari"),
}


# What officers write as the given name of a newborn not yet named: read as "not yet named" (and
# stored as no given name) for a baby under a year old; any other letterless name is refused.
NOT_YET_NAMED_MARKERS = frozenset({"-", "\u2013", "\u2014"})


def _unnamed_asked(raw: dict) -> bool:
    """Whether ``raw`` says its person has no given name yet: the "not yet named" box ticked with
    the given name left empty, or a marker ("-", "—") written as the given name. A name written
    wins over the box (the person has been named)."""
    typed = "" if raw.get("given_name") is None else str(raw.get("given_name")).strip()
    return typed in NOT_YET_NAMED_MARKERS or (not typed and _bool(raw.get("not_yet_named", False)))


def _under_a_year(out: dict, today: dt.date) -> bool:
    dob = out.get("date_of_birth")
    if dob is not None:
        return (today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))) < 1
    return out.get("birth_year") == today.year


def clean_member(raw: dict, *, today: dt.date | None = None, keep_unnamed: bool = False) -> dict:
    """Validate one person's registration fields; raise ValidationError({field: [message]}).

    Date of birth may be given as a full date, a year only, or an estimated age in years.
    A baby under a year old may be registered not yet named (see ``_unnamed_asked``): no given
    name, ``not_yet_named`` set. ``keep_unnamed``: the person is already so (a correction of
    another field a year later is not refused for the age).
    """
    today = today or dt.date.today()
    errors: dict[str, str] = {}
    out: dict = {}
    unnamed = _unnamed_asked(raw)
    for part in NAME_PARTS:
        if part == "given_name" and unnamed:
            out[part] = ""
            continue
        out[part] = _text(raw.get(part), part, errors, required=(part == "given_name"))
        if part != "given_name" and out[part] and not_known(out[part]):
            # "غير معروف", "unknown", "-": not known, stored as none (it was a father named "Ghir
            # Marouf" in the other script, and a name search scored him lower).
            out[part] = ""
        script = unreadable_script(out[part]) if out[part] else ""
        if part == "given_name" and out[part] and part not in errors and not has_letter(out[part]):
            errors[part] = ValidationError(
                _("'%(v)s' has no letter: write the name in Arabic, Latin or Cyrillic letters")
                % {"v": out[part][:40]},
                code="no_letter",
            )
        elif script:
            # Stored, it would be a name that matching reads as none: no duplicate, no hit.
            errors[part] = ValidationError(
                _(
                    "is written in %(script)s letters, which Muster cannot compare with other "
                    "names: write it in Arabic, Latin or Cyrillic letters"
                )
                % {"script": SCRIPT_NAMES.get(script, script)},
                code="unreadable_script",
            )

    sex = str(raw.get("sex") or "U").strip().upper()[:1] or "U"
    if sex not in _SEXES:
        errors["sex"] = ValidationError(_("must be M, F or U (unknown)"), code="not_a_sex")
    out["sex"] = sex

    dob = parse_date(raw.get("date_of_birth"), "date_of_birth", errors)
    year = _int(raw.get("birth_year"), "birth_year", errors, 1900, today.year)
    age = _int(raw.get("estimated_age"), "estimated_age", errors, 0, 120)
    if dob is not None:
        if dob > today:
            errors["date_of_birth"] = ValidationError(_("is in the future"), code="date_in_future")
        elif dob.year < 1900:
            errors["date_of_birth"] = ValidationError(_("is before 1900"), code="date_before_1900")
        if year is not None and year != dob.year:
            errors["birth_year"] = ValidationError(
                _("does not agree with the date of birth (%(y)d)") % {"y": dob.year},
                code="birth_year_mismatch",
            )
        out.update(date_of_birth=dob, birth_year=dob.year, dob_precision=DobPrecision.DAY)
    elif year is not None:
        out.update(date_of_birth=None, birth_year=year, dob_precision=DobPrecision.YEAR)
    elif age is not None:
        out.update(
            date_of_birth=None, birth_year=today.year - age, dob_precision=DobPrecision.ESTIMATED
        )
    else:
        out.update(date_of_birth=None, birth_year=None, dob_precision=DobPrecision.YEAR)
    if unnamed and not keep_unnamed and not _under_a_year(out, today):
        errors["given_name"] = ValidationError(
            _(
                "is required: a baby under a year old may be registered not yet named (with "
                "the date of birth or age), no one older"
            ),
            code="not_yet_named_too_old",
        )
    out["not_yet_named"] = unnamed

    # A country's name or adjective (Iraq, Iraqi, عراقي) or alpha-2 code is stored as its code;
    # three letters that are no code ("ZZZ") are refused, not stored as if a country (ICAO's codes
    # for the stateless, XXA, and the unspecified, XXX, are codes).
    written = _text(raw.get("nationality"), "nationality", errors, max_length=NATIONALITY_MAX)
    nationality = read_country(written)
    if nationality is None:
        nationality = written.upper()
        errors["nationality"] = ValidationError(
            _("'%(v)s' is not an ISO 3166 alpha-3 code (e.g. SYR, IRQ)") % {"v": written[:40]},
            code="not_a_country",
        )
    out["nationality"] = nationality
    out["place_of_origin"] = _text(raw.get("place_of_origin"), "place_of_origin", errors)
    out["origin_pcode"] = ascii_digits(
        _text(raw.get("origin_pcode"), "origin_pcode", errors, max_length=20)
    )

    relationship = str(raw.get("relationship_to_head") or Relationship.HEAD).strip()
    if relationship not in _RELATIONSHIPS:
        errors["relationship_to_head"] = ValidationError(
            _("'%(v)s' is not a known relationship") % {"v": relationship[:40]},
            code="not_a_relationship",
        )
    out["relationship_to_head"] = relationship

    for flag in PROTECTION_FLAGS:
        out[flag] = _bool(raw.get(flag, False))
    _check_flags(out, errors, today)

    docs = []
    for i, doc in enumerate(raw.get("documents") or []):
        doc_errors: dict[str, str] = {}
        number = ascii_digits(_text(doc.get("number"), "number", doc_errors, max_length=60))
        doc_type = str(doc.get("doc_type") or "").strip()
        if not number and not doc_type:
            continue  # an empty document row in the form
        if not number:
            doc_errors["number"] = ValidationError(
                _("is required for a document"), code="document_number_required"
            )
        if doc_type not in _DOC_TYPES:
            doc_errors["doc_type"] = ValidationError(
                _("'%(v)s' is not a known document type") % {"v": doc_type[:40]},
                code="not_a_document_type",
            )
        country = _text(doc.get("issuing_country"), "issuing_country", doc_errors, max_length=3)
        country = country.upper()
        if country and not _is_country(country):
            doc_errors["issuing_country"] = ValidationError(
                _("'%(v)s' is not an ISO 3166 alpha-3 code") % {"v": country}, code="not_a_country"
            )
        mrz = _text(doc.get("mrz"), "mrz", doc_errors, max_length=200)
        expires_on = parse_date(doc.get("expires_on"), "expires_on", doc_errors)
        if "expires_on" in doc_errors:  # not the birth date's advice about a year
            text = ascii_digits(str(doc.get("expires_on")).strip())
            doc_errors["expires_on"] = ValidationError(
                _("'%(v)s' is not a date (YYYY-MM-DD)") % {"v": text[:40]}, code="not_a_date"
            )
        for key, msg in doc_errors.items():
            errors[f"documents[{i}].{key}"] = msg
        docs.append(
            dict(
                doc_type=doc_type,
                number=number,
                issuing_country=country,
                mrz=mrz,
                expires_on=expires_on,
            )
        )
    out["documents"] = docs

    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})
    return out


def age_range(dob: dt.date | None, birth_year: int | None, today: dt.date):
    """(youngest, oldest) the person can be today: a year alone leaves a year's doubt."""
    if dob is not None:
        age = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
        return age, age
    if birth_year is not None:
        return max(today.year - birth_year - 1, 0), today.year - birth_year
    return None, None


def _check_flags(out: dict, errors: dict, today: dt.date) -> None:
    """Refuse flags that contradict sex or age, so a protection list is not polluted by a typo."""
    youngest, oldest = age_range(out.get("date_of_birth"), out.get("birth_year"), today)
    if out.get("pregnant"):
        if out.get("sex") == "M":
            errors.setdefault(
                "pregnant",
                ValidationError(_("cannot be ticked for a male"), code="flag_contradicts_sex"),
            )
        elif oldest is not None and oldest < 12:
            errors.setdefault(
                "pregnant",
                ValidationError(
                    _("cannot be ticked for a child under 12"), code="flag_contradicts_age"
                ),
            )
    for flag in ("unaccompanied_child", "separated_child"):
        if out.get(flag) and youngest is not None and youngest >= 18:
            errors.setdefault(
                flag,
                ValidationError(
                    ngettext(
                        "is for children under 18; this person is %(n)d year old",
                        "is for children under 18; this person is %(n)d years old",
                        youngest,
                    )
                    % {"n": youngest},
                    code="flag_contradicts_age",
                ),
            )


def clean_household(members_raw: list[dict], *, today: dt.date | None = None) -> list[dict]:
    """Validate a whole household; errors are keyed ``members[i].field``. Head must come first."""
    if not members_raw:
        raise ValidationError(
            {"members": [ValidationError(_("at least one person is required"), code="required")]}
        )
    errors: dict[str, list[ValidationError]] = {}
    cleaned: list[dict] = []
    for i, raw in enumerate(members_raw):
        if not isinstance(raw, dict):
            errors[f"members[{i}]"] = [
                ValidationError(_("must be an object of person fields"), code="not_an_object")
            ]
            continue
        if i == 0 and not raw.get("relationship_to_head"):
            raw = {**raw, "relationship_to_head": Relationship.HEAD}
        try:
            cleaned.append(clean_member(raw, today=today))
        except ValidationError as exc:
            for field, messages in exc.error_dict.items():
                errors[f"members[{i}].{field}"] = messages
    heads = [m for m in cleaned if m["relationship_to_head"] == Relationship.HEAD]
    if not errors and len(heads) != 1:
        errors["members"] = [
            ValidationError(
                ngettext(
                    "a household has exactly one head (found %(n)d)",
                    "a household has exactly one head (found %(n)d)",
                    len(heads),
                )
                % {"n": len(heads)},
                code="one_head",
            )
        ]
    if not errors and cleaned[0]["relationship_to_head"] != Relationship.HEAD:
        errors["members[0].relationship_to_head"] = [
            ValidationError(_("the first person must be the head"), code="head_first")
        ]
    if not errors:
        errors.update(_generations(cleaned))
    if errors:
        raise ValidationError(errors)
    return cleaned


# A son or daughter is born this many years after the head at least, a father or mother before
# (an estimated age may be off by ESTIMATE_SLACK years; a year alone by one).
GENERATION_YEARS, ESTIMATE_SLACK = 10, 5
_CHILDREN = {Relationship.SON, Relationship.DAUGHTER}
_PARENTS = {Relationship.FATHER, Relationship.MOTHER}


def _generations(cleaned: list[dict]) -> dict[str, list[ValidationError]]:
    """A son or daughter born before the head (or a father after): a slip of a date or of the
    relationship, which went on record unremarked (a daughter born in 1970 of a head of 1980)."""
    head = cleaned[0]
    out: dict[str, list[ValidationError]] = {}

    def slack(member: dict) -> int:
        return ESTIMATE_SLACK if member["dob_precision"] == DobPrecision.ESTIMATED else 1

    for i, member in enumerate(cleaned[1:], start=1):
        relation = member["relationship_to_head"]
        if relation not in _CHILDREN | _PARENTS:
            continue
        if head["birth_year"] is None or member["birth_year"] is None:
            continue
        gap = member["birth_year"] - head["birth_year"]
        if relation in _PARENTS:
            gap = -gap
        if gap >= GENERATION_YEARS - slack(head) - slack(member):
            continue
        field = "date_of_birth" if member["date_of_birth"] else "birth_year"
        message = (
            _("a son or daughter of the head is born after the head (born %(y)d): check the date "
              "or the relationship")
            if relation in _CHILDREN
            else _("a father or mother of the head is born before the head (born %(y)d): check "
                   "the date or the relationship")
        ) % {"y": head["birth_year"]}  # fmt: skip
        out[f"members[{i}].{field}"] = [ValidationError(message, code="generations")]
    return out
