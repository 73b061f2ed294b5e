"""The plain-and-lineage stratum's own model (``pipeline.plain_model_shift``): what it moves.

Deduplication can score the candidate pairs of a record without lineage names and one with
them by a model trained on those pairs alone, where that model expects at least
``training.PLAIN_MODEL_GATE`` times the matches among them that the pooled model does
(bench/RESULTS.md, "twenty-second session" and "twenty-third session"); it is off as shipped
(``training.PLAIN_MODEL_LEARNT``).  This runs ``pipeline.dedupe_steps`` on each population with
the stratum's model not learnt ("closed": as shipped), learnt and gated ("gated": the gate and
bound in the code), and learnt with the gate open (used wherever the per-record bound allows),
and prints each one's pairwise F1 (clustered), the matches each model expects in the stratum,
their ratio, the model's own expected matches for each of the stratum's records without lineage
names (``training.PLAIN_MODEL_MATCHES_PER_RECORD``) and, with ``--truth``, the true matches
there (also per such record).

    PYTHONPATH=src /work/benchvenv/bin/python bench/strata.py --runs drawn36:20000:1 --truth
    PYTHONPATH=src /work/benchvenv/bin/python bench/strata.py --drawn 81-160 --seed 1

Data are the sweep's cached populations (``sweep.data_for``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import sweep  # noqa: E402
from identity_metrics import cluster_scores  # noqa: E402

# Each row: the stratum's model learnt or not (training.PLAIN_MODEL_LEARNT, off as shipped),
# and the gate (None: as shipped).
GATES = {"closed": (False, None), "gated": (True, None), "open": (True, 0.0)}


def replay(setting: str, size: int, seed: int, show_truth: bool) -> dict:
    """One run's F1 closed, gated and open, and the stratum's figures."""
    from muster.identity.internals import pipeline
    from muster.identity.internals.records import read_person_csv

    csv, truth_path, _ = sweep.data_for(setting, size, seed, 3600)
    truth = np.load(truth_path)
    records = read_person_csv(csv)
    shipped, learnt = pipeline.PLAIN_MODEL_GATE, pipeline.PLAIN_MODEL_LEARNT
    row: dict = {"run": f"{setting}:{size}:{seed}"}
    try:
        for name, (learn, gate) in GATES.items():
            pipeline.PLAIN_MODEL_LEARNT = learn
            pipeline.PLAIN_MODEL_GATE = shipped if gate is None else gate
            steps = pipeline.dedupe_steps(records)
            row[name] = cluster_scores(steps.labels, truth)["f1"]
            if name == "gated":
                row["status"] = steps.report.plain_model
                row["pooled"], row["own"] = steps.report.plain_model_expected
                row["records"] = max(steps.report.plain_model_records, 1)
                if show_truth:
                    plain = steps.prepared.frame["plain"].notna().to_numpy()
                    left, right = steps.arrays["rid_l"], steps.arrays["rid_r"]
                    stratum = plain[left] ^ plain[right]
                    row["true"] = int((truth[left[stratum]] == truth[right[stratum]]).sum())
    finally:
        pipeline.PLAIN_MODEL_GATE, pipeline.PLAIN_MODEL_LEARNT = shipped, learnt
    row["ratio"] = row["own"] / max(row["pooled"], 1.0)
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", default="", help="setting:size:seed, comma-separated")
    ap.add_argument("--drawn", default="", help="drawn populations at --size and --seed: N or A-B")
    ap.add_argument("--size", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--truth", action="store_true", help="print the true matches in the stratum")
    args = ap.parse_args()
    runs = [r.split(":") for r in args.runs.split(",") if r]
    if args.drawn:
        first, _, last = args.drawn.rpartition("-")
        span = range(int(first or 1), int(last) + 1)
        runs += [[f"drawn{i}", str(args.size), str(args.seed)] for i in span]
    if not runs:
        ap.error("give --runs or --drawn")
    rows = []
    for setting, size, seed in runs:
        row = replay(setting, int(size), int(seed), args.truth)
        rows.append(row)
        print(
            f"{row['run']:<22} closed {row['closed']:.4f}  gated {row['gated']:.4f}  open "
            f"{row['open']:.4f}  stratum model {row['status'] or 'not tried'}: expected matches "
            f"pooled {row['pooled']:,.0f} own {row['own']:,.0f} (ratio {row['ratio']:.2f})"
            + f", a record without lineage {row['own'] / row['records']:.2f}"
            + (
                f"; true {row['true']:,}, a record {row['true'] / row['records']:.2f}"
                if "true" in row
                else ""
            ),
            flush=True,
        )
    for key in ("gated", "open"):
        moves = [r[key] - r["closed"] for r in rows]
        print(
            f"{key} against closed: up {sum(d > 0.0005 for d in moves)} / down "
            f"{sum(d < -0.0005 for d in moves)}, MIN {min(r['closed'] for r in rows):.4f} -> "
            f"{min(r[key] for r in rows):.4f}, median "
            f"{statistics.median(r['closed'] for r in rows):.4f} -> "
            f"{statistics.median(r[key] for r in rows):.4f}, below 0.85 "
            f"{sum(r['closed'] < 0.85 for r in rows)} -> {sum(r[key] < 0.85 for r in rows)}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
