"""Tracing as it runs inside Muster: is matching fast enough to run inline after the commit?

Two costs, in memory on the matcher the services use (``muster.tracing.services``):

- a new request against the registry (``find_candidates``: every reading of the request, i.e. its
  given name and each of its other names, through ``TracingIndex.candidates``);
- a new household (5 persons) against the open requests (``check_registrations``): the requests
  sharing an index key with a newcomer (keys cached per request, as the services cache them, and
  computed afresh for comparison), each scored against the newcomers only
  (``TracingIndex.candidates_among``).

    python bench/tracing_live.py --registered 20000 --requests 400
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registered", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--households", type=int, default=50)
    args = parser.parse_args()

    from muster.scenario.tracing import tracing_set
    from muster.tracing.matching import TracingIndex, person_keys, request_keys

    data = tracing_set(registered=args.registered, requests=args.requests, seed=args.seed)
    requests = [{k: v for k, v in r.items() if not k.startswith("_")} for r in data.requests]
    start = time.perf_counter()
    index = TracingIndex(data.registry)
    print(f"index build: {_ms(start) / 1000:.1f} s for {len(index)} registered")

    find = []
    for request in requests:
        start = time.perf_counter()
        index.candidates(request, top=10)
        find.append(_ms(start))
    find.sort()
    p95 = find[int(len(find) * 0.95) - 1]
    print(f"new request vs registry: p50 {statistics.median(find):.1f} ms, p95 {p95:.1f} ms")

    start = time.perf_counter()
    cached = [request_keys(r) for r in requests]
    print(f"keys of {len(requests)} open requests: {_ms(start):.0f} ms (once per change)")
    for label, fresh in (("keys cached", False), ("keys computed", True)):
        times, scored = [], 0
        for h in range(args.households):
            newcomers = data.registry[h * 5 : h * 5 + 5]
            start = time.perf_counter()
            keys = set().union(*(person_keys(p) for p in newcomers))
            ids = [p["record_id"] for p in newcomers]
            for request, k in zip(requests, cached, strict=True):
                if (request_keys(request) if fresh else k) & keys:
                    index.candidates_among(request, ids)
                    scored += 1
            times.append(_ms(start))
        times.sort()
        print(
            f"household of 5 vs {len(requests)} open requests ({label}): "
            f"p50 {statistics.median(times):.1f} ms, max {times[-1]:.1f} ms, "
            f"{scored / args.households:.1f} requests scored per household"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
