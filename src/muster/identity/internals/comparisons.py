"""Comparison levels per field, written once as SQL (DuckDB and Spark) and once in Python.

The two forms must agree level for level (tests/identity/test_engines.py checks it): the SQL
form scores batches inside the engine (then ``close_levels`` in Python, on either engine), the
Python form scores a single registration in the screening index.  Levels are small integers, -1 meaning "missing on one side".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import JaroWinkler, Levenshtein
from rapidfuzz.process import cpdist

from .names import (
    RUSSIAN_KEY_MARK,
    NameKey,
    canons_agree,
    identity_skeletons,
    normalise_name,
    split_name_units,
)

NAME_FIELDS = (
    "given_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "mother_name",
    "alias",
    "place_of_origin",
)
LINEAGE_FIELDS = ("father_name", "grandfather_name", "family_name", "mother_name")
FIELDS = (*NAME_FIELDS, "date_of_birth", "sex", "nationality")
NAME_PART = {"family_name": "family", "alias": "alias", "place_of_origin": "place"}

NAME_LABELS = {
    -1: "missing",
    0: "disagree",
    1: "typo",
    2: "arabic_script_equivalent",
    3: "transliteration",
    4: "exact",
}
DOB_LABELS = {
    -1: "missing",
    0: "disagree",
    1: "partial",  # years one apart (or close, against a year only), or same year, other dates
    2: "partial",  # same year, one side only a year (or a 1 January default)
    3: "typo",  # one part of two full dates differs: the day, the month, or the year by one
    4: "typo",  # day and month swapped
    5: "exact",
}
DOB_DETAIL = {
    1: "birth years one apart, or close where a date is only a year",
    2: "same birth year (year only or 1 January)",
    3: "one part of the date differs: the day, the month, or the year by one",
    4: "day and month swapped",
}
DOB_EXACT = 5
EXACT_LABELS = {-1: "missing", 0: "disagree", 1: "exact"}
# A date that is only a year (or the 1 January default) is often an age estimated by eye, or
# rounded to five years, and turned into a year: such a year is off by up to two years, and by
# one more as the birthday had passed or not.  Against such a date, birth years up to this many
# apart are level 1 (as one year apart between two full dates), not a disagreement (level 0).
# EM learns the level's m and u like any other: on a population whose candidates hold many
# namesakes of another generation, few such pairs are one person and the level weighs against.
# Measured in bench/RESULTS.md ("sixth session").
ESTIMATE_YEARS = 3


@dataclass(frozen=True, slots=True)
class Level:
    code: int
    label: str


# Two Latin spellings this close (Jaro-Winkler similarity of the folded names) are a "typo"
# when no key above says so: a transposition (Pinto / Pitno, Thorpe / Thopre), a letter typed
# for another or left out in a longer name (Villiers / Villeiqrs), which the phonetic keys
# turn into other consonants.  Not for two names the variant table knows as different names
# (Helen / Helena, Jasser / Yasser), which the rules above have already called different.
# Chosen on FEBRL 3 and 1 (bench/RESULTS.md, "Figures behind the engine's constants").  The
# same for two names in Arabic script, one of which the table does not know: a letter left out
# or typed twice (محد / محمد, فاطة / فاطمة) has no Latin key to agree on.
CLOSE_SIMILARITY = 0.9
# And for a Latin name the table knows against an Arabic spelling it does not, compared by the
# Latin name's Arabic name (Fatima / فاطة: a typo in an Arabic list was a different name against
# the Latin spelling while a typo against the Arabic one; bench/RESULTS.md, "twenty-fifth
# session").  A switch, so that a replay can weigh it.
CROSS_SCRIPT_CLOSE = True


def names_close(a: NameKey, b: NameKey) -> bool:
    """Whether two names of one script are close spellings (``CLOSE_SIMILARITY``), or a Latin
    name's Arabic name and an Arabic spelling the variant table does not know are; see
    ``close_levels``."""
    if a.script == b.script != "":
        return not (a.canon and b.canon) and (
            JaroWinkler.similarity(a.folded, b.folded) >= CLOSE_SIMILARITY
        )
    latin, arabic = (a, b) if a.script == "latin" else (b, a)
    return (
        CROSS_SCRIPT_CLOSE
        and latin.script == "latin"
        and arabic.script == "arabic"
        and bool(latin.canon)
        and not arabic.canon
        and JaroWinkler.similarity(latin.canon, arabic.folded) >= CLOSE_SIMILARITY
    )


def close_levels(
    lv: np.ndarray, left: Mapping[str, np.ndarray], right: Mapping[str, np.ndarray]
) -> None:
    """Raise level 0 to 1 (``typo``) in place where the names are close (``names_close``).

    ``left`` and ``right`` hold the name tables' columns (``n_f``, ``n_sc``, ``n_c``) of each
    pair's two names.  The engines' SQL (``name_level_sql``) gives every other level; this pass
    runs on its output in Python on either engine, so DuckDB and Spark agree.
    """
    one_script = (left["n_sc"] == right["n_sc"]) & (left["n_sc"] != "")
    one_script &= (left["n_c"] == "") | (right["n_c"] == "")
    _raise_close(lv, one_script, left["n_f"], right["n_f"])
    if not CROSS_SCRIPT_CLOSE:
        return
    # A Latin name the table knows against an Arabic spelling it does not (a typo in an Arabic
    # list: فاطة for فاطمة): compared as two Arabic spellings are, the Latin name by its Arabic
    # name.
    for latin, arabic in ((left, right), (right, left)):
        known = (latin["n_sc"] == "latin") & (arabic["n_sc"] == "arabic")
        known &= (latin["n_c"] != "") & (arabic["n_c"] == "")
        _raise_close(lv, known, latin["n_c"], arabic["n_f"])


def _raise_close(lv: np.ndarray, mask: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
    """Level 0 raised to 1 in place where ``mask`` holds and texts ``a`` and ``b`` are close."""
    rows = np.flatnonzero((lv == 0) & mask)
    if len(rows):
        sim = cpdist(a[rows], b[rows], scorer=JaroWinkler.similarity)
        lv[rows[sim >= CLOSE_SIMILARITY]] = 1


# A typo-level pair of names each of which stands for an Arabic name, the table's own or, for a
# spelling it does not know, the one another school's reading finds (Kadija, a clerk's Khadija
# by ear), whose Arabic names differ even in their consonants, are different names, as two names
# the table knows are, unless their spellings are close (one script, Jaro-Winkler >=
# ``CLOSE_SIMILARITY`` or one edit apart: a typo may read as another name, FEBRL's jare for
# jade or micaael for michael).  Ghada / Kadija, Houda / Kadija, Jihad / Kadija: the broad key
# or the skeleton made such pairs typos, on drawn1280 20k 2,671 of the typo level's 22,673
# candidate pairs, none of them one person, so EM weighed every typo as much a namesake's as a
# misspelling (bench/RESULTS.md, "forty-first session").  Consonants and not the names
# themselves, since a reading can land on a neighbour of the name (Abdulrakhman: عبدرحمن beside
# Abderahmane's عبدرحمان; Madzhid: مجيد beside Maged's ماجد).
IDENTITIES_DIFFER = True


def identities_differ(a: NameKey, b: NameKey) -> bool:
    """Whether two names stand for Arabic names of other consonants
    (``names.identity_skeletons``) and are not close spellings (``IDENTITIES_DIFFER``)."""
    sa, sb = identity_skeletons(a), identity_skeletons(b)
    if not (sa[0] and sb[0]) or ({sa[0], sa[1]} - {""}) & ({sb[0], sb[1]} - {""}):
        return False
    return not (a.script == b.script and _spelt_close(a.folded, b.folded))


def _spelt_close(a: str, b: str) -> bool:
    return Levenshtein.distance(a, b) <= 1 or JaroWinkler.similarity(a, b) >= CLOSE_SIMILARITY


def identity_levels(
    lv: np.ndarray, left: Mapping[str, np.ndarray], right: Mapping[str, np.ndarray]
) -> None:
    """Lower level 1 to 0 in place where ``identities_differ``; ``left`` and ``right`` as for
    ``close_levels``, with ``n_i`` and ``n_i2`` (``names.identity_skeletons``).  Runs after the
    engines' SQL and ``close_levels``, in Python on either engine, as ``name_level_code`` decides
    it last."""
    if not IDENTITIES_DIFFER:
        return
    li, li2, ri, ri2 = left["n_i"], left["n_i2"], right["n_i"], right["n_i2"]
    differ = (lv == 1) & (li != "") & (ri != "") & (li != ri) & (li != ri2)
    differ &= (li2 == "") | ((li2 != ri) & (li2 != ri2))
    for i in np.flatnonzero(differ).tolist():
        if left["n_sc"][i] != right["n_sc"][i] or not _spelt_close(left["n_f"][i], right["n_f"][i]):
            lv[i] = 0


def _typo_budget(a: str, b: str) -> int:
    return 1 if max(len(a), len(b)) <= 5 else 2


def name_level(a: NameKey, b: NameKey) -> Level:
    """How two names agree; mirrors ``name_level_sql``.

    >>> from muster.identity import normalise_name as n
    >>> name_level(n("Jassem"), n("Jasim")).label
    'transliteration'
    >>> name_level(n("Hassan"), n("Hussein")).label
    'disagree'
    """
    code = name_level_code(a, b)
    return Level(code, NAME_LABELS[code])


def name_level_code(a: NameKey, b: NameKey) -> int:
    level = _name_level_code(a, b)
    return 0 if level == 1 and IDENTITIES_DIFFER and identities_differ(a, b) else level


def _name_level_code(a: NameKey, b: NameKey) -> int:
    if not a.folded or not b.folded:
        return -1
    if a.folded == b.folded:
        return 4
    if a.key1 == b.key1 or a.key2 == b.key2 or canons_agree(a, b):
        return 3
    if other_schools_agree(a, b):
        # The same name as another school writes it, in one script as across two (Marjam and
        # Mariam, Vafa and وفاء): not a typo, whose weight EM learns from misspellings and
        # namesakes alike.
        return 2
    if a.canon and b.canon:
        # The variant table knows both names, and they are different names.
        return 0
    if a.script != b.script and (
        a.skeleton == b.skeleton or a.skeleton2 == b.skeleton or a.skeleton == b.skeleton2
    ):
        return 2
    if a.key1[:1] == b.key1[:1] and min(
        Levenshtein.distance(a.key1, b.key1), Levenshtein.distance(a.key2, b.key2)
    ) <= _typo_budget(a.key1, b.key1):
        return 1
    if a.script == b.script and (
        (len(a.skeleton) >= 2 and a.skeleton == b.skeleton)
        or (len(a.skeleton2) >= 2 and a.skeleton2 == b.skeleton2)
    ):
        return 1
    if len(a.broad) >= 2 and a.broad == b.broad:
        return 1
    return 1 if names_close(a, b) else 0


# A family name written with the tribe's or clan's after it (al-Obeidi al-Dulaimi) against one
# written alone (al-Obeidi, or al-Dulaimi): the names of the shorter all among the longer's.  Such
# a pair is as close as a typo: two families of one tribe share the tribe's name too.  Compared as
# different, a list so written lost a population without lineage names (0.96 -> 0.31) and a sparse
# one (0.92 -> 0.76), silently (bench/RESULTS.md, "thirty-second session").
FAMILY_CONTAINED_LEVEL = 1


def family_contained(a: str, b: str) -> bool:
    """Whether every name of the shorter of two family names (as written) is one of the
    other's, names of one or more: al-Obeidi in al-Obeidi al-Dulaimi, al-Obeidi al-Dulaimi in
    Alobaidi Aldulaimi; not al-Obeidi al-Dulaimi in al-Jubouri al-Dulaimi.

    >>> family_contained("al-Obeidi", "al-Obeidi al-Dulaimi"), family_contained("Alobaidi", "العبيدي الدليمي")
    (True, True)
    >>> family_contained("al-Jubouri al-Dulaimi", "al-Obeidi al-Dulaimi"), family_contained("al-Obeidi", "al-Jubouri")
    (False, False)
    """
    return units_contained(split_name_units(a), split_name_units(b))


def units_contained(ua: Sequence[str], ub: Sequence[str]) -> bool:
    """``family_contained`` of two family names as their names (``names.split_name_units``)."""
    if not ua or not ub or len(ua) == len(ub) == 1:
        return False
    short, long = (ua, ub) if len(ua) <= len(ub) else (ub, ua)
    keys = [normalise_name(u, "family") for u in long]
    return all(
        any(name_level_code(normalise_name(s, "family"), k) >= 2 for k in keys) for s in short
    )


def field_level_code(a: NameKey, b: NameKey, field: str) -> int:
    """``name_level_code`` of two names of ``field``, a family name held in the other raised
    (``family_units_level``)."""
    level = name_level_code(a, b)
    if level == 0 and field == "family_name":
        return family_units_level(split_name_units(a.original), split_name_units(b.original))
    return level


def family_units_level(ua: Sequence[str], ub: Sequence[str]) -> int:
    """The level of two family names that disagree as written, as their names: every name of
    the shorter among the other's, as many, one name written another way (level 3); fewer,
    ``FAMILY_CONTAINED_LEVEL``; else 0 (``family_contained``)."""
    if not units_contained(ua, ub):
        return 0
    return 3 if len(ua) == len(ub) else FAMILY_CONTAINED_LEVEL


def contained_levels(
    lv: np.ndarray, left: Mapping[str, np.ndarray], right: Mapping[str, np.ndarray]
) -> None:
    """Raise level 0 in place where one family name holds the other (``family_units_level``);
    ``left`` and ``right`` as for ``close_levels``, with ``n_u``: the names of each family name
    joined by "|" (``prepare``'s name table)."""
    for i in np.flatnonzero(lv == 0).tolist():
        a, b = left["n_u"][i], right["n_u"][i]
        if "|" in a or "|" in b:
            lv[i] = family_units_level(a.split("|"), b.split("|"))


def other_schools_agree(a: NameKey, b: NameKey) -> bool:
    """Whether one name, read as another school of transliteration writes (``canon3``: the
    German j for ya, v for waw, s for zay; the Turkish c for jim), is the other's Arabic name."""
    return bool(
        (a.canon3 and a.canon3 in (b.canon, b.canon2, b.canon3))
        or (b.canon3 and b.canon3 in (a.canon, a.canon2))
        or (a.canon3 and a.canon3 == RUSSIAN_KEY_MARK + b.key1)
        or (b.canon3 and b.canon3 == RUSSIAN_KEY_MARK + a.key1)
    )


def name_level_sql(col: str) -> str:
    """SQL for the level of name column ``col`` between aliases l and r (then ``close_levels``)."""
    f, k1, k2, c, c2, c3, s, s2, sc, b = (
        f"{col}_{x}" for x in ("f", "k1", "k2", "c", "c2", "c3", "s", "s2", "sc", "b")
    )
    return f"""CASE
  WHEN l.{f} IS NULL OR r.{f} IS NULL THEN -1
  WHEN l.{f} = r.{f} THEN 4
  WHEN l.{k1} = r.{k1} OR l.{k2} = r.{k2}
    OR (l.{c} <> '' AND r.{c} <> '' AND (l.{c} = r.{c} OR l.{c} = r.{c2} OR l.{c2} = r.{c}))
    THEN 3
  WHEN (l.{c3} <> '' AND (l.{c3} = r.{c} OR l.{c3} = r.{c2} OR l.{c3} = r.{c3}
                         OR l.{c3} = concat('{RUSSIAN_KEY_MARK}', r.{k1})))
    OR (r.{c3} <> '' AND (r.{c3} = l.{c} OR r.{c3} = l.{c2}
                         OR r.{c3} = concat('{RUSSIAN_KEY_MARK}', l.{k1})))
    THEN 2
  WHEN l.{c} <> '' AND r.{c} <> '' THEN 0
  WHEN l.{sc} <> r.{sc} AND (l.{s} = r.{s} OR l.{s2} = r.{s} OR l.{s} = r.{s2}) THEN 2
  WHEN substr(l.{k1}, 1, 1) = substr(r.{k1}, 1, 1)
   AND least(levenshtein(l.{k1}, r.{k1}), levenshtein(l.{k2}, r.{k2}))
       <= CASE WHEN greatest(length(l.{k1}), length(r.{k1})) <= 5 THEN 1 ELSE 2 END THEN 1
  WHEN l.{sc} = r.{sc} AND ((length(l.{s}) >= 2 AND l.{s} = r.{s})
    OR (length(l.{s2}) >= 2 AND l.{s2} = r.{s2})) THEN 1
  WHEN length(l.{b}) >= 2 AND l.{b} = r.{b} THEN 1
  ELSE 0 END"""


# Two full dates whose day and month agree and whose years are one apart are one date typed
# wrong in one part, as a day or a month typed wrong is (level 3), not the weak level 1 of
# "years one apart, or other days and months": siblings a year apart share a birthday one time in
# 365.  On no_lineage 200k a third of such true pairs were lost at level 1 (bench/RESULTS.md,
# "thirty-ninth session").  Only one year apart: the clustering keeps two full dates more than a
# year apart as two persons.
def dob_level_code(
    ya: int | None, ma: int | None, da: int | None, pa: bool,
    yb: int | None, mb: int | None, db: int | None, pb: bool,
) -> int:  # fmt: skip
    """Birth-date level; ``p`` says the date is a real full date (not year-only, not 1 Jan)."""
    if ya is None or yb is None:
        return -1
    if pa and pb and ya == yb:
        if ma == mb and da == db:
            return 5
        if ma == db and da == mb:
            return 4
        if ma == mb or da == db:
            return 3
        return 1
    if pa and pb and abs(ya - yb) == 1 and ma == mb and da == db:
        return 3
    if ya == yb:
        return 2
    if abs(ya - yb) <= (1 if pa and pb else ESTIMATE_YEARS):
        return 1
    return 0


def dob_level_array(
    a: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    b: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    missing: np.ndarray,
) -> np.ndarray:
    """Birth-date levels of pairs, vectorised: ``dob_level_code``'s rules (and
    ``DOB_LEVEL_SQL``'s) over arrays of each side's (year, month, day, precise), ``missing``
    where either side has no year (what its year, month and day then hold is not read)."""
    (ya, ma, da, pa), (yb, mb, db, pb) = a, b
    same_year = ya == yb
    precise = pa & pb
    both = precise & same_year
    day_month = (ma == mb) & (da == db)
    out = np.zeros(len(ya), dtype=np.int8)
    gap = np.abs(ya.astype(np.int32) - yb)
    out[(gap <= 1) | ((gap <= ESTIMATE_YEARS) & ~precise)] = 1
    out[same_year & ~precise] = 2
    out[both] = 1
    out[both & ((ma == mb) | (da == db))] = 3
    out[both & (ma == db) & (da == mb)] = 4
    out[both & day_month] = 5
    out[precise & (gap == 1) & day_month] = 3
    out[missing] = -1
    return out


DOB_LEVEL_SQL = f"""CASE
  WHEN l.yr IS NULL OR r.yr IS NULL THEN -1
  WHEN l.precise AND r.precise AND l.yr = r.yr AND l.mo = r.mo AND l.dy = r.dy THEN 5
  WHEN l.precise AND r.precise AND l.yr = r.yr AND l.mo = r.dy AND l.dy = r.mo THEN 4
  WHEN l.precise AND r.precise AND l.yr = r.yr AND (l.mo = r.mo OR l.dy = r.dy) THEN 3
  WHEN l.precise AND r.precise AND l.yr = r.yr THEN 1
  WHEN l.precise AND r.precise AND abs(l.yr - r.yr) = 1 AND l.mo = r.mo AND l.dy = r.dy THEN 3
  WHEN l.yr = r.yr THEN 2
  WHEN abs(l.yr - r.yr) <= 1 THEN 1
  WHEN NOT (l.precise AND r.precise) AND abs(l.yr - r.yr) <= {ESTIMATE_YEARS} THEN 1
  ELSE 0 END"""


def exact_level_code(a: str, b: str) -> int:
    if not a or not b:
        return -1
    return 1 if a == b else 0


def exact_level_sql(col: str) -> str:
    return f"""CASE WHEN l.{col} IS NULL OR r.{col} IS NULL THEN -1
  WHEN l.{col} = r.{col} THEN 1 ELSE 0 END"""


def level_columns_sql() -> str:
    """The SELECT list computing every field level (column ``lv_<field>``) for pair l, r."""
    parts = [f"CAST({name_level_sql(f)} AS TINYINT) AS lv_{f}" for f in NAME_FIELDS]
    parts.append(f"CAST({DOB_LEVEL_SQL} AS TINYINT) AS lv_date_of_birth")
    parts.append(f"CAST({exact_level_sql('sex')} AS TINYINT) AS lv_sex")
    parts.append(f"CAST({exact_level_sql('nationality')} AS TINYINT) AS lv_nationality")
    return ",\n".join(parts)


# Each record's father name compared with the other's grandfather name: registers that take
# the chain of names from a document, or from a form with the fields in another order, give
# the two the other way round.  The comparison keeps whichever order agrees better.
CROSSED_FIELDS: dict[str, tuple[str, str]] = {
    "father_as_grandfather": ("father_name", "grandfather_name"),
    "grandfather_as_father": ("grandfather_name", "father_name"),
}
# Lineage levels: each of father, grandfather, family and mother name is missing (0),
# disagrees (1) or agrees (2, any spelling, script or typo agreement); the level is the
# base-3 number of the four, 1..80 (-1 when all four are missing).  Which names agree matters
# as much as how many: father and grandfather agreeing with the family name disagreeing is a
# tribe written two ways; family and mother agreeing with the father disagreeing is a cousin.
LINEAGE_LEVELS = 3 ** len(LINEAGE_FIELDS)
# Given and family name compared crosswise, for pairs whose given names disagree: plain lists
# (given, family, date, town) put the two the other way round now and then.  Where both cross
# levels agree, the pair is read as swapped: the crossed levels replace the given and family
# levels.  In a pair with no father, grandfather or mother name to compare and the same full
# date of birth, one crossed agreement is enough when given and family both disagree in
# order: the list swapped the two and also misspelt or lost one of them (FEBRL's "waller
# hugh" against "hugh moody").  Without the full date, checkpoint lists (a given name, one
# more name, a year) hold too many such pairs of two persons (bench/RESULTS.md, FEBRL).
SWAPPED_FIELDS: dict[str, tuple[str, str]] = {
    "given_as_family": ("given_name", "family_name"),
    "family_as_given": ("family_name", "given_name"),
}
# Given and father's name the same way, for pairs whose given names and fathers' names both
# disagree: a careless register writes the father's name first now and then (the issue's "field
# swaps, given <-> father too").  Where both crossed levels agree the pair is read with the two
# crosswise (``father_swapped``): in order its given names disagree, which alone weighs it out
# (model.GIVEN_NAME_DISAGREE_WEIGHT).
FATHER_SWAPPED_FIELDS: dict[str, tuple[str, str]] = {
    "given_as_father": ("given_name", "father_name"),
    "father_as_given": ("father_name", "given_name"),
}
# Each set of crossed comparisons of swapped names, with the fields whose levels in order must
# all be "disagree" for it to be computed (the engines and screening compute them only there).
SWAPS: tuple[tuple[dict[str, tuple[str, str]], tuple[str, ...]], ...] = (
    (SWAPPED_FIELDS, ("given_name",)),
    (FATHER_SWAPPED_FIELDS, ("given_name", "father_name")),
)
# The names that, agreeing as well, let a pair with given and father's names crosswise be one
# person (``father_swapped``; the full date too; the clustering asks the same).
FATHER_SWAP_CORROBORATING = ("grandfather_name", "mother_name")
# And the family name with the same birth year (``FATHER_SWAP_SAME_YEAR``: one date only a year,
# or the day or the month agreeing, or the two swapped): a careless register's record often has
# no grandfather, mother or full date (drawn86 200k: 2,036 true pairs never candidates).  The
# family name with any year was tried and not taken (cousins named crosswise a year apart;
# bench/RESULTS.md, "twenty-first session"); this asks the same year (RESULTS, "twenty-sixth
# session").  A switch, so that a replay can weigh it.
FATHER_SWAP_FAMILY_YEAR = True
FATHER_SWAP_SAME_YEAR = (2, 3, 4)


def _agreement(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (x >= 1).astype(np.int8) + (y >= 1) - (x == 0) - (y == 0)


def align_lineage(levels: Mapping[str, np.ndarray]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Field levels with father and grandfather compared crosswise where that agrees better,
    and given and family name where they were swapped (``SWAPPED_FIELDS``).

    Returns the levels (father_name and grandfather_name replaced where crossed) and the mask
    of crossed pairs.  Without the crossed levels (a caller that did not compute them) nothing
    is crossed.
    """
    father, grandfather = levels["father_name"], levels["grandfather_name"]
    if "father_as_grandfather" not in levels:
        return dict(levels), np.zeros(len(father), dtype=bool)
    fg, gf = levels["father_as_grandfather"], levels["grandfather_as_father"]
    crossed = _agreement(fg, gf) > _agreement(father, grandfather)
    out = dict(levels)
    out["father_name"] = np.where(crossed, fg, father).astype(np.int8)
    out["grandfather_name"] = np.where(crossed, gf, grandfather).astype(np.int8)
    swapped = swapped_names(levels)
    if "given_as_family" in levels:
        ga, fa = levels["given_as_family"], levels["family_as_given"]
        out["given_name"] = np.where(swapped, ga, levels["given_name"]).astype(np.int8)
        out["family_name"] = np.where(swapped, fa, levels["family_name"]).astype(np.int8)
    if "given_as_father" in levels:
        # Given and father crosswise: the grandfather is compared in order again.
        by_father = father_swapped(levels, swapped)
        gf, fg = levels["given_as_father"], levels["father_as_given"]
        out["given_name"] = np.where(by_father, gf, out["given_name"]).astype(np.int8)
        out["father_name"] = np.where(by_father, fg, out["father_name"]).astype(np.int8)
        kept = np.where(by_father, grandfather, out["grandfather_name"])
        out["grandfather_name"] = kept.astype(np.int8)
        crossed = crossed & ~by_father
    return out, crossed


def swapped_names(levels: Mapping[str, np.ndarray]) -> np.ndarray:
    """Pairs read with given and family name crosswise (``SWAPPED_FIELDS``)."""
    given, family = levels["given_name"], levels["family_name"]
    if "given_as_family" not in levels:
        return np.zeros(len(given), dtype=bool)
    ga, fa = levels["given_as_family"], levels["family_as_given"]
    plain = (levels["father_name"] < 0) & (levels["grandfather_name"] < 0)
    plain &= levels["mother_name"] < 0
    one_side = plain & (family == 0) & ((ga >= 1) | (fa >= 1))
    one_side &= levels["date_of_birth"] == DOB_EXACT
    return (given == 0) & (((ga >= 1) & (fa >= 1)) | one_side)


def father_swapped(
    levels: Mapping[str, np.ndarray], swapped: np.ndarray | None = None
) -> np.ndarray:
    """Pairs read with given and father's name crosswise (``FATHER_SWAPPED_FIELDS``): the given
    names disagree in order, both crossed comparisons agree, the grandfather's or mother's name
    or the full date agrees too (or the family name with the same year:
    ``FATHER_SWAP_FAMILY_YEAR``), and the pair is not read with given and family crosswise.

    Without that agreement the two names crosswise and a year are a checkpoint list's
    namesakes as often as one person: drawn77 20k (a careless register and a checkpoint list),
    of 383 such candidate pairs with no other lineage name or full date agreeing, 95 were one
    person.  The family name with any year is not enough: families name cousins crosswise
    (Farrukh son of Firdavs and Firdavs son of Farrukh, one family, one town, a year apart), and
    with it 27 of 80 drawn populations lost up to 0.003 F1 (bench/RESULTS.md, "twenty-first
    session").  ``swapped``: ``swapped_names(levels)`` when the caller has it."""
    given = levels["given_name"]
    if "given_as_father" not in levels:
        return np.zeros(len(given), dtype=bool)
    both = (levels["given_as_father"] >= 1) & (levels["father_as_given"] >= 1)
    more = levels["date_of_birth"] == DOB_EXACT
    for name in FATHER_SWAP_CORROBORATING:
        more |= levels[name] >= 1
    if FATHER_SWAP_FAMILY_YEAR:
        same_year = np.isin(levels["date_of_birth"], FATHER_SWAP_SAME_YEAR)
        more |= (levels["family_name"] >= 1) & same_year
    if swapped is None:
        swapped = swapped_names(levels)
    return (given == 0) & both & more & ~swapped


def lineage_levels(levels: Mapping[str, np.ndarray]) -> np.ndarray:
    """Father, grandfather, family and mother names judged together, as one comparison.

    Brothers share all four, so counting them as four independent agreements would outweigh a
    different given name and birth year (the sibling trap).  Judged as one comparison, their
    joint agreement carries the weight it has, once, and EM learns the weight of each pattern
    of agreement (see ``LINEAGE_LEVELS``).  ``levels`` are aligned (``align_lineage``).

    >>> lineage_levels({f: np.array([4]) for f in LINEAGE_FIELDS}).tolist()  # all agree
    [80]
    """
    code = np.zeros(len(levels["father_name"]), dtype=np.int8)
    for f in LINEAGE_FIELDS:
        lv = levels[f]
        # missing 0, disagree 1, agree 2 (at most 80 in all: eight bits)
        code *= 3
        code += lv >= 0
        code += lv > 0
    code[code == 0] = -1
    return code


def lineage_pattern(level: int) -> tuple[int, int]:
    """(names agreeing, names disagreeing) of a lineage level."""
    agree = disagree = 0
    for _ in LINEAGE_FIELDS:
        level, state = divmod(level, 3)
        agree += state == 2
        disagree += state == 1
    return agree, disagree


def shown_value(record: Mapping[str, object], field: str) -> str:
    """A field's value as a person reads it; a date of birth falls back to the birth year."""
    value = record.get(field, "") or (
        record.get("birth_year", "") if field == "date_of_birth" else ""
    )
    return str(value)


def explanation(
    levels: Mapping[str, int],
    a: Mapping[str, object],
    b: Mapping[str, object],
    a_read: Mapping[str, str] | None = None,
    b_read: Mapping[str, str] | None = None,
) -> dict[str, dict[str, str]]:
    """Per field: how records ``a`` and ``b`` (dicts or rows) agreed, with both values.

    Where father and grandfather were compared crosswise, or given and family name, or given
    and father's name (a list that swapped them), the item names the field the other record's
    value came from (``b_field``; ``a_field`` after the sides are swapped).  ``a_read`` and
    ``b_read``: the name fields as compared (the screening index's readings: a given name
    written with the father's after it compared without it, a kunya as the alias, a town
    without its governorate); where one differs from the value as written the item carries it
    (``a_read``, ``b_read``), so that a person sees what was compared, not only what was
    written.
    """
    one = {k: np.array([v], dtype=np.int8) for k, v in levels.items()}
    aligned, crossed = align_lineage(one)
    by_swap = swapped_names(one)
    swapped, by_father = bool(by_swap[0]), bool(father_swapped(one, by_swap)[0])
    out: dict[str, dict[str, str]] = {}
    for f in FIELDS:
        item = {"level": field_label(f, int(aligned[f][0])), "a": shown_value(a, f)}
        item["b"] = shown_value(b, f)
        if crossed[0] and f in ("father_name", "grandfather_name"):
            other = "grandfather_name" if f == "father_name" else "father_name"
            item["b"], item["b_field"] = shown_value(b, other), other
        if swapped and f in ("given_name", "family_name"):
            other = "family_name" if f == "given_name" else "given_name"
            item["b"], item["b_field"] = shown_value(b, other), other
        if by_father and f in ("given_name", "father_name"):
            other = "father_name" if f == "given_name" else "given_name"
            item["b"], item["b_field"] = shown_value(b, other), other
        for side, read, field in (("a", a_read, f), ("b", b_read, item.get("b_field", f))):
            compared = (read or {}).get(field)
            if compared is not None and _read_otherwise(compared, item[side]):
                item[f"{side}_read"] = compared
        out[f] = item
    return out


def _read_otherwise(compared: str, written: str) -> bool:
    """Whether a name was compared as other than what is written (not a matter of spaces or
    case): "Younis" for "Younis Muthanna", "" for a kunya compared as the alias."""
    return " ".join(compared.split()).casefold() != " ".join(written.split()).casefold()


def field_label(field: str, code: int) -> str:
    if field == "date_of_birth":
        return DOB_LABELS[code]
    if field in ("sex", "nationality"):
        return EXACT_LABELS[code]
    return NAME_LABELS[code]
