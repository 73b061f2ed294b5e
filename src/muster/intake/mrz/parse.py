"""The entry point: a zone's lines in, an :class:`~muster.intake.mrz.fields.MRZ` out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from muster.intake.mrz.fields import (
    FILLER,
    MRZ,
    MRZError,
    Text,
    _check,
    _date,
    _document_type,
    _name,
    _sex,
    _state,
    at,
    gettext_noop,
)
from muster.intake.mrz.layouts import _LAYOUTS, _SHAPES, _shape
from muster.intake.mrz.repairs import _clean_lines, _fit, _Reader, _with_hint


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
    count, width = _SHAPES[shape]
    fitted = [_fit(line, n, width, warnings) for n, line in enumerate(lines, start=1)]
    # A line of checked fields that came short was filled out with '<' at its end: right when only
    # its trailing fillers were left off, wrong when a character inside it is missing (every field
    # after it moves one place). Then its length is the error, not the check digit or the field
    # that the shift spoiled.
    lay = _LAYOUTS[shape]
    checked = {lay.number[0], lay.date_of_birth[0], lay.expiry[0]}
    short = [(n, typed) for n, (_, typed) in enumerate(fitted, start=1) if typed < width]
    short = [(n, typed) for n, typed in short if n in checked]
    try:
        read = _read(
            _Reader([line for line, _ in fitted], warnings), shape, problems, warnings, today
        )
    except MRZError:
        if not short:
            raise
        read = None
    if short and (read is None or not read.valid):
        n, typed = short[0]
        raise MRZError(
            gettext_noop(
                "expected %(width)s characters, got %(found)s (a %(format)s zone has %(lines)s "
                "lines of %(width)s): a character is missing"
            ),
            line=n,
            width=width,
            found=typed,
            format=shape,
            lines=count,
        ) from None
    return read


def _head(r: _Reader, problems, warnings) -> tuple[str, str]:
    code = r.letters(1, 1, 2, "document_code")
    if code[0] == FILLER:
        message = gettext_noop("%(code)s does not start with a letter")
        problems.append(at(1, "document_code", Text(message, code=repr(code))))
    state = _state(r.letters(1, 3, 5, "issuing_state"), 1, "issuing_state", problems, warnings)
    return code.rstrip(FILLER), state


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
            message = gettext_noop("the long number's remainder %(rest)s has no check digit")
            problems.append(at(lay.number[0], "document_number", Text(message, rest=repr(rest))))
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
        problems.append(at(lay.number[0], "document_number", Text(gettext_noop("is empty"))))
    if not family and not given:
        problems.append(at(lay.name[0], "name", Text(gettext_noop("is empty"))))
    if expiry and expiry < today:
        expired = Text(gettext_noop("the document expired on %(date)s"), date=expiry.isoformat())
        warnings.append(at(None, "expiry", expired))
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
