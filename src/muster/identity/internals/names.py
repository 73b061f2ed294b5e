"""Name normalisation: Arabic script and Latin transliterations to comparable keys.

The original text is never changed; every key here is derived from it.  A name gets:

- ``folded``: the text with case, accents, punctuation and Arabic orthographic variants
  folded away.  Two names with the same folded form are an *exact* match.
- ``key1`` / ``key2``: a Latin phonetic key.  Transliteration variants of one name map to the
  same key (rules below).  Latin "e" stands for either fatha or kasra ("Ahmed" = Ahmad, "Jassem"
  = Jasim), so ``key1`` reads it as "a" and ``key2`` as "i"; two names agree if either pair
  is equal.
- ``canon``: the Arabic spelling the name stands for, when known from the variant table shipped
  with the package (attested Latin spellings of Arabic names, with counts).  Arabic script is
  looked up directly; a Latin spelling is looked up when one Arabic name dominates it.
- ``skeleton``: consonants only, the common ground of Arabic script (which writes no short
  vowels) and Latin (which does not mark long ones).  Used for cross-script comparison when
  the table does not know the name.  ``skeleton2`` reads th, g, kh and c as
  other schools do (dhal, qaf, hah, jim), and the German school's dsch, sch, ch, j, v and s;
  a skeleton comparison accepts either.
- ``canon3``: the Arabic name of a Latin spelling read as the German and Turkish schools write
  (``other_school_reading``: Jasser = Yasser, Cassim = Jassim), or the Russian (Khuda = Huda),
  when the table's own reading gives another name or none; for a name the table does not know
  at all, "~" and the Latin key of its Russian reading (Khadzhi: "~haji").
- ``broad``: consonant classes that far schools of transliteration share (``broad_key``);
  used for blocking, and as a weak ("typo") agreement.

Latin rules, in order (see README.md in this package for the table with examples):

1. Cyrillic letters as a Russian passport writes them in Latin (Мухаммад -> mukhammad); Turkish
   ı as i; NFKD, drop accents; Kurdish ş -> sh, ç -> ch; lower case; the digits of the Arabic chat
   alphabet read as letters in a word that mixes both (A7mad, 5aled, 3li); apostrophes and
   ʿ ʾ dropped; Mhd, Mohd, Muhd as a word of their own are Muhammad.
2. Particles: al/el/il/ul (and sun-letter forms ar-, as-, ad- ... before the same letter) are
   dropped before another token; bin/ibn/ben/bint/walad dropped; abu/abou/abo -> abu.  In
   family names a glued al-/el- is dropped when at least three letters and a consonant remain
   (Alobaidi, Alani; not Aliev, Alaoui, whose ayn and l are their own).
3. Compounds are joined: "Abd al-Rahman", "Abdel Rahman", "Abdurrahman" -> abdrahman;
   "Nur al-Din", "Noureddine" -> nurdin.
4. Consonants: dj->j, sch->sh, ph->f, kh->x, gh->G (ghayn), sh/ch->$, th->t, dh->d, zh->j,
   q/c/ck->k, g->j.
5. Vowels: ou/oo/o/uu->u, ee/ie/ii->i, ei/ey/ai/ay->ay, iy before a vowel->i, a medial u
   before a vowel->w (Aroua = Arwa), aa->a, y between consonants->i (Dylan = Dilan), final y
   after a consonant->i; doubled letters single; final "ah"->a (teh marbuta); then e->a (key1)
   or e->i (key2).
6. Key 2 only: c before e/i is sin (Yacine = Yasin), and a final e after a consonant is
   silent (Farhane = Farhan).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import combinations

_ARABIC_RE = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
# Characters that show nothing: the direction marks and embeddings a right-to-left text copied
# from a word processor or a web page carries (U+200F after محمد), zero-width spaces and joiners,
# the byte-order mark, the soft hyphen.  A name holding one is the name without it.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d"
             "\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff")
)  # fmt: skip
INVISIBLE_RE = re.compile("[" + "".join(map(chr, _INVISIBLE)) + "]")


def visible(text: str) -> str:
    """``text`` without the characters that show nothing (direction marks, zero-width spaces).

    >>> visible("\u200fمحمد\u200e") == "محمد", visible("Ali\u200b")
    (True, 'Ali')
    """
    return text.translate(_INVISIBLE)


_ARABIC_DIACRITICS_RE = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",
        "ة": "ه",
        "ک": "ك",
        "ہ": "ه",
        "ھ": "ه",
        "ـ": None,
        "\u200c": None,
        "\u200d": None,
    }
)
# Arabic (and Sorani Kurdish) letters to the symbols of the Latin key alphabet, so that both
# scripts meet in the same skeleton.  ع and hamza carry no Latin letter in common spellings.
_ARABIC_TO_KEY = {
    "ا": "a",
    "ب": "b",
    "ت": "t",
    "ث": "t",
    "ج": "j",
    "ح": "h",
    "خ": "x",
    "د": "d",
    "ذ": "d",
    "ر": "r",
    "ز": "z",
    "س": "s",
    "ش": "$",
    "ص": "s",
    "ض": "d",
    "ط": "t",
    "ظ": "z",
    "ع": "",
    "غ": "G",
    "ف": "f",
    "ق": "k",
    "ك": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ه": "h",
    "و": "u",
    "ي": "i",
    "ء": "",
    "ؤ": "",
    "ئ": "",
    "پ": "p",
    "چ": "$",
    "ژ": "j",
    "گ": "j",
    "ڤ": "v",
    "ۆ": "u",
    "ێ": "i",
    "ە": "a",
    "ڕ": "r",
    "ڵ": "l",
}
_ARABIC_PREFIX_AL = "ال"

_PARTICLES_ALWAYS = {"al", "el", "il", "ul", "bin", "ibn", "ben", "bint", "walad"}
_SUN_PARTICLES = {"ar", "as", "ad", "an", "at", "az", "ash", "ath", "adh", "ed", "es", "er"}
_ABU = {"abu", "abou", "abo", "abū"}
_ALBU = {"albu", "albou", "elbu", "elbou"}

# abd and the article after it, which the name after them keeps or not (Abdulaziz, Abdurrahman:
# abd + aziz, abd + rahman).  Not the l of Allah written with one l (Abdulah, Abdoolah, Abdula:
# abd + lah, as Abdullah is): read as the article, they were "abda", a typo of every Abbas and
# Abid by the broad key and no Abdullah (bench/RESULTS.md, "forty-first session").
_ABD_RE = re.compile(r"^abd(?:(?:[aeiou]{1,2}|ou)(?:l(?!a+h?$)|([rnsztd])(?=\1))?)?(?=[a-z])")
_DIN_RE = re.compile(r"(?<=[a-z]{3})(?:[aeiou]{1,2}[ld]|[aeiou])?d(?:ee|i|ii)ne?$")
_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r)
    for p, r in [
        ("dsch", "j"),  # German school's jim: Sadscha = Saja, Hadschi = Haji
        ("dj", "j"),  # French-school spelling of jim: Djamila = Jamila, Khadidja = Khadija
        ("sch", "sh"),  # German school: Raschid = Rashid, Schneider
        ("ph", "f"),
        ("kh", "x"),
        ("gh", "G"),
        ("sh", "$"),
        ("ch", "$"),
        ("th", "t"),
        ("dh", "d"),
        ("zh", "j"),
        ("ck", "k"),
        ("[qc]", "k"),
        ("g", "j"),
        ("ou|oo|uu|o", "u"),
        ("ee|ie|ii", "i"),
        ("ei|ey|ai|ay", "A"),  # placeholder so "ay" is not re-read as a + y
        # A medial u before a vowel is waw as a consonant, in the French school's "ou" too:
        # Aroua = Arwa, Aouad = Awad, Mouayad = Muayad, Souad = Suad.
        ("(?<=[a-z$])u(?=[aeiA])", "w"),
        ("iy(?=[aeiu])", "i"),
        # A y between consonants is the vowel i, as Arabic script writes it (Dylan = Dilan
        # ديلان, Myriam = Miriam, Lynda = Linda).
        ("(?<=[^aeiuA])y(?=[^aeiuA])", "i"),
        ("aa", "a"),
        ("(?<=[^aeiuA])y$", "i"),
        (r"(.)\1+", r"\1"),
        ("ah$", "a"),
        ("A", "ay"),
    ]
]
# Key 2 reads the French school's c before e or i as sin (Yacine = Yasin, Nacer = Nasser).
_RULES_KEY2 = [(re.compile("c(?=[eiy])"), "s"), *_RULES]
# The second skeleton reads Latin letters that stand for another Arabic letter in some
# schools: th for dhal as Iraqi registers write it (Thiyab = ذياب), g for qaf or kaf as Gulf,
# Iraqi and Bedouin speech says it (al-Baggara = البكارة, al-Ugaidi = al-Aqeedi), kh for hah
# as Russian transliteration writes it (Akhmadov = احمدوف), c for jim as Kurdish Latin writes
# it (Ciwan = جوان).  Only a skeleton: the keys keep the common reading (Gamal = Jamal).
# It also reads the German school, whose residents' offices write jim dsch, shin sch, kha ch
# (as Turkish writes it h), ya j, waw v before a vowel and zay an s before a vowel (Dschamal,
# Chalid = Halid, Jahja = Yahya, Vidad = Widad, Asisa = Aziza, Chadidscha = Hadica): among the
# true pairs of a Turkish and a German register these were most of the given names read as
# different names.
# In other schools' readings (canon3, below) v is waw before a consonant too (Havla = Hawla,
# Davud, Marvan), but for the Russian suffix -ov, -ova, -ev, -eva, which Arabic script writes
# with feh (Akhmadov = احمدوف, Alieva = علييفا).
_V_AS_WAW = "v(?<![oe]v(?=a?$))"
_RULES_SKELETON2 = [
    (re.compile("dsch"), "dj"),
    (re.compile("t?sch"), "sh"),
    (re.compile("(?<!d)j"), "y"),
    (re.compile("ch"), "h"),
    (re.compile("v(?=[aeiou])"), "w"),
    (re.compile("(?<![a-z])s(?=[aeiou])|(?<=[aeiou])s(?=[aeiou])"), "z"),
    (re.compile("kh"), "h"),
    (re.compile("th"), "d"),
    (re.compile("g(?!h)"), "k"),
    (re.compile("c(?!h)"), "j"),
    *_RULES,
]
# A Latin spelling as a clerk of another school wrote it, put back into the common (English)
# school's letters, so that the variant table can say which Arabic name it stands for.  The
# table's own reading of a spelling is the common school's: to it Jasser is جاسر, Vafa وفا,
# Cassim قاسم, Jussef جوزيف, Najef نجف; but a German residents' office writes ya as j (Jasser
# = Yasser ياسر, Najef = Nayef, Jussef = Yusef), waw as w or v (Vafa = Wafa, Davud = Dawud,
# Anvar = Anwar; so do Turkish and Russian), zay as an s before a vowel (Siad = Ziad, Nisar =
# Nizar, Asisa = Aziza), kha as ch (Chalil = Khalil) and jim as dsch; a Turkish register
# writes jim as c (Cassim = Jasim, Cana = Jana, Macid = Majid).  Read this way, the spelling's
# Arabic name is ``NameKey.canon3``; a pair whose names agree only under this reading is not
# a different name (comparisons.name_level_code).
# Turkish writes a final d and b as it says them, t and p (Davut = Dawud, Mahmut = Mahmud, Murat
# = Murad, Cihat = Jihad): a reading tried after the others, on the German and Turkish reading
# and as a rule alone, never the name's own keys (Hayat, Rifat and Shawkat end in t), nor the
# key a known name's reading gives (Khayat, as a Russian passport writes Hayat).
_TURKISH_FINAL = [(re.compile(p), r) for p, r in [("(?<=[aeiou])t$", "d"), ("(?<=[aeiou])p$", "b")]]
_RULES_OTHER_SCHOOLS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r)
    for p, r in [
        ("(?<!d)j", "y"),
        ("dsch|dzh|dj", "J"),
        ("tsch", "C"),
        ("sch", "sh"),
        ("(?<![ksz])ch", "kh"),
        ("c(?![hk])", "J"),
        (_V_AS_WAW, "w"),
        ("(?<![a-z])s(?=[aeiou])|(?<=[aeiou])s(?=[aeiou])", "z"),
        ("J", "j"),
        ("C", "ch"),
    ]
]
# Each of those rules alone, tried where all of them together find no other name: a register
# follows one school, and the rules of another can spoil its reading.  A Turkish register's
# Casim (c for jim) read with the German s for zay too is "jazim", no name; read by its own
# rule alone, Jasim.  A German office's Jusuf read with s for zay is "yuzuf"; by j alone,
# Yusuf.  (The placeholders J and C of the rules above are not rules of a school.)
_ONE_RULE_READINGS: list[list[tuple[re.Pattern[str], str]]] = [
    [(re.compile(p), r)]
    for p, r in [
        ("(?<!d)j", "y"),
        ("dsch|dzh|dj", "j"),
        ("tsch", "ch"),
        ("sch", "sh"),
        ("(?<![ksz])ch", "kh"),
        ("c(?![hk])", "j"),
        (_V_AS_WAW, "w"),
        ("(?<![a-z])s(?=[aeiou])|(?<=[aeiou])s(?=[aeiou])", "z"),
        # Iraqi, Gulf and Bedouin speech says qaf as g, and their lists write it so (Gasim,
        # Gahtan, Sadig, Tarig; the second skeleton reads it too): to the table Gasim and
        # Gassim are the Egyptian school's Jasim, so Qasim and قاسم beside them were another
        # name, whose given names vetoed the pair.  Read so, they are also Qasim.
        ("g(?!h)", "q"),
        # The Maghreb's French school writes ghain rh (Rhazi, Rharbi, Rhannouchi).
        ("rh(?=[aeiou])", "gh"),
    ]
] + [[rule] for rule in _TURKISH_FINAL]
# A switch, so that a replay can weigh the readings above (bench/RESULTS.md, "twenty-sixth
# session").
ONE_RULE_READINGS = True
# Whether a name the table knows takes its other schools' reading's key as ``canon3`` where
# the reading names no one Arabic name (``normalise_name``); a switch for replays, as above.
KNOWN_NAME_KEY_READING = True
# The Russian school writes hah, heh and kha alike as kh (Khasan, Khuda = Huda هدى, Yakhya =
# Yahya), and jim as dzh or zh (Khadzhi = Haji, Khadizha = Khadija): a passport office's
# spelling read back into the common school's letters, tried for ``canon3`` where the German
# and Turkish reading above finds no other name.  Kh stays kha wherever the table's own reading
# knows the name as kha (Khalid): canon3 is only ever a second reading.
_RULES_RUSSIAN: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r) for p, r in [("dzh", "j"), ("kh", "h"), ("zh", "j")]
]
# Whether a given name the table does not know is read as Kurmanji writes it (``kurmanji_name``);
# a switch for replays.
KURMANJI_READING = True
# Marks a ``canon3`` that is the Latin key of a name's Russian reading, not an Arabic name.
RUSSIAN_KEY_MARK = "~"
# A clerk writing by ear drops the h of kh (Kalaf = Khalaf خلف, Kan = Khan, Farook = Farrukh),
# though the table reads Kalaf as قلاف: a last reading for ``canon3``, tried where the German,
# Turkish and Russian ones find no other name.
_RULES_BY_EAR: list[tuple[re.Pattern[str], str]] = [(re.compile("k(?!h)"), "kh")]
_SILENT_FINAL_E_RE = re.compile(r"(?<=[a-z]{2}[^aeiuyA])e$")
_LATIN_LETTERS_RE = re.compile(r"[^a-z ]")


@dataclass(frozen=True, slots=True)
class NameKey:
    """The comparable forms of one name.

    >>> k = normalise_name("Mohamed")
    >>> (k.folded, k.key1, k.skeleton)
    ('mohamed', 'muhamad', 'mhmd')
    >>> normalise_name("محمد").canon == k.canon == "محمد"
    True
    """

    original: str
    script: str  # "arabic", "latin", "cyrillic" (read in Latin letters) or "" for an empty name
    folded: str
    key1: str
    key2: str
    canon: str
    skeleton: str
    # A Latin spelling attested for a second Arabic name as well (Amina: أمينة, and آمنة).
    canon2: str = ""
    # The skeleton under other schools' readings of th, g, kh, c (see _RULES_SKELETON2).
    skeleton2: str = ""
    # Consonant classes that every school's spelling of the name shares (see broad_key).
    broad: str = ""
    # The Arabic name the variant table gives for the spelling read as other schools write
    # (``other_school_reading``: Jasser as Yasser, Vafa as Wafa, Cassim as Jassim); "" if none.
    canon3: str = ""

    @property
    def other_reading(self) -> str:
        """What the name is as another school writes it, as a search key: ``canon3``'s Arabic
        name, or the Latin key after its "~" (``RUSSIAN_KEY_MARK``); "" if none."""
        return self.canon3.removeprefix(RUSSIAN_KEY_MARK)

    def agrees(self, other: NameKey) -> bool:
        """True when the two names are the same name in any spelling we know of."""
        if not self.folded or not other.folded:
            return False
        return (
            self.folded == other.folded
            or self.key1 == other.key1
            or self.key2 == other.key2
            or canons_agree(self, other)
        )


def canons_agree(a: NameKey, b: NameKey) -> bool:
    """Whether the variant table has one Arabic name that both spellings are attested for."""
    if not a.canon or not b.canon:
        return False
    return a.canon == b.canon or a.canon == b.canon2 or a.canon2 == b.canon


@lru_cache(maxsize=200_000)
def arabic_skeleton(name: str) -> str:
    """The consonant skeleton of a name in Arabic letters (a canon), as ``skeleton_of_key``
    reads them: حامد, حمد and احمد are all "hmd"; مجيد and ماجد "mjd"."""
    return skeleton_of_key(_arabic_letters(name)) if name else ""


def identity_skeletons(k: NameKey) -> tuple[str, str]:
    """The consonant skeletons (``arabic_skeleton``) of the Arabic name or names a spelling
    stands for: the variant table's (``canon``, ``canon2``) or, for a spelling the table does
    not know, the name another school's reading finds (``canon3``; not a Russian reading's bare
    key).  ("", "") where the name is not known either way.

    >>> identity_skeletons(normalise_name("Kadija")), identity_skeletons(normalise_name("Ghada"))
    (('xdj', ''), ('Gd', ''))
    """
    if k.canon:
        names = (k.canon, k.canon2)
    elif k.canon3 and not k.canon3.startswith(RUSSIAN_KEY_MARK):
        names = (k.canon3,)
    else:
        return "", ""
    found = [x for x in dict.fromkeys(map(arabic_skeleton, names)) if x]
    return (found[0] if found else ""), (found[1] if len(found) > 1 else "")


_EMPTY = NameKey("", "", "", "", "", "", "")

# The broad key: consonants reduced to the classes that transliteration schools confuse among
# themselves, so that a name written by a Russian passport office (Khussein, Makhmud,
# Dzhamal), a Turkish register (Cemal, Hatice, Osman), a German residents' office (Dschamal,
# Muchlif, Jusuf) or a clerk spelling by ear (Kalaf, Hoosein) keeps the key of the Arabic
# name.  Gutturals, velars and jim (h, kh, gh, q, k, g, j, c, ch before a consonant, an
# initial y; a c as Turkish writes jim) are one class, sibilants and dentals (s, z, sh, t, d, th, dh) another; vowels,
# w, v and a medial y are dropped, and so is a final guttural (Abdullah, Abdullakh, Abdulla).
# Too coarse to say two names are the same, it says they may be: blocking pairs records on
# it, and a name pair agreeing on it and nothing better is a "typo" (comparisons.py).
_BROAD_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r)
    for p, r in [
        ("^y", "j"),
        ("dsch|tsch|dzh|dj|zh", "j"),
        ("sch|sh|\\$", "s"),
        ("ch(?=[aeiouy])", "s"),
        ("ph", "f"),
        ("th|dh|ts|[zdt]", "s"),
        ("ch|kh|gh|ck|[qxgGhcjk]", "k"),
        ("p", "b"),
        ("[aeiouywv ]", ""),
        (r"(.)\1+", r"\1"),
        ("(?<=.)k$", ""),
    ]
]


def broad_key(text: str) -> str:
    """Consonant classes of a Latin name (folded, particles dropped) or of Arabic letters read
    one by one (``_arabic_letters``).

    >>> broad_key("khussein") == broad_key("hoosein") == broad_key("husayn")
    True
    >>> broad_key("cemal") == broad_key("dschamal") == broad_key("jamal")
    True
    """
    return _apply(_BROAD_RULES, text)


def is_arabic(text: str) -> bool:
    return bool(_ARABIC_RE.search(text))


def fold_arabic(text: str) -> str:
    """Hamza forms on alef, alef maqsura, teh marbuta, diacritics and spaces folded away.

    The article inside compounds goes too (نور الدين = نورالدين = نوردين), as the Latin
    rules drop it from "Nur al-Din".
    """
    text = unicodedata.normalize("NFKC", text)
    tokens = _ARABIC_DIACRITICS_RE.sub("", text).translate(_ARABIC_FOLD).split()
    if not tokens:
        return ""
    tokens[1:] = [
        t[2:] if t.startswith(_ARABIC_PREFIX_AL) and len(t) > 3 else t for t in tokens[1:]
    ]
    joined = "".join(tokens)
    joined = re.sub("^عبدال(?=..)", "عبد", joined)
    return re.sub("ال(دين|له)$", r"\1", joined) if len(joined) > 5 else joined


# The Arabic chat alphabet (Arabizi) of phones and messages, in which a family may write a
# tracing request or a volunteer a form: digits for the letters Latin lacks (3 ayn, 7 hah, 5 and
# 7' kha, 6 tah, 9 sad, 2 hamza, 8 qaf, 3' ghayn, 6' zah, 9' dad), read as the common
# transliteration writes those letters: A7mad = Ahmad, 5aled = Khaled, 3li = Ali, Sa3ad = Saad.
# Only in a word that mixes digits and two letters or more (not a block B7).
_ARABIZI_WORD = re.compile(r"(?<![\w'’])(?=[\w'’]*[a-z][\w'’]*[a-z])(?=[\w'’]*\d)[\w'’]+")
_ARABIZI = (
    (re.compile("3['’]"), "gh"), (re.compile("7['’]"), "kh"), (re.compile("6['’]"), "z"),
    (re.compile("9['’]"), "d"), (re.compile("^3(?=[^aeiou])"), "a"), (re.compile("[23]"), ""),
    (re.compile("7"), "h"), (re.compile("5"), "kh"), (re.compile("6"), "t"),
    (re.compile("9"), "s"), (re.compile("8"), "q"),
)  # fmt: skip


def _arabizi(word: str) -> str:
    for pattern, letters in _ARABIZI:
        word = pattern.sub(letters, word)
    return word


# Names in Cyrillic letters (a Russian or Central Asian authority's list, a passport's own page)
# in the Latin letters of a Russian passport (ICAO's table, but й, ю, я as y, yu, ya, the
# spelling most lists use: Юсуф = Yusuf, Яхья = Yahya), then read as any Latin spelling (the
# Russian school's kh, dzh, zh included): Мухаммад = Mukhammad = Muhammad, Хадижат = Khadizhat.
# Kazakh, Tajik, Uzbek and Chechen letters as the nearest Latin.
_CYRILLIC = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
        "я": "ya", "ә": "a", "ғ": "gh", "қ": "q", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u",
        "һ": "h", "і": "i", "ҳ": "h", "ӣ": "i", "ӯ": "u", "ҷ": "j", "ў": "u", "ӏ": "",
    }
)  # fmt: skip
_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")
# Muhammad shortened as Syrian and South Asian documents write it (MHD Ali, Mohd Salleh): a
# word of its own.
_MUHAMMAD_SHORT = re.compile(r"\b(?:mhd|mohd|muhd)\b")


# Letters Muster reads: Latin (with its accents and extensions), Arabic (with Persian, Urdu and
# Kurdish letters) and Cyrillic.  A name in any other script would fold to nothing and be read
# as missing: ``unreadable_script`` names the script so that it can be refused instead.
_READABLE = re.compile(
    "[^\x00-\u024f\u0300-\u036f\u1e00-\u1eff\u0400-\u04ff\u0600-\u06ff\u0750-\u077f"
    "\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff\u2000-\u206f]"
)


def unreadable_script(text: str) -> str:
    """The script of the first letter in ``text`` that Muster cannot read (Greek, Hebrew, CJK
    ...), or '' when it reads them all (or holds none).

    >>> unreadable_script("Γιώργος"), unreadable_script("محمد Ali Мухаммад"), unreadable_script("Ali ✓")
    ('Greek', '', '')
    """
    for match in _READABLE.finditer(unicodedata.normalize("NFKC", text)):  # ﬀ is ff
        ch = match.group()
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            word = name.split(" ")[0] if name else f"U+{ord(ch):04X}"
            return word if len(word) <= 3 or word.startswith("U+") else word.title()
    return ""


# The letters of the scholarly transliterations of Arabic (DIN 31635, ISO 233, and the Czech
# and Slavic ones) for sounds the common spellings write with two letters: read as those two.
# (ḥ ṣ ḍ ṭ ẓ ā ī ū lose their marks as any accent does.)
_SCHOLARS = str.maketrans(
    {"š": "sh", "Š": "sh", "ḫ": "kh", "Ḫ": "kh", "ẖ": "kh", "ḵ": "kh", "Ḵ": "kh", "ġ": "gh",
     "Ġ": "gh", "ǧ": "j", "Ǧ": "j", "ṯ": "th", "Ṯ": "th", "ḏ": "dh", "Ḏ": "dh", "ž": "zh",
     "Ž": "zh", "č": "ch", "Č": "ch"}
)  # fmt: skip


def fold_latin(text: str) -> str:
    text = text.replace("ş", "sh").replace("Ş", "sh").replace("ç", "ch").replace("Ç", "ch")
    if not text.isascii():  # the scholars' letters (DIN 31635, ISO 233): Šukrī, Ḫālid, Ǧamāl
        text = text.translate(_SCHOLARS)
    # Turkish dotless i (Halıl, Alıyev), which NFKD leaves as a letter of its own.
    text = text.replace("ı", "i")
    if _CYRILLIC_RE.search(text):
        text = text.lower().translate(_CYRILLIC)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    if any(c.isdigit() for c in text):
        text = _ARABIZI_WORD.sub(lambda m: _arabizi(m.group()), text)
    text = re.sub(r"['`ʿʾ’‘ʼ]", "", text)
    text = re.sub(r"[-_.,/]", " ", text)
    text = _MUHAMMAD_SHORT.sub("muhammad", text)
    return " ".join(_LATIN_LETTERS_RE.sub("", text).split())


def _drop_particles(tokens: list[str], part: str) -> list[str]:
    out: list[str] = []
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if nxt and tok in _PARTICLES_ALWAYS:
            continue
        if nxt and tok in _SUN_PARTICLES and nxt[: len(tok) - 1] == tok[1:]:
            continue
        if tok in _ABU:
            tok = "abu"
        out.append(tok)
    if part == "family" and out:
        first = out[0]
        if first in _ALBU:
            # "Albu Kamil" = "Al-Bu Kamil" = "Elbou Kamel" (آلبو, "the house of"): the article
            # went above when it stood alone, so it goes here too.
            out[0] = "bu"
        elif first[:2] in ("al", "el") and len(first) >= 5 and broad_key(first[2:]):
            # Not when no consonant would remain: Aliev, Alieva (علييف), Alaoui and Alaui (علوي)
            # begin with the name's own ayn and l, not an article; without it their broad key
            # was empty and no blocking rule on the family name could pair them (drawn1970 20k:
            # "Ali Alauii 2015" and "Ali Alaoui 2015" never a candidate pair).
            out[0] = first[2:]
    return out or tokens


def latin_keys(folded: str, part: str = "given") -> tuple[str, str]:
    """The two Latin phonetic keys of a folded Latin name (rules in the module docstring)."""
    s = _rule_input(folded, part)
    s1 = _apply(_RULES, s)
    s2 = _apply(_RULES_KEY2, s)
    # Key 2 also reads the French school's silent final e (Farhane = Farhan, Yacine = Yasin,
    # Hanane = Hanan), which key 1 reads as the a of a feminine ending.
    s2 = _SILENT_FINAL_E_RE.sub("", s2)
    k1 = re.sub(r"(.)\1+", r"\1", s1.replace("e", "a"))
    k2 = re.sub(r"(.)\1+", r"\1", s2.replace("e", "i"))
    if k1.endswith("ah"):
        k1 = k1[:-1]
    return k1, k2


def second_skeleton_key(folded: str, part: str = "given") -> str:
    """The Latin key that the second skeleton is taken from (see ``_RULES_SKELETON2``)."""
    s = _apply(_RULES_SKELETON2, _rule_input(folded, part))
    return re.sub(r"(.)\1+", r"\1", s.replace("e", "a"))


def other_school_reading(folded: str, part: str = "given") -> str:
    """A folded Latin name read as other schools write it (``_RULES_OTHER_SCHOOLS``).

    >>> other_school_reading("jasser"), other_school_reading("cassim")
    ('yasser', 'jassim')
    """
    return _apply(_RULES_OTHER_SCHOOLS, _rule_input(folded, part))


def one_rule_readings(folded: str, part: str = "given") -> list[str]:
    """A folded Latin name read by each of other schools' rules alone (``_ONE_RULE_READINGS``),
    the readings that differ from the name itself.

    >>> one_rule_readings("casim"), one_rule_readings("jusuf")
    (['jasim', 'cazim'], ['yusuf', 'juzuf'])
    """
    if not ONE_RULE_READINGS:
        return []
    s = _rule_input(folded, part)
    out = [_apply(rules, s) for rules in _ONE_RULE_READINGS]
    return [r for r in dict.fromkeys(out) if r != s]


def russian_reading(folded: str, part: str = "given") -> str:
    """A folded Latin name read as the Russian school writes it (``_RULES_RUSSIAN``).

    >>> russian_reading("khuda"), russian_reading("khadzhi")
    ('huda', 'haji')
    """
    return _apply(_RULES_RUSSIAN, _rule_input(folded, part))


def by_ear_reading(folded: str, part: str = "given") -> str:
    """A folded Latin name with the h of kh put back (``_RULES_BY_EAR``).

    >>> by_ear_reading("kalaf")
    'khalaf'
    """
    return _apply(_RULES_BY_EAR, _rule_input(folded, part))


def _rule_input(folded: str, part: str) -> str:
    """Particles dropped and compounds joined: what the letter rules of every key read."""
    s = "".join(_drop_particles(folded.split(), part))
    return _DIN_RE.sub("din", _ABD_RE.sub("abd", s))


def _apply(rules: list[tuple[re.Pattern[str], str]], s: str) -> str:
    for pattern, repl in rules:
        s = pattern.sub(repl, s)
    return s


def skeleton_of_key(key: str) -> str:
    """Consonant skeleton: vowels, medial y/w and a final h dropped, doubles single."""
    if not key:
        return ""
    head, tail = key[0], key[1:]
    if head in "aeiu":
        head = ""
    # v and p are not Arabic letters: Arabic script writes them ف (or ڤ) and ب (or پ):
    # Shivan = شفان, Peeters = بيترز.
    s = (head + re.sub("[aeiuyw]", "", tail)).replace("v", "f").replace("p", "b")
    s = re.sub(r"(.)\1+", r"\1", s)
    if len(s) > 1 and s.endswith("h"):
        s = s[:-1]
    return s


# Letters that write a vowel, beside which waw and ya are consonants (``weak_is_consonant``):
# alef (with its hamza or madda), alef maqsura and teh marbuta, and Sorani's vowels ە, ێ and ۆ.
_VOWEL_LETTERS = frozenset("اآأإىةەێۆ")
# Letters a Latin spelling writes as no consonant at a word's start: the hamza seats and ayn
# (ئومێد Omêd, ئیبراهیم Ibrahim, عيسى Issa).  A waw or ya after one alone is a vowel.
_SILENT_HEAD = frozenset("ئءؤع")
_WEAK_LETTERS = frozenset("ويی")


def weak_is_consonant(word: str, i: int) -> bool:
    """Whether the waw or ya at ``word[i]`` (one word, Arabic letters) is the consonant w or y
    rather than the vowel u or i.

    Arabic writes only long vowels and Sorani every vowel, with the same two letters as the
    consonants w and y: a waw or ya is a consonant at the word's start, after a vowel letter
    (ئاوات Awat, هاوڕێ Hawre, زايد Zayed, حەیدەر Heyder, the first waw of داوود Dawud) and, for
    waw, before one (کاروان Karwan, ڕێبوار Rebwar, جواد Jawad), as the Latin keys read a u
    before a vowel as w (Aroua = Arwa); a vowel elsewhere (نوري Nuri, دیلان Dilan, ئومێد Omêd).
    A doubled waw after a consonant is Sorani's long u (ڕووناک Runak).  A ya before a vowel
    letter after a consonant stays i, as the Latin keys read "iy" before a vowel (زياد is
    Ziad and Ziyad).
    """
    if i == 0:
        return True
    before, after = word[i - 1], word[i + 1 : i + 2]
    if before in _VOWEL_LETTERS:
        return True
    if before == word[i] or (i == 1 and before in _SILENT_HEAD):
        return False
    return word[i] == "و" and after != "و" and after in _VOWEL_LETTERS


def _arabic_letters(folded: str, table: dict[str, str] = _ARABIC_TO_KEY) -> str:
    # Letter-by-letter reading, used only when the variant table does not know the name: waw and
    # ya as consonants or vowels where they are (``weak_is_consonant``).
    out = []
    for i, ch in enumerate(folded):
        latin = table.get(ch, "")
        if ch in _WEAK_LETTERS and weak_is_consonant(folded, i):
            latin = "w" if ch == "و" else "y"
        out.append(latin)
    return re.sub(r"(.)\1+", r"\1", "".join(out))


def _strip_arabic_particles(folded: str) -> str:
    # The name the table knows: without bin/ibn and without a leading article (العبيدي ->
    # عبيدي), as the Latin rules drop al-/bin.
    folded = re.sub("^(ابن|بن|بنت)(?=...)", "", folded)
    if folded.startswith(_ARABIC_PREFIX_AL) and len(folded) >= 5:
        folded = folded[2:]
    return folded


# Sorani Kurdish, written in Arabic letters, spells every vowel: a Kurdish clerk writes
# محەمەد (Mihemed) for محمد, حوسێن for حسين, فاطمە for فاطمة, عەبدوڵڵا for عبد الله.  Its own
# letters (ە ێ ۆ ڕ ڵ ڤ ھ) never occur in Arabic, so a name holding one is read back into the
# Arabic spelling the variant table knows (``sorani_arabic``); a name it cannot place keeps its
# letter-by-letter keys, as before.
_SORANI_ONLY = frozenset("ەێۆڕڵڤھ")
# Nor does Arabic begin a word with a hamza on its seat (ئ): Sorani writes a word's first vowel so
# (ئیبراهیم, ئوسامە).
_SORANI_INITIAL_HAMZA = re.compile(r"(?:^|\s)ئ")
# A Kurdish (or Persian) keyboard types its own ya and kaf (ی, ک), an Arabic one ي and ك: a name
# so typed may spell its short vowels (جاسیم for جاسم) with no letter of Sorani's own.
_KURDISH_KEYBOARD = re.compile("[یک]")
# Letters for letters: the trilled r and dark l are Arabic's r and l, ڤ (v) is written ف in
# Arabic, ێ (ê) and ۆ (o) are the long vowels ي and و, ھ is h.
_SORANI_TO_ARABIC = str.maketrans({"ڕ": "ر", "ڵ": "ل", "ڤ": "ف", "ێ": "ي", "ۆ": "و", "ھ": "ه"})
# A word-final alef where Arabic writes alef maqsura (مووسا: موسى), teh marbuta (سارا: سارة)
# or alef and hamza (ئەسما: أسماء), each tried as one change.
_SORANI_FINAL_ALEF = ("ي", "ه", "اء")
# At most this many of its written short vowels (و for u, ي for i) left out, fewest first.
SORANI_MAX_DROPPED = 3


def _sorani_spine(folded: str) -> str:
    """The Sorani spelling with its letters turned into Arabic ones, its geminates written once
    (ڵڵ, مم: Arabic writes a shadda), a final ە read as teh marbuta and every other ە (a short a
    or e) left out, and a word-initial hamza seat with its vowel (ئە, ئی, ئو, ئا) an alef."""
    words = []
    for word in folded.split():
        word = re.sub("^ئ[ەاوي]?", "ا", word)
        # -ullah (عەبدوڵڵا, سەعدوڵڵا) is Arabic's الله, which fold_arabic reads as له.
        word = re.sub("و?ڵڵاه?$", "له", word) if len(word) > 4 else word
        word = word.translate(_SORANI_TO_ARABIC)
        word = re.sub(r"(.)\1+", r"\1", word)
        word = re.sub("ە$", "ه", word).replace("ە", "")
        words.append(word)
    return "".join(words)


def sorani_arabic(folded: str, known: Mapping[str, str], keyboard: bool = False) -> str:
    """The Arabic spelling (a key of ``known``, particles stripped) a Sorani Kurdish spelling
    writes, or '' when the name holds no letter of Sorani's own (nor was typed on a Kurdish
    keyboard: ``keyboard``, see ``_KURDISH_KEYBOARD``) or no single known name fits.

    Tried with fewest changes first: as it stands, then with one written short vowel (و, ي
    inside the word) left out or a final alef read as Arabic writes it, then two, up to
    ``SORANI_MAX_DROPPED`` (one for a name with only the keyboard to say it is Kurdish); two
    different names at the fewest changes are no reading.

    >>> table = {"محمد": "", "حسين": "", "فاطمه": "", "عبدله": "", "يحيي": "", "عبدولي": ""}
    >>> [sorani_arabic(fold_arabic(w), table) for w in ("محەمەد", "حوسێن", "فاطمە", "عەبدوڵڵا", "یەحیا")]
    ['محمد', 'حسين', 'فاطمه', 'عبدله', 'يحيي']
    >>> sorani_arabic(fold_arabic("محمد"), table)  # no Sorani letter: not read
    ''
    """
    sorani = _SORANI_ONLY.intersection(folded) or _SORANI_INITIAL_HAMZA.search(folded)
    if not (sorani or keyboard):
        return ""
    spine = _sorani_spine(folded)
    weak = [i for i in range(1, len(spine) - 1) if spine[i] in "وي"]
    finals = ["", *_SORANI_FINAL_ALEF] if spine.endswith("ا") else [""]
    # Typed on a Kurdish keyboard with no letter of Sorani's own: one change at most (جاسیم,
    # خالید), as a name the table does not know may be its own name, not a vowel's spelling.
    for changes in range(0, (SORANI_MAX_DROPPED if sorani else 1) + 1):
        found = set()
        for final in finals:
            dropped = changes - (1 if final else 0)
            if dropped < 0 or dropped > len(weak):
                continue
            for drop in combinations(weak, dropped):
                reading = "".join(ch for i, ch in enumerate(spine) if i not in drop)
                if final:
                    reading = reading[:-1] + final
                base = _strip_arabic_particles(reading)
                if base in known:
                    found.add(base)
        if found:
            return found.pop() if len(found) == 1 else ""
    return ""


# The share of a Latin spelling's attestations that a second Arabic name needs to count.
SECOND_NAME_SHARE = 0.05
# Table rows that are particles, not names (the article read alone).
_NOT_NAMES = {"ال"}


# The shipped table: attested Latin spellings of Arabic names (arabic-name-romanizer 0.2.0
# index, MIT), then Turkish, Russian/Caucasian, Central Asian, Malay/Indonesian and Kurmanji
# Kurdish forms of common Arabic names (Mehmet, Ibragim, Patimat, Hatice, Aisyah, Mihemed),
# which that index lacks, written by the Muster developers.
VARIANT_FILES = ("name_variants.csv", "name_variants_extra.csv")


def _variant_rows() -> Iterator[tuple[bool, dict[str, str]]]:
    """(from the main index?, row) for every row of the variant files."""
    for name in VARIANT_FILES:
        path = resources.files("muster.identity.internals") / "data" / name
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                yield name == VARIANT_FILES[0], row


def _article_fused(arabic: str, base: str, latin: str) -> bool:
    """Is ``latin`` a spelling of the Arabic name with its article run into it ("Labidi" for
    العبيدي), rather than of the name (``base``, the article stripped)?"""
    word = latin.strip().lower()
    return (
        fold_arabic(arabic).startswith("ال")
        and not base.startswith("ل")
        and word.startswith("l")
        and not word.startswith(("al", "el"))
    )


class _VariantTable:
    """Attested Latin spellings of Arabic names (derived from the arabic-name-romanizer index)."""

    def __init__(self) -> None:
        spellings: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        shown: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        by_fold: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        by_key: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for main, row in _variant_rows():
            arabic = _strip_arabic_particles(fold_arabic(row["arabic"]))
            if arabic in _NOT_NAMES:
                continue
            count = int(row["count"])
            if main:
                # The spelling an Arabic name's keys are read from: the index's most frequent,
                # not another language's form.
                spellings[arabic][row["latin"]] += count
                if not _article_fused(row["arabic"], arabic, row["latin"]):
                    shown[arabic][row["latin"]] += count
            folded = fold_latin(row["latin"])
            by_fold["".join(_drop_particles(folded.split(), "given"))][arabic] += count
            by_key[latin_keys(folded)[0]][arabic] += count
        # Arabic folded -> its most frequent Latin spelling.
        self.latin_of = {a: max(sp.items(), key=lambda kv: kv[1])[0] for a, sp in spellings.items()}
        # The spelling shown to a reader: the same, but never one that fused the article into the
        # name (العبيدي as "Labidi"), which reads as another name once "al-" is put back.
        self.shown_latin_of = {
            a: max(sp.items(), key=lambda kv: kv[1])[0] for a, sp in shown.items()
        }
        self.arabic_of_fold = self._dominant(by_fold)
        self.arabic_of_key = self._dominant(by_key)

    @staticmethod
    def _dominant(table: dict[str, dict[str, int]]) -> dict[str, tuple[str, str]]:
        # A Latin spelling names an Arabic name only when one Arabic name clearly owns it.  It
        # may still be an attested spelling of a second name (Amina: أمينة 164 times, آمنة 14),
        # which is kept too, so that Amina is not a different name from آمنة or Amna.
        out = {}
        for latin, arabics in table.items():
            ranked = sorted(arabics.items(), key=lambda kv: (-kv[1], kv[0]))
            (best, count), total = ranked[0], sum(arabics.values())
            if count >= 2 and count / total >= 0.8:
                second = ""
                if len(ranked) > 1 and ranked[1][1] >= max(2, SECOND_NAME_SHARE * total):
                    second = ranked[1][0]
                out[latin] = (best, second)
        return out


@lru_cache(maxsize=1)
def variant_table() -> _VariantTable:
    return _VariantTable()


def skeleton_with_article(key: NameKey) -> str:
    """The consonant skeleton of an Arabic-script name that begins with ال, read with the ال as
    part of the name; "" for any other name.  :func:`normalise_name` reads a leading ال as the
    article and drops it from the skeleton (العبيدي as عبيدي), but in some names it is part of
    the name: الياس is Elias or Ilyas (skeleton ls), read as ياس (ys); الهام is Ilham.  The levels
    already count الياس and Elias as one name; a caller that keys names by skeleton (tracing's
    index) keys them by this one too, so that the two meet."""
    if key.script != "arabic" or not key.folded.startswith("ال"):
        return ""
    return skeleton_of_key(_arabic_letters(key.folded))


# Titles said before a person's name and often written with it: a pilgrim's Haji / Hajja
# (الحاج، الحاجة), Sheikh, Mullah, Sayyid, a doctor's or engineer's Dr., Eng.  Left out of what is
# compared when a name follows them (a lone "Haji" or "Sheikh" is a given name, as it is among
# Kurds and Yazidis); never in a family name (al-Sheikh is a family).
_TITLES = frozenset(
    {
        "haji", "hajji", "hadji", "haj", "hajj", "alhaj", "alhajj", "al-haj", "al-hajj", "el-hadj",
        "hajja", "hajjah", "hajjeh", "alhajja", "al-hajja", "sheikh", "shaikh", "shaykh", "sheik",
        "cheikh", "mullah", "mulla", "mala", "sayyid", "sayed", "seyyed", "sayid", "dr", "eng",
        "الحاج", "حاج", "الحاجة", "الحاجه", "حاجة", "حجية", "الشيخ", "شيخ", "ملا", "السيد", "سيد",
        "الدكتور", "المهندس",
    }
)  # fmt: skip


# Titles that are given names too (a Kurdish or Yazidi Haji, an Egyptian Sayed, a Sheikh):
# in a whole name of three parts, the first is the person's own name, not a title.
_TITLE_NAMES = frozenset(
    {
        "haji", "hajji", "hadji", "haj", "hajj", "hajja", "hajjah", "hajjeh", "sheikh", "shaikh",
        "shaykh", "sheik", "cheikh", "mala", "mulla", "sayyid", "sayed", "seyyed", "sayid",
        "حاج", "حاجة", "حجية", "شيخ", "ملا", "سيد",
    }
)  # fmt: skip


def without_title(text: str) -> str:
    """A name without the title before it (Haji, Sheikh, Mullah, Dr. ...), where a name follows.

    >>> without_title("Haji Ahmed"), without_title("الحاج أحمد"), without_title("Haji"), without_title("Dr. Omar")
    ('Ahmed', 'أحمد', 'Haji', 'Omar')
    """
    words = text.split()
    while len(words) > 1 and words[0].lower().rstrip(".") in _TITLES:
        words = words[1:]
    return " ".join(words) if len(words) < len(text.split()) else text


# An alias a list writes in a name's column rather than its own: in brackets or quotes
# (Ahmed (Abu Omar), Ahmed "Abu Omar", Ahmed [Hamada]), or after a word that says so (Ahmed aka
# Abu Omar, Ahmed alias Abu Omar, Ahmed @ Abu Omar as Malaysian and Indonesian police lists
# write it, أحمد الملقب أبو عمر, أحمد المكنى أبو عمر, أحمد المعروف بأبي عمر).
_ALIAS_QUOTED_RE = re.compile(
    r"\s*(?:\(([^()]*)\)|\[([^\[\]]*)\]|«([^«»]*)»|\"([^\"]*)\"|“([^“”]*)”|„([^„“”]*)[“”])\s*"
)
_ALIAS_WORD_RE = re.compile(
    r"^(.*?\S)\s+(?:also\s+known\s+as|known\s+as|aka|a\.\s?k\.\s?a\.?|a/k/a|alias|dite?|genannt|@|"
    r"ال(?:ملق|مكن)ّ?(?:ب|ى|ا)[ةه]?|و(?:يلقب|يكنى|تلقب|تكنى)|ال(?:معروف|شهير)[ةه]?)"
    r"(?:\s*[:\-]\s*|\s+)(?:باسم\s+|بـ\s*|ب(?=[اأإآ]))?(\S.*)$",
    re.IGNORECASE,
)
# (المعروف بأبي عمر: the kunya after a preposition, أبي, is أبو)
_GENITIVE_ABU_RE = re.compile(r"^[اأ]بي(?=\s)")
_KUNYA_RE = re.compile(r"^(?:abu|abou|abo|umm|um|oum|om|أبو|ابو|ابي|أبي|أم|ام|اُم)\b", re.IGNORECASE)


def inline_alias(text: str) -> tuple[str, str]:
    """(the name, the alias) of a name column's text that writes an alias beside the name; the
    alias is empty where there is none.  The name itself in the other script, in brackets
    (Ahmed (أحمد)), is no alias: dropped.

    >>> inline_alias("Ahmed (Abu Omar)"), inline_alias("Ahmed aka Abu Omar"), inline_alias("Ahmed")
    (('Ahmed', 'Abu Omar'), ('Ahmed', 'Abu Omar'), ('Ahmed', ''))
    >>> inline_alias("أحمد المعروف بأبي عمر"), inline_alias("Ahmed (أحمد)"), inline_alias("(Ahmed)")
    (('أحمد', 'أبو عمر'), ('Ahmed', ''), ('Ahmed', ''))
    """
    name, alias = text, ""
    quoted = _ALIAS_QUOTED_RE.search(text)
    if quoted:
        inside = next(g for g in quoted.groups() if g is not None).strip()
        name = " ".join((text[: quoted.start()] + " " + text[quoted.end() :]).split())
        if not name:
            return inside, ""
        alias = inside
    else:
        said = _ALIAS_WORD_RE.match(text)
        if said:
            name, alias = said.group(1).strip(), said.group(2).strip()
    if alias and is_arabic(alias) != is_arabic(name) and not _KUNYA_RE.match(alias):
        alias = ""  # Ahmed (أحمد): the name in the other script
    return name, _GENITIVE_ABU_RE.sub("أبو", alias)


@lru_cache(maxsize=500_000)
def normalise_name(text: str | None, part: str = "given") -> NameKey:
    """Derive the comparable keys of one name part (``part``: given, family, place ...).

    >>> normalise_name("Abd al-Rahman").key1 == normalise_name("Abdulrahman").key1
    True
    >>> normalise_name("Hassan").agrees(normalise_name("Hussein"))
    False
    """
    if text is None:
        return _EMPTY
    text = original = visible(text).strip()
    if not text:
        return _EMPTY
    if part == "given":
        text = without_title(text)
    table = variant_table()
    if is_arabic(text):
        folded = fold_arabic(text)
        base = _strip_arabic_particles(folded)
        canon = base if base in table.latin_of else ""
        # A Sorani spelling takes the keys of the Arabic name it writes, not its canon: the
        # reading is a guess, and two canons that differ are two names (a veto on the given
        # name), where keys that differ still meet by skeleton or as a typo.
        read = canon or sorani_arabic(folded, table.latin_of, bool(_KURDISH_KEYBOARD.search(text)))
        if read:
            k1, k2 = latin_keys(fold_latin(table.latin_of[read]), part)
        else:
            k1 = k2 = _arabic_letters(base)
        letters = _arabic_letters(base)
        skeleton = skeleton_of_key(letters)
        broad = broad_key(_rule_input(fold_latin(table.latin_of[read]), part) if read else letters)
        broad = _broad_or_known(broad, read)
        return NameKey(original, "arabic", folded, k1, k2, canon, skeleton, "", skeleton, broad)
    folded = fold_latin(text)
    if not folded:
        return _EMPTY
    # Kurmanji (and Turkish) with ê, î or û writes jim as c (Cemîl = Jamil, Mecîd = Majid), which
    # the keys read as kaf (Cemîl was Kamil's key).
    kurmanji_c = KURMANJI_READING and part == "given" and bool(_KURMANJI_MARKS.search(text))
    k1, k2 = latin_keys(re.sub("c(?!h)", "j", folded) if kurmanji_c else folded, part)
    joined = "".join(_drop_particles(folded.split(), part))
    canon, canon2 = table.arabic_of_fold.get(joined) or table.arabic_of_key.get(k1, ("", ""))
    if KURMANJI_READING and part == "given":
        if not canon:
            canon = kurmanji_name(text, part, table)
        elif kurmanji_c and re.search("c(?!h)", joined):
            # The table reads c as kaf (Cemîl as كامل, Hecî as حقي); Kurmanji writes jim so.
            canon, canon2 = kurmanji_name(text, part, table), ""
    skeleton2 = skeleton_of_key(second_skeleton_key(folded, part))
    broad = _known_broad(canon, part, table)
    if broad is None:
        broad = broad_key(_rule_input(folded, part))
    canon3 = ""
    combined, russian = other_school_reading(folded, part), russian_reading(folded, part)

    def readings() -> Iterator[str]:
        # Each reading only where those before it find no other name (made only then).
        yield from (combined, russian, by_ear_reading(folded, part))
        yield _apply(_TURKISH_FINAL, combined)
        yield from one_rule_readings(folded, part)

    for other in readings():
        if other != joined:
            found = table.arabic_of_fold.get(other) or table.arabic_of_key.get(
                latin_keys(other, part)[0], ("", "")
            )
            canon3 = found[0] if found[0] not in (canon, canon2) else ""
        if canon3:
            if not canon:  # the name is the one another school's reading finds
                known = _known_broad(canon3, part, table)
                broad = broad if known is None else known
            break
    if not canon3 and not canon and russian and russian != joined:
        # A name the table does not know, in the Russian school's letters (Khadzhi, a family
        # name Khadzhdzhi): its reading's Latin key, marked "~", agrees with a spelling of that
        # key (Haji, al-Hajji) as another school's reading does (comparisons.other_schools_agree).
        canon3 = RUSSIAN_KEY_MARK + latin_keys(russian, part)[0]
    elif not canon3 and canon and KNOWN_NAME_KEY_READING:
        # A name the table knows, whose other schools' reading is a name the table cannot
        # place (no one Arabic name owns it): Cana, to the table كان, is Jana in a Turkish
        # register (جنى, whose Latin spellings are shared); Khayat, the family name خياط, is
        # Hayat in a Russian one.  The reading's key, marked "~", as above.
        first = next((r for r in (combined, russian) if r and r != joined), "")
        if first:
            key = latin_keys(first, part)[0]
            canon3 = RUSSIAN_KEY_MARK + key if key != k1 else ""
    known = canon or ("" if canon3.startswith(RUSSIAN_KEY_MARK) else canon3)
    return NameKey(
        original, "cyrillic" if _CYRILLIC_RE.search(text) else "latin", folded, k1, k2, canon,
        skeleton_of_key(k1), canon2, skeleton2, _broad_or_known(broad, known),
        canon3,
    )  # fmt: skip


# Kurmanji Kurdish in its Latin alphabet writes the Arabic names its speakers bear as it says
# them: ê where Arabic has ay (Silêman = Sulayman, Şêx = Shaykh, Hisên = Husayn), e for a short a
# (Ehmed, Hesen), i for a short u or i (Mihemed, Mistefa), c for jim (Cemal), x for kha (Xalid),
# v for ba or fa (Evdila = Abdullah, Ûsiv = Yusuf), Û for a first Yu (Ûsif), and, as Kurds say
# it, no vowel between a first consonant and l, r, m or n (Slêman).  A spelling the table does
# not know, written with Kurmanji's ê, î or û, is read back into the common school's letters,
# each guess costing one (e as a, ê as ay, c as j cost none), and takes as its canon the Arabic
# name that the cheapest readings finding any name all find; two names at that cost are no
# reading.  Without those letters only Kurmanji's Evd for Abd is read (Evdila, Evdirehman): read
# so, an unmarked name was too often another language's (Kamel as Kamal, Emre, Merve, Daniel) or
# a typo (Abid as Abbud).  Distinct names stay apart: Hesen (حسن) and Hisên (حسين) are read from
# what is written, and Hemed finds Hamad before any guess could make it Hamid.
_KURMANJI_MARKS = re.compile("[êîûÊÎÛ]")
_KURMANJI_ABD = re.compile("^[ae]vd(?=[aeiou])")
_KURMANJI_MOST_GUESSES = 3
_KURMANJI_MOST_READINGS = 512


def _kurmanji_choices(word: str) -> list[list[tuple[str, int]]]:
    """Per letter of a lowercased word (Kurmanji letters kept), its readings and their costs."""
    out: list[list[tuple[str, int]]] = []
    for i, ch in enumerate(word):
        first = i == 0
        if ch == "ê":
            out.append([("ay", 0)])
        elif ch == "e":
            out.append([("a", 0)])
        elif ch == "i" and not first:
            out.append([("i", 0), ("u", 1)])
        elif ch in "ûu" and first:
            out.append([("u", 0), ("yu", 1)])
        elif ch == "v":
            out.append([("v", 0), ("b", 1), ("f", 1)])
        elif ch == "c":
            out.append([("j", 0)])
        else:
            out.append([(ch, 0)])
        nxt = word[i + 1] if i + 1 < len(word) else ""
        if first and ch in "bcdfhjklmnpqstvxzşç" and nxt in ("l", "r", "m", "n"):
            out[-1] = [(r + v, c + (v != "")) for r, c in out[-1] for v in ("", "u", "i")]
    return out


def kurmanji_readings(text: str) -> list[list[str]]:
    """A Latin name as Kurmanji writes it, read back into the common school's letters: lists of
    readings, the cheapest first (see ``_KURMANJI_MARKS``); [] for a name that is no Latin word
    or, but for Evd, no Kurmanji spelling.

    >>> kurmanji_readings("Şêx")[0], kurmanji_readings("Hisên")[1], kurmanji_readings("Evdila")
    (['shayx'], ['husayn'], [['abdila']])
    >>> kurmanji_readings("Kamel"), kurmanji_readings("Hisen")
    ([], [])
    """
    lowered = unicodedata.normalize("NFC", text).lower()
    words = lowered.split()
    if len(words) != 1 or not re.fullmatch("[a-zêîûşç]+", words[0]):
        return []
    if not _KURMANJI_MARKS.search(lowered):
        abd = _KURMANJI_ABD.sub("abd", words[0])
        return [[fold_latin(abd)]] if abd != words[0] else []
    readings: dict[str, int] = {"": 0}
    for options in _kurmanji_choices(words[0]):
        readings = {
            r + o: c + oc
            for r, c in readings.items()
            for o, oc in options
            if c + oc <= _KURMANJI_MOST_GUESSES
        }
        if len(readings) > _KURMANJI_MOST_READINGS:
            return []
    by_cost: list[list[str]] = [[] for _ in range(_KURMANJI_MOST_GUESSES + 1)]
    for reading, cost in readings.items():
        by_cost[cost].append(fold_latin(reading))
    return by_cost


def kurmanji_name(text: str, part: str, table: _VariantTable) -> str:
    """The Arabic name the variant table gives a Kurmanji spelling's cheapest readings, all of
    them (``kurmanji_readings``); "" where none or two names are found at that cost."""
    for readings in kurmanji_readings(text):
        found = set()
        for reading in readings:
            hit = table.arabic_of_fold.get(reading) or table.arabic_of_key.get(
                latin_keys(reading, part)[0]
            )
            if hit:
                found.add(hit[0])
        if found:
            return found.pop() if len(found) == 1 else ""
    return ""


# The broad key of a name with no consonant of a class (Aya, Aja, آية: a medial y and vowels)
# is "": no blocking rule on that name could pair its records, and Aya is among the commonest
# girls' names (drawn1970 20k: 40 records of Aja, 20 of Aya).  Where the table knows the name,
# its Arabic spelling, marked, is the key, which every spelling of it shares.  120 populations
# at 20k: 15 up, 2 down; 45 never run: 5 up, none down (with pipeline.CLEAR_BEST_DECOY_MIN_SHARE,
# which a checkpoint's list needed once these pairs were made: bench/RESULTS.md, "fifty-third
# session").
KNOWN_NAME_MARK = "="


def _broad_or_known(broad: str, arabic: str) -> str:
    """``broad``, or where it is empty and the table knows the name, its Arabic spelling marked
    ``KNOWN_NAME_MARK``."""
    return broad or (KNOWN_NAME_MARK + arabic if arabic else "")


def _known_broad(arabic: str, part: str, table: _VariantTable) -> str | None:
    """The broad key of the Arabic name the table finds for a Latin spelling: its main Latin
    spelling's, as an Arabic spelling's is.  Every school's spelling of a known name then blocks
    together, where its letters alone read one letter one way for every school: BUCHRA's key
    would be bkr (the French ch for sh), Bushra's bsr; Kacem km, Kasem ksm; Chalid (the German ch
    for kh) sls, Khalid kls (drawn861-900 20k: 34 up / 0 down; bench/RESULTS.md, "thirty-sixth
    session").  That key may be "" (Aya: no consonant of a class), as an Arabic spelling's is;
    None where the table has no such name."""
    latin = table.latin_of.get(arabic) if arabic else None
    return None if latin is None else broad_key(_rule_input(fold_latin(latin), part))


# Letters spelled out for a name the variant table does not know (Arabic, and the Kurdish letters of
# Sorani, its trilled r and dark l as Kurdish names are written in Latin letters: ڕێبوار Rêbwar,
# عەبدوڵڵا Ebdulla); the weak letters waw and ya as consonants or vowels where they are
# (``weak_is_consonant``), a doubled one read once; ayn and hamza are left out (an apostrophe in a
# name is escaped in pages and breaks searching), an initial ayn read as "a".
_LETTERS = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h",
    "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d",
    "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m",
    "ن": "n", "ه": "h", "ة": "a", "ى": "a", "ء": "", "ؤ": "", "ئ": "", "پ": "p", "چ": "ch",
    "ژ": "zh", "گ": "g", "ڤ": "v", "ک": "k", "ی": "y", "ە": "e", "ۆ": "o", "ێ": "ê", "ڵ": "l",
    "ڕ": "r", "ھ": "h",
}  # fmt: skip
_WEAK = {"و": ("w", "u"), "ي": ("y", "i"), "ی": ("y", "i")}


def _spelled_out(folded: str) -> str:
    """A name the table does not know, letter by letter: "الشعيطات" -> "al-Shitat"."""
    article = folded.startswith("ال") and len(folded) >= 4
    word = folded[2:] if article else folded
    # Sorani writes every vowel: an initial ayn's vowel too (عەلی Eli, عومەر Umer).
    written = _VOWEL_LETTERS | (_WEAK_LETTERS if _SORANI_ONLY.intersection(word) else set())
    out = ""
    for i, ch in enumerate(word):
        if ch == "ع" and not out:
            out = "" if word[1:2] in written else "a"
        elif ch in _WEAK:
            consonant, vowel = _WEAK[ch]
            # After an initial ayn read as "a", as after any vowel (عواد Awad, عون Awn).
            if weak_is_consonant(word, i) or (i == 1 and out == "a"):
                out += consonant
            elif not out.endswith(vowel):  # a doubled waw is one long u (ڕووناک Runak)
                out += vowel
        else:
            out += _LETTERS.get(ch, ch if ch.isascii() else "")
    first = next((i for i, c in enumerate(out) if c.isalpha()), None)
    if first is not None:
        out = out[:first] + out[first].upper() + out[first + 1 :]
    return f"al-{out}" if article else out


# "Son of" and "daughter of" in a name (Bilal bin Ali), each way; not names of their own. The
# Mauritanian "Ould" (ولد, son of) goes one way: Arabic ولد alone is also a word of a name.
_LATIN_OF_PARTICLE = {"بن": "bin", "ابن": "ibn", "بنت": "bint"}
_ARABIC_OF_PARTICLE = {"bin": "بن", "ben": "بن", "ibn": "ابن", "bint": "بنت", "ould": "ولد"}


def _latin_word(word: str) -> str:
    folded = fold_arabic(word)
    if folded in _LATIN_OF_PARTICLE:
        return _LATIN_OF_PARTICLE[folded]
    base = _strip_arabic_particles(folded)
    latin = variant_table().shown_latin_of.get(base)
    if not latin:
        return _spelled_out(re.sub("[\u064b-\u0652\u0640]", "", word))  # without the harakat
    latin = re.sub(r"^(?:[Aa]l|[Ee]l)-", "", latin)
    if base == folded or not folded.startswith("ال"):
        return latin
    # The ال is the article ("al-Obaidi"), unless the spelling already says it as part of the
    # name (الياس: Elias, not "al-Elias").
    own = _says_article(normalise_name(latin).skeleton, folded, base)
    return latin if own else f"al-{latin}"


# Compounds with "Allah" whose first word is a name of its own (سيف الله); a bare ending "له"
# is not enough (نبيله is Nabila, not "Nabi Allah").
_ALLAH_COMPOUNDS = frozenset(
    {"سيف", "عبيد", "فتح", "عطا", "نصر", "فضل", "ضيف", "جار", "حمد", "خير"}
)


def _written(canon: str) -> str:
    """A folded name as a reader writes it: the folding drops the article inside a compound
    (عبدالباسط is folded to عبدباسط, عبدالله to عبدله, نور الدين to نوردين), put back."""
    if canon.startswith("عبد") and len(canon) > 4 and not canon.startswith("عبدال"):
        return "عبد ال" + canon[3:]
    if canon.endswith("دين") and len(canon) >= 5:
        return canon[:-3] + " الدين"
    if canon.endswith("له") and canon[:-2] in _ALLAH_COMPOUNDS:
        return canon[:-2] + " الله"
    return canon


def _arabic_word(word: str, part: str) -> str:
    folded = fold_latin(word)
    if folded in _ARABIC_OF_PARTICLE:
        return _ARABIC_OF_PARTICLE[folded]
    words = folded.split()
    article = len(words) > 1 and words[0] in ("al", "el")
    name = " ".join(words[1:]) if article else word
    key = normalise_name(name, part)
    canon = _with_own_article(key)
    if canon == key.canon:
        canon = _initial_hamza(_written(canon), fold_latin(name))
    canon = _final_letter(canon, words[-1] if words else "")
    return f"ال{canon}" if canon and article else canon


def _with_own_article(key: NameKey) -> str:
    """The Arabic name with the ال the variant table reads as an article put back when the Latin
    says it as part of the name: Elias and Ilyas are الياس, Ilham الهام, Labidi العبيدي (the
    table's canon is ياس, هام, عبيدي); Alam (عالم) and Alaoui (علوي) say only the name's own l."""
    canon = key.canon
    if not canon or canon.startswith("ال") or not key.skeleton:
        return canon
    return "ال" + canon if _says_article(key.skeleton, "ال" + canon, canon) else canon


def _says_article(latin_skeleton: str, with_article: str, without: str) -> bool:
    """Does a Latin spelling (its consonant skeleton) say an Arabic name's leading ال as part of
    the name: the skeleton of the name read with it, and not of the name without it?"""
    own, whole = (skeleton_of_key(_arabic_letters(a)) for a in (without, with_article))
    return latin_skeleton == whole != own


# Names beginning with the alef of a derived verbal noun (hamzat al-wasl) are written without a
# hamza: انتصار Intisar, ابتسام Ibtisam, اعتماد Itimad (a t after the first consonant), استبرق;
# so are ابن and ابنة.
_WASL = re.compile("^ا.ت|^است")


# Names written with a madda (a hamza and a long a) on the first alef, by their folded canon: the
# Latin says "a" for both, so the common ones are listed (Amal أمل has a short a; Amaal is آمال).
_MADDA = frozenset({"ايه", "ايات", "ادم", "امنه", "اسيا", "اسيه", "امال"})


def _initial_hamza(canon: str, latin: str) -> str:
    """The hamza the folding took off a first alef, from the Latin vowel: Ahmad أحمد, Usama أسامة,
    Ibrahim إبراهيم; a madda on the few common names that have one (Aya آية, Adam آدم, Amna
    آمنة). Not on a name's own ال."""
    if len(canon) < 2 or not canon.startswith("ا") or canon.startswith("ال"):
        return canon
    if canon in _MADDA and latin[:1] in "aeiou":
        return "آ" + canon[1:]
    if _WASL.match(canon) or canon in ("ابن", "ابنة") or latin[:1] not in "aeiou":
        return canon
    return ("إ" if latin[0] in "ei" else "أ") + canon[1:]


def _final_letter(canon: str, latin: str) -> str:
    """The last letter the folding merged back apart, from how the Latin name ends: a name said
    with a final "a" ends in alef maqsura (Salma سلمى, not سلمي "Salmi"; Yahya يحيى) or in teh
    marbuta (Fatima فاطمة, Hamza حمزة); a final "i" or "h" keeps yeh or heh (Hani هاني, Wajih)."""
    if len(canon) < 3 or " " in canon or not latin.endswith(("a", "ah")):
        return canon
    if canon.endswith("ي"):
        return canon[:-1] + "ى"
    if canon.endswith("ه") and not latin.endswith(("llah", "lla")):  # Allah keeps its heh
        return canon[:-1] + "ة"
    return canon


def _arabic_compounds(words: list[str]) -> list[str]:
    """The word "عبد" and the name after it as one word: "عبد الله" is Abdullah, one name written with a
    space as often as without; alone, the table reads عبد as the name Abid."""
    out: list[str] = []
    for word in words:
        if out and fold_arabic(out[-1]) == "عبد":
            out[-1] += word
        else:
            out.append(word)
    return out


def transliterate(text: str | None, part: str = "given") -> str:
    """The name in the other script: Arabic to its most attested Latin spelling (letters spelled
    out when the variant table does not know the name), Latin to the Arabic name the table says it
    spells; "" when a Latin word has no known Arabic name (a guess would mislead).

    >>> transliterate("عمر")
    'Omar'
    >>> transliterate("Omar")
    'عمر'
    """
    text = (text or "").strip()
    if not text:
        return ""
    if is_arabic(text):
        return " ".join(_latin_word(w) for w in _arabic_compounds(text.split()))
    out = []
    for word in _latin_compounds(text):
        arabic = _arabic_word(word, part)
        if not arabic:
            return ""
        out.append(arabic)
    return " ".join(out)


_LATIN_ARTICLES = frozenset({"al", "el"})
_LATIN_ABD = frozenset({"abd", "abdel", "abdul", "abdal", "abdil", "abdol"})


def _latin_compounds(text: str) -> list[str]:
    """The words of a Latin name, each name with its article ("al-Obaidi", "El Khalil") and "Abd"
    with the name after it ("Abdel Aziz", "Abd al-Rahman") as one word."""
    tokens = text.replace("-", " ").split()
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        folded = fold_latin(token)
        if folded in _LATIN_ABD and i + 1 < len(tokens):
            rest = tokens[i + 1]
            if fold_latin(rest) in _LATIN_ARTICLES and i + 2 < len(tokens):
                i += 1
                rest = tokens[i + 1]
            allah = fold_latin(rest) in ("allah", "alla", "ullah", "ulla", "illah")
            out.append("Abdullah" if allah else "Abdul" + rest.lower())
            i += 2
        elif folded in _LATIN_ARTICLES and i + 1 < len(tokens):
            out.append(f"{token} {tokens[i + 1]}")
            i += 2
        else:
            out.append(token)
            i += 1
    return out


# --- a whole name in the given name's column ---------------------------------------------------
# Many lists have one column for the name, and a clerk filling a form may type the whole name
# where the given name goes: "Ahmed Jasim Hamad al-Obeidi", "احمد جاسم حمد العبيدي".  Compared
# as written, the given name is another name (a veto) and the lineage is missing.  Such a name
# is read in the order Arabic names are said (given, father, grandfather, the family name last:
# the "triple name" of Iraqi and Syrian documents with its family or tribal name), its
# compounds kept whole (Abd al-Rahman, Nur al-Din, Abu Bakr, an article written apart).
FULL_NAME_FIELDS = ("given_name", "father_name", "grandfather_name", "family_name")
_NAME_SEPARATORS = frozenset({"bin", "ibn", "ben", "bint", "walad", "ould", "بن", "ابن", "بنت"})
# Joined with the word after them (Abd al-Rahman; Abu Bakr; "al Obeidi" with the article apart).
_JOINS_NEXT = frozenset(
    {
        "abd",
        "abdul",
        "abdel",
        "abdal",
        "abdol",
        "abu",
        "abou",
        "abo",
        "al",
        "el",
        "عبد",
        "ابو",
        "أبو",
        "ال",
    }
)
# Joined to the word before them (Nur al-Din, Nour Eddine, Fath Allah).
_JOINS_PREVIOUS = re.compile(
    r"^(?:[ae][dlrsntz]-?d(?:ee|i)ne?|ud+(?:ee|i)n|ed+ine?|allah|ullah|الدين|الله)$"
)
# A family name by its form: an article, or a Russian (in either script), Armenian, Turkish or
# Persian surname's end.
_FAMILY_FORM = re.compile(
    r"^(?:(?:al|el)[- ]|ال)|(?:ov|ova|ev|eva|ovich|yan|ian|oglu|zade|ов|ова|ев|ева|ович|ян)$"
)


def joins_next(word: str) -> bool:
    """True where ``word`` is the first half of a compound (Abd, Abu, عبد): a list that split a
    whole name at every space put the rest in the next column."""
    return len(_name_units(_ARABIC_DIACRITICS_RE.sub("", word) + " x")) == 1


def joins_previous(text: str) -> bool:
    """True where ``text`` begins with the second half of a compound (Allah, al-Din, الدين)."""
    words = _ARABIC_DIACRITICS_RE.sub("", text).split()
    return bool(words) and bool(_JOINS_PREVIOUS.match(words[0].lower()))


def split_name_units(text: str) -> list[str]:
    """The names of a text holding several, compounds whole and bin / ibn left out.

    >>> split_name_units("Jasim bin Abd al-Rahman"), split_name_units("جاسم حمد")
    (['Jasim', 'Abd al-Rahman'], ['جاسم', 'حمد'])
    """
    return _name_units(_ARABIC_DIACRITICS_RE.sub("", text))


def _name_units(text: str) -> list[str]:
    words = [w for w in re.split(r"[\s,]+", text.strip()) if w]
    units: list[str] = []
    i = 0
    while i < len(words):
        word, low = words[i], words[i].lower().rstrip(".")
        if low in _NAME_SEPARATORS:
            i += 1
            continue
        if units and _JOINS_PREVIOUS.match(low):
            units[-1] = f"{units[-1]} {word}"
        elif low in _JOINS_NEXT and i + 1 < len(words):
            # Abd + Al + Wahhab: joined while the word taken is one that joins the next too.
            unit = word
            while low in _JOINS_NEXT and i + 1 < len(words):
                i += 1
                unit, low = f"{unit} {words[i]}", words[i].lower().rstrip(".")
            units.append(unit)
            if i + 1 < len(words) and _JOINS_PREVIOUS.match(words[i + 1].lower()):
                units[-1] = f"{units[-1]} {words[i + 1]}"
                i += 1
        else:
            units.append(word)
        i += 1
    return units


def mothers_own_name(text: str) -> str:
    """The mother's own name of what a list writes as the mother's name: Iraqi forms ask for her
    whole name (her own, her father's, often her grandfather's), where another list writes hers
    alone, so only the first name is compared (a compound such as Umm Kalthum or Nur al-Huda
    whole).

    >>> mothers_own_name("Fatima Hassan Ali"), mothers_own_name("فاطمة بنت حسن"), mothers_own_name("Umm Kalthum Ali")
    ('Fatima', 'فاطمة', 'Umm Kalthum')
    """
    if not _SPACED_RE.search(text):
        return text
    units = _name_units(text)
    if len(units) > 1 and units[0].lower() in _MOTHER_OF:
        return f"{units[0]} {units[1]}"
    return units[0] if units else text


_SPACED_RE = re.compile(r"\S\s+\S")
_MOTHER_OF = frozenset({"umm", "um", "oum", "om", "ام", "أم"})


def _capitals(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


def _family_first(text: str) -> tuple[str, str]:
    """(family name, the rest) of a whole name that says which word is the family name: written
    before a comma (Petrov, Ivan) or in capitals among words that are not (YILMAZ Mehmet, Ivan
    PETROV, as passports and many foreign lists write it); ('', text) otherwise."""
    head, comma, rest = text.partition(",")
    if comma and head.strip() and rest.strip():
        return head.strip(), rest.strip()
    words = text.split()
    if len(words) < 2 or all(_capitals(w) for w in words):
        return "", text
    for at in (0, len(words) - 1):
        if _capitals(words[at]) and sum(_capitals(w) for w in words) == 1:
            return words[at], " ".join(words[:at] + words[at + 1 :])
    return "", text


def split_full_name(given: str, has_family: bool = False) -> dict[str, str] | None:
    """The name parts of a whole name written in the given name's column, or None when it is one
    name (a compound or a single word) or cannot be told apart from a double given name.

    With the family name in its own column, only three parts or more are read (the triple
    name: given, father, grandfather); a given name of two words beside a family name is a double
    given name as often (Mehmet Ali Yilmaz) and is left as written.  Without one, the last of
    four or more is the family name, and of two or three the last is the family name by its
    form (an article, a surname's ending), else the father's or grandfather's name; two words
    only where the variant table knows both as names or the second has a family name's form
    (not a space typed into one name: Madel ine).  A family name written before a comma or in
    capitals among words that are not (``_family_first``) is the family name wherever it stands.

    >>> split_full_name("Abd al-Rahman Jasim Hamad al-Obeidi")
    {'given_name': 'Abd al-Rahman', 'father_name': 'Jasim', 'grandfather_name': 'Hamad', 'family_name': 'al-Obeidi'}
    >>> split_full_name("Ahmed bin Ali"), split_full_name("Ivan Petrov")
    ({'given_name': 'Ahmed', 'father_name': 'Ali'}, {'given_name': 'Ivan', 'family_name': 'Petrov'})
    >>> split_full_name("Haji Ahmed Jasim Hamad")["given_name"], split_full_name("Haji Khalaf Murad")["given_name"]
    ('Ahmed', 'Haji')
    >>> split_full_name("YILMAZ Mehmet Ali"), split_full_name("Petrov, Ivan")
    ({'given_name': 'Mehmet', 'father_name': 'Ali', 'family_name': 'YILMAZ'}, {'given_name': 'Ivan', 'family_name': 'Petrov'})
    >>> split_full_name("Мухаммад Алиев")
    {'given_name': 'Мухаммад', 'family_name': 'Алиев'}
    >>> split_full_name("Nur al-Din"), split_full_name("Mehmet Ali", has_family=True)
    (None, None)
    >>> split_full_name("Abd Al wahhab"), split_full_name("madel ine")
    (None, None)
    """
    text = without_title(given)
    if (
        text != given
        and given.split()[0].lower().rstrip(".") in _TITLE_NAMES
        and len(_name_units(text)) == 2
    ):
        # Haji Khalaf Murad: a triple name (given, father, grandfather) whose given name is Haji
        # far more often than a title and two names.
        text = given
    if not has_family:
        family, rest = _family_first(text)
        if family:
            units = _name_units(rest)
            return {
                **dict(zip(FULL_NAME_FIELDS[:3], units[:3], strict=False)),
                "family_name": family,
            }
    units = _name_units(text)
    n = len(units)
    if n < 2 or (has_family and n < 3):
        return None
    if has_family:
        return dict(zip(FULL_NAME_FIELDS[:3], units[:3], strict=True))
    last = "family_name" if n >= 4 or _FAMILY_FORM.search(units[-1].lower()) else None
    if n == 2 and not last and not all(normalise_name(u).canon for u in units):
        return None  # "Madel ine": a space typed into one name, or names the table cannot place
    if n == 2:
        return {"given_name": units[0], last or "father_name": units[1]}
    if n == 3:
        return {
            "given_name": units[0],
            "father_name": units[1],
            last or "grandfather_name": units[2],
        }
    return {
        "given_name": units[0], "father_name": units[1], "grandfather_name": units[2],
        "family_name": units[-1],
    }  # fmt: skip
