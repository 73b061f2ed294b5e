"""The values an MRZ holds: fields, check digits and the result of reading a zone."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field

FILLER = "<"
_VALUES = {**{str(d): d for d in range(10)}, **{chr(65 + i): 10 + i for i in range(26)}, "<": 0}
_WEIGHTS = (7, 3, 1)
_DATE = re.compile(r"\d{2}(\d{2}|<<)(\d{2}|<<)")


def gettext_noop(message: str) -> str:
    """Marks an English message for the translators (``makemessages`` reads these calls) without
    importing Django: a page shows it in the officer's language through
    :func:`muster.intake.documents.mrz_message`."""
    return message


class Text(str):
    """A message about a zone: the English text (``str``, what the command line and the API show)
    with its template and the values it names kept apart, so that a page can say it in the
    officer's language. A value that is itself a :class:`Text` is translated with it; ``field``
    names a field of the zone (``date_of_birth``).

    >>> t = at(2, "sex", Text(gettext_noop("%(sex)s is not M, F, X or <"), sex="'Q'"))
    >>> str(t), t.template, t.params["message"].template
    ("line 2, sex: 'Q' is not M, F, X or <", 'line %(line)s, %(field)s: %(message)s', '%(sex)s is not M, F, X or <')
    """

    template: str
    params: dict

    def __new__(cls, template: str, **params: object) -> Text:
        text = super().__new__(cls, template % params if params else template)
        text.template, text.params = template, params
        return text


def at(line: int | None, field: str, message: Text) -> Text:
    """``message`` said of a line (1-based) and a field: "line 2, date_of_birth: …"."""
    if line and field:
        where = gettext_noop("line %(line)s, %(field)s: %(message)s")
        return Text(where, line=line, field=field, message=message)
    if line:
        return Text(gettext_noop("line %(line)s: %(message)s"), line=line, message=message)
    if field:
        return Text(gettext_noop("%(field)s: %(message)s"), field=field, message=message)
    return message


# Codes in Doc 9303 part 3 that are not ISO 3166-1 alpha-3, and what Muster stores for them.
ICAO_TO_ISO3 = {"D": "DEU", "GBD": "GBR", "GBN": "GBR", "GBO": "GBR", "GBP": "GBR", "GBS": "GBR"}
SPECIAL_CODES = {
    "UTO": gettext_noop("Utopia (the specimen state of Doc 9303)"),
    "XXA": gettext_noop("stateless person"),
    "XXB": gettext_noop("refugee (1951 Convention)"),
    "XXC": gettext_noop("refugee (other)"),
    "XXX": gettext_noop("nationality unspecified"),
    "UNO": gettext_noop("United Nations Organization official"),
    "UNA": gettext_noop("United Nations specialized agency official"),
    "UNK": gettext_noop("resident of Kosovo (UNMIK)"),
    "EUE": gettext_noop("European Union"),
}

TD1, TD2, TD3, MRV_A, MRV_B = "TD1", "TD2", "TD3", "MRV-A", "MRV-B"


class MRZError(ValueError):
    """The zone cannot be read: the message names the line (1-based) and the field. ``message`` is
    an English template (marked with :func:`gettext_noop`) filled with ``params``; ``text`` is the
    whole message as a :class:`Text`, for a page to translate."""

    def __init__(self, message: str, *, line: int | None = None, field: str = "", **params):
        self.line, self.field = line, field
        self.text = at(line, field, Text(message, **params))
        super().__init__(str(self.text))


@dataclass(frozen=True)
class Check:
    """One check digit: which field it covers, what the data gives, what the zone holds."""

    field: str
    expected: str
    found: str
    ok: bool
    suggestion: str = ""

    def __str__(self) -> str:
        if self.ok:
            return f"{self.field}: check digit {self.found} OK"
        text = f"{self.field}: check digit is {self.found!r}, the data gives {self.expected!r}"
        return f"{text}; {self.suggestion}" if self.suggestion else text


@dataclass
class MRZ:
    """What the zone says. Dates are ``None`` where the zone leaves them unknown (fillers)."""

    format: str
    document_code: str
    document_type: str  # passport, id_card, visa or other
    issuing_state: str
    document_number: str
    family_name: str
    given_names: str
    nationality: str
    date_of_birth: dt.date | None
    birth_year: int | None
    sex: str  # M, F, X or < (unspecified), as printed
    expiry: dt.date | None
    optional_data: str
    optional_data_2: str = ""
    lines: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems and all(c.ok for c in self.checks)

    @property
    def failed_checks(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    def to_dict(self) -> dict:
        out = asdict(self)
        for key in ("date_of_birth", "expiry"):
            out[key] = out[key].isoformat() if out[key] else None
        out["valid"] = self.valid
        return out

    def person_fields(self) -> dict:
        """The person's fields as Muster's registration takes them (``clean_member`` input).

        Doc 9303 has two name parts only: the primary identifier goes to ``family_name`` and all
        secondary identifiers to ``given_name``; how an Arabic name divides into given, father's
        and grandfather's names is not in the zone, so the officer splits it if needed.
        """
        out: dict = {
            "given_name": self.given_names,
            "family_name": self.family_name,
            "sex": self.sex if self.sex in ("M", "F") else "U",
            "nationality": iso3(self.nationality),
        }
        if self.date_of_birth:
            out["date_of_birth"] = self.date_of_birth.isoformat()
        elif self.birth_year:
            out["birth_year"] = self.birth_year
        return out

    def document_fields(self) -> dict:
        """An identity document as Muster's registration takes it (``documents[i]`` of a member)."""
        kind = {"passport": "passport", "id_card": "national_id"}.get(self.document_type, "other")
        return {
            "doc_type": kind,
            "number": self.document_number,
            "issuing_country": iso3(self.issuing_state),
            "mrz": "\n".join(self.lines),
            "expires_on": self.expiry.isoformat() if self.expiry else "",
        }


def iso3(code: str) -> str:
    """The ISO 3166 alpha-3 code Muster stores for an MRZ state code (``D`` is Germany)."""
    return ICAO_TO_ISO3.get(code, code)


def check_digit(text: str) -> str:
    """The Doc 9303 check digit of ``text`` (weights 7, 3, 1; A=10 ... Z=35; filler 0)."""
    return str(sum(_VALUES[ch] * _WEIGHTS[i % 3] for i, ch in enumerate(text)) % 10)


def _state(code: str, n: int, name: str, problems: list[str], warnings: list[str]) -> str:
    if code == "D<<":
        return "D"
    if FILLER in code or len(code) != 3:
        message = gettext_noop("%(code)s is not a state code (3 letters, or D<< for Germany)")
        problems.append(at(n, name, Text(message, code=repr(code))))
        return code.strip(FILLER)
    if code in SPECIAL_CODES:
        description = Text(SPECIAL_CODES[code])
        special = gettext_noop("%(field)s %(code)s: %(description)s")
        warnings.append(Text(special, field=name, code=code, description=description))
    return code


def _name(field_text: str, n: int, warnings: list[str]) -> tuple[str, str]:
    """Primary and secondary identifiers: ``<<`` between them, ``<`` between the parts of each."""
    if not field_text.endswith(FILLER):
        cut = gettext_noop("fills the whole field and may have been cut short")
        warnings.append(at(n, "name", Text(cut)))
    body = field_text.rstrip(FILLER)
    primary, _, secondary = body.partition("<<")
    # A further double filler inside the secondary identifiers separates nothing more.
    parts = lambda s: " ".join(p for p in s.split(FILLER) if p)  # noqa: E731
    return parts(primary), parts(secondary)


def _date(
    text: str, n: int, name: str, problems: list[str], warnings: list[str], *, today: dt.date
) -> tuple[dt.date | None, int | None]:
    """A YYMMDD date; the century is the one that puts a birth in the past and an expiry near now.

    Doc 9303 writes fillers for the unknown parts of a date of birth (``74<<<<``, ``7408<<``).
    """
    if text == FILLER * 6:
        return None, None
    yy, mm, dd = text[:2], text[2:4], text[4:]
    if not _DATE.fullmatch(text) or (mm == "<<" and dd != "<<"):
        message = gettext_noop("%(text)s is not a date (YYMMDD, '<' for unknown parts)")
        problems.append(at(n, name, Text(message, text=repr(text))))
        return None, None
    y = int(yy)
    if name == "date_of_birth":
        year = 2000 + y if 2000 + y <= today.year else 1900 + y
    else:
        year = 2000 + y if 2000 + y <= today.year + 20 else 1900 + y
    if mm == "<<" or dd == "<<":
        warnings.append(
            at(n, name, Text(gettext_noop("only the year (%(year)s) is given"), year=year))
        )
        return None, year
    try:
        day = dt.date(year, int(mm), int(dd))
    except ValueError:
        message = gettext_noop("%(text)s is not a date (YYMMDD)")
        problems.append(at(n, name, Text(message, text=repr(text))))
        return None, None
    if name == "date_of_birth" and day > today:
        # The year is today's, the day later on: a child born this day last century, or a typo.
        day = dt.date(year - 100, day.month, day.day)
    return day, year


def _check(name: str, data: str, found: str, *, may_be_filler: bool = False) -> Check:
    expected = check_digit(data)
    ok = found == expected or (may_be_filler and found == FILLER and not data.strip(FILLER))
    return Check(name, expected, found, ok)


def _document_type(code: str) -> str:
    first = code[:1]
    if first == "P":
        return "passport"
    if first == "V":
        return "visa"
    if first in ("I", "A", "C"):
        return "id_card"
    return "other"


def _sex(ch: str, n: int, problems: list[str]) -> str:
    if ch not in ("M", "F", "X", FILLER):
        problems.append(
            at(n, "sex", Text(gettext_noop("%(sex)s is not M, F, X or <"), sex=repr(ch)))
        )
    return ch
