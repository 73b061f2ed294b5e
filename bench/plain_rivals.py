"""The share of true pairs among a plain list's pairs with registry records, by how many registry
records share the plain record's given name, family name and birth year (a diagnosis: it reads the
truth, for diagnosis only).

Needs the candidate pairs kept by ``bench/lineage_diag.py --save NPZ`` for the same run.  Pairs:
one plain record and one registry record, the given name exact or transliterated, the family name
the only lineage name agreeing, the same birth year; by the town (missing on a side, agreeing).

    PYTHONPATH=src:bench python bench/lineage_diag.py --size 1000000 --save /tmp/nl1m.npz
    PYTHONPATH=src:bench python bench/plain_rivals.py --size 1000000 --npz /tmp/nl1m.npz
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

BINS = ((1, 1), (2, 2), (3, 4), (5, 8), (9, 16), (17, 10**9))
FAMILY_ONLY = 6  # lineage level: family agrees, father, grandfather, mother missing ('..+.')


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--setting", default="no_lineage")
    ap.add_argument("--size", type=int, default=200000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--npz", required=True)
    args = ap.parse_args()
    import sweep

    from muster.identity.internals.blocking import RULES, block_keys
    from muster.identity.internals.prepare import prepare
    from muster.identity.internals.records import read_person_frame

    csv, _, _ = sweep.data_for(args.setting, args.size, args.seed, 3600)
    prepared = prepare(read_person_frame(csv))
    keys = block_keys(prepared, None, cap=10**12)[0]
    rule = [name for name, _ in RULES].index("b_given_family_year")
    k = keys[f"k{rule}"].to_numpy()
    plain = prepared.frame["plain"].notna().to_numpy()
    registry = np.zeros(k.max() + 2, np.int64)
    np.add.at(registry, k[(k >= 0) & ~plain], 1)
    d = np.load(args.npz)
    rl, rr, g, same, w = d["rl"], d["rr"], d["gamma"], d["same"], d["weight"]
    plain_end = np.where(plain[rl], rl, rr)
    pairs = (plain[rl] ^ plain[rr]) & (g[:, 0] >= 3) & (g[:, 2] == 2) & (g[:, 1] == FAMILY_ONLY)
    for town, label in ((-1, "town missing on a side"), (4, "town agrees")):
        s = pairs & (g[:, 5] == town)
        kk = k[plain_end[s]]
        n = np.where(kk >= 0, registry[np.maximum(kk, 0)], 0)
        print(f"{args.setting} {args.size:,} s{args.seed}, {label}: {int(s.sum()):,} pairs, "
              f"{same[s].mean():.1%} one person")  # fmt: skip
        for lo, hi in BINS:
            b = (n >= lo) & (n <= hi)
            if b.any():
                span = f"{lo}" if lo == hi else (f"{lo}-{hi}" if hi < 10**9 else f"{lo}+")
                print(f"  registry records sharing the key {span:>5}: {int(b.sum()):8,} pairs, "
                      f"{same[s][b].mean():6.1%} one person, model weight {w[s][b].mean():+.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
