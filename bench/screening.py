"""Screening benchmark: one registration against a registry of 100k (and 1M) persons, and batch
re-screening of the whole registry.

Registry = the scenario generator's population as the ``reception`` register writes it; queries =
the same persons re-registered by the ``camp`` register (other spelling habits, dropped grandfather
names, year-only dates), i.e. the duplicates screening must find.

- ``db`` (100k by default): persons bulk-loaded into a fresh SQLite database; the process-wide index
  is built from the database (``matching.REGISTRY.sync``); each query is a real new Person screened
  through ``services.screen_persons`` (candidates, DB checks, hits written and audited); then the
  whole registry is re-screened with ``services.run_batch_rescreen``.
- ``memory`` (1M by default): the same adapter records (``matching.person_record``) in a
  ``ScreeningIndex`` without a database, to show how lookup latency scales.

    python bench/screening.py --db 100000 --memory 1000000 --queries 500 --write
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def _records(persons: int, seed: int, queries: int):
    from muster.scenario import generate
    from muster.scenario.sources import render_records

    scenario = generate(persons=persons, seed=seed)
    people = list(scenario.persons)[:persons]
    registry = [
        r
        for r, _ in render_records(
            people, {"reception": 1.0}, seed=seed, duplicates_within_source=0
        )
    ]
    rng = random.Random(seed)
    sample = rng.sample(people, min(queries, len(people)))
    again = [
        r
        for r, _ in render_records(sample, {"camp": 1.0}, seed=seed + 1, duplicates_within_source=0)
    ]
    return registry, again


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _person_fields(record: dict) -> dict:
    dob = record["date_of_birth"]
    year = record["birth_year"] or (dob[:4] if dob else "")
    return {
        "given_name": record["given_name"] or "?",
        "father_name": record["father_name"],
        "grandfather_name": record["grandfather_name"],
        "family_name": record["family_name"],
        "mother_name": record["mother_name"],
        "alias": record["alias"],
        "sex": record["sex"] or "U",
        "date_of_birth": dt.date.fromisoformat(dob) if dob else None,
        "birth_year": int(year) if year else None,
        "dob_precision": "day" if dob else "year",
        "nationality": record["nationality"],
        "place_of_origin": record["place_of_origin"],
    }


def bench_db(n: int, queries: int, seed: int) -> dict:
    tmp = tempfile.mkdtemp(prefix="muster-bench-screening-")
    os.environ["MUSTER_DATA"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "muster.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from muster.people.models import Person
    from muster.people.services import new_number
    from muster.screening import matching
    from muster.screening import services as screening
    from muster.screening.models import Hit

    call_command("migrate", verbosity=0)
    registry, again = _records(n, seed, queries)
    t = time.perf_counter()
    now = timezone.now()
    batch = []
    for rec in registry:
        batch.append(Person(number=new_number("P"), registered_at=now, **_person_fields(rec)))
        if len(batch) == 5000:
            Person.objects.bulk_create(batch)
            batch = []
    Person.objects.bulk_create(batch)
    load_s = time.perf_counter() - t

    matching.reset()
    t = time.perf_counter()
    matching.REGISTRY.sync()
    build_s = time.perf_counter() - t

    later = timezone.now() + dt.timedelta(days=3)
    new_persons = Person.objects.bulk_create(
        [Person(number=new_number("P"), registered_at=later, **_person_fields(r)) for r in again]
    )
    # In production the registration hook adds each new person to the index as it commits; here
    # they were bulk-inserted, so bring the index up to date before timing (not part of a query).
    matching.REGISTRY.sync()
    latencies, found = [], 0
    for person in new_persons:
        t = time.perf_counter()
        hits = screening.screen_persons([person])
        latencies.append(time.perf_counter() - t)
        found += any(h.kind == "duplicate" for h in hits)
    lookup = []
    for r in again:
        rec = matching.person_record({**_person_fields(r), "id": 0})
        t = time.perf_counter()
        matching.registry_candidates(rec)
        lookup.append(time.perf_counter() - t)

    Hit.objects.all().delete()  # a clean slate: the batch finds everything again
    run = screening.ScreeningRun.objects.create(kind="batch", created_at=timezone.now())
    t = time.perf_counter()
    run = screening.run_batch_rescreen(run.pk)
    batch_s = time.perf_counter() - t
    return {
        "persons": n,
        "load_s": load_s,
        "build_s": build_s,
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * _pct(latencies, 0.95),
        "max_ms": 1000 * max(latencies),
        "lookup_p50_ms": 1000 * statistics.median(lookup),
        "lookup_p95_ms": 1000 * _pct(lookup, 0.95),
        "found": found / len(new_persons),
        "queries": len(new_persons),
        "batch_s": batch_s,
        "batch_persons": run.total,
        "batch_hits": run.hits_created,
        "rss_mb": _rss_mb(),
    }


def bench_memory(n: int, queries: int, seed: int) -> dict:
    from muster.identity import ScreeningIndex
    from muster.screening import matching

    registry, again = _records(n, seed, queries)
    rows = [{**_person_fields(r), "id": i + 1} for i, r in enumerate(registry)]
    del registry
    t = time.perf_counter()
    index = ScreeningIndex(matching.person_record(r) for r in rows)
    build_s = time.perf_counter() - t
    del rows
    _, possible = matching.thresholds()
    latencies, found = [], 0
    for i, r in enumerate(again):
        rec = matching.person_record({**_person_fields(r), "id": n + 1 + i})
        t = time.perf_counter()
        cands = index.candidates(rec, limit=10, min_score=possible)
        latencies.append(time.perf_counter() - t)
        found += bool(cands)
    return {
        "persons": n,
        "build_s": build_s,
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * _pct(latencies, 0.95),
        "max_ms": 1000 * max(latencies),
        "found": found / len(again),
        "queries": len(again),
        "rss_mb": _rss_mb(),
    }


SECTION = "## Screening (`bench/screening.py`)"


def write_results(text: str) -> None:
    """Replace (or add) the Screening section of bench/RESULTS.md, leaving the others alone."""
    path = ROOT / "bench" / "RESULTS.md"
    current = path.read_text() if path.exists() else "# Benchmark results\n"
    start = current.find("## Screening")  # this section's heading, whatever follows it
    if start == -1:
        path.write_text(current.rstrip("\n") + "\n\n" + text)
        return
    end = current.find("\n## ", start + len(SECTION))
    rest = current[end + 1 :] if end != -1 else ""
    path.write_text(current[:start] + text + ("\n" + rest if rest else ""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=int, default=100_000, help="registry size with the database path")
    ap.add_argument("--memory", type=int, default=0, help="registry size, in-memory index only")
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = ap.parse_args()
    today = dt.date.today().isoformat()
    lines = [
        SECTION,
        "",
        f"`python bench/screening.py --db {args.db} --memory {args.memory} --queries "
        f"{args.queries} --seed {args.seed}` on this machine (2 cores, shared), SQLite, {today}.",
        "Registry: the scenario population as the `reception` register wrote it; each query is one "
        "of them re-registered by the `camp` register (another spelling, grandfather often "
        "dropped, year only). Target: a single registration's candidates within 1 s at 100k.",
        "",
    ]
    if args.db:
        r = bench_db(args.db, args.queries, args.seed)
        print(r, flush=True)
        lines += [
            "Single registration, full path (`services.screen_persons`: registry + lists, DB "
            "checks, hits written and audited), index built from the database:",
            "",
            "| registered persons | index build from DB | p50 | p95 | max | candidate lookup only p50 / p95 | re-registrations found | batch re-screen (all persons) | peak RSS |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| {r['persons']:,} | {r['build_s']:.1f} s | {r['p50_ms']:.1f} ms | {r['p95_ms']:.1f} ms "
            f"| {r['max_ms']:.0f} ms | {r['lookup_p50_ms']:.2f} / {r['lookup_p95_ms']:.2f} ms "
            f"| {100 * r['found']:.1f} % of {r['queries']} | {r['batch_s']:.0f} s for "
            f"{r['batch_persons']:,} ({r['batch_hits']:,} hits) | {r['rss_mb']:.0f} MB |",
            "",
        ]
    if args.memory:
        m = bench_memory(args.memory, args.queries, args.seed)
        print(m, flush=True)
        lines += [
            "Candidate lookup through the adapter, in-memory index only (no database):",
            "",
            "| registered persons | index build | p50 | p95 | max | re-registrations found | peak RSS |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| {m['persons']:,} | {m['build_s']:.0f} s | {m['p50_ms']:.2f} ms | {m['p95_ms']:.2f} ms "
            f"| {m['max_ms']:.0f} ms | {100 * m['found']:.1f} % of {m['queries']} | {m['rss_mb']:.0f} MB |",
            "",
        ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_results(text)


if __name__ == "__main__":
    main()
