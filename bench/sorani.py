"""A register written by a Sorani Kurdish clerk: does Muster still find its people?

In the camps of north-east Syria and the Kurdistan Region, a clerk may write Arabic names in
Sorani Kurdish spelling, which writes every vowel (محەمەد for محمد, حوسێن for حسين, فاطمە for
فاطمة).  This takes populations of the sweep (``bench/sweep.py``'s cached CSVs and truth),
rewrites the Arabic-script names of a share of the records (``--share``) of the registers that
write in Arabic script as such a clerk would (``muster.scenario.noise.sorani_spelling``, each
name's vowels placed from its Latin form in the generator's name tables; names the tables do not
hold, such as a typo, are left as written), and prints Muster's pairwise F1 on the population as
generated and as rewritten, in one process each, with the defaults of ``muster match dedupe``.

    PYTHONPATH=src /work/benchvenv/bin/python bench/sorani.py --runs arabic_heavy:20000:1,project:20000:2

The rewritten CSVs are kept beside the sweep's (``*.sorani<share>.csv``), so that another tree
of Muster (``PYTHONPATH=<tree>/src``) can be measured on the same files.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
import sweep  # noqa: E402
from identity_metrics import cluster_scores  # noqa: E402

NAME_COLUMNS = ("given_name", "father_name", "grandfather_name", "family_name", "mother_name")
_ARABIC = re.compile("[\u0600-\u06ff]")
_MARKS = re.compile("[\u064b-\u0652]")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"})


def _key(text: str) -> str:
    return _MARKS.sub("", text).translate(_FOLD).replace(" ", "")


def latin_of_arabic() -> dict[str, tuple[str, str]]:
    """The generator's Arabic names (folded: hamza, teh marbuta, alef maqsura, marks, spaces)
    -> (the Arabic as the table writes it, its Latin form)."""
    from muster.scenario import names as N

    out: dict[str, tuple[str, str]] = {}
    for table in (N.MALE, N.FEMALE, N.FAMILY, N.KURDISH_MALE, N.KURDISH_FEMALE, N.YAZIDI_FAMILY):
        for name in table.names:
            out.setdefault(_key(name.arabic), (name.arabic, name.latin))
    return out


def rewrite(csv_path: Path, share: float, seed: int) -> Path:
    """The population with ``share`` of its Arabic-script records' names in Sorani spelling."""
    out = csv_path.with_name(f"{csv_path.stem}.sorani{share:g}.csv")
    if out.exists():
        return out
    from muster.scenario.noise import sorani_spelling

    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    table = latin_of_arabic()
    rand = random.Random(seed).random
    arabic_rows = frame["given_name"].map(lambda t: bool(_ARABIC.search(t))).to_numpy()
    chosen = arabic_rows & (np.random.default_rng(seed).random(len(frame)) < share)
    written = unknown = 0
    for column in NAME_COLUMNS:
        values = frame[column].to_numpy(dtype=object)
        for i in np.flatnonzero(chosen):
            text = values[i]
            if not text:
                continue
            found = table.get(_key(text))
            if found is None:
                unknown += 1
                continue
            values[i] = sorani_spelling(found[0], found[1], rand)
            written += 1
        frame[column] = values
    frame.to_csv(out, index=False)
    print(f"  {out.name}: {int(chosen.sum()):,} of {int(arabic_rows.sum()):,} Arabic-script "
          f"records rewritten, {written:,} names in Sorani, {unknown:,} not in the tables (kept)")  # fmt: skip
    return out


def f1(csv_path: Path, truth: np.ndarray) -> tuple[dict, float]:
    import muster.identity as mi

    t0 = time.perf_counter()
    records = mi.read_person_csv(csv_path)
    result = mi.dedupe(records)
    ids = [r["record_id"] for r in records]
    _, labels = np.unique(np.array([result.clusters[i] for i in ids]), return_inverse=True)
    return cluster_scores(labels, truth), time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runs", required=True, help="setting:size:seed, comma-separated")
    ap.add_argument("--share", type=float, default=0.6, help="share of Arabic-script records")
    args = ap.parse_args()
    print("| setting | records | seed | as generated: F1 (P / R) | Sorani: F1 (P / R) | s |")
    print("|---|---|---|---|---|---|")
    for spec in args.runs.split(","):
        setting, size, seed = spec.split(":")
        csv_path, truth_path, _ = sweep.data_for(setting, int(size), int(seed), 3600)
        truth = np.load(truth_path)
        sorani = rewrite(csv_path, args.share, int(seed))
        before, _ = f1(csv_path, truth)
        after, secs = f1(sorani, truth)
        print(f"| {setting} | {int(size):,} | {seed} | {before['f1']:.4f} ({before['precision']:.4f} / "
              f"{before['recall']:.4f}) | **{after['f1']:.4f}** ({after['precision']:.4f} / "
              f"{after['recall']:.4f}) | {secs:.0f} |", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
