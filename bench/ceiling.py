"""The information ceiling of pairwise F1: what a matcher reading the records' fields could reach.

Muster's F1 on a setting says how well it does; this says how well a matcher could that decides
from the fields alone, so that the gap, not the figure, is what the engine is judged by (issue 9:
the sweep's weakest settings at 200k are far below 0.93; is it the records or the engine?).

**Fields.**  Every record becomes eleven codes (-1 when missing) through Muster's own reading
(``muster.identity.internals.prepare``): the seven name fields (given, father, grandfather,
family, mother, alias, place of origin), the birth year, the month and day (only for a precise
date: not year-only, not the 1 January default), sex, nationality.  A name's code is its
*spelling class*: names of a field are one class when their folded forms, either Latin key
(``key1``, ``key2``) or their Arabic canon agree, closed transitively; so Mohamed, Mohammed and
Muhammad are one value, while a typo (Mohamd) is another.

**Evidence and rivals.**  For a true pair (i, j) the *evidence* is the set of fields both carry
and agree on; the *noise* is the set both carry and disagree on (a typo, a year off by d, a
defaulted nationality).  A matcher that joins i and j forgives the noise, so it must forgive it
in anyone: a *rival* of the pair is a record l of another person that, for i (or for j), is at
least as good a partner: it carries every evidence field with i's value, contradicts i on no
other field both carry (noise fields aside; a year off by up to d is forgiven, no more).  With
r the number of persons having a rival record (the larger count of the two ends), the pair is
worth q = 1 / (1 + r): a matcher cannot tell its true partner from r equally good ones, and
joining one of the 1 + r at random is right that often (joining all is the same ratio).  A pair
with no name among its evidence has no rival (lenient).

**Ceiling.**  Joining a true pair costs one predicted pair and is worth q expected true pairs;
F1 = 2 sum(q) / (joined + T), T the true pairs, is largest when every pair with q at or above
a threshold is joined (a pair helps when q exceeds half the F1), so the ceiling is the best F1
over thresholds.  P and R printed are sum(q) / joined and sum(q) / T there.

**It is an upper bound, loosely, for a matcher that decides from the compared fields alone,
because every choice here favours the matcher:** the oracle knows which records are one person
and what noise separates them (typos, years off, wrong sex are forgiven however large, when no
rival fits as well); a rival must offer *at least* the same evidence (a namesake agreeing on
other fields, the stronger confusion for a weighing matcher, is not counted); narrow spelling
classes make a cross-script spelling that only the skeleton joins a *difference*; joins need not
be transitive; the rivals' own false pairs cost only through q.  What it does not give the
matcher: the source or record id (a list holding a person once) and name frequencies; a matcher
using them could beat 1 / (1 + r) on some pairs; and where Muster's keys join two names (Raad,
Raid and Riad share a key), a rival is counted that a finer comparison could tell apart.  So
read a gap of a few thousandths as none, and a gap of several hundredths as the engine's.

    PYTHONPATH=src .venv/bin/python bench/ceiling.py --runs sparse:200000:1,namesake:20000:1
    PYTHONPATH=src .venv/bin/python bench/ceiling.py --runs sparse:200000:1 --losses 15

Data are the sweep's cached populations (``bench/sweep.py``'s ``data_for``); Muster's clusters are
``muster match dedupe``'s, through the sweep's child process, kept beside the CSV.  ``--losses``
counts the true pairs the ceiling joins and Muster does not, by comparison pattern.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
import sweep  # noqa: E402
from identity_metrics import cluster_scores, true_pairs  # noqa: E402

NAME_FIELDS = ("given", "father", "grandfather", "family", "mother", "alias", "place")
FIELDS = (*NAME_FIELDS, "year", "monthday", "sex", "nationality")
_NAME_BITS = (1 << len(NAME_FIELDS)) - 1


# --------------------------------------------------------------------------- field codes


def _spelling_classes(table: pd.DataFrame) -> np.ndarray:
    """Class per name of a field's name table: names agreeing on the folded form, a Latin key or
    the canon are one class (closed transitively by propagating the smallest id)."""
    label = np.arange(len(table), dtype=np.int64)
    keys = [table[c].to_numpy(dtype=object) for c in ("n_f", "n_k1", "n_k2", "n_c")]
    while True:
        before = label.copy()
        for key in keys:
            frame = pd.DataFrame({"key": key, "label": label})
            frame = frame[frame["key"] != ""]
            low = frame.groupby("key")["label"].transform("min")
            np.minimum.at(label, frame.index.to_numpy(), low.to_numpy())
            label = label[label]  # follow chains
        if np.array_equal(label, before):
            return label


def field_codes(records: pd.DataFrame) -> np.ndarray:
    """An (n, 11) int64 array of the FIELDS' codes, -1 where a record lacks the field."""
    from muster.identity.internals.prepare import prepare

    prepared = prepare(records.fillna(""))
    frame = prepared.frame
    columns = []
    for field in prepared.names:  # comparisons.NAME_FIELDS, in NAME_FIELDS' order
        ids = frame[f"{field}_id"].to_numpy()
        table = prepared.names[field]
        lookup = np.full(max(int(ids.max(initial=-1)) + 1, 1), -1, dtype=np.int64)
        lookup[table["id"].to_numpy()] = _spelling_classes(table)  # ids index the unfiltered names
        columns.append(np.where(ids >= 0, lookup[np.maximum(ids, 0)], -1))
    year = frame["yr"].to_numpy(dtype="float64", na_value=np.nan)
    columns.append(np.where(np.isnan(year), -1, np.nan_to_num(year)).astype(np.int64))
    mo = frame["mo"].to_numpy(dtype="float64", na_value=0)
    dy = frame["dy"].to_numpy(dtype="float64", na_value=0)
    columns.append(np.where(frame["precise"].to_numpy(), mo * 100 + dy, -1).astype(np.int64))
    for col in ("sex", "nationality"):
        codes, _ = pd.factorize(frame[col].to_numpy(dtype=object))  # None -> -1
        columns.append(codes.astype(np.int64))
    return np.column_stack(columns).astype(np.int64)


# --------------------------------------------------------------------------- the ceiling


def _bits(flags: np.ndarray) -> np.ndarray:
    return (flags * (1 << np.arange(flags.shape[1]))).sum(axis=1)


def rivals(codes: np.ndarray, person: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """For each true pair (i, j), the number of other persons with a record that is, for record
    i, at least as good a partner as j (see the module docstring)."""
    year = FIELDS.index("year")
    ci, cj = codes[i], codes[j]
    both = (ci >= 0) & (cj >= 0)
    agree, differ = _bits(both & (ci == cj)), _bits(both & (ci != cj))
    tol = np.where(differ >> year & 1, np.abs(ci[:, year] - cj[:, year]), 0)
    carried = _bits(codes >= 0)
    counts = np.zeros(len(i), dtype=np.int64)
    groups = pd.DataFrame({"agree": agree, "differ": differ}).groupby(["agree", "differ"]).indices
    for (need, noise), rows in groups.items():
        if not need & _NAME_BITS:  # joined by no name: nobody else is taken for it (lenient)
            continue
        on = [bit for bit in range(len(FIELDS)) if need >> bit & 1]
        # Fields i carries beyond the evidence, which a rival must not contradict (noise aside).
        rest = [bit for bit in range(len(FIELDS)) if not (need | noise) >> bit & 1]
        pool = np.flatnonzero(carried & need == need)
        left = pd.DataFrame(codes[i[rows]][:, on + rest], columns=[*on, *(f"r{b}" for b in rest)])
        left["row"], left["person"] = rows, person[i[rows]]
        if noise >> year & 1:
            left["yi"], left["tol"] = codes[i[rows], year], tol[rows]
        right = pd.DataFrame(codes[pool][:, on + rest], columns=[*on, *(f"l{b}" for b in rest)])
        right["rival"] = person[pool]
        if noise >> year & 1:
            right["yl"] = codes[pool, year]
        joined = left.merge(right, on=on)
        ok = joined["rival"].to_numpy() != joined["person"].to_numpy()
        for b in rest:
            x, y = joined[f"r{b}"].to_numpy(), joined[f"l{b}"].to_numpy()
            ok &= (x < 0) | (y < 0) | (x == y)
        if noise >> year & 1:
            yl = joined["yl"].to_numpy()
            ok &= (yl < 0) | (np.abs(joined["yi"].to_numpy() - yl) <= joined["tol"].to_numpy())
        hits = joined.loc[ok, ["row", "rival"]].drop_duplicates()
        np.add.at(counts, hits["row"].to_numpy(), 1)
    return counts


def ceiling(records: pd.DataFrame, truth: np.ndarray) -> dict:
    """The information ceiling of one population (see the module docstring) and what it rests
    on: the records' codes, every true pair and its q."""
    _, person = np.unique(truth, return_inverse=True)
    codes = field_codes(records)
    a, b = true_pairs(person)
    # The rivals of either end, counted once per person: from both sides, then the larger
    # count of the two (lenient: one person seen from both ends counts once).
    alternatives = np.maximum(rivals(codes, person, a, b), rivals(codes, person, b, a))
    q = 1.0 / (1 + alternatives)
    result = best_threshold(q, len(a))
    result.update(true_pairs=len(a), records=len(person), codes=codes, a=a, b=b, q=q,
                  ambiguous_share=float(np.mean(alternatives > 0)) if len(a) else 0.0)  # fmt: skip
    return result


def best_threshold(q: np.ndarray, true_pair_count: int) -> dict[str, float]:
    """The F1-best choice of true pairs to join by q: each costs one predicted pair and is worth
    q expected true pairs; joining every pair with q at or above a threshold is best."""
    if not len(q) or true_pair_count == 0:
        return {"precision": 1.0, "recall": 1.0, "f1": 1.0, "threshold": 1.0, "joined": 0}
    qs = np.sort(q)[::-1]
    last = np.flatnonzero(np.r_[qs[1:] != qs[:-1], True])  # end of each block of equal q
    expected = np.cumsum(qs)[last]
    joined = last + 1
    f1 = 2 * expected / (joined + true_pair_count)
    best = int(np.argmax(f1))
    return {
        "precision": float(expected[best] / joined[best]),
        "recall": float(expected[best] / true_pair_count),
        "f1": float(f1[best]),
        "threshold": float(qs[last[best]]),
        "joined": int(joined[best]),
    }


# --------------------------------------------------------------------------- beside Muster


def data(setting: str, size: int, seed: int) -> tuple[Path, np.ndarray]:
    """The sweep's cached CSV and integer truth of one run (generated once, as the sweep does)."""
    csv_path, truth_path, _ = sweep.data_for(setting, size, seed, timeout=3600)
    return csv_path, np.load(truth_path)


def muster_labels(csv_path: Path) -> np.ndarray:
    """Muster's cluster labels for the CSV, as ``muster match dedupe`` gives them (the sweep's
    child process), kept beside the CSV so a second look costs nothing."""
    cached = csv_path.with_suffix(".muster.npy")
    if cached.exists():
        return np.load(cached)
    info = sweep.run_muster(csv_path, threads=2, timeout=7200)
    if "error" in info:
        raise RuntimeError(f"muster failed on {csv_path.name}: {info['error']}")
    np.save(cached, info["labels"])
    return info["labels"]


def pattern(codes: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A pair's comparison pattern, one letter per field: = agree, x differ, . missing."""
    ca, cb = codes[a], codes[b]
    letters = np.where((ca < 0) | (cb < 0), ".", np.where(ca == cb, "=", "x"))
    return np.array(["".join(row) for row in letters])


def losses(result: dict, labels: np.ndarray, top: int) -> list[str]:
    """The true pairs the ceiling joins (q at or above its threshold) and Muster does not,
    counted by comparison pattern, beside the same pattern's count among all joined pairs."""
    a, b, q, codes = result["a"], result["b"], result["q"], result["codes"]
    kept = q >= result["threshold"]
    a, b, q = a[kept], b[kept], q[kept]
    lost = labels[a] != labels[b]
    pat = pattern(codes, a, b)
    all_counts, lost_counts = Counter(pat), Counter(pat[lost])
    out = [
        f"ceiling joins {len(a):,} true pairs (q >= {result['threshold']:.3f}), Muster loses "
        f"{int(lost.sum()):,} ({lost.mean():.1%}) of them; of those, with a rival (q < 1): "
        f"{int((lost & (q < 1)).sum()):,}",
        "fields: " + " ".join(f"{i + 1}={f}" for i, f in enumerate(FIELDS)),
        f"{'pattern':<13} {'lost':>8} {'joined':>8} {'lost %':>7}",
    ]
    for pat_, n in lost_counts.most_common(top):
        out.append(f"{pat_:<13} {n:>8,} {all_counts[pat_]:>8,} {n / all_counts[pat_]:>7.1%}")
    year = FIELDS.index("year")
    apart = np.array([p[year] == "x" for p in pat], dtype=bool)
    gap = np.abs(codes[a, year] - codes[b, year])[lost & apart]
    steps = Counter(np.minimum(gap, 5).tolist())
    out.append(f"lost with the years apart: {int((lost & apart).sum()):,} of "
               f"{int(apart.sum()):,} joined; years apart 1 / 2 / 3 / 4 / 5+: "
               + " / ".join(f"{steps.get(d, 0):,}" for d in range(1, 6)))  # fmt: skip
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runs", required=True, help="setting:size:seed, comma-separated")
    ap.add_argument("--losses", type=int, default=0, help="print the top N loss patterns per run")
    ap.add_argument("--no-muster", action="store_true", help="the ceiling only")
    args = ap.parse_args()
    print("| setting | records | seed | true pairs | true pairs with a rival | ceiling P | ceiling R | "
          "ceiling F1 | Muster P | Muster R | Muster F1 | gap |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for spec in args.runs.split(","):
        setting, size, seed = spec.split(":")
        csv_path, truth = data(setting, int(size), int(seed))
        records = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
        result = ceiling(records, truth)
        row = (f"| {setting} | {int(size):,} | {seed} | {result['true_pairs']:,} | "
               f"{result['ambiguous_share']:.1%} | {result['precision']:.4f} | "
               f"{result['recall']:.4f} | **{result['f1']:.4f}** |")  # fmt: skip
        if args.no_muster:
            print(row + " | | | |", flush=True)
            continue
        labels = muster_labels(csv_path)
        s = cluster_scores(labels, truth)
        print(f"{row} {s['precision']:.4f} | {s['recall']:.4f} | **{s['f1']:.4f}** | "
              f"{result['f1'] - s['f1']:+.4f} |", flush=True)  # fmt: skip
        if args.losses:
            print("\n".join(losses(result, labels, args.losses)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
