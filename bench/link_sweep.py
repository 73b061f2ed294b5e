"""Linking two lists, on the sweep's populations: ``muster.identity.link`` (as ``muster match
link`` runs it) between a population's largest source (the registry) and all its other records
(the lists), scored pairwise over the cross pairs against the generator's truth: precision (the
pairs proposed that are one person), recall (the cross pairs of one person that are proposed),
F1; the minimum and median per size, never only a mean.  Issue 9 measured ``match link`` on an
independent population (registry against an Arabic-script list, F1 0.920); the dedupe sweep does
not exercise this path (no clustering, no strata priors: each pair on its own).

    PYTHONPATH=src python bench/link_sweep.py --sizes 20000 --seeds 1 --settings project,namesake
    PYTHONPATH=src python bench/link_sweep.py --sizes 20000 --seeds 1 --all-pairs   # unclustered
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
import sweep  # noqa: E402


def split(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the largest source, and rows of every other."""
    largest = frame["source"].value_counts().idxmax()
    mask = (frame["source"] == largest).to_numpy()
    return np.flatnonzero(mask), np.flatnonzero(~mask)


def run(setting: str, size: int, seed: int, all_pairs: bool = False) -> dict:
    import muster.identity as mi
    from muster.identity.internals.records import read_person_frame

    csv_path, truth_path, _ = sweep.data_for(setting, size, seed, 3600)
    frame = read_person_frame(csv_path)
    truth = pd.factorize(np.load(truth_path, allow_pickle=True))[0]
    rows_a, rows_b = split(frame)
    a, b = frame.iloc[rows_a].reset_index(drop=True), frame.iloc[rows_b].reset_index(drop=True)
    t0 = time.perf_counter()
    result = mi.link(a, b, cluster=not all_pairs)
    seconds = time.perf_counter() - t0
    pos_a = {rid: truth[r] for rid, r in zip(a["record_id"], rows_a, strict=True)}
    pos_b = {rid: truth[r] for rid, r in zip(b["record_id"], rows_b, strict=True)}
    pairs = result.pairs.to_frame()
    hits = sum(
        pos_a[x] == pos_b[y]
        for x, y in zip(pairs["record_id_a"], pairs["record_id_b"], strict=True)
    )
    in_a = np.bincount(truth[rows_a], minlength=truth.max() + 1)
    in_b = np.bincount(truth[rows_b], minlength=truth.max() + 1)
    true_cross = int((in_a * in_b).sum())
    p = hits / len(pairs) if len(pairs) else 1.0
    r = hits / true_cross if true_cross else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"setting": setting, "size": size, "seed": seed, "a": len(a), "b": len(b),
            "true": true_cross, "proposed": len(pairs), "p": p, "r": r, "f1": f1, "s": seconds}  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="20000")
    ap.add_argument("--seeds", default="1")
    ap.add_argument("--settings", default="all")
    ap.add_argument(
        "--all-pairs", action="store_true",
        help="every pair at or above LINK_THRESHOLD, unclustered (as link did before clustering)",
    )  # fmt: skip
    args = ap.parse_args()
    from muster.scenario.presets import SETTINGS

    names = list(SETTINGS) if args.settings == "all" else args.settings.split(",")
    runs = []
    print("| setting | records | seed | registry / lists | true cross pairs | proposed | "
          "P | R | **F1** | link s |\n|---|---|---|---|---|---|---|---|---|---|")  # fmt: skip
    for size in [int(s) for s in args.sizes.split(",")]:
        for seed in [int(s) for s in args.seeds.split(",")]:
            for name in names:
                x = run(name, size, seed, args.all_pairs)
                runs.append(x)
                print(f"| {name} | {size:,} | {seed} | {x['a']:,} / {x['b']:,} | {x['true']:,} | "
                      f"{x['proposed']:,} | {x['p']:.4f} | {x['r']:.4f} | **{x['f1']:.4f}** | "
                      f"{x['s']:.0f} |", flush=True)  # fmt: skip
    for size in sorted({x["size"] for x in runs}):
        f1s = [x for x in runs if x["size"] == size]
        worst = min(f1s, key=lambda x: x["f1"])
        print(f"\n{size:,} records, {len(f1s)} runs: MIN F1 {worst['f1']:.4f} ({worst['setting']}, "
              f"seed {worst['seed']}), median {statistics.median(x['f1'] for x in f1s):.4f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
