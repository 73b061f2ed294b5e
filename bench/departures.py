"""Departures benchmark: plan, approve, dispatch and confirm one repatriation batch of 5,000 persons.

Persons are bulk-loaded into a fresh database (SQLite in a temporary data directory, or the
PostgreSQL named by ``--database-url``, which must be empty or hold only an earlier run of this
benchmark) in households of five (two adults, three children), placed at one camp, nationality
verified through the service (one audit event each). Then each step runs through the departures
services exactly as the web, API and CLI call them, each in its one transaction: plan (every refusal
rule: held, children without a caregiver, nationality, households split), approve (second
officer), dispatch (custody: placed -> leaving, one audit event per person), and the receiving side's
confirmation imported from its spreadsheet (row-by-row report; ten persons not presented), then the
ten found and returned. Prints wall time and peak resident memory per step.

    nice -n 10 python bench/departures.py --persons 5000
    nice -n 10 python bench/departures.py --persons 5000 --database-url postgres://postgres@127.0.0.1:5432/h5
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=5000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["MUSTER_DATA"] = tempfile.mkdtemp(prefix="muster-bench-departures-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "muster.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from muster.access import services as access
    from muster.core.numbering import new_number
    from muster.custody.models import Facility, Placement
    from muster.departures import services
    from muster.departures.models import DepartureLine
    from muster.people.models import Household, Person

    call_command("migrate", verbosity=0)
    n = args.persons
    stamp = new_number("", 5)
    camp = Facility.objects.create(
        name=f"Roj bench camp {stamp}", kind="family_camp", capacity=None, pcode="SY0805"
    )
    planner = access.create_user(
        f"bench-rep-{stamp}", "x" * 16, roles=["repatriation_officer"], check_password=False
    )
    approver = access.create_user(
        f"bench-rep2-{stamp}", "x" * 16, roles=["repatriation_officer"], check_password=False
    )
    now = timezone.now()
    households = Household.objects.bulk_create(
        [Household(number=new_number("H"), registered_at=now) for _ in range((n + 4) // 5)]
    )
    persons = []
    for i in range(n):
        adult = i % 5 < 2
        persons.append(
            Person(
                number=new_number("P"),
                household=households[i // 5],
                relationship_to_head="head" if i % 5 == 0 else ("spouse" if adult else "son"),
                given_name=f"Given{i}",
                family_name="Bench",
                sex="F" if i % 2 else "M",
                birth_year=1985 if adult else 2014,
                nationality="FRA",
                registered_at=now,
            )
        )
    persons = Person.objects.bulk_create(persons, batch_size=2000)
    Placement.objects.bulk_create(
        [Placement(person=p, state="placed", facility=camp, started_at=now) for p in persons],
        batch_size=2000,
    )
    print(f"database: {connection.vendor}; persons: {n}; loaded, peak RSS {rss_mb():.0f} MB")

    results = []

    def step(name, fn):
        started = time.perf_counter()
        out = fn()
        seconds = time.perf_counter() - started
        results.append((name, seconds, rss_mb()))
        print(f"{name:42} {seconds:8.2f} s   peak RSS {rss_mb():6.0f} MB", flush=True)
        return out

    step(
        f"verify nationality ({n:,} interviews)",
        lambda: services.verify_nationality(
            persons,
            nationality="FRA",
            method="interview",
            interview_note="consular interview",
            by=planner,
        ),
    )
    details = {"destination_country": "FRA", "receiving_authority": "French consular delegation"}
    departure = step(
        "plan (all refusal rules)",
        lambda: services.plan_departure(
            persons, kind="repatriation", from_facility=camp, details=details, by=planner
        ),
    )
    step("approve (second officer)", lambda: services.approve_departure(departure, by=approver))
    step("dispatch (placed -> leaving)", lambda: services.dispatch_departure(departure, by=planner))
    missing = persons[-10:]
    rows = ["number,outcome,note"]
    rows += [f"{p.number},received," for p in persons[:-10]]
    rows += [f"{p.number},not_presented,not at the airport" for p in missing]
    sheet = ("\n".join(rows) + "\n").encode()
    report = step(
        "confirm: import the receiving side's sheet",
        lambda: services.import_receipt(departure, sheet, filename="sheet.csv", by=approver),
    )
    assert report.summary() == {"ok": n}, report.summary()
    step(
        "resolve 10 not presented (returned)",
        lambda: services.confirm(
            departure, [(p.pk, "returned", "found in the camp") for p in missing], by=approver
        ),
    )
    departed = Placement.objects.filter(
        is_current=True, state="departed", exit_ref=departure.number
    )
    assert departed.count() == n - 10
    assert DepartureLine.objects.filter(departure=departure, outcome="returned").count() == 10
    print()
    print(f"| step ({n:,} persons, {connection.vendor}) | seconds | peak RSS MB |")
    print("|---|---|---|")
    for name, seconds, mb in results:
        print(f"| {name} | {seconds:.2f} | {mb:.0f} |")


if __name__ == "__main__":
    main()
