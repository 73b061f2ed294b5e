"""Bulk path for the scale benchmarks: N registered persons with households, category decisions,
placements and movements, written straight into the tables (COPY on PostgreSQL, executemany on
SQLite) in minutes. Synthetic data only (made-up names); never for a real registry.

    MUSTER_DATA=/tmp/muster-1m python bench/bulk_load.py --persons 1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/bulk_load.py --persons 1000000

The path of each person: registered at one of three reception points (in households, over the last
60 days), taken by bus to the screening site (most), then to a camp, the family camp or a holding
facility (most of those); recent buses are still on the way, a few persons reported not arrived, a
few departed. The custody chain is complete (every ended placement and the in-transit ones), so the
figures are counted from the same rows the services would have written.
"""

import argparse
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta

HOUSEHOLD = (1, 9)
BUS = 60
GIVEN = ["Ahmad", "Ali", "Hassan", "Omar", "Khalid", "Aisha", "Fatima", "Maryam", "Noor", "Huda"]
FAMILY = ["al-Test", "al-Bench", "al-Sample", "al-Load", "al-Synth"]


def _setup() -> None:
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "muster.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _facilities():
    from muster.custody.models import Facility

    spec = [
        ("Bench reception 1", "reception_point", 40000, "SY0901"),
        ("Bench reception 2", "reception_point", 40000, "SY0902"),
        ("Bench reception 3", "reception_point", 40000, "SY0903"),
        ("Bench screening site", "screening_site", 100000, "SY0801"),
        ("Bench camp A", "displacement_camp", 300000, "SY0802"),
        ("Bench camp B", "displacement_camp", 250000, "SY0803"),
        ("Bench family camp", "family_camp", 60000, "SY0804"),
        ("Bench holding 1", "holding_facility", 20000, "SY0805"),
        ("Bench hospital", "hospital", 2000, "SY0806"),
    ]
    out = {}
    for name, kind, capacity, pcode in spec:
        f, _ = Facility.objects.get_or_create(
            name=name, defaults={"kind": kind, "capacity": capacity, "pcode": pcode}
        )
        out[name] = f.pk
    return out


class Writer:
    """Rows into a table: COPY on PostgreSQL, executemany on SQLite, flushed in chunks."""

    def __init__(self, connection, table: str, columns: list[str]):
        self.connection, self.table, self.columns = connection, table, columns
        self.rows: list[tuple] = []
        self.count = 0

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= 50000:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        cols = ", ".join(self.columns)
        with self.connection.cursor() as cur:
            if self.connection.vendor == "postgresql":
                raw = cur.cursor if hasattr(cur, "cursor") else cur
                with raw.copy(f"COPY {self.table} ({cols}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cur.executemany(f"INSERT INTO {self.table} ({cols}) VALUES ({marks})", self.rows)
        self.count += len(self.rows)
        self.rows = []


def _next_id(connection, table: str) -> int:
    with connection.cursor() as cur:
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        return cur.fetchone()[0] + 1


def load(persons: int, seed: int = 1) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    rng = random.Random(seed)
    fac = _facilities()
    user, _ = get_user_model().objects.get_or_create(username="bench-loader")
    receptions = [fac["Bench reception 1"], fac["Bench reception 2"], fac["Bench reception 3"]]
    screening = fac["Bench screening site"]
    camps = [fac["Bench camp A"], fac["Bench camp B"], fac["Bench family camp"]]
    holding = fac["Bench holding 1"]
    now = datetime.now(UTC)
    start = now - timedelta(days=60)
    placement_cols = [
        "id", "state", "is_current", "started_at", "ended_at", "capacity_override_reason", "note",
        "created_by_id", "facility_id", "movement_id", "person_id",
    ]  # fmt: skip
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM custody_placement WHERE 1 = 0")
        existing = {c[0] for c in cur.description}
    if "exit_ref" in existing:  # the departures app's column, when it is installed
        placement_cols.append("exit_ref")
    w = {
        "household": Writer(connection, "people_household", ["id", "number", "registered_at", "registered_by_id"]),
        "person": Writer(connection, "people_person", [
            "id", "number", "relationship_to_head", "given_name", "father_name", "grandfather_name",
            "family_name", "mother_name", "alias", "name_key", "sex", "date_of_birth", "birth_year",
            "dob_precision", "nationality", "place_of_origin", "origin_pcode", "unaccompanied_child",
            "separated_child", "disability", "medical", "pregnant", "elderly_alone", "wounded",
            "registered_at", "household_id", "registered_by_id", "merged_into_id"]),
        "decision": Writer(connection, "screening_categorydecision", [
            "category", "reason", "legal_basis", "decided_at", "is_current", "superseded_at",
            "decided_by_id", "person_id", "approval_note", "approved_at", "approved_by_id", "basis",
            "status", "basis_hit_id"]),
        "movement": Writer(connection, "custody_movement", [
            "id", "number", "status", "dispatched_at", "vehicle", "note", "capacity_override_reason",
            "dispatched_by_id", "from_facility_id", "to_facility_id"]),
        "line": Writer(connection, "custody_manifestline", [
            "outcome", "resolved_at", "note", "person_id", "resolved_by_id", "movement_id"]),
        "placement": Writer(connection, "custody_placement", placement_cols),
    }  # fmt: skip
    pid = _next_id(connection, "people_person")
    hid = _next_id(connection, "people_household")
    mid = _next_id(connection, "custody_movement")
    plid = _next_id(connection, "custody_placement")
    uid = user.pk
    hours = timedelta(hours=1)

    def placement(state, started, ended, facility, movement, person, exit_ref=""):
        nonlocal plid
        row = (plid, state, ended is None, started, ended, "", "", uid, facility, movement, person)
        w["placement"].add((*row, exit_ref) if "exit_ref" in placement_cols else row)
        plid += 1

    # Buses fill per (day, from, to): persons waiting, then dispatched together.
    buses: dict[tuple, list] = {}

    def board(day_key, src, dst, person, ready_at):
        key = (day_key, src, dst)
        buses.setdefault(key, []).append((person, ready_at))

    started = time.monotonic()
    with transaction.atomic():
        made = 0
        while made < persons:
            size = min(rng.randint(*HOUSEHOLD), persons - made)
            at = start + timedelta(seconds=rng.random() * 60 * 86400)
            w["household"].add((hid, f"BH{hid:010d}", at, uid))
            reception = rng.choice(receptions)
            for i in range(size):
                child = i >= 2 and rng.random() < 0.8
                year = rng.randint(2009, 2025) if child else rng.randint(1940, 2007)
                flag_u = child and rng.random() < 0.004
                flag_s = child and not flag_u and rng.random() < 0.012
                w["person"].add((
                    pid, f"B{pid:011d}", "head" if i == 0 else "other", rng.choice(GIVEN), "",
                    "", rng.choice(FAMILY), "", "", "", rng.choice("MF"), None, year, "year",
                    "SYR", "", "", flag_u, flag_s, False, False, False, False, False, at, hid,
                    uid, None))  # fmt: skip
                r = rng.random()
                if r < 0.85:
                    category = "civilian" if r < 0.64 else "family_of_held" if r < 0.77 else "held"
                    w["decision"].add((
                        category, "bench", "", at + hours, True, None, uid, pid, "", None, None,
                        "", "approved", None))  # fmt: skip
                else:
                    category = ""
                # The path: reception, then (most) screening, then (most) a camp or holding.
                if rng.random() < 0.8 and at + 20 * hours < now:
                    ready = at + timedelta(hours=rng.randint(8, 30))
                    board(ready.date(), reception, screening, (pid, category, at), ready)
                else:
                    placement("placed", at, None, reception, None, pid)
                pid += 1
            hid += 1
            made += size

        # Dispatch the buses in order of departure; a received person may board the next leg.
        pending = sorted(buses.items(), key=lambda kv: kv[1][0][1])
        buses.clear()
        legs = 0
        while pending:
            for (_, src, dst), riders in pending:
                for chunk in range(0, len(riders), BUS):
                    group = riders[chunk : chunk + BUS]
                    dispatched = max(r[1] for r in group)
                    if dispatched >= now:
                        # Not gone yet: still at the sending facility.
                        for (person, _, since), _ in group:
                            placement("placed", since, None, src, None, person)
                        continue
                    m = mid
                    mid += 1
                    travel = timedelta(hours=rng.uniform(2, 9))
                    arrives = dispatched + travel
                    received_all = arrives < now and rng.random() > 0.03
                    status = "received" if received_all else "dispatched"
                    w["movement"].add((
                        m, f"BM{m:010d}", status, dispatched, "bench bus", "", "", uid, src, dst,
                    ))  # fmt: skip
                    for (person, category, since), _ in group:
                        placement("placed", since, dispatched, src, None, person)
                        if not received_all:
                            missing = arrives < now and rng.random() < 0.1
                            w["line"].add((
                                "missing" if missing else "pending",
                                arrives if missing else None, "not on the bus" if missing else "",
                                person, uid if missing else None, m))  # fmt: skip
                            placement("in_transit", dispatched, None, None, m, person)
                            continue
                        w["line"].add(("received", arrives, "", person, uid, m))
                        placement("in_transit", dispatched, arrives, None, m, person)
                        if dst == screening and rng.random() < 0.75:
                            target = holding if category == "held" else rng.choice(camps)
                            ready = arrives + timedelta(hours=rng.randint(20, 60))
                            board(ready.date(), dst, target, (person, category, arrives), ready)
                        elif dst != screening and rng.random() < 0.03:
                            left = arrives + timedelta(days=rng.randint(1, 5))
                            if left < now:
                                placement("placed", arrives, left, dst, None, person)
                                placement("departed", left, None, None, None, person, f"BD{m}")
                                continue
                            placement("placed", arrives, None, dst, None, person)
                        else:
                            placement("placed", arrives, None, dst, None, person)
            legs += 1
            pending = sorted(buses.items(), key=lambda kv: kv[1][0][1])
            buses.clear()
        for writer in w.values():
            writer.flush()
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for table in w.values():
                # Visibility map and statistics: the counts can then read indexes alone.
                cur.execute(f"VACUUM ANALYZE {table.table}")
            for table in (
                "people_person",
                "people_household",
                "custody_movement",
                "custody_placement",
            ):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )
    else:
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    return {
        "seconds": round(time.monotonic() - started, 1),
        **{name: writer.count for name, writer in w.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=100000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    _setup()
    print(load(args.persons, args.seed))


if __name__ == "__main__":
    main()
