"""Records to the columnar form the engines compare: name keys, date parts, blocking keys."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field

import numpy as np
import pandas as pd

from .comparisons import NAME_FIELDS, NAME_PART, name_level_code
from .names import (
    FULL_NAME_FIELDS,
    NameKey,
    identity_skeletons,
    joins_next,
    joins_previous,
    mothers_own_name,
    normalise_name,
    split_full_name,
    split_name_units,
)
from .places import town_of
from .records import Record

# Candidate generation.  Each rule is a conjunction of record attributes; two records become a
# candidate pair when any rule's attributes are all present and equal.  Names enter as broad
# keys (names.broad_key: consonant classes), which Arabic script and every school's Latin
# spelling share, so a pair is not lost before scoring because one list wrote محمد and the
# other Mohamed, or one wrote Hussein and a Russian passport Khussein (blocking recall on such
# lists is far higher with broad keys than with consonant skeletons: bench/RESULTS.md, "Figures behind the engine's constants").  A rule that ends in
# "yr" also pairs records whose birth years are one apart (registrations guess ages, and a
# year-only record of someone born in December is often a year off): the engines join the
# block of year y with the block of year y + 1 as well as with itself.  Rules without a given
# name catch a given-name typo; they also bring brothers together, which the model (the given
# name's m is fixed, see model.M_FIXED) and the clustering guard (cluster.py) keep apart.
# Blocks larger than BLOCK_CAP are dropped for that rule (the other rules still see those
# records): such a block says little, and its cost is quadratic.
BLOCKING_RULES: dict[str, tuple[str, ...]] = {
    "b_given_father_year": ("given_name_b", "father_name_b", "yr"),
    "b_given_father_grandfather": ("given_name_b", "father_name_b", "grandfather_name_b"),
    "b_father_grandfather_year_sex": ("father_name_b", "grandfather_name_b", "sex", "yr"),
    "b_given_family_year": ("given_name_b", "family_name_b", "yr"),
    "b_given_mother_year": ("given_name_b", "mother_name_b", "yr"),
    "b_given_father_family": ("given_name_b", "father_name_b", "family_name_b"),
    "b_given_family_mother": ("given_name_b", "family_name_b", "mother_name_b"),
    "b_father_family_mother_sex": ("father_name_b", "family_name_b", "mother_name_b", "sex"),
    "b_father_family_year_sex": ("father_name_b", "family_name_b", "sex", "yr"),
    # Lists without lineage names (a Latin-script register: given, family, date of birth).
    "b_given_dob": ("given_name_b", "dob"),
    "b_family_dob": ("family_name_b", "dob"),
    # Records with no father, grandfather or mother name (``plain``) have only the given and
    # family names, the date and the town to be found by, and a typo in any one of them loses
    # the pair to the rules above: these pair them on any two of the four (given and family in
    # either order, as such lists swap them) with any record.  Two records that both carry
    # lineage names never meet here, so the Arabic populations' candidates barely change.
    "b_plain_names": ("names_set_b", "plain"),
    "b_plain_given_place": ("given_name_b", "place_of_origin_b", "plain"),
    "b_plain_family_place": ("family_name_b", "place_of_origin_b", "plain"),
    "b_plain_dob_place": ("dob", "place_of_origin_b", "plain"),
    # The same with the birth year (one apart too), for the common names and towns whose blocks
    # above are over the cap (SCORED_ONLY).
    "b_plain_names_year": ("names_set_b", "yr", "plain"),
    "b_plain_family_place_year": ("family_name_b", "place_of_origin_b", "yr", "plain"),
    # Given and family names, town and year: the blocks of the two rules above grow past the
    # cap as the list grows (no_lineage at 1M: 19 % of records in such blocks, against 2-3 % at
    # 200k), and a pair agreeing on all four is nine times in ten one person.  Scored only.
    "b_plain_names_place_year": ("names_set_b", "place_of_origin_b", "yr", "plain"),
    # The rules of three attributes above on a fourth, for the blocks of common names that
    # grow past the cap as a registry grows (namesake at 1M: a third of the records in such
    # blocks of given, father and year, against a seventh at 200k).  Where the coarser block
    # is within the cap they find nothing new.  Scored only.
    "b_given_father_family_year": ("given_name_b", "father_name_b", "family_name_b", "yr"),
    "b_given_family_place_year": ("given_name_b", "family_name_b", "place_of_origin_b", "yr"),
    # Plain records that no rule with a date can hold (the date missing on one side) or whose
    # family name is missing, in a large list, where every rule on two of their four fields is
    # over the cap: on the names and town, and on the given name, town and year (no_lineage at
    # 1M: 40,102 true pairs never candidates before, 22,419 with them).  Scored only.
    "b_plain_names_place": ("names_set_b", "place_of_origin_b", "plain"),
    "b_plain_given_place_year": ("given_name_b", "place_of_origin_b", "yr", "plain"),
    # Records with lineage names in a registry of common names (skewed_names at 1M: 49,204 true
    # pairs never candidates, most with no year, grandfather or mother on one side and the
    # blocks of given, father and family names over the cap): the given and father's names
    # with the town and one more of year, family, grandfather or mother (about 22,000 of
    # them found).  Scored only, and weighed less (training.REACH_SHIFT).
    "b_given_father_place_year": ("given_name_b", "father_name_b", "place_of_origin_b", "yr"),
    "b_given_father_family_place": (
        "given_name_b",
        "father_name_b",
        "family_name_b",
        "place_of_origin_b",
    ),
    "b_given_father_grandfather_place": (
        "given_name_b",
        "father_name_b",
        "grandfather_name_b",
        "place_of_origin_b",
    ),
    "b_given_father_mother_place": (
        "given_name_b",
        "father_name_b",
        "mother_name_b",
        "place_of_origin_b",
    ),
    # The given name, sex and birth year alone, where few records share them (``RULE_CAPS``):
    # a checkpoint's record with a given name, one more name and a year beside a register's
    # whose other names differ or are missing (given, year, sex and nationality agreeing,
    # nothing else compared: drawn77 20k lost 694 such true pairs that no rival could take, all
    # never candidates).  Scored only.
    "b_given_sex_year": ("given_name_b", "sex", "yr"),
    # The family name, sex and birth year: a given name the broad key reads otherwise on one
    # side (a typo, Husqin for Hussein; the German school's ch, Rachimov for Rakhimov, in a name
    # the variant table does not know: a known name takes its own broad key, names._known_broad)
    # beside a record whose other names are missing, so that no rule above holds
    # both (populations drawn at random, 20k: 1,724 true pairs of seven runs never candidates
    # with the family name and year agreeing and the given name's broad key not).  Siblings and
    # cousins of one year meet here too; the given name keeps them apart.  Scored only
    # (bench/RESULTS.md, "thirty-fifth session").
    "b_family_sex_year": ("family_name_b", "sex", "yr"),
    # The given name and birth year where one record has no sex and the other has (``unsexed``:
    # blocking.SIDE_FLAGS, ONE_SIDE_ONLY), in blocks of at most six (``RULE_CAPS``): a foreign authority's list
    # leaves the sex out of a third of its records, and the rule above and the given name's rule
    # with sex and year need it on both (drawn2041 20k, a list of given and family names and a
    # date beside an office's of given and father's names: 72 of 73 true pairs agreeing on the
    # given name and year alone were lost).  Scored only, not screened.
    "b_given_year_unsexed": ("given_name_b", "yr", "unsexed"),
    # The given name, sex and year with the family name's first broad letter: a family name
    # written otherwise after its first letter (a typo, Bernarx; by ear, Mashhadanef; Gadshiev
    # for Gadzhiev; BenAli for Ben Ali) beside a record without other names (drawn861-900 20k:
    # 3,811 true pairs never candidates with the given name and year agreeing and the family
    # name's broad key not).  The given name, sex and year alone are held to blocks of three
    # (``RULE_CAPS``); the initial makes the blocks about a tenth of that.  Scored only.
    "b_given_family_initial_sex_year": ("given_name_b", "family_initial_b", "sex", "yr"),
    # The father's name, sex and year, in blocks of at most eight (``RULE_CAPS``): a checkpoint's
    # record (a given name, the father's, a year) whose given name the broad key reads otherwise
    # than a register's (drawn861-900 20k: 873 true pairs never candidates with the father's name
    # and year agreeing and the given name's broad key not).  Brothers of one year meet here;
    # the given name keeps them apart.  Scored only.
    "b_father_sex_year": ("father_name_b", "sex", "yr"),
    # The given name with the father's or the family name where one record at least has no
    # birth year (``undated``: blocking.SIDE_FLAGS): the rules on two names with the year need
    # it on both, and a register's undated record with every name beside a checkpoint's with
    # two names and a year, or the other way round, agrees on no third name (drawn861-900 20k,
    # after the three rules above: 974 and 915 true pairs never candidates so).  Two dated
    # records never meet here, so namesakes years apart are not paired.  In blocks of at most
    # eight (``RULE_CAPS``); scored only.  Screening reads them too, with the same cap: a
    # re-registration with the year finds the undated record (measured in screening.py).
    "b_given_father_undated": ("given_name_b", "father_name_b", "undated"),
    "b_given_family_undated": ("given_name_b", "family_name_b", "undated"),
    # Given and father's names in either order, with the grandfather's or mother's name or the
    # full date: a careless register writes the father's name first now and then, and the rules
    # above pair such a record with the person's other records only on the family name and
    # date (swaps 20k: 254 of 7,074 true pairs, none joined).  The comparison reads a pair
    # crosswise only where one of these three agrees too (comparisons.father_swapped), so a
    # rule on the two names and the year alone found little more, at a cost (skewed_names 1M:
    # 1.7M more candidate pairs, namesakes such as Ahmad son of Muhammad and Muhammad son of
    # Ahmad born a year apart).  Joined crosswise only (``CROSSED``): the pairs in order are
    # the rules' above.  Scored only.
    "b_given_father_set_grandfather_year": ("given_father_set_b", "grandfather_name_b", "yr"),
    "b_given_father_set_mother_year": ("given_father_set_b", "mother_name_b", "yr"),
    "b_given_father_set_dob": ("given_father_set_b", "dob"),
    # And with the family name and year, for a careless register's record with no grandfather,
    # mother or full date (comparisons.FATHER_SWAP_FAMILY_YEAR).
    "b_given_father_set_family_year": ("given_father_set_b", "family_name_b", "yr"),
    # Given and family names in either order, with sex and year: a checkpoint's clerk puts the
    # family name first now and then (Karimova, daughter of Jasur, Dilnoza), and where neither
    # record is plain (the plain rules read the two names as a set) no rule pairs it with the
    # person's record but on a name the two share in the same place (drawn861-900 20k: given and
    # family names apart, year agreeing, 252 true pairs of four runs never candidates).  The
    # comparisons read such a pair as swapped (comparisons.SWAPPED_FIELDS).  Crosswise only,
    # in blocks of at most eight (40 found nothing more); scored only.
    "b_given_family_set_year": ("given_family_set_b", "sex", "yr"),
    # The given name with the father's or the family name, by six-year eras at two offsets (two
    # birth years up to three apart share an era at one offset or the other), where one record
    # at least has an estimated year (a year alone or the 1 January default: ``estimated``,
    # blocking.SIDE_FLAGS) and both have lineage names (``era_a``/``era_b`` are empty for a
    # plain record: the names-set rules above hold those).  The comparison reads such years up to
    # ``comparisons.ESTIMATE_YEARS`` apart as agreeing (date level 1), while every rule above on
    # a year pairs one year apart at most: a register that guesses or rounds ages (estimates) beside
    # one with the grandfather or family name missing had no rule to pair the person's records
    # (drawn321 200k: 6,932 true pairs never candidates, 4,226 of them two year-only records).
    # In blocks of at most twelve (``RULE_CAPS``); scored only (not trained on, as the undated
    # rules): measured in bench/RESULTS.md, "fiftieth session".  Screening keeps no block of
    # them: it reads the blocks of given and father's or family name by year further out
    # (screening._ESTIMATE_REACH).
    "b_given_father_era_a": ("given_name_b", "father_name_b", "era_a", "estimated"),
    "b_given_father_era_b": ("given_name_b", "father_name_b", "era_b", "estimated"),
    "b_given_family_era_a": ("given_name_b", "family_name_b", "era_a", "estimated"),
    "b_given_family_era_b": ("given_name_b", "family_name_b", "era_b", "estimated"),
}
# The width of ``era_a``/``era_b`` in years (two offsets half an era apart).
ERA_YEARS = 6
# Set attributes joined crosswise (``blocking.block_keys``): a block is the records sharing the
# set (and the rule's other attributes; its cap counts them all), but a pair is found only where
# one record's first field is the other's second and the other way round, and a record with no
# such partner is left out of the join.  Joined as sets, the rules' joins read most records of
# a registry, only for the SQL to leave out their pairs in order as an earlier rule's:
# skewed_names 1M, the candidates' SQL 13 s without these rules, 21 s with them as sets, 14.5 s
# crosswise (bench/RESULTS.md, "twenty-second session").
CROSSED = {
    "given_father_set_b": ("given_name_b", "father_name_b"),
    "given_family_set_b": ("given_name_b", "family_name_b"),
}
BLOCK_CAP = 40
# Rules whose blocks hold fewer records than BLOCK_CAP (per birth year; a year either side is
# joined too).  Given name, sex and year are evidence only where few records share them: in a
# block of six or fewer a pair has a few rivals at most, and the clustering's ambiguity rule
# sees them.  Measured (bench/RESULTS.md, "twentieth session"), 20k seed 3, 80 drawn
# populations: a cap of 3 raised 75 and lowered one (drawn24 -0.0003); 40 lowered drawn6 by
# 0.020 (precision 0.85 -> 0.78: namesakes of a checkpoint list) and 6 by 0.006 less.  From 3
# to 6 ("fifty-fourth session", 165 populations at 20k): 55 up and 6 down by more than 0.0005
# (drawn2041 -0.0038, the most), mean +0.0007, drawn2055 +0.0101, drawn1970 +0.0112; at 8
# against 6, 12 up and 5 down of 83 (mean +0.0002).
RULE_CAPS = {
    # The estimated years' eras: at 40 a million records (no_lineage) peaked at 5,904,980 kB
    # against 5,431,216 without the rules, at 12 at 5,507,560 kB, the same F1 (0.8624); drawn321
    # 200k 0.8234 at 40, 0.8204 at 12 (0.8108 without).
    **{f"b_given_{other}_era_{at}": 12 for other in ("father", "family") for at in "ab"},
    "b_given_sex_year": 6,
    "b_given_year_unsexed": 6,
    # Sons or daughters of a common father's name born in one year are namesakes' children: at
    # 40 a million records (skewed_names, beside a rule on the given name and the father's
    # initial, not kept) peaked at 5.77 GB against 5.59 at 8, F1 0.94317 against 0.94314;
    # drawn861-900 20k median 0.9508 against 0.9503 (bench/RESULTS.md, "thirty-fifth session").
    "b_father_sex_year": 8,
    # An undated record with its two names' namesakes: at 40 the pairs of blocks of 9 to 40
    # cost drawn869 20k 0.0039 of F1 and drawn866 0.0029 (namesakes of a checkpoint's list
    # paired with an undated register's record), at 16 0.0042 and 0.0028; at 8, drawn866
    # -0.0025 and 28 of 40 runs up (bench/RESULTS.md, "thirty-sixth session").
    "b_given_father_undated": 8,
    "b_given_family_undated": 8,
    # Given and father's names in either order: a person's records and a few namesakes, not the
    # crowds of cousins named crosswise that common names make (skewed_names 1M: 5.7M more
    # candidate pairs at BLOCK_CAP).
    "b_given_father_set_grandfather_year": 8,
    "b_given_father_set_mother_year": 8,
    "b_given_father_set_dob": 8,
    "b_given_father_set_family_year": 8,
    "b_given_family_set_year": 8,
}
# Rules whose pairs are scored but not trained on: they reach into blocks of the rules above
# that were over the cap (common names, large towns), where most pairs are namesakes.  EM's
# prior is the share of matches among the pairs it trains on, so training on them too lowered
# it, and every plain pair's weight with it (no_lineage 200k: F1 0.821 -> 0.810 with them,
# 0.832 without: bench/RESULTS.md, "fifth session: plain lists' blocking").
# Rules on too little to screen one registration by (``screening.SCREENING_RULES`` leaves them
# out; reasons in screening.py): a name or two with sex and year, where a query against a large
# registry would read its namesakes as weak hits.  Scored only, as below.  (The undated rules
# are screened, in blocks of at most eight: 22 more true duplicates for 17 more false hits on
# coarse_dates, sparse and drawn51 at 100k, 31 for 24 on ten other populations at 50k.)
NOT_SCREENED = frozenset(
    {
        "b_given_sex_year",
        "b_given_year_unsexed",
        "b_family_sex_year",
        "b_given_family_initial_sex_year",
        "b_father_sex_year",
        "b_given_family_set_year",
        "b_given_father_era_a",
        "b_given_father_era_b",
        "b_given_family_era_a",
        "b_given_family_era_b",
    }
)
SCORED_ONLY = NOT_SCREENED | frozenset(
    {
        "b_plain_names_year",
        "b_plain_family_place_year",
        "b_plain_names_place_year",
        "b_given_father_family_year",
        "b_given_family_place_year",
        "b_plain_names_place",
        "b_plain_given_place_year",
        "b_given_father_place_year",
        "b_given_father_family_place",
        "b_given_father_grandfather_place",
        "b_given_father_mother_place",
        "b_given_father_set_grandfather_year",
        "b_given_father_set_mother_year",
        "b_given_father_set_dob",
        "b_given_father_set_family_year",
        "b_given_father_undated",
        "b_given_family_undated",
    }
)


@dataclass
class Prepared:
    """The records as the engines read them, and one table of distinct names per name field.

    ``frame`` has one row per record (``rid`` its position): per name field an integer
    ``<field>_id`` into that field's name table (-1 when empty) and the ``<field>_b`` broad key
    the blocking rules use; birth year, month, day; sex; nationality; the full date.  A name
    is normalised once however many records carry it, and compared once per distinct pair of
    names however many record pairs carry that pair (see engines.pair_levels).
    """

    frame: pd.DataFrame
    names: dict[str, pd.DataFrame]
    # How many records had each name column read otherwise than written (``compared_names``,
    # the mother's own name, the town of a place), for the model report.
    readings: dict[str, int] = dataclass_field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.frame)

    def __getitem__(self, column: str) -> pd.Series:
        return self.frame[column]


def _first_family_name(text: str, key: NameKey) -> NameKey:
    """The key a family name is blocked by: its first name's where it holds two or more (the
    family and the tribe's name after it, ``comparisons.family_contained``)."""
    if not _SPACED.search(text):
        return key
    units = split_name_units(text)
    if len(units) < 2:
        return key
    first = normalise_name(units[0], "family")
    # Only an Arab family's name (Arabic script, the article, a name of five letters or more the
    # tables know): van Groesen, de la Cruz (FEBRL 4 lost 0.0023) are blocked whole.
    word = units[0].lower()
    arab = first.script == "arabic" or word[:3] in ("al-", "el-", "al ", "el ")
    arab |= len(word) >= 5 and (bool(first.canon) or word[:2] in ("al", "el"))
    return first if arab else key


# Name columns compared otherwise than written, value by value (the batch's name tables and the
# screening index alike), with what the model report calls them.
COMPARED_VALUES = {
    "mother_name": (mothers_own_name, "mothers' whole names, compared by her own name"),
    "place_of_origin": (town_of, "places with their district, governorate or country"),
}


def _name_columns(
    values: pd.Series, part: str, field: str
) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    codes, uniques = pd.factorize(values.fillna("").astype(str).str.strip(), sort=False)
    own, _ = COMPARED_VALUES.get(field, (str, ""))
    compared = [own(u) for u in uniques]
    keys = [normalise_name(c, part) for c in compared]
    empty = np.array([not k.folded for k in keys] or [True])
    identities = [identity_skeletons(k) for k in keys]  # comparisons.identities_differ
    table = pd.DataFrame(
        {
            "id": np.arange(len(keys), dtype=np.int32),
            "n_f": [k.folded for k in keys],
            "n_k1": [k.key1 for k in keys],
            "n_k2": [k.key2 for k in keys],
            "n_c": [k.canon for k in keys],
            "n_c2": [k.canon2 for k in keys],
            "n_s": [k.skeleton for k in keys],
            "n_s2": [k.skeleton2 for k in keys],
            "n_b": [k.broad for k in keys],
            "n_c3": [k.canon3 for k in keys],
            "n_i": [i[0] for i in identities],
            "n_i2": [i[1] for i in identities],
            "n_sc": [k.script for k in keys],
        }
    )
    ids = codes.astype(np.int32)
    if len(ids):
        ids = np.where(empty[codes], -1, ids).astype(np.int32)
    if field == "family_name":  # blocked by its first name: al-Obeidi al-Dulaimi as al-Obeidi
        # (and its names kept, for comparisons.contained_levels)
        table["n_u"] = ["|".join(split_name_units(u)) for u in uniques]
        keys = [_first_family_name(u, k) for u, k in zip(uniques, keys, strict=True)]
    broad = np.array([k.broad or None for k in keys] or [None], dtype=object)
    cols = {f"{field}_id": ids, f"{field}_b": broad[codes] if len(codes) else broad[:0]}
    table = table[~empty[: len(keys)]].reset_index(drop=True)
    if field in COMPARED_VALUES:  # how many records are compared otherwise than written
        read = np.array([c != u for c, u in zip(compared, uniques, strict=True)] or [False])
        table.attrs["read_otherwise"] = int(read[codes].sum()) if len(codes) else 0
    return cols, table


# A record whose given name may hold a whole name: these empty, the given name of two words or
# more (``whole_name_parts``; ``full_names_split`` for a frame).
WHOLE_NAME_EMPTY = ("father_name", "grandfather_name", "mother_name")
_SPACED = re.compile(r"\S\s+\S")


def whole_name_parts(record: Mapping[str, object]) -> dict[str, str] | None:
    """The name parts of a record's whole name in its given name's column
    (``names.split_full_name``), or None: one record's ``full_names_split`` (the screening
    index reads a registration so, as the batch reads a list)."""
    given = str(record.get("given_name") or "")
    if not _SPACED.search(given) or any(str(record.get(f) or "").strip() for f in WHOLE_NAME_EMPTY):
        return None
    return split_full_name(given, bool(str(record.get("family_name") or "").strip()))


def full_names_split(df: pd.DataFrame) -> pd.DataFrame:
    """The records with a whole name in the given name's column and no father's, grandfather's
    or mother's name read into their name columns (``names.split_full_name``); a copy where
    any is, else ``df`` itself.  The records as written are what a person sees; this is only
    what is compared."""
    if "given_name" not in df or not len(df):
        return df
    given = df["given_name"].fillna("").astype(str)
    spaced = given.str.contains(_SPACED).to_numpy()
    if not spaced.any():
        return df

    def empty(column: str) -> np.ndarray:
        if column not in df:
            return np.ones(len(df), dtype=bool)
        return (df[column].fillna("").astype(str).str.strip() == "").to_numpy()

    for column in WHOLE_NAME_EMPTY:
        spaced = spaced & empty(column)
    rows = np.flatnonzero(spaced)
    if not len(rows):
        return df
    no_family = empty("family_name")
    cache: dict[tuple[str, bool], dict[str, str] | None] = {}
    found: list[tuple[int, dict[str, str]]] = []
    for i in rows.tolist():
        key = (given.iat[i], not no_family[i])
        if key not in cache:
            cache[key] = split_full_name(*key)
        if cache[key]:
            found.append((i, cache[key]))
    if not found:
        return df
    out = df.copy()
    for field in FULL_NAME_FIELDS:
        values = (
            out[field].fillna("").astype(str).to_numpy(dtype=object).copy()
            if field in out
            else np.full(len(out), "", dtype=object)
        )
        for i, parts in found:
            if field in parts:
                values[i] = parts[field]
        out[field] = values
    return out


# A kunya (Abu Omar, Umm Ali) written as the given name: a person registered at a checkpoint by
# the name they go by.  It is compared as the alias, with no given name, so that it meets the
# alias of the person's other records and does not disagree with their given name.  Not the given
# names that begin so (Abu Bakr, Umm Kulthum, in any spelling, with a typo too: Abu Bajr).
_KUNYA_RE = re.compile(r"^(?:abu|abou|abo|umm|um|oum|om|أبو|ابو|أم|ام)[\s-]+\S", re.IGNORECASE)
_KUNYA_GIVEN_NAMES = ("Abu Bakr", "Umm Kulthum")
# Names that are half of a compound, never a father's or grandfather's name alone.
_HALF_NAMES = frozenset({"عبد", "ابو", "ام", "ابن", "بن"})


def _kunya_as_given(given: str) -> bool:
    if not _KUNYA_RE.match(given):
        return False
    key = normalise_name(given)
    return not any(name_level_code(key, normalise_name(n)) >= 1 for n in _KUNYA_GIVEN_NAMES)


# A list writes the father's column so where more than this share of its fathers are two names
# with no grandfather's beside them; elsewhere two names are one (Hasan Ali, Mehmet Ali, a father
# whose grandfather's name another list gives: splitting them cost the generator's registers up
# to 0.0004, bench/RESULTS.md "thirty-second session").
FATHERS_WHOLE_NAME_SHARE = 0.2


def _fathers_whole_name(father: str) -> list[str] | None:
    """The father's and grandfather's names of a father's column that holds both (Jasim Hamad,
    جاسم حمد: a list with no grandfather's column), or None: where the whole is one name the
    tables know (Nur al-Din, Muhammad Ali), or a part is half of a compound (عبد)."""
    if not _SPACED.search(father) or normalise_name(father).canon:
        return None
    units = split_name_units(father)[:2]
    if len(units) < 2 or _HALF_NAMES.intersection(normalise_name(u).canon for u in units):
        return None
    return units


def compared_parts(record: Mapping[str, object]) -> dict[str, str]:
    """The name columns of one record that are compared otherwise than written (the screening
    index reads a registration so, as ``compared_names`` reads a list): a whole name in the given
    name's column as its parts (``whole_name_parts``); a whole name that a list split at every
    space (Abd | Allah | Mohammed | Khalid al-Zobaie) read again as one; a given name's column
    that holds the father's name after the given name (Muhammad Jasim beside the father Jasim)
    as the given name; a kunya as the alias.  (Two readings are a list's habit, told from the
    list as a whole, and only ``compared_names`` makes them: a father's column that holds the
    grandfather's name too, and the father's name written as the surname.)"""
    out: dict[str, str] = dict(whole_name_parts(record) or {})
    names = {f: str(record.get(f) or "").strip() for f in (*FULL_NAME_FIELDS, "alias")}
    if not out and _broken_compound([names[f] for f in FULL_NAME_FIELDS]):
        out = _rejoined(names)
    given, father = out.get("given_name", names["given_name"]), names["father_name"]
    if given and _kunya_as_given(given):
        out["given_name"] = ""
        out["alias"] = names["alias"] or given
    elif not out and (own := given_name_alone(given, father)):
        out["given_name"] = own
    return out


def _broken_compound(parts: Sequence[str]) -> bool:
    """True where a list split a compound name at its space into two name columns (Abd | Allah,
    صلاح | الدين, a family name's article: Al | Obeidi): it split the whole name at every space."""
    return any(
        a and b and (joins_next(a) or joins_previous(b))
        for a, b in zip(parts, parts[1:], strict=False)
    )


def _rejoined(names: Mapping[str, str]) -> dict[str, str]:
    """The four name columns of a whole name that a list split at every space, read again as
    one whole name (``names.split_full_name``)."""
    whole = " ".join(names[f] for f in FULL_NAME_FIELDS if names[f])
    parts = split_full_name(whole) or {}
    return {f: parts.get(f, "") for f in FULL_NAME_FIELDS} if parts else {}


def given_name_alone(given: str, father: str) -> str | None:
    """The given name alone where a given name's box holds the father's name after it, as it is
    compared (Muhammad Jasim beside the father Jasim: "Muhammad"), or None: for the reception form,
    which says so while the officer can still write it in its box.

    >>> given_name_alone("Muhammad Jasim", "Jasim"), given_name_alone("Abd al-Rahman", "Ali")
    ('Muhammad', None)
    """
    given, father = (given or "").strip(), (father or "").strip()
    if not father or not _SPACED.search(given) or _kunya_as_given(given):
        return None
    return _given_before_father(given, father)


def _given_before_father(given: str, father: str) -> str | None:
    """The given name of a given name's column that holds the father's name after it
    (Muhammad Jasim beside the father Jasim: the name as a person says it), or None."""
    units = split_name_units(given)
    if len(units) < 2:
        return None
    close = name_level_code(normalise_name(units[1]), normalise_name(father)) >= 1
    return units[0] if close else None


def compared_names(df: pd.DataFrame) -> pd.DataFrame:
    """The records' name columns as compared, as ``compared_parts`` reads one record, and the
    readings told from a list as a whole (its fathers' columns holding the grandfathers' names,
    its surnames that are fathers' names): a copy where any is read otherwise than written, else
    ``df`` itself.  The records as written are what a person sees."""
    df = full_names_split(df)
    if not len(df) or "given_name" not in df:
        return df

    given, father, grandfather = (
        _column(df, "given_name"),
        _column(df, "father_name"),
        _column(df, "grandfather_name"),
    )
    family, alias = _column(df, "family_name"), _column(df, "alias")
    out: pd.DataFrame | None = None
    readings: dict[str, int] = {}

    def assign(name: str, values: pd.Series) -> None:
        nonlocal out
        if out is None:
            out = df.copy()
        out[name] = values.to_numpy(dtype=object)

    # A whole name split at every space (Abd | Allah | ...): read again as one (each distinct
    # given and father's name looked at once, each distinct name read again once).
    columns = (given, father, grandfather, family)
    halves = [c.isin([v for v in pd.unique(c) if v and joins_next(v)]) for c in columns]
    seconds = [c.isin([v for v in pd.unique(c) if v and joins_previous(v)]) for c in columns]
    broken = pd.Series(False, index=df.index)
    for j in range(3):
        a, b = columns[j] != "", columns[j + 1] != ""
        broken |= a & b & (halves[j] | seconds[j + 1])
    if broken.any():
        rows = np.flatnonzero(broken.to_numpy())
        whole = [(given.iat[i], father.iat[i], grandfather.iat[i], family.iat[i]) for i in rows]
        read = {w: _rejoined(dict(zip(FULL_NAME_FIELDS, w, strict=True))) for w in set(whole)}
        found = [(i, read[w]) for i, w in zip(rows, whole, strict=True) if read[w]]
        if found:
            readings["whole names split at every space, read as one"] = len(found)
            index = [i for i, _ in found]
            for name, series in zip(
                FULL_NAME_FIELDS, (given, father, grandfather, family), strict=True
            ):
                values = series.to_numpy(dtype=object).copy()
                values[index] = [parts[name] for _, parts in found]
                assign(name, pd.Series(values, index=df.index))
            given, father = _column(out, "given_name"), _column(out, "father_name")
            grandfather = _column(out, "grandfather_name")
    kunyas = [g for g in pd.unique(given[given.str.match(_KUNYA_RE)]) if _kunya_as_given(g)]
    kunya = given.isin(kunyas)
    # The father's name after the given name in its column (Muhammad Jasim beside Jasim).
    spaced = given.str.contains(_SPACED) & (father != "") & ~broken & ~kunya
    several = [g for g in pd.unique(given[spaced]) if len(split_name_units(g)) >= 2]
    spaced &= given.isin(several)
    if spaced.any():
        pairs = set(zip(given[spaced], father[spaced], strict=True))
        own = {p: o for p in pairs if (o := _given_before_father(*p))}
        if own:
            values = given.to_numpy(dtype=object).copy()
            for i in np.flatnonzero(spaced.to_numpy()):
                values[i] = own.get((values[i], father.iat[i]), values[i])
            readings["given names holding the father's name too"] = int(
                (pd.Series(values, index=df.index) != given).sum()
            )
            given = pd.Series(values, index=df.index)
            assign("given_name", given)
    # The father's and grandfather's names in the father's column (each distinct one once).
    maybe = father.str.contains(_SPACED) & (grandfather == "")
    splits = {f: s for f in pd.unique(father[maybe]) if (s := _fathers_whole_name(f))}
    split = maybe & father.isin(list(splits))
    source = _column(df, "source")
    if splits:  # only in the lists that write most of their fathers so
        share = split.groupby(source).sum() / (father != "").groupby(source).sum().clip(lower=1)
        split &= source.isin(set(share.index[share > FATHERS_WHOLE_NAME_SHARE]))
    # A list without fathers whose family names are personal names: the father's name written
    # as the surname, as European registers write it.  Compared as the father's name too, the
    # family name kept (where the reading is wrong, it still agrees as the family name).
    if "source" in df:
        surname = _names_as_surnames(source, father, family)
        written = father  # the fathers as the lists write them
        if surname.any():
            readings["surnames that are the father's name (no father's name in the list)"] = int(
                surname.sum()
            )
            father = father.where(~surname, family)
            assign("father_name", father)
        # A list that writes fathers but no grandfathers, and other lists' grandfathers' names as
        # surnames: the legal triple name of Iraqi and Syrian papers (given, father, grandfather).
        triple = _names_as_surnames(source, grandfather, family)
        if triple.any():
            # A list that writes fathers itself: not one whose surnames were just read as its
            # fathers (the surname read as father and grandfather both took the sparse population
            # so written from 0.86 to 0.53).
            triple &= (written != "").groupby(source).transform("mean") >= 0.5
        if triple.any():
            readings["surnames that are the grandfather's name (the legal triple name)"] = int(
                triple.sum()
            )
            grandfather = grandfather.where(~triple, family)
            assign("grandfather_name", grandfather)
    if kunyas:
        readings["kunyas written as the given name, compared as the alias"] = int(kunya.sum())
        assign("alias", alias.where(~kunya | (alias != ""), given))
        assign("given_name", given.where(~kunya, ""))
    if split.any():
        readings["fathers' columns holding the grandfather's name too"] = int(split.sum())
        first = father.map({f: s[0] for f, s in splits.items()})
        second = father.map({f: s[1] for f, s in splits.items()})
        assign("father_name", father.where(~split, first))
        assign("grandfather_name", grandfather.where(~split, second))
    result = df if out is None else out
    result.attrs["readings"] = readings
    return result


# A list writes the father's (or grandfather's) name as the surname where it writes no father's
# (grandfather's) name, under 2 % of its records, and more than this share of its family names are
# the other lists' fathers' (grandfathers') names.  The generator's lists: 1-17 % where they write
# fathers, none without; a list so written, 63-97 % (bench/RESULTS.md, "thirty-second session").
FATHER_SURNAME_SHARE = 0.5
_ARTICLE_RE = re.compile(r"^(?:al|el)[- ]|^ال|^(?:al|el)(?=[^aeiou\W]{1,2}[a-z])", re.IGNORECASE)


def _names_as_surnames(source: pd.Series, names: pd.Series, family: pd.Series) -> pd.Series:
    """The records of the lists that write none of ``names`` (the fathers' or grandfathers'
    column) and, for more than ``FATHER_SURNAME_SHARE`` of their family names, one of the other
    lists' ``names`` (without an article): that name written as the surname.  Where no list
    writes such names (a plain Latin list), none."""
    none_written = (names != "").groupby(source).mean() < 0.02
    if not none_written.any():
        return pd.Series(False, index=source.index)
    keys = {normalise_name(v).key1 for v in pd.unique(names) if v}  # other lists' names
    personal_values = [
        v
        for v in pd.unique(family)
        if v and not _ARTICLE_RE.search(v) and normalise_name(v).key1 in keys
    ]
    personal = family.isin(personal_values)
    share = personal.groupby(source).sum() / (family != "").groupby(source).sum().clip(lower=1)
    lists = set(share.index[(share > FATHER_SURNAME_SHARE) & none_written.reindex(share.index)])
    return source.isin(lists) & personal & (names == "")


def _column(df: pd.DataFrame, name: str) -> pd.Series:
    if name not in df:
        return pd.Series([""] * len(df), index=df.index, dtype=object)
    return df[name].fillna("").astype(str).str.strip()


def prepare(records: Sequence[Record] | pd.DataFrame) -> Prepared:
    """Records -> the columns the engines compare (see ``Prepared``)."""
    df = records if isinstance(records, pd.DataFrame) else pd.DataFrame.from_records(records)
    df = compared_names(df)
    n = len(df)
    out: dict[str, object] = {"rid": np.arange(n, dtype=np.int64)}
    out["record_id"] = df["record_id"].astype(str).to_numpy() if n else np.array([], dtype=object)
    names: dict[str, pd.DataFrame] = {}
    for field in NAME_FIELDS:
        values = df[field] if field in df else pd.Series([""] * n, dtype=object)
        cols, names[field] = _name_columns(values, NAME_PART.get(field, "given"), field)
        out.update(cols)
    dob = df["date_of_birth"].fillna("") if "date_of_birth" in df else pd.Series([""] * n)
    year = df["birth_year"].fillna("") if "birth_year" in df else pd.Series([""] * n)
    dob = dob.astype(str)
    has_dob = dob.str.len() == 10
    yr = pd.to_numeric(dob.str[:4].where(has_dob, year), errors="coerce")
    mo = pd.to_numeric(dob.str[5:7].where(has_dob), errors="coerce")
    dy = pd.to_numeric(dob.str[8:10].where(has_dob), errors="coerce")
    out["yr"] = yr.astype("Int32").to_numpy()
    out["mo"] = mo.astype("Int32").to_numpy()
    out["dy"] = dy.astype("Int32").to_numpy()
    # A 1 January date is the registration default for an unknown birthday: worth a year only.
    precise = (has_dob & ~((mo == 1) & (dy == 1))).to_numpy()
    out["precise"] = precise
    for col in ("sex", "nationality"):
        vals = df[col].fillna("").astype(str).to_numpy(dtype=object) if col in df else None
        out[col] = np.where(vals == "", None, vals) if vals is not None else np.full(n, None)
    # The full date as a blocking attribute, only when it is a real date (not year-only, not
    # the 1 January default).
    out["dob"] = np.where(precise, dob.to_numpy(dtype=object), None)
    out["plain"] = np.where(
        (out["father_name_id"] < 0)
        & (out["grandfather_name_id"] < 0)
        & (out["mother_name_id"] < 0),
        "1",
        None,
    )
    # Eras of the birth year (the ``_era_`` rules), for records with lineage names only.
    era = pd.array(np.where(pd.isna(out["plain"]), out["yr"], pd.NA), dtype="Int32")
    out["era_a"] = (era // ERA_YEARS).to_numpy()
    out["era_b"] = ((era + ERA_YEARS // 2) // ERA_YEARS).to_numpy()
    out["names_set_b"] = names_set(out["given_name_b"], out["family_name_b"])
    # The family name's first broad letter (its first consonant's class, the article left out).
    family_b = pd.Series(out["family_name_b"], dtype=object).fillna("").astype(str)
    out["family_initial_b"] = np.where(family_b != "", family_b.str[:1], None).astype(object)
    out["given_father_set_b"] = names_set(out["given_name_b"], out["father_name_b"])
    out["given_family_set_b"] = out["names_set_b"]  # the same set, joined crosswise (CROSSED)
    readings = dict(df.attrs.get("readings", {}))
    for field, (_, what) in COMPARED_VALUES.items():
        readings[what] = names[field].attrs.get("read_otherwise", 0)
    return Prepared(pd.DataFrame(out), names, {k: v for k, v in readings.items() if v})


def names_set(given: np.ndarray, family: np.ndarray) -> np.ndarray:
    """Two names' keys (given and family, or given and father's) in alphabetical order, so a
    swapped pair shares the key."""
    g = pd.Series(given, dtype=object).fillna("").astype(str)
    f = pd.Series(family, dtype=object).fillna("").astype(str)
    joined = np.where(g <= f, g + "|" + f, f + "|" + g)
    return np.where((g != "") & (f != ""), joined, None).astype(object)
