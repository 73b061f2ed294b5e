"""Where a plain list's true pairs are lost and where its false pairs come from, beside the
information ceiling (a diagnosis harness: it reads the truth, for diagnosis only, never for a
setting of the engine).

Replays ``dedupe``'s steps on the sweep's cached file of one setting (``bench/sweep.py``'s
``data_for``), computes the ceiling's q per true pair (``bench/ceiling.py``) and sorts the true
pairs the ceiling joins (q >= 0.5) and Muster's clusters do not by where they were lost:

- never a candidate: in a block of some rule that was over the cap (with the smallest such
  block's size), or sharing no rule's key at all;
- a candidate scored below the threshold (by comparison pattern and pair kind);
- accepted but not clustered: the ambiguity rule left one end alone, or the guard kept the
  two clusters apart.

Then the false pairs inside the clusters: accepted edges by pattern, kind (pp plain-plain,
pr plain-registry, rr) and date precision, and how many registry records of the same given
name, family name and year the plain end has (its rivals).

With ``--spellings N``, per name field the levels of the missed true pairs (and of the false pairs
in clusters) and their N commonest spelling pairs read as disagree or typo.

    PYTHONPATH=src:bench python bench/lineage_diag.py --setting no_lineage --size 200000 --seed 1
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from identity_metrics import cluster_scores, true_pairs  # noqa: E402
from scoring_misses import pattern_text  # noqa: E402

PREC = {0: "--", 1: "-Y", 2: "-F", 4: "YY", 5: "YF", 8: "FF"}


def replay(setting: str, size: int, seed: int) -> dict:
    import sweep

    from muster.identity.internals.pipeline import DEDUPE_THRESHOLD, dedupe_steps
    from muster.identity.internals.records import read_person_frame

    csv_path, truth_path, _ = sweep.data_for(setting, size, seed, 3600)
    frame = read_person_frame(csv_path)
    truth0 = np.load(truth_path)
    steps = dedupe_steps(frame)
    prepared, arrays, gamma, model, report = (
        steps.prepared,
        steps.arrays,
        steps.gamma,
        steps.model,
        steps.report,
    )
    accepted, weight = steps.accepted, steps.weight
    pos = {rid: i for i, rid in enumerate(frame["record_id"].tolist())}
    order = np.array([pos[r] for r in prepared["record_id"].tolist()])
    return dict(csv=csv_path, frame=frame, truth=truth0[order], prepared=prepared,
                arrays=arrays, gamma=gamma, model=model, report=report, accepted=accepted,
                weight=weight, threshold=float(np.log2(DEDUPE_THRESHOLD / (1 - DEDUPE_THRESHOLD))))  # fmt: skip


def clusters(r: dict) -> tuple[np.ndarray, np.ndarray]:
    """Labels, and the accepted pairs the ambiguity rule left out (bool per accepted pair)."""
    from muster.identity.internals.cluster import guarded_clusters, unambiguous_pairs
    from muster.identity.internals.pipeline import AMBIGUITY_MARGIN, record_conflicts

    prepared, arrays, accepted, weight = r["prepared"], r["arrays"], r["accepted"], r["weight"]
    conflict = record_conflicts(prepared, arrays["rid_l"], arrays["rid_r"], weight)
    a, b, w = accepted.left_rows, accepted.right_rows, accepted.match_weight
    clear = unambiguous_pairs(a, b, w, conflict, AMBIGUITY_MARGIN)
    labels = guarded_clusters(len(prepared), a[clear], b[clear], w[clear], conflict,
                              record_conflicts(prepared, given_only=True))  # fmt: skip
    mask = np.zeros(len(a), bool)
    mask[clear] = True
    return labels, ~mask


def spellings(frame: pd.DataFrame, prepared, a: np.ndarray, b: np.ndarray, top: int) -> None:
    """Per name field, how the pairs (a, b) (rows of ``prepared``) compare, and the commonest
    spelling pairs read as disagree (0) or typo (1), with the script of each side."""
    from muster.identity.internals.comparisons import NAME_FIELDS, NAME_PART, name_level_code
    from muster.identity.internals.names import normalise_name

    rows = frame.set_index("record_id").loc[prepared["record_id"].to_numpy()]
    for field in NAME_FIELDS:
        if field not in rows:
            continue
        vals = rows[field].fillna("").astype(str).to_numpy()
        part = NAME_PART.get(field, "given")
        levels = collections.Counter()
        pairs = {0: collections.Counter(), 1: collections.Counter()}
        for i, j in zip(a.tolist(), b.tolist(), strict=True):
            ka, kb = normalise_name(vals[i], part), normalise_name(vals[j], part)
            lv = name_level_code(ka, kb)
            levels[lv] += 1
            if lv in (0, 1):
                x, y = sorted((vals[i], vals[j]))
                pairs[lv][f"{x} / {y}"] += 1
        print(f"  {field}: levels " + ", ".join(f"{k}: {v:,}" for k, v in sorted(levels.items())))
        for lv in (0, 1):
            if pairs[lv]:
                print(f"    level {lv}: " + "; ".join(
                    f"{k} {v}" for k, v in pairs[lv].most_common(top)))  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--setting", default="no_lineage")
    ap.add_argument("--size", type=int, default=200000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--show", type=int, default=15)
    ap.add_argument("--no-ceiling", action="store_true")
    ap.add_argument(
        "--spellings",
        type=int,
        default=0,
        metavar="N",
        help="per name field, the N commonest spelling pairs of missed true pairs that the "
        "field's level reads as disagree or typo",
    )
    ap.add_argument(
        "--save", metavar="NPZ", help="keep every candidate pair's levels, weight, truth"
    )
    args = ap.parse_args()
    import ceiling as ceil

    from muster.identity.internals.blocking import RULES, block_keys

    r = replay(args.setting, args.size, args.seed)
    truth, prepared, arrays, gamma, weight = (
        r[k] for k in ("truth", "prepared", "arrays", "gamma", "weight")
    )
    n = len(truth)
    labels, ambiguous = clusters(r)
    s = cluster_scores(labels, truth)
    rep = r["report"]
    print(f"{args.setting} {args.size} s{args.seed}: F1 {s['f1']:.4f} (P {s['precision']:.4f} / "
          f"R {s['recall']:.4f}); status {rep.status}, prior {r['model'].prior:.4g}, plain shift "
          f"{rep.plain_shift:+.2f}, {len(weight):,} candidates, {len(r['accepted']):,} accepted")  # fmt: skip

    fr = prepared.frame
    plain = fr["plain"].notna().to_numpy()
    yr = fr["yr"].astype("float64").to_numpy()
    precise = fr["precise"].to_numpy().astype(bool)
    side = np.where(np.isnan(yr), 0, np.where(precise, 2, 1))
    rl, rr = arrays["rid_l"].astype(np.int64), arrays["rid_r"].astype(np.int64)
    code = np.minimum(rl, rr) * n + np.maximum(rl, rr)
    order = np.argsort(code)
    sorted_code = code[order]

    def find(a, b):
        want = np.minimum(a, b) * n + np.maximum(a, b)
        k = np.minimum(np.searchsorted(sorted_code, want), len(sorted_code) - 1)
        return np.where(sorted_code[k] == want, order[k], -1)

    def kind(a, b):
        return np.where(plain[a] & plain[b], "pp", np.where(plain[a] ^ plain[b], "pr", "rr"))

    def prec(a, b):
        return np.array(
            [
                PREC[int(x)]
                for x in (np.minimum(side[a], side[b]) * 3 + np.maximum(side[a], side[b]))
            ]
        )

    tl, tr = true_pairs(truth)
    if args.no_ceiling:
        q = np.ones(len(tl))
    else:
        res = ceil.ceiling(
            pd.read_csv(r["csv"], dtype=str, keep_default_na=False),
            np.load(str(r["csv"]).replace(".csv", ".truth.npy")),
        )
        # ceiling's pairs are in the CSV's order; ours in prepared's (the same order: prepare keeps it)
        q_map = dict(
            zip(
                zip(res["a"].tolist(), res["b"].tolist(), strict=True),
                res["q"].tolist(),
                strict=True,
            )
        )
        q = np.array(
            [
                q_map.get((a, b), q_map.get((b, a), 1.0))
                for a, b in zip(tl.tolist(), tr.tolist(), strict=True)
            ]
        )
        print(f"ceiling F1 {res['f1']:.4f} (P {res['precision']:.4f} / R {res['recall']:.4f}), "
              f"threshold q {res['threshold']:.3f}")  # fmt: skip
    keep = q >= 0.5
    idx = find(tl, tr)
    cand = idx >= 0
    acc_pair = weight >= r["threshold"]
    above = cand & acc_pair[np.maximum(idx, 0)]
    missed = labels[tl] != labels[tr]
    print(f"true pairs {len(tl):,}, the ceiling joins {int(keep.sum()):,}; Muster misses "
          f"{int((missed & keep).sum()):,} of those: never candidates {int((missed & keep & ~cand).sum()):,}, "
          f"below {int((missed & keep & cand & ~above).sum()):,}, accepted not clustered "
          f"{int((missed & keep & above).sum()):,}")  # fmt: skip

    sure = q >= 1.0
    print(f"  of which without a rival (q = 1): never candidates {int((missed & sure & ~cand).sum()):,}, "
          f"below {int((missed & sure & cand & ~above).sum()):,}, accepted not clustered "
          f"{int((missed & sure & above).sum()):,}")  # fmt: skip
    # never candidates: which rule would have paired them, uncapped, and how large the block
    lost_nc = np.flatnonzero(missed & keep & ~cand)
    keys_u = block_keys(prepared, None, cap=10**12)[0]
    reasons = collections.Counter()
    for_rule = collections.Counter()
    sizes = []
    block_size = {}
    for i, (name, _attrs) in enumerate(RULES):
        k = keys_u[f"k{i}"].to_numpy()
        _, inv, cnt = np.unique(k, return_inverse=True, return_counts=True)
        block_size[name] = (k, cnt[inv])
    from muster.identity.internals.blocking import rule_shape

    for t in lost_nc:
        a, b = tl[t], tr[t]
        best = None
        for name, attrs in RULES:
            k, bs = block_size[name]
            _, by_year, pl = rule_shape(attrs)
            if k[a] < 0 or k[b] < 0:
                continue
            if pl and not (plain[a] or plain[b]):
                continue
            if k[a] == k[b] or (by_year and abs(k[a] - k[b]) == 1):
                size_ = max(bs[a], bs[b])
                if best is None or size_ < best[1]:
                    best = (name, size_)
        if best is None:
            reasons["no rule shares a key"] += 1
        else:
            reasons["over the cap"] += 1
            for_rule[best[0]] += 1
            sizes.append(best[1])
    print("  never candidates: " + ", ".join(f"{k} {v:,}" for k, v in reasons.items()))
    if sizes:
        print(f"    smallest over-cap block: median {np.median(sizes):.0f}, p90 {np.percentile(sizes, 90):.0f}; rule of it: "
              + ", ".join(f"{k} {v:,}" for k, v in for_rule.most_common(8)))  # fmt: skip
        print(
            "    their kind: "
            + str(collections.Counter(kind(tl[lost_nc], tr[lost_nc]).tolist()).most_common())
        )
        pats = collections.Counter(
            f"{k} {ceil_pat}" for k, ceil_pat in zip(kind(tl[lost_nc], tr[lost_nc]).tolist(),
                                                    prec(tl[lost_nc], tr[lost_nc]).tolist(), strict=True))  # fmt: skip
        print("    kind and precisions: " + str(pats.most_common(8)))

    # below the threshold
    lost_b = np.flatnonzero(missed & keep & cand & ~above)
    pats = collections.Counter(
        f"{k} " + pattern_text(gamma[idx[t]], p) + f" w{weight[idx[t]]:+.1f}"
        for t, k, p in zip(
            lost_b.tolist(),
            kind(tl[lost_b], tr[lost_b]).tolist(),
            prec(tl[lost_b], tr[lost_b]).tolist(),
            strict=True,
        )
    )
    print(f"  below the threshold ({r['threshold']:.2f} bits), top patterns:")
    for p_, c in pats.most_common(args.show):
        print(f"    {c:7,}  {p_}")

    # accepted, not clustered
    lost_a = np.flatnonzero(missed & keep & above)
    acc = r["accepted"]
    acode = np.minimum(acc.left_rows, acc.right_rows).astype(np.int64) * n + np.maximum(
        acc.left_rows, acc.right_rows
    )
    aorder = np.argsort(acode)
    want = np.minimum(tl[lost_a], tr[lost_a]) * n + np.maximum(tl[lost_a], tr[lost_a])
    k_ = np.minimum(np.searchsorted(acode[aorder], want), len(aorder) - 1)
    amb = ambiguous[aorder[k_]]
    print(f"  accepted not clustered: {len(lost_a):,}: ambiguity rule {int(amb.sum()):,}, guard {int((~amb).sum()):,}; kinds "
          + str(collections.Counter(kind(tl[lost_a], tr[lost_a]).tolist()).most_common()))  # fmt: skip

    # false pairs in clusters
    sizes_c = np.bincount(labels)
    lab2 = np.where(sizes_c[labels] <= 3000, labels, -1 - np.arange(n))
    pl_, pr_ = true_pairs(lab2)
    bad = truth[pl_] != truth[pr_]
    pl_, pr_ = pl_[bad], pr_[bad]
    fidx = find(pl_, pr_)
    comp = fidx >= 0
    facc = comp & acc_pair[np.maximum(fidx, 0)]
    print(f"  false pairs in clusters {len(pl_):,}: accepted edges {int(facc.sum()):,}, compared "
          f"below {int((comp & ~facc).sum()):,}, never compared {int((~comp).sum()):,}")  # fmt: skip
    e = np.flatnonzero(facc)
    pats = collections.Counter(
        f"{k} " + pattern_text(gamma[fidx[t]], p) + f" w{weight[fidx[t]]:+.1f}"
        for t, k, p in zip(
            e.tolist(), kind(pl_[e], pr_[e]).tolist(), prec(pl_[e], pr_[e]).tolist(), strict=True
        )
    )
    # each pattern's share of true pairs among all accepted candidate pairs
    print("    accepted false edges by pattern:")
    for p_, c in pats.most_common(args.show):
        print(f"    {c:7,}  {p_}")
    # accepted pairs: true share by kind and precision
    same = truth[rl] == truth[rr]
    ka = kind(rl[acc_pair], rr[acc_pair])
    pa = prec(rl[acc_pair], rr[acc_pair])
    sa = same[acc_pair]
    tab = collections.Counter(zip(ka.tolist(), pa.tolist(), sa.tolist(), strict=True))
    print("  accepted candidate pairs by kind, precisions: true / false")
    for kk in sorted({(a, b) for a, b, _ in tab}):
        t_, f_ = tab.get((*kk, True), 0), tab.get((*kk, False), 0)
        print(f"    {kk[0]} {kk[1]}: {t_:8,} / {f_:8,} ({t_ / max(t_ + f_, 1):.1%} true)")
    # the strata of plain_prior_shift: the truth's share of matches among the trained pairs
    ok = (gamma[:, 0] != 0) & arrays["train"]
    k_all = kind(rl, rr)
    print("  share of matches among trained pairs (given names not disagreeing): " + ", ".join(
        f"{k} {same[ok & (k_all == k)].mean():.4f} of {int((ok & (k_all == k)).sum()):,}"
        for k in ("pp", "pr", "rr")) + f"; all {same[ok].mean():.4f}")  # fmt: skip
    if args.spellings:
        spellings(r["frame"], prepared, tl[missed & keep], tr[missed & keep], args.spellings)
        print("  ... and of the false pairs in clusters (accepted edges):")
        spellings(r["frame"], prepared, pl_[facc], pr_[facc], args.spellings)
    if args.save:
        np.savez(args.save, weight=weight, same=same, gamma=gamma, rl=rl, rr=rr, plain=plain,
                 side=side, yr=yr, labels=labels, truth=truth, train=arrays["train"])  # fmt: skip


if __name__ == "__main__":
    main()
