"""Guarded training: EM from several starts under constraints, a plausibility check, a report.

EM finds two classes among the candidate pairs, and nothing tells it which one is "the same
person".  On a population of many namesake children and few duplicates the largest coherent
class is "same given name and birth year, another family", and EM, unconstrained, learns that
as the match class.  Five things keep it from doing so silently:

1. Constraints that hold for every population (``model.constrained_weights``): a better level
   never weighs less than a worse one, lineage patterns with as many names disagreeing as
   agreeing never count for a match, whole-lineage and full-date agreement always do, and no
   field a clerk gets wrong by default vetoes a match.  The E-step scores with the constrained
   weights, so EM runs inside them.
2. Several starts (the shipped parameters, or the model given, and a neutral start); each
   result is checked against the shipped model on the candidate pairs themselves: a trained
   model that accepts many pairs the shipped model finds clearly different (below -10 bits),
   or rejects many it finds clearly the same (above +10 bits), has learnt another class.  Of
   the plausible results the one of highest likelihood is kept.
3. When no start gives a plausible model, the shipped parameters (or the model given) score
   the pairs, and the report carries one warning line saying so.  The priors of the candidate
   pairs' strata (a plain list's pairs, pairs within one source) are still learnt on these
   records, as in a trained run: each is EM on one number with the model's weights held, which
   the check above does not judge, and the shipped prior is the project's share of matches.
   Without them a population of two lists of plain records in which most persons appear once
   (namesakes of a few clans; a population drawn at random, bench/RESULTS.md, "fifteenth
   session") fell back to F1 0.15 (precision 0.08); with them 0.77, against an information
   ceiling of 0.79.
4. A trained model keeps a sceptic: its weights taken halfway toward the start's where the
   records carry lineage names, and each level weighs the lesser of the two
   (``TOWARD_SHIPPED``): at 200k EM learnt namesakes as half its match class and the check
   passed it.  The share is scaled down where few records carry lineage names, but not where
   the trained model expects far more matches than the shipped one
   (``MAX_EXPECTED_OVER_SHIPPED``), and the report then warns.
5. m is learnt with each candidate pair weighed by one over the candidate pairs of the busier
   of its two records (``density_weights``), then held while u and the prior are learnt on all
   pairs.  A record among many namesakes has many candidate pairs and at most a few of them
   are its duplicates; weighed by count, those namesake crowds outvote the duplicates as the
   registry grows, and at 200k EM took them into its match class (the prior twice the true
   share of matches); weighed per record, the mix EM learns m from stays that of a small
   registry.  Where that second stage expects far fewer matches than the first stage's own
   model does on all pairs (``MIN_SECOND_STAGE_SHARE``: it took the duplicates for
   strangers), the first stage's u is kept, with its prior learnt on all pairs, and the report
   warns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import model as model_module
from .comparisons import lineage_pattern
from .model import (
    COMPARISONS,
    EM_MAX_ITERATIONS,
    GIVEN,
    LEVEL_LABELS,
    NAMED_PLACE_MIN_PAIRS,
    NAMED_PLACE_ROUNDS,
    PATTERN_CHUNK,
    PLACE,
    Model,
    PatternTally,
    lineage_share,
    named_rows,
    pattern_counts,
    weighted_pattern_counts,
)
from .prepare import Prepared

# Below this many candidate pairs EM has too little to learn from: use the shipped parameters.
MIN_PAIRS_FOR_TRAINING = 2000
RANDOM_PAIRS_FOR_U = 1_000_000
# u from random record pairs is EM's starting point; EM then re-estimates it among the
# candidate pairs.  Holding it fixed (Splink's practice) was measured and rejected: the
# non-matching candidates (relatives, namesakes) agree far more often than random pairs, so
# with random-pair u EM learnt them as matches on the project's population, and the guard had
# to fall back (figures in bench/RESULTS.md).
U_FROM_RANDOM_PAIRS_ONLY = False
# The plausibility check (see the module docstring): log2 odds the shipped model calls clear,
# and the shares of disagreement with it that make a trained model implausible.  Accepting
# what the shipped model finds clearly different is the failure to catch (a model that learnt
# namesakes); rejecting what it finds clearly the same is judged more loosely, as the shipped
# model itself is wrong on some populations (namesakes whose father, grandfather and mother
# bear the same common names).
CLEAR_WEIGHT = 10.0
MAX_ACCEPTED_APART = 0.10
MAX_REJECTED_SAME = 0.50
# Two registrations of one person carry the same birth year far more often than not (a date
# copied from one document, or one person's stated age); a match class in which most pairs
# with a date on both sides are years apart, or of one year with other days and months
# (date levels 0 and 1), is relatives or namesakes of one family, not one person.  On no_lineage
# 1M, EM learnt such a class (64 % of its matches at level 1, sex disagreeing as often as among
# non-matches, prior 0.10: 3.8 M pairs accepted, F1 0.67) and both checks above passed it, as
# the shipped model finds those pairs neither clearly the same nor clearly different
# (bench/RESULTS.md, "seventh session: the scoring fixes one at a time at 1M").
MAX_MATCHES_DATES_APART = 0.50
# A given name spelt otherwise (another transliteration, another school's or the other
# script's spelling: levels transliteration and arabic_script_equivalent) is the same name; a
# model that weighs it below this has learnt one list's own spellings, its namesakes, as the
# match class.  drawn1477 20k (a camp's list beside an office's Russian spellings, few people
# twice within a list): EM weighed the same name transliterated -6.5 bits and in another
# school's spelling -13.9, every check above passed it, and it scored F1 0.07 where the
# shipped parameters score 0.66.  On 45 other populations the lowest were -0.57 and -1.93
# (bench/RESULTS.md, "forty-second session").
MIN_SPELLING_WEIGHT = -5.0
# A trained model also keeps, as its sceptic (``Model.sceptic``), its weights taken this share of
# the way (in log odds) toward the model EM started from (the shipped parameters, or the model
# given), scaled by the share of candidate pairs whose records carry father's, grandfather's or
# mother's names; each level weighs the lesser of the two.  EM on one population's candidate
# pairs learns its mix of namesakes with its duplicates: on populations drawn at random
# (bench/RESULTS.md, "sixteenth session"), at 200k its prior was twice the true share of
# matches and its share of matches with birth years apart 0.39 against 0.15 (drawn3; drawn6:
# 0.41 against 0.19), and the shipped parameters alone scored those runs better (F1 0.63 ->
# 0.77, 0.64 -> 0.72); but not others (skewed_names 200k 0.955 -> 0.933), nor lists without
# lineage names, whose errors the shipped model, learnt on registers that carry them, does not
# know (FEBRL 3: 0.951 -> 0.937, a typo'd day of birth weighed +5 bits by EM and -2 by the
# shipped model).  Taking the weights halfway everywhere also raised what the shipped model
# over-weighs: on a population of namesake children and 2 % duplicates, where EM is right,
# precision fell 0.92 -> 0.72.  Only the more sceptical of the two, then: a wrong merge costs
# more than a missed one.  Kept with m learnt per record (DENSITY_WEIGHTED_M): without it F1 rose
# by recall on most draws but precision fell on every draw that trains (drawn3 200k 0.957 ->
# 0.886; bench/RESULTS.md, "seventeenth session").
TOWARD_SHIPPED = 0.5
# Not scaled so where the trained model expects more than this many times the matches the
# shipped model expects among the candidate pairs whose given names do not disagree: its match
# class has grown beyond one person's records into namesakes.  A checkpoint's list of given
# name, one more name and a year, most persons once (drawn1424 20k): the trained model expected
# 1.9 times the shipped model's matches, 2.6 times the true ones, most of them pairs of one
# given name and year with no lineage name compared (26 times the true ones there); F1 0.64,
# with the sceptic halfway 0.78, the shipped parameters 0.75.  Of 147 other populations one
# was over it (drawn1462, 1.77: 0.7234 -> 0.7191) and the rest at most 1.28 (FEBRL 3,
# drawn1527: models that are right); set between, once (bench/RESULTS.md, "forty-third
# session").
MAX_EXPECTED_OVER_SHIPPED = 1.5
# Whether m is learnt on the candidate pairs weighed by density_weights (module docstring, 5).
# Measured in bench/RESULTS.md, "seventeenth session": on populations drawn at random, 200k,
# the learnt prior came to the true share of matches (drawn3: 0.042 -> 0.023, true 0.021) and
# F1 rose by 0.005 on average, by up to 0.035; FEBRL 1-4 unchanged.
DENSITY_WEIGHTED_M = True
# EM's second stage (u and the prior on all pairs, with m held from the first) may take the
# duplicates for non-matches: u then rises on every level where they agree, until they look
# like strangers, and no check against the shipped model tells that from a population whose
# namesakes the shipped model takes for matches.  Holding the shipped m and learning u and the
# prior did so on drawn1938 20k (F1 0.5648 -> 0.3445), drawn1934 (0.8342 -> 0.6647) and
# drawn2000 (0.7625 -> 0.6508), and passed every check (bench/RESULTS.md, "fifty-third
# session").  The first stage's own model, its prior learnt on all pairs with its m and u held,
# is the reference: there the collapsed second stage expected 0.02, 0.00 and 0.15 of its
# matches; on the 165 tuning populations it expected 0.69 (drawn1933) to 1.30 of them, median
# 1.01, and on the namesake children of the tests 1.03 to 1.11 (bench/RESULTS.md, "fifty-fourth
# session").  Below this share the first stage's u is kept (its prior learnt on all pairs), and
# the report warns.  Kept so on every run, that reading cost drawn1943 0.013 and drawn1946
# 0.012 (the second stage at 0.73 and 0.74 was right there) and moved the others by less.
MIN_SECOND_STAGE_SHARE = 0.5
# Runs whose strata priors (plain_prior_shift, source_prior_shift) are learnt on the records:
# trained, and fallen back (module docstring, 3).  A model given and not trained keeps its own.
LEARNS_STRATA = ("trained", "fell back")


@dataclass
class ModelReport:
    """How the model that scored a run came about, for a person deciding whether to trust it."""

    model: Model
    records: int
    candidate_pairs: int
    status: str  # "trained", "fell back", "not trained", "given"
    reason: str = ""
    starts: list[dict[str, object]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Bits added to the weight of pairs of a record without lineage names and one with them,
    # and of two records without (deduplication: plain_prior_shift).
    plain_shift: float = 0.0
    plain_pair_shift: float = 0.0
    # Bits added to the weight of pairs of two records of one source (deduplication:
    # source_prior_shift).
    same_source_shift: float = 0.0
    # What EM on that prior alone learnt, where the clear pairs' share lowered it
    # (SAME_SOURCE_CLEAR_RATIO) or the floor held it (SAME_SOURCE_SHIFT_FLOOR); else None.
    same_source_em: float | None = None
    # Whether the clear pairs' share lowered it, and whether it was then held at the floor.
    same_source_lowered: bool = False
    same_source_floor: bool = False
    # Pairs of sources between whose records the model expected more matches than the smaller
    # holds records (deduplication: pipeline.over_capacity): their names, the matches expected
    # and the smaller's records.
    source_capacity: list[tuple[str, str, float, int]] = field(default_factory=list)
    # Where a trained model was over it and kept, the fallback that expected no fewer (its
    # name: "shipped parameters" or "given parameters"); else "".
    source_capacity_kept: str = ""
    # Pairs accepted below the threshold as each other's clear best (deduplication: a record
    # with at most one lineage name and one with more, or two records of two sources;
    # pipeline.clear_best_pairs).
    clear_best: int = 0
    # Candidate pairs found only in blocks over the cap, weighed ``REACH_SHIFT`` bits less
    # (deduplication: reach_shift).
    reach_pairs: int = 0
    # How far the trained weights were taken toward the start's (TOWARD_SHIPPED), and the
    # start's name ("shipped" or "given").
    toward_start: tuple[float, str] = (0.0, "")
    # Whether m was learnt with the pairs weighed by density_weights.
    density_weighted: bool = False
    # Records in persons that hold three or more records of one source (deduplication:
    # pipeline.crowded_records), and those persons.
    crowded_records: int = 0
    crowded_persons: int = 0
    # Records whose names were compared otherwise than written, by reading
    # (``prepare.Prepared.readings``).
    readings: dict[str, int] = field(default_factory=dict)
    # Records whose nationality was taken for their list's default and not compared, by list
    # and value ("careless: SYR"; deduplication: default_values).
    defaults: dict[str, int] = field(default_factory=dict)
    # Records whose nationality may be their list's default, with odds below DEFAULT_MIN_ODDS:
    # compared, and weighed as a mixture (default_shift), by list, value and odds
    # ("careless: SYR (odds 0.43)").
    likely_defaults: dict[str, int] = field(default_factory=dict)
    # Whether the model was trained again on the candidate pairs across sources only, because
    # the first model's clusters were crowded (pipeline._retried), and the crowded records then.
    retrained_across_sources: bool = False
    first_crowded_records: int = 0
    # Persons added by holding each to at most cluster.SOURCE_CAP records of one source, on a
    # crowded run (pipeline._capped).
    source_cap_persons: int = 0
    # The plain-and-lineage stratum's own model (deduplication: pipeline.plain_model_shift):
    # "used", "not used" (its expected matches not clearly above the pooled model's),
    # "implausible" (more than PLAIN_MODEL_MATCHES_PER_RECORD for each of the stratum's plain
    # records), "not trained" (too few pairs, or its training fell back), "given" (saved with
    # a model given), or "" (not tried); the stratum's pairs and plain records, and the matches
    # each model expects among them.
    plain_model: str = ""
    plain_model_pairs: int = 0
    plain_model_records: int = 0
    plain_model_expected: tuple[float, float] = (0.0, 0.0)  # (pooled, own)
    # What the names' frequencies added to the pairs that agree on them, per field
    # (deduplication: frequency.frequency_shift; frequency.FieldFrequency).
    frequency: list = field(default_factory=list)

    def _same_source_how(self) -> str:
        """How the prior of pairs within one source came to be, where EM alone did not set it."""
        if self.same_source_em is None:
            return ""
        how = [f"EM on it alone learnt {self.same_source_em:+.2f}"]
        if self.same_source_lowered:
            to = "toward" if self.same_source_floor else "to"
            how.append(f"lowered {to} the share of clear pairs found within one source")
        if self.same_source_floor:
            how.append(
                f"held at the floor, where a pair of {SAME_SOURCE_CLEAR_WEIGHT:g} bits or more "
                "is still accepted"
            )
        return "; " + ", ".join(how)

    @property
    def pairs_per_record(self) -> float:
        return self.candidate_pairs / self.records if self.records else 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "reason": self.reason,
            "records": self.records,
            "candidate_pairs": self.candidate_pairs,
            "pairs_per_record": round(self.pairs_per_record, 2),
            "prior": self.model.prior,
            "plain_shift": round(self.plain_shift, 3),
            "plain_pair_shift": round(self.plain_pair_shift, 3),
            "same_source_shift": round(self.same_source_shift, 3),
            "same_source_em": None
            if self.same_source_em is None
            else round(self.same_source_em, 3),
            "same_source_lowered": self.same_source_lowered,
            "same_source_floor": self.same_source_floor,
            "source_capacity": [
                {"sources": [a, b], "expected": round(e, 1), "smaller_records": r}
                for a, b, e, r in self.source_capacity
            ],
            "source_capacity_kept": self.source_capacity_kept,
            "clear_best": self.clear_best,
            "reach_pairs": self.reach_pairs,
            "toward_start": round(self.toward_start[0], 3),
            "density_weighted": self.density_weighted,
            "crowded_records": self.crowded_records,
            "crowded_persons": self.crowded_persons,
            "retrained_across_sources": self.retrained_across_sources,
            "first_crowded_records": self.first_crowded_records,
            "source_cap_persons": self.source_cap_persons,
            "plain_model": self.plain_model,
            "plain_model_pairs": self.plain_model_pairs,
            "plain_model_records": self.plain_model_records,
            "plain_model_expected": [round(x, 1) for x in self.plain_model_expected],
            "frequency": [
                {
                    "field": f.field,
                    "pairs": f.pairs,
                    "lowest": round(f.lowest, 2),
                    "highest": round(f.highest, 2),
                    "commonest": f.commonest,
                    "commonest_bits": round(f.commonest_bits, 2),
                }
                for f in self.frequency
            ],  # fmt: skip
            "starts": self.starts,
            "readings": self.readings,
            "defaults": self.defaults,
            "likely_defaults": self.likely_defaults,
            "warnings": self.warnings,
            "weights": weights_by_level(self.model),
        }

    def lines(self) -> list[str]:
        """The report as a few lines of text (``muster match`` prints it to stderr)."""
        out = [
            f"model: {self.status}" + (f" ({self.reason})" if self.reason else ""),
            f"records {self.records:,}, candidate pairs {self.candidate_pairs:,} "
            f"({self.pairs_per_record:.1f} per record), prior {self.model.prior:.4g}",
        ]
        own_model = self.plain_model in ("used", "given")
        if own_model and self.plain_pair_shift:
            # The first stratum is scored by its own model (the line below), not by a shift.
            out.append(
                f"pairs of two records without lineage names: {self.plain_pair_shift:+.2f} bits "
                "(their own prior)"
            )
        elif not own_model and (self.plain_shift or self.plain_pair_shift):
            out.append(
                "pairs with a record without lineage names: beside one with them "
                f"{self.plain_shift:+.2f} bits, of two without {self.plain_pair_shift:+.2f} bits "
                "(their own priors)"
            )
        if self.readings:
            out.append(
                "records whose names are compared otherwise than written (as the list writes "
                "them, not as the form asks): "
                + "; ".join(f"{what} {count:,}" for what, count in self.readings.items())
            )
        if self.defaults:
            out.append(
                "nationalities taken for a list's default (written far more often than the other "
                "lists write them) and not compared: "
                + "; ".join(f"{what} {count:,}" for what, count in self.defaults.items())
            )
        if self.likely_defaults:
            out.append(
                "nationalities that may be a list's default (written more often than the other "
                "lists write them), compared and weighed by those odds: "
                + "; ".join(f"{what} {count:,}" for what, count in self.likely_defaults.items())
            )
        if self.plain_model:
            out.append(self._plain_model_line())
        if self.same_source_shift:
            out.append(
                f"pairs of two records of one source: {self.same_source_shift:+.2f} bits "
                f"(their own prior{self._same_source_how()})"
            )
        for a, b, expected, records in self.source_capacity:
            out.append(
                f"matches expected between the records of {a} and those of {b}: "
                f"{expected:,.0f}, more than the {records:,} records of the smaller list "
                "(namesakes among the model's matches)"
                + (
                    f"; the {self.source_capacity_kept} expect no fewer: the trained model kept"
                    if self.source_capacity_kept
                    else ""
                )
            )
        if self.reach_pairs:
            out.append(
                f"pairs found only in blocks over the cap (common names, large towns): "
                f"{self.reach_pairs:,}, {REACH_SHIFT:+.2f} bits (fixed)"
            )
        if self.frequency:
            out.append(
                "names' frequencies (a rare name shared counts for more, a common one as its level says): "
                + "; ".join(
                    f"{f.field} {f.lowest:+.1f} to {f.highest:+.1f} bits "
                    f"({f.commonest} {f.commonest_bits:+.1f})"
                    for f in self.frequency
                )
            )
        if self.clear_best:
            out.append(
                f"pairs accepted below the threshold as each other's clear best (a thin list's "
                f"record and a registry's, or two lists' records): {self.clear_best:,}"
            )
        for s in self.starts:
            verdict = "kept" if s.get("kept") else str(s.get("problem") or "not kept")
            rounds = f"{s['rounds']} rounds"
            if s.get("rounds_u_prior"):
                rounds += f" for m, then {s['rounds_u_prior']} for u and the prior"
            rounds += "" if s.get("settled", True) else " (not settled)"
            if s.get("second_stage_lost"):
                rounds += " (the second lost the first's matches: the first's u kept)"
            out.append(
                f"EM from the {s['start']} start: {rounds}, "
                f"log-likelihood {s['log_likelihood']:.6g}: {verdict}"
            )
        if self.density_weighted:
            out.append(
                "m learnt with each candidate pair weighed 1 / the candidate pairs of the busier "
                "of its records (namesake crowds do not outvote duplicates); u and the prior on "
                "all pairs"
            )
        if self.toward_start[0]:
            out.append(
                f"each level weighs the lesser of EM's weight and that weight taken "
                f"{self.toward_start[0]:.0%} of the way toward the {self.toward_start[1]} "
                "parameters' (log odds): EM on one population's pairs alone learns some of its "
                "namesakes as matches"
            )
        out.append("weights (log2 odds) per comparison level:")
        for name, levels in weights_by_level(self.model).items():
            if name == "lineage":
                out.append(
                    "  lineage (father, grandfather, family, mother; + agree, - disagree, "
                    ". missing): " + ", ".join(f"{k} {v:+.1f}" for k, v in levels.items())
                )
            else:
                out.append(f"  {name}: " + ", ".join(f"{k} {v:+.1f}" for k, v in levels.items()))
        out += [f"WARNING: {w}" for w in self.warnings]
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def _plain_model_line(self) -> str:
        head = "pairs of a record without lineage names and one with them"
        if self.plain_model == "given":
            return f"{head}: scored by their own model, saved with the model given"
        pooled, own = self.plain_model_expected
        if self.plain_model == "not trained":
            return (
                f"{head}: a model of their own was tried on their {self.plain_model_pairs:,} "
                "pairs and fell back; the pooled model scores them"
            )
        said = (
            f"a model of their own, trained on their {self.plain_model_pairs:,} pairs, expects "
            f"{own:,.0f} matches among them against the pooled model's {pooled:,.0f}"
        )
        if self.plain_model == "used":
            return f"{head}: {said}, and scores them (at least {PLAIN_MODEL_GATE}x)"
        if self.plain_model == "implausible":
            return (
                f"{head}: {said}, more than {PLAIN_MODEL_MATCHES_PER_RECORD:g} for each of their "
                f"{self.plain_model_records:,} records without lineage names: it has learnt "
                "namesakes as matches, not used; the pooled model scores them"
            )
        return f"{head}: {said}; not used (below {PLAIN_MODEL_GATE}x), the pooled model scores them"


def _lineage_label(level: int) -> str:
    marks = ""
    for _ in range(4):
        level, state = divmod(level, 3)
        marks += {0: ".", 1: "-", 2: "+"}[state]
    return marks[::-1]


def weights_by_level(model: Model) -> dict[str, dict[str, float]]:
    """{comparison: {level label: weight}}; lineage shows its 80 patterns as e.g. '++-.'."""
    w = model.weight_table()
    out: dict[str, dict[str, float]] = {}
    for j, (name, k) in enumerate(COMPARISONS.items()):
        if name == "lineage":
            out[name] = {_lineage_label(lv): round(float(w[j, lv + 1]), 2) for lv in range(1, k)}
        else:
            labels = LEVEL_LABELS[name]
            out[name] = {labels[lv]: round(float(w[j, lv + 1]), 2) for lv in range(k)}
    named = model.named_place_weights()
    if named is not None:
        labels = LEVEL_LABELS["place_of_origin"]
        out["place_of_origin where given and family names agree"] = {
            labels[lv]: round(float(named[lv]), 2) for lv in range(len(named))
        }
    return out


def _disagreement(
    trained: Model, shipped: Model, patterns: np.ndarray, counts: np.ndarray
) -> str | None:
    """Why ``trained`` has learnt another class than ``shipped`` on these patterns, or None.

    Pairs whose given names disagree are left out, as EM leaves them out (model.train_em).
    """
    given = trained.weight_table()[GIVEN]
    spelt = {
        label: float(given[level + 1])
        for level, label in ((3, "transliterated"), (2, "in another spelling"))
    }
    worst = min(spelt, key=spelt.get)
    if spelt[worst] < MIN_SPELLING_WEIGHT:
        return (
            f"it weighs a given name {worst} at {spelt[worst]:+.1f} bits: it has learnt one "
            "list's own spellings (its namesakes) as the match class"
        )
    date_m = np.asarray(trained.m["date_of_birth"], dtype=np.float64)
    apart = float(date_m[:2].sum() / max(date_m.sum(), 1e-12))
    if apart > MAX_MATCHES_DATES_APART:
        return (
            f"{apart:.0%} of its matches with two dates of birth are years apart or of other "
            "dates: it has learnt relatives, not one person"
        )
    keep = patterns[:, GIVEN] != 0
    patterns, counts = patterns[keep], counts[keep]
    wt = trained.match_weight(patterns)
    ws = shipped.match_weight(patterns)
    accepted = wt >= 0
    clearly_apart = ws <= -CLEAR_WEIGHT
    clearly_same = ws >= CLEAR_WEIGHT
    n_acc = counts[accepted].sum()
    wrong = counts[accepted & clearly_apart].sum()
    if n_acc and wrong / n_acc > MAX_ACCEPTED_APART:
        worst = np.flatnonzero(accepted & clearly_apart)
        top = worst[np.argmax(counts[worst])]
        return (
            f"it accepts {wrong / n_acc:.0%} of its matches from pairs the shipped model finds "
            f"clearly different, e.g. {describe(patterns[top])}"
        )
    n_same = counts[clearly_same].sum()
    lost = counts[clearly_same & ~accepted].sum()
    if n_same and lost / n_same > MAX_REJECTED_SAME:
        return (
            f"it rejects {lost / n_same:.0%} of the pairs the shipped model finds clearly the same"
        )
    return None


def describe(pattern: np.ndarray) -> str:
    """A comparison pattern in words: 'given_name exact, lineage +--., date_of_birth partial'."""
    parts = []
    for j, (name, _) in enumerate(COMPARISONS.items()):
        level = int(pattern[j])
        if level < 0 or name == "lineage_order":
            continue
        label = _lineage_label(level) if name == "lineage" else LEVEL_LABELS[name][level]
        parts.append(f"{name} {label}")
    return ", ".join(parts)


def stratum_prior_shift(model: Model, gamma: np.ndarray) -> float:
    """Bits to add to the match weight of pairs like ``gamma`` (a stratum of the candidate pairs
    the model was trained on) so that the prior is the share of matches among them: EM on the
    prior alone, m and u held, over the pairs EM trains on (given names not disagreeing).

    The prior EM learns is the share of matches among all candidate pairs.  Pairs with a record
    without lineage names (a plain list beside a registry) are another pool: on no_lineage 200k
    their matches are about 6 % against 3 % over all pairs, and the pooled prior left a pattern
    of given name, family name, birth year, sex and town agreeing at -2 bits while 52 % of its
    pairs were one person (bench/RESULTS.md, "fifth session: plain lists' blocking").  Never
    below the pooled prior: where the stratum holds fewer matches than the pool (a checkpoint
    list of given name, one name and a year beside a registry), its pairs have little but names
    to go on and are under-weighed already, and lowering them lost more true pairs than false
    (sparse 20k: -1.3 bits, F1 0.889 -> 0.880).  Fewer than ``MIN_PAIRS_FOR_TRAINING`` such
    pairs: no shift.
    """
    gamma = gamma[gamma[:, 0] != 0]
    if len(gamma) < MIN_PAIRS_FOR_TRAINING:
        return 0.0
    patterns, counts = pattern_counts(gamma)
    pooled = float(np.log2(model.prior / (1.0 - model.prior)))
    return max(0.0, _learnt_shift(model, model.match_weight(patterns) - pooled, counts))


def _learnt_shift(model: Model, factor: np.ndarray, counts: np.ndarray) -> float:
    """EM on the prior alone over patterns whose weight less the pooled prior is ``factor``:
    the bits to add to the pooled prior's log odds (of either sign)."""
    pooled = float(np.log2(model.prior / (1.0 - model.prior)))
    prior = model.prior
    for _ in range(EM_MAX_ITERATIONS):
        weight = np.clip(factor + np.log2(prior / (1.0 - prior)), -60, 60)
        new = float(np.average(1.0 / (1.0 + np.exp2(-weight)), weights=counts))
        new = min(max(new, 1e-9), 1 - 1e-9)
        if abs(new - prior) < 1e-9:
            break
        prior = new
    return float(np.log2(prior / (1.0 - prior))) - pooled


def source_codes(frame: pd.DataFrame) -> np.ndarray:
    """Per record (the frame's rows), an integer per distinct ``source``; -1 where it is empty."""
    if "source" not in frame:
        return np.full(len(frame), -1, dtype=np.int32)
    codes, uniques = _source_factors(frame)
    # The smallest integers that hold them: looked up for tens of millions of pairs.
    return codes.astype(np.min_scalar_type(-max(len(uniques), 1)))


def source_names(frame: pd.DataFrame) -> list[str]:
    """The sources ``source_codes`` numbers, by their code."""
    return [] if "source" not in frame else [str(x) for x in _source_factors(frame)[1]]


def _source_factors(frame: pd.DataFrame) -> tuple[np.ndarray, pd.Index]:
    values = frame["source"].fillna("").astype(str).str.strip()
    return pd.factorize(values.where(values != "", None), sort=False)


# A list's drop-down default (a nationality the form fills in): a value the list writes so much
# more often than the other lists that most of its records of it were not read from the person
# (``default_values``; the figures in bench/RESULTS.md, "Figures behind the engine's constants").
# The least odds that a record of the value is the default; the value's least and most share of
# the list's known values (from the most on, a list of one nationality); how far the list's other
# values may be from the others' mix (total variation distance); the least known values of the
# list, and of the other lists.
DEFAULT_MIN_ODDS = 0.5
DEFAULT_MIN_SHARE, DEFAULT_MAX_SHARE = 0.2, 0.95
DEFAULT_MAX_DISTANCE = 0.25
DEFAULT_MIN_RECORDS = 200
# Below ``DEFAULT_MIN_ODDS`` a record of the value may still be the default (a list that fills
# in its default on a fifth of its records, in a population a third of that nationality: odds
# 0.43): its nationality is then weighed as what it is, evidence that is the default with those
# odds and says nothing, else read from the person (``default_shift``).  From these odds on,
# and only where the list's excess over the others' share is this many standard errors (two
# lists drawn alike differ by chance).
DEFAULT_SOFT_MIN_ODDS = 0.1
DEFAULT_SOFT_MIN_Z = 4.0
DEFAULT_SOFT_OTHER_Z = 2.5


def default_odds(source: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per record, the odds that its value (a nationality: ``None`` unknown) is its list's
    default and not read from the person (0.0 where there is no such default): the list
    (``source``, codes per record, -1 unknown) writes it on a share ``s`` of its known values
    where the other lists together write it on ``o``; were the list the others' mix with a
    share ``d`` of its records filled in by default, ``s = d + (1 - d) o``, and a record of that
    value is a default with odds ``d / s``.  Only where the list's other values keep the others'
    mix (a list of one nationality, a foreign authority's of its own nationals, has no default
    to find), the list and the others each have ``DEFAULT_MIN_RECORDS`` known values, and the
    odds are at least ``DEFAULT_SOFT_MIN_ODDS`` with the excess ``DEFAULT_SOFT_MIN_Z`` standard
    errors from chance where they are below ``DEFAULT_MIN_ODDS``."""
    odds = np.zeros(len(values), dtype=np.float32)
    known = pd.notna(values) & (source >= 0)
    codes = np.unique(source[known])
    if len(codes) < 2:
        return odds
    vals = pd.Series(values[known], dtype=object)
    src = source[known]
    for code in codes:
        mine, theirs = vals[src == code], vals[src != code]
        if len(mine) < DEFAULT_MIN_RECORDS or len(theirs) < DEFAULT_MIN_RECORDS:
            continue
        s = mine.value_counts(normalize=True)
        o = theirs.value_counts(normalize=True)
        top = s.index[0]
        share, other = float(s.iloc[0]), float(o.get(top, 0.0))
        if not DEFAULT_MIN_SHARE <= share < DEFAULT_MAX_SHARE or other >= 1.0:
            continue
        d = (share - other) / (1.0 - other)
        if d <= 0 or d / share < DEFAULT_SOFT_MIN_ODDS:
            continue
        if d / share < DEFAULT_MIN_ODDS and not _soft_default(s, o, top, len(mine), len(theirs)):
            continue
        # The rest of the list's values in the others' mix (total variation distance).
        rest_s = s.drop(top) / max(1.0 - share, 1e-9)
        rest_o = o.drop(top, errors="ignore") / max(1.0 - other, 1e-9)
        distance = 0.5 * rest_s.sub(rest_o, fill_value=0.0).abs().sum()
        if distance > DEFAULT_MAX_DISTANCE:
            continue
        odds[(source == code) & (values == top)] = d / share
    return odds


def _soft_default(s: pd.Series, o: pd.Series, top: object, mine: int, theirs: int) -> bool:
    """Whether a list's top value (shares ``s`` of its ``mine`` known values, ``o`` of the other
    lists' ``theirs``) is over-represented as a default makes it, below ``DEFAULT_MIN_ODDS``:
    by ``DEFAULT_SOFT_MIN_Z`` standard errors, and with no other value over-represented by
    ``DEFAULT_SOFT_OTHER_Z`` (a default takes the same share from every other value; a list
    beside another list's default has all its values but that one over-represented, the top
    among them)."""

    def z(value: object) -> float:
        a, b = float(s.get(value, 0.0)), float(o.get(value, 0.0))
        error = np.sqrt(a * (1 - a) / mine + b * (1 - b) / theirs)
        return (a - b) / max(error, 1e-9)

    return z(top) >= DEFAULT_SOFT_MIN_Z and all(
        z(value) < DEFAULT_SOFT_OTHER_Z for value in s.index if value != top
    )


def default_values(source: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per record, whether its value is more likely its list's default than read from the
    person (``default_odds`` at least ``DEFAULT_MIN_ODDS``): such a value is not compared."""
    return default_odds(source, values) >= DEFAULT_MIN_ODDS


def default_shift(
    odds: np.ndarray, arrays: dict[str, np.ndarray], model: Model
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The bits that weigh a compared nationality as a mixture where either record's value may
    be its list's default with ``odds`` below ``DEFAULT_MIN_ODDS`` (per record; those from it
    on are not compared at all): with odds ``q`` that one of the two is a default, the
    comparison says nothing (a ratio of 1), else what ``model`` says (``2^w``), so the pair's
    ratio is ``q + (1 - q) 2^w``.  A disagreement at the floor of -3 bits beside a value
    defaulted with odds 0.43 weighs -1.0; an agreement of +1.5, +1.0.  [(mask, bits per pair
    of the mask)], or [] where no record has such odds."""
    soft = np.where(odds < DEFAULT_MIN_ODDS, odds, 0.0).astype(np.float32)
    if not soft.any():
        return []
    level = arrays["lv_nationality"]
    q = 1.0 - (1.0 - soft[arrays["rid_l"]]) * (1.0 - soft[arrays["rid_r"]])
    mask = (q > 0) & (level >= 0)
    if not mask.any():
        return []
    column = list(COMPARISONS).index("nationality")
    w = model.weight_table()[column, level[mask].astype(np.int64) + 1]
    q = q[mask].astype(np.float64)
    bits = np.log2(q + (1.0 - q) * np.exp2(w)) - w
    return [(mask, bits)]


def source_pairs(
    source: np.ndarray, arrays: dict[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Which candidate pairs join two records of one known source, and which of two known
    sources (``source``: codes per record, -1 unknown; a pair with an unknown end is neither)."""
    n = len(arrays["rid_l"])
    same, across = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    # A slice at a time: a million records' pairs took 0.4 GB of intermediates at the run's peak.
    for start in range(0, n, PATTERN_CHUNK):
        part = slice(start, start + PATTERN_CHUNK)
        left, right = source[arrays["rid_l"][part]], source[arrays["rid_r"][part]]
        known = (left >= 0) & (right >= 0)
        same[part] = known & (left == right)
        across[part] = known & (left != right)
    return same, across


class _Tally(PatternTally):
    """A ``PatternTally`` that also knows how many pairs it was given."""

    count = 0

    def add(self, part: np.ndarray, weights: np.ndarray | None = None) -> None:
        self.count += len(part)
        super().add(part, weights)


def _stratum_tallies(
    gamma: np.ndarray,
    train: np.ndarray,
    sides: tuple[np.ndarray, ...],
    shifts: list[tuple[np.ndarray, float | np.ndarray]],
) -> list[list[_Tally]]:
    """Per mask of ``sides`` (pairs within a source, across sources), per stratum (0: in none of
    ``shifts``' masks, else the last mask that holds the pair, 1-based), the patterns of the
    trained pairs whose given names do not disagree, with the stratum's bits per pair summed
    where they are one a pair.  A slice of the pairs at a time: their masks and kinds, whole,
    were 0.4 GB at a million records' peak."""
    per_pair = [False] + [isinstance(b, np.ndarray) for _, b in shifts]
    tallies = [[_Tally(gamma.shape[1], weighted) for weighted in per_pair] for _ in sides]
    taken = [0] * len(shifts)
    for start in range(0, len(gamma), PATTERN_CHUNK):
        part = slice(start, start + PATTERN_CHUNK)
        levels = gamma[part]
        usable = train[part] & (levels[:, 0] != 0)
        kind = np.zeros(len(levels), dtype=np.int8)
        marked = [mask[part] for mask, _ in shifts]
        for i, mask in enumerate(marked):
            kind[mask] = i + 1
        for k in range(len(shifts) + 1):
            these = kind == k
            these &= usable
            bits = shifts[k - 1][1] if k else None
            for side, tally in zip(sides, tallies, strict=True):
                rows = these & side[part]
                if isinstance(bits, np.ndarray):
                    mine = bits[taken[k - 1] : taken[k - 1] + int(marked[k - 1].sum())]
                    tally[k].add(levels[rows], mine[rows[marked[k - 1]]])
                else:
                    tally[k].add(levels[rows])
        for i, mask in enumerate(marked):
            if isinstance(shifts[i][1], np.ndarray):
                taken[i] += int(mask.sum())
    return tallies


def source_prior_shift(
    source: np.ndarray,
    arrays: dict[str, np.ndarray],
    gamma: np.ndarray,
    model: Model,
    report: ModelReport,
    shifts: list[tuple[np.ndarray, float | np.ndarray]] | None,
) -> list[tuple[np.ndarray, float]] | None:
    """Deduplication: the candidate pairs of two records from one source (``source``: codes
    per record, -1 unknown), and the bits added to their weight (``Model.same_source_shift``,
    never above 0), kept in the report.

    A registration list rarely holds one person twice: its clerks look a person up before
    registering them again, and a person who comes back is found.  Most duplicates in a
    registry pair records of two sources (a reception desk's and a camp's list, a register
    and an authority's list), while most candidate pairs within one large list are its
    namesakes.  The pooled prior gives both the same odds; on a registry of namesake cousins
    (given, father and family names shared) and few duplicates, 94 % of the true pairs are
    across sources while 85 % of the candidate pairs are within one (bench/RESULTS.md, "tenth
    session").  The stratum's prior is learnt on its own pairs, by EM on the prior alone with
    the model's weights (and ``shifts``, the plain strata's bits: a number a stratum, or one a
    pair where a stratum is scored by its own model) held.  Only down: pairs
    across sources keep the pooled prior, as the comparisons already carry much of what
    tells two lists' records apart (one list's spelling school, a year-only date, a name
    left out), and lifting them by their own prior counted that twice (two desks' lists of
    namesake children, tests/identity/test_training.py: precision 0.91 -> 0.68).  Pairs with a
    record of unknown source are not shifted; nor is a list of one source (also by a model
    given), or one with fewer than ``MIN_PAIRS_FOR_TRAINING`` trained pairs within a source or
    across.
    """
    learn = report.status in LEARNS_STRATA
    if not learn and not model.same_source_shift:
        return None
    same, across = source_pairs(source, arrays)
    if learn:
        model.same_source_shift = 0.0
        report.same_source_em = None
        report.same_source_lowered = report.same_source_floor = False
        bits = [0.0] + [b for _, b in shifts or ()]
        tallies = _stratum_tallies(gamma, arrays["train"], (same, across), shifts or [])
        if min(int(sum(t.count for t in side)) for side in tallies) >= MIN_PAIRS_FOR_TRAINING:
            pooled = float(np.log2(model.prior / (1.0 - model.prior)))

            def factors_of(side: list[_Tally]) -> tuple[np.ndarray, np.ndarray]:
                """The weights less the pooled prior of these pairs' patterns (with their
                strata's bits), and how many pairs each stands for."""
                factors, counts = [], []
                for tally, b in zip(side, bits, strict=True):
                    if not tally.count:
                        continue
                    patterns, (n, *summed) = tally.result()
                    if isinstance(b, np.ndarray):
                        # Bits per pair (a stratum scored by its own model): one value per
                        # pattern, as they are the difference of two models' weights of it.
                        b = summed[0] / n
                    factors.append(model.match_weight(patterns) - pooled + b)
                    counts.append(n)
                return np.concatenate(factors), np.concatenate(counts)

            factor, counts = factors_of(tallies[0])
            learnt = _learnt_shift(model, factor, counts)
            em = min(0.0, learnt)
            if SAME_SOURCE_CLEAR_RATIO:
                lowered = _clear_ratio_shift(pooled, factor, counts, *factors_of(tallies[1]),
                                             learnt)  # fmt: skip
                report.same_source_lowered = bool(lowered < em)
                learnt = min(learnt, lowered)
            report.same_source_floor = bool(learnt < SAME_SOURCE_SHIFT_FLOOR)
            if report.same_source_lowered or report.same_source_floor:
                report.same_source_em = em
            model.same_source_shift = min(0.0, max(learnt, SAME_SOURCE_SHIFT_FLOOR))
    report.same_source_shift = model.same_source_shift
    if not across.any():
        # One source: every pair is within it, and a model given scores it as training on
        # it would (no shift), not with the shift of the lists it was trained on.
        return None
    return [(same, model.same_source_shift)]


# The stratum's prior learnt by EM on the prior alone follows the model's weights, and where
# those overweigh one list's namesakes (a checkpoint's given and father's names and a year) it
# stays far above the truth: drawn1636 20k, 135 of 126,506 pairs within its checkpoint's list are
# one person where the model expected 1,260, and EM learnt -0.95 bits.  The pairs that match
# clearly (``SAME_SOURCE_CLEAR_WEIGHT`` or more, before this shift) are far less often one list's
# namesakes: the share of them within one source against across sources (log2, 12 populations
# at 20k) was -2.8 where the truth's share of matches is -4.2 and the model's -1.4 (drawn1636),
# -3.2 / -4.3 / -2.2 (drawn1248), -5.0 / -5.1 / -2.8 (drawn1630), and below the model's, never
# below the truth's, on the rest (bench/RESULTS.md, "forty-fifth session").  So the stratum's
# shift is also lowered until the model expects matches within a source, per pair, no more
# often against across sources than that share says; never raised.  Skipped where either
# stratum has fewer than ``SAME_SOURCE_CLEAR_MIN_PAIRS`` clear pairs.
SAME_SOURCE_CLEAR_RATIO = True
SAME_SOURCE_CLEAR_WEIGHT = 8.0
SAME_SOURCE_CLEAR_MIN_PAIRS = 20
# ... and never so low that a clear pair (``SAME_SOURCE_CLEAR_WEIGHT`` bits before the shift) is
# rejected on its list's prior alone: two registrations of one person at one desk that agree on
# that much are flagged.  -(8 + log2(0.7 / 0.3)): the shift that takes 8 bits to deduplication's
# threshold (pipeline.DEDUPE_THRESHOLD, a probability of 0.3).  At 200k EM on that prior alone
# learnt -11.75 bits on drawn307 (fell back), where the truth's share of matches within its
# lists against across is -5.7 bits and the model's was -9.4; F1 0.8150 -> 0.8234.  Derived,
# not tuned (-8 was tried at 200k first: drawn304, 305, 307 up).  Elsewhere it bound on 2 of 135
# populations at 20k (drawn1673 +0.0043, drawn1740 +0.0055) and on none of the 42 tuning runs,
# 12 other runs at 200k or no_lineage 1M (bench/RESULTS.md, "forty-fifth session").
SAME_SOURCE_SHIFT_FLOOR = -(SAME_SOURCE_CLEAR_WEIGHT + float(np.log2(0.7 / 0.3)))


def _clear_ratio_shift(
    pooled: float,
    within: np.ndarray,
    within_counts: np.ndarray,
    across: np.ndarray,
    across_counts: np.ndarray,
    learnt: float,
) -> float:
    """The shift (bits) at which the pairs within a source (``within``: their weights less the
    pooled prior ``pooled``, with ``within_counts``) are expected to match, per pair, as much less
    often than the pairs across sources as the clear pairs are found within one (see
    ``SAME_SOURCE_CLEAR_RATIO``); ``learnt`` where they already are, or where the clear pairs
    are too few to say."""
    clear_w = within_counts[within + pooled >= SAME_SOURCE_CLEAR_WEIGHT].sum()
    clear_a = across_counts[across + pooled >= SAME_SOURCE_CLEAR_WEIGHT].sum()
    if min(clear_w, clear_a) < SAME_SOURCE_CLEAR_MIN_PAIRS:
        return learnt
    share = (clear_w / within_counts.sum()) / (clear_a / across_counts.sum())

    def rate(weights: np.ndarray, counts: np.ndarray, shift: float) -> float:
        return expected_matches(weights + pooled + shift, counts) / float(counts.sum())

    target = share * rate(across, across_counts, 0.0)
    if rate(within, within_counts, learnt) <= target:
        return learnt
    low, high = learnt - 30.0, learnt
    for _ in range(40):
        mid = (low + high) / 2
        if rate(within, within_counts, mid) > target:
            high = mid
        else:
            low = mid
    return low


# Pairs found only by the rules that reach into blocks over the cap (``prepare.SCORED_ONLY``),
# between two records with lineage names: records that share a common given name, father's name,
# town and year (or family name and year) with dozens of others, so that agreement on those is
# no coincidence among them, as the weights (u from random pairs) take it to be.  EM's prior is
# learnt on the other pairs, and on skewed_names 1M only 45 % of these pairs that were accepted
# were one person.  A fixed number of bits, measured (bench/RESULTS.md, "fourteenth session"):
# learning it as the plain strata's is learnt (EM on the prior alone) gave -0.6 bits, as the
# same agreements that select the pairs also raise their weights.
REACH_SHIFT = -2.0


def reach_shift(
    prepared: Prepared, arrays: dict[str, np.ndarray], report: ModelReport
) -> list[tuple[np.ndarray, float]]:
    """The candidate pairs of two records with lineage names found only by the rules of
    ``prepare.SCORED_ONLY``, and ``REACH_SHIFT`` (their number kept in the report)."""
    plain = prepared.frame["plain"].notna().to_numpy()
    reached = ~arrays["train"] & ~plain[arrays["rid_l"]] & ~plain[arrays["rid_r"]]
    report.reach_pairs = int(reached.sum())
    return [(reached, REACH_SHIFT)] if report.reach_pairs else []


def plain_prior_shift(
    prepared: Prepared,
    arrays: dict[str, np.ndarray],
    gamma: np.ndarray,
    model: Model,
    report: ModelReport,
) -> list[tuple[np.ndarray, float]] | None:
    """Deduplication: the candidate pairs with a record without lineage names, as two strata,
    and the bits added to each one's weight (``Model.plain_shift``, ``Model.plain_pair_shift``),
    kept in the report.

    The strata: a record without lineage names and one with them (a plain list's person found
    in the registry beside it), and two records without (a plain list's own duplicates, or two
    plain lists').  Their shares of matches differ as a list's links to a registry differ from
    its duplicates: on no_lineage 200k 9 % of the first are one person and 0.35 % of the
    second, and one shift for both (+1.2 bits, from the first) accepted plain-plain pairs of
    given name, family name and year of which six in seven were namesakes (bench/RESULTS.md,
    "eighth session").  Each stratum's prior is learnt on its own pairs
    (``stratum_prior_shift``); a list of plain records alone is one stratum, as before.

    A model trained here (or fallen back to) learns the shifts and keeps them, so that ``save``
    carries them; a model given and not trained scores with the shifts it was saved with.
    ``link`` and screening score with the model's weights alone.  The first stratum may be
    scored by a model of its own instead (``Model.plain_model``; pipeline.plain_model_shift).
    """
    learn = report.status in LEARNS_STRATA
    if not learn and not (model.plain_shift or model.plain_pair_shift or model.plain_model):
        return None
    plain = prepared.frame["plain"].notna().to_numpy()
    left, right = plain[arrays["rid_l"]], plain[arrays["rid_r"]]
    across, within = left ^ right, left & right
    del left, right
    if learn:
        model.plain_shift = stratum_prior_shift(model, gamma[across & arrays["train"]])
        model.plain_pair_shift = stratum_prior_shift(model, gamma[within & arrays["train"]])
    report.plain_shift = model.plain_shift
    report.plain_pair_shift = model.plain_pair_shift
    return [(across, model.plain_shift), (within, model.plain_pair_shift)]


# Deduplication scores the candidate pairs of a record without lineage names and one with them
# (a plain list's record beside a registry's) by a model of their own, trained on those pairs by
# the same guarded training (pipeline.plain_model_shift), where that model expects at least this
# many times the matches among them that the pooled model (with ``plain_shift``) expects.
# Measured (bench/RESULTS.md, "twenty-second session" and "twenty-third session"): on some
# populations drawn at random the pooled model, learnt mostly on pairs with lineage on both
# sides, weighs that stratum as if a half to a third of its matches were there (drawn36, 20k,
# seed 3: 5,207 true matches, 2,106 expected), and the stratum's prior alone (plain_shift)
# learns 0 there.  Used on every run, the stratum's own model moved as many runs down as up
# (80 runs, seed 3: 24 up, 26 down); from this ratio (chosen on drawn1-80, seed 3), on three
# sets of 80 populations never seen before (drawn81-320, seed 1): 5 up / 1 down, 6 / 0 and 7 / 3
# (drawn98 0.67 -> 0.84, drawn293 0.70 -> 0.81).  1.25 was tried and not taken (a run lost 0.011).
PLAIN_MODEL_GATE = 1.6
# ... and never where it expects more matches among them than this many for each of their records
# without lineage names.  A plain list's record is one person, who has a record or two in the
# registry beside it: the true matches per such record were 0.17 to 1.56 on the 33 populations
# measured when it was set (20k and 200k), and up to 1.73 on 40 more at 200k (drawn108).  A
# model of the stratum expecting more has learnt namesakes as matches, as EM on names, date,
# sex and town alone does once a registry holds many of them:
# drawn98 expected 0.79 a record at 20k (true 0.92; F1 +0.16), 2.6 at 200k (true 0.83; +0.07,
# given up here) and 3.9 at 1M (true 0.80; F1 0.640 -> 0.615: 720,000 false pairs accepted, not
# 170,000); it lowered russian_by_ear and skewed_names at 200k at 3.9 and 6.3 a record
# (bench/RESULTS.md, "twenty-third session").
PLAIN_MODEL_MATCHES_PER_RECORD = 2.0
# Off: deduplication does not learn the stratum's own model (a model given that carries one
# still scores with it).  At 20k it moved 18 populations up and 4 down of 240 never seen, but at
# 200k, on 40 never seen (drawn81-120, seed 1), it moved none up and two down, by 0.067 and
# 0.069 (drawn82, drawn118): there the pooled model already expected twice the true matches in
# the stratum and the stratum's model four to five times, and neither the gate nor the bound
# above can see that without the truth.  Turned off by a rule written before those runs
# (bench/RESULTS.md, "twenty-third session"); the next step is a gate that holds at 200k.
PLAIN_MODEL_LEARNT = False


def expected_matches(weight: np.ndarray, counts: np.ndarray | None = None) -> float:
    """The number of matches that pairs of these match weights (log2 odds) hold, in
    expectation (``counts``: how many pairs each weight stands for, else one)."""
    p = 1.0 / (1.0 + np.exp2(-np.clip(weight, -60, 60)))
    return float((p if counts is None else p * counts).sum())


def _copy(model: Model, constrained: bool = True) -> Model:
    """A new model with ``model``'s m, u and prior (nothing learnt on other records with it)."""
    return Model(dict(model.m), dict(model.u), model.prior, constrained=constrained)


def _fallback(base: Model, report: ModelReport) -> tuple[Model, ModelReport]:
    """The fallback model and its report: a copy of ``base`` (the strata's priors learnt on
    these records are not written into the model given, or the shipped one)."""
    fallback = _copy(base)
    fallback.sceptic = base.sceptic
    fallback.named_place = base.named_place
    report.model = fallback
    return fallback, report


def fallback_training(pairs: int, records: int, model: Model | None) -> tuple[Model, ModelReport]:
    """``guarded_training``'s fallback without EM, which reads no comparison levels: the model
    given (else the shipped one) and its report, of ``pairs`` candidate pairs trained on."""
    base = model or Model.default()
    label = "given" if model is not None else "shipped"
    return _fallback(base, ModelReport(base, records, pairs, "fell back", f"{label} parameters"))


def guarded_training(
    random_gamma: np.ndarray | None,
    gamma: np.ndarray,
    records: int,
    model: Model | None,
    train: bool,
    pair_weight: np.ndarray | None = None,
    fall_back: bool = False,
) -> tuple[Model, ModelReport]:
    """The model to score with, and its report (see the module docstring).

    ``random_gamma`` holds the comparison levels of random record pairs (for u); ``gamma``
    those of the candidate pairs.  ``model`` is the model given by the caller (else the
    shipped one); it is the fallback, and with ``train`` false it is used as it is.
    ``pair_weight`` (``density_weights``, one per candidate pair) weighs the pairs m is learnt
    from; without it m is learnt from every pair alike.  With ``fall_back`` the fallback without
    EM (deduplication scores with it where the trained model's clusters are crowded and its are
    less so: pipeline._fell_back).
    """
    shipped = Model.default()
    base = model or shipped
    label = "given" if model is not None else "shipped"
    n = len(gamma)
    if not train:
        return base, ModelReport(base, records, n, "given" if model else "not trained",
                                 "" if model else "training turned off")  # fmt: skip
    if fall_back:
        return fallback_training(n, records, model)
    if n < MIN_PAIRS_FOR_TRAINING or random_gamma is None:
        return base, ModelReport(
            base, records, n, "not trained",
            f"{n:,} candidate pairs, fewer than the {MIN_PAIRS_FOR_TRAINING:,} EM needs; "
            f"{label} parameters",
        )  # fmt: skip
    weighted = None
    if DENSITY_WEIGHTED_M and pair_weight is not None:
        patterns, counts, by_weight = weighted_pattern_counts(gamma, pair_weight)
        weighted = (patterns, by_weight)
    else:
        patterns, counts = pattern_counts(gamma)
    results = []
    for start_name, start in ((label, base), ("neutral", Model.initial())):
        cand = _copy(start)
        rounds, then, lost = _em(cand, random_gamma, gamma, (patterns, counts), weighted)
        # EM inside the constraints may circle without settling; what it reached is judged by
        # the same check as a settled result (on FEBRL, unconstrained, it swapped the classes).
        problem = _disagreement(cand, shipped, patterns, counts)
        results.append(
            (
                cand,
                {
                    "start": start_name,
                    "rounds": rounds,
                    "rounds_u_prior": then,
                    "settled": max(rounds, then) < EM_MAX_ITERATIONS,
                    "log_likelihood": round(cand.log_likelihood(patterns, counts), 1),
                    "problem": problem,
                    "kept": False,
                    "second_stage_lost": None if lost is None else [round(x, 1) for x in lost],
                },
            )
        )
    plausible = [r for r in results if r[1]["problem"] is None]
    starts = [r[1] for r in results]
    warnings = []
    # What EM learns here without the constraints: when that is another class, say so, as it
    # marks a population (many namesakes, few duplicates) on which no trained model is safe
    # without looking at a sample.
    # (Every pair alike, as plain EM: the danger is the population's, which the weighing hides.)
    free = _copy(base, constrained=False)
    free_rounds, _, _ = _em(free, random_gamma, gamma, (patterns, counts), None)
    free_problem = _disagreement(free, shipped, patterns, counts)
    starts.append({"start": f"{label} (unconstrained, diagnostic)", "rounds": free_rounds,
                   "log_likelihood": round(free.log_likelihood(patterns, counts), 1),
                   "problem": free_problem, "kept": False})  # fmt: skip
    if free_problem and plausible:
        warnings.append(
            f"EM without the constraints learns another class here ({free_problem}); the "
            "constrained model was kept: check a sample of its pairs"
        )
    if not plausible:
        first = starts[0]["problem"]
        warnings.append(
            f"training on these records gave an implausible model ({first}); scored with the "
            f"{label} parameters instead, which were not learnt on records like these: check a "
            "sample of the pairs before trusting the clusters"
        )
        return _fallback(base, ModelReport(base, records, n, "fell back", f"{label} parameters",
                                           starts, warnings))  # fmt: skip
    best, info = max(plausible, key=lambda r: r[1]["log_likelihood"])
    info["kept"] = True
    if info["second_stage_lost"]:
        mine, theirs = info["second_stage_lost"]
        warnings.append(
            f"EM's second stage (u and the prior on all pairs, m held) expected {mine:,.0f} "
            f"matches where its first stage expects {theirs:,.0f}: it took the duplicates for "
            "strangers, so the first stage's u was kept with its prior learnt on all pairs; "
            "check a sample of the pairs"
        )
    share = TOWARD_SHIPPED * lineage_share(patterns, counts)
    grown = _expected_over_shipped(best, shipped, patterns, counts)
    if grown is not None:
        share = TOWARD_SHIPPED
        warnings.append(
            f"the trained model expects {grown[0]:,.0f} matches among the candidate pairs where "
            f"the shipped parameters expect {grown[1]:,.0f}: it has learnt namesakes as matches, "
            f"so each weight is held to the lesser of its own and that weight taken "
            f"{share:.0%} of the way toward the {label} parameters'; check a sample of the pairs"
        )
    best.sceptic = _toward(best, base, share)
    learn_named_place(best, patterns, counts)
    best.trained_on = {"candidate_pairs": n, "em_iterations": info["rounds"],
                       "start": info["start"], "toward_start": round(share, 3)}  # fmt: skip
    if best.prior < 0.005:
        warnings.append(
            f"few candidate pairs look like duplicates (prior {best.prior:.2g}); check a sample "
            "of the pairs before trusting the clusters"
        )
    return best, ModelReport(best, records, n, "trained", "", starts, warnings,
                             toward_start=(share, label),
                             density_weighted=weighted is not None)  # fmt: skip


def _expected_over_shipped(
    trained: Model, shipped: Model, patterns: np.ndarray, counts: np.ndarray
) -> tuple[float, float] | None:
    """The matches ``trained`` and ``shipped`` expect among the candidate pairs whose given
    names do not disagree, where the first is over ``MAX_EXPECTED_OVER_SHIPPED`` times the
    second; else None."""
    mine, theirs = _expected_both(trained, shipped, patterns, counts)
    return (mine, theirs) if mine > MAX_EXPECTED_OVER_SHIPPED * max(theirs, 1.0) else None


def _expected_both(
    one: Model, other: Model, patterns: np.ndarray, counts: np.ndarray
) -> tuple[float, float]:
    """The matches each model expects among the candidate pairs (distinct ``patterns`` and
    their ``counts``) whose given names do not disagree, as EM counts them."""
    keep = patterns[:, GIVEN] != 0
    patterns, counts = patterns[keep], counts[keep]
    return expected_matches(one.match_weight(patterns), counts), expected_matches(
        other.match_weight(patterns), counts
    )


def learn_named_place(model: Model, patterns: np.ndarray, counts: np.ndarray) -> None:
    """The place's m and u among the pairs whose given and family names agree, from the
    trained ``model``'s posterior on those ``patterns`` (``model.NAMED_PLACE``), in place; left
    as they are (None) where fewer than ``NAMED_PLACE_MIN_PAIRS`` pairs are such."""
    if not model_module.NAMED_PLACE:  # read here, so that the switch is one for both
        return
    rows = named_rows(patterns)
    patterns, counts = patterns[rows], counts[rows]
    if counts.sum() < NAMED_PLACE_MIN_PAIRS:
        return
    k = COMPARISONS["place_of_origin"]
    level = patterns[:, PLACE].astype(np.int64)
    for _ in range(NAMED_PLACE_ROUNDS):
        p = model.probability(patterns)
        m = np.bincount(level, weights=p * counts, minlength=k)[:k] + 1e-6
        u = np.bincount(level, weights=(1 - p) * counts, minlength=k)[:k] + 1e-6
        model.named_place = {
            "m": [float(v) for v in m / m.sum()],
            "u": [float(v) for v in u / u.sum()],
        }


def _em(
    cand: Model,
    random_gamma: np.ndarray,
    gamma: np.ndarray,
    patterns: tuple[np.ndarray, np.ndarray],
    weighted: tuple[np.ndarray, np.ndarray] | None,
) -> tuple[int, int, tuple[float, float] | None]:
    """EM from ``cand`` (u from random pairs first): m from the ``weighted`` pattern counts and
    then u and the prior on all pairs with m held, or everything on all pairs; the rounds of
    each stage (the second 0 without weights), and where the second stage lost the first's
    matches (``second_stage_lost``) the matches each expects: ``cand`` then keeps the first
    stage's u, with its prior learnt on all pairs."""
    cand.estimate_u(random_gamma)
    if weighted is None:
        return cand.train_em(gamma, fix_u=U_FROM_RANDOM_PAIRS_ONLY, patterns=patterns), 0, None
    rounds = cand.train_em(gamma, fix_u=U_FROM_RANDOM_PAIRS_ONLY, patterns=weighted)
    first = _copy(cand)
    then = cand.train_em(gamma, fix_u=U_FROM_RANDOM_PAIRS_ONLY, patterns=patterns, fix_m=True)
    lost = second_stage_lost(cand, first, gamma, patterns)
    if lost is not None:
        refit, expected = lost
        cand.m, cand.u, cand.prior = dict(refit.m), dict(refit.u), refit.prior
        return rounds, then, expected
    return rounds, then, None


def second_stage_lost(
    final: Model, first: Model, gamma: np.ndarray, patterns: tuple[np.ndarray, np.ndarray]
) -> tuple[Model, tuple[float, float]] | None:
    """Whether EM's second stage (u and the prior on all pairs, m held) took the first stage's
    matches for non-matches: ``final`` expects fewer than ``MIN_SECOND_STAGE_SHARE`` of the
    matches that ``first`` (m and u learnt on the weighted pairs) expects with its prior learnt
    on all pairs, among the candidate pairs whose given names do not disagree.  That model and
    the two counts (``final``'s, ``first``'s) if so; else None."""
    refit = _copy(first)
    refit.train_em(gamma, fix_u=True, patterns=patterns, fix_m=True)
    mine, theirs = _expected_both(final, refit, *patterns)
    return (refit, (mine, theirs)) if mine < MIN_SECOND_STAGE_SHARE * max(theirs, 1.0) else None


def density_weights(rid_l: np.ndarray, rid_r: np.ndarray, one_list: bool) -> np.ndarray:
    """Each candidate pair's weight in learning m: 1 / the candidate pairs of the busier of its
    two records (``one_list``: both ends index one list; else the left and right lists)."""
    if not len(rid_l):
        return np.zeros(0, dtype=np.float32)
    # int32 counts and a float32 result: at 1M records there are 50M candidate pairs.
    if one_list:
        n = int(max(rid_l.max(), rid_r.max())) + 1
        busy = (np.bincount(rid_l, minlength=n) + np.bincount(rid_r, minlength=n)).astype(np.int32)
        left, right = busy[rid_l], busy[rid_r]
    else:
        left = np.bincount(rid_l).astype(np.int32)[rid_l]
        right = np.bincount(rid_r).astype(np.int32)[rid_r]
    np.maximum(left, right, out=left)
    del right
    out = left.astype(np.float32)
    del left
    np.reciprocal(out, out=out)
    return out


def _toward(model: Model, anchor: Model, share: float) -> dict[str, dict[str, list[float]]] | None:
    """``model``'s m and u taken ``share`` of the way toward ``anchor``'s in log odds (per
    comparison, normalised geometric means), as a sceptic (``Model.sceptic``); None at 0."""
    if share <= 0:
        return None
    out: dict[str, dict[str, list[float]]] = {"m": {}, "u": {}}
    for part in ("m", "u"):
        mine, theirs = getattr(model, part), getattr(anchor, part)
        for name in COMPARISONS:
            logs = (1 - share) * np.log(np.maximum(mine[name], 1e-12))
            logs += share * np.log(np.maximum(theirs[name], 1e-12))
            mean = np.exp(logs)
            out[part][name] = [float(v) for v in mean / mean.sum()]
    return out


__all__ = [
    "MIN_PAIRS_FOR_TRAINING",
    "RANDOM_PAIRS_FOR_U",
    "ModelReport",
    "density_weights",
    "describe",
    "fallback_training",
    "guarded_training",
    "lineage_pattern",
    "plain_prior_shift",
    "stratum_prior_shift",
    "weights_by_level",
]
