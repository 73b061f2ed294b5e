"""Screening benchmark: one registration against a registry of 100k (and 1M) persons, and batch
re-screening of the whole registry.

Registry = the scenario generator's population as the ``reception`` register writes it; queries =
the same persons re-registered by the ``camp`` register (other spelling habits, dropped grandfather
names, year-only dates), i.e. the duplicates screening must find; reference list = some of them
and as many never registered, as an Arabic-script authority writes them. Every hit is checked
against the generator's truth: per band (likely / possible) how many hits, how many are the same
person, the recall of the true duplicates and of the listed people, hits per person screened.

- ``db`` (100k by default): persons bulk-loaded into a fresh SQLite database; the process-wide index
  is built from the database (``matching.REGISTRY.sync``); each query is a real new Person screened
  through ``services.screen_persons`` (candidates, DB checks, hits written and audited); then the
  whole registry is re-screened with ``services.run_batch_rescreen``.
- ``memory`` (1M by default): the same adapter records (``matching.person_record``) in a
  ``ScreeningIndex`` without a database, to show how lookup latency scales; with ``--sweep N``
  also recall and estimated batch false pairs per threshold (how the thresholds are chosen).

    python bench/screening.py --db 100000 --memory 1000000 --queries 500 --write
    python bench/screening.py --db 0 --memory 100000 --sweep 5000
    python bench/screening.py --db 20000 --setting coarse_dates   # or sample_once, drawn<N>...

``--setting`` takes a population of ``muster.scenario.presets`` instead (its registers' records in
a random order of arrival; only the queries whose person is already registered have a true
duplicate, so a population where most persons appear once measures the namesakes' hits).
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
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def _records(persons: int, seed: int, queries: int, listed: int = 0, setting: str = ""):
    """Registry, re-registrations and a reference list, each record with its true person's key.

    Registry: ``persons`` people as the ``reception`` register wrote them (with their household
    key); queries: ``queries`` of them re-registered by the ``camp`` register; list: ``listed``
    registered people and as many never registered, as an Arabic-script authority wrote them.

    With a ``setting`` (``muster.scenario.presets``: a name, or ``drawn<N>``): every record its
    registers write, in a random order of arrival; the registry is the first ``persons`` records
    (a person may be in it twice), the queries the next ``queries`` records of persons not queried
    before, of whom only those already registered have a true duplicate (in ``sample_once`` few
    do: the rest can only raise false hits); the list as above, from the setting's persons.
    """
    if setting:
        return _setting_records(persons, seed, queries, listed, setting)
    from muster.scenario import generate
    from muster.scenario.sources import render_records

    scenario = generate(persons=persons + listed, seed=seed)
    everyone = list(scenario.persons)[: persons + listed]
    people, outsiders = everyone[:persons], everyone[persons:]
    household = {p.key: p.household_key for p in everyone}
    registry = [
        (r, k, household[k])
        for r, k in render_records(
            people, {"reception": 1.0}, seed=seed, duplicates_within_source=0
        )
    ]
    rng = random.Random(seed)
    sample = rng.sample(people, min(queries, len(people)))
    again = [
        (r, k, household[k])
        for r, k in render_records(sample, {"camp": 1.0}, seed=seed + 1, duplicates_within_source=0)
    ]
    on_list = sample[:listed] + outsiders  # listed people re-register too: screened both ways
    listed_records = list(
        render_records(on_list, {"authority_ar": 1.0}, seed=seed + 3, duplicates_within_source=0)
    )
    return registry, again, listed_records


def _setting_records(persons: int, seed: int, queries: int, listed: int, setting: str):
    """``_records`` for a named (or drawn) setting: see there."""
    from muster.scenario import generate
    from muster.scenario.presets import setting_named
    from muster.scenario.sources import render_records

    s = setting_named(setting)
    wanted = persons + 2 * queries  # queries are of persons not queried before: some spare
    population = max(10, int(wanted / s.records_per_person() * 1.05) + listed + 1)
    scenario = generate(persons=population, seed=seed, shape=s.shape)
    everyone = list(scenario.persons)
    household = {p.key: p.household_key for p in everyone}
    rows = list(
        render_records(
            everyone,
            s.sources,
            seed=seed + 1,
            duplicates_within_source=s.duplicates_within_source,
            styles=s.styles,
        )
    )
    random.Random(seed).shuffle(rows)
    registry = [(r, k, household[k]) for r, k in rows[:persons]]
    again, asked = [], set()
    for r, k in rows[persons:]:
        if len(again) == queries:
            break
        if k not in asked:
            asked.add(k)
            again.append((r, k, household[k]))
    seen = {k for _, k, _ in registry} | asked
    outsiders = [p for p in everyone if p.key not in seen][:listed]
    by_key = {p.key: p for p in everyone}
    on_list = [by_key[k] for _, k, _ in again[:listed]] + outsiders
    listed_records = list(
        render_records(on_list, {"authority_ar": 1.0}, seed=seed + 3, duplicates_within_source=0)
    )
    return registry, again, listed_records


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


def _quality(hits, person_key: dict, entry_key: dict, dup_pairs: set, list_pairs: set) -> dict:
    """Hits against the generator's truth: per band, how many and how many are the same person;
    recall of the true duplicate pairs and of the listed registered people, per band and overall.
    """
    from muster.screening.models import Hit

    out: dict = {"likely": Counter(), "possible": Counter()}
    dup_found: dict[str, set] = {"likely": set(), "possible": set()}
    list_found: dict[str, set] = {"likely": set(), "possible": set()}
    for h in hits:
        band = out[h.band]
        if h.kind == Hit.Kind.DUPLICATE:
            pair = frozenset((person_key[h.person_id], person_key[h.candidate_id]))
            true = len(pair) == 1
            band["dup"] += 1
            band["dup_true"] += true
            if true:
                dup_found[h.band].add(pair)
        else:
            key = entry_key[h.reference_entry_id]
            true = key == person_key[h.person_id]
            band["list"] += 1
            band["list_true"] += true
            if true:
                list_found[h.band].add(key)
    for name, found, wanted in (("dup", dup_found, dup_pairs), ("list", list_found, list_pairs)):
        likely = found["likely"] & wanted
        out[f"{name}_recall_likely"] = len(likely) / max(1, len(wanted))
        out[f"{name}_recall_any"] = len(likely | (found["possible"] & wanted)) / max(1, len(wanted))
        out[f"{name}_wanted"] = len(wanted)
    return out


def bench_db(n: int, queries: int, seed: int, listed: int, setting: str = "") -> dict:
    tmp = tempfile.mkdtemp(prefix="muster-bench-screening-")
    os.environ["MUSTER_DATA"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "muster.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from muster.people.models import Household, Person
    from muster.people.services import new_number
    from muster.screening import matching
    from muster.screening import services as screening
    from muster.screening.models import Hit, ReferenceEntry, ReferenceList, ScreeningRun

    call_command("migrate", verbosity=0)
    registry, again, listed_records = _records(n, seed, queries, listed, setting)
    number_key: dict[str, str] = {}

    def load(rows, when) -> list:
        # Each scenario household registered together, as reception does (its members are not
        # proposed as duplicates of each other).
        households = {}
        for _, _, hh in rows:
            if hh not in households:
                households[hh] = Household(number=new_number("H"), registered_at=when)
        Household.objects.bulk_create(households.values())
        out, batch = [], []
        for rec, key, hh in rows:
            person = Person(
                number=new_number("P"),
                registered_at=when,
                household=households[hh],
                **_person_fields(rec),
            )
            number_key[person.number] = key
            batch.append(person)
            if len(batch) == 5000:
                out += Person.objects.bulk_create(batch)
                batch = []
        return out + Person.objects.bulk_create(batch)

    t = time.perf_counter()
    load(registry, timezone.now())
    load_s = time.perf_counter() - t
    reference = ReferenceList.objects.create(
        name="bench list",
        owner="bench",
        legal_basis="bench",
        list_date=dt.date.today(),
        source_format=ReferenceList.Format.CSV,
        imported_at=timezone.now(),
        entry_count=len(listed_records),
    )
    ReferenceEntry.objects.bulk_create(
        ReferenceEntry(
            reference_list=reference,
            ref_id=rec["record_id"],
            **{f: rec[f] for f in matching.ENTRY_FIELDS if f != "id"},
        )
        for rec, _ in listed_records
    )
    ref_key = {rec["record_id"]: key for rec, key in listed_records}
    entry_key = {
        pk: ref_key[ref]
        for pk, ref in ReferenceEntry.objects.values_list("id", "ref_id").iterator()
    }

    matching.reset()
    t = time.perf_counter()
    matching.REGISTRY.sync()
    matching.REGISTRY.lists()
    build_s = time.perf_counter() - t

    new_persons = load(again, timezone.now() + dt.timedelta(days=3))
    person_key = {
        pk: number_key[num] for pk, num in Person.objects.values_list("id", "number").iterator()
    }
    registered = set(person_key.values())
    in_registry = {key for _, key, _ in registry}
    dup_pairs = {frozenset((key,)) for _, key, _ in again if key in in_registry}
    list_single = {key for _, key in listed_records if key in {k for _, k, _ in again}}
    list_all = {key for _, key in listed_records if key in registered}
    # In production the registration hook adds each new person to the index as it commits; here
    # they were bulk-inserted, so bring the index up to date before timing (not part of a query).
    matching.REGISTRY.sync()
    latencies, single_hits = [], []
    for person in new_persons:
        t = time.perf_counter()
        hits = screening.screen_persons([person])
        latencies.append(time.perf_counter() - t)
        single_hits += hits
    lookup = []
    for r, _, _ in again:
        rec = matching.person_record({**_person_fields(r), "id": 0})
        t = time.perf_counter()
        matching.registry_candidates(rec)
        lookup.append(time.perf_counter() - t)

    Hit.objects.all().delete()  # a clean slate: the batch finds everything again
    run = ScreeningRun.objects.create(kind="batch", created_at=timezone.now())
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
        "queries": len(new_persons),
        "listed": len(listed_records),
        "single": _quality(single_hits, person_key, entry_key, dup_pairs, list_single),
        "batch_s": batch_s,
        "batch_persons": run.total,
        "batch_hits": run.hits_created,
        "batch": _quality(Hit.objects.all().iterator(), person_key, entry_key, dup_pairs, list_all),
        "rss_mb": _rss_mb(),
    }


def _quality_rows(q: dict, registrations: int) -> list[str]:
    """Markdown rows: per band, hits of each kind, how many are true, recall; hits per person."""
    rows = []
    for band in ("likely", "possible"):
        c = q[band]
        rows.append(
            f"| {band} | {c['dup']:,} | {c['dup_true']:,} ({_share(c['dup_true'], c['dup'])}) "
            f"| {c['list']:,} | {c['list_true']:,} ({_share(c['list_true'], c['list'])}) "
            f"| {(c['dup'] + c['list']) / registrations:.3f} |"
        )
    return [
        "| band | duplicate hits | of them true | list hits | of them true | hits per person screened |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        *rows,
        "",
        f"Recall of the {q['dup_wanted']} true duplicates: likely {100 * q['dup_recall_likely']:.1f} %, "
        f"likely or possible {100 * q['dup_recall_any']:.1f} %. Recall of the {q['list_wanted']} "
        f"registered listed people: likely {100 * q['list_recall_likely']:.1f} %, likely or "
        f"possible {100 * q['list_recall_any']:.1f} %.",
    ]


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "-"


def _setup_django() -> None:
    """Django set up once (a scratch data directory when no run chose one): muster.screening's
    modules need the app registry."""
    from django.apps import apps

    if apps.ready:
        return
    os.environ.setdefault("MUSTER_DATA", tempfile.mkdtemp(prefix="muster-bench-screening-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "muster.settings")
    import django

    django.setup()


def _current_rss_mb() -> float:
    """The process's resident memory now (peak RSS only grows)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except OSError:
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def bench_memory(n: int, queries: int, seed: int, sweep: int = 0, setting: str = "") -> dict:
    _setup_django()
    from muster.identity import ScreeningIndex
    from muster.screening import matching

    registry, again, _ = _records(n, seed, queries, 0, setting)
    keys = [key for _, key, _ in registry]
    households = [hh for _, _, hh in registry]
    sample = random.Random(seed + 4).sample(range(n), min(sweep, n))
    registered = [
        matching.person_record({**_person_fields(registry[i][0]), "id": i + 1}) for i in sample
    ]
    rows = [{**_person_fields(r), "id": i + 1} for i, (r, _, _) in enumerate(registry)]
    del registry
    before = _current_rss_mb()
    t = time.perf_counter()
    index = ScreeningIndex(matching.person_record(r) for r in rows)
    build_s = time.perf_counter() - t
    index_mb = _current_rss_mb() - before
    del rows
    likely, possible = matching.thresholds()
    in_registry = set(keys)
    wanted = [key in in_registry for _, key, _ in again]
    latencies = []
    found_likely = found_any = 0
    hits = Counter()
    for i, (r, key, _) in enumerate(again):
        rec = matching.person_record({**_person_fields(r), "id": n + 1 + i})
        t = time.perf_counter()
        cands = index.candidates(rec, limit=10, min_score=possible)
        latencies.append(time.perf_counter() - t)
        true = [keys[int(c.record_id) - 1] == key for c in cands]
        found_any += any(true)
        found_likely += any(
            ok and c.match_probability >= likely for c, ok in zip(cands, true, strict=True)
        )
        for c, ok in zip(cands, true, strict=True):
            band = "likely" if c.match_probability >= likely else "possible"
            hits[band] += 1
            hits[f"false_{band}"] += not ok
    # Threshold sweep: the true duplicate's score for each re-registration, and the false
    # candidates (other households) of ``sweep`` registered persons screened against the rest,
    # which is what a batch re-screen proposes (each pair found from both ends, counted once).
    floor = min(SWEEP)
    true_scores, camp_false, registry_false = [], [], []
    for i, (r, key, _) in enumerate(again):
        rec = matching.person_record({**_person_fields(r), "id": n + 1 + i})
        cands = index.candidates(rec, limit=50, min_score=floor)
        true_scores.append(
            max(
                (c.match_probability for c in cands if keys[int(c.record_id) - 1] == key),
                default=0.0,
            )
        )
        camp_false += [c.match_probability for c in cands if keys[int(c.record_id) - 1] != key]
    for i, rec in zip(sample, registered, strict=True):
        registry_false += [
            c.match_probability
            for c in index.candidates(rec, limit=50, min_score=floor)
            if households[int(c.record_id) - 1] != households[i]
        ]
    grid = []
    for th in SWEEP if sweep else ():
        found_th = sum(p >= th for p in true_scores)
        false_th = sum(p >= th for p in camp_false) + (
            sum(p >= th for p in registry_false) / len(sample) * n / 2
        )
        grid.append((th, found_th / max(1, sum(wanted)), found_th, false_th))
    return {
        "persons": n,
        "build_s": build_s,
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * _pct(latencies, 0.95),
        "max_ms": 1000 * max(latencies),
        "index_mb": index_mb,
        "found": found_any / max(1, sum(wanted)),
        "found_likely": found_likely / max(1, sum(wanted)),
        "wanted": sum(wanted),
        "hits_likely": hits["likely"] / len(again),
        "hits_possible": hits["possible"] / len(again),
        "false_likely": hits["false_likely"] / len(again),
        "false_possible": hits["false_possible"] / len(again),
        "queries": len(again),
        "rss_mb": _rss_mb(),
        "grid": grid,
        "sweep": len(sample),
    }


SWEEP = (0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.98, 0.99)


def _sweep_rows(m: dict) -> list[str]:
    return [
        f"Threshold sweep, in-memory index of {m['persons']:,}: recall of the {m['wanted']} true "
        f"duplicates, and false pairs a batch re-screen would propose (estimated from "
        f"{m['sweep']:,} registered persons screened against the rest, other households):",
        "",
        "| threshold | true duplicates found | false pairs (batch, estimated) | false per true |",
        "| ---: | ---: | ---: | ---: |",
        *(
            f"| {th} | {100 * recall:.1f} % ({found}) | {false:,.0f} | {false / max(found, 1):.2f} |"
            for th, recall, found, false in m["grid"]
        ),
        "",
    ]


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
    ap.add_argument("--listed", type=int, default=200, help="registered people on the list")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument(
        "--sweep", type=int, default=0, help="memory run: registered persons screened for the sweep"
    )
    ap.add_argument(
        "--setting",
        default="",
        help="a muster.scenario.presets setting (or drawn<N>): its registers' records in random "
        "order, the first --db/--memory registered, the next --queries screened",
    )
    ap.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = ap.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "muster.settings")

    lines = [
        SECTION,
        "",
        f"`python bench/screening.py --db {args.db} --memory {args.memory} --queries "
        f"{args.queries} --listed {args.listed} --seed {args.seed} --sweep {args.sweep}"
        f"{' --setting ' + args.setting if args.setting else ''}` on this machine (2 cores, "
        f"shared), SQLite, {dt.date.today().isoformat()}.",
        (
            f"Registry: the first records of the `{args.setting}` population's registers in a "
            "random order of arrival, each household registered together; each query is a later "
            "record of a person not queried before, with a true duplicate only if the person is "
            "registered already. "
            if args.setting
            else "Registry: the scenario population as the `reception` register wrote it, each "
            "household registered together; each query is one of them re-registered by the "
            "`camp` register (another spelling, grandfather often dropped, year only), so it has "
            "exactly one true duplicate. "
        )
        + "Reference list: the first `--listed` queried people and as many never "
        "registered, as an Arabic-script authority (`authority_ar`) wrote them. Target: a single "
        "registration's candidates within 1 s at 100k.",
        "",
    ]
    if args.db:
        r = bench_db(args.db, args.queries, args.seed, args.listed, args.setting)
        from muster.screening import matching  # Django is set up by now

        likely, possible = matching.thresholds()
        print(r, flush=True)
        lines += [
            f"Thresholds: likely >= {likely}, possible >= {possible} (match probability).",
            "",
            "Single registration, full path (`services.screen_persons`: registry + lists, DB "
            "checks, hits written and audited), index built from the database:",
            "",
            "| registered persons | index build from DB | p50 | p95 | max | candidate lookup only p50 / p95 | batch re-screen (all persons) | peak RSS |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| {r['persons']:,} | {r['build_s']:.1f} s | {r['p50_ms']:.1f} ms | {r['p95_ms']:.1f} ms "
            f"| {r['max_ms']:.0f} ms | {r['lookup_p50_ms']:.2f} / {r['lookup_p95_ms']:.2f} ms "
            f"| {r['batch_s']:.0f} s for {r['batch_persons']:,} ({r['batch_hits']:,} hits) "
            f"| {r['rss_mb']:.0f} MB |",
            "",
            f"Hit quality, {r['queries']} single registrations (each screened on arrival against "
            f"the registry and the {r['listed']}-entry list):",
            "",
            *_quality_rows(r["single"], r["queries"]),
            "",
            f"Hit quality, batch re-screen of all {r['batch_persons']:,} persons (hits cleared "
            "first):",
            "",
            *_quality_rows(r["batch"], r["batch_persons"]),
            "",
        ]
    if args.memory:
        m = bench_memory(args.memory, args.queries, args.seed, args.sweep, args.setting)
        from muster.screening import matching  # Django is set up by now

        print(m, flush=True)
        likely, possible = matching.thresholds()
        lines += [
            "Candidate lookup through the adapter, in-memory index only (no database), thresholds "
            f"likely >= {likely}, possible >= {possible}:",
            "",
            "| registered persons | index build | p50 | p95 | max | true duplicate found (likely / any) | hits likely / possible per query | false likely / possible per query | index memory | peak RSS |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| {m['persons']:,} | {m['build_s']:.0f} s | {m['p50_ms']:.2f} ms | {m['p95_ms']:.2f} ms "
            f"| {m['max_ms']:.0f} ms | {100 * m['found_likely']:.1f} / {100 * m['found']:.1f} % of "
            f"{m['wanted']} ({m['queries']} queries) "
            f"| {m['hits_likely']:.3f} / {m['hits_possible']:.3f} "
            f"| {m['false_likely']:.3f} / {m['false_possible']:.3f} | {m['index_mb']:.0f} MB "
            f"| {m['rss_mb']:.0f} MB |",
            "",
            *(_sweep_rows(m) if m["grid"] else []),
        ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_results(text)


if __name__ == "__main__":
    main()
