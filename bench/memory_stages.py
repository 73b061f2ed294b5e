"""Peak memory per stage of one deduplication (a diagnosis harness, not a benchmark of time).

Runs ``dedupe_steps`` (what ``muster match dedupe`` runs) on a person-record CSV with the
process's resident memory sampled every 20 ms, and prints, at the end of each stage (and of the
candidate pairs and the comparison levels inside the first prediction), the highest RSS seen
since the previous line and the RSS now.  ``/usr/bin/time -v`` gives the run's peak; this says
which stage makes it.

    PYTHONPATH=src .venv/bin/python bench/memory_stages.py bench/.cache/sweep/<file>.csv
    PYTHONPATH=src .venv/bin/python bench/memory_stages.py --calls bench/.cache/sweep/<file>.csv

``--calls`` also prints, per call of the pipeline's steps (training, the strata's priors, scoring,
clustering, the lists' bound), the RSS before, the highest during and after it, nested: which
step of a stage makes its peak (the forty-seventh session found the fallback's weighing there).
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


CALLS = (
    "_train", "plain_prior_shift", "plain_model_shift", "source_prior_shift", "reach_shift",
    "_trained_with_strata", "score_dedupe", "cluster_accepted", "crowded_records", "_fit_dedupe",
    "frequency_shift", "over_capacity", "_over_capacity_kept", "_over_capacity_fell_back",
    "_fell_back", "_capped",
)  # fmt: skip


def _trace_calls(peak: list[int], t0: float) -> None:
    """Wrap the pipeline's steps (``CALLS``) to print each call's RSS before, peak and after."""
    import muster.identity.internals.pipeline as pipeline

    depth = [0]

    def wrap(name: str):  # noqa: ANN202
        fn = getattr(pipeline, name)

        def inner(*a, **k):  # noqa: ANN002, ANN003, ANN202
            before, outer = _rss_mb(), peak[0]
            peak[0] = before
            depth[0] += 1
            try:
                return fn(*a, **k)
            finally:
                depth[0] -= 1
                # (a stage's line between resets the highest seen to the RSS then)
                high = max(peak[0], before)
                print(f"{time.time() - t0:7.1f} s  {'  ' * depth[0]}{name}: before {before:,} "
                      f"peak {high:,} after {_rss_mb():,} MB", flush=True)  # fmt: skip
                peak[0] = max(outer, high)

        return inner

    for name in CALLS:
        if hasattr(pipeline, name):
            setattr(pipeline, name, wrap(name))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("csv")
    ap.add_argument("--calls", action="store_true", help="peaks per call of the pipeline's steps")
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
    if args.calls:
        _trace_calls(peak, t0)
    threading.Thread(target=sample, daemon=True).start()
    frame = read_person_frame(args.csv)
    report("read")
    dedupe_steps(frame, progress=report)
    done.set()
    print(f"peak of the run: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024:,} MB")


if __name__ == "__main__":
    main()
