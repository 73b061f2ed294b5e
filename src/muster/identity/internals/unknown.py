"""What lists write for a value nobody knows, read as no value.

A list filled by hand, or exported from a system that allows no empty field, writes a name,
sex or nationality it does not know as UNKNOWN, N/A, -, FNU ("first name unknown", as
watch lists write it), غير معروف or مجهول, and a date of birth as 1900-01-01 or 0000-00-00.
Compared as written, two strangers whose fathers are both "UNKNOWN" agree on the father's name,
and a person written once with the name and once with "UNKNOWN" disagrees with himself; read
as empty, each is what it is: nothing said.
"""

from __future__ import annotations

import re
import unicodedata

# Written in lower case without spaces or punctuation (N/A -> na, NOT KNOWN -> notknown,
# غير معروف -> غيرمعروف); a value of punctuation alone (-, ?, ..., ـ) is not known too.
# Left out on purpose: words that are someone's name somewhere (Nil, Baby).
_WORDS = frozenset(
    {
        # English, and what watch lists and forms abbreviate
        "unknown", "unk", "unkn", "notknown", "nk", "notgiven", "notstated", "notavailable",
        "notapplicable", "na", "none", "null", "noname", "nofirstname", "nolastname", "fnu",
        "lnu", "mnu", "nfn", "nln", "nmn", "x", "xx", "xxx", "u", "0", "00", "000",
        # Arabic (unknown, none, not specified, without)
        "غيرمعروف", "غيرمعروفه", "مجهول", "مجهوله", "لايوجد", "لايعرف", "غيرمحدد", "بدون", "غم",
        # Kurdish (Sorani, Kurmanji) and Persian
        "نهزانراو", "نهزانراوه", "ناديار", "nenas", "nenaskiri", "nediyar",
        # French, German, Russian
        "inconnu", "inconnue", "nonconnu", "unbekannt", "неизвестно", "неизвестен", "неизвестна",
    }
)  # fmt: skip
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي", "ی": "ي",
                              "ە": "ه", "ێ": "ي", "ک": "ك"})  # fmt: skip
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_\u0640]+")  # and the Arabic stretching stroke
# Dates of birth that systems write for none (a form's first day, a spreadsheet's day zero, the
# last day there is), read as no date, with the birth year a list writes beside one; and years
# with a zero or one for a thousand (0000, 0001).  A real date in 1900 (1900-06-04) stays.
NO_DATES = frozenset(
    {"1900-01-01", "1899-12-31", "1899-12-30", "1800-01-01", "0001-01-01", "9999-12-31"}
)
FIRST_YEAR = 1000


def not_known(text: str) -> bool:
    """Whether ``text`` is what a list writes for a value nobody knows.

    >>> [not_known(t) for t in ("UNKNOWN", "N/A", "-", "FNU", "غير معروف", "مجهولة", "?", "")]
    [True, True, True, True, True, True, True, True]
    >>> [not_known(t) for t in ("Ahmed", "Nil", "X Ali", "محمد")]
    [False, False, False, False]
    """
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_ARABIC_FOLD))
    key = _NOT_LETTER_OR_DIGIT.sub("", "".join(c for c in folded if not unicodedata.combining(c)))
    return not key or key in _WORDS


def known_year(year: str) -> str:
    """``year`` (four digits or empty), or "" where it says no year (0000, 0001).

    >>> known_year("1985"), known_year("0000"), known_year("1900"), known_year("")
    ('1985', '', '1900', '')
    """
    return year if year and int(year) >= FIRST_YEAR else ""
