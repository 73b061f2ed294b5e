"""Name frequencies: a rare name shared is stronger evidence of one person than a common one.

The model weighs a comparison level alike whatever the names: two records that agree on the
given name Muhammad weigh as much as two that agree on Hamdiya, though among candidate pairs
the first is mostly namesakes and the second mostly one person.  This is the term-frequency
adjustment of record linkage (Winkler; Splink's ``tf_adjustment``): a pair that agrees on a
name of ``c`` records (of the ``n`` records that carry that field) has ``c - 1`` namesakes
to choose from where the average record has ``E[c - 1] = sum(c * (c - 1)) / n``, so it weighs

    log2(E[c - 1] / (c - 1))  bits

more than its level alone says, taken at ``FACTOR`` of its size and clipped to
``[0, CLIP]``: a rare name counts for more, a common one never for less.  The level's own
weight is learnt among candidate pairs, most of which agree on common names (blocking puts
them there), so it is already a common name's weight; lowering common names again lost true
pairs just below the threshold (FEBRL 1: recall 0.900 -> 0.870 with the negative side down to
-1 bit).  The counts are the records' own, so the screening index, which holds no candidate
pairs, weighs a pair as the batch does (``ScreeningIndex``).

A name's class is its Arabic canon (``NameKey.canon``), which Muhammad, Mohammed and محمد
share, else its folded Latin key (``key1``); a pair agrees on it at the levels
arabic_script_equivalent, transliteration and exact (a typo's two names are two classes), and
is counted as the commoner of its two classes.

Chosen on tuning runs (bench/RESULTS.md, "twenty-eighth session"): populations drawn at
random, 20k, drawn481-540, 47 up / 8 down (worst -0.0108, summed +0.39); FEBRL 1-4 all up
(+0.001 to +0.009).  Both sides (negative too): 48 / 7 and +0.43, but FEBRL 1 -0.017; the
share of candidate pairs in place of the records' (which the index cannot know): +0.26.
Judged on runs never seen: drawn225-236 200k 8 up / 3 down (worst -0.0048, median 0.778 ->
0.786), drawn541-580 20k 27 / 5 (worst -0.0035, median 0.900 -> 0.907), the named settings'
third seed 4 / 1 (-0.0007).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .names import NameKey
from .prepare import Prepared

# The name fields adjusted (the mother's name and the alias are rarely compared, the place of
# origin is not a name of the person).
FIELDS = ("given_name", "father_name", "family_name")
FACTOR = 0.5
CLIP = 5.0
AGREE_LEVEL = 2  # arabic_script_equivalent, transliteration, exact
# Fewer records carrying a field than this, and its names' frequencies are not read: among a
# handful of records every name is rare, and a cousin named like a man beside him would weigh
# as much more as a rare name's duplicate.
MIN_RECORDS = 1000
# Candidate pairs read at a time (at a million records there are fifty million).
CHUNK = 4_000_000


@dataclass
class FieldFrequency:
    """What the adjustment did to one field, for the model report."""

    field: str
    pairs: int  # candidate pairs agreeing on the field
    lowest: float  # bits, over those pairs
    highest: float
    commonest: str  # the commonest name's spelling, and its bits
    commonest_bits: float


def _classes(prepared: Prepared, field: str) -> np.ndarray:
    """Per record of ``prepared``, its name's class key ('' when it has none)."""
    table = prepared.names[field]
    ids = prepared.frame[f"{field}_id"].to_numpy()
    out = np.full(len(ids), "", dtype=object)
    if not len(table):
        return out
    canon = table["n_c"].to_numpy(dtype=object)
    # class_key, on the name table's columns
    key = np.where(canon != "", canon, table["n_k1"].to_numpy(dtype=object))
    by_id = np.full(int(table["id"].max()) + 1, "", dtype=object)
    by_id[table["id"].to_numpy()] = key
    known = ids >= 0
    out[known] = by_id[ids[known]]
    return out


def _spelling(prepared: Prepared, field: str, records: np.ndarray) -> str:
    """The spelling most of these records (row numbers) write their name in (for the report)."""
    ids = prepared.frame[f"{field}_id"].to_numpy()[records]
    table = prepared.names[field].set_index("id")["n_f"]
    return str(table.get(int(np.bincount(ids[ids >= 0]).argmax()), ""))


def class_key(key: NameKey) -> str:
    """A name's class: its Arabic canon, else its folded Latin key ('' for no name)."""
    return key.canon or key.key1


def frequency_bits(count: np.ndarray, pair_sum, known) -> np.ndarray:
    """The bits (0 or more) a pair agreeing on a name of ``count`` records weighs more
    (``pair_sum``: the sum of c * (c - 1) over the field's classes; ``known``: the records
    carrying the field; none below ``MIN_RECORDS``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = pair_sum / (known * np.maximum(np.asarray(count, dtype=np.float64) - 1.0, 1.0))
        bits = np.clip(np.log2(ratio), 0.0, CLIP) * FACTOR
    return np.where(np.asarray(known) >= MIN_RECORDS, bits, 0.0).astype(np.float32)


def frequency_shift(
    prepared: Prepared, arrays: dict[str, np.ndarray], fields: tuple[str, ...] = FIELDS
) -> tuple[list[tuple[np.ndarray, np.ndarray]], list[FieldFrequency]]:
    """The bits added to each candidate pair's weight (both ends index ``prepared``; a linkage
    is deduplicated as one list) for the frequency of the names it agrees on, as
    ``pipeline._score``'s shifts (one mask and its pairs' bits), and a summary per field."""
    rid_l, rid_r = arrays["rid_l"], arrays["rid_r"]
    n = len(rid_l)
    total = np.zeros(n, dtype=np.float32)
    summary = []
    for field in fields:
        level = arrays.get(f"lv_{field}")
        keys = _classes(prepared, field)
        known = keys != ""
        if level is None or not n or not known.any():
            continue
        code, uniques = pd.factorize(np.where(known, keys, None))  # -1: no name
        code = code.astype(np.int32)
        count = np.bincount(code[known], minlength=len(uniques)).astype(np.float64)
        pair_sum = float((count * (count - 1)).sum())
        if not pair_sum or known.sum() < MIN_RECORDS:
            continue  # no two records share a name, or too few records to tell common from rare
        bits = frequency_bits(count, pair_sum, int(known.sum()))
        agreeing = 0
        lowest, highest = np.inf, -np.inf
        for part in _chunks(n):
            agree, value = _values(level[part], code, rid_l[part], rid_r[part], count)
            add = bits[value[agree]]
            total[part][agree] += add
            agreeing += len(add)
            if len(add):
                lowest, highest = min(lowest, float(add.min())), max(highest, float(add.max()))
        if not agreeing:
            continue
        top = int(np.argmax(count))
        summary.append(
            FieldFrequency(
                field, agreeing, lowest, highest,
                _spelling(prepared, field, np.flatnonzero(code == top)), float(bits[top]),
            )
        )  # fmt: skip
    mask = total != 0
    if not mask.any():
        return [], summary
    return [(mask, total[mask])], summary


def _chunks(n: int) -> list[slice]:
    return [slice(start, start + CHUNK) for start in range(0, n, CHUNK)]


def _values(
    level: np.ndarray, code: np.ndarray, rid_l: np.ndarray, rid_r: np.ndarray, count: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Which of these pairs agree on the field, and each pair's value: the commoner of its two
    classes (-1 where a side has none)."""
    a, b = code[rid_l], code[rid_r]
    agree = (np.asarray(level) >= AGREE_LEVEL) & (a >= 0) & (b >= 0)
    value = np.where(count[np.maximum(a, 0)] >= count[np.maximum(b, 0)], a, b)
    return agree, value


__all__ = ["FieldFrequency", "class_key", "frequency_bits", "frequency_shift"]
