"""A tracing request and a registered person as the matcher reads them, and the request's checks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from muster.core.parsing import parse_day, parse_int
from muster.identity import NameKey, check_record, normalise_name
from muster.tracing.matching.weights import ESTIMATE_SHIFT, NAME_FIELDS, REQUEST_FIELDS
from muster.tracing.places import sinjar_place


@dataclass(frozen=True, slots=True)
class TraceCandidate:
    """A registered person who may be the one sought, with the evidence field by field."""

    record_id: str
    score: float  # log2 likelihood ratio, bits
    confident: bool
    reading: str  # "birth name" or "renamed": which state explains the evidence better
    explanation: dict[str, dict[str, str]]

    def explanation_text(self) -> str:
        """One line for a CSV cell: ``field level (weight); ...``, strongest evidence first."""
        items = sorted(self.explanation.items(), key=lambda kv: -abs(float(kv[1]["weight"])))
        parts = [f"reading {self.reading}"]
        for field, item in items:
            if field == "other_request":
                parts.append(
                    f"another request claims it: {item['registry']} ({float(item['weight']):+.1f})"
                )
            elif item["level"] == "missing":
                parts.append(f"{field} missing")
            else:
                parts.append(f"{field} {item['level']} ({float(item['weight']):+.1f})")
        return "; ".join(parts)


class RequestError(ValueError):
    """A request that cannot be read; the message names the field."""


@dataclass(slots=True)
class _Person:
    names: tuple[NameKey, ...]  # NAME_FIELDS, then alias
    sex: str
    year: int | None
    place: NameKey
    place_id: str  # a Sinjar place id, or ""
    # The birth year as compared (a registered year without a date of birth: counted from an
    # age, see :data:`ESTIMATE_SHIFT`).
    born: float | None = None


@dataclass(slots=True)
class _Query:
    person: _Person
    centre: float | None  # estimated birth year (a half year when from an age)
    slack: float  # the request's own uncertainty, in years
    place_text: str
    record: dict[str, str]
    # Per name field, the Kurmanji reading of a Latin name with c or ç (Cîhan = Jihan, Hecî =
    # Haji, Çiya = Chiya), compared beside the name as written; None when there is none.
    alts: tuple[NameKey | None, ...] = ()


def _kurmanji_alt(text: str, part: str) -> NameKey | None:
    """The English-style reading of a Kurmanji (Hawar) Latin name, or None.

    The identity normaliser reads x, ş and the long vowels of Hawar already, but c as k: in
    Hawar c is the j of Jihan and ç the ch of Chiya.
    >>> _kurmanji_alt("Cîhan", "given").skeleton, _kurmanji_alt("Jihan", "given") is None
    ('jhn', True)
    """
    if not text or not any(ch in text for ch in "cCçÇ"):
        return None
    if any("\u0600" <= ch <= "\u06ff" for ch in text):
        return None
    out = []
    for i, ch in enumerate(text):
        nxt = text[i + 1 : i + 2]
        if ch in "çÇ":
            out.append("Ch" if ch == "Ç" else "ch")
        elif ch in "cC" and nxt.lower() != "h":
            out.append("J" if ch == "C" else "j")
        else:
            out.append(ch)
    alt = "".join(out)
    return normalise_name(alt, part) if alt != text else None


def _year(record: Mapping[str, str]) -> int | None:
    dob = record.get("date_of_birth") or ""
    year = record.get("birth_year") or dob[:4]
    return int(year) if year else None


def check_request(record: Mapping[str, object], row: int | None = None) -> dict[str, str]:
    """A request as a checked person record plus the request columns (all strings).

    >>> check_request({"record_id": "q1", "given_name": "Nadia", "age_at_separation": "9",
    ...                "separation_date": "2014-08-15"})["age_at_separation"]
    '9'
    """
    where = f"row {row}, " if row else ""
    person = {k: v for k, v in record.items() if k not in REQUEST_FIELDS}
    out = check_record(person, row)
    extra = {f: str(record.get(f) or "").strip() for f in REQUEST_FIELDS}
    when = extra["separation_date"]
    if when:
        # As every day Muster reads: YYYY-MM-DD in any script's digits (an Arabic keyboard's
        # ٢٠١٤-٠٨-١٥), not ISO's other shapes (20140815, 2014-W33-5); passed on in ASCII digits.
        day = parse_day(when)
        if day is None:
            raise RequestError(
                f"{where}column separation_date: '{when}' is not a date (YYYY-MM-DD)"
            )
        extra["separation_date"] = day.isoformat()
    age = extra["age_at_separation"]
    if age:
        years = parse_int(age, lo=0, hi=120)
        if years is None:
            raise RequestError(
                f"{where}column age_at_separation: '{age}' is not an age in years (0-120)"
            )
        extra["age_at_separation"] = str(years)
        if not when:
            raise RequestError(
                f"{where}column separation_date: needed with age_at_separation "
                "(the age is counted from it)"
            )
    return {**out, **extra}


def _name_keys(record: Mapping[str, str]) -> tuple[NameKey, ...]:
    parts = [normalise_name(record.get(f) or "", "family" if f == "family_name" else "given")
             for f in NAME_FIELDS]  # fmt: skip
    parts.append(normalise_name(record.get("alias") or ""))
    return tuple(parts)


def _person(record: Mapping[str, str], place_text: str, registered: bool = False) -> _Person:
    """A person as read; ``registered``: a registration, whose year without a date of birth is
    taken as counted from an age (registration year less the age in whole years: the latest
    year the person can have been born in), so compared :data:`ESTIMATE_SHIFT` years earlier."""
    place = normalise_name(place_text, "place")
    year = _year(record)
    born = float(year) if year is not None else None
    if born is not None and registered and not record.get("date_of_birth"):
        born -= ESTIMATE_SHIFT
    sex = record.get("sex") or ""
    return _Person(_name_keys(record), sex, year, place, sinjar_place(place_text), born)


def _query(request: Mapping[str, str]) -> _Query:
    place_text = request.get("separation_place") or request.get("place_of_origin") or ""
    person = _person(request, place_text)
    age, when = request.get("age_at_separation") or "", request.get("separation_date") or ""
    if person.year is not None:
        centre, slack = float(person.year), 0.0
    elif age and when:
        # Born in the year of separation minus the age, or the year before: the centre of the two.
        centre, slack = int(when[:4]) - int(age) - 0.5, 0.5
    else:
        centre, slack = None, 0.0
    alts = tuple(
        _kurmanji_alt(request.get(f) or "", "family" if f == "family_name" else "given")
        for f in NAME_FIELDS
    )
    return _Query(person, centre, slack, place_text, dict(request), alts)
