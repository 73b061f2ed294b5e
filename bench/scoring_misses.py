"""Where a generated population's true pairs are lost, by comparison pattern (a diagnosis harness).

Runs ``muster.identity.dedupe``'s steps on the sweep's cached file of one setting (the same
records the sweep scores), keeps every candidate pair's comparison levels and match weight, and
counts the true pairs the clusters miss: never a candidate (blocking), a candidate below the
threshold, or accepted but kept apart by the clustering.  The misses below the threshold are
grouped by pattern (given, lineage as ``+-.``, date level with each side's precision, sex,
alias, town, nationality) beside how many candidate pairs carry that pattern and how many of
them are one person: the pattern's weight as the model gives it and as the truth would (log2 of
true to false pairs among the candidates, less the model's prior).  Then, per date level, m and
u as the model has them and as the truth counts them among the candidate pairs.

It reads the truth: for diagnosis only, never for a setting of the engine.

    python bench/scoring_misses.py --setting namesake --size 200000 --seed 1 [--show 25]
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from identity_metrics import cluster_scores, true_pairs  # noqa: E402

COLUMNS = ("given", "lineage", "date", "sex", "alias", "place", "nat", "order")


def run(setting: str, size: int, seed: int) -> dict:
    import sweep

    from muster.identity.internals.pipeline import dedupe_steps
    from muster.identity.internals.records import read_person_frame

    csv_path, truth_path, _ = sweep.data_for(setting, size, seed, 3600)
    frame = read_person_frame(csv_path)
    truth = np.load(truth_path)
    steps = dedupe_steps(frame)
    prepared = steps.prepared
    # prepared rows -> the frame's rows (record ids)
    pos = {rid: i for i, rid in enumerate(frame["record_id"].tolist())}
    order = np.array([pos[r] for r in prepared["record_id"].tolist()])
    return {"frame": frame, "truth": truth[order], "arrays": steps.arrays, "gamma": steps.gamma,
            "model": steps.model, "weight": steps.weight, "labels": steps.labels,
            "prepared": prepared, "report": steps.report, "accepted": steps.accepted,
            "shift": steps.shift}  # fmt: skip


def lineage_marks(level: int) -> str:
    if level < 0:
        return "...."
    marks = ""
    for _ in range(4):
        level, state = divmod(level, 3)
        marks += {0: ".", 1: "-", 2: "+"}[state]
    return marks[::-1]


def pattern_text(row: np.ndarray, prec: str) -> str:
    g, lin, d, sex, alias, place, nat, _order = (int(x) for x in row)
    return (f"g{g:+d} {lineage_marks(lin)} d{d:+d}{prec} s{sex:+d} a{alias:+d} p{place:+d} "
            f"n{nat:+d}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--setting", default="namesake")
    ap.add_argument("--size", type=int, default=200000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--show", type=int, default=25)
    args = ap.parse_args()
    from muster.identity.internals.model import COMPARISONS, LEVEL_LABELS

    r = run(args.setting, args.size, args.seed)
    truth, arrays, gamma, weight, labels, model = (
        r[k] for k in ("truth", "arrays", "gamma", "weight", "labels", "model")
    )
    s = cluster_scores(labels, truth)
    print(f"{args.setting} {args.size} s{args.seed}: F1 {s['f1']:.4f} (P {s['precision']:.4f} / "
          f"R {s['recall']:.4f}), {len(weight):,} candidate pairs, prior {model.prior:.4g}, "
          f"plain shift {r['report'].plain_shift:+.2f}")  # fmt: skip
    threshold = float(np.log2(0.3 / 0.7))
    rl, rr = arrays["rid_l"].astype(np.int64), arrays["rid_r"].astype(np.int64)
    same = truth[rl] == truth[rr]
    # each side's date precision: F full date, Y year only (or 1 January), - none
    frame = r["prepared"].frame
    yr = frame["yr"].astype("float64").to_numpy()
    precise = frame["precise"].to_numpy().astype(bool)
    side = np.where(np.isnan(yr), 0, np.where(precise, 2, 1))
    lo_p, hi_p = np.minimum(side[rl], side[rr]), np.maximum(side[rl], side[rr])
    prec_code = lo_p * 3 + hi_p
    prec_names = {0: "--", 1: "-Y", 2: "-F", 4: "YY", 5: "YF", 8: "FF"}
    gap = np.abs(yr[rl] - yr[rr])

    n = len(truth)
    tl, tr = true_pairs(truth)
    lo, hi = np.minimum(tl, tr), np.maximum(tl, tr)
    code = np.minimum(rl, rr) * n + np.maximum(rl, rr)
    order = np.argsort(code)
    sorted_code = code[order]
    want = lo * n + hi
    k = np.searchsorted(sorted_code, want)
    k = np.minimum(k, len(sorted_code) - 1)
    is_cand = sorted_code[k] == want
    idx = np.where(is_cand, order[k], -1)
    missed = labels[lo] != labels[hi]
    below = is_cand & (weight[np.maximum(idx, 0)] < threshold)
    print(f"true pairs {len(lo):,}; missed {int(missed.sum()):,}: "
          f"{int((missed & ~is_cand).sum()):,} never candidates, "
          f"{int((missed & below).sum()):,} below the threshold, "
          f"{int((missed & is_cand & ~below).sum()):,} accepted but not clustered; "
          f"{int((~missed & below).sum()):,} below but joined through others")  # fmt: skip

    # candidate pairs by pattern: all, true, and the model's weight
    # Each pattern as one integer (its levels and the precisions in a mixed radix), not as text:
    # a million records have tens of millions of candidate pairs.
    code = np.zeros(len(gamma), dtype=np.int64)
    for col in range(gamma.shape[1]):
        code = code * 128 + (gamma[:, col].astype(np.int64) + 1)
    code = code * 16 + prec_code
    uniq, inv = np.unique(code, return_inverse=True)
    del code
    n_all = np.bincount(inv)
    n_true = np.bincount(inv, weights=same)
    w_mean = np.bincount(inv, weights=weight) / n_all
    miss_idx = idx[missed & below]
    miss_keys = collections.Counter(inv[miss_idx].tolist())
    first = np.zeros(len(uniq), dtype=np.int64)
    first[inv[::-1]] = np.arange(len(inv))[::-1]
    prior_bits = float(np.log2(model.prior / (1 - model.prior)))
    print(f"\nmissed below the threshold ({threshold:.2f} bits), by pattern "
          "(g given, lineage f/g/fam/m, d date level + precisions, s sex, a alias, p place, "
          "n nationality):")  # fmt: skip
    print(f"{'lost':>6} {'cands':>7} {'true':>7} {'true%':>6} {'w model':>8} {'w truth':>8}  "
          "pattern")  # fmt: skip
    for j, lost in miss_keys.most_common(args.show):
        i = int(first[j])
        pat = pattern_text(gamma[i], prec_names[int(prec_code[i])])
        t, a = n_true[j], n_all[j]
        wt = np.log2((t + 0.5) / (a - t + 0.5))
        print(f"{lost:6d} {a:7d} {int(t):7d} {t / a:6.1%} {w_mean[j]:+8.2f} {wt:+8.2f}  {pat}")

    print("\nby cause (below the threshold):")
    dl = gamma[:, 2]
    causes = collections.Counter()
    for i in miss_idx:
        d = int(dl[i])
        pc = prec_names[int(prec_code[i])]
        if d == 0:
            c = f"years apart by {int(gap[i])}"
        elif d == 1 and gap[i] >= 1:
            c = f"years one apart ({pc})"
        elif d == 1:
            c = "same year, other full date"
        elif d == 2:
            c = f"same year, year only ({pc})"
        elif d == -1:
            c = "date missing"
        else:
            c = f"date level {d}"
        causes[c] += 1
    for c, k_ in causes.most_common(20):
        print(f"{k_:6d}  {c}")

    print(f"\ndate of birth: the model's m, u, weight; the truth's among candidates "
          f"(prior {prior_bits:+.2f} bits)")  # fmt: skip
    w = model.weight_table()
    j = list(COMPARISONS).index("date_of_birth")
    for lv, lab in enumerate(LEVEL_LABELS["date_of_birth"]):
        at = dl == lv
        tm = same[at].sum() / max(same.sum(), 1)
        tu = (at & ~same).sum() / max((~same).sum(), 1)
        print(f"  {lv} {lab:32s} m {model.m['date_of_birth'][lv]:.4f} u "
              f"{model.u['date_of_birth'][lv]:.4f} w {w[j, lv + 1]:+6.2f} | truth m {tm:.4f} "
              f"u {tu:.4f} w {np.log2((tm + 1e-9) / (tu + 1e-9)):+6.2f}")  # fmt: skip
    print("  years apart among candidate pairs (level 0 and 1): gap, pairs, true")
    for g_ in range(0, 11):
        at = (gap == g_) & (dl <= 1) & (dl >= 0)
        if at.sum():
            print(f"    {g_:2d}: {int(at.sum()):8d} {int(same[at].sum()):7d} "
                  f"({same[at].mean():.1%})")  # fmt: skip


if __name__ == "__main__":
    main()
