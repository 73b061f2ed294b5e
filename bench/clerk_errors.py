"""One clerk's error at a time: which single habit of a register costs identity resolution most.

The sweep (``bench/sweep.py``) draws populations whose registers change many habits at once, so
a run's loss cannot be pinned on one.  Here the project's own four registers
(``presets.DEV``: reception, camp, an Arabic-script authority list, an NGO) are rendered again
with ONE of ``SourceStyle``'s habits raised on all four (a wrong sex box on 10 % of records,
given and father's names swapped on 10 %, a form's default nationality left on 30 % ...), and
``pipeline.dedupe_steps`` runs on each.  Each row prints pairwise F1, precision and recall
(clustered) per seed, and the change from the registers as they are ("none"), so that the
habits the engine handles worst stand at the top.

    PYTHONPATH=src /work/benchvenv/bin/python bench/clerk_errors.py --size 20000 --seeds 1,2
    PYTHONPATH=src /work/benchvenv/bin/python bench/clerk_errors.py --habits p_sex_wrong,p_typo

The values are a register that does this badly, not a typical one; the populations are the
generator's, so read the order of the rows, not a figure, as what a real list would show.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from identity_metrics import cluster_scores  # noqa: E402

# One habit raised on every register, to the share of records a careless register might reach.
HABITS: dict[str, float | None] = {
    "none": None,
    "p_sex_wrong": 0.1,
    "p_sex_missing": 0.3,
    "p_nationality_default": 0.3,
    "p_nationality_missing": 0.5,
    "p_daymonth_swap": 0.2,
    "p_jan1": 0.5,
    "p_year_only": 0.8,
    "p_year_shift": 0.25,
    "p_age_rounded": 0.4,
    "p_date_missing": 0.3,
    "p_typo": 0.08,
    "p_styled": 0.5,
    "p_drop_article": 0.5,
    "p_arabic": 0.3,
    "p_split_compound": 0.2,
    "p_swap_given_father": 0.1,
    "p_swap_given_family": 0.1,
    "p_swap_father_grandfather": 0.1,
    "p_missing_father": 0.3,
    "p_missing_grandfather": 0.6,
    "p_missing_family": 0.3,
    "p_origin_missing": 0.5,
    "p_sparse": 0.3,
}


def run(habit: str, size: int, seed: int) -> dict[str, float]:
    """Pairwise scores of deduplicating the project's registers with ``habit`` raised."""
    from muster.identity.internals.pipeline import dedupe_steps
    from muster.scenario.presets import DEV, Setting, labelled_records
    from muster.scenario.sources import SOURCES

    value = HABITS[habit]
    styles = {} if value is None else {n: replace(SOURCES[n], **{habit: value}) for n in DEV}
    setting = Setting(f"clerk_{habit}", habit, DEV, styles=styles)
    records, truth = labelled_records(setting, size, seed)
    labels = dedupe_steps(pd.DataFrame(records)).labels
    return cluster_scores(labels, np.asarray(pd.factorize(pd.Series(truth))[0]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--size", type=int, default=20000)
    ap.add_argument("--seeds", default="1,2")
    ap.add_argument("--habits", default="all", help="comma-separated SourceStyle fields, or all")
    args = ap.parse_args()
    habits = list(HABITS) if args.habits == "all" else ["none", *args.habits.split(",")]
    unknown = [h for h in habits if h not in HABITS]
    if unknown:
        ap.error(f"unknown habit(s) {unknown}; known: {', '.join(HABITS)}")
    seeds = [int(s) for s in args.seeds.split(",")]
    print(f"| habit (share of records) | {' | '.join(f'seed {s}: F1 (P / R)' for s in seeds)} "
          "| median change from none | seconds |")  # fmt: skip
    print("|---|" + "---|" * (len(seeds) + 2))
    base: list[float] = []
    for habit in dict.fromkeys(habits):
        start = time.perf_counter()
        scores = [run(habit, args.size, s) for s in seeds]
        f1 = [s["f1"] for s in scores]
        if habit == "none":
            base = f1
        change = statistics.median(a - b for a, b in zip(f1, base, strict=True))
        cells = " | ".join(
            f"{s['f1']:.4f} ({s['precision']:.4f} / {s['recall']:.4f})" for s in scores
        )
        print(f"| {habit} ({HABITS[habit] or '-'}) | {cells} | {change:+.4f} | "
              f"{time.perf_counter() - start:.0f} |", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
