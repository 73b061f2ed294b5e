"""What a clerk's typing or a scanner gets wrong, put right only where the field says what it must be.

Lowercase, spaces for fillers, look-alike letters in digit fields (and digits in letter fields; a
K scanned for a filler '<' where only digits or fillers may stand),
missing or extra trailing fillers: each repair is listed in the warnings. A document number may
hold both letters and digits, so it is never repaired: a failed check names its look-alikes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from muster.intake.mrz.fields import FILLER, Check, MRZError, Text, at, gettext_noop

_ALLOWED = re.compile(r"[A-Z0-9<]")

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
    # OCR reads the filler '<' of OCR-B as K; in a field of digits a K can be nothing else.
    "K": FILLER,
}
_AS_LETTER = {"0": "O", "1": "I", "2": "Z", "5": "S", "8": "B", "6": "G"}
# Pairs a clerk confuses in a document number, where both are legal: named when its check fails.
_SWAPS = {"O": "0", "0": "O", "I": "1", "1": "I", "S": "5", "5": "S", "B": "8", "8": "B", "Z": "2",
          "2": "Z", "Q": "0", "D": "0", "G": "6", "6": "G"}  # fmt: skip


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
        warnings.append(Text(gettext_noop("typed in lowercase: read as capitals")))
    if not lines:
        raise MRZError(gettext_noop("no MRZ lines given"))
    return lines


def _fit(line: str, n: int, width: int, warnings: list[str]) -> tuple[str, int]:
    """The line at its standard width (spaces read, trailing fillers added or dropped), and the
    number of characters it had before fillers were added."""
    if " " in line:
        # A space is most often typed for a filler; one typed between groups makes the line too long.
        filled = line.replace(" ", FILLER)
        if len(filled) <= width:
            warnings.append(at(n, "", Text(gettext_noop("spaces read as fillers '<'"))))
            line = filled
        else:
            warnings.append(at(n, "", Text(gettext_noop("spaces removed"))))
            line = line.replace(" ", "")
    for pos, ch in enumerate(line, start=1):
        if not _ALLOWED.fullmatch(ch):
            raise MRZError(
                gettext_noop(
                    "position %(position)s: %(char)s is not an MRZ character (A-Z, 0-9, <)"
                ),
                line=n,
                position=pos,
                char=repr(ch),
            )
    typed = len(line)
    if len(line) < width:
        added = gettext_noop("%(count)s missing trailing filler(s) '<' added")
        warnings.append(at(n, "", Text(added, count=width - len(line))))
        line = line + FILLER * (width - len(line))
    elif len(line) > width:
        extra = line[width:]
        if extra.strip(FILLER):
            expected = gettext_noop("expected %(width)s characters, got %(found)s")
            raise MRZError(expected, line=n, width=width, found=len(line))
        dropped = gettext_noop("%(count)s extra trailing filler(s) dropped")
        warnings.append(at(n, "", Text(dropped, count=len(extra))))
        line = line[:width]
    return line, typed


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
                read_as = gettext_noop("%(char)s at position %(position)s read as %(read_as)s")
                fixed = Text(read_as, char=repr(ch), position=start + i, read_as=repr(table[ch]))
                self.warnings.append(at(n, name, fixed))
                out.append(table[ch])
                self.lines[n - 1][start - 1 + i] = table[ch]
            else:
                if table is _AS_DIGIT:
                    message = gettext_noop(
                        "%(char)s at position %(position)s must be a digit or '<'"
                    )
                else:
                    message = gettext_noop(
                        "%(char)s at position %(position)s must be a letter or '<'"
                    )
                raise MRZError(message, line=n, field=name, char=repr(ch), position=start + i)
        return "".join(out)

    def digits(self, n: int, start: int, end: int, name: str) -> str:
        return self._fix(n, start, end, name, _AS_DIGIT, "0123456789<")

    def letters(self, n: int, start: int, end: int, name: str) -> str:
        return self._fix(n, start, end, name, _AS_LETTER, "ABCDEFGHIJKLMNOPQRSTUVWXYZ<")

    def text(self) -> list[str]:
        return ["".join(line) for line in self.lines]


def _look_alike_hint(number: str) -> str:
    """Where to look when a document number's check fails: its look-alike characters.

    No reading is guessed: a check digit is a sum modulo 10, so one swap in ten satisfies it by
    chance, and the composite check adds nothing (it sums the same characters with the same weights).
    """
    shown = look_alikes(number)
    if not shown:
        return ""
    return f"compare {', '.join(shown)} in {number.rstrip(FILLER)} with the printed document"


def look_alikes(number: str) -> list[str]:
    """The characters of a document number that are often read or typed for another (0 and O…)."""
    return sorted({ch for ch in number if ch in _SWAPS})


def _with_hint(checks: list[Check], number: str) -> list[Check]:
    first = checks[0]
    if first.ok:
        return checks
    hint = _look_alike_hint(number)
    return [Check(first.field, first.expected, first.found, False, hint), *checks[1:]]
