"""Reading the machine-readable zone (MRZ) of passports, ID cards and visas, as ICAO Doc 9303 lays it out.

Pure Python, no Django: the reception form, the API and ``muster mrz parse`` call :func:`parse_mrz`
with the two or three lines as a hand-held scanner or a clerk typed them.

Formats (Doc 9303 parts 4-7): TD1 (3 lines of 30, ID cards), TD2 (2 lines of 36), TD3 (2 lines of 44,
passports), MRV-A (2 x 44) and MRV-B (2 x 36) visas. Every check digit is verified; a wrong one is
reported with the field, the digit expected and the digit found, and the zone is then not valid.

What a clerk's typing gets wrong is put right only where the field says what it must be: a letter O
typed in a date is a zero, a 0 typed in a country code or a name is an O, lowercase is read as capitals,
missing trailing fillers are added. Each such change is listed in ``warnings``. The document number
may hold both letters and digits, so an O/0 there is never changed: its check digit decides, and a
failed check names the look-alike characters to compare with the printed document.
Anything else that cannot be read raises :class:`MRZError` naming the line and the field.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

FILLER = "<"
_VALUES = {**{str(d): d for d in range(10)}, **{chr(65 + i): 10 + i for i in range(26)}, "<": 0}
_WEIGHTS = (7, 3, 1)
_ALLOWED = re.compile(r"[A-Z0-9<]")
_DATE = re.compile(r"\d{2}(\d{2}|<<)(\d{2}|<<)")

# Look-alikes, read the way the field's type requires.
_AS_DIGIT = {
    "O": "0",
    "Q": "0",
    "D": "0",
    "I": "1",
    "L": "1",
    "Z": "2",
    "S": "5",
    "B": "8",
    "G": "6",
}
_AS_LETTER = {"0": "O", "1": "I", "2": "Z", "5": "S", "8": "B", "6": "G"}
# Pairs a clerk confuses in a document number, where both are legal: named when its check fails.
_SWAPS = {"O": "0", "0": "O", "I": "1", "1": "I", "S": "5", "5": "S", "B": "8", "8": "B", "Z": "2",
          "2": "Z", "Q": "0", "D": "0", "G": "6", "6": "G"}  # fmt: skip

# Codes in Doc 9303 part 3 that are not ISO 3166-1 alpha-3, and what Muster stores for them.
ICAO_TO_ISO3 = {"D": "DEU", "GBD": "GBR", "GBN": "GBR", "GBO": "GBR", "GBP": "GBR", "GBS": "GBR"}
SPECIAL_CODES = {
    "UTO": "Utopia (the specimen state of Doc 9303)",
    "XXA": "stateless person",
    "XXB": "refugee (1951 Convention)",
    "XXC": "refugee (other)",
    "XXX": "nationality unspecified",
    "UNO": "United Nations Organization official",
    "UNA": "United Nations specialized agency official",
    "UNK": "resident of Kosovo (UNMIK)",
    "EUE": "European Union",
}

TD1, TD2, TD3, MRV_A, MRV_B = "TD1", "TD2", "TD3", "MRV-A", "MRV-B"
_SHAPES = {TD1: (3, 30), TD2: (2, 36), TD3: (2, 44), MRV_A: (2, 44), MRV_B: (2, 36)}


class MRZError(ValueError):
    """The zone cannot be read: the message names the line (1-based) and the field."""

    def __init__(self, message: str, *, line: int | None = None, field: str = ""):
        self.line, self.field = line, field
        where = ", ".join(p for p in (f"line {line}" if line else "", field) if p)
        super().__init__(f"{where}: {message}" if where else message)


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
        }


def iso3(code: str) -> str:
    """The ISO 3166 alpha-3 code Muster stores for an MRZ state code (``D`` is Germany)."""
    return ICAO_TO_ISO3.get(code, code)


def check_digit(text: str) -> str:
    """The Doc 9303 check digit of ``text`` (weights 7, 3, 1; A=10 ... Z=35; filler 0)."""
    return str(sum(_VALUES[ch] * _WEIGHTS[i % 3] for i, ch in enumerate(text)) % 10)


# -- reading the lines -----------------------------------------------------------------------------


def _clean_lines(raw: str | Sequence[str], warnings: list[str]) -> list[str]:
    # One text with line breaks, or lines (a pasted argument may still hold a line break).
    raw = [raw] if isinstance(raw, str) else raw
    raw = [part for item in raw for part in str(item).splitlines()]
    lines = []
    lowered = False
    for line in raw:
        # Scanners and keyboards produce look-alike fillers: the guillemet is two fillers.
        text = unicodedata.normalize("NFKC", str(line)).replace("«", "<<").replace("‹", "<")
        text = text.strip()
        if not text:
            continue
        if text != text.upper():
            lowered = True
        lines.append(text.upper())
    if lowered:
        warnings.append("typed in lowercase: read as capitals")
    if not lines:
        raise MRZError("no MRZ lines given")
    return lines


def _shape(lines: list[str]) -> str:
    code = lines[0][:1]
    if len(lines) == 3:
        return TD1
    if len(lines) != 2:
        raise MRZError(f"an MRZ has 2 lines (passport, TD2, visa) or 3 (ID card); got {len(lines)}")
    longest = max(len(line.replace(" ", "")) for line in lines)
    if longest <= 30:
        raise MRZError("2 lines of at most 30 characters: an ID card (TD1) zone has 3 lines of 30")
    if longest > 40:
        return MRV_A if code == "V" else TD3
    return MRV_B if code == "V" else TD2


def _fit(line: str, n: int, width: int, warnings: list[str]) -> str:
    """The line at its standard width: spaces read, trailing fillers added or dropped."""
    if " " in line:
        # A space is most often typed for a filler; one typed between groups makes the line too long.
        filled = line.replace(" ", FILLER)
        if len(filled) <= width:
            warnings.append(f"line {n}: spaces read as fillers '<'")
            line = filled
        else:
            warnings.append(f"line {n}: spaces removed")
            line = line.replace(" ", "")
    for pos, ch in enumerate(line, start=1):
        if not _ALLOWED.fullmatch(ch):
            raise MRZError(f"position {pos}: {ch!r} is not an MRZ character (A-Z, 0-9, <)", line=n)
    if len(line) < width:
        warnings.append(f"line {n}: {width - len(line)} missing trailing filler(s) '<' added")
        line = line + FILLER * (width - len(line))
    elif len(line) > width:
        extra = line[width:]
        if extra.strip(FILLER):
            raise MRZError(f"has {len(line)} characters; this format has {width} per line", line=n)
        warnings.append(f"line {n}: {len(extra)} extra trailing filler(s) dropped")
        line = line[:width]
    return line


class _Reader:
    """Reads fields off the fitted lines by position, correcting look-alikes by field type."""

    def __init__(self, lines: list[str], warnings: list[str]):
        self.lines = [list(line) for line in lines]
        self.warnings = warnings

    def raw(self, n: int, start: int, end: int) -> str:
        """Characters ``start``..``end`` (1-based, inclusive) of line ``n``, as they stand."""
        return "".join(self.lines[n - 1][start - 1 : end])

    def _fix(self, n: int, start: int, end: int, name: str, table: dict, keep: str) -> str:
        text = self.raw(n, start, end)
        out = []
        for i, ch in enumerate(text):
            if ch in keep:
                out.append(ch)
            elif ch in table:
                self.warnings.append(
                    f"line {n}, {name}: {ch!r} at position {start + i} read as {table[ch]!r}"
                )
                out.append(table[ch])
                self.lines[n - 1][start - 1 + i] = table[ch]
            else:
                kind = "a digit" if table is _AS_DIGIT else "a letter"
                raise MRZError(
                    f"{ch!r} at position {start + i} must be {kind} or '<'", line=n, field=name
                )
        return "".join(out)

    def digits(self, n: int, start: int, end: int, name: str) -> str:
        return self._fix(n, start, end, name, _AS_DIGIT, "0123456789<")

    def letters(self, n: int, start: int, end: int, name: str) -> str:
        return self._fix(n, start, end, name, _AS_LETTER, "ABCDEFGHIJKLMNOPQRSTUVWXYZ<")

    def text(self) -> list[str]:
        return ["".join(line) for line in self.lines]


def _state(code: str, n: int, name: str, problems: list[str], warnings: list[str]) -> str:
    if code == "D<<":
        return "D"
    if FILLER in code or len(code) != 3:
        problems.append(
            f"line {n}, {name}: {code!r} is not a state code (3 letters, or D<< for Germany)"
        )
        return code.strip(FILLER)
    if code in SPECIAL_CODES:
        warnings.append(f"{name} {code}: {SPECIAL_CODES[code]}")
    return code


def _name(field_text: str, n: int, warnings: list[str]) -> tuple[str, str]:
    """Primary and secondary identifiers: ``<<`` between them, ``<`` between the parts of each."""
    if not field_text.endswith(FILLER):
        warnings.append(f"line {n}, name: fills the whole field and may have been cut short")
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
        problems.append(f"line {n}, {name}: {text!r} is not a date (YYMMDD, '<' for unknown parts)")
        return None, None
    y = int(yy)
    if name == "date_of_birth":
        year = 2000 + y if 2000 + y <= today.year else 1900 + y
    else:
        year = 2000 + y if 2000 + y <= today.year + 20 else 1900 + y
    if mm == "<<" or dd == "<<":
        warnings.append(f"line {n}, {name}: only the year ({year}) is given")
        return None, year
    try:
        day = dt.date(year, int(mm), int(dd))
    except ValueError:
        problems.append(f"line {n}, {name}: {text!r} is not a date (YYMMDD)")
        return None, None
    if name == "date_of_birth" and day > today:
        # The year is today's, the day later on: a child born this day last century, or a typo.
        day = dt.date(year - 100, day.month, day.day)
    return day, year


def _look_alike_hint(number: str) -> str:
    """Where to look when a document number's check fails: its look-alike characters.

    No reading is guessed: a check digit is a sum modulo 10, so one swap in ten satisfies it by
    chance, and the composite check adds nothing (it sums the same characters with the same weights).
    """
    shown = sorted({ch for ch in number if ch in _SWAPS})
    if not shown:
        return ""
    return f"compare {', '.join(shown)} in {number.rstrip(FILLER)} with the printed document"


def _check(name: str, data: str, found: str, *, may_be_filler: bool = False) -> Check:
    expected = check_digit(data)
    ok = found == expected or (may_be_filler and found == FILLER and not data.strip(FILLER))
    return Check(name, expected, found, ok)


def _with_hint(checks: list[Check], number: str) -> list[Check]:
    first = checks[0]
    if first.ok:
        return checks
    hint = _look_alike_hint(number)
    return [Check(first.field, first.expected, first.found, False, hint), *checks[1:]]


def _document_type(code: str) -> str:
    first = code[:1]
    if first == "P":
        return "passport"
    if first == "V":
        return "visa"
    if first in ("I", "A", "C"):
        return "id_card"
    return "other"


def parse_mrz(raw: str | Sequence[str], *, today: dt.date | None = None) -> MRZ:
    """Read an MRZ given as its lines (or one text with line breaks).

    >>> m = parse_mrz(["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    ...                "L898902C36UTO7408122F1204159ZE184226B<<<<<10"])
    >>> m.format, m.document_number, m.family_name, m.given_names, m.date_of_birth, m.valid
    ('TD3', 'L898902C3', 'ERIKSSON', 'ANNA MARIA', datetime.date(1974, 8, 12), True)

    Raises :class:`MRZError` when the zone cannot be read at all; check digit failures and
    impossible values are reported in the result (``checks``, ``problems``; ``valid`` is False).
    """
    today = today or dt.date.today()
    warnings: list[str] = []
    problems: list[str] = []
    lines = _clean_lines(raw, warnings)
    shape = _shape(lines)
    _, width = _SHAPES[shape]
    lines = [_fit(line, n, width, warnings) for n, line in enumerate(lines, start=1)]
    return _read(_Reader(lines, warnings), shape, problems, warnings, today)


def _head(r: _Reader, problems, warnings) -> tuple[str, str]:
    code = r.letters(1, 1, 2, "document_code")
    if code[0] == FILLER:
        problems.append(f"line 1, document_code: {code!r} does not start with a letter")
    state = _state(r.letters(1, 3, 5, "issuing_state"), 1, "issuing_state", problems, warnings)
    return code.rstrip(FILLER), state


def _sex(ch: str, n: int, problems: list[str]) -> str:
    if ch not in ("M", "F", "X", FILLER):
        problems.append(f"line {n}, sex: {ch!r} is not M, F, X or <")
    return ch


Span = tuple[int, int, int]  # line, first and last position (1-based, inclusive)


@dataclass(frozen=True)
class _Layout:
    """Where each field sits in one format (Doc 9303 parts 4 to 7)."""

    number: Span
    number_check: Span
    nationality: Span
    date_of_birth: Span
    dob_check: Span
    sex: Span
    expiry: Span
    expiry_check: Span
    name: Span
    optional: Span
    optional_check: Span | None = None  # TD3 only
    optional_2: Span | None = None  # TD1 only
    composite: Span | None = None  # visas have none
    composite_covers: tuple[Span, ...] = ()
    long_numbers: bool = False  # number overflows into the optional data (TD1, TD2)


_LAYOUTS = {
    TD1: _Layout(
        number=(1, 6, 14), number_check=(1, 15, 15), optional=(1, 16, 30),
        date_of_birth=(2, 1, 6), dob_check=(2, 7, 7), sex=(2, 8, 8), expiry=(2, 9, 14),
        expiry_check=(2, 15, 15), nationality=(2, 16, 18), optional_2=(2, 19, 29),
        composite=(2, 30, 30), composite_covers=((1, 6, 30), (2, 1, 7), (2, 9, 15), (2, 19, 29)),
        name=(3, 1, 30), long_numbers=True,
    ),
    TD2: _Layout(
        name=(1, 6, 36), number=(2, 1, 9), number_check=(2, 10, 10), nationality=(2, 11, 13),
        date_of_birth=(2, 14, 19), dob_check=(2, 20, 20), sex=(2, 21, 21), expiry=(2, 22, 27),
        expiry_check=(2, 28, 28), optional=(2, 29, 35), composite=(2, 36, 36),
        composite_covers=((2, 1, 10), (2, 14, 20), (2, 22, 35)), long_numbers=True,
    ),
    TD3: _Layout(
        name=(1, 6, 44), number=(2, 1, 9), number_check=(2, 10, 10), nationality=(2, 11, 13),
        date_of_birth=(2, 14, 19), dob_check=(2, 20, 20), sex=(2, 21, 21), expiry=(2, 22, 27),
        expiry_check=(2, 28, 28), optional=(2, 29, 42), optional_check=(2, 43, 43),
        composite=(2, 44, 44), composite_covers=((2, 1, 10), (2, 14, 20), (2, 22, 43)),
    ),
    MRV_A: _Layout(
        name=(1, 6, 44), number=(2, 1, 9), number_check=(2, 10, 10), nationality=(2, 11, 13),
        date_of_birth=(2, 14, 19), dob_check=(2, 20, 20), sex=(2, 21, 21), expiry=(2, 22, 27),
        expiry_check=(2, 28, 28), optional=(2, 29, 44),
    ),
    MRV_B: _Layout(
        name=(1, 6, 36), number=(2, 1, 9), number_check=(2, 10, 10), nationality=(2, 11, 13),
        date_of_birth=(2, 14, 19), dob_check=(2, 20, 20), sex=(2, 21, 21), expiry=(2, 22, 27),
        expiry_check=(2, 28, 28), optional=(2, 29, 36),
    ),
}  # fmt: skip


def _read(r: _Reader, shape: str, problems: list[str], warnings: list[str], today) -> MRZ:
    lay = _LAYOUTS[shape]
    code, state = _head(r, problems, warnings)
    # Look-alikes are put right first: the composite check reads the corrected characters.
    dob_text = r.digits(*lay.date_of_birth, "date_of_birth")
    dob_check = r.digits(*lay.dob_check, "date_of_birth check digit")
    exp_text = r.digits(*lay.expiry, "expiry")
    exp_check = r.digits(*lay.expiry_check, "expiry check digit")
    number_check = r.digits(*lay.number_check, "document_number check digit")
    opt_check = (
        r.digits(*lay.optional_check, "optional_data check digit") if lay.optional_check else ""
    )
    composite = r.digits(*lay.composite, "composite check digit") if lay.composite else ""
    nat_line = lay.nationality[0]
    nationality = _state(
        r.letters(*lay.nationality, "nationality"), nat_line, "nationality", problems, warnings
    )
    sex = _sex(r.letters(*lay.sex, "sex"), lay.sex[0], problems)
    family, given = _name(r.letters(*lay.name, "name"), lay.name[0], warnings)
    number_raw, optional = r.raw(*lay.number), r.raw(*lay.optional)
    number_data = number_raw
    if lay.long_numbers and number_check == FILLER and optional.strip(FILLER):
        # Over 9 characters: the rest of the number and its check digit open the optional data.
        rest = optional.split(FILLER, 1)[0]
        if len(rest) >= 2:
            number_data, number_check, optional = (
                number_raw + rest[:-1],
                rest[-1],
                optional[len(rest) :],
            )
        else:
            problems.append(
                f"line {lay.number[0]}, document_number: the long number's remainder {rest!r} has no check digit"
            )
    checks = [
        _check("document_number", number_data, number_check),
        _check("date_of_birth", dob_text, dob_check),
        _check("expiry", exp_text, exp_check, may_be_filler=True),
    ]
    if lay.optional_check:
        checks.append(_check("optional_data", r.raw(*lay.optional), opt_check, may_be_filler=True))
    if lay.composite:
        covered = "".join(r.raw(*span) for span in lay.composite_covers)
        checks.append(_check("composite", covered, composite))
    checks = _with_hint(checks, number_data)
    dob, year = _date(
        dob_text, lay.date_of_birth[0], "date_of_birth", problems, warnings, today=today
    )
    expiry, _ = _date(exp_text, lay.expiry[0], "expiry", problems, warnings, today=today)
    number = number_data.rstrip(FILLER)
    if not number:
        problems.append(f"line {lay.number[0]}, document_number: is empty")
    if not family and not given:
        problems.append(f"line {lay.name[0]}, name: is empty")
    if expiry and expiry < today:
        warnings.append(f"expiry: the document expired on {expiry.isoformat()}")
    return MRZ(
        format=shape,
        document_code=code,
        document_type=_document_type(code),
        issuing_state=state,
        document_number=number,
        family_name=family,
        given_names=given,
        nationality=nationality,
        date_of_birth=dob,
        birth_year=year,
        sex=sex,
        expiry=expiry,
        optional_data=optional.strip(FILLER),
        optional_data_2=r.raw(*lay.optional_2).strip(FILLER) if lay.optional_2 else "",
        lines=r.text(),
        checks=checks,
        warnings=warnings,
        problems=problems,
    )
