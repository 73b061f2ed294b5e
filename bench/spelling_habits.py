"""Registers with spelling habits the generator does not have: does Muster still find their people?

``--habit sorani``: in the camps of north-east Syria and the Kurdistan Region, a clerk may write
Arabic names in Sorani Kurdish spelling, which writes every vowel (محەمەد for محمد, حوسێن for
حسين, فاطمە for فاطمة): a share (``--share``) of the records written in Arabic script are
rewritten so (``muster.scenario.noise.sorani_spelling``, each name's vowels placed from its Latin
form in the generator's name tables).  ``--habit arabizi``: a family typing on a phone writes a
name in the Arabic chat alphabet, digits for the letters Latin lacks (A7mad, 5aled, 3ali): a
share of the records written in Latin letters are rewritten so
(``muster.scenario.noise.arabizi_spelling``).  ``--habit cyrillic``: a Russian or Central Asian
authority's list in Cyrillic letters: a share of the Russian passports' records (of all records
in Latin letters where the population has no such list) are written so
(``muster.scenario.noise.cyrillic_spelling``).  ``--habit one_column``: a list with one column
for the name, or a clerk typing the whole name where the given name goes: a share of the records
have given, father's, grandfather's and family names in the given name's column, in that order,
and no father's, grandfather's, family or mother's name or alias.  ``--habit titles``: a share
of the records of people born before 1970 have a pilgrim's title before the given name (Haji,
Hajja, الحاج, الحاجة).  ``--habit nationality``: a share of the sources (each list writes its
own way) write the nationality as the country's English name, the adjective (Iraqi, Syrian),
the alpha-2 code (IQ), or in Arabic script (العراق, عراقية) where the record's names are;
records of the other sources keep the code.  ``--habit dates``: a share of the sources write a
date with the month as a word (12 JAN 1985, January 12, 1985) and a year alone as 1985-00-00 or
00/00/1985 (the birth year column left empty).  ``--habit digits``: a share of the sources
write dates and birth years in Arabic-Indic digits (١٩٨٥-٠٣-١٢), or Persian ones (۱۹۸۵).
``--habit placeholders``: a share of the sources fill what they do not know instead of leaving
it empty: a name as UNKNOWN, -, N/A, غير معروف, FNU / LNU or NOT KNOWN, no date of birth as
1900-01-01 or 0000-00-00, no sex as U, Unknown or X (each source its own style; a name column
only where the source writes that name for some of its records).  ``--habit marks``: a share of
the sources were copied from a word processor: a right-to-left mark (U+200F) after every field
written in Arabic script, a zero-width space after some Latin ones.  ``--habit scholarly``: a
share of the sources transliterate as scholars do (DIN 31635): kh, sh, gh, th, dh, j as ḫ, š, ġ,
ṯ, ḏ, ǧ (the letters only; long vowels are left unmarked).  ``--habit triple``: a share of the
sources write the legal triple name of Iraqi and Syrian papers: the grandfather's name in the
family name's column (and none in the grandfather's), the tribe's name left out.  ``--habit kurmanji``: a share of the sources write Latin names in
Kurmanji Kurdish orthography, as lists in north-east Syria do: c for j, x for kh and gh, ş for
sh, ç for ch (Casim, Xalid, Reşid; the vowels, Mihemed for Muhammad, are not attempted).  ``--habit iraqi_g``: a share of the
sources write qaf as g in Latin names, as Iraqi, Gulf and Bedouin speech says it (Gasim,
Gahtan, Sadig, Tarig).  ``--habit residence``: a
share of the sources name, for half their records, where the person lives or was registered,
not the home town (another town of the same list).  Names the tables do not hold
(a typo) are left as written (sorani, arabizi).  The populations are the sweep's (``bench/sweep.py``'s cached CSVs and truth); printed
is Muster's pairwise F1 on each as generated and as rewritten, in one process, with the
defaults of ``muster match dedupe``.

    PYTHONPATH=src /work/benchvenv/bin/python bench/spelling_habits.py --habit sorani --runs arabic_heavy:20000:1,project:20000:2

The rewritten CSVs are kept beside the sweep's (``*.<habit><share>.csv``), so that another tree
of Muster (``PYTHONPATH=<tree>/src``) can be measured on the same files.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
import sweep  # noqa: E402
from identity_metrics import cluster_scores  # noqa: E402

NAME_COLUMNS = ("given_name", "father_name", "grandfather_name", "family_name", "mother_name")
_ARABIC = re.compile("[\u0600-\u06ff]")
_MARKS = re.compile("[\u064b-\u0652]")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"})


def _key(text: str) -> str:
    return _MARKS.sub("", text).translate(_FOLD).replace(" ", "")


def _tables():
    from muster.scenario import names as N

    return (N.MALE, N.FEMALE, N.FAMILY, N.KURDISH_MALE, N.KURDISH_FEMALE, N.YAZIDI_FAMILY)


def arabic_of_latin() -> dict[str, str]:
    """The generator's Latin spellings of its names (lower case) -> the Arabic name."""
    out: dict[str, str] = {}
    for table in _tables():
        for name in table.names:
            for spelling in (name.latin, *name.styled, *name.variants):
                out.setdefault(spelling.lower(), name.arabic)
    return out


def latin_of_arabic() -> dict[str, tuple[str, str]]:
    """The generator's Arabic names (folded: hamza, teh marbuta, alef maqsura, marks, spaces)
    -> (the Arabic as the table writes it, its Latin form)."""
    out: dict[str, tuple[str, str]] = {}
    for table in _tables():
        for name in table.names:
            out.setdefault(_key(name.arabic), (name.arabic, name.latin))
    return out


# Each country the generator writes, as other lists write it: English name, adjective, alpha-2
# code, Arabic name, Arabic adjective (masculine; the feminine adds ة).
COUNTRY_FORMS = {
    "SYR": ("Syria", "Syrian", "SY", "سوريا", "سوري"),
    "IRQ": ("Iraq", "Iraqi", "IQ", "العراق", "عراقي"),
    "RUS": ("Russia", "Russian", "RU", "روسيا", "روسي"),
    "MAR": ("Morocco", "Moroccan", "MA", "المغرب", "مغربي"),
    "TUR": ("Turkey", "Turkish", "TR", "تركيا", "تركي"),
    "FRA": ("France", "French", "FR", "فرنسا", "فرنسي"),
    "TUN": ("Tunisia", "Tunisian", "TN", "تونس", "تونسي"),
    "UZB": ("Uzbekistan", "Uzbek", "UZ", "أوزبكستان", "أوزبكي"),
    "EGY": ("Egypt", "Egyptian", "EG", "مصر", "مصري"),
    "SAU": ("Saudi Arabia", "Saudi", "SA", "السعودية", "سعودي"),
    "GBR": ("United Kingdom", "British", "GB", "بريطانيا", "بريطاني"),
    "TJK": ("Tajikistan", "Tajik", "TJ", "طاجيكستان", "طاجيكي"),
    "IDN": ("Indonesia", "Indonesian", "ID", "إندونيسيا", "إندونيسي"),
    "DEU": ("Germany", "German", "DE", "ألمانيا", "ألماني"),
    "KAZ": ("Kazakhstan", "Kazakh", "KZ", "كازاخستان", "كازاخي"),
    "NLD": ("Netherlands", "Dutch", "NL", "هولندا", "هولندي"),
    "BEL": ("Belgium", "Belgian", "BE", "بلجيكا", "بلجيكي"),
    "JOR": ("Jordan", "Jordanian", "JO", "الأردن", "أردني"),
    "DZA": ("Algeria", "Algerian", "DZ", "الجزائر", "جزائري"),
    "LBN": ("Lebanon", "Lebanese", "LB", "لبنان", "لبناني"),
}
# Habits written a source at a time (``_field_habit``), and a record at a time (``rewrite``).
FIELD_HABITS = ("nationality", "dates", "digits", "placeholders", "marks", "scholarly", "triple",
                "kurmanji", "aliases", "mother_full", "places", "father_full", "kunya",
                "given_father", "naive_split", "father_as_family",
                "family_full", "residence", "iraqi_g")  # fmt: skip
RECORD_HABITS = ("sorani", "arabizi", "cyrillic", "one_column", "titles")
_MONTH_ABBR = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_MONTH_NAME = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")  # fmt: skip


def _field_habit(frame: pd.DataFrame, habit: str, share: float, seed: int) -> int:
    """Rewrite, in place, the nationality or the dates of the records of a share of the sources
    (each source one style, drawn by ``seed``); the number of records changed."""
    rng = random.Random(seed)
    sources = sorted(frame["source"].unique())
    chosen = [src for src in sources if rng.random() < share] or [rng.choice(sources)]
    changed = 0
    for number, src in enumerate(chosen):
        rows = np.flatnonzero((frame["source"] == src).to_numpy())
        if habit == "nationality":
            style = number % 4  # name, adjective, alpha-2, (Arabic where the names are Arabic)
            values = frame["nationality"].to_numpy(dtype=object).copy()
            for i in rows:
                forms = COUNTRY_FORMS.get(values[i])
                if forms is None:
                    continue
                arabic = bool(_ARABIC.search(frame.at[i, "given_name"]))
                if style == 3 or (arabic and style == 1):
                    written = forms[4] + ("ة" if frame.at[i, "sex"] == "F" else "")
                    written = written if style == 1 else forms[3]
                    if not arabic:
                        written = forms[0]
                else:
                    written = forms[style]
                changed += written != values[i]
                values[i] = written
            frame["nationality"] = values
        elif habit == "digits":  # Arabic-Indic digits (Persian ones for every other source)
            digits = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩" if number % 2 == 0 else "۰۱۲۳۴۵۶۷۸۹")
            for column in ("date_of_birth", "birth_year"):
                values = frame[column].to_numpy(dtype=object).copy()
                for i in rows:
                    changed += bool(values[i])
                    values[i] = values[i].translate(digits)
                frame[column] = values
        elif habit == "placeholders":
            changed += _placeholders(frame, rows, number % 4)
        elif habit == "triple":
            family = frame["family_name"].to_numpy(dtype=object).copy()
            grand = frame["grandfather_name"].to_numpy(dtype=object).copy()
            for i in rows:
                if grand[i]:
                    family[i], grand[i] = grand[i], ""
                    changed += 1
            frame["family_name"], frame["grandfather_name"] = family, grand
        elif habit in ("kurmanji", "iraqi_g"):
            spell = _kurmanji if habit == "kurmanji" else _iraqi_g
            for column in (*NAME_COLUMNS, "alias"):
                values = frame[column].to_numpy(dtype=object).copy()
                for i in rows:
                    new = spell(values[i])
                    changed += new != values[i]
                    values[i] = new
                frame[column] = values
        elif habit == "mother_full":  # the mother's name and her father's (Iraqi forms)
            from muster.identity import normalise_name

            # one grandfather for a mother and her husband however they are spelt
            changed += _append_name(frame, rows, "mother_name", "father_name", lambda i: repr((
                normalise_name(frame.at[i, "mother_name"], "mother").canon,
                normalise_name(frame.at[i, "father_name"], "father").canon)))  # fmt: skip
        elif habit == "places":  # the town with its governorate, or country (each source one way)
            from muster.scenario.places import IRAQ, SINJAR, SYRIA

            govs = {}
            for place in (*SYRIA, *IRAQ, *SINJAR):
                gov = _GOVERNORATES[
                    place.pcode[:4] if place.pcode.startswith("SY") else place.pcode[:5]
                ]
                govs[place.name], govs[place.arabic] = gov, gov
            values = frame["place_of_origin"].to_numpy(dtype=object).copy()
            for i in rows:
                gov = govs.get(values[i])
                if gov is None:
                    continue
                arabic = bool(_ARABIC.search(values[i]))
                gov_name = gov[1] if arabic else gov[0]
                country = gov[2][1] if arabic else gov[2][0]
                values[i] = _PLACE_STYLES[number % 4][arabic].format(
                    town=values[i], gov=gov_name, country=country
                )
                changed += 1
            frame["place_of_origin"] = values
        elif habit == "residence":  # half the records name where they live, not the home town
            values = frame["place_of_origin"].to_numpy(dtype=object).copy()
            towns = [v for v in values[rows] if v]
            for i in rows:
                if values[i] and towns and rng.random() < 0.5:
                    values[i] = rng.choice(towns)
                    changed += 1
            frame["place_of_origin"] = values
        elif habit == "father_full":  # the father's name and his father's in the father's column
            father = frame["father_name"].to_numpy(dtype=object).copy()
            grand = frame["grandfather_name"].to_numpy(dtype=object).copy()
            for i in rows:
                if father[i] and grand[i]:
                    father[i], grand[i] = f"{father[i]} {grand[i]}", ""
                    changed += 1
            frame["father_name"], frame["grandfather_name"] = father, grand
        elif habit == "kunya":  # the person registered by the alias alone (Abu Omar)
            given = frame["given_name"].to_numpy(dtype=object).copy()
            alias = frame["alias"].to_numpy(dtype=object).copy()
            for i in rows:
                if given[i] and alias[i]:
                    given[i], alias[i] = alias[i], ""
                    changed += 1
            frame["given_name"], frame["alias"] = given, alias
        elif habit == "given_father":  # the given name's column holds the father's name too
            given = frame["given_name"].to_numpy(dtype=object).copy()
            father = frame["father_name"].to_numpy(dtype=object)
            for i in rows:
                if given[i] and father[i]:
                    given[i] = f"{given[i]} {father[i]}"
                    changed += 1
            frame["given_name"] = given
        elif habit == "naive_split":  # a whole name split at every space into the four columns
            columns = list(NAME_COLUMNS[:4])
            parts = frame[columns].to_numpy(dtype=object).copy()
            for i in rows:
                words = " ".join(p for p in parts[i] if p).split()
                if len(words) <= len([p for p in parts[i] if p]):
                    continue  # no name of two words: split as written
                written = [*words[:3], " ".join(words[3:])]
                parts[i] = [*written, *[""] * (4 - len(written))][:4]
                changed += 1
            for j, column in enumerate(columns):
                frame[column] = parts[:, j]
        elif habit == "father_as_family":  # a European register: the father's name as surname
            family = frame["family_name"].to_numpy(dtype=object).copy()
            father = frame["father_name"].to_numpy(dtype=object).copy()
            grand = frame["grandfather_name"].to_numpy(dtype=object).copy()
            for i in rows:
                if father[i]:
                    family[i], father[i], grand[i] = father[i], "", ""
                    changed += 1
            frame["family_name"], frame["father_name"] = family, father
            frame["grandfather_name"] = grand
        elif habit == "family_full":  # the family name and the tribe's (or clan's) after it
            from muster.identity import normalise_name

            changed += _append_name(frame, rows, "family_name", "family_name", lambda i: (
                normalise_name(frame.at[i, "family_name"], "family").canon))  # fmt: skip
        elif habit == "aliases":  # the alias written after the given name, its column empty
            given = frame["given_name"].to_numpy(dtype=object).copy()
            alias = frame["alias"].to_numpy(dtype=object).copy()
            for i in rows:
                if given[i] and alias[i]:
                    arabic = bool(_ARABIC.search(given[i]))
                    given[i] = _ALIAS_STYLES[number % 4][arabic].format(given[i], alias[i])
                    alias[i] = ""
                    changed += 1
            frame["given_name"], frame["alias"] = given, alias
        elif habit in ("marks", "scholarly"):
            columns = (*NAME_COLUMNS, "alias", "place_of_origin")
            if habit == "marks":
                columns += ("date_of_birth", "birth_year", "sex", "nationality")
            for column in columns:
                values = frame[column].to_numpy(dtype=object).copy()
                for i in rows:
                    new = _marked(values[i], i) if habit == "marks" else _scholarly(values[i])
                    changed += new != values[i]
                    values[i] = new
                frame[column] = values
        else:  # dates: the month as a word, a year alone with zeros
            style = number % 2
            dob = frame["date_of_birth"].to_numpy(dtype=object).copy()
            year = frame["birth_year"].to_numpy(dtype=object).copy()
            for i in rows:
                if dob[i]:
                    y, m, d = dob[i].split("-")
                    month = int(m) - 1
                    dob[i] = (f"{d} {_MONTH_ABBR[month]} {y}" if style == 0
                              else f"{_MONTH_NAME[month]} {int(d)}, {y}")  # fmt: skip
                    changed += 1
                elif year[i]:
                    dob[i] = f"{year[i]}-00-00" if style == 0 else f"00/00/{year[i]}"
                    year[i] = ""
                    changed += 1
            frame["date_of_birth"], frame["birth_year"] = dob, year
    print(f"  sources rewritten: {', '.join(chosen)}")
    return changed


def _append_name(frame: pd.DataFrame, rows: np.ndarray, column: str, pool: str, key) -> int:  # noqa: ANN001
    """Write after ``column``'s value of each of ``rows`` a name of ``pool``'s in the value's
    script, the same for one ``key(row)``; the number of values changed."""
    values = frame[column].to_numpy(dtype=object).copy()
    names = sorted(set(frame[pool]) - {""})
    by_script = {True: [n for n in names if _ARABIC.search(n)],
                 False: [n for n in names if not _ARABIC.search(n)]}  # fmt: skip
    changed = 0
    for i in rows:
        if values[i]:
            choices = by_script[bool(_ARABIC.search(values[i]))]
            values[i] += " " + choices[zlib.crc32(key(i).encode()) % len(choices)]
            changed += 1
    frame[column] = values
    return changed


# The governorates of the generator's towns (by their P-code's first part), and how a source
# writes a town with them (Latin, Arabic script).
_IRAQ, _SYRIA = ("Iraq", "العراق"), ("Syria", "سوريا")
_GOVERNORATES = {
    "SY09": ("Deir ez-Zor", "دير الزور", _SYRIA), "SY08": ("Al-Hasakah", "الحسكة", _SYRIA),
    "SY11": ("Raqqa", "الرقة", _SYRIA), "SY02": ("Aleppo", "حلب", _SYRIA),
    "SY04": ("Homs", "حمص", _SYRIA), "IQD01": ("Anbar", "الأنبار", _IRAQ),
    "IQD15": ("Ninewa", "نينوى", _IRAQ), "IQD18": ("Salah al-Din", "صلاح الدين", _IRAQ),
    "IQD13": ("Kirkuk", "كركوك", _IRAQ),
}  # fmt: skip
_PLACE_STYLES = (
    ("{town}, {gov}", "{town}، {gov}"),
    ("{town} - {gov} - {country}", "{town} - {gov} - {country}"),
    ("{gov} / {town}", "محافظة {gov} / {town}"),
    ("{town} district ({gov})", "قضاء {town} ({gov})"),
)


# Per style: how a source writes a known alias in the given name's column (Latin, Arabic script).
_ALIAS_STYLES = (
    ("{} ({})", "{} ({})"),
    ("{} aka {}", "{} الملقب {}"),
    ('{} "{}"', "{} المكنى {}"),
    ("{} alias {}", "{} ويكنى {}"),
)


# Per style: what a source writes for a name it does not know (given, family, any other; in
# Arabic script where the record's names are), a date of birth and a sex it does not know.
_PLACEHOLDERS = (
    (("UNKNOWN", "UNKNOWN", "UNKNOWN"), "غير معروف", "1900-01-01", "U"),
    (("-", "-", "-"), "-", "0000-00-00", "Unknown"),
    (("N/A", "N/A", "N/A"), "مجهول", "1900-01-01", "X"),
    (("FNU", "LNU", "NOT KNOWN"), "لا يوجد", "1900-01-01", "U"),
)


def _placeholders(frame: pd.DataFrame, rows: np.ndarray, style: int) -> int:
    """Fill the empty names, date of birth and sex of ``rows`` with ``style``'s placeholders;
    the number of values filled."""
    (given, family, other), arabic_text, no_date, no_sex = _PLACEHOLDERS[style]
    in_arabic = frame["given_name"].map(lambda t: bool(_ARABIC.search(t))).to_numpy()
    changed = 0
    for column in NAME_COLUMNS:
        values = frame[column].to_numpy(dtype=object).copy()
        if np.mean([bool(values[i]) for i in rows]) < 0.05:
            continue  # a name the source does not collect: no column to fill
        text = {"given_name": given, "family_name": family}.get(column, other)
        for i in rows:
            if not values[i]:
                values[i] = arabic_text if in_arabic[i] else text
                changed += 1
        frame[column] = values
    dob = frame["date_of_birth"].to_numpy(dtype=object).copy()
    sex = frame["sex"].to_numpy(dtype=object).copy()
    for i in rows:
        if not dob[i] and not frame.at[i, "birth_year"]:
            dob[i] = no_date
            changed += 1
        if not sex[i]:
            sex[i] = no_sex
            changed += 1
    frame["date_of_birth"], frame["sex"] = dob, sex
    return changed


def _marked(text: str, i: int) -> str:
    """``text`` as copied from a word processor: a right-to-left mark after Arabic script, a
    zero-width space after every third Latin value."""
    if not text:
        return text
    if _ARABIC.search(text):
        return text + "\u200f"
    return text + "\u200b" if i % 3 == 0 else text


_SCHOLARLY = (("kh", "ḫ"), ("sh", "š"), ("gh", "ġ"), ("th", "ṯ"), ("dh", "ḏ"), ("j", "ǧ"))


def _scholarly(text: str) -> str:
    """A Latin name with the scholars' letters for kh, sh, gh, th, dh and j."""
    return _letters(text, _SCHOLARLY)


def _letters(text: str, table: tuple[tuple[str, str], ...]) -> str:
    """A Latin name with each pair of letters of ``table`` written as its one letter."""
    if not text or _ARABIC.search(text):
        return text
    for two, one in table:
        text = text.replace(two, one).replace(two.capitalize(), one.upper())
    return text


_KURMANJI = (("kh", "x"), ("gh", "x"), ("sh", "ş"), ("ch", "ç"), ("j", "c"))


def _kurmanji(text: str) -> str:
    """A Latin name in Kurmanji letters: c for j, x for kh and gh, ş for sh, ç for ch."""
    return _letters(text, _KURMANJI)


def _iraqi_g(text: str) -> str:
    """A Latin name with qaf written g, as Iraqi, Gulf and Bedouin speech says it."""
    return _letters(text, (("q", "g"),))


def rewrite(csv_path: Path, habit: str, share: float, seed: int) -> Path:
    """The population with ``share`` of its records (in Arabic script for sorani, in Latin
    letters for arabizi) written with the habit."""
    out = csv_path.with_name(f"{csv_path.stem}.{habit}{share:g}.csv")
    if out.exists():
        return out
    from muster.scenario.noise import arabizi_spelling, cyrillic_spelling, sorani_spelling

    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    if habit in FIELD_HABITS:
        changed = _field_habit(frame, habit, share, seed)
        frame.to_csv(out, index=False)
        print(f"  {out.name}: {changed:,} records rewritten")
        return out
    rand = random.Random(seed).random
    in_arabic = frame["given_name"].map(lambda t: bool(_ARABIC.search(t))).to_numpy()
    eligible = (
        in_arabic if habit == "sorani" else ~in_arabic & (frame["given_name"] != "").to_numpy()
    )
    if habit == "one_column":
        eligible = (frame["given_name"] != "").to_numpy()
    if habit == "titles":  # the elders: born before 1970
        year = pd.to_numeric(frame["date_of_birth"].str[:4].where(frame["date_of_birth"] != "",
                             frame["birth_year"]), errors="coerce")  # fmt: skip
        eligible = (frame["given_name"] != "").to_numpy() & (year < 1970).to_numpy()
    russian = frame["source"].str.contains("russian").to_numpy()
    if habit == "cyrillic" and (eligible & russian).any():
        eligible &= russian  # the Russian passports' list, where the population has one
    chosen = eligible & (np.random.default_rng(seed).random(len(frame)) < share)
    if habit == "sorani":
        table = latin_of_arabic()

        def write(text: str) -> str | None:
            found = table.get(_key(text))
            return None if found is None else sorani_spelling(found[0], found[1], rand)
    elif habit == "one_column":
        write = None  # the record's name parts, not a name at a time (below)
    elif habit == "titles":
        write = None
    elif habit == "cyrillic":

        def write(text: str) -> str | None:
            return cyrillic_spelling(text)
    else:
        arabic = arabic_of_latin()

        def write(text: str) -> str | None:
            found = arabic.get(text.lower())
            return None if found is None else arabizi_spelling(text, found, rand)

    written = changed = unknown = 0
    if write is None and habit == "titles":  # a pilgrim's title before the given name
        given = frame["given_name"].to_numpy(dtype=object).copy()
        female = (frame["sex"] == "F").to_numpy()
        arabic_given = frame["given_name"].map(lambda t: bool(_ARABIC.search(t))).to_numpy()
        for i in np.flatnonzero(chosen):
            title = ("الحاجة" if female[i] else "الحاج") if arabic_given[i] else (
                "Hajja" if female[i] else "Haji")  # fmt: skip
            given[i] = f"{title} {given[i]}"
        frame["given_name"] = given
        written = changed = int(chosen.sum())
    elif write is None:  # one_column: the whole name in the given name's column
        parts = frame[list(NAME_COLUMNS[:4])].to_numpy(dtype=object)
        whole = np.array([" ".join(p for p in row if p) for row in parts], dtype=object)
        given = frame["given_name"].to_numpy(dtype=object).copy()
        given[chosen] = whole[chosen]
        frame["given_name"] = given
        for column in (*NAME_COLUMNS[1:], "alias"):
            values = frame[column].to_numpy(dtype=object).copy()
            values[chosen] = ""
            frame[column] = values
        written = changed = int(chosen.sum())
    for column in NAME_COLUMNS if write is not None else ():
        values = frame[column].to_numpy(dtype=object)
        for i in np.flatnonzero(chosen):
            text = values[i]
            if not text:
                continue
            new = write(text)
            if new is None:
                unknown += 1
                continue
            written += 1
            changed += new != text
            values[i] = new
        frame[column] = values
    frame.to_csv(out, index=False)
    print(f"  {out.name}: {int(chosen.sum()):,} of {int(eligible.sum()):,} records rewritten, "
          f"{written:,} names written ({changed:,} changed), {unknown:,} not in the tables (kept)")  # fmt: skip
    return out


def f1(csv_path: Path, truth: np.ndarray) -> tuple[dict, float]:
    import muster.identity as mi

    t0 = time.perf_counter()
    try:
        records = mi.read_person_csv(csv_path)
    except mi.PersonCsvError as exc:  # refused: what `muster match` says, and no result
        print(f"  refused: {exc}")
        return {"f1": float("nan"), "precision": float("nan"), "recall": float("nan")}, 0.0
    result = mi.dedupe(records)
    ids = [r["record_id"] for r in records]
    _, labels = np.unique(np.array([result.clusters[i] for i in ids]), return_inverse=True)
    return cluster_scores(labels, truth), time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runs", required=True, help="setting:size:seed, comma-separated")
    ap.add_argument(
        "--habit",
        choices=(*RECORD_HABITS, *FIELD_HABITS),
        required=True,
    )
    ap.add_argument("--share", type=float, default=0.6, help="share of the records written so")
    args = ap.parse_args()
    print(f"| setting | records | seed | as generated: F1 (P / R) | {args.habit}: F1 (P / R) | s |")
    print("|---|---|---|---|---|---|")
    for spec in args.runs.split(","):
        setting, size, seed = spec.split(":")
        csv_path, truth_path, _ = sweep.data_for(setting, int(size), int(seed), 3600)
        truth = np.load(truth_path)
        written = rewrite(csv_path, args.habit, args.share, int(seed))
        before, _ = f1(csv_path, truth)
        after, secs = f1(written, truth)
        shown = (
            "refused"
            if after["f1"] != after["f1"]
            else f"**{after['f1']:.4f}** ({after['precision']:.4f} / {after['recall']:.4f})"
        )
        print(f"| {setting} | {int(size):,} | {seed} | {before['f1']:.4f} ({before['precision']:.4f} / "
              f"{before['recall']:.4f}) | {shown} | {secs:.0f} |", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
