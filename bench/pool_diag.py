"""Where a generated population's true pairs go and which false pairs the clusters join
(a diagnosis harness; it reads the truth, for diagnosis only, never for a setting).

Replays ``dedupe``'s steps (the sweep's cached file), then clusters the accepted pairs twice:
with the clustering's year conflict as the code has it, and with the year conflict at two
years whatever the precision (``pipeline.ESTIMATE_YEARS = 1``, as before the year-only rule).
Switches (environment) for the scoring side:
  POOL_A=0  pooled levels weigh the mean of their log-ratios (model before the pooling fix)
  POOL_B=0  the date level's year-only window is one year (engines.ESTIMATE_YEARS = 1)
  POOL_TRAIN=new,old  first train with each pooling and print both reports (EM's starts,
            their log-likelihood and verdict, the weights), on the same candidate pairs

    PYTHONPATH=src:bench python bench/pool_diag.py --setting no_lineage --size 1000000 --seed 1
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from identity_metrics import cluster_scores, true_pairs  # noqa: E402
from scoring_misses import pattern_text  # noqa: E402


def old_weights(name, m, u, prior):
    """``model.constrained_weights`` before the pooling fix: the mean of the log-ratios."""
    from muster.identity.internals import model

    raw = np.log2(np.maximum(m, 1e-12) / np.maximum(u, 1e-12))
    mass = prior * m + (1 - prior) * u + 1e-9
    if name == "lineage":
        mass = mass.copy()
        mass[0] = 1e9
    w = raw
    for _ in range(3):
        w = model._isotonic(model._bounded(name, w), mass, model.LEVEL_ORDER[name], False)
    return w


def patch() -> None:
    from muster.identity.internals import engines

    if os.environ.get("POOL_B") == "0" and hasattr(engines, "ESTIMATE_YEARS"):
        engines.ESTIMATE_YEARS = 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--setting", default="no_lineage")
    ap.add_argument("--size", type=int, default=1000000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--show", type=int, default=15)
    args = ap.parse_args()
    patch()
    import sweep

    from muster.identity.internals import pipeline
    from muster.identity.internals.engines import DuckDBEngine
    from muster.identity.internals.model import (
        COMPARISONS,
        LEVEL_LABELS,
        comparison_levels,
        levels_dict,
    )
    from muster.identity.internals.pipeline import DEDUPE_THRESHOLD, _train, score_dedupe
    from muster.identity.internals.prepare import prepare
    from muster.identity.internals.records import read_person_frame
    from muster.identity.internals.training import plain_prior_shift

    csv_path, truth_path, _ = sweep.data_for(args.setting, args.size, args.seed, 3600)
    frame = read_person_frame(csv_path)
    truth0 = np.load(truth_path)
    eng = DuckDBEngine()
    prepared = prepare(frame)
    arrays = eng.candidate_levels(prepared, None)
    gamma = comparison_levels(levels_dict(arrays))
    from muster.identity.internals import model as model_mod

    new_cw = model_mod.constrained_weights
    for variant in os.environ.get("POOL_TRAIN", "").split(","):
        if not variant:
            continue
        model_mod.constrained_weights = new_cw if variant == "new" else old_weights
        m_, r_ = _train(eng, prepared, None, gamma, arrays["train"], None, True, 42)
        plain_prior_shift(prepared, arrays, gamma, m_, r_)
        print(f"--- training with the {variant} pooling:")
        print("\n".join(r_.lines()))
    if os.environ.get("POOL_A") == "0":
        model_mod.constrained_weights = old_weights
    else:
        model_mod.constrained_weights = new_cw
    model, report = _train(eng, prepared, None, gamma, arrays["train"], None, True, 42)
    print("\n".join(report.lines()[:6]))
    shift = plain_prior_shift(prepared, arrays, gamma, model, report)
    accepted, weight = score_dedupe(arrays, gamma, model, DEDUPE_THRESHOLD, frame, prepared, shift)
    pos = {rid: i for i, rid in enumerate(frame["record_id"].tolist())}
    truth = truth0[np.array([pos[r] for r in prepared["record_id"].tolist()])]
    print(f"{args.setting} {args.size} s{args.seed} A={os.environ.get('POOL_A', '1')} "
          f"B={os.environ.get('POOL_B', '1')}: status {report.status}, prior {model.prior:.4g}, "
          f"plain shift {report.plain_shift:+.2f}, {len(weight):,} candidates, "
          f"{len(accepted):,} accepted; warnings {getattr(report, 'warnings', '')}")  # fmt: skip
    wt = model.weight_table()
    for j, name in enumerate(COMPARISONS):
        if name == "lineage":
            continue
        labs = LEVEL_LABELS[name]
        m_, u_ = np.asarray(model.m[name]), np.asarray(model.u[name])
        old = old_weights(name, m_, u_, model.prior)
        raw = np.log2(np.maximum(m_, 1e-12) / np.maximum(u_, 1e-12))
        print(f"  {name} (weight as scored | mean-of-logs pooling | raw log2 m/u; m; u):")
        for lv in range(len(labs)):
            print(f"    {lv}:{labs[lv][:22]:22s} {wt[j, lv + 1]:+7.2f} | {old[lv]:+7.2f} | "
                  f"{raw[lv]:+7.2f}; m {m_[lv]:.5f} u {u_[lv]:.6f}")  # fmt: skip

    rl, rr = arrays["rid_l"].astype(np.int64), arrays["rid_r"].astype(np.int64)
    n = len(truth)
    fr = prepared.frame
    plain = fr["plain"].notna().to_numpy()
    yr = fr["yr"].astype("float64").to_numpy()
    precise = fr["precise"].to_numpy().astype(bool)
    side = np.where(np.isnan(yr), 0, np.where(precise, 2, 1))
    prec_names = {0: "--", 1: "-Y", 2: "-F", 4: "YY", 5: "YF", 8: "FF"}
    code = np.minimum(rl, rr) * n + np.maximum(rl, rr)
    order = np.argsort(code)
    sorted_code = code[order]

    def find(a, b):
        want = np.minimum(a, b) * n + np.maximum(a, b)
        k = np.minimum(np.searchsorted(sorted_code, want), len(sorted_code) - 1)
        return np.where(sorted_code[k] == want, order[k], -1)

    same = truth[rl] == truth[rr]
    thr = float(np.log2(0.3 / 0.7))
    acc = weight >= thr
    print(f"  accepted: {int(acc.sum()):,} ({int((acc & same).sum()):,} true, "
          f"{int((acc & ~same).sum()):,} false); by kind (false/all): " + ", ".join(
              f"{k} {int((acc & ~same & m_).sum()):,}/{int((acc & m_).sum()):,}"
              for k, m_ in (("plain-plain", plain[rl] & plain[rr]),
                            ("plain-reg", plain[rl] ^ plain[rr]),
                            ("reg-reg", ~plain[rl] & ~plain[rr]))))  # fmt: skip
    # accepted false pairs by pattern
    lo_p = np.minimum(side[rl], side[rr])
    hi_p = np.maximum(side[rl], side[rr])
    pc = lo_p * 3 + hi_p
    idx_af = np.flatnonzero(acc & ~same)
    keys = collections.Counter(
        pattern_text(gamma[i], prec_names[int(pc[i])]) + f" gap{int(np.nan_to_num(abs(yr[rl[i]] - yr[rr[i]]), nan=-1))}"
        for i in idx_af[:: max(1, len(idx_af) // 200000)]
    )  # fmt: skip
    print("  accepted false pairs by pattern (sampled):")
    for pat, c in keys.most_common(args.show):
        print(f"    {c:7d}  {pat}")
    tl, tr = true_pairs(truth)
    tidx = find(tl, tr)
    is_cand = tidx >= 0
    t_acc = is_cand & acc[np.maximum(tidx, 0)]

    if len(accepted) > 2_000_000:
        print("  (not clustered: too many accepted pairs)")
        return
    for est in (None, 1):
        if est is not None:
            if not hasattr(pipeline, "ESTIMATE_YEARS"):
                continue
            saved = pipeline.ESTIMATE_YEARS
            pipeline.ESTIMATE_YEARS = est
        labels = pipeline.cluster_accepted(prepared, arrays, accepted, weight)
        if est is not None:
            pipeline.ESTIMATE_YEARS = saved
        s = cluster_scores(labels, truth)
        sizes = np.bincount(labels)
        missed = labels[tl] != labels[tr]
        print(f"\n  clustering, year conflict {'as coded' if est is None else 'two years'}: "
              f"F1 {s['f1']:.4f} (P {s['precision']:.4f} / R {s['recall']:.4f}); clusters >6: "
              f"{int((sizes > 6).sum())}, largest {int(sizes.max())}")  # fmt: skip
        print(f"    true {len(tl):,}; missed {int(missed.sum()):,}: never candidates "
              f"{int((missed & ~is_cand).sum()):,}, below {int((missed & is_cand & ~t_acc).sum()):,}, "
              f"accepted not clustered {int((missed & t_acc).sum()):,}")  # fmt: skip
        # false pairs inside clusters (clusters up to 3000 records)
        lab2 = np.where(sizes[labels] <= 3000, labels, -1 - np.arange(n))
        pl, pr = true_pairs(lab2)
        bad = truth[pl] != truth[pr]
        pl, pr = pl[bad], pr[bad]
        fidx = find(pl, pr)
        comp = fidx >= 0
        facc = comp & acc[np.maximum(fidx, 0)]
        g = np.abs(yr[pl] - yr[pr])
        ppc = np.minimum(side[pl], side[pr]) * 3 + np.maximum(side[pl], side[pr])
        kind = np.where(plain[pl] & plain[pr], "pp", np.where(plain[pl] ^ plain[pr], "pr", "rr"))
        print(
            f"    false pairs in clusters {len(pl):,}: accepted edges {int(facc.sum()):,}, "
            f"compared below {int((comp & ~facc).sum()):,}, never compared {int((~comp).sum()):,}"
        )
        cnt = collections.Counter(
            f"{k} {prec_names[int(p)]} gap{int(x) if x == x else -1}"
            for k, p, x in zip(kind.tolist(), ppc.tolist(), g.tolist(), strict=True)
        )
        print("    by kind, precisions, year gap: " + "; ".join(
            f"{k} {c:,}" for k, c in cnt.most_common(12)))  # fmt: skip


if __name__ == "__main__":
    main()
