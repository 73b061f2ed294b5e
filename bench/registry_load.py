"""Grow a demo registry to N persons for the benchmarks, fast (COPY on PostgreSQL, executemany on
SQLite): the one bulk loader, for the web load (bench/load.py) and the situation report
(bench/sitrep.py). Synthetic data only; never for a real registry.

    MUSTER_DATA=/tmp/m1 muster demo --persons 20000 --no-serve   # users, facilities, the first 20,000
    MUSTER_DATA=/tmp/m1 python bench/registry_load.py --persons 1000000
    DATABASE_URL=postgres://... muster demo --persons 20000 --no-serve
    DATABASE_URL=postgres://... python bench/registry_load.py --persons 1000000

The persons already registered (the demo's) are the templates: each new household copies one
template household (its members' relationships, sexes, dates of birth, vulnerabilities, fathers'
and grandfathers' names), takes its family name from another template household and gives every
member a given name drawn from the template persons of the same sex, so that names are as common
and as rare as in the scenario, not copies. Every new person gets the search key the services
store (:func:`muster.people.search.person_name_key`), new document numbers where the template has
documents, and the template's placements (the same facilities and buses), manifest lines and
category decisions, so the person page shows a full custody chain. Each batch is one transaction
with one audit event (``scenario.load``), as the demo loader writes one for its load. The sitrep's
counters follow the load by the database's triggers (muster.reports.counters), as for any write.
"""

import argparse
import functools
import os
import random
import sys
import time
from collections import defaultdict

BATCH = 50_000  # persons per transaction (and per audit event)


def _setup() -> None:
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "muster.settings")
    import django

    django.setup()


class Writer:
    """Rows into one table: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, connection, table: str, columns: list[str]):
        self.connection, self.table, self.columns = connection, table, columns
        self.rows: list[tuple] = []
        self.count = 0

    def add(self, row: tuple) -> None:
        self.rows.append(row)

    def flush(self) -> None:
        if not self.rows:
            return
        cols = ", ".join(self.columns)
        with self.connection.cursor() as cur:
            if self.connection.vendor == "postgresql":
                with cur.cursor.copy(f"COPY {self.table} ({cols}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cur.executemany(f"INSERT INTO {self.table} ({cols}) VALUES ({marks})", self.rows)
        self.count += len(self.rows)
        self.rows = []


def _next_id(cur, table: str) -> int:
    cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
    return cur.fetchone()[0] + 1


PERSON_COLS = [
    "id", "number", "relationship_to_head", "given_name", "father_name", "grandfather_name",
    "family_name", "mother_name", "alias", "name_key", "sex", "date_of_birth", "birth_year",
    "dob_precision", "nationality", "place_of_origin", "origin_pcode", "unaccompanied_child",
    "separated_child", "disability", "medical", "pregnant", "elderly_alone", "wounded",
    "registered_at", "household_id", "registered_by_id", "merged_into_id",
]  # fmt: skip


def _templates(cur):
    """The template households (id -> members as dicts) and their rows in the other tables."""
    cur.execute(
        f"SELECT {', '.join(PERSON_COLS)} FROM people_person "
        "WHERE merged_into_id IS NULL AND household_id IS NOT NULL ORDER BY id"
    )
    households = defaultdict(list)
    for row in cur.fetchall():
        person = dict(zip(PERSON_COLS, row, strict=True))
        households[person["household_id"]].append(person)

    def by_person(sql):
        cur.execute(sql)
        cols = [c[0] for c in cur.description]
        out = defaultdict(list)
        for row in cur.fetchall():
            rec = dict(zip(cols, row, strict=True))
            out[rec["person_id"]].append(rec)
        return cols, out

    tables = {
        "people_identitydocument": by_person("SELECT * FROM people_identitydocument"),
        "custody_placement": by_person("SELECT * FROM custody_placement ORDER BY id"),
        "custody_manifestline": by_person("SELECT * FROM custody_manifestline"),
        "screening_categorydecision": by_person(
            "SELECT * FROM screening_categorydecision WHERE is_current ORDER BY id"
        ),
    }
    cur.execute("SELECT id, registered_at, registered_by_id FROM people_household")
    hh_rows = {r[0]: r for r in cur.fetchall()}
    return households, tables, hh_rows


def grow(persons: int, seed: int = 1, progress: bool = True, batch: int = BATCH) -> dict:
    """Add households until the registry holds ``persons`` persons; return the counts written."""
    from muster.people import search

    # The search key of a name part is the same every time: compute each spelling once.
    original = search.name_tokens
    search.name_tokens = functools.lru_cache(maxsize=None)(original)
    try:
        return _grow(persons, seed, progress, batch)
    finally:
        search.name_tokens = original


def _grow(persons: int, seed: int, progress: bool, batch: int) -> dict:
    from django.db import connection, transaction

    from muster.audit import services as audit
    from muster.audit.audit_actions import AuditAction
    from muster.core.numbering import ALPHABET
    from muster.people import search

    rng = random.Random(seed)
    started = time.monotonic()
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM people_person")
        have = cur.fetchone()[0]
        if have >= persons:
            return {"persons": have, "added": 0, "seconds": 0.0}
        households, tables, hh_rows = _templates(cur)
        cur.execute(
            "SELECT number FROM people_person UNION ALL SELECT number FROM people_household"
        )
        used = {r[0] for r in cur.fetchall()}
        ids = {t: _next_id(cur, t) for t in ("people_person", "people_household", *tables.keys())}
    if not households:
        raise SystemExit("registry_load: no template households (run `muster demo` first)")
    templates = list(households.values())
    given_by_sex = defaultdict(list)
    for members in templates:
        for p in members:
            given_by_sex[p["sex"]].append(p["given_name"])
    families = [m[0]["family_name"] for m in templates if m[0]["family_name"]]

    def number(prefix: str) -> str:
        while True:
            n = prefix + "".join(rng.choice(ALPHABET) for _ in range(8))
            if n not in used:
                used.add(n)
                return n

    def new_id(table: str) -> int:
        ids[table] += 1
        return ids[table] - 1

    counts = defaultdict(int)
    added = 0
    batch_no = 0
    while have + added < persons:
        batch_no += 1
        with transaction.atomic():
            w = {
                "people_household": Writer(
                    connection,
                    "people_household",
                    ["id", "number", "registered_at", "registered_by_id"],
                ),
                "people_person": Writer(connection, "people_person", PERSON_COLS),
            }
            for table, (cols, _rows) in tables.items():
                w[table] = Writer(connection, table, cols)
            in_batch = 0
            while in_batch < batch and have + added + in_batch < persons:
                members = rng.choice(templates)
                members = members[: persons - have - added - in_batch]
                old_family = members[0]["family_name"]
                family = rng.choice(families)
                hid = new_id("people_household")
                _, at, by = hh_rows[members[0]["household_id"]]
                w["people_household"].add((hid, number("H"), at, by))
                for p in members:
                    new = dict(p)
                    new["id"] = new_id("people_person")
                    new["number"] = number("P")
                    new["household_id"] = hid
                    new["given_name"] = rng.choice(given_by_sex[p["sex"]])
                    if p["family_name"] == old_family:
                        new["family_name"] = family
                    new["name_key"] = search.person_name_key(
                        new["given_name"],
                        new["father_name"],
                        new["grandfather_name"],
                        new["family_name"],
                    )
                    w["people_person"].add(tuple(new[c] for c in PERSON_COLS))
                    for table, (cols, rows) in tables.items():
                        for rec in rows.get(p["id"], ()):
                            row = dict(rec, id=new_id(table), person_id=new["id"])
                            if table == "people_identitydocument":
                                row["number"] = f"{rec['number'][:2]}{rng.randrange(10**9):09d}"
                            w[table].add(tuple(row[c] for c in cols))
                    in_batch += 1
            for writer in w.values():
                writer.flush()
                counts[writer.table] += writer.count
            audit.record(
                AuditAction.SCENARIO_LOAD,
                detail={"persons": in_batch, "batch": batch_no, "bench": "registry_load"},
            )
        added += in_batch
        if progress:
            print(f"  {have + added} persons ({time.monotonic() - started:.0f} s)", flush=True)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            for table in ids:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )
            # Visibility map and statistics: counts can then read indexes alone (VACUUM cannot run
            # inside a transaction, as in the tests).
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            for table in (*ids, "reports_registrationcount", "reports_arrivalcount"):
                cur.execute(f"{command} {table}")
        else:
            cur.execute("ANALYZE")
    return {
        "persons": have + added,
        "added": added,
        "seconds": round(time.monotonic() - started, 1),
        **counts,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    _setup()
    print(grow(args.persons, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
