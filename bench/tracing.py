"""Tracing benchmark: families' requests against the registered, renamed children and grown ages.

For each seed, generates a tracing set (muster.scenario.tracing: abducted persons registered
under captors' names with estimated ages, requests in Kurmanji, Latin or Arabic spelling, a
share of requests for persons not registered) and runs, on the same files:

- ``tracing``: muster.tracing.matching.TracingIndex (the matcher of `muster trace match`);
- ``link``: plain identity linking (muster.identity.link, as `muster match link`, every
  candidate pair kept and ranked by match weight; confident = at or above its link threshold);
- ``fuzzy``: rapidfuzz token_sort_ratio on the full name (given, father, grandfather, family)
  among the registered of the same sex born within three years (confident = ratio >= 90).

Reports recall@1 and recall@5 of the true person among each request's candidates, mean
candidates per request (top 10), the share of requests with no registered person that get a
confident first candidate (false-confident rate), and time.  Tune on seeds 1-3, judge on 4-8:

    python bench/tracing.py --seeds 4,5,6,7,8 --registered 20000 --requests 400
    python bench/tracing.py --timing --registered 1000000 --requests 400 --seeds 4 --systems tracing
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

TOP = 10


def _recall(ranked: dict[str, list[str]], truth: dict[str, str], k: int) -> float:
    positives = [r for r, t in truth.items() if t]
    return sum(truth[r] in ranked.get(r, [])[:k] for r in positives) / max(1, len(positives))


def _false_confident(confident: dict[str, bool], truth: dict[str, str]) -> float:
    negatives = [r for r, t in truth.items() if not t]
    return sum(confident.get(r, False) for r in negatives) / max(1, len(negatives))


def _as_person(request: dict[str, str]) -> dict[str, str]:
    """A request in the plain person layout (what `muster match link` can read)."""
    from muster.identity import PERSON_COLUMNS

    rec = {c: request.get(c, "") for c in PERSON_COLUMNS}
    if (
        not rec["birth_year"]
        and request.get("age_at_separation")
        and request.get("separation_date")
    ):
        rec["birth_year"] = str(
            int(request["separation_date"][:4]) - int(request["age_at_separation"])
        )
    if not rec["place_of_origin"]:
        rec["place_of_origin"] = request.get("separation_place", "")
    return rec


def run_tracing(ts, timing_only: bool = False) -> dict:
    from muster.tracing.matching import TracingIndex

    t0 = time.perf_counter()
    index = TracingIndex(ts.registry)
    build = time.perf_counter() - t0
    ranked, confident, times, counts = {}, {}, [], []
    for req in ts.requests:
        t = time.perf_counter()
        cands = index.candidates(req, top=TOP)
        times.append(time.perf_counter() - t)
        ranked[req["record_id"]] = [c.record_id for c in cands]
        confident[req["record_id"]] = bool(cands and cands[0].confident)
        counts.append(len(cands))
    times.sort()
    truth = ts.true_records()
    positives = [r for r, t in truth.items() if t]
    return {
        "recall@1": _recall(ranked, truth, 1),
        "recall@5": _recall(ranked, truth, 5),
        "mean_candidates": statistics.mean(counts),
        "false_confident": _false_confident(confident, truth),
        "true_confident": sum(confident[r] and ranked[r][:1] == [truth[r]] for r in positives)
        / max(1, len(positives)),
        "build_s": build,
        "query_p50_ms": 1000 * times[len(times) // 2],
        "query_p95_ms": 1000 * times[min(len(times) - 1, int(0.95 * len(times)))],
        "total_s": build + sum(times),
    }


def run_link(ts) -> dict:
    from muster.identity import link
    from muster.identity.internals.pipeline import LINK_THRESHOLD

    t0 = time.perf_counter()
    result = link([_as_person(r) for r in ts.requests], ts.registry, threshold=0.0)
    frame = result.pairs.to_frame().sort_values(
        ["record_id_a", "match_weight"], ascending=[True, False]
    )
    ranked: dict[str, list[str]] = {}
    confident: dict[str, bool] = {}
    counts: dict[str, int] = {}
    for a, b, p in zip(frame["record_id_a"], frame["record_id_b"], frame["score"], strict=True):
        lst = ranked.setdefault(a, [])
        if not lst:
            confident[a] = p >= LINK_THRESHOLD
        if len(lst) < TOP:
            lst.append(b)
        counts[a] = len(lst)
    truth = ts.true_records()
    return {
        "recall@1": _recall(ranked, truth, 1),
        "recall@5": _recall(ranked, truth, 5),
        "mean_candidates": sum(counts.values()) / len(ts.requests),
        "false_confident": _false_confident(confident, truth),
        "total_s": time.perf_counter() - t0,
    }


def run_fuzzy(ts) -> dict:
    from rapidfuzz import fuzz, process

    t0 = time.perf_counter()
    by_key: dict[tuple[str, int], list[int]] = {}
    names, ids = [], []
    for i, r in enumerate(ts.registry):
        names.append(
            " ".join(
                r[f]
                for f in ("given_name", "father_name", "grandfather_name", "family_name")
                if r[f]
            )
        )
        ids.append(r["record_id"])
        year = r["birth_year"] or r["date_of_birth"][:4]
        if year:
            by_key.setdefault((r["sex"], int(year)), []).append(i)
    ranked, confident, counts = {}, {}, []
    for req in ts.requests:
        p = _as_person(req)
        full = " ".join(
            p[f] for f in ("given_name", "father_name", "grandfather_name", "family_name") if p[f]
        )
        pool: list[int] = []
        if p["birth_year"]:
            y = int(p["birth_year"])
            for sex in [p["sex"]] if p["sex"] else ["M", "F", ""]:
                for yy in range(y - 3, y + 4):
                    pool.extend(by_key.get((sex, yy), []))
        hits = process.extract(
            full, [names[i] for i in pool], scorer=fuzz.token_sort_ratio, limit=TOP
        )
        ranked[req["record_id"]] = [ids[pool[j]] for _, _, j in hits]
        confident[req["record_id"]] = bool(hits and hits[0][1] >= 90)
        counts.append(len(hits))
    truth = ts.true_records()
    return {
        "recall@1": _recall(ranked, truth, 1),
        "recall@5": _recall(ranked, truth, 5),
        "mean_candidates": statistics.mean(counts),
        "false_confident": _false_confident(confident, truth),
        "total_s": time.perf_counter() - t0,
    }


SYSTEMS = {"tracing": run_tracing, "link": run_link, "fuzzy": run_fuzzy}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="4,5,6,7,8")
    ap.add_argument("--registered", type=int, default=20_000)
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--systems", default="tracing,link,fuzzy")
    ap.add_argument(
        "--timing", action="store_true", help="one large run: the matcher only, with memory"
    )
    ap.add_argument("--json", help="write every run's figures here")
    args = ap.parse_args(argv)
    from muster.scenario.tracing import tracing_set

    seeds = [int(s) for s in args.seeds.split(",")]
    systems = args.systems.split(",")
    runs = []
    for seed in seeds:
        t0 = time.perf_counter()
        ts = tracing_set(args.registered, args.requests, seed=seed)
        gen = time.perf_counter() - t0
        negatives = sum(1 for t in ts.truth if not t["record_id_b"])
        print(
            f"seed {seed}: {len(ts.registry):,} registered, {len(ts.requests)} requests "
            f"({negatives} for persons not registered), generated in {gen:.0f} s",
            file=sys.stderr,
        )
        for name in systems:
            figures = SYSTEMS[name](ts)
            figures.update(
                system=name, seed=seed, registered=len(ts.registry), requests=len(ts.requests)
            )
            runs.append(figures)
            print(
                json.dumps(
                    {k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()}
                ),
                file=sys.stderr,
            )
        if args.timing:
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"peak memory {rss:,.0f} MB", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(runs, indent=1))
    print(summary(runs, systems))
    return 0


def summary(runs: list[dict], systems: list[str]) -> str:
    metrics = ("recall@1", "recall@5", "mean_candidates", "false_confident", "total_s")
    lines = [
        "| system | " + " | ".join(f"{m} worst / median" for m in metrics) + " |",
        "|---" * (len(metrics) + 1) + "|",
    ]
    for name in systems:
        rows = [r for r in runs if r["system"] == name]
        cells = []
        for m in metrics:
            values = [r[m] for r in rows]
            worst = max(values) if m in ("false_confident", "total_s") else min(values)
            cells.append(f"{worst:.3f} / {statistics.median(values):.3f}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    if any("query_p95_ms" in r for r in runs):
        q = [r for r in runs if "query_p95_ms" in r]
        lines.append("")
        lines.append(
            "tracing per request: p50 "
            + ", ".join(f"{r['query_p50_ms']:.1f}" for r in q)
            + " ms; p95 "
            + ", ".join(f"{r['query_p95_ms']:.1f}" for r in q)
            + " ms; index build "
            + ", ".join(f"{r['build_s']:.1f}" for r in q)
            + " s"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
