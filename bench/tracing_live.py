"""Tracing as it runs inside Muster: is live matching fast enough, and does the queue rank as the
benchmark's joint matching does?

The costs, in memory on the matcher the services use (``muster.tracing.services``), every other
request open (the services' rivals, ``TracingIndex.candidates_claimed``):

- the open requests' readings and index keys, prepared once per change of a request (the services
  cache them; a rival's readings are prepared only when it shares a key with a candidate);
- a new request against the registry (``find_candidates``), weighed against the other open
  requests' claims on its candidates;
- a new household (5 persons) against the open requests (``check_registrations``): the requests
  sharing an index key with a newcomer, each scored against the newcomers only and weighed
  against the other open requests;
- recall@1 / recall@5 of the live queue (each request searched with all the others open) against
  single matching (``TracingIndex.candidates``, as the services did before) and the batch
  (``candidates_jointly``, ``muster trace match``).

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


def _p95(times: list[float]) -> float:
    times = sorted(times)
    return times[max(0, int(len(times) * 0.95) - 1)]


def _recall(ranked: dict[str, list[str]], truth: dict[str, str], k: int) -> float:
    positives = [r for r, t in truth.items() if t]
    return sum(truth[r] in ranked.get(r, [])[:k] for r in positives) / max(1, len(positives))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registered", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--households", type=int, default=50)
    args = parser.parse_args()

    from muster.scenario.tracing import tracing_set
    from muster.tracing.matching import Rival, Rivals, TracingIndex, person_keys, request_keys

    data = tracing_set(registered=args.registered, requests=args.requests, seed=args.seed)
    requests = [{k: v for k, v in r.items() if not k.startswith("_")} for r in data.requests]
    ids = [r["record_id"] for r in requests]
    truth = data.true_records()
    start = time.perf_counter()
    index = TracingIndex(data.registry)
    print(f"index build: {_ms(start) / 1000:.1f} s for {len(index)} registered")

    start = time.perf_counter()
    keys = [request_keys(r) for r in requests]
    print(f"keys of {len(requests)} open requests: {_ms(start):.0f} ms (once per change)")
    start = time.perf_counter()
    readings = [index.prepare(r) for r in requests]
    print(f"readings of {len(requests)} open requests: {_ms(start):.0f} ms (once per change)")
    start = time.perf_counter()
    rivals = Rivals(Rival(i, [r], [k]) for i, r, k in zip(ids, readings, keys, strict=True))
    print(f"rivals indexed by their keys: {_ms(start):.0f} ms (once per change)")

    single, live, t_single, t_live = {}, {}, [], []
    for i, request in enumerate(requests):
        start = time.perf_counter()
        found = index.candidates(request, top=10)
        t_single.append(_ms(start))
        single[ids[i]] = [c.record_id for c in found]
        start = time.perf_counter()
        found = index.candidates_claimed([index.prepare(request)], rivals, exclude=ids[i])
        t_live.append(_ms(start))
        live[ids[i]] = [c.record_id for c in found]
    for label, times in (("single", t_single), ("live, others open", t_live)):
        print(
            f"new request vs registry ({label}): p50 {statistics.median(times):.1f} ms, "
            f"p95 {_p95(times):.1f} ms"
        )
    start = time.perf_counter()
    batch = dict(zip(ids, index.candidates_jointly(requests, top=10), strict=True))
    print(f"batch of {len(requests)} (candidates_jointly): {_ms(start) / 1000:.1f} s")
    batch = {r: [c.record_id for c in found] for r, found in batch.items()}
    for label, ranked in (("single", single), ("live", live), ("batch", batch)):
        print(
            f"recall {label}: @1 {_recall(ranked, truth, 1):.3f}, @5 {_recall(ranked, truth, 5):.3f}"
        )
    agree = sum(live[r][:1] == batch[r][:1] for r in ids) / len(ids)
    print(f"live and batch agree on the first candidate for {agree:.3f} of requests")

    times, scored = [], 0
    for h in range(args.households):
        newcomers = data.registry[h * 5 : h * 5 + 5]
        start = time.perf_counter()
        theirs = set().union(*(person_keys(p) for p in newcomers))
        among = [p["record_id"] for p in newcomers]
        scores: dict = {}  # shared by the requests of one check, as the services share it
        for i, k in enumerate(keys):
            if k & theirs:
                index.candidates_claimed(
                    [readings[i]], rivals, record_ids=among, scores=scores, exclude=ids[i]
                )
                scored += 1
        times.append(_ms(start))
    times.sort()
    print(
        f"household of 5 vs {len(requests)} open requests (keys and readings cached): "
        f"p50 {statistics.median(times):.1f} ms, max {times[-1]:.1f} ms, "
        f"{scored / args.households:.1f} requests scored per household"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
