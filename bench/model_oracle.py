"""What a trained model learnt against the truth, and what the model could score at best.

For one cached sweep population (``bench/sweep.py``'s ``data_for``), replays ``dedupe_steps``
(through ``scoring_misses.run``) and prints, per comparison, the model's m and u beside the
truth's among the candidate pairs EM trains on (given names not disagreeing), the prior against
the true share of matches, and then the F1 of an *oracle* model: m, u and the prior read from
the truth, scored and clustered as Muster does (constrained, and not).  When the oracle is far
below the information ceiling (``bench/ceiling.py``), the loss is the model's (its independence
assumption, a weight per pair), not EM's; when the oracle is close to it and Muster is not, it
is training's.

It reads the truth: for diagnosis only, never for a setting of the engine.

    PYTHONPATH=src:bench .venv/bin/python bench/model_oracle.py --setting drawn56 --size 20000 --seed 1
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from identity_metrics import cluster_scores  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--setting", required=True)
    ap.add_argument("--size", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    import scoring_misses

    from muster.identity.internals.model import COMPARISONS, Model
    from muster.identity.internals.pipeline import dedupe_steps

    r = scoring_misses.run(args.setting, args.size, args.seed)
    truth, arrays, gamma, model = (r[k] for k in ("truth", "arrays", "gamma", "model"))
    same = truth[arrays["rid_l"]] == truth[arrays["rid_r"]]
    keep = gamma[:, 0] != 0
    g, s = gamma[keep], same[keep]
    print(f"{args.setting} {args.size} seed {args.seed}: {r['report'].status}, "
          f"F1 {cluster_scores(r['labels'], truth)['f1']:.4f}; "
          f"prior {model.prior:.4f}, true {s.mean():.4f}")  # fmt: skip
    m, u = {}, {}
    for j, (name, k) in enumerate(COMPARISONS.items()):
        col = g[:, j]
        seen = col >= 0
        # A half count per level, so that no level is impossible.
        m[name] = list(
            (np.bincount(col[seen & s], minlength=k)[:k] + 0.5) / ((seen & s).sum() + k / 2)
        )
        u[name] = list(
            (np.bincount(col[seen & ~s], minlength=k)[:k] + 0.5) / ((seen & ~s).sum() + k / 2)
        )
        if name != "lineage":
            for part, learnt, true in (
                ("m", model.m[name], m[name]),
                ("u", model.u[name], u[name]),
            ):
                print(f"  {name:16} {part}  model " + " ".join(f"{x:.3f}" for x in learnt)
                      + "  | truth " + " ".join(f"{x:.3f}" for x in true))  # fmt: skip
    frame, prepared = r["frame"], r["prepared"]
    for constrained in (True, False):
        oracle = Model(m, u, float(s.mean()), constrained=constrained)
        steps = dedupe_steps(frame, model=oracle, train=False)
        assert (steps.prepared["record_id"].to_numpy() == prepared["record_id"].to_numpy()).all()
        sc = cluster_scores(steps.labels, truth)
        print(f"oracle model ({'constrained' if constrained else 'unconstrained'}): "
              f"F1 {sc['f1']:.4f} (P {sc['precision']:.4f} / R {sc['recall']:.4f})")  # fmt: skip


if __name__ == "__main__":
    main()
