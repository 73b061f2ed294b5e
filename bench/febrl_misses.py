"""FEBRL's missed true pairs, with their comparison levels, grouped by cause (a diagnosis harness).

Runs ``muster.identity.dedupe``'s steps on one FEBRL set (bench/febrl.py's mapping), keeps every
candidate pair's levels and match weight, and lists the true pairs the clusters miss: not a
candidate at all (blocking), a candidate below the threshold (with its levels), or accepted
but kept apart by the clustering.  It reads the truth per pair: for diagnosis only, never for a
setting of the engine.

    python bench/febrl_misses.py --febrl 3 [--show 40]
    python bench/febrl_misses.py --setting sparse --size 20000 --seed 2     # a tune setting
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from identity_metrics import cluster_scores, true_pairs  # noqa: E402

FIELDS = ("given_name", "family_name", "date_of_birth", "place_of_origin")


def data(number: int, setting: str = "", size: int = 20000, seed: int = 1):
    """FEBRL ``number`` (bench/febrl.py's mapping), or a generated ``setting``: frame and truth."""
    import pandas as pd

    from muster.identity.internals.records import read_person_frame

    if setting:
        from muster.scenario.presets import labelled_records

        records, truth = labelled_records(setting, size, seed)
        return pd.DataFrame.from_records(records), pd.factorize(np.array(truth))[0]
    import febrl

    csv_path, truth_path = febrl.write(number, Path(__file__).parent / ".cache" / "sweep")
    return read_person_frame(csv_path), np.load(truth_path)


def run(number: int, setting: str = "", size: int = 20000, seed: int = 1) -> dict:
    from muster.identity.internals.pipeline import dedupe_steps

    frame, truth = data(number, setting, size, seed)
    steps = dedupe_steps(frame)
    return {"frame": frame, "truth": truth, "arrays": steps.arrays, "gamma": steps.gamma,
            "model": steps.model, "weight": steps.weight, "labels": steps.labels}  # fmt: skip


def cause(lv: dict[str, int], w: float, candidate: bool) -> str:
    if not candidate:
        return "not a candidate (blocking)"
    if w >= -1.2:  # about the threshold's 0.3
        return "accepted, kept apart by clustering"
    g, f, d, p = (lv[k] for k in ("given_name", "family_name", "date_of_birth", "place_of_origin"))
    parts = []
    if g == 0:
        parts.append("given disagree")
    if f == 0:
        parts.append("family disagree")
    if d in (0, 1):
        parts.append("date years apart/other" if d == 0 else "date other in year")
    if d == -1:
        parts.append("date missing")
    if p in (0, -1):
        parts.append("town disagree" if p == 0 else "town missing")
    if g == -1 or f == -1:
        parts.append("name missing")
    return " + ".join(parts) or "all agree at some level (weights too low)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--febrl", type=int, default=3)
    ap.add_argument("--show", type=int, default=30)
    ap.add_argument("--setting", default="", help="a generated population instead (tune ones)")
    ap.add_argument("--size", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    r = run(args.febrl, args.setting, args.size, args.seed)
    frame, truth, arrays, weight, labels = (r[k] for k in ("frame", "truth", "arrays", "weight",
                                                          "labels"))  # fmt: skip
    s = cluster_scores(labels, truth)
    print(f"{args.setting or f'FEBRL {args.febrl}'}: F1 {s['f1']:.4f} (P {s['precision']:.4f} / R {s['recall']:.4f}),"
          f" {len(weight):,} candidate pairs")  # fmt: skip
    n = len(frame)
    code = arrays["rid_l"].astype(np.int64) * n + arrays["rid_r"]
    order = np.argsort(code)
    tl, tr = true_pairs(truth)
    lo, hi = np.minimum(tl, tr), np.maximum(tl, tr)
    missed = labels[lo] != labels[hi]
    print(f"true pairs {len(lo):,}, missed {int(missed.sum()):,}")
    causes: collections.Counter[str] = collections.Counter()
    examples: dict[str, list[str]] = collections.defaultdict(list)
    for a, b in zip(lo[missed], hi[missed], strict=True):
        k = np.searchsorted(code[order], a * n + b)
        candidate = k < len(code) and code[order][k] == a * n + b
        i = order[k] if candidate else -1
        lv = {f: int(arrays[f"lv_{f}"][i]) if candidate else -9 for f in FIELDS}
        w = float(weight[i]) if candidate else float("nan")
        c = cause(lv, w, candidate)
        causes[c] += 1
        ra, rb = frame.iloc[a], frame.iloc[b]
        text = " | ".join(f"{ra[f] or '-'} ~ {rb[f] or '-'} ({lv[f]})" for f in FIELDS)
        examples[c].append(f"    w {w:+6.1f}  {text}")
    for c, k in causes.most_common():
        print(f"{k:5d}  {c}")
        for line in examples[c][: args.show]:
            print(line)


if __name__ == "__main__":
    main()
