"""The Fellegi–Sunter model: comparisons, m/u parameters, EM training, match weights.

Field levels come from the engine (one small integer per field and pair).  The model groups
them into comparisons (the four lineage names are one comparison, see
``comparisons.lineage_levels``, with father and grandfather compared crosswise where that
agrees better, and whether they were as a comparison of its own), estimates u from random
pairs and m with the prior by EM on the candidate pairs, both without labels, exactly as
Splink does; EM runs on the counts of distinct agreement patterns, so it costs the same for a
thousand pairs or a billion.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from .comparisons import (
    LINEAGE_FIELDS,
    LINEAGE_LEVELS,
    align_lineage,
    lineage_levels,
    lineage_pattern,
)

# comparison -> number of non-missing levels (0 = disagree ... top = best agreement)
COMPARISONS: dict[str, int] = {
    "given_name": 5,
    "lineage": LINEAGE_LEVELS,
    "date_of_birth": 6,
    "sex": 2,
    "alias": 5,
    "place_of_origin": 5,
    "nationality": 2,
    "lineage_order": 2,  # 0 father and grandfather crossed, 1 in order (comparisons.py)
}
_NAME_LABELS = ["disagree", "typo", "arabic_script_equivalent", "transliteration", "exact"]
# What each level of each comparison means (lineage levels are patterns, see comparisons.py).
LEVEL_LABELS: dict[str, list[str]] = {
    "given_name": _NAME_LABELS,
    "date_of_birth": [
        "disagree",
        "years_one_apart_or_other_date",
        "same_year",
        "one_part_differs",
        "day_month_swapped",
        "exact",
    ],
    "sex": ["disagree", "agree"],
    "alias": _NAME_LABELS,
    "place_of_origin": _NAME_LABELS,
    "nationality": ["disagree", "agree"],
    "lineage_order": ["crossed", "in_order"],
}
# The given name is what tells brothers apart.  Brothers share father, grandfather, family and
# mother names and are born a year or two apart, so among candidate pairs "same lineage,
# different given name" is common, and EM, which assumes comparisons independent given the
# class, learns it as a kind of match whatever the starting point.  A different given name
# (level 0: not a spelling, script or typo variant) is therefore not learnt: it carries a fixed
# weight that no lineage, date and place agreement can outvote, and EM trains on the pairs whose
# given names do not disagree.  The price is the rare registration that changed the whole given
# name; clustering (cluster.py) can still join such a record through a third record.
GIVEN_NAME_DISAGREE_WEIGHT = -30.0
GIVEN = 0  # column of the given name in the gamma matrix
# Where the pair has no father, grandfather or mother name to compare (a plain list: given,
# family, date, town), no brother can share a lineage with the other record, and a different
# given name is more often a list's typo, nickname or swapped field than another person with
# the same family name, full date of birth and town: strong evidence against, but no veto.
PLAIN_GIVEN_NAME_DISAGREE_WEIGHT = -8.0
LINEAGE = 1  # column of the lineage in the gamma matrix
PLACE = 5  # column of the place of origin
# Lineage levels in which father, grandfather and mother are all missing on one side at least.
PLAIN_LINEAGE_LEVELS = (-1, 3, 6)
# Birth years two or more apart between two full dates, or more than
# ``comparisons.ESTIMATE_YEARS`` against a year only (date level 0): namesakes of another
# generation (a man named after his grandfather, cousins named after one ancestor) are common
# among candidates and EM would make this a frequent match pattern; registrations rarely miss
# a birth year by that much.
# Likewise a pair none of whose lineage names agree (level 0), or whose lineage names mostly
# disagree (level 1), is rarely one person; on a million records the candidates hold so many
# same-name, same-year namesakes that EM, unbounded, makes them a match class of their own.
# A shared place of origin is weak evidence among candidates: relatives and neighbours, who
# are most of the non-matching candidates that share lineage names, come from the same town.
# EM assumes comparisons independent within each class, cannot see that, and learns a place
# agreement worth about 6 bits (64:1), enough to merge cousins who share a given name and a
# birth year.  Capped at 3 bits, which raised F1 at every size measured (bench/RESULTS.md, "Figures behind the engine's constants").
WEIGHT_CEILING = {"place_of_origin": 3.0, "lineage_order": 1.0}
# Fields a clerk gets wrong by default (a nationality drop-down left at the form's default, a
# sex box, a day or month of birth typed wrong, a town or an alias written another way) never veto a match
# on their own: a trained disagreement weight below these floors is raised to them.  Without
# them the shipped model weighed a nationality disagreement at -34 bits, so a girl whose five
# names and birth year agreed scored 1:2,000,000.  The date's level 0 (birth years two or more
# apart) is not a clerk's slip and keeps its weight.
WEIGHT_FLOOR: dict[tuple[str, int], float] = {
    ("nationality", 0): -3.0,
    ("sex", 0): -5.0,
    ("date_of_birth", 1): -5.0,
    ("date_of_birth", 3): -5.0,
    ("date_of_birth", 4): -5.0,
    ("place_of_origin", 0): -5.0,
    ("place_of_origin", 1): -5.0,
    ("alias", 0): -5.0,
    ("lineage_order", 0): -5.0,
}
# Agreement on the whole lineage and on the full date of birth is evidence for a match in any
# population: never weighed below this.
AGREEMENT_FLOOR = 5.0
# A place of origin that agrees (written alike, spelt another way, or in the other script) is
# never evidence against a match: never weighed below this.  Beside an authority's list in
# Arabic script most candidate pairs across the two scripts are namesakes from the same towns,
# and a match between Latin lists agrees exactly more often than one across scripts can, so EM
# learnt the place in the other script (Al-Qaim / القائم) at -2.4 bits, below a place not given,
# and lost true pairs whose place agreed as well as two scripts allow (drawn500 20k, F1 0.847;
# bench/RESULTS.md, "twenty-seventh session").  Not the given name: among candidate pairs an
# exact given name is often a namesake's, and EM's low weight there is no artefact.
PLACE_AGREEMENT_FLOOR: float | None = 0.0
# The place of origin weighed apart where the given and family names agree (``named_rows``).
# Comparisons are independent within each class only in the model: among candidate pairs the
# non-matches that share a town are mostly relatives (other given names), and the non-matches
# whose given and family names agree mostly namesakes of other towns.  EM learns the place over
# all pairs (drawn1280 20k: the same town +0.9 bits, another -2.4), where among the pairs of
# one given and family name the truth says +3.9 and -8.9, and the trained model's own
# posterior, without the truth, +3.0 and -3.4.  So after EM the place's m and u are learnt again
# from that posterior on those pairs alone, and score them; EM and every other pair keep the
# place as learnt on all.  (Two comparisons inside EM instead left the rest of the place's pairs
# few matches, and EM made another town there nearly no evidence: drawn1403 -0.0226.)  Under
# the place's own ceiling, floors and order, but not its sceptic: that is the pooled weight
# taken toward the start's, relatives' pairs and all, and capped the same town at about the
# pooled +1 bit where the truth among these pairs is +2.8 to +4.6 and the re-estimate +3.0
# (eleven populations, bench/RESULTS.md, "forty-third session").  Tuning 6 up / 0 down, never
# run before 11 / 0, FEBRL 2 and 4 up, 1M unchanged ("forty-second session").
NAMED_PLACE = True
# Rounds of the re-estimate (each with the posterior the last one gives), and the fewest pairs
# (of those whose given and family names agree and both carry a place) to learn it from.
NAMED_PLACE_ROUNDS = 2
NAMED_PLACE_MIN_PAIRS = 200
# Lineage patterns in which at least as many names disagree as agree are evidence against (a
# namesake's father, a cousin's family): never weighed above 0.  EM on a population of many
# namesake children and few duplicates otherwise learns them at +30 bits as the match class.
# EM that has not settled after this many rounds has found no stable match class (on a list
# blocked on one field, such as FEBRL's date of birth, it can swap the classes); it is not used.
EM_MAX_ITERATIONS = 200
M_CEILING = {
    ("date_of_birth", 0): 0.005,
    # No lineage name agrees and some disagree: together at most about 3 % of matches.
    **{
        ("lineage", level): 0.002
        for level in range(1, LINEAGE_LEVELS)
        if lineage_pattern(level)[0] == 0
    },
}


# Of the matches whose birth years are the same or one apart (date levels 2 and 1), at least
# this share is one apart, scaled by the share of candidate pairs that compare no father's,
# grandfather's or mother's name: a year stated as an age, estimated, or converted from another
# calendar is one off in any registration of people who carry no papers.  On lists without
# lineage names EM learnt almost none (no_lineage 200k: 1.3 % of such matches one year apart
# where the truth has 11.5 %, drawn1121 20k 0.8 % against 20.6 %): there the given and family
# names agree among most candidate pairs, the date is what EM tells its classes by, and a pair
# a year apart looked like a namesake to it, so it learnt nothing from such pairs and weighed
# them at -5 bits (their ``WEIGHT_FLOOR``), against -2.6 from the truth's m.  Where lineage
# names are compared, they tell the classes apart and EM learns the date from them, rightly
# near none where one person's records carry one year (tests/identity/namesakes.py: two desks,
# the second writing the year only, 1.7 %); there the floor is 0.  Where EM learns more, as on
# most populations, nothing changes (bench/RESULTS.md, "thirty-eighth session").
DATE_YEARS_APART_MIN_SHARE = 0.1


def _years_apart_floor(m: np.ndarray, share: float) -> np.ndarray:
    """The date's m with level 1 at least ``share`` of levels 1 and 2, the others' ratios kept."""
    if share <= 0 or m[1] >= share * (m[1] + m[2]):
        return m
    m = m.copy()
    m[1] = share * m[2] / (1 - share)
    return m / m.sum()


def _name_order() -> list[tuple[int, int]]:
    # disagree < typo < script equivalent < transliteration < exact.  Typo and script
    # equivalent were unordered until the forty-first session; since one name as another school
    # writes it in one script (Jasser / Yasser) is level 2, a plain Latin list's few such pairs
    # there let EM weigh the level at -19 bits (FEBRL 4: Garth / Gartkh, 10 pairs, all one
    # person; tests/identity/test_scoring.py).
    return [(0, 1), (1, 2), (0, 2), (1, 3), (2, 3), (3, 4)]


def _lineage_order() -> list[tuple[int, int]]:
    """(worse, better) lineage levels: one name moves from disagree to missing or missing to agree."""
    rank_up = {1: 0, 0: 2}  # state codes: 0 missing, 1 disagree, 2 agree
    edges = []
    for level in range(LINEAGE_LEVELS):
        for position in range(len(LINEAGE_FIELDS)):
            state = (level // 3**position) % 3
            if state in rank_up:
                edges.append((level, level + (rank_up[state] - state) * 3**position))
    return edges


# For each comparison, pairs (worse level, better level): a better level never weighs less.
# Date: disagree < years one apart < {same year, one side year-only; day or month differs; day
# and month swapped} < exact.  Father and grandfather in order never weigh less than crossed,
# and neither weighs much (ceiling and floor above): the crossing says how a register wrote the
# names, not who the person is; EM on a population whose fathers and grandfathers bear the same
# few names learnt "crossed" as the match class and "in order" at -32 bits.
LEVEL_ORDER: dict[str, list[tuple[int, int]]] = {
    "given_name": _name_order(),
    "lineage": _lineage_order(),
    "date_of_birth": [(0, 1), (1, 2), (1, 3), (1, 4), (2, 5), (3, 5), (4, 5)],
    "sex": [(0, 1)],
    "alias": _name_order(),
    "place_of_origin": _name_order(),
    "nationality": [(0, 1)],
    "lineage_order": [(0, 1)],
}
_AGAINST_LINEAGE = [
    level
    for level in range(1, LINEAGE_LEVELS)
    if lineage_pattern(level)[1] >= max(1, lineage_pattern(level)[0])
]


def _isotonic(
    values: np.ndarray, mass: np.ndarray, edges: list[tuple[int, int]], ratios: bool = True
) -> np.ndarray:
    """Log2 likelihood ratios made non-decreasing along ``edges`` by pooling violators.

    With ``ratios``, a pooled block of levels is one level: its ratio is the sum of their m
    over the sum of their u, i.e. the ratios' mean weighed by u (``mass``).  Without, the
    log-ratios' mean weighed by ``mass``, which is lower by the spread of the pooled ratios
    (see ``constrained_weights``).
    """
    block = np.arange(len(values))
    value, weight = values.astype(np.float64).copy(), mass.astype(np.float64).copy()
    while True:
        worst, pair = 1e-9, None
        for a, b in edges:
            ba, bb = block[a], block[b]
            if ba != bb and value[ba] - value[bb] > worst:
                worst, pair = value[ba] - value[bb], (ba, bb)
        if pair is None:
            return value[block]
        keep, gone = pair
        total = weight[keep] + weight[gone]
        if ratios:
            value[keep] = np.log2(
                (np.exp2(value[keep]) * weight[keep] + np.exp2(value[gone]) * weight[gone]) / total
            )
        else:
            value[keep] = (value[keep] * weight[keep] + value[gone] * weight[gone]) / total
        weight[keep] = total
        block[block == gone] = keep


def _bounded(name: str, w: np.ndarray) -> np.ndarray:
    w = w.copy()
    if name in WEIGHT_CEILING:
        w = np.minimum(w, WEIGHT_CEILING[name])
    for (field_name, level), floor in WEIGHT_FLOOR.items():
        if field_name == name:
            w[level] = max(w[level], floor)
    if name == "lineage":
        w[_AGAINST_LINEAGE] = np.minimum(w[_AGAINST_LINEAGE], 0.0)
        w[0] = 0.0  # all four missing: no evidence (its level is -1 in the gamma matrix)
        w[LINEAGE_LEVELS - 1] = max(w[LINEAGE_LEVELS - 1], AGREEMENT_FLOOR)
    if name == "date_of_birth":
        w[5] = max(w[5], AGREEMENT_FLOOR)
    if name == "place_of_origin" and PLACE_AGREEMENT_FLOOR is not None:
        # arabic_script_equivalent, transliteration, exact (``_NAME_LABELS``)
        w[2:] = np.maximum(w[2:], PLACE_AGREEMENT_FLOOR)
    return w


def constrained_weights(name: str, m: np.ndarray, u: np.ndarray, prior: float) -> np.ndarray:
    """A comparison's weights per level under the constraints that hold for every population.

    log2(m/u), then: the bounds above (floors, ceilings, lineage patterns against a match at
    most 0, whole-lineage and full-date agreement at least ``AGREEMENT_FLOOR``), then made
    monotone along ``LEVEL_ORDER`` by pooling the levels that violate it, so that a rare
    level's noisy estimate gives way to its neighbours.

    A comparison's pooled levels weigh as one level would (their m and u summed): the mean of
    their log-ratios, as before the sixth session, took about a bit off every pair whose given
    names agree on namesake, where exact and transliterated spellings are pooled (the second
    is more often one person there: two lists' spellings against one list's namesakes), more
    than EM's prior gave back (bench/RESULTS.md, "sixth session").  Not the lineage: its
    patterns against a match are capped at 0 before pooling, a bound and not an estimate, and
    summed with the capped ones the dozens of patterns of disagreeing names that pool together
    weighed -10 bits where they weighed -14 to -21, so two full records of two men with the
    same given and father's name were no longer "compared and clearly different" and a sparse
    record chained them (tests/identity/test_matching.py); the lineage keeps the mean of the
    log-ratios, weighed by each pattern's share of candidate pairs (``prior``).
    """
    raw = np.log2(np.maximum(m, 1e-12) / np.maximum(u, 1e-12))
    ratios = name != "lineage"
    mass = np.maximum(u, 1e-12) if ratios else prior * m + (1 - prior) * u + 1e-9
    if name == "lineage":
        mass = mass.copy()
        mass[0] = 1e9  # pinned at 0
    w = raw
    for _ in range(3):
        w = _isotonic(_bounded(name, w), mass, LEVEL_ORDER[name], ratios)
    return w


# EM works on the distinct patterns of levels, each coded in 7 bits (levels up to 126).
_PATTERN_BASE = 128


def _probabilities(values: object, k: int) -> bool:
    """Whether ``values`` is a list of ``k`` numbers between 0 and 1 (a model file's m or u)."""
    return (
        isinstance(values, list)
        and len(values) == k
        and all(isinstance(v, int | float) and 0 <= v <= 1 for v in values)
    )


def _levels(data: dict, label: str) -> dict[str, dict[str, list[float]]]:
    """``data``'s m and u as floats; ``ModelFileError`` unless each holds a list of
    probabilities per level of every comparison."""
    for part in ("m", "u"):
        table = data[part]
        for name, k in COMPARISONS.items():
            values = table.get(name) if isinstance(table, dict) else None
            if not _probabilities(values, k):
                raise ModelFileError(
                    f"{label}{part}['{name}'] must be a list of {k} probabilities between 0 and 1"
                )
    return {p: {n: [float(v) for v in data[p][n]] for n in COMPARISONS} for p in ("m", "u")}


def comparison_levels(levels: dict[str, np.ndarray]) -> np.ndarray:
    """Field levels (``lv_<field>`` arrays) -> gamma matrix, one column per comparison."""
    n = len(levels["given_name"])
    aligned, crossed = align_lineage(levels)
    derived = {"lineage": lineage_levels(aligned), "lineage_order": np.where(crossed, 0, 1)}
    gamma = np.empty((n, len(COMPARISONS)), dtype=np.int8)
    for j, name in enumerate(COMPARISONS):
        gamma[:, j] = derived[name] if name in derived else aligned[name]
    return gamma


def pattern_counts(
    gamma: np.ndarray, rows: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of ``gamma`` (sorted) and how many pairs have each (``rows``: of those
    this mask marks, without copying them out first)."""
    patterns, (counts,) = _count_patterns(gamma, (), rows)
    return patterns, counts


def weighted_pattern_counts(
    gamma: np.ndarray, weights: np.ndarray, rows: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``pattern_counts`` and, per pattern, the sum of its pairs' ``weights`` (one pass; with
    ``rows``, one weight per marked row)."""
    patterns, (counts, weighted) = _count_patterns(gamma, (weights,), rows)
    return patterns, counts, weighted


def lineage_share(patterns: np.ndarray, counts: np.ndarray) -> float:
    """The share of candidate pairs (``pattern_counts``) in which both records carry a father's,
    grandfather's or mother's name (one of them compared: agreeing or not)."""
    code = patterns[:, list(COMPARISONS).index("lineage")].astype(np.int64)
    known = np.zeros(len(code), dtype=bool)
    for i, name in enumerate(LINEAGE_FIELDS):
        # a name's state (0 missing) is its base-3 digit, the first field the highest
        # (comparisons.lineage_levels)
        if name != "family_name":
            known |= (code // 3 ** (len(LINEAGE_FIELDS) - 1 - i)) % 3 != 0
    known &= code >= 0
    return float(counts[known].sum() / max(int(counts.sum()), 1))


# Pairs counted at a time: a pattern code and its index are 16 bytes a pair, 0.9 GB for a million
# records' 57M candidate pairs at once, at the run's peak (the prior of pairs within one source
# is learnt while the first model's weights are held).
PATTERN_CHUNK = 4_000_000


class PatternTally:
    """Distinct comparison patterns (rows of levels), how many pairs have each and, with weights,
    the sum of the pairs' weights per pattern: added a slice of pairs at a time, so that no
    array of all the pairs' codes is ever held (16 bytes a pair: 0.9 GB for a million records'
    57M candidate pairs, at the run's peak)."""

    def __init__(self, columns: int, weighted: bool = False) -> None:
        self.columns, self.weighted = columns, weighted
        self._codes: list[np.ndarray] = []
        self._sums: list[list[np.ndarray]] = []

    def add(self, part: np.ndarray, weights: np.ndarray | None = None) -> None:
        """Count these pairs' levels (``part``, one row a pair; ``weights``, one a pair)."""
        if not len(part):
            return
        code = np.zeros(len(part), dtype=np.int64)
        for j in range(self.columns):
            code *= _PATTERN_BASE
            code += part[:, j]
            code += 1
        # Counted by hashing (a few thousand distinct patterns), not by sorting every pair.
        inverse, distinct = pd.factorize(code, sort=False)
        del code
        self._codes.append(np.asarray(distinct, dtype=np.int64))
        self._sums.append([np.bincount(inverse, weights=w, minlength=len(distinct))
                           for w in (None, weights)[: 1 + self.weighted]])  # fmt: skip

    def result(self) -> tuple[np.ndarray, list[np.ndarray]]:
        """The distinct patterns, sorted as np.unique gives them, and per pattern the pairs'
        count (and the sum of their weights), as floats."""
        codes = np.concatenate(self._codes) if self._codes else np.zeros(0, dtype=np.int64)
        inverse, distinct = pd.factorize(codes, sort=True)
        totals = [
            np.bincount(inverse, minlength=len(distinct),
                        weights=np.concatenate([s[i] for s in self._sums]).astype(np.float64)
                        if self._sums else None).astype(np.float64)
            for i in range(1 + self.weighted)
        ]  # fmt: skip
        patterns = np.empty((len(distinct), self.columns), dtype=np.int8)
        rest = np.asarray(distinct, dtype=np.int64).copy()
        for j in reversed(range(self.columns)):
            patterns[:, j] = (rest % _PATTERN_BASE) - 1
            rest //= _PATTERN_BASE
        return patterns, totals


def _count_patterns(
    gamma: np.ndarray, weights: tuple[np.ndarray, ...], rows: np.ndarray | None = None
) -> tuple[np.ndarray, list[np.ndarray]]:
    tally, taken = PatternTally(gamma.shape[1], weighted=bool(weights)), 0
    for start in range(0, len(gamma), PATTERN_CHUNK):
        part = gamma[start : start + PATTERN_CHUNK]
        if rows is not None:
            part = part[rows[start : start + PATTERN_CHUNK]]
        tally.add(part, weights[0][taken : taken + len(part)] if weights else None)
        taken += len(part)
    return tally.result()


class ModelFileError(ValueError):
    """A model file that cannot be used, in one line."""


def _sceptic(data: object, label: str) -> dict[str, dict[str, list[float]]] | None:
    """A model file's sceptic (``label``: whose, for the error), or None where it has none."""
    if data is None:
        return None
    if not isinstance(data, dict) or not {"m", "u"} <= set(data):
        raise ModelFileError(f"{label}sceptic must hold the keys m and u")
    return _levels(data, f"{label}sceptic ")


def _named_place(data: object) -> dict[str, list[float]] | None:
    """A model file's place weighed where given and family names agree, or None."""
    if data is None:
        return None
    k = COMPARISONS["place_of_origin"]
    if not isinstance(data, dict) or not all(_probabilities(data.get(p), k) for p in ("m", "u")):
        raise ModelFileError(
            f"named_place must hold m and u, each a list of {k} probabilities between 0 and 1"
        )
    return {part: [float(v) for v in data[part]] for part in ("m", "u")}


def named_rows(gamma: np.ndarray) -> np.ndarray:
    """Rows of ``gamma`` whose given names agree (another script's or school's spelling at
    least) and whose family names agree, and which compare a place of origin
    (``NAMED_PLACE``)."""
    lineage = gamma[:, LINEAGE]  # int8 as built: tens of millions of pairs at 1M records
    # The family name's state is the lineage pattern's third base-3 digit (2: agrees).
    rows = (gamma[:, GIVEN] >= 2) & (lineage >= 0) & ((lineage // 3) % 3 == 2)
    return rows & (gamma[:, PLACE] >= 0)


def _prior(value: object, label: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 < value < 1:
        raise ModelFileError(f"{label} must be a probability between 0 and 1, not {value!r}")
    return float(value)


@dataclass
class Model:
    """m and u per comparison level, and the prior probability that a candidate pair matches.

    >>> model = Model.default()
    >>> bool(model.probability(np.array([[4, 80, 5, 1, -1, -1, 1, 1]]))[0] > 0.99)
    True
    """

    m: dict[str, list[float]]
    u: dict[str, list[float]]
    prior: float
    trained_on: dict[str, object] = field(default_factory=dict)
    # Bits added by deduplication to the weight of candidate pairs of a record without lineage
    # names and one with them (``plain_shift``), and of two records without (``plain_pair_shift``):
    # each stratum's own prior against the pooled one (training.stratum_prior_shift).  Part of
    # the model, so that a saved model scores a list as the run that trained it did.
    plain_shift: float = 0.0
    plain_pair_shift: float = 0.0
    # Bits added by deduplication to the weight of candidate pairs of two records from one
    # source (one list, one registration office): that stratum's own prior against the pooled
    # one where it is lower (training.source_prior_shift).
    same_source_shift: float = 0.0
    # A second m and u ({"m": ..., "u": ...}), and each level weighs the lesser of the two
    # (both under the constraints): training.TOWARD_SHIPPED, a trained model's weights taken
    # halfway toward the shipped ones wherever those are the more sceptical.
    sceptic: dict[str, dict[str, list[float]]] | None = None
    # Deduplication: a model of their own (m, u, prior and sceptic) for the candidate pairs of
    # a record without lineage names and one with them, where it was learnt on them and expects
    # clearly more matches there than this model does (training.PLAIN_MODEL_GATE); those pairs
    # are then scored by it, not by this model and ``plain_shift``.
    plain_model: Model | None = None
    # The place of origin's m and u among the pairs whose given and family names agree
    # ({"m": [...], "u": [...]}, ``NAMED_PLACE``), which score those pairs; None: the place's.
    named_place: dict[str, list[float]] | None = None
    # Without the constraints (model.constrained_weights) only as the training guard's
    # diagnostic of what EM would learn left alone; never used to score.
    constrained: bool = field(default=True, repr=False, compare=False)
    # The least u of each lineage pattern in EM (``U_RANDOM_FLOOR``), from random record pairs
    # (``estimate_u``); not saved, a model loaded or shipped has none.
    u_floor: np.ndarray | None = field(default=None, repr=False, compare=False)
    _weights: tuple[object, np.ndarray] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def initial(cls) -> Model:
        m, u = {}, {}
        for name, k in COMPARISONS.items():
            # Start m high on the best level and u high on disagreement; EM moves them.
            if name == "lineage":
                pattern = [lineage_pattern(level) for level in range(k)]
                start_m = np.array([2.0 ** (2 * a - 3 * d) for a, d in pattern])
                start_u = np.array([2.0 ** (d - a) for a, d in pattern])
            else:
                start_m, start_u = np.geomspace(0.02, 1.0, k), np.geomspace(1.0, 0.01, k)
            m[name] = list(start_m / start_m.sum())
            u[name] = list(start_u / start_u.sum())
        return cls(m, u, 0.1)

    @classmethod
    def default(cls) -> Model:
        """The parameters shipped with the package (trained on a synthetic population)."""
        path = resources.files("muster.identity.internals") / "data" / "default_model.json"
        return cls.from_json(path.read_text(encoding="utf-8"))

    @classmethod
    def from_json(cls, text: str) -> Model:
        """A model from its JSON form; ``ModelFileError`` (one line) when it is not one."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ModelFileError(f"not JSON ({exc.msg}, line {exc.lineno})") from None
        if not isinstance(data, dict) or not {"m", "u", "prior"} <= set(data):
            raise ModelFileError("not a muster model: expected the keys m, u and prior")
        levels = _levels(data, "")
        # Absent from models saved before it was part of the model: none.
        sceptic = _sceptic(data.get("sceptic"), "")
        prior = _prior(data["prior"], "prior")
        # Absent from models saved before it was part of the model: no shift.
        shift = data.get("plain_shift", 0.0)
        if not isinstance(shift, int | float) or isinstance(shift, bool) or not 0 <= shift < 60:
            raise ModelFileError(
                f"plain_shift must be a number of bits from 0 to 60, not {shift!r}"
            )
        # Models saved before the two strata were weighed apart scored both with plain_shift.
        pair_shift = data.get("plain_pair_shift", shift)
        if (
            not isinstance(pair_shift, int | float)
            or isinstance(pair_shift, bool)
            or not 0 <= pair_shift < 60
        ):
            raise ModelFileError(
                f"plain_pair_shift must be a number of bits from 0 to 60, not {pair_shift!r}"
            )
        # Absent from models saved before the sources were weighed apart: no shift.
        source_shift = data.get("same_source_shift", 0.0)
        if (
            not isinstance(source_shift, int | float)
            or isinstance(source_shift, bool)
            or not -60 < source_shift <= 0
        ):
            raise ModelFileError(
                f"same_source_shift must be a number of bits from -60 to 0, not {source_shift!r}"
            )
        # Absent from models saved before it was part of the model, or learnt and not used.
        plain = data.get("plain_model")
        if plain is not None:
            if not isinstance(plain, dict) or not {"m", "u", "prior"} <= set(plain):
                raise ModelFileError("plain_model must hold the keys m, u and prior")
            levels_plain = _levels(plain, "plain_model's ")
            plain = cls(
                levels_plain["m"],
                levels_plain["u"],
                _prior(plain["prior"], "plain_model's prior"),
                plain.get("trained_on", {}),
                sceptic=_sceptic(plain.get("sceptic"), "plain_model's "),
                named_place=_named_place(plain.get("named_place")),
            )
        return cls(
            levels["m"],
            levels["u"],
            prior,
            data.get("trained_on", {}),
            float(shift),
            float(pair_shift),
            float(source_shift),
            sceptic,
            plain,
            _named_place(data.get("named_place")),
        )

    @classmethod
    def load(cls, path: str | Path) -> Model:
        """A model saved by ``save`` (``muster match --save-model``)."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise ModelFileError(f"cannot read model {path}: {reason}") from None
        try:
            return cls.from_json(text)
        except ModelFileError as exc:
            raise ModelFileError(f"model {path}: {exc}") from None

    def to_json(self) -> str:
        return json.dumps(
            {
                **self.stratum_json(),
                "plain_shift": self.plain_shift,
                "plain_pair_shift": self.plain_pair_shift,
                "same_source_shift": self.same_source_shift,
                **({"plain_model": self.plain_model.stratum_json()} if self.plain_model else {}),
            },
            indent=1,
        )

    def stratum_json(self) -> dict[str, object]:
        """m, u, prior, sceptic, the place where given and family names agree
        (``named_place``) and what it was trained on: what a stratum's own model
        (``plain_model``) saves, and the rest of the model's file around them."""
        return {
            "m": self.m,
            "u": self.u,
            "prior": self.prior,
            "trained_on": self.trained_on,
            **({"sceptic": self.sceptic} if self.sceptic else {}),
            **({"named_place": self.named_place} if self.named_place else {}),
        }

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")

    def weight_table(self) -> np.ndarray:
        """weights[j, level + 1]: log2 Bayes factor of comparison j at a level; 0 when missing."""
        width = max(COMPARISONS.values()) + 1
        sceptic = self.sceptic if self.constrained else None
        key = (
            self.constrained,
            self.prior,
            *(tuple(self.m[n]) + tuple(self.u[n]) for n in COMPARISONS),
            *(tuple(sceptic["m"][n]) + tuple(sceptic["u"][n]) for n in COMPARISONS if sceptic),
        )
        if self._weights is not None and self._weights[0] == key:
            return self._weights[1]
        w = np.zeros((len(COMPARISONS), width))
        for j, name in enumerate(COMPARISONS):
            m, u = np.asarray(self.m[name]), np.asarray(self.u[name])
            if self.constrained:
                w[j, 1 : len(m) + 1] = constrained_weights(name, m, u, self.prior)
                if sceptic:
                    other = constrained_weights(
                        name, np.asarray(sceptic["m"][name]), np.asarray(sceptic["u"][name]),
                        self.prior,
                    )  # fmt: skip
                    w[j, 1 : len(m) + 1] = np.minimum(w[j, 1 : len(m) + 1], other)
            else:
                raw = np.log2(np.maximum(m, 1e-12) / np.maximum(u, 1e-12))
                w[j, 1 : len(m) + 1] = np.minimum(raw, WEIGHT_CEILING.get(name, np.inf))
        w[GIVEN, 1] = GIVEN_NAME_DISAGREE_WEIGHT
        self._weights = (key, w)
        return w

    def named_place_weights(self) -> np.ndarray | None:
        """The place's weight per level among pairs whose given and family names agree
        (``NAMED_PLACE``), under the place's constraints (not its pooled sceptic); None without."""
        if not (NAMED_PLACE and self.named_place and self.constrained):
            return None
        name = "place_of_origin"
        m, u = (np.asarray(self.named_place[part]) for part in ("m", "u"))
        return constrained_weights(name, m, u, self.prior)

    def match_weight(self, gamma: np.ndarray) -> np.ndarray:
        w = self.weight_table()
        total = np.full(len(gamma), np.log2(self.prior / (1 - self.prior)))
        for j in range(gamma.shape[1]):
            # Level -1 (missing) reads the row's last entry: the weight table's column 0.
            row = np.append(w[j, 1:], w[j, 0])
            total += np.take(row, gamma[:, j])
        named = self.named_place_weights()
        if named is not None:
            rows = np.flatnonzero(named_rows(gamma))
            level = gamma[rows, PLACE].astype(np.int64)
            total[rows] += named[level] - w[PLACE, level + 1]
        given, lineage = gamma[:, GIVEN], gamma[:, LINEAGE]
        plain = given == 0
        plain &= np.isin(lineage, PLAIN_LINEAGE_LEVELS)
        total[plain] += PLAIN_GIVEN_NAME_DISAGREE_WEIGHT - GIVEN_NAME_DISAGREE_WEIGHT
        return total

    def probability(self, gamma: np.ndarray) -> np.ndarray:
        mw = np.clip(self.match_weight(gamma), -60, 60)
        return 1.0 / (1.0 + np.exp2(-mw))

    def log_likelihood(self, patterns: np.ndarray, counts: np.ndarray) -> float:
        """Log-likelihood (bits) of distinct patterns with their counts under the two-class
        mixture, with the constrained weights (patterns whose given names disagree left out,
        as EM leaves them out)."""
        keep = patterns[:, GIVEN] != 0
        patterns, counts = patterns[keep], counts[keep]
        log_u = np.zeros(len(patterns))
        for j, name in enumerate(COMPARISONS):
            u = np.log2(np.maximum(np.asarray(self.u[name]), 1e-12))
            col = patterns[:, j].astype(np.int64)
            log_u += np.where(col >= 0, u[np.maximum(col, 0)], 0.0)
        mw = np.clip(self.match_weight(patterns), -60, 60)
        # log2((1 - prior) * U + prior * M) = log2(1 - prior) + log2 U + log2(1 + 2^mw)
        mix = np.log2(1 - self.prior) + log_u + np.logaddexp2(0.0, mw)
        return float((mix * counts).sum())

    def estimate_u(self, gamma_random: np.ndarray) -> None:
        """u from random record pairs, which are nearly all non-matches; the lineage's agreeing
        patterns' u, where they are seen often enough, kept as their floor in EM
        (``U_RANDOM_FLOOR``)."""
        for j, (name, k) in enumerate(COMPARISONS.items()):
            col = gamma_random[:, j]
            counts = _level_counts(col, k)
            self.u[name] = list(_smoothed(counts))
            if name == "lineage":
                self.u_floor = _lineage_u_floor(counts)
                if U_RANDOM_FLOOR_GIVEN:
                    # EM learns from the pairs whose given names do not disagree: among the
                    # random pairs like them, too.
                    like_em = gamma_random[:, GIVEN] != 0
                    self.u_floor = np.maximum(
                        self.u_floor, _lineage_u_floor(_level_counts(col[like_em], k))
                    )

    def train_em(
        self,
        gamma: np.ndarray,
        iterations: int = EM_MAX_ITERATIONS,
        tol: float = 1e-6,
        fix_u: bool = False,
        patterns: tuple[np.ndarray, np.ndarray] | None = None,
        fix_m: bool = False,
    ) -> int:
        """Estimate m, u and the prior among candidate pairs by expectation-maximisation.

        Candidate pairs agree far more often than random pairs on the names they were blocked
        on, so u is re-estimated among them (random-pair u is only the starting point) and the
        prior is the share of candidates that match: the posterior is then the probability that
        a candidate pair is one person, which is what scoring needs.  ``patterns`` are
        ``pattern_counts(gamma)`` when the caller has them already (the sort is the costly part
        on tens of millions of pairs).  ``fix_m`` holds m (learnt elsewhere) and learns u and
        the prior alone.
        """
        if patterns is None:
            patterns = pattern_counts(gamma)
        patterns, counts = patterns
        # Pairs whose given names disagree are not learnt from (GIVEN_NAME_DISAGREE_WEIGHT).
        keep = patterns[:, GIVEN] != 0
        patterns, counts = patterns[keep], counts[keep]
        apart = DATE_YEARS_APART_MIN_SHARE * (1 - lineage_share(patterns, counts))
        names = list(COMPARISONS)
        for it in range(iterations):
            w = self.weight_table()
            mw = np.full(len(patterns), np.log2(self.prior / (1 - self.prior)))
            for j in range(len(names)):
                mw += w[j, patterns[:, j].astype(np.int64) + 1]
            p = 1.0 / (1.0 + np.exp2(-np.clip(mw, -60, 60)))
            pc = p * counts
            qc = (1.0 - p) * counts
            new_prior = float(pc.sum() / counts.sum())
            delta = abs(new_prior - self.prior)
            self.prior = min(max(new_prior, 1e-9), 1 - 1e-9)
            for j, name in enumerate(names):
                k = COMPARISONS[name]
                col = patterns[:, j]
                seen = col >= 0
                if not fix_u:
                    umass = np.bincount(col[seen], weights=qc[seen], minlength=k)[:k] + 1e-6
                    umass = umass / umass.sum()
                    if self.constrained and name == "lineage":
                        umass = _u_floored(umass, self.u_floor)
                    self.u[name] = list(umass)
                if fix_m:
                    continue
                mass = np.bincount(col[seen], weights=pc[seen], minlength=k)[:k] + 1e-6
                m = mass / mass.sum()
                for lvl in range(k):
                    ceiling = M_CEILING.get((name, lvl))
                    if ceiling is not None and m[lvl] > ceiling:
                        m[lvl] = ceiling
                        m = m / m.sum()
                if name == "date_of_birth":
                    m = _years_apart_floor(m, apart)
                delta = max(delta, float(np.abs(m - np.asarray(self.m[name])).max()))
                self.m[name] = list(m)
            if delta < tol:
                return it + 1
        return iterations


# A lineage pattern in which names agree and none disagree is never rarer among the non-matching
# candidate pairs than among random pairs of records: the candidates were found by their names,
# so namesakes agree more often than strangers.  EM that assigns nearly all of a pattern's pairs
# to the match class drives its u toward 0 and its weight to +30 bits: a checkpoint's list of a
# given name and a father's name beside a list without given names (drawn1243 20k) had "father
# agrees, nothing else compared" at +30.8 bits, and every pattern above it lifted there by the
# constraints, so one shared father's name joined strangers.  Its u is held at or above the
# random pairs' (``Model.estimate_u``), where the random pairs hold the pattern this many times
# or more (a pattern they never hold is only known to be rare: its smoothed u is no floor).
U_RANDOM_FLOOR = True
U_RANDOM_FLOOR_MIN_PAIRS = 10
# ... and at or above its share among the random pairs whose given names do not disagree, the
# pairs EM learns from (``train_em``): strangers who share a given name share a father's name
# more often than strangers at large (a name's popular pairings, one town's families).  drawn1636
# 20k (a checkpoint's list of given and father's names): "father agrees, nothing else compared"
# u 0.0038 among all random pairs, 0.0059 among those, 0.0105 among the candidate pairs of two
# persons (the truth); EM had it at 0.0038 and weighed it +6.0 bits, the truth +3.5
# (bench/RESULTS.md, "forty-fifth session").
U_RANDOM_FLOOR_GIVEN = True
_LINEAGE_AGREEING = np.array(
    [lineage_pattern(level)[0] > 0 and lineage_pattern(level)[1] == 0
     for level in range(LINEAGE_LEVELS)]
)  # fmt: skip


def _level_counts(col: np.ndarray, k: int) -> np.ndarray:
    """How many of these pairs' levels ``col`` are at each of a comparison's ``k`` levels."""
    return np.array([(col == lvl).sum() for lvl in range(k)], dtype=np.float64)


def _smoothed(counts: np.ndarray) -> np.ndarray:
    """Shares of ``counts`` with half a pair added to each level (none is ever 0)."""
    return (counts + 0.5) / (counts.sum() + 0.5 * len(counts))


def _lineage_u_floor(counts: np.ndarray) -> np.ndarray:
    """The least u of each lineage level in EM (``U_RANDOM_FLOOR``) from random pairs' ``counts``
    per level: its share among them (smoothed) where names agree and none disagree and the
    pairs hold it ``U_RANDOM_FLOOR_MIN_PAIRS`` times or more, else 0 (a level seen too seldom
    among random pairs says only that its u is small)."""
    held = _LINEAGE_AGREEING[: len(counts)] & (counts >= U_RANDOM_FLOOR_MIN_PAIRS)
    return np.where(held, _smoothed(counts), 0.0)


def _u_floored(u: np.ndarray, floor: np.ndarray | None) -> np.ndarray:
    """The lineage's ``u`` held at or above ``floor`` (``Model.u_floor``, where
    ``U_RANDOM_FLOOR``), the other levels scaled to keep the sum 1."""
    if not U_RANDOM_FLOOR or floor is None:
        return u
    held = u < floor
    if not held.any():
        return u
    out = u.copy()
    out[held] = floor[held]
    rest = ~held
    # The held levels take their floor; the others share what is left, as they stood.
    out[rest] *= max(1.0 - out[held].sum(), 1e-12) / max(u[rest].sum(), 1e-12)
    return out


def levels_dict(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Engine output columns ``lv_<field>`` -> {field: levels}."""
    return {k[3:]: np.asarray(v, dtype=np.int8) for k, v in arrays.items() if k.startswith("lv_")}


__all__ = [
    "COMPARISONS",
    "LINEAGE_FIELDS",
    "Model",
    "ModelFileError",
    "comparison_levels",
    "levels_dict",
]
