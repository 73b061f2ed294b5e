"""Small, fast corruptions of names as registers really make them: typos and Arabic-script variation.

Each function takes the ``random()`` callable of the caller's seeded generator, so renderings stay
deterministic for a seed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Rand = Callable[[], float]

_QWERTY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_ADJACENT: dict[str, str] = {}
for _r, _row in enumerate(_QWERTY_ROWS):
    for _i, _ch in enumerate(_row):
        near = []
        for dr in (-1, 0, 1):
            rr = _r + dr
            if 0 <= rr < len(_QWERTY_ROWS):
                for di in (-1, 0, 1):
                    j = _i + di
                    if (dr or di) and 0 <= j < len(_QWERTY_ROWS[rr]):
                        near.append(_QWERTY_ROWS[rr][j])
        _ADJACENT[_ch] = "".join(near)

# Arabic letters an officer confuses when typing fast or reading a handwritten form: dots and shapes.
_ARABIC_CONFUSABLE = {
    "ح": "جخ", "ج": "حخ", "خ": "حج", "س": "شص", "ش": "س", "ص": "ضس", "ض": "صظ", "ط": "ظ",
    "ظ": "طض", "ع": "غ", "غ": "ع", "ف": "ق", "ق": "فك", "ك": "ق", "د": "ذ", "ذ": "دز", "ر": "ز",
    "ز": "ر", "ت": "ثب", "ث": "ت", "ب": "تن", "ن": "ب", "ه": "ة", "ي": "ى",
}  # fmt: skip
_DIACRITICS = "\u064e\u064f\u0650\u0652\u0651"  # fatha, damma, kasra, sukun, shadda
_HAMZA_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا"})


def latin_typo(s: str, rand: Rand) -> str:
    """One keyboard slip: an adjacent key, a dropped, doubled or transposed letter."""
    n = len(s)
    if n < 3:
        return s
    i = 1 + int(rand() * (n - 1))  # first letters are typed with most care
    ch = s[i]
    kind = rand()
    if kind < 0.35:
        near = _ADJACENT.get(ch.lower())
        if not near:
            return s
        return s[:i] + near[int(rand() * len(near))] + s[i + 1 :]
    if kind < 0.65:
        return s[:i] + s[i + 1 :]
    if kind < 0.85:
        return s[:i] + ch + s[i:]
    if i < n - 1:
        return s[:i] + s[i + 1] + ch + s[i + 2 :]
    return s


def arabic_typo(s: str, rand: Rand) -> str:
    """A confused letter (dots, similar shapes), or a dropped or doubled letter."""
    n = len(s)
    if n < 2:
        return s
    i = int(rand() * n)
    ch = s[i]
    kind = rand()
    if kind < 0.5 and ch in _ARABIC_CONFUSABLE:
        alt = _ARABIC_CONFUSABLE[ch]
        return s[:i] + alt[int(rand() * len(alt))] + s[i + 1 :]
    if ch == " ":
        return s
    if kind < 0.8:
        return s[:i] + s[i + 1 :]
    return s[:i] + ch + s[i:]


def arabic_orthography(s: str, rand: Rand, p_hamza: float, p_teh: float, p_maqsura: float,
                       p_join: float, p_diacritics: float) -> str:  # fmt: skip
    """Spelling habits that change the letters but not the name: hamza, ta marbuta, alef maqsura,
    ``عبد الرحمن`` written as one word, and occasional vowel marks."""
    if p_hamza and rand() < p_hamza:
        s = s.translate(_HAMZA_FOLD)
    if p_teh and s.endswith("ة") and rand() < p_teh:
        s = s[:-1] + "ه"
    if p_maqsura and rand() < p_maqsura:
        if s.endswith("ى"):
            s = s[:-1] + "ي"
        elif s.endswith("ي"):
            s = s[:-1] + "ى"
    if p_join and "عبد " in s and rand() < p_join:
        s = s.replace("عبد ", "عبد")
    if p_diacritics and rand() < p_diacritics:
        chars = []
        for ch in s:
            chars.append(ch)
            if ch != " " and rand() < 0.35:
                chars.append(_DIACRITICS[int(rand() * len(_DIACRITICS))])
        s = "".join(chars)
    return s


# Other registries' spelling habits, applied to a Latin rendering: ordered (pattern, replacement)
# rewrites on the lower-case text. They model lists written far from the project's three styles:
# a Turkish civil register, a German residents' office, Russian passports transliterated from
# Cyrillic, and an English-speaking clerk spelling by ear.
_HABITS: dict[str, tuple[tuple[str, str], ...]] = {
    "turkish": (
        (r"^(a|e)l[- ]", ""),
        (r"kh", "h"),
        (r"sh", "ş"),
        (r"ch", "ç"),
        (r"j", "c"),
        (r"dh", "z"),
        (r"th", "s"),
        (r"q", "k"),
        (r"w", "v"),
        (r"ou", "u"),
        (r"ee", "i"),
        (r"oo", "u"),
        (r"aa", "a"),
        (r"ammad\b", "ammed"),
        (r"ahmad\b", "ahmet"),
        (r"(?<=hme|hmu)d\b", "t"),
    ),
    "german": (
        (r"^(a|e)l[- ]", "al-"),
        (r"sh", "sch"),
        (r"kh", "ch"),
        (r"j", "dsch"),
        (r"y", "j"),
        (r"w", "w"),
        (r"ou", "u"),
        (r"ee", "i"),
        (r"oo", "u"),
        (r"q", "k"),
        (r"z", "s"),
    ),
    "russian": (
        (r"^(a|e)l[- ]", ""),
        (r"(?<![kscdtgz])h", "kh"),
        (r"j", "dzh"),
        (r"w", "v"),
        (r"ou", "u"),
        (r"ee", "i"),
        (r"oo", "u"),
        (r"q", "k"),
        (r"th", "s"),
        (r"dh", "z"),
        (r"ammad\b", "amed"),
        (r"'", ""),
        (r"y\b", "i"),
    ),
    "by_ear": (
        (r"^(a|e)l[- ]", "al "),
        (r"ou", "oo"),
        (r"u(?=[^aeiou])", "oo"),
        (r"q", "k"),
        (r"kh", "k"),
        (r"dh", "th"),
        (r"i\b", "ee"),
        (r"ss", "s"),
        (r"([bdfklmnrt])\1", r"\1"),
        (r"'", ""),
    ),
}
_HABIT_RULES = {
    habit: tuple((re.compile(pattern), repl) for pattern, repl in rules)
    for habit, rules in _HABITS.items()
}
SPELLING_HABITS = tuple(_HABITS)


def respell(s: str, habit: str) -> str:
    """``s`` as a registry with this spelling habit writes it (each word capitalised)."""
    out = []
    for word in s.lower().split(" "):
        for pattern, repl in _HABIT_RULES[habit]:
            word = pattern.sub(repl, word)
        out.append("-".join(w[:1].upper() + w[1:] for w in word.split("-")))
    return " ".join(w for w in out if w)


# A Sorani Kurdish clerk writing an Arabic name in Arabic letters spells its vowels as Kurdish
# does: a and e as ە, u as و, o as ۆ, i as ی (or not at all: Kurdish ı is unwritten), a final
# teh marbuta as ە, an initial vowel on a hamza seat (ئە, ئی, ئو, ئا), an initial r trilled (ڕ),
# and -ullah as وڵڵا.  Read from the name's Latin form, which says where its short vowels are.
_SORANI_SHORT = {"a": "ە", "e": "ە", "u": "و", "o": "ۆ"}
_SORANI_LETTER = str.maketrans({"ك": "ک", "ي": "ی", "ى": "ا", "أ": "ا", "إ": "ا", "آ": "ا"})
_LATIN_OF_LETTER = {
    "خ": ("kh", "x", "h"), "ش": ("sh", "ch", "s"), "ث": ("th", "t", "s"), "ذ": ("dh", "th", "z", "d"),
    "غ": ("gh", "g", "r"), "ج": ("j", "dj", "g", "c"), "ق": ("q", "k", "g"), "ك": ("k", "c"),
    "ع": (), "ء": (), "ئ": (), "ؤ": (),
}  # fmt: skip
_VOWELS = "aeiouy"


def sorani_spelling(arabic: str, latin: str, rand: Rand) -> str:
    """``arabic`` (a name written in Arabic letters) as a Sorani Kurdish clerk writes it, its short
    vowels placed where ``latin`` (the same name in Latin letters) has them; a word left as it was
    where the two cannot be lined up.

    >>> sorani_spelling("محمد", "Muhammad", lambda: 0.9)
    'موحەمەد'
    >>> sorani_spelling("فاطمة", "Fatima", lambda: 0.9), sorani_spelling("عبد الله", "Abdullah", lambda: 0.9)
    ('فاطمە', 'عەبدوڵڵا')
    >>> sorani_spelling("حسن علي", "Hasan Ali", lambda: 0.9)
    'حەسەن عەلی'
    """
    words, romans = arabic.split(), latin.split()
    if len(words) == len(romans) > 1:
        return " ".join(_sorani_word(w, r, rand) for w, r in zip(words, romans, strict=True))
    return _sorani_word(arabic, latin, rand)


def _sorani_word(arabic: str, latin: str, rand: Rand) -> str:
    text = arabic.replace(" ", "")
    roman = re.sub(r"[^a-z]", "", latin.lower())
    if text.startswith("ال") and roman.startswith(("al", "el")):
        text, roman = text[2:], roman[2:]
        if roman[:1] == roman[1:2]:  # al-Rahman written ar-Rahman
            roman = roman[1:]
        article = "ال"
    else:
        article = ""
    if text.endswith("الله") and len(text) > 4 and roman.endswith(("llah", "lla")):
        text, roman = text[: -len("الله")], re.sub("[aeiou]?llah?$", "", roman)
        ullah = "وڵڵا"
    else:
        ullah = ""
    out = []
    j = 0
    for i, ch in enumerate(text):
        last = i == len(text) - 1
        if ch in "اأإآ" and i == 0:
            run = re.match(f"[{_VOWELS}]*", roman[j:]).group()
            j += len(run)
            vowel = run[:1]
            out.append(
                "ئا"
                if ch == "آ" or run[:2] == "aa"
                else "ئ" + {"i": "ی", "u": "و", "o": "ۆ"}.get(vowel, "ە")
            )
            continue
        if ch in "اوي" and i > 0 and roman[j : j + 1] in tuple(_VOWELS) + ("",):
            # A long vowel, written in Arabic too.
            j += len(re.match(f"[{_VOWELS}]*", roman[j:]).group())
            out.append(ch)
            continue
        if ch == "ة" and last:
            out.append("ە")
            break
        # A consonant: its Latin letters, doubled when geminated.
        options = _LATIN_OF_LETTER.get(ch, ())
        taken = next((o for o in options if roman.startswith(o, j)), None)
        if taken is None and ch not in _LATIN_OF_LETTER:
            taken = roman[j : j + 1] if roman[j : j + 1] and roman[j] not in _VOWELS else ""
        j += len(taken or "")
        letter = "ڕ" if ch == "ر" and i == 0 and rand() < 0.7 else ch
        if taken and roman[j : j + len(taken)] == taken:
            j += len(taken)  # Muhammad's mm: written once (or twice, as some clerks do)
            if rand() < 0.3:
                out.append(letter)
        out.append(letter)
        run = re.match(f"[{_VOWELS}]*", roman[j:]).group()
        following = text[i + 1 : i + 2]
        if run and not last and following not in ("ا", "و", "ي", "ى", "ة"):
            j += len(run)
            short = run[0]
            if short == "i" or short == "y":
                if rand() < 0.5:
                    out.append("ی")
            else:
                out.append(_SORANI_SHORT.get(short, "ە"))
    if j < len(roman) - 2 and not ullah:
        return arabic  # the Latin form is not this spelling: left as it was
    word = "".join(out).translate(_SORANI_LETTER)
    if ullah:
        word = (word[:-1] if word.endswith("و") else word) + ullah
    return article + word


# The Arabic chat alphabet (Arabizi) of phones: a name written in Latin letters with digits for
# the Arabic letters Latin lacks, as a family may type a tracing request.
_ARABIZI_OF = (
    ("خ", re.compile("kh", re.I), "5"),
    ("ح", re.compile("(?<![kKsScCtTdDgG])h(?!h)", re.I), "7"),
    ("ط", re.compile("t(?!h)", re.I), "6"),
    ("ص", re.compile("s(?!h)", re.I), "9"),
    ("ق", re.compile("q", re.I), "8"),
)


def arabizi_spelling(latin: str, arabic: str, rand: Rand) -> str:
    """``latin`` (a name in Latin letters) as the Arabic chat alphabet writes it, with digits for
    the letters of ``arabic`` (the same name in Arabic letters) that Latin writes with two
    letters or not at all: خ 5, ح 7, ط 6, ص 9, ق 8, ع 3, a hamza 2.

    >>> [arabizi_spelling(a, b, lambda: 0.1) for a, b in (("Ahmad", "أحمد"), ("Khaled", "خالد"),
    ...     ("Ali", "علي"), ("Saad", "سعد"), ("Fatima", "فاطمة"), ("Raed", "رائد"))]
    ['A7mad', '5aled', '3ali', 'Sa3ad', 'Fa6ima', 'Ra2ed']
    """
    word = latin
    for letter, pattern, digit in _ARABIZI_OF:
        if letter not in arabic or (letter == "ط" and "ت" in arabic):
            continue
        if letter == "ص" and ("س" in arabic or "ش" in arabic):
            continue
        if rand() < 0.8:
            word = pattern.sub(digit, word, count=1)
    bare = arabic.removeprefix("ال")
    if (
        bare.startswith("ع")
        and word[:1].lower() in "aeiou"
        and not re.match("[ae]l[- ]", latin.lower())
    ):
        word = "3" + word[:1].lower() + word[1:]
    elif "ع" in bare[1:]:
        word = re.sub(
            r"(?<=\w)(['’]|([aeiou])\2)",
            lambda m: (m.group(2) or "") + "3" + (m.group(2) or ""),
            word,
            count=1,
        )
    if any(h in arabic[1:] for h in "ئؤء"):
        word = re.sub("(?<=[aeiou])(?=[aeiou])", "2", word, count=1)
    return word


# A Russian or Central Asian authority's list written in Cyrillic: a name in the Russian school's
# Latin letters (Mukhammad, Khadizhat, Yusupov) put back into Cyrillic, longest letters first.
_CYRILLIC_OF = (
    ("shch", "щ"), ("kh", "х"), ("zh", "ж"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"), ("yu", "ю"),
    ("you", "ю"), ("ya", "я"), ("dj", "дж"), ("ou", "у"), ("oo", "у"), ("ee", "и"), ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"),
    ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"), ("y", "й"), ("k", "к"), ("l", "л"),
    ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"),
    ("u", "у"), ("f", "ф"), ("h", "х"), ("j", "дж"), ("c", "к"), ("q", "к"), ("w", "в"),
    ("x", "кс"),
)  # fmt: skip


def cyrillic_spelling(latin: str) -> str:
    """A name in Latin letters as a list in Cyrillic writes it (y as й, or ы after a consonant
    at the end of a syllable, as Russian spells Aliyev and Yusupov).

    >>> [cyrillic_spelling(n) for n in ("Mukhammad", "Khadizhat", "Aliyev", "Yusupov", "al-Ali")]
    ['Мухаммад', 'Хадижат', 'Алиев', 'Юсупов', 'ал-Али']
    """
    out = []
    for word in re.split(r"(\W+)", latin):
        lower, i, letters = word.lower(), 0, []
        while i < len(lower):
            # Russian writes iy before a vowel as и (Aliyev = Алиев).
            if lower.startswith("iye", i):
                letters.append("ие")
                i += 3
                continue
            for roman, cyr in _CYRILLIC_OF:
                if lower.startswith(roman, i):
                    letters.append(cyr)
                    i += len(roman)
                    break
            else:
                letters.append(lower[i])
                i += 1
        text = "".join(letters)
        out.append(text[:1].upper() + text[1:] if word[:1].isupper() else text)
    return "".join(out)
