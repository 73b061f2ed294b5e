"""A model of its own for the pairs of a record without lineage names and one with them: replayed.

Not the product's behaviour (bench/RESULTS.md, "twenty-second session"): the measurement behind
a change that did not land yet.  Deduplication weighs every candidate pair with one model learnt
on all of them, and a prior shift per stratum (``training.plain_prior_shift``).  On some drawn
populations the pairs of a plain record (no father, grandfather or mother name) and a record
with lineage are weighed as if a half or a third of their matches were there.  This replays
``pipeline.dedupe_steps`` on each run twice, as main does and with that stratum scored by a
model trained on its own pairs (the same guarded training, ``pipeline._train`` with the trained
pairs masked to the stratum), and prints pairwise F1 of both, the stratum model's expected
matches in the stratum over the pooled model's (the gate: ``--gate``), and the F1 with the
stratum model used only where that ratio reaches the gate.  ``--truth`` also prints the true
matches in the stratum.

    PYTHONPATH=src /work/benchvenv/bin/python bench/strata.py --runs drawn36:20000:1,drawn3:20000:1
    PYTHONPATH=src /work/benchvenv/bin/python bench/strata.py --drawn 80 --seed 1 --size 20000

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


class _Bits(np.ndarray):
    """Per-pair bits where the pipeline expects one number per stratum (``if bits:``)."""

    def __bool__(self) -> bool:
        return True


class StratumReplay:
    """Patches ``pipeline`` so that the plain-and-lineage stratum is scored by its own model."""

    def __init__(self, truth: np.ndarray | None) -> None:
        from muster.identity.internals import pipeline, training

        self.pipeline, self.training = pipeline, training
        self.truth = truth
        self.on = False
        self.seen: dict[str, float] = {}
        self._plain, self._source = training.plain_prior_shift, training.source_prior_shift
        self._engine = None

    def plain_prior_shift(self, prepared, arrays, gamma, model, report):
        out = self._plain(prepared, arrays, gamma, model, report)
        training = self.training
        if out is None or report.status not in training.LEARNS_STRATA:
            return out
        plain = prepared.frame["plain"].notna().to_numpy()
        mask = plain[arrays["rid_l"]] ^ plain[arrays["rid_r"]]
        usable = mask & arrays["train"] & (gamma[:, 0] != 0)
        if usable.sum() < training.MIN_PAIRS_FOR_TRAINING or usable.sum() == arrays["train"].sum():
            return out
        from muster.identity.internals.engines import DuckDBEngine

        self._engine = self._engine or DuckDBEngine()
        on = {**arrays, "train": arrays["train"] & mask}
        stratum, stratum_report = self.pipeline._train(
            self._engine, prepared, None, gamma, on, None, True, 42
        )
        if stratum_report.status != "trained":
            return out
        g = gamma[mask]
        pooled = model.match_weight(g) + (out[0][1] or 0.0)
        bits = stratum.match_weight(g) - model.match_weight(g)

        def expected(weight: np.ndarray) -> float:
            return float((1.0 / (1.0 + np.exp2(-np.clip(weight, -60, 60)))).sum())

        self.seen["pooled_expected"] = expected(pooled)
        self.seen["stratum_expected"] = expected(model.match_weight(g) + bits)
        if self.truth is not None:
            left, right = arrays["rid_l"][mask], arrays["rid_r"][mask]
            self.seen["true"] = float((self.truth[left] == self.truth[right]).sum())
        if not self.on:
            return out
        return [(mask, bits.view(_Bits)), *out[1:]]

    def source_prior_shift(self, source, arrays, gamma, model, report, shifts):
        flat = [(m, float(np.mean(b)) if isinstance(b, np.ndarray) else b) for m, b in shifts or ()]
        return self._source(source, arrays, gamma, model, report, flat)

    def __enter__(self) -> StratumReplay:
        self.pipeline.plain_prior_shift = self.plain_prior_shift
        self.pipeline.source_prior_shift = self.source_prior_shift
        return self

    def __exit__(self, *exc) -> None:
        self.pipeline.plain_prior_shift = self._plain
        self.pipeline.source_prior_shift = self._source


def replay(setting: str, size: int, seed: int, show_truth: bool, gate: float) -> dict:
    """One run's F1 as main scores it, with the stratum model, and gated (see the module)."""
    from muster.identity.internals import pipeline
    from muster.identity.internals.records import read_person_csv

    csv, truth_path, _ = sweep.data_for(setting, size, seed, 3600)
    truth = np.load(truth_path)
    records = read_person_csv(csv)
    row: dict = {"run": f"{setting}:{size}:{seed}"}
    with StratumReplay(truth if show_truth else None) as patch:
        row["main"] = cluster_scores(pipeline.dedupe_steps(records).labels, truth)["f1"]
        row.update(patch.seen)
        row["with"] = row["main"]
        if "stratum_expected" in row:
            patch.on = True
            row["with"] = cluster_scores(pipeline.dedupe_steps(records).labels, truth)["f1"]
    row["ratio"] = row.get("stratum_expected", 0.0) / max(row.get("pooled_expected", 0.0), 1.0)
    row["gated"] = row["with"] if row["ratio"] >= gate else row["main"]
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", default="", help="setting:size:seed, comma-separated")
    ap.add_argument("--drawn", type=int, default=0, help="drawn1..drawnN at --size and --seed")
    ap.add_argument("--size", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--gate", type=float, default=1.6)
    ap.add_argument("--truth", action="store_true", help="print the true matches in the stratum")
    args = ap.parse_args()
    runs = [r.split(":") for r in args.runs.split(",") if r]
    runs += [[f"drawn{i}", str(args.size), str(args.seed)] for i in range(1, args.drawn + 1)]
    if not runs:
        ap.error("give --runs or --drawn")
    rows = []
    for setting, size, seed in runs:
        row = replay(setting, int(size), int(seed), args.truth, args.gate)
        rows.append(row)
        print(
            f"{row['run']:<22} main {row['main']:.4f}  stratum model {row['with']:.4f}  "
            f"gated {row['gated']:.4f}  expected matches pooled {row.get('pooled_expected', 0):,.0f}"
            f" stratum {row.get('stratum_expected', 0):,.0f} (ratio {row['ratio']:.2f})"
            + (f" true {row['true']:,.0f}" if "true" in row else ""),
            flush=True,
        )
    for key in ("with", "gated"):
        moves = [r[key] - r["main"] for r in rows]
        print(
            f"{key}: up {sum(d > 0.0005 for d in moves)} / down {sum(d < -0.0005 for d in moves)}, "
            f"MIN {min(r['main'] for r in rows):.4f} -> {min(r[key] for r in rows):.4f}, median "
            f"{statistics.median(r['main'] for r in rows):.4f} -> "
            f"{statistics.median(r[key] for r in rows):.4f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
