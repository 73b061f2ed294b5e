"""Registry namesakes of a plain record as a learnt comparison: the post-hoc form (a diagnosis:
it reads the truth).  Needs ``bench/unmerged/rivals_learnt.patch`` applied (``rival_levels``,
the ``rivals`` comparison).

Trains as main does (the ``rivals`` column missing), then learns the ``rivals`` levels' m and u
by EM over the plain-registry pairs that have a level, every other weight and the prior held,
and prints the cluster F1 before and with them, for each key given (comma-separated columns of
the prepared frame; bench/RESULTS.md, "ninth session").

    PYTHONPATH=src:bench python bench/unmerged/rivals_posthoc.py no_lineage 200000 \
        given_name_b,family_name_b,yr given_name_b,family_name_b
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parents[1]))


def main() -> None:
    from identity_metrics import cluster_scores

    import muster.identity.internals.training as training
    from muster.identity.internals import pipeline as p
    from muster.identity.internals.model import (
        COMPARISONS,
        comparison_levels,
        constrained_weights,
        levels_dict,
    )
    from muster.identity.internals.prepare import prepare
    from muster.scenario.presets import labelled_records

    setting, size = sys.argv[1], int(sys.argv[2])
    records, truth = labelled_records(setting, size, 1)
    truth = pd.factorize(np.array(truth))[0]
    frame = p._as_frame(records)
    eng = p.get_engine("duckdb")
    prepared = prepare(frame)
    arrays = eng.candidate_levels(prepared, None)
    gamma = comparison_levels(levels_dict(arrays))
    fitted, report = p._train(eng, prepared, None, gamma, arrays["train"], None, True, 42)
    shift = training.plain_prior_shift(prepared, arrays, gamma, fitted, report)

    def f1(gm, model) -> tuple[float, float, float]:
        pairs, weight = p._score(
            arrays, gm, model, p.DEDUPE_THRESHOLD, frame, frame, prepared, prepared, shift
        )
        s = cluster_scores(p.cluster_accepted(prepared, arrays, pairs, weight), truth)
        return round(s["f1"], 4), round(s["precision"], 4), round(s["recall"], 4)

    print("main", f1(gamma, fitted), flush=True)
    j = list(COMPARISONS).index("rivals")
    for spec in sys.argv[3:]:
        training.RIVAL_KEY = tuple(spec.split(","))
        level = training.rival_levels(prepared, arrays)
        g2 = gamma.copy()
        g2[:, j] = level
        sel = (level >= 0) & arrays["train"] & (gamma[:, 0] != 0)
        base = fitted.match_weight(gamma[sel]) + (shift[0][1] if shift else 0.0)
        lv = level[sel]
        m, u = np.full(5, 0.2), np.full(5, 0.2)
        for _ in range(200):
            w = constrained_weights("rivals", m, u, fitted.prior)
            post = 1 / (1 + np.exp2(-np.clip(base + w[lv], -60, 60)))
            m2 = np.bincount(lv, weights=post, minlength=5) + 1e-6
            u2 = np.bincount(lv, weights=1 - post, minlength=5) + 1e-6
            m2, u2 = m2 / m2.sum(), u2 / u2.sum()
            done = max(abs(m2 - m).max(), abs(u2 - u).max()) < 1e-7
            m, u = m2, u2
            if done:
                break
        model = copy.deepcopy(fitted)
        model.m["rivals"], model.u["rivals"] = list(m), list(u)
        model._weights = None
        print(spec, np.round(constrained_weights("rivals", m, u, fitted.prior), 2), f1(g2, model))


if __name__ == "__main__":
    main()
