"""Where each field sits in the TD1, TD2, TD3, MRV-A and MRV-B formats (Doc 9303 parts 4 to 7)."""

from __future__ import annotations

from dataclasses import dataclass

from muster.intake.mrz.fields import MRV_A, MRV_B, TD1, TD2, TD3, MRZError, gettext_noop

_SHAPES = {TD1: (3, 30), TD2: (2, 36), TD3: (2, 44), MRV_A: (2, 44), MRV_B: (2, 36)}


def _shape(lines: list[str]) -> str:
    code = lines[0][:1]
    if len(lines) == 3:
        return TD1
    if len(lines) != 2:
        raise MRZError(
            gettext_noop("an MRZ has 2 lines (passport, TD2, visa) or 3 (ID card); got %(n)s"),
            n=len(lines),
        )
    longest = max(len(line.replace(" ", "")) for line in lines)
    if longest <= 30:
        raise MRZError(
            gettext_noop(
                "2 lines of at most 30 characters: an ID card (TD1) zone has 3 lines of 30"
            )
        )
    if longest > 40:
        return MRV_A if code == "V" else TD3
    return MRV_B if code == "V" else TD2


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
