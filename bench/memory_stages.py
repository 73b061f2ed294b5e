"""Peak memory per stage of one deduplication (a diagnosis harness, not a benchmark of time).

Runs ``dedupe_steps`` (what ``muster match dedupe`` runs) on a person-record CSV with the
process's resident memory sampled every 20 ms, and prints, at the end of each stage (and of the
candidate pairs and the comparison levels inside the first prediction), the highest RSS seen
since the previous line and the RSS now.  ``/usr/bin/time -v`` gives the run's peak; this says
which stage makes it.

    PYTHONPATH=src .venv/bin/python bench/memory_stages.py bench/.cache/sweep/<file>.csv
"""

from __future__ import annotations

import argparse
import resource
import threading
import time


def _rss_mb() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) // 1024
    return 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("csv")
    args = ap.parse_args()
    import muster.identity.internals.engines as engines
    from muster.identity.internals.pipeline import dedupe_steps
    from muster.identity.internals.records import read_person_frame

    peak, done, t0 = [0], threading.Event(), time.time()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _rss_mb())
            time.sleep(0.02)

    def report(stage: str) -> None:
        print(f"{time.time() - t0:7.1f} s  peak {peak[0]:6,} MB  now {_rss_mb():6,} MB  {stage}",
              flush=True)  # fmt: skip
        peak[0] = _rss_mb()

    def wrapped(fn, stage):
        def inner(*a, **k):
            out = fn(*a, **k)
            report(f"  ({stage})")
            return out

        return inner

    engines.DuckDBEngine.candidate_pairs = wrapped(
        engines.DuckDBEngine.candidate_pairs, "candidate pairs"
    )
    engines.pair_levels = wrapped(engines.pair_levels, "comparison levels")
    threading.Thread(target=sample, daemon=True).start()
    frame = read_person_frame(args.csv)
    report("read")
    dedupe_steps(frame, progress=report)
    done.set()
    print(f"peak of the run: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024:,} MB")


if __name__ == "__main__":
    main()
