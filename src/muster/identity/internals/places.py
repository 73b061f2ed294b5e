"""The town of a place of origin as lists write it: with its district, governorate or country.

The registry writes the town (Hit, هيت); another authority's list writes "Hit, Anbar", "Hit -
Al-Anbar - Iraq", "Anbar / Hit", "قضاء هيت (الأنبار)".  Compared as written these disagree with
every record of the town, and where the place is one of few fields (a list without lineage) that
loses a population's true pairs by the thousand (bench/RESULTS.md, "thirty-second session").
``town_of`` keeps what is compared to the town: the parts that are a country or a governorate of
Iraq or Syria are left out where a town remains, and the words that say what a part is
(district, city, قضاء, ناحية ...) are dropped.  What a person sees is the record as written.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .countries import is_country_code, read_nationality
from .names import normalise_name

# Between the parts of a place: a comma (Latin or Arabic), a slash, brackets, a spaced dash, a
# vertical bar, a semicolon.  An unspaced hyphen is inside a name (Deir ez-Zor, Al-Qaim).
_PARTS_RE = re.compile(r"\s*(?:[,،/|;()\[\]]|\s[-–—]\s)\s*")
# Words that say what a part is, not which place (English, Arabic).  Not town, city or village:
# they end towns' own names (Pitt Town, New Town in FEBRL's lists).
_KIND_WORDS_RE = re.compile(
    r"(?<!\w)(?:sub-?district|district|governorate|gov\.|province|qada'?a?|nahiy[ae]h?|قضاء|"
    r"ناحية|ناحيه|مدينة|مدينه|قرية|قريه|محافظة|محافظه|منطقة|منطقه|بلدة|بلده)(?!\w)",
    re.IGNORECASE,
)
# The governorates of Iraq and Syria, in the spellings lists use and in Arabic.
_GOVERNORATES = (
    "Anbar", "Al-Anbar", "الأنبار", "Nineveh", "Ninewa", "Ninawa", "نينوى", "Salah al-Din",
    "Salahuddin", "Salah ad-Din", "صلاح الدين", "Kirkuk", "كركوك", "Baghdad", "بغداد", "Basra",
    "البصرة", "Diyala", "ديالى", "Erbil", "Arbil", "أربيل", "Dohuk", "Duhok", "دهوك",
    "Sulaymaniyah", "Sulaimaniya", "السليمانية", "Babil", "Babylon", "بابل", "Karbala", "كربلاء",
    "Najaf", "النجف", "Wasit", "واسط", "Maysan", "ميسان", "Dhi Qar", "ذي قار", "Muthanna",
    "المثنى", "Qadisiyah", "Diwaniyah", "القادسية", "Halabja", "حلبجة", "Deir ez-Zor",
    "Deir al-Zour", "Dayr az-Zawr", "دير الزور", "Raqqa", "Al-Raqqah", "الرقة", "Al-Hasakah",
    "Hasakah", "Hassakeh", "الحسكة", "Aleppo", "Halab", "حلب", "Homs", "حمص", "Hama", "حماة",
    "Idlib", "إدلب", "Latakia", "اللاذقية", "Tartus", "طرطوس", "Damascus", "دمشق",
    "Rif Dimashq", "Rural Damascus", "ريف دمشق", "Daraa", "درعا", "As-Suwayda", "Sweida",
    "السويداء", "Quneitra", "القنيطرة",
)  # fmt: skip


@lru_cache(maxsize=1)
def _governorate_keys() -> tuple:
    return tuple(normalise_name(g, "place") for g in _GOVERNORATES)


def _is_governorate(part: str) -> bool:
    key = normalise_name(part, "place")
    return any(key.agrees(g) for g in _governorate_keys())


def _is_country(part: str) -> bool:
    code = read_nationality(part)
    return is_country_code(code) and code != part.upper()


@lru_cache(maxsize=100_000)
def town_of(text: str) -> str:
    """The part of a place of origin that is compared with a town (the text itself where it is
    one place).

    >>> town_of("Hit, Anbar"), town_of("Mosul - Ninewa - Iraq"), town_of("Ninewa / Mosul")
    ('Hit', 'Mosul', 'Mosul')
    >>> town_of("قضاء هيت (الأنبار)"), town_of("Deir ez-Zor, Syria"), town_of("Raqqa"), town_of("Al-Qaim")
    ('هيت', 'Deir ez-Zor', 'Raqqa', 'Al-Qaim')
    """
    if not _PARTS_RE.search(text) and not _KIND_WORDS_RE.search(text):
        return text
    parts = [" ".join(_KIND_WORDS_RE.sub(" ", p).split()) for p in _PARTS_RE.split(text)]
    parts = [p for p in parts if p]
    places = [p for p in parts if not _is_country(p)] or parts
    towns = [p for p in places if not _is_governorate(p)] or places
    return towns[0] if towns else text
