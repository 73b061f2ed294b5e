"""Batch identity resolution: prepare, block, compare, train, score, cluster."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import numpy as np
import pandas as pd

from . import comparisons
from .cluster import SOURCE_CAP, guarded_clusters, unambiguous_pairs
from .comparisons import (
    ESTIMATE_YEARS,
    FATHER_SWAP_CORROBORATING,
    FIELDS,
    LINEAGE_FIELDS,
    align_lineage,
    explanation,
    family_units_level,
    field_label,
    name_level_code,
)
from .engines import Engine, get_engine
from .frequency import frequency_shift
from .model import Model, comparison_levels, levels_dict
from .names import NameKey
from .prepare import Prepared, prepare
from .records import Record, check_records
from .training import (
    DEFAULT_MIN_ODDS,
    LEARNS_STRATA,
    MIN_PAIRS_FOR_TRAINING,
    PLAIN_MODEL_GATE,
    PLAIN_MODEL_LEARNT,
    PLAIN_MODEL_MATCHES_PER_RECORD,
    RANDOM_PAIRS_FOR_U,
    ModelReport,
    default_odds,
    default_shift,
    density_weights,
    expected_matches,
    fallback_training,
    guarded_training,
    plain_prior_shift,
    reach_shift,
    source_codes,
    source_names,
    source_pairs,
    source_prior_shift,
)

Progress = Callable[[str], None]
# Deduplication accepts pairs from this match probability, and clustering keeps apart what the
# evidence says is not one person (see record_conflicts), so it can accept more: chosen on the
# development population, where F1 is flat over a stretch of thresholds (bench/RESULTS.md, "Figures behind the engine's constants"); the safer
# end of the flat stretch, since a wrong merge costs more than a missed one.
DEDUPE_THRESHOLD = 0.3
# Linking lists clusters the pairs as deduplication does (``link``) and so takes its threshold;
# asked for every pair without clustering (``cluster=False``, pairs for people to look at, none
# held back), the probability at which deduplication without the guard was best.
LINK_THRESHOLD = 0.6
# A candidate pair whose evidence is this strongly against (log2 odds, 1:64) is never put in
# one cluster through other records: without it, pairs A-B and B-C joined records A and C that
# were compared and clearly differ (it raised precision a good deal: bench/RESULTS.md, "Figures
# behind the engine's constants").  It was 1:1000 (-10) until chains through sparse records
# were counted in large lists: flat_names 1M had half its 56,000 false pairs joined through
# others; at -6 its precision rose 0.92 -> 0.95+ and skewed_names' 0.944 -> 0.966, every 200k
# setting but one kept or gained, the project's 1M run lost 0.001 of F1 for 0.004 of precision
# (bench/RESULTS.md, "thirteenth session").
NON_MATCH_WEIGHT = -6.0
# Two records with lineage names whose fathers' names differ (not crossed with the grandfathers')
# and whose own pair weighs below this (1:4 against) are never put in one cluster through
# others, as two such records never compared are not.  Cousins named after one grandfather
# share a given, family and grandfather's name and a birth year or two, and weigh -2 to -4
# bits, above ``NON_MATCH_WEIGHT``: a checkpoint's record of a given name, family name and
# year accepted with several of them joined them all (a population drawn at random, 200k:
# 53,000 of its 77,000 false pairs, F1 0.46 -> 0.63).  Not higher: a father's name misspelt
# beyond what the name tables join is one person's pair that others' records may still join
# (the named settings at 200k lost about 0.001 of F1 at -2 already; bench/RESULTS.md,
# "sixteenth session").
FATHER_CONFLICT_WEIGHT = -2.0
# The same where either record has no lineage names: there a different given name weighs a
# fixed -8 bits (model.PLAIN_GIVEN_NAME_DISAGREE_WEIGHT), no veto, as a plain list's typo or
# swapped field is commoner than another person of the same family, date and town; keeping
# such pairs apart through others would make it one.
PLAIN_NON_MATCH_WEIGHT = -10.0
# A record whose best accepted partner and another within this many bits of it are two
# persons is left on its own (cluster.unambiguous_pairs).
AMBIGUITY_MARGIN = 1.0
# Whether two records of one source (a list) whose own pair the run does not accept, or never
# compared, are kept apart through others (record_conflicts' ``sources``).  A list rarely holds
# one person twice, and the run weighed that pair with the list's own prior
# (training.source_prior_shift); yet a third record of another list accepted with both (a
# checkpoint's given name, family name and year fitting two namesakes of a register) put them
# in one person: on populations drawn at random most false pairs of one list in a cluster were
# joined so (drawn896 20k: 566 of 653).  The third record joins the better of the two, even
# where it fits both alike: leaving it on its own for that (cluster.unambiguous_pairs with this
# conflict) lost 19 of 40 drawn populations at 20k, none gained.  Tuned on 55 populations at
# 20k, judged on 115 never run at 20k and 12 at 200k (bench/RESULTS.md, "thirty-fourth
# session"); 1M F1 0.936 -> 0.942.  Only where the lists' pairs were so weighed
# (_one_list_priced).
SAME_SOURCE_CONFLICT = True
# Two records of different sex are not kept apart through others (record_conflicts) when their
# given names agree at this level of comparisons.name_level_code or above (3-4: one name, 2:
# one name in another script or school, a German office's Marjam for Mariam: beside its wrong
# sex box on 12 % of its records, drawn1255 20k, 650 of 666 such conflicts were one person
# while that level was the typo level in one script): a sex box ticked wrong is no proof of two
# persons.  A likeness of the typo level (1: Suzan and Zana) is: twins of one family.
SEX_CONFLICT_NAME_LEVEL = 2
# A record with at most one lineage name (a plain list's: given, family, date, town; a
# checkpoint's: given, one more name, a year) and a registry record with more that are each
# other's best candidate, by this many bits over the next best of either, are one person down
# to ``CLEAR_BEST_FLOOR`` bits (``clear_best_pairs``).
CLEAR_BEST_MARGIN = 1.0
CLEAR_BEST_FLOOR = -5.0
# The same for two records with lineage names from two sources (two registration lists), down
# to this many bits: their names say more, and a pair of them this far below carries evidence
# against it (turkish_german 200k: 70 % one person from -5 bits, 86 % from -3).
CLEAR_BEST_SOURCES_FLOOR = -3.0
# Only where the list is mostly people found elsewhere: at least this share of its records (the
# thin records; a source's records) has a pair at or above the threshold with a record of the
# other kind (another source).  Two desks' lists of different people, or a list of people the
# registry does not hold, have each one's best candidate a namesake as often as not.
CLEAR_BEST_FOUND_SHARE = 0.5
# A thin list found less than that still has its clear best pairs, from this many bits plus
# the log2 odds against one of its records being found (h the share found: + log2((1 - h) / h);
# just under 0.5, -3 bits, as two lists' records; at 0.32, -1.9; at 0.13, nothing below the
# threshold).  The share found is low both where the registry does not hold the list's people
# and where the model under-weighs the list's pairs: a careless plain list beside two
# registers (populations drawn at random, 200k: drawn4's thin records 32 % found, its clear
# best pairs from -3 bits 85 % one person; drawn6's 38 %, 86 %; drawn1's 41 %, 85 %), so the
# floor rises with the odds that a thin record is held at all, and a checkpoint's list of
# people the registry does not hold (13 % found, all of them namesakes) gains none
# (bench/RESULTS.md, "eighteenth session").
CLEAR_BEST_UNFOUND_FLOOR = -3.0
# And only where they are clearly more than its records the registry does not hold would have
# with namesakes (``_Decoys``): the expected wrong pairs at most this share of them.
# A residents' office's plain list beside an NGO's register (drawn28 20k) had its clear best
# pairs from -2.2 bits 31 % one person; its stand-ins expected more wrong pairs than it had.
# The estimate is cautious (the records not found include held ones the model under-weighs):
# drawn4 200k 0.81 against 0.89 one person, drawn6 200k 0.42 against 0.87, which it refuses.
CLEAR_BEST_DECOY_SHARE = 0.5
# Where that floor takes none, or from higher up, the lowest of these from which the expected
# wrong pairs are at most this share of them, with at least this many found records standing in
# (fewer say little).  The floor from the share found is set by how many are held, and a list
# the model under-weighs is found far less than it is held: a checkpoint's list beside a
# registry (drawn105 200k, found 19 %, held 39 %) had that floor above the threshold, while its
# clear best pairs from -2.5 bits were 88 % one person, and its decoys expected 18 % wrong
# (bench/RESULTS.md, "twenty-fourth session").
CLEAR_BEST_DECOY_FLOORS = (-3.0, -2.5, -2.0, -1.5)
CLEAR_BEST_DECOY_FLOOR_SHARE = 0.25
CLEAR_BEST_DECOY_MIN_FOUND = 50
# Nor for a thin list found less than this share: its few records found are as likely a
# namesake's as its person's, and stand in for nothing.  A checkpoint's list of people the
# registry does not hold (sparse 20k, the test's), 5.8 % found, all by namesakes: once Aya's
# records were paired (names.KNOWN_NAME_MARK), its decoys vouched for clear best pairs from -1.5
# bits, 17, all wrong.  Of 120 populations (drawn1921-2010, the named settings' seeds 28 and
# 29) two lists were below it with a decoys' floor: drawn1930 (8.3 %) lost 0.0032, drawn1934
# (6.9 %) gained; set once, not between (bench/RESULTS.md, "fifty-third session").
CLEAR_BEST_DECOY_MIN_SHARE = 0.1
# Two thin records of two sources (two plain lists; a checkpoint's beside a camp's list of
# given name, family name, date and town) each other's clear best, from the lower of the floors
# above (``CLEAR_BEST_DECOY_FLOORS``) that each list's found records vouch for, with no fixed
# floor (``_thin_across``): neither list is a registry whose pairs vouch for the other's, so only
# the decoys say how often the best candidate is a namesake.  Populations drawn at random, 20k:
# drawn900 (a camp's plain list beside a foreign authority's) 0.7314 -> 0.7616, drawn861-900 and
# the named settings 7 up / 0 down; judged on runs never run before (bench/RESULTS.md,
# "thirty-fifth session").
THIN_SOURCES_CLEAR_BEST = True


@dataclass
class ScoredPairs:
    """Candidate pairs with their field levels, match weight and probability."""

    left_ids: np.ndarray  # record_id of each pair's first record
    right_ids: np.ndarray
    levels: dict[str, np.ndarray]  # field -> level code per pair
    match_weight: np.ndarray
    match_probability: np.ndarray
    left_records: pd.DataFrame = field(repr=False)
    right_records: pd.DataFrame = field(repr=False)
    left_rows: np.ndarray = field(repr=False, default_factory=lambda: np.array([]))
    right_rows: np.ndarray = field(repr=False, default_factory=lambda: np.array([]))

    def __len__(self) -> int:
        return len(self.left_ids)

    def explain(self, i: int) -> dict[str, dict[str, str]]:
        """Per field: how pair ``i`` agreed, with both original values.

        >>> result.pairs.explain(0)["given_name"]  # doctest: +SKIP
        {'level': 'transliteration', 'a': 'Mohamed', 'b': 'محمد'}
        """
        a = self.left_records.iloc[int(self.left_rows[i])]
        b = self.right_records.iloc[int(self.right_rows[i])]
        return explanation({k: int(v[i]) for k, v in self.levels.items()}, a, b)

    def to_frame(self, id_names: tuple[str, str] = ("record_id_a", "record_id_b")) -> pd.DataFrame:
        data: dict[str, object] = {
            id_names[0]: self.left_ids,
            id_names[1]: self.right_ids,
            "score": np.round(self.match_probability, 6),
            "match_weight": np.round(self.match_weight, 3),
        }
        aligned, crossed = align_lineage(self.levels)
        for f in FIELDS:
            labels = np.array([field_label(f, c) for c in range(-1, 6) if _valid(f, c)])
            codes = aligned[f].astype(np.int64) + 1
            data[f] = labels[np.clip(codes, 0, len(labels) - 1)]
        # Father and grandfather compared crosswise (their levels above are the crossed ones).
        data["father_grandfather_crossed"] = crossed
        return pd.DataFrame(data)

    def select(self, mask: np.ndarray) -> ScoredPairs:
        return ScoredPairs(
            self.left_ids[mask],
            self.right_ids[mask],
            {k: v[mask] for k, v in self.levels.items()},
            self.match_weight[mask],
            self.match_probability[mask],
            self.left_records,
            self.right_records,
            self.left_rows[mask],
            self.right_rows[mask],
        )


def _valid(f: str, code: int) -> bool:
    top = {"date_of_birth": 5, "sex": 1, "nationality": 1}.get(f, 4)
    return code <= top


@dataclass
class DedupeResult:
    """Persons found in one list: ``clusters`` maps record_id -> cluster_id."""

    clusters: dict[str, str]
    pairs: ScoredPairs  # pairs at or above the threshold
    model: Model
    candidate_pairs: int
    timings: dict[str, float]
    report: ModelReport | None = None

    def cluster_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"record_id": list(self.clusters), "cluster_id": list(self.clusters.values())}
        )

    def pair_frame(self) -> pd.DataFrame:
        """The accepted pairs (``ScoredPairs.to_frame``: both record ids, score, match weight,
        how each field compared) and ``same_person``: whether the clustering put the two
        records in one person.  An accepted pair kept apart is one whose record fits two
        persons alike, or whose two clusters conflict (different given names with lineage,
        birth years apart, a pair weighed far below the threshold, two records of one list
        whose own pair the run did not accept): why a run did not join
        what its scores accepted, for a person checking it."""
        frame = self.pairs.to_frame()
        person_a, person_b = (frame[c].map(self.clusters) for c in ("record_id_a", "record_id_b"))
        frame["same_person"] = person_a == person_b
        return frame


@dataclass
class LinkResult:
    """Pairs between list A and list B at or above the threshold, best first."""

    pairs: ScoredPairs
    model: Model
    candidate_pairs: int
    timings: dict[str, float]
    report: ModelReport | None = None


def _as_frame(records: Sequence[Mapping[str, object]] | pd.DataFrame) -> pd.DataFrame:
    if isinstance(records, pd.DataFrame):
        return records
    return pd.DataFrame.from_records(check_records(records))


class _Clock:
    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.timings: dict[str, float] = {}
        self._t = time.perf_counter()

    def lap(self, stage: str, note: str = "") -> None:
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - self._t
        self._t = now
        if self.progress:
            self.progress(f"{stage}: {self.timings[stage]:.1f}s {note}".rstrip())


class _RandomPairs:
    """The comparison levels of random record pairs, u's sample: drawn once a run, when first
    asked for, and shared by the models trained in it."""

    def __init__(self, engine: Engine, left: Prepared, right: Prepared | None, seed: int) -> None:
        self.engine, self.left, self.right, self.seed = engine, left, right, seed
        self._gamma: np.ndarray | None = None

    def gamma(self) -> np.ndarray:
        if self._gamma is None:
            n = min(RANDOM_PAIRS_FOR_U, max(len(self.left) * 20, 100_000))
            drawn = self.engine.random_levels(self.left, self.right, n, self.seed)
            self._gamma = comparison_levels(levels_dict(drawn))
        return self._gamma


def _train(
    engine: Engine,
    left: Prepared,
    right: Prepared | None,
    gamma: np.ndarray,
    arrays: dict[str, np.ndarray],
    model: Model | None,
    train: bool,
    seed: int,
    random: _RandomPairs | None = None,
    fall_back: bool = False,
) -> tuple[Model, ModelReport]:
    """Guarded training (training.py); u from random record pairs (``random``, drawn here when
    not given) as EM's starting point; with ``fall_back``, its fallback without EM.

    EM trains on the candidate pairs ``arrays["train"]`` marks (not those only a rule of
    ``prepare.SCORED_ONLY`` found), m with each weighed by ``density_weights``; the report
    counts every candidate pair.
    """
    records = len(left) + (len(right) if right is not None else 0)
    trained = arrays["train"]
    if train and fall_back:
        # No EM: the levels are not read, so not copied (a million records' are 0.4 GB).
        fitted, report = fallback_training(int(trained.sum()), records, model)
        report.candidate_pairs = len(trained)
        return fitted, report
    subset = not trained.all()
    if subset:
        gamma = gamma[trained]
    random_gamma = weight = None
    if train and not fall_back and len(gamma) >= MIN_PAIRS_FOR_TRAINING:
        rids = [arrays["rid_l"], arrays["rid_r"]]
        if subset:
            rids = [r[trained] for r in rids]
        weight = density_weights(*rids, one_list=right is None)
        del rids
        random_gamma = (random or _RandomPairs(engine, left, right, seed)).gamma()
    fitted, report = guarded_training(random_gamma, gamma, records, model, train, weight, fall_back)
    report.candidate_pairs = len(trained)
    return fitted, report


def _weight_of(probability: float) -> float:
    """The match weight (log2 odds) of a probability; -inf at 0, inf at 1."""
    if probability <= 0.0:
        return -np.inf
    if probability >= 1.0:
        return np.inf
    return float(np.log2(probability / (1.0 - probability)))


def _score(
    arrays: dict[str, np.ndarray],
    gamma: np.ndarray,
    model: Model,
    threshold: float,
    left: pd.DataFrame,
    right: pd.DataFrame,
    left_prepared: Prepared,
    right_prepared: Prepared,
    plain_shift: list[tuple[np.ndarray, float | np.ndarray]] | None = None,
    thin: np.ndarray | None = None,
    source: np.ndarray | None = None,
) -> tuple[ScoredPairs, np.ndarray]:
    """The pairs at or above ``threshold``, and every candidate pair's match weight (with
    each of ``plain_shift``'s bits added where its mask is set).  With ``thin`` (per row of a
    deduplicated list, whether the record has at most one lineage name) and ``source`` (its
    source's code), also the pairs of ``clear_best_pairs`` below the threshold."""
    weight = model.match_weight(gamma)
    for mask, bits in plain_shift or ():
        # A number of bits per stratum, or one per pair of it (plain_model_shift).
        if isinstance(bits, np.ndarray) or bits:
            weight[mask] += bits
    # The probability only where it can reach the threshold (a margin below its weight), then
    # compared exactly: tens of millions of candidate pairs are far below it.
    near = np.flatnonzero(weight >= _weight_of(threshold) - 1e-6)
    prob = 1.0 / (1.0 + np.exp2(-np.clip(weight[near], -60, 60)))
    above = prob >= threshold
    keep, prob = near[above], prob[above]
    if thin is not None:
        extra = clear_best_pairs(arrays["rid_l"], arrays["rid_r"], weight, thin, threshold, source)
        if len(extra):
            keep = np.concatenate([keep, extra])
            order = np.argsort(keep, kind="stable")
            keep = keep[order]
            prob = np.concatenate([prob, 1.0 / (1.0 + np.exp2(-weight[extra]))])[order]
    rl, rr = arrays["rid_l"][keep].astype(np.int64), arrays["rid_r"][keep].astype(np.int64)
    pairs = ScoredPairs(
        left_prepared["record_id"].to_numpy()[rl],
        right_prepared["record_id"].to_numpy()[rr],
        {k: v[keep] for k, v in levels_dict(arrays).items()},
        weight[keep],
        prob,
        left,
        right,
        rl,
        rr,
    )
    return pairs, weight


def score_dedupe(
    arrays: dict[str, np.ndarray],
    gamma: np.ndarray,
    model: Model,
    threshold: float,
    frame: pd.DataFrame,
    prepared: Prepared,
    shift: list[tuple[np.ndarray, float | np.ndarray]] | None = None,
    sources: np.ndarray | None = None,
) -> tuple[ScoredPairs, np.ndarray]:
    """Deduplication's scoring of one list (``_score``), with the clear best pairs of its thin
    records and of its sources (``clear_best_pairs``; ``sources``: ``source_codes(frame)``,
    computed here when not given); the benchmark's replays call it too."""
    thin = thin_records(prepared)
    if sources is None:
        sources = source_codes(frame)
    return _score(
        arrays, gamma, model, threshold, frame, frame, prepared, prepared, shift, thin, sources
    )


# The matches a model expects between two lists are at most the smaller list's records: a list
# rarely holds one person twice, so two lists share at most as many persons as the smaller holds,
# and a model expecting more has learnt namesakes as matches there (``over_capacity``).  A
# trained model that does is scored again with the training's fallback, which is kept where it
# expects less over that bound (``_over_capacity_fell_back``).  A bound, not a setting: of 219
# populations at 20k (44 tuning, 120 drawn1641-1760, 55 never run before: drawn1761-1800 and
# the named settings' seed 22) one trained model was over it, drawn1686 (1.19; F1 0.6835 ->
# 0.7250); on lists found whole in a registry beside them the models expected up to 0.96 of the
# smaller list (sample_once; the truth 0.97).  Lowering the pairs' weights to the bound instead
# lost wherever it applied (bench/RESULTS.md, "forty-sixth session").
SOURCE_CAPACITY = True
# Pairs below this weight hold no match worth counting (2^-20 each): left out of the sums.
CAPACITY_NEAR_WEIGHT = -20.0
# Pairs weighed at a time: a slice's levels as floats are 64 bytes a pair while it is weighed,
# and the fallback is weighed while the trained model's weights are held (a million records'
# run peaked there by 0.2 GB at 4M).
CAPACITY_SLICE = 1_000_000


def over_capacity(
    weights: Iterable[tuple[int, np.ndarray]],
    arrays: dict[str, np.ndarray],
    sources: np.ndarray,
    names: list[str],
    report: ModelReport,
) -> None:
    """Into ``report`` (``source_capacity``, a line each in the report): the pairs of two known sources
    (``sources``: a code per record, -1 unknown; ``names``: by code) between whose records the
    candidate pairs' weights (``weights``: slices of them, each with its first pair's index, as
    ``_slices`` and ``_weight_slices`` give them) expect more matches
    (``training.expected_matches``) than the smaller source holds records."""
    report.source_capacity = []
    known = sources >= 0
    if len(np.unique(sources[known])) < 2:
        return
    k = int(sources.max()) + 1
    size = np.bincount(sources[known].astype(np.int64), minlength=k)
    expected = np.zeros(k * k)
    for start, weight in weights:
        near = np.flatnonzero(weight >= CAPACITY_NEAR_WEIGHT)
        left = sources[arrays["rid_l"][near + start]].astype(np.int64)
        right = sources[arrays["rid_r"][near + start]].astype(np.int64)
        across = (left >= 0) & (right >= 0) & (left != right)
        code = np.minimum(left, right)[across] * k + np.maximum(left, right)[across]
        p = 1.0 / (1.0 + np.exp2(-weight[near[across]]))
        expected += np.bincount(code, weights=p, minlength=k * k)
    for c in np.flatnonzero(expected).tolist():
        a, b = divmod(c, k)
        records = int(min(size[a], size[b]))
        if expected[c] > records:
            report.source_capacity.append((names[a], names[b], float(expected[c]), records))


def _capacity_excess(report: ModelReport) -> float:
    """The most matches a model expects between two sources over the smaller's records (a
    ratio; 0 where none is over), from its ``report``."""
    return max((e / r for _, _, e, r in report.source_capacity), default=0.0)


def thin_records(prepared: Prepared) -> np.ndarray:
    """Per prepared record, whether it has at most one of the four lineage names."""
    names = np.zeros(len(prepared), dtype=np.int8)
    for f in LINEAGE_FIELDS:
        names += prepared.frame[f"{f}_id"].to_numpy() >= 0
    return names <= 1


def _found_share(
    left: np.ndarray, right: np.ndarray, group: np.ndarray, size: int = 0
) -> np.ndarray:
    """Per group code (``group`` per record, -1 none; at least ``size`` codes), the share of its
    records that have an accepted pair (``left[i]``, ``right[i]``) with a record of another
    group."""
    size = max(size, int(group.max(initial=-1)) + 1)
    if size == 0:
        return np.zeros(1)
    other = (group[left] != group[right]) & (group[left] >= 0) & (group[right] >= 0)
    found = np.zeros(len(group), dtype=bool)
    found[left[other]] = True
    found[right[other]] = True
    known = group >= 0
    total = np.bincount(group[known], minlength=size)
    hit = np.bincount(group[known & found], minlength=size)
    return hit / np.maximum(total, 1)


def _thin_floor(found: float) -> float:
    """The floor of a thin list's clear best pairs when ``found`` of its records are found
    (``CLEAR_BEST_FOUND_SHARE``, ``CLEAR_BEST_UNFOUND_FLOOR``)."""
    if found >= CLEAR_BEST_FOUND_SHARE:
        return CLEAR_BEST_FLOOR
    if found <= 0.0:
        return np.inf
    return CLEAR_BEST_UNFOUND_FLOOR + float(np.log2((1.0 - found) / found))


def clear_best_pairs(
    rid_l: np.ndarray,
    rid_r: np.ndarray,
    weight: np.ndarray,
    thin: np.ndarray,
    threshold: float,
    source: np.ndarray | None = None,
) -> np.ndarray:
    """Candidate pairs (their indices) below ``threshold``, each of whose records is the other's
    best candidate by ``CLEAR_BEST_MARGIN`` bits or more over its next best: down to
    ``CLEAR_BEST_FLOOR`` bits, of a ``thin`` record (at most one lineage name) and one that is
    not; down to ``CLEAR_BEST_SOURCES_FLOOR``, of two records that are not thin from two
    sources (``source``: codes per record, -1 unknown).

    A thin list beside a registry (an authority's list of given name, family name, date and
    town; a checkpoint's of a given name, one more name and a year) is mostly people the
    registry holds, and what tells its record's person from their
    namesakes is that nobody else fits as well: the model weighs each pair on its own, and a
    pattern such as "given, family and town agree, birth years one apart" is one person about
    half the time over all candidate pairs (bench/RESULTS.md, "eleventh session"), so such
    pairs sit below the threshold whether the registry holds a rival or not.  Where neither
    record has a rival within the margin they are each other's person about six times in seven
    (no_lineage 200k: 86 % of such pairs between -5 bits and the threshold; sparse 82 %).  Pairs
    of two records of one registry are left to the model: there most candidates are
    namesakes, and the best of them is one person a third of the time (namesake 200k).  Two
    registration lists, like a list beside a registry, each hold a person about once: pairs
    across sources each other's clear best from -3 bits are one person 86-97 % of the time
    (namesake 95 %, turkish_german 86 %).  Both hold only where a list is mostly people found
    elsewhere (``CLEAR_BEST_FOUND_SHARE``): two desks' lists of different children, or a list
    of people the registry does not hold, have their best candidates namesakes as often as not.
    A thin list found less than that keeps the pairs from a floor that rises with the odds
    against its record being found (``_thin_floor``): its share found is low also where the
    model under-weighs its pairs; and only where its records the registry does not hold would
    seldom have a namesake as their clear best; or from lower, where its found records, standing
    in for the unheld, expect few wrong pairs from there (``_thin_list_floor``).  Two lists
    neither found half keep theirs from the lower of the floors that each list's found records
    vouch for in the same way (``_source_floors``).  Two thin records of two sources (two plain
    lists) keep theirs only from such a floor (``THIN_SOURCES_CLEAR_BEST``, ``_thin_across``).
    The clustering's guards still apply to the pairs added.
    """
    top = _weight_of(threshold)
    floor = min(CLEAR_BEST_FLOOR, CLEAR_BEST_SOURCES_FLOOR, CLEAR_BEST_UNFOUND_FLOOR)
    band = np.flatnonzero((weight >= floor) & (weight < top))
    left, right = rid_l[band], rid_r[band]
    kind = thin[left] != thin[right]
    accepted = np.flatnonzero(weight >= top)
    found = rid_l[accepted], rid_r[accepted]
    if kind.any():
        found_share = _found_share(*found, thin.astype(np.int64), 2)[1]
        if found_share >= CLEAR_BEST_FOUND_SHARE:
            kind &= weight[band] >= CLEAR_BEST_FLOOR
        else:
            kind &= weight[band] >= _thin_list_floor(
                rid_l, rid_r, weight, thin, band, accepted, floor, found_share
            )
    if source is not None:
        across = (source[left] >= 0) & (source[right] >= 0) & (source[left] != source[right])
        across &= ~thin[left] & ~thin[right] & (weight[band] >= CLEAR_BEST_SOURCES_FLOOR)
        if across.any():
            codes = np.where(thin, -1, source).astype(np.int64)
            # Every source's code has a share (0 for a source of thin records only).
            share = _found_share(*found, codes, int(source.max()) + 1)
            low = np.maximum(share[source[left]], share[source[right]]) < CLEAR_BEST_FOUND_SHARE
            if (across & low).any():
                lows = np.unique(np.r_[source[left][across & low], source[right][across & low]])
                floors = _source_floors(
                    rid_l, rid_r, weight, ~thin, source, band, accepted, floor, lows
                )
                lowest = np.minimum(floors[source[left]], floors[source[right]])
                across &= ~low | (weight[band] >= lowest)
        kind |= across
        if THIN_SOURCES_CLEAR_BEST:
            kind |= _thin_across(rid_l, rid_r, weight, thin, source, band, accepted, floor)
    band = band[kind]
    del left, right, kind, accepted, found
    if not len(band):
        return band
    return band[_each_others_best(rid_l, rid_r, weight, band, floor, len(thin))]


def _thin_list_floor(
    rid_l: np.ndarray,
    rid_r: np.ndarray,
    weight: np.ndarray,
    thin: np.ndarray,
    band: np.ndarray,
    accepted: np.ndarray,
    floor: float,
    found_share: float,
) -> float:
    """The floor of the clear best pairs of a thin list found less than half (``found_share``
    of its records found at the threshold), or inf for none.

    ``_thin_floor``'s, where its clear best pairs are clearly more than its records the
    registry does not hold would have with namesakes (``_Decoys``: the wrong pairs so expected
    at most ``CLEAR_BEST_DECOY_SHARE`` of them); or lower, the lowest of
    ``CLEAR_BEST_DECOY_FLOORS`` from which they expect at most ``CLEAR_BEST_DECOY_FLOOR_SHARE``,
    where at least ``CLEAR_BEST_DECOY_MIN_FOUND`` records, and ``CLEAR_BEST_DECOY_MIN_SHARE`` of
    the list, are found to stand in for them.
    """
    left, right = rid_l[band], rid_r[band]
    cross = accepted[thin[rid_l[accepted]] != thin[rid_r[accepted]]]
    decoys = _Decoys(rid_l, rid_r, weight, band, floor, thin, thin[left] != thin[right], cross)
    chosen = _thin_floor(found_share)
    clear = decoys.clear(chosen)
    if not clear or decoys.wrong(chosen) > CLEAR_BEST_DECOY_SHARE * clear:
        chosen = np.inf
    if found_share < CLEAR_BEST_DECOY_MIN_SHARE:
        return chosen
    return min(chosen, _decoy_floor(decoys, chosen))


def _decoy_floor(decoys: _Decoys, below: float = np.inf) -> float:
    """The lowest of ``CLEAR_BEST_DECOY_FLOORS`` (under ``below``) from which a list's clear best
    pairs expect at most ``CLEAR_BEST_DECOY_FLOOR_SHARE`` of them wrong, where at least
    ``CLEAR_BEST_DECOY_MIN_FOUND`` of its records are found to stand in; inf for none."""
    if decoys.found < CLEAR_BEST_DECOY_MIN_FOUND:
        return np.inf
    for lower in CLEAR_BEST_DECOY_FLOORS:
        if lower >= below:
            break
        clear = decoys.clear(lower)
        if clear and decoys.wrong(lower) <= CLEAR_BEST_DECOY_FLOOR_SHARE * clear:
            return lower
    return np.inf


def _thin_across(rid_l, rid_r, weight, thin, source, band, accepted, floor) -> np.ndarray:
    """Which pairs of ``band`` join two thin records of two sources (two plain lists, or a
    checkpoint's beside another) that may be taken as each other's clear best: from the lower
    of the floors that each list's found records vouch for (``_source_floors`` on the thin
    records; no fixed floor)."""
    left, right = rid_l[band], rid_r[band]
    pair = (source[left] >= 0) & (source[right] >= 0) & (source[left] != source[right])
    pair &= thin[left] & thin[right]
    if not pair.any():
        return pair
    codes = np.unique(np.r_[source[left][pair], source[right][pair]])
    floors = _source_floors(rid_l, rid_r, weight, thin, source, band, accepted, floor, codes)
    return pair & (weight[band] >= np.minimum(floors[source[left]], floors[source[right]]))


def _source_floors(
    rid_l: np.ndarray,
    rid_r: np.ndarray,
    weight: np.ndarray,
    kind: np.ndarray,
    source: np.ndarray,
    band: np.ndarray,
    accepted: np.ndarray,
    floor: float,
    codes: np.ndarray,
) -> np.ndarray:
    """Per source code, the floor (``_decoy_floor``) of the clear best pairs of its records of
    ``kind`` (per record: those with lineage names, or the thin ones) and another source's of
    that kind, its found records standing in for the unheld: for the sources ``codes``, inf for
    the others."""
    left, right = rid_l[band], rid_r[band]
    full = kind & (source >= 0)
    two = full[left] & full[right] & (source[left] != source[right])
    al, ar = rid_l[accepted], rid_r[accepted]
    cross = accepted[full[al] & full[ar] & (source[al] != source[ar])]
    floors = np.full(int(source.max()) + 1, np.inf)
    for code in codes.tolist():
        mine = full & (source == code)
        pairs = two & (mine[left] | mine[right])
        if pairs.any():
            floors[code] = _decoy_floor(
                _Decoys(rid_l, rid_r, weight, band, floor, mine, pairs, cross)
            )
    return floors


class _Decoys:
    """A list's clear best pairs in ``band`` from a floor, and how many of them are expected
    wrong.  ``mine``: the list's records (a thin list's, or a source's records with lineage
    names); ``kind``: per pair of the band, whether it is one the list may gain (a record of it
    and one of the other kind, or of another source); ``cross``: the accepted pairs of that
    kind.  Its records found at the threshold, with the pairs that found them set aside, stand
    for records whose person is held nowhere else, so the share of them that still have a clear
    best pair is the share of unheld records that would be joined to a namesake; times the
    records not found, the wrong pairs expected.  Cautious: the records not found include held
    ones the model under-weighs."""

    def __init__(self, rid_l, rid_r, weight, band, floor, mine, kind, cross) -> None:  # noqa: ANN001
        self.rid_l, self.rid_r, self.weight, self.band = rid_l, rid_r, weight, band
        self.floor, self.records, self.kind, self.cross = floor, len(mine), kind, cross
        left, right = rid_l[band], rid_r[band]
        found = np.zeros(len(mine), dtype=bool)
        found[rid_l[cross]] = True
        found[rid_r[cross]] = True
        found &= mine
        self.found = int(found.sum())
        self.unfound = int(mine.sum()) - self.found
        # Pairs of a found record of the list in the band: its decoys.
        self.stand_ins = np.where(mine[left], found[left], found[right])
        # A decoy counts only where its other end is found by none of the list's records: the
        # pairs set aside are the stand-in's own, and a record the list finds elsewhere has that
        # pair, above the threshold, as its best, so no pair in the band is its clear best.
        # Setting every found pair aside took that rival away too: on populations drawn at
        # random (drawn707 20k) two in three of the decoys were such records, and the wrong
        # pairs expected were five times those counted (bench/RESULTS.md, "thirty-third session").
        taken = np.zeros(len(mine), dtype=bool)
        taken[rid_l[cross]] = True
        taken[rid_r[cross]] = True
        taken &= ~mine
        self.stand_ins &= ~np.where(mine[left], taken[right], taken[left])

    def _best_weights(self, pairs: np.ndarray, left_out: np.ndarray | None = None) -> np.ndarray:
        """The weights, sorted, of those of ``pairs`` (a mask of the band) that are each other's
        clear best: found once for every floor, as whether a pair is does not depend on which
        other pairs are asked about."""
        ours = self.band[pairs]
        best = _each_others_best(
            self.rid_l, self.rid_r, self.weight, ours, self.floor, self.records, left_out
        )
        return np.sort(self.weight[ours[best]])

    @cached_property
    def _clear(self) -> np.ndarray:
        return self._best_weights(self.kind)

    @cached_property
    def _decoys(self) -> np.ndarray:
        return self._best_weights(self.kind & self.stand_ins, self.cross)

    def clear(self, lower: float) -> int:
        """The list's clear best pairs from ``lower`` bits."""
        if not np.isfinite(lower):
            return 0
        return len(self._clear) - int(np.searchsorted(self._clear, lower, side="left"))

    def wrong(self, lower: float) -> float:
        """The wrong pairs expected among them."""
        if not self.found:
            return 0.0
        decoys = len(self._decoys) - int(np.searchsorted(self._decoys, lower, side="left"))
        return decoys / self.found * self.unfound


def _each_others_best(
    rid_l: np.ndarray,
    rid_r: np.ndarray,
    weight: np.ndarray,
    band: np.ndarray,
    floor: float,
    records: int,
    left_out: np.ndarray | None = None,
) -> np.ndarray:
    """Which of the candidate pairs ``band`` (indices, all at or above ``floor``) are each of
    their records' best candidate pair by ``CLEAR_BEST_MARGIN`` bits over the next best, the
    pairs ``left_out`` (indices) not counted as candidates."""
    if not len(band):
        return np.zeros(0, dtype=bool)
    # The candidate pairs of the records in the band that could be their best or come within
    # the margin of it (a pair further below cannot: the band starts at the floor).
    near = np.flatnonzero(weight >= floor - CLEAR_BEST_MARGIN)
    if left_out is not None and len(left_out):
        near = np.setdiff1d(near, left_out, assume_unique=True)
    touched = np.zeros(records, dtype=bool)
    touched[rid_l[band]] = True
    touched[rid_r[band]] = True
    near = near[touched[rid_l[near]] | touched[rid_r[near]]]
    del touched
    ends = np.concatenate([rid_l[near], rid_r[near]]).astype(np.int64)
    w = np.concatenate([weight[near], weight[near]])
    pair = np.concatenate([near, near])
    order = np.lexsort((-w, ends))
    ends, w, pair = ends[order], w[order], pair[order]
    starts = np.flatnonzero(np.r_[True, ends[1:] != ends[:-1]])
    best = np.full(records, -1, dtype=np.int64)
    best[ends[starts]] = pair[starts]
    lead = np.full(records, np.inf)  # best less next best (none within reach: inf)
    nxt = starts + 1
    has_next = nxt < len(ends)
    has_next[has_next] = ends[nxt[has_next]] == ends[starts[has_next]]
    lead[ends[starts[has_next]]] = w[starts[has_next]] - w[nxt[has_next]]
    left, right = rid_l[band], rid_r[band]
    clear = (best[left] == band) & (best[right] == band)
    clear &= (lead[left] >= CLEAR_BEST_MARGIN) & (lead[right] >= CLEAR_BEST_MARGIN)
    return clear


# NameKey's fields after the original text, as the name tables (prepare.py) name them.
_KEY_COLUMNS = ("n_sc", "n_f", "n_k1", "n_k2", "n_c", "n_s", "n_c2", "n_s2", "n_b", "n_c3")


class _NameTable:
    """Whether two names of one field (ids into its name table) are different names (level
    "disagree": not a spelling, script or typo variant), each pair compared once."""

    def __init__(self, table: pd.DataFrame) -> None:
        # A family name's names (prepare's name table), to tell one held in the other.
        self.units = table["n_u"].tolist() if "n_u" in table else None
        # The keys as plain lists, read by position (a pandas row per name cost seconds on a
        # million records).
        self.position = {int(i): k for k, i in enumerate(table["id"].tolist())}
        self.columns = [table[c].tolist() for c in _KEY_COLUMNS]
        self.keys: dict[int, NameKey] = {}
        self.levels: dict[tuple[int, int], int] = {}
        self.crossed: dict[tuple[int, int, int], bool] = {}

    def key(self, i: int) -> NameKey:
        if i not in self.keys:
            k = self.position[i]
            self.keys[i] = NameKey("", *(c[k] for c in self.columns))
        return self.keys[i]

    def level(self, x: int, y: int) -> int:
        """``comparisons.field_level_code`` of names ``x`` and ``y`` (-1 where one is missing)."""
        if x < 0 or y < 0:
            return -1
        if x == y:
            return 4
        pair = (x, y) if x < y else (y, x)
        if pair not in self.levels:
            level = name_level_code(self.key(pair[0]), self.key(pair[1]))
            if level == 0 and self.units is not None:  # a family name held in the other
                level = family_units_level(*(self.units[self.position[i]].split("|") for i in pair))
            self.levels[pair] = level
        return self.levels[pair]

    def disagree(self, x: int, y: int) -> bool:
        return self.level(x, y) == 0

    def disagreeing(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """``disagree`` over arrays of name ids, each distinct pair of names asked once."""
        out = np.zeros(len(xs), dtype=bool)
        both = (xs >= 0) & (ys >= 0) & (xs != ys)
        if both.any():
            width = int(max(xs.max(), ys.max())) + 1
            pairs, inverse = np.unique(xs[both] * width + ys[both], return_inverse=True)
            said = [self.disagree(int(p // width), int(p % width)) for p in pairs.tolist()]
            out[both] = np.array(said, dtype=bool)[inverse]
        return out

    def crosses(self, other: _NameTable, x: int, y: int) -> bool:
        """Whether name ``x`` of this field and ``y`` of ``other``'s are one name or variants."""
        if x < 0 or y < 0:
            return False
        # Cached as ``disagree`` is: the clustering asks again for every pair of two clusters'
        # members (brothers' given names, each time two clusters of one family meet).
        pair = (id(other), x, y)
        if pair not in self.crossed:
            self.crossed[pair] = name_level_code(self.key(x), other.key(y)) > 0
        return self.crossed[pair]


# Up to this many pairs of records, two clusters are tested pair by pair (``record_conflicts``).
BETWEEN_PAIRWISE = 64


def record_conflicts(
    prepared: Prepared,
    rows_l: np.ndarray | None = None,
    rows_r: np.ndarray | None = None,
    match_weight: np.ndarray | None = None,
    given_only: bool = False,
    sources: np.ndarray | None = None,
    accept_weight: float = -np.inf,
) -> Callable[[int, int], bool]:
    """Whether two records (rows) cannot be one person, whatever links them through others.

    Different given names (level "disagree": not a spelling, script or typo variant) of two
    records that both carry lineage names (unless each record's given name is the other's
    family name, or the other's father's name: a register that wrote them the other way round),
    birth years apart (two or more between full dates, more than ``comparisons.ESTIMATE_YEARS``
    against a year only: the date comparison's level 0), or different sex where the given names
    are not one name (``SEX_CONFLICT_NAME_LEVEL``: a clerk's wrong sex box vetoes nothing on its
    own): brothers, and namesakes of another generation.
    And, given the candidate pairs of a deduplication (rows and match weight), two records that
    were compared and whose match weight is below ``NON_MATCH_WEIGHT`` (``PLAIN_NON_MATCH_WEIGHT``
    where either has no lineage names); two records whose fathers' names differ (not crossed
    with the grandfathers') that were not compared, or were and weigh below
    ``FATHER_CONFLICT_WEIGHT``.  With ``sources`` (a code per record, -1 unknown), two records
    of one known source whose own pair weighs below ``accept_weight`` (the run's threshold) or
    was never compared (``SAME_SOURCE_CONFLICT``).  With
    ``given_only`` only the given names are checked (two records whose own pair was accepted:
    the model has weighed their dates and sex).
    """
    n = len(prepared)
    # Candidate pairs as sorted codes (the engines return them ordered by row, left < right),
    # looked up by binary search: no second copy of tens of millions of pairs.
    codes = np.array([], dtype=np.int64)
    weights = np.array([], dtype=np.float64)
    if rows_l is not None and rows_r is not None and match_weight is not None and len(rows_l):
        # In place: at 1M records a product and a sum of 50M int64 would each be a copy (400 MB).
        codes = np.minimum(rows_l, rows_r).astype(np.int64)
        codes *= n
        codes += np.maximum(rows_l, rows_r)
        weights = match_weight
        if np.any(codes[1:] < codes[:-1]):
            order = np.argsort(codes, kind="stable")
            codes, weights = codes[order], weights[order]
    frame = prepared.frame
    given = frame["given_name_id"].to_numpy()
    father = frame["father_name_id"].to_numpy()
    grandfather = frame["grandfather_name_id"].to_numpy()
    # Without father, grandfather and mother names a different given name is no proof of a
    # brother (model.PLAIN_GIVEN_NAME_DISAGREE_WEIGHT): it keeps records apart only when both
    # carry lineage names.
    has_lineage = frame["plain"].isna().to_numpy() if "plain" in frame else np.ones(n, bool)
    years = frame["yr"].to_numpy(dtype=np.float64, na_value=np.nan)
    precise = frame["precise"].to_numpy(dtype=bool)
    # Missing sex is None or NaN depending on the pandas version: neither is a sex.
    sex = frame["sex"].to_numpy(dtype=object)
    has_sex = ~pd.isna(sex)
    tables = {
        f: _NameTable(prepared.names[f])
        for f in ("given_name", "father_name", "grandfather_name", "family_name", "mother_name")
    }
    family = frame["family_name_id"].to_numpy()
    # What else names one person, where given and father's names are crosswise.
    others = [(tables[f], frame[f"{f}_id"].to_numpy()) for f in FATHER_SWAP_CORROBORATING]
    date = [years] + [frame[c].to_numpy(dtype=np.float64, na_value=np.nan) for c in ("mo", "dy")]

    def compared(x: int, y: int) -> float | None:
        """The match weight of ``x`` and ``y`` when they were compared (a candidate pair)."""
        if not len(codes):
            return None
        code = min(x, y) * n + max(x, y)
        k = int(np.searchsorted(codes, code))
        return float(weights[k]) if k < len(codes) and int(codes[k]) == code else None

    def conflict(x: int, y: int) -> bool:
        if not given_only and sources is not None and sources[x] >= 0 and sources[x] == sources[y]:
            own = compared(x, y)
            if own is None or own < accept_weight:
                return True
        return ignoring_sources(x, y)

    def ignoring_sources(x: int, y: int) -> bool:
        """``conflict`` but for two records of one source."""
        if given_only:
            return given_conflict(x, y)
        if abs(years[x] - years[y]) > (1 if precise[x] and precise[y] else ESTIMATE_YEARS):
            return True
        if has_sex[x] and has_sex[y] and sex[x] != sex[y] and not one_given_name(x, y):
            return True
        weight = compared(x, y)
        if weight is not None and weight < (
            NON_MATCH_WEIGHT if has_lineage[x] and has_lineage[y] else PLAIN_NON_MATCH_WEIGHT
        ):
            return True
        # Fathers of different names, where the two records were never compared (in a large
        # list namesakes often share only blocks over the cap) or were and weigh below
        # ``FATHER_CONFLICT_WEIGHT`` (cousins of one grandfather's name): two persons.  Above
        # it, a compared pair's fathers the model has weighed with the rest of its evidence.
        if (weight is None or weight < FATHER_CONFLICT_WEIGHT) and father_conflict(x, y):
            return True
        return given_conflict(x, y)

    def one_given_name(x: int, y: int) -> bool:
        level = tables["given_name"].level(int(given[x]), int(given[y]))
        return level >= SEX_CONFLICT_NAME_LEVEL

    def father_conflict(x: int, y: int) -> bool:
        fx, fy = int(father[x]), int(father[y])
        if not tables["father_name"].disagree(fx, fy):
            return False
        # Not where one register wrote father and grandfather the other way round, nor given
        # and father.
        return not (
            tables["father_name"].crosses(tables["grandfather_name"], fx, int(grandfather[y]))
            or tables["father_name"].crosses(tables["grandfather_name"], fy, int(grandfather[x]))
            or given_father_swapped(x, y)
        )

    def given_father_swapped(x: int, y: int) -> bool:
        """Each record's given name is the other's father's name, and another name or the full
        date agrees (as ``comparisons.father_swapped`` reads a pair)."""
        given_t, father_t = tables["given_name"], tables["father_name"]
        crossed = given_t.crosses(father_t, int(given[x]), int(father[y])) and given_t.crosses(
            father_t, int(given[y]), int(father[x])
        )
        if not crossed:
            return False
        for table, ids in others:
            a, b = int(ids[x]), int(ids[y])
            if a >= 0 and b >= 0 and not table.disagree(a, b):
                return True
        if precise[x] and precise[y] and all(d[x] == d[y] for d in date):
            return True
        return comparisons.FATHER_SWAP_FAMILY_YEAR and same_family_year(x, y)

    def same_family_year(x: int, y: int) -> bool:
        """The family name agrees and the birth year is one (``FATHER_SWAP_SAME_YEAR``): one
        date only a year, or the day or the month the same, or the two swapped."""
        fx, fy = int(family[x]), int(family[y])
        if fx < 0 or fy < 0 or tables["family_name"].disagree(fx, fy) or years[x] != years[y]:
            return False
        if not (precise[x] and precise[y]):
            return True
        (_, mx, dx), (_, my, dy) = ([d[z] for d in date] for z in (x, y))
        return mx == my or dx == dy or (mx == dy and dx == my)

    def given_conflict(x: int, y: int) -> bool:
        if not (has_lineage[x] and has_lineage[y]):
            return False
        gx, gy = int(given[x]), int(given[y])
        if not tables["given_name"].disagree(gx, gy):
            return False
        # Not where one register wrote the given and family names the other way round (each
        # record's given name is the other's family name), nor given and father's names.
        given_t, family_t = tables["given_name"], tables["family_name"]
        return not (
            (
                given_t.crosses(family_t, gx, int(family[y]))
                and given_t.crosses(family_t, gy, int(family[x]))
            )
            or given_father_swapped(x, y)
        )

    def between(xs: Sequence[int], ys: Sequence[int]) -> bool:
        """Whether any record of ``xs`` conflicts with any of ``ys``: ``conflict`` over every
        pair, its tests of years and of a compared pair's weight done for all pairs at once.
        The clustering asks this of every two clusters it may merge; one test at a time, a run
        whose clusters grew past a hundred records spent minutes in it (drawn201 200k: 32.7M
        calls, the retraining's clustering 694 s; bench/RESULTS.md, "twenty-sixth session").
        Small clusters are tested pair by pair: arrays cost more than they save there."""
        if given_only or len(xs) * len(ys) <= BETWEEN_PAIRWISE:
            return any(conflict(i, j) for i in xs for j in ys)
        x = np.repeat(np.asarray(xs, dtype=np.int64), len(ys))
        y = np.tile(np.asarray(ys, dtype=np.int64), len(xs))
        apart = np.where(precise[x] & precise[y], 1, ESTIMATE_YEARS)
        if (np.abs(years[x] - years[y]) > apart).any():
            return True
        weight = np.full(len(x), np.nan)
        if len(codes):
            code = np.minimum(x, y) * n + np.maximum(x, y)
            k = np.minimum(np.searchsorted(codes, code), len(codes) - 1)
            found = codes[k] == code
            weight[found] = weights[k[found]]
        low = np.where(has_lineage[x] & has_lineage[y], NON_MATCH_WEIGHT, PLAIN_NON_MATCH_WEIGHT)
        if (weight < low).any():  # NaN (not compared) is never below
            return True
        if sources is not None:
            one = (sources[x] >= 0) & (sources[x] == sources[y])
            if (one & (np.isnan(weight) | (weight < accept_weight))).any():
                return True
        sexes = has_sex[x] & has_sex[y] & (sex[x] != sex[y])
        sexed = zip(x[sexes].tolist(), y[sexes].tolist(), strict=True)
        if any(not one_given_name(i, j) for i, j in sexed):
            return True
        # Fathers' and given names that disagree, each distinct pair of names asked once; only
        # those pairs are read further (a register's swapped names are no conflict).
        fathers = np.isnan(weight) | (weight < FATHER_CONFLICT_WEIGHT)
        fathers &= tables["father_name"].disagreeing(father[x], father[y])
        givens = has_lineage[x] & has_lineage[y]
        givens &= tables["given_name"].disagreeing(given[x], given[y])
        return any(
            father_conflict(i, j)
            for i, j in zip(x[fathers].tolist(), y[fathers].tolist(), strict=True)
        ) or any(
            given_conflict(i, j)
            for i, j in zip(x[givens].tolist(), y[givens].tolist(), strict=True)
        )

    # The clustering's test of two clusters (``cluster.guarded_clusters``).
    conflict.between = between  # type: ignore[attr-defined]
    # Whether two records cannot be one person on their own evidence, their sources aside (a
    # record fitting two records of one list: cluster.unambiguous_pairs).
    conflict.ignoring_sources = ignoring_sources  # type: ignore[attr-defined]
    return conflict


def _training(model: Model | None, train: bool | None) -> bool:
    # A model given is reused as it is unless training is asked for (it is then the first
    # start and the fallback).
    return model is None if train is None else train


# A registration list rarely holds one person three times (its clerks look a person up, and
# training.source_prior_shift weighs its own pairs down): where more than this share of the
# records are in persons holding three or more of one source, the clusters have most likely
# chained namesakes together, and the run says so.  Measured (bench/RESULTS.md, "nineteenth
# session"): over 80 populations drawn at random (20k, seed 3), the share was above 1 % in three
# runs, of precision 0.26, 0.47 and 0.82 (drawn56 5.4 %, drawn33 3.7 %, drawn57 1.1 %), and in
# none of precision above 0.82 (it misses some poor runs: drawn46, precision 0.72, 0.97 %); at
# 1M, drawn56 (precision 0.17) 5.0 % against below 0.05 % on four named settings.  Not on a
# single list (FEBRL 2 and 3, one file each, would be 22 % and 64 % at precision 0.998).  Above
# it the run warns, trains again on the pairs across sources (_retried), still crowded scores
# with the training's fallback where its clusters are less so (_fell_back), and holds every
# person to at most two records of one source (_capped): on the 11 of 240 runs at 20k (seeds 1-3) that
# were crowded every F1 rose, by 0.01 to 0.27 (bench/RESULTS.md, "twentieth session").
CROWDED_SHARE = 0.01


def _too_crowded(crowded: int, records: int) -> bool:
    return crowded > CROWDED_SHARE * records


def crowded_records(labels: np.ndarray, sources: np.ndarray, report: ModelReport) -> None:
    """Count, into ``report``, the records in persons (``labels``) that hold three or more
    records of one source (``sources``: codes per record, -1 unknown), and warn when they are
    more than ``CROWDED_SHARE`` of the records.  Only where the records come from two sources or
    more: not a single list deduplicated on its own."""
    known = sources >= 0
    if len(np.unique(sources[known])) < 2:
        # One list deduplicated on its own (FEBRL: up to nine records of one person in one file,
        # precision 0.998) is where finding a person several times is the point.
        return
    person, source = labels[known].astype(np.int64), sources[known].astype(np.int64)
    key = person * (int(source.max()) + 1) + source
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    crowded = counts[inverse] >= 3
    report.crowded_records = int(crowded.sum())
    report.crowded_persons = len(np.unique(person[crowded]))
    if _too_crowded(report.crowded_records, len(labels)):
        report.warnings.append(
            f"{report.crowded_records / len(labels):.1%} of the records "
            f"({report.crowded_records:,}) are in persons holding three or more records of one "
            f"source ({report.crowded_persons:,} such persons); a list rarely registers one "
            "person three times, so these persons most likely join different people "
            "(namesakes): check a sample of them before trusting the clusters"
        )


class _RecordShifts(NamedTuple):
    """What a run's records add to their pairs' weights, the same for every fit of them: their
    names' frequencies (``frequency_shift``: the shifts and the report's summary) and the odds
    that each record's nationality is its list's default (``training.default_odds``, weighed
    per fitted model by ``training.default_shift``)."""

    frequency: list[tuple[np.ndarray, np.ndarray]]
    frequency_report: list
    default_odds: np.ndarray


class _Fit(NamedTuple):
    """One training, scoring and clustering of a deduplication (``_fit_dedupe``)."""

    model: Model
    report: ModelReport
    shift: list  # the bits added per stratum
    accepted: ScoredPairs
    weight: np.ndarray  # every candidate pair's match weight
    labels: np.ndarray  # each prepared record's cluster


def _fit_dedupe(
    eng, frame, prepared, arrays, gamma, how, threshold, sources, clock, by_name, train=None,
    random=None, fall_back=False, trained=None,
) -> _Fit:  # fmt: skip
    """Train (``how``: the model given, whether to train, the seed; EM on ``train``, a mask of
    the candidate pairs, when given, else on those ``arrays["train"]`` marks), learn the
    strata priors on every trained pair, score and cluster: the model, its report, the bits
    added per stratum, the accepted pairs, every candidate pair's weight and each record's
    cluster (``random``: the run's random pairs, drawn here when not given; ``by_name``: the
    run's ``_RecordShifts``, the same for every fit of its pairs; ``fall_back``: the
    training's fallback, without EM; ``trained``: ``_trained_with_strata``'s result, where it
    was had already)."""
    fitted, report, shift = trained or _trained_with_strata(
        eng, prepared, arrays, gamma, how, sources, by_name, train, random, fall_back
    )
    clock.lap("training")
    accepted, weight = score_dedupe(
        arrays, gamma, fitted, threshold, frame, prepared, shift, sources
    )
    if SOURCE_CAPACITY:
        over_capacity(_slices(weight), arrays, sources, source_names(frame), report)
    report.clear_best = int((accepted.match_probability < threshold).sum())
    clock.lap("prediction")
    labels = cluster_accepted(
        prepared, arrays, accepted, weight, _one_list_priced(fitted, sources), threshold=threshold
    )
    crowded_records(labels, sources, report)
    clock.lap("clustering", f"({len(set(labels.tolist())):,} persons)")
    return _Fit(fitted, report, shift, accepted, weight, labels)


def _trained_with_strata(
    eng, prepared, arrays, gamma, how, sources, by_name, train=None, random=None, fall_back=False
) -> tuple[Model, ModelReport, list]:
    """``_fit_dedupe``'s training: the model, its report and the bits added per stratum."""
    model, training, seed = how
    on = arrays if train is None else {**arrays, "train": arrays["train"] & train}
    random = random or _RandomPairs(eng, prepared, None, seed)
    fitted, report = _train(
        eng, prepared, None, gamma, on, model, training, seed, random, fall_back
    )
    shift = plain_prior_shift(prepared, arrays, gamma, fitted, report)
    shift = plain_model_shift(eng, prepared, arrays, gamma, fitted, report, how, shift, random)
    by_source = source_prior_shift(sources, arrays, gamma, fitted, report, shift)
    shift = (shift or []) + reach_shift(prepared, arrays, report) + (by_source or [])
    shift += by_name.frequency + default_shift(by_name.default_odds, arrays, fitted)
    report.frequency = by_name.frequency_report
    return fitted, report, shift


def _slices(weight: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """``weight`` in ``CAPACITY_SLICE`` slices (views), each with its first pair's index."""
    for start in range(0, len(weight), CAPACITY_SLICE):
        yield start, weight[start : start + CAPACITY_SLICE]


def _weight_slices(
    model: Model, gamma: np.ndarray, shift: list[tuple[np.ndarray, float | np.ndarray]]
) -> Iterator[tuple[int, np.ndarray]]:
    """The candidate pairs' weights as ``_score`` makes them (``model``'s, with ``shift``'s bits
    added), in ``CAPACITY_SLICE`` slices: never the whole array at once."""
    taken = [0] * len(shift)  # per stratum given bits per pair, how many of them are behind
    for start in range(0, len(gamma), CAPACITY_SLICE):
        part = slice(start, start + CAPACITY_SLICE)
        weight = model.match_weight(gamma[part])
        for i, (mask, bits) in enumerate(shift):
            here = mask[part]
            if isinstance(bits, np.ndarray):
                count = int(here.sum())
                weight[here] += bits[taken[i] : taken[i] + count]
                taken[i] += count
            elif bits:
                weight[here] += bits
        yield start, weight


def plain_model_shift(eng, prepared, arrays, gamma, fitted, report, how, shift, random):
    """``shift`` (``plain_prior_shift``'s strata) with the plain-and-lineage stratum's bits
    those of a model of its own, where one is learnt here and passes the gate, or is saved with
    the model given: per pair, that model's weight less ``fitted``'s.

    Learnt only where ``training.PLAIN_MODEL_LEARNT`` (off: measured to lower populations at
    200k), on a run whose strata are learnt (``training.LEARNS_STRATA``), by the guarded
    training on the stratum's trained pairs (``how``: the model given, whether to train, the
    seed; the run's random pairs for u), and used where it expects at least
    ``training.PLAIN_MODEL_GATE`` times the matches among the stratum's pairs that ``fitted``
    and ``plain_shift`` expect, and no more than ``training.PLAIN_MODEL_MATCHES_PER_RECORD``
    for each of the stratum's records without lineage names; kept in ``fitted.plain_model``
    so that ``save`` carries it, and said in the report.  Not tried when the stratum holds
    fewer than ``MIN_PAIRS_FOR_TRAINING`` trained pairs whose given names do not disagree, or
    every trained pair (a plain list beside a registry and nothing else: the pooled model is
    its model).
    """
    if not shift:
        return shift
    across = shift[0][0]
    if report.status in LEARNS_STRATA:
        fitted.plain_model = None
        learnt = _learnt_plain_model(
            eng, prepared, arrays, gamma, fitted, report, how, shift, random
        )
        if learnt is None:
            return shift
        fitted.plain_model, bits = learnt
    elif fitted.plain_model is not None:
        report.plain_model = "given"
        stratum = gamma[across]
        bits = fitted.plain_model.match_weight(stratum) - fitted.match_weight(stratum)
    else:
        return shift
    return [(across, bits), *shift[1:]]


def _learnt_plain_model(eng, prepared, arrays, gamma, fitted, report, how, shift, random):
    """``plain_model_shift``'s learning: the stratum's own model and its bits per pair (its
    weight less ``fitted``'s), or None where it is off, not tried, or fails the gate or the
    bound; what happened goes into ``report``."""
    across, plain_bits = shift[0]
    if not PLAIN_MODEL_LEARNT:
        return None
    usable = across & arrays["train"] & (gamma[:, 0] != 0)
    pairs = int(usable.sum())
    if pairs < MIN_PAIRS_FOR_TRAINING or pairs == int(arrays["train"].sum()):
        return None
    model, _, seed = how
    on = {**arrays, "train": arrays["train"] & across}
    own, own_report = _train(eng, prepared, None, gamma, on, model, True, seed, random)
    report.plain_model_pairs = int(on["train"].sum())
    if own_report.status != "trained":
        report.plain_model = "not trained"
        return None
    stratum = gamma[across]
    pooled_weight, own_weight = fitted.match_weight(stratum), own.match_weight(stratum)
    pooled = expected_matches(pooled_weight + plain_bits)
    expected = expected_matches(own_weight)
    report.plain_model_expected = (pooled, expected)
    plain = prepared.frame["plain"].notna().to_numpy()
    left, right = arrays["rid_l"][across], arrays["rid_r"][across]
    ends = np.where(plain[left], left, right)
    report.plain_model_records = int(np.count_nonzero(np.bincount(ends, minlength=len(plain))))
    if expected > PLAIN_MODEL_MATCHES_PER_RECORD * report.plain_model_records:
        report.plain_model = "implausible"
        return None
    if expected < PLAIN_MODEL_GATE * max(pooled, 1.0):
        report.plain_model = "not used"
        return None
    report.plain_model = "used"
    return own, own_weight - pooled_weight


def _crowded(fit: _Fit) -> bool:
    return _too_crowded(fit.report.crowded_records, len(fit.labels))


def _retried(first: _Fit, retry: _Fit, records: int) -> _Fit:
    """The run trained on the pairs across sources (``retry``) where its clusters hold fewer
    crowded records than the first run's, else the first; the report says which and why."""
    kept = _less_crowded(
        first,
        retry,
        records,
        "the model first learnt on every candidate pair put many records in persons holding "
        "three or more records of one source (namesakes of one list taken for one person); "
        "trained again on the pairs across sources only, it does less ({shares}): that model "
        "was kept",
        # What was said of the first model (a fallback, its crowded clusters) is not lost.
        "the first model (not kept)",
        "trained again on the pairs across sources only, the clusters were no less crowded "
        "({shares}): the first model was kept",
    )
    if kept is retry:
        retry.report.retrained_across_sources = True
        retry.report.first_crowded_records = first.report.crowded_records
    return kept


def _fell_back(trained: _Fit, fallback: _Fit, records: int) -> _Fit:
    """The run scored with the training's fallback (the shipped parameters, or the model given,
    with the strata's priors learnt on these records) where its clusters hold fewer crowded
    records than the trained model's, which were crowded after training again across sources
    too; else the trained run.  A trained model whose clusters chain one list's namesakes has
    learnt them as matches whatever the plausibility checks said: on the three runs of 101 so
    crowded (populations drawn at random, 20k), the fallback's clusters held 97 crowded records
    against 2,334 (drawn683, F1 0.58 -> 0.78), 56 against 722 (drawn719, 0.74 -> 0.76) and 607
    against 2,883 (drawn796, 0.46 -> 0.56); drawn241 200k was kept (the fallback no less
    crowded); the tests' populations: drawn56 5k 0.54 -> 0.65, drawn33 5k 0.75 -> 0.79, the
    project's 4k without lineage names 0.91 -> 0.96 (bench/RESULTS.md, "thirty-third session")."""
    reason = fallback.report.reason
    kept = _less_crowded(
        trained,
        fallback,
        records,
        "the trained model's clusters put many records in persons holding three or more "
        "records of one source (namesakes of one list taken for one person), trained across "
        f"sources too; the {reason} put fewer ({{shares}}): they scored the pairs, and the "
        "trained model was not used",
        "the trained model (not used)",
        f"scored with the {reason}, the clusters were no less crowded ({{shares}}): the "
        "trained model was kept",
    )
    if kept is fallback:
        fallback.report.starts = trained.report.starts  # what EM learnt is still told
    return kept


def _over_capacity_said(trained: ModelReport, fallback: ModelReport) -> str:
    a, b, expected, records = max(trained.source_capacity, key=lambda x: x[2] / x[3])
    return (
        f"the trained model expects {expected:,.0f} matches between the records of {a} and those "
        f"of {b}, more than the {records:,} records of the smaller list (namesakes taken for "
        f"matches); the {fallback.reason} expect"
    )


def _over_capacity_fell_back(trained: ModelReport, fallback: _Fit) -> _Fit:
    """The run scored with the training's fallback, which expects fewer matches over the
    smaller list's records between two sources (``over_capacity``, ``_capacity_excess``) than
    the trained model (``trained``, its report), saying so.  A model that expects more matches
    between two lists than the smaller holds records has learnt namesakes as matches, whatever
    the plausibility checks said: drawn1686 20k (a checkpoint's list of given and father's
    names and a year beside a German office's list, names skewed) expected 7,808 matches
    between them, 1.19 times the smaller list's 6,556 records (3,300 true), and F1 0.6835 with
    it; 0.7250 with the fallback."""
    after, before = _capacity_excess(fallback.report), _capacity_excess(trained)
    fewer = (
        "no more than the smaller list holds records"
        if not after
        else f"{after:.2f} times the smaller list's records at most, against {before:.2f}"
    )
    report = fallback.report
    report.warnings.insert(
        0,
        f"{_over_capacity_said(trained, report)} {fewer}: they scored the pairs, and the "
        "trained model was not used",
    )
    report.warnings += [f"the trained model (not used): {w}" for w in trained.warnings]
    report.starts = trained.starts  # what EM learnt is still told
    return fallback


def _over_capacity_kept(trained: ModelReport, fallback: ModelReport) -> None:
    """The trained run kept, the fallback (``fallback``, its report) expecting no fewer matches
    over the smaller list's records between two sources: ``trained`` says so, in its lines, not
    as a warning.  At 200k and more both models expect more than the bound on most populations
    (drawn311 and drawn313 200k, F1 0.90 and 0.88; no_lineage 1M), where the clustering keeps
    a record to one person of a list: a warning there would be on most runs."""
    trained.source_capacity_kept = fallback.reason


def _less_crowded(
    first: _Fit, other: _Fit, records: int, taken: str, first_said: str, kept_first: str
) -> _Fit:
    """``other`` where its clusters hold fewer crowded records than ``first``'s, its report
    opening with ``taken`` and carrying ``first``'s warnings after ``first_said``; else
    ``first``, its report ending with ``kept_first`` (``{shares}``: the two shares)."""
    before, after = first.report.crowded_records, other.report.crowded_records
    shares = f"{before / records:.1%} of the records against {after / records:.1%}"
    if after < before:
        other.report.warnings.insert(0, taken.format(shares=shares))
        other.report.warnings += [f"{first_said}: {w}" for w in first.report.warnings]
        return other
    first.report.warnings.append(kept_first.format(shares=shares))
    return first


def _capped(fit: _Fit, prepared, arrays, sources: np.ndarray, threshold: float) -> _Fit:
    """``fit`` clustered again so that no person holds more than ``cluster.SOURCE_CAP`` records
    of one source: on a run whose clusters were crowded (``_crowded``), the evidence that
    joined a list's records three at a time is the namesakes' as much as the persons'.  The
    persons this adds are in the report (``source_cap_persons``), with a line saying so."""
    report = fit.report
    if not report.crowded_records:
        return fit
    one_list = _one_list_priced(fit.model, sources)
    capped = cluster_accepted(
        prepared, arrays, fit.accepted, fit.weight, one_list, cap=sources, threshold=threshold
    )
    report.source_cap_persons = len(np.unique(capped)) - len(np.unique(fit.labels))
    report.warnings.append(
        f"as the clusters were crowded, no person was left holding more than {SOURCE_CAP} "
        f"records of one source: {report.source_cap_persons:,} more persons (the crowded share "
        "above is the model's clusters' before this)"
    )
    return fit._replace(labels=capped)


def _one_list_priced(model: Model, sources: np.ndarray) -> np.ndarray | None:
    """``sources`` where the pairs of two records of one source were weighed with that stratum's
    own prior (records of two sources or more, ``Model.same_source_shift`` below 0: learnt on
    enough pairs of each kind, or the model given's), else None: only there does a pair of one
    list that is not accepted say two persons (``SAME_SOURCE_CONFLICT``).  A list of one source
    (FEBRL's) weighs its pairs with the pooled prior, and a typo'd duplicate found only through
    a third record is one person: keeping such pairs apart cost FEBRL 2 and 3 0.05 of F1."""
    if not SAME_SOURCE_CONFLICT or not model.same_source_shift < 0:
        return None
    return sources if len(np.unique(sources[sources >= 0])) >= 2 else None


def cluster_accepted(
    prepared, arrays, accepted, weight, sources=None, cap=None, threshold=DEDUPE_THRESHOLD
) -> np.ndarray:
    """Each prepared record's cluster (the row of its first record) from the accepted pairs: a
    record that fits two persons alike joins neither, and no cluster joins records that conflict
    (``dedupe``'s clustering; the benchmark calls it too); with ``sources`` (codes per record),
    nor two records of one source whose own pair weighs below ``threshold`` (a probability);
    with ``cap`` (codes per record), nor more than ``cluster.SOURCE_CAP`` records of one
    source."""
    conflict = record_conflicts(
        prepared, arrays["rid_l"], arrays["rid_r"], weight, sources=sources,
        accept_weight=_weight_of(threshold),
    )  # fmt: skip
    a, b, w = accepted.left_rows, accepted.right_rows, accepted.match_weight
    # A record fitting two records of one list alike is not left on its own for that alone: it
    # joins the better, and the other stays apart (SAME_SOURCE_CONFLICT).
    clear = unambiguous_pairs(a, b, w, conflict.ignoring_sources, AMBIGUITY_MARGIN)
    return guarded_clusters(
        len(prepared),
        a[clear],
        b[clear],
        w[clear],
        conflict,
        record_conflicts(prepared, given_only=True),
        cap,
    )


def dedupe(
    records: Sequence[Mapping[str, object]] | pd.DataFrame,
    threshold: float = DEDUPE_THRESHOLD,
    engine: str | Engine = "duckdb",
    model: Model | None = None,
    train: bool | None = None,
    progress: Progress | None = None,
    seed: int = 42,
) -> DedupeResult:
    """Find the records of one list that are the same person.

    >>> result = dedupe(read_person_csv("registrations.csv"))  # doctest: +SKIP
    >>> result.clusters["r17"] == result.clusters["r912"]  # doctest: +SKIP
    True
    """
    steps = dedupe_steps(
        records, threshold, engine=engine, model=model, train=train, progress=progress, seed=seed
    )
    ids = steps.prepared["record_id"].to_numpy()
    clusters = dict(zip(ids.tolist(), ids[steps.labels].tolist(), strict=True))
    return DedupeResult(
        clusters,
        steps.accepted,
        steps.model,
        len(steps.weight),
        steps.timings,
        steps.report,
    )


def _drop_defaults(arrays: dict[str, np.ndarray], defaults: np.ndarray) -> None:
    """The nationality of a pair with a record whose value is its list's default
    (``training.default_values``) compared as unknown: it says nothing either way."""
    if not defaults.any():
        return
    either = defaults[arrays["rid_l"]] | defaults[arrays["rid_r"]]
    level = arrays["lv_nationality"]
    arrays["lv_nationality"] = np.where(either, -1, level).astype(level.dtype)


def _defaults_found(
    frame: pd.DataFrame, prepared: Prepared, odds: np.ndarray
) -> tuple[dict[str, int], dict[str, int]]:
    """The records ``_drop_defaults`` left uncompared (``odds`` from ``DEFAULT_MIN_ODDS``), by
    list and value, and those ``training.default_shift`` weighed (below it), by list, value and
    odds: the report's ``defaults`` and ``likely_defaults``."""
    found: list[dict[str, int]] = []
    for mask, with_odds in (
        (odds >= DEFAULT_MIN_ODDS, False),
        ((odds > 0) & (odds < DEFAULT_MIN_ODDS), True),
    ):
        table = pd.DataFrame(
            {"source": frame["source"].to_numpy()[mask], "value": prepared["nationality"][mask],
             "odds": odds[mask]}
        ).value_counts()  # fmt: skip
        found.append({
            f"{s}: {v}" + (f" (odds {q:.2f})" if with_odds else ""): int(n)
            for (s, v, q), n in table.items()
        })  # fmt: skip
    return found[0], found[1]


@dataclass
class DedupeSteps:
    """What ``dedupe`` computes on its way, in prepared row order (the benchmark's diagnoses
    replay a run through it, so that they read what the product does and nothing else)."""

    frame: pd.DataFrame
    prepared: Prepared
    arrays: dict[str, np.ndarray]  # candidate pairs: rows and field levels
    gamma: np.ndarray
    model: Model
    report: ModelReport
    shift: list[tuple[np.ndarray, float | np.ndarray]]  # bits added to the pairs' weights
    sources: np.ndarray
    accepted: ScoredPairs
    weight: np.ndarray  # every candidate pair's match weight
    labels: np.ndarray  # each prepared record's cluster (the row of its first record)
    timings: dict[str, float]


_DEDUPE_OPTIONS = {"engine": "duckdb", "model": None, "train": None, "progress": None, "seed": 42}


def dedupe_steps(records, threshold: float = DEDUPE_THRESHOLD, **options) -> DedupeSteps:
    """``dedupe``'s steps: prepare, block and compare, train, score, cluster (``options``:
    ``dedupe``'s engine, model, train, progress and seed)."""
    unknown = set(options) - set(_DEDUPE_OPTIONS)
    if unknown:
        raise TypeError(f"dedupe_steps: unknown options {sorted(unknown)}")
    engine, model, train, progress, seed = (
        {**_DEDUPE_OPTIONS, **options}[k] for k in _DEDUPE_OPTIONS
    )
    clock = _Clock(progress)
    frame = _as_frame(records)
    eng = get_engine(engine) if isinstance(engine, str) else engine
    prepared = prepare(frame)
    clock.lap("preparation", f"({len(prepared):,} records)")
    arrays = eng.candidate_levels(prepared, None)
    clock.lap("prediction", f"({len(arrays['rid_l']):,} candidate pairs)")
    sources = source_codes(frame)
    odds = default_odds(sources, prepared["nationality"].to_numpy(dtype=object))
    defaults = odds >= DEFAULT_MIN_ODDS
    _drop_defaults(arrays, defaults)
    gamma = comparison_levels(levels_dict(arrays))
    training = _training(model, train)
    random = _RandomPairs(eng, prepared, None, seed)  # drawn once, if a model is trained
    # The records' own shifts, once however many fits: their names' frequencies, and the odds
    # that their nationality is their list's default (training.default_shift, per model).
    by_name = _RecordShifts(*frequency_shift(prepared, arrays), odds)
    fit = _fit_dedupe(
        eng, frame, prepared, arrays, gamma, (model, training, seed), threshold, sources, clock,
        by_name, random=random,
    )  # fmt: skip
    # Clusters that chain one list's namesakes (pipeline.crowded_records) mark a model that
    # learnt them as the match class: trained again where they cannot be its matches.
    crowded = _crowded(fit)
    across = source_pairs(sources, arrays)[1] if training and crowded else None
    if across is not None and int((across & arrays["train"]).sum()) >= MIN_PAIRS_FOR_TRAINING:
        if progress:
            progress(
                "clusters crowded with one list's namesakes: training on the pairs across sources"
            )
        retry = _fit_dedupe(
            eng, frame, prepared, arrays, gamma, (model, training, seed), threshold, sources,
            clock, by_name, across, random,
        )  # fmt: skip
        fit = _retried(fit, retry, len(prepared))
    if training and crowded and _crowded(fit) and fit.report.status == "trained":
        # Still crowded: the fallback's clusters, where they are less so (_fell_back).
        fallback = _fit_dedupe(
            eng, frame, prepared, arrays, gamma, (model, training, seed), threshold, sources,
            clock, by_name, random=random, fall_back=True,
        )  # fmt: skip
        fit = _fell_back(fit, fallback, len(prepared))
    if training and fit.report.status == "trained" and fit.report.source_capacity:
        # Expecting more matches between two lists than the smaller holds records: the
        # fallback's weights, where they expect less over that bound (_over_capacity_fell_back).
        # Weighed first, slice by slice, and scored and clustered only where kept: a million
        # records' run holds one run's arrays at a time.
        how = (model, training, seed)
        trained = fit.report
        weigher, weighed, bits = _trained_with_strata(
            eng, prepared, arrays, gamma, how, sources, by_name, random=random, fall_back=True
        )  # fmt: skip
        over_capacity(_weight_slices(weigher, gamma, bits), arrays, sources,
                      source_names(frame), weighed)  # fmt: skip
        if _capacity_excess(weighed) < _capacity_excess(trained):
            del fit
            fallback = _fit_dedupe(
                eng, frame, prepared, arrays, gamma, how, threshold, sources, clock, by_name,
                random=random, fall_back=True, trained=(weigher, weighed, bits),
            )  # fmt: skip
            fit = _over_capacity_fell_back(trained, fallback)
        else:
            _over_capacity_kept(trained, weighed)
    if crowded:
        fit = _capped(fit, prepared, arrays, sources, threshold)
        persons = len(np.unique(fit.labels))
        clock.lap("clustering", f"({persons:,} persons, none with 3 records of one source)")
    fitted, report, shift, accepted, weight, labels = fit
    if report is not None:
        report.readings = prepared.readings
        report.defaults, report.likely_defaults = _defaults_found(frame, prepared, odds)
    return DedupeSteps(
        frame, prepared, arrays, gamma, fitted, report, shift, sources, accepted, weight, labels,
        clock.timings,
    )  # fmt: skip


def link(
    records_a: Sequence[Mapping[str, object]] | pd.DataFrame,
    records_b: Sequence[Mapping[str, object]] | pd.DataFrame,
    threshold: float | None = None,
    engine: str | Engine = "duckdb",
    model: Model | None = None,
    train: bool | None = None,
    progress: Progress | None = None,
    seed: int = 42,
    cluster: bool = True,
) -> LinkResult:
    """Pairs of records, one from each list, that are the same person (screening a list).

    The two lists are resolved together as ``dedupe`` resolves one (the same model, trained on
    the pairs within each list as well as across, the same threshold and clustering), and a pair
    of a record of A and one of B is given when its own pair was accepted and its two records
    end in one person: a brother who shares every name but the given one is not linked beside
    the person himself, a record that fits two persons alike is linked to neither, and a list
    without lineage names is weighed with what the registry's own pairs teach.  ``cluster=False``
    scores the pairs across the lists alone, with a model trained on them, and gives every pair at
    or above ``threshold`` (default ``LINK_THRESHOLD``), for people to look through.

    >>> result = link(registry, authority_list, threshold=0.8)  # doctest: +SKIP
    >>> result.pairs.to_frame().head()  # doctest: +SKIP
    """
    fa, fb = _as_frame(records_a), _as_frame(records_b)
    if cluster:
        return _link_resolved(fa, fb, threshold, engine, model, train, progress, seed)
    clock = _Clock(progress)
    eng = get_engine(engine) if isinstance(engine, str) else engine
    pa, pb = prepare(fa), prepare(fb)
    clock.lap("preparation", f"({len(pa):,} + {len(pb):,} records)")
    arrays = eng.candidate_levels(pa, pb)
    clock.lap("prediction", f"({len(arrays['rid_l']):,} candidate pairs)")
    gamma = comparison_levels(levels_dict(arrays))
    fitted, report = _train(eng, pa, pb, gamma, arrays, model, _training(model, train), seed)
    if report is not None:
        report.readings = {
            k: pa.readings.get(k, 0) + pb.readings.get(k, 0) for k in {**pa.readings, **pb.readings}
        }
    clock.lap("training")
    accepted, weight = _score(
        arrays, gamma, fitted, LINK_THRESHOLD if threshold is None else threshold, fa, fb, pa, pb
    )
    order = np.argsort(-accepted.match_probability, kind="stable")
    accepted = accepted.select(order)
    clock.lap("prediction")
    return LinkResult(accepted, fitted, len(weight), clock.timings, report)


def _link_resolved(fa, fb, threshold, engine, model, train, progress, seed) -> LinkResult:
    """``link`` by deduplicating both lists as one (record ids may repeat across them: the
    records go in by position) and keeping the accepted pairs across whose ends are one person."""
    na = len(fa)
    both = pd.concat([fa, fb], ignore_index=True)
    both["record_id"] = np.arange(len(both)).astype(str)
    # Each list's sources stay its own: two records of one list are never of one source with a
    # record of the other.  Named so for the report's lines ("list B: authority").
    source = (both["source"].fillna("").astype(str).str.strip() if "source" in both
              else pd.Series("", index=both.index))  # fmt: skip
    side = np.where(np.arange(len(both)) < na, "list A", "list B")
    both["source"] = side + np.where(source != "", ": " + source, "")
    result = dedupe(
        both,
        DEDUPE_THRESHOLD if threshold is None else threshold,
        engine, model, train, progress, seed,
    )  # fmt: skip
    pairs = result.pairs
    left, right = pairs.left_rows.astype(np.int64), pairs.right_rows.astype(np.int64)
    person = np.array([result.clusters[i] for i in both["record_id"]], dtype=object)
    keep = ((left < na) != (right < na)) & (person[left] == person[right])
    a_rows = np.where(left < na, left, right)[keep]
    b_rows = np.where(left < na, right, left)[keep] - na
    accepted = ScoredPairs(
        fa["record_id"].astype(str).to_numpy()[a_rows],
        fb["record_id"].astype(str).to_numpy()[b_rows],
        {k: v[keep] for k, v in pairs.levels.items()},
        pairs.match_weight[keep],
        pairs.match_probability[keep],
        fa,
        fb,
        a_rows,
        b_rows,
    )
    accepted = accepted.select(np.argsort(-accepted.match_probability, kind="stable"))
    return LinkResult(accepted, result.model, result.candidate_pairs, result.timings, result.report)


__all__ = ["DedupeResult", "LinkResult", "ScoredPairs", "dedupe", "link", "Record"]
