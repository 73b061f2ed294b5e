"""Benchmark: `muster demo --persons N --no-serve` on a fresh embedded database.

Prints wall time and peak memory (max RSS of the process) for each size, and the target
(60,000 persons: under 2 minutes and 2 GB on a 2-core machine). Run: `.venv/bin/python bench/demo.py`.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time


def run(persons: int, seed: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "MUSTER_DATA": data}
        env.pop("DATABASE_URL", None)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.monotonic()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "muster.cli",
                "demo",
                "--persons",
                str(persons),
                "--seed",
                str(seed),
                "--no-serve",
                "--quiet",
            ],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        seconds = time.monotonic() - started
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        # ru_maxrss of children is the max over all children so far; sizes run smallest first.
        return seconds, max(peak_kib, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="5000,60000")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"{'persons':>8} {'seconds':>8} {'peak MB':>8}  target (60k): < 120 s, < 2048 MB")
    for size in sorted(int(s) for s in args.sizes.split(",")):
        seconds, peak = run(size, args.seed)
        print(f"{size:>8} {seconds:>8.1f} {peak:>8.0f}", flush=True)


if __name__ == "__main__":
    main()
