"""Reading the machine-readable zone (MRZ) of passports, ID cards and visas, as ICAO Doc 9303 lays it out.

Pure Python, no Django: the reception form, the API and ``muster mrz parse`` call :func:`parse_mrz`
with the two or three lines as a hand-held scanner or a clerk typed them.

Formats (Doc 9303 parts 4-7): TD1 (3 lines of 30, ID cards), TD2 (2 lines of 36), TD3 (2 lines of 44,
passports), MRV-A (2 x 44) and MRV-B (2 x 36) visas. Every check digit is verified; a wrong one is
reported with the field, the digit expected and the digit found, and the zone is then not valid.

What a clerk's typing gets wrong is put right only where the field says what it must be: a letter O
typed in a date is a zero, a 0 typed in a country code or a name is an O, lowercase is read as capitals,
missing trailing fillers are added. Each such change is listed in ``warnings``. A line that still
comes short of its format's width with a check digit failing is missing a character inside it, and
that is the error (line, width expected, length found), not the check digit the shift spoiled. The document number
may hold both letters and digits, so an O/0 there is never changed: its check digit decides, and a
failed check names the look-alike characters to compare with the printed document.
Anything else that cannot be read raises :class:`MRZError` naming the line and the field.

Its messages (``problems``, ``warnings``, an :class:`MRZError`'s ``text``) are English :class:`Text`:
the command line and the API show them as they are, while a page says them in the officer's language
through :func:`muster.intake.documents.mrz_message` (their templates are msgids of the catalogue).

The package: ``fields`` (values, check digits, the result), ``repairs`` (a clerk's typing put
right), ``layouts`` (where each field sits per format), ``parse`` (:func:`parse_mrz`).
Callers import from here:

>>> from muster.intake.mrz import check_digit
>>> check_digit("L898902C3"), check_digit("740812"), check_digit("120415")
('6', '2', '9')
"""

from muster.intake.mrz.fields import (
    FILLER,
    ICAO_TO_ISO3,
    MRV_A,
    MRV_B,
    MRZ,
    SPECIAL_CODES,
    TD1,
    TD2,
    TD3,
    Check,
    MRZError,
    Text,
    check_digit,
    iso3,
)
from muster.intake.mrz.parse import parse_mrz

__all__ = [
    "FILLER",
    "ICAO_TO_ISO3",
    "MRV_A",
    "MRV_B",
    "MRZ",
    "SPECIAL_CODES",
    "TD1",
    "TD2",
    "TD3",
    "Check",
    "MRZError",
    "Text",
    "check_digit",
    "iso3",
    "parse_mrz",
]
