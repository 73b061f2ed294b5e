"""The situation report's counters (:mod:`muster.reports.models`): the triggers that keep them, their
rebuild from the counted tables, the check against a direct count, and the reads.

The triggers are the database's own, so no write path can miss them: SQLite runs one per row,
PostgreSQL one per statement over its transition tables (a bulk ``COPY`` of a million rows costs a
few grouped queries, not a million upserts). Each trigger adds what the new rows count and takes
away what the old rows counted, under the keys they had, in the statement that changed them.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection as default_connection
from django.db import transaction
from django.db.models import Sum

from muster.custody.services import merge_copy_sql
from muster.reports.models import PopulationCount, RegistrationCount

BUCKET_SECONDS = 15 * 60
PREFIX = "reports_count_"
PERSON, DECISION, PLACEMENT = "people_person", "screening_categorydecision", "custody_placement"
LINE = "custody_manifestline"
REGISTRATIONS, ARRIVALS, POPULATION, RECEIPTS, CHILDREN = (
    "reports_registrationcount",
    "reports_arrivalcount",
    "reports_populationcount",
    "reports_receiptcount",
    "reports_childcount",
)


@dataclass(frozen=True)
class Counter:
    table: str
    keys: tuple[str, ...]
    value: str


COUNTERS = (
    Counter(REGISTRATIONS, ("bucket", "category"), "persons"),
    Counter(ARRIVALS, ("facility_id", "bucket", "category"), "placements"),
    Counter(POPULATION, ("facility_id", "sex", "born", "dated"), "persons"),
    Counter(RECEIPTS, ("movement_id", "bucket"), "lines"),
    Counter(CHILDREN, ("facility_id", "movement_id", "kind", "departed"), "persons"),
)


def child_kind_sql(row: str) -> str:
    return f"CASE WHEN {row}.unaccompanied_child THEN 'u' ELSE 's' END"


def departed_sql(placement: str) -> str:
    """The children's counter's ``departed`` of a current placement (``NULL``: none, not departed):
    the departure confirmed, the child has left our care. *Leaving* (not yet confirmed) is not."""
    return f"COALESCE({placement}.state = 'departed', FALSE)"


def child_flagged_sql(row: str) -> str:
    return f"{row}.merged_into_id IS NULL AND ({row}.unaccompanied_child OR {row}.separated_child)"


def arrival_sql(placement: str) -> str:
    """A placement row counts as an arrival: placed, and not the copy a merge made of the
    duplicate's location for the kept record (no one arrived then: ``custody.merge_copies``, as
    the facility page counts)."""
    return f"({placement}.state = 'placed' AND NOT {merge_copy_sql(placement)})"


def born_sql(person: str, vendor: str) -> str:
    """A person's year of birth as the population counter keys it: the year of the date of birth
    when known, else the recorded year, else 0 (unknown)."""
    if vendor == "postgresql":
        year = f"EXTRACT(YEAR FROM {person}.date_of_birth)::int"
    else:  # SQLite stores a date as 'YYYY-MM-DD'.
        year = f"CAST(substr({person}.date_of_birth, 1, 4) AS INTEGER)"
    return f"COALESCE({year}, {person}.birth_year, 0)"


def population_key_sql(placement: str, person: str, vendor: str) -> str:
    """The population counter's key of a current placement at a facility and its person."""
    return (
        f"{placement}.facility_id AS facility_id, {person}.sex AS sex, "
        f"{born_sql(person, vendor)} AS born, {dated_sql(person)} AS dated"
    )


def dated_sql(person: str) -> str:
    return f"({person}.date_of_birth IS NOT NULL)"


def bucket_sql(column: str, vendor: str) -> str:
    """The quarter hour (UTC) that holds the timestamp ``column``, as the column type stores it."""
    if vendor == "postgresql":
        return f"to_timestamp(floor(extract(epoch FROM {column}) / {BUCKET_SECONDS}) * {BUCKET_SECONDS})"
    # SQLite stores UTC as 'YYYY-MM-DD HH:MM:SS[.ffffff]'.
    minute = f"substr({column}, 15, 2)"
    return (
        f"(substr({column}, 1, 14) || CASE WHEN {minute} < '15' THEN '00' "
        f"WHEN {minute} < '30' THEN '15' WHEN {minute} < '45' THEN '30' ELSE '45' END || ':00')"
    )


def bucket_after_sql(column: str, vendor: str) -> str:
    """The quarter hour (UTC) at or after the timestamp ``column``; 1970 when it is NULL."""
    if vendor == "postgresql":
        return (
            f"COALESCE(to_timestamp(ceil(extract(epoch FROM {column}) / {BUCKET_SECONDS}) "
            f"* {BUCKET_SECONDS}), to_timestamp(0))"
        )
    return (
        f"(CASE WHEN {column} IS NULL THEN '1970-01-01 00:00:00' "
        f"WHEN substr({column}, 15) IN ('00:00', '15:00', '30:00', '45:00') "
        f"THEN substr({column}, 1, 19) "
        f"ELSE datetime({bucket_sql(column, vendor)}, '+15 minutes') END)"
    )


def counted_row(table: str, kind: str, row: str) -> str:
    """The condition on an inserted or deleted row under which trigger ``kind`` of ``table``
    counts it: SQLite's ``WHEN``; PostgreSQL's guard, true when a row of the statement meets it."""
    return {
        (PERSON, ""): f"{row}.merged_into_id IS NULL",
        (PERSON, "child_"): child_flagged_sql(row),
        (PERSON, "pop_"): "1 = 1",  # their placement may be there already (a restore's order)
        (DECISION, ""): f"{row}.is_current",
        (PLACEMENT, ""): f"{row}.state = 'placed'",
        (PLACEMENT, "child_"): f"{row}.is_current",
        (LINE, ""): f"{row}.outcome = 'received'",
    }[table, kind]


def update_changes(vendor: str, old: str = "OLD", new: str = "NEW") -> dict[tuple[str, str], str]:
    """For each trigger on an UPDATE, the condition on a row's old and new values under which the
    update can change what the trigger counts: SQLite's ``WHEN``; PostgreSQL's guard, true when
    a pair of rows of the statement meets it (the counters are touched only then). A row whose
    ``id`` changes always counts as changed."""
    o, n = old, new

    def differs(*columns: str) -> str:
        op = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
        return " OR ".join(f"{o}.{c} {op} {n}.{c}" for c in columns)

    merged = f"({o}.merged_into_id IS NULL) <> ({n}.merged_into_id IS NULL)"
    return {
        (PERSON, "upd"): f"{merged} OR {differs('registered_at', 'id')}",
        (PERSON, "child_upd"): (
            f"{differs('unaccompanied_child', 'separated_child')} OR {merged} OR {differs('id')}"
        ),
        (PERSON, "pop_upd"): differs("sex", "date_of_birth", "birth_year", "id"),
        (DECISION, "upd"): (
            f"{differs('is_current')} OR ({o}.is_current AND ({differs('category', 'person_id')}))"
        ),
        (PLACEMENT, "upd"): (
            f"({o}.state = 'placed' OR {n}.state = 'placed') AND "
            f"({differs('state', 'facility_id', 'started_at', 'person_id', 'is_current', 'note')})"
        ),
        (PLACEMENT, "child_upd"): (
            f"{differs('is_current')} OR ({n}.is_current AND "
            f"({differs('facility_id', 'movement_id', 'person_id', 'state')}))"
        ),
        (LINE, "upd"): (
            f"({o}.outcome = 'received' OR {n}.outcome = 'received') AND "
            f"({differs('outcome', 'movement_id', 'resolved_at')})"
        ),
    }


# --- direct counts (the rebuild and the check) --------------------------------------------------


def _direct_sql(vendor: str) -> dict[str, str]:
    b = lambda col: bucket_sql(col, vendor)  # noqa: E731
    current = f"LEFT JOIN {DECISION} cd ON cd.person_id = {{}} AND cd.is_current"
    return {
        REGISTRATIONS: (
            f"SELECT {b('p.registered_at')}, COALESCE(cd.category, ''), COUNT(*) "
            f"FROM {PERSON} p {current.format('p.id')} "
            "WHERE p.merged_into_id IS NULL GROUP BY 1, 2"
        ),
        ARRIVALS: (
            f"SELECT pl.facility_id, {b('pl.started_at')}, COALESCE(cd.category, ''), COUNT(*) "
            f"FROM {PLACEMENT} pl {current.format('pl.person_id')} "
            f"WHERE {arrival_sql('pl')} GROUP BY 1, 2, 3"
        ),
        POPULATION: (
            f"SELECT {population_key_sql('pl', 'p', vendor)}, COUNT(*) FROM {PLACEMENT} pl "
            f"JOIN {PERSON} p ON p.id = pl.person_id "
            "WHERE pl.is_current AND pl.state = 'placed' GROUP BY 1, 2, 3, 4"
        ),
        CHILDREN: (
            "SELECT COALESCE(pl.facility_id, 0), COALESCE(pl.movement_id, 0), "
            f"{child_kind_sql('p')}, {departed_sql('pl')}, COUNT(*) FROM {PERSON} p "
            f"LEFT JOIN {PLACEMENT} pl ON pl.person_id = p.id AND pl.is_current "
            f"WHERE {child_flagged_sql('p')} GROUP BY 1, 2, 3, 4"
        ),
        RECEIPTS: (
            f"SELECT movement_id, {bucket_after_sql('resolved_at', vendor)}, COUNT(*) "
            f"FROM {LINE} WHERE outcome = 'received' GROUP BY 1, 2"
        ),
    }


def _rows(cur, sql: str) -> dict[tuple, int]:
    cur.execute(sql)
    return {tuple(_key(v) for v in r[:-1]): r[-1] for r in cur.fetchall() if r[-1]}


def _key(value):
    """A bucket as a naive UTC datetime, however the driver returns it (SQLite: text or naive)."""
    if isinstance(value, str) and len(value) >= 16 and value[4] == "-":
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def direct(connection=default_connection) -> dict[str, dict[tuple, int]]:
    """Every counter's rows counted straight from the tables (the long way)."""
    with connection.cursor() as cur:
        return {t: _rows(cur, sql) for t, sql in _direct_sql(connection.vendor).items()}


def kept(connection=default_connection) -> dict[str, dict[tuple, int]]:
    """Every counter's rows as the triggers keep them (rows at zero left out)."""
    with connection.cursor() as cur:
        return {
            c.table: _rows(cur, f"SELECT {', '.join(c.keys)}, {c.value} FROM {c.table}")
            for c in COUNTERS
        }


def differences(connection=default_connection) -> list[str]:
    """One line per counter row that differs from a direct count; empty when all agree."""
    out = []
    counted, stored = direct(connection), kept(connection)
    for c in COUNTERS:
        want, have = counted[c.table], stored[c.table]
        for key in sorted(set(want) | set(have), key=str):
            if want.get(key, 0) != have.get(key, 0):
                shown = ", ".join(f"{k}={_text(v)}" for k, v in zip(c.keys, key, strict=True))
                out.append(
                    f"{c.table} {shown}: kept {have.get(key, 0)}, counted {want.get(key, 0)}"
                )
    return out


def _text(value) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def schema_is_current(connection=default_connection) -> bool:
    """Whether the counters' tables are those this code counts into: the children's counter keys
    the departed apart (``reports/0005``). An earlier migration, run on its way there, finds them
    older: it installs no trigger and leaves that counter to 0005, which recounts every one."""
    with connection.cursor() as cur:
        columns = connection.introspection.get_table_description(cur, CHILDREN)
    return any(c.name == "departed" for c in columns)


def rebuild(connection=default_connection, tables: tuple[str, ...] | None = None) -> None:
    """Replace every counter's rows (or those of ``tables``) with a direct count (after the
    migration that adds them, or to mend a database whose triggers were dropped)."""
    current = schema_is_current(connection)
    with transaction.atomic(using=connection.alias), connection.cursor() as cur:
        for c in COUNTERS:
            if tables is not None and c.table not in tables:
                continue
            if c.table == CHILDREN and not current:
                continue
            cur.execute(f"DELETE FROM {c.table}")
            columns = ", ".join((*c.keys, c.value))
            cur.execute(
                f"INSERT INTO {c.table} ({columns}) {_direct_sql(connection.vendor)[c.table]}"
            )


# --- the triggers -------------------------------------------------------------------------------


def install(connection=default_connection) -> None:
    """Create (or re-create) the triggers that keep the counters (none on the tables of an earlier
    migration: :func:`schema_is_current`)."""
    uninstall(connection)
    if not schema_is_current(connection):
        return
    with connection.cursor() as cur:
        for sql in _triggers(connection.vendor):
            cur.execute(sql)


def ensure_installed(connection=default_connection) -> bool:
    """Put back missing triggers and recount; True when something was missing. Nothing to do
    before the counters' tables exist (a database migrated back before them)."""
    tables = set(connection.introspection.table_names())
    if not all(c.table in tables for c in COUNTERS) or not schema_is_current(connection):
        return False
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE %s", [PREFIX + "%"])
        else:
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {r[0] for r in cur.fetchall()}
    if all(f"{PREFIX}{t}_{op}" in present for t, op in _TRIGGERS):
        return False
    install(connection)
    rebuild(connection)
    return True


def uninstall(connection=default_connection) -> None:
    with connection.cursor() as cur:
        for table, op in _TRIGGERS:
            name = f"{PREFIX}{table}_{op}"
            if connection.vendor == "postgresql":
                cur.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cur.execute(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                cur.execute(f"DROP TRIGGER IF EXISTS {name}")


_TRIGGERS = [
    (t, f"{kind}{op}")
    for t, kinds in (
        (PERSON, ("", "child_", "pop_")),
        (DECISION, ("",)),
        (PLACEMENT, ("", "child_")),
    )
    for kind in kinds
    for op in ("ins", "upd", "del")
] + [(LINE, op) for op in ("ins", "upd", "del")]


def _triggers(vendor: str) -> list[str]:
    from muster.reports import counter_triggers, counter_triggers_pg

    if vendor == "postgresql":
        return counter_triggers_pg.postgresql()
    return counter_triggers.sqlite()


# --- reads --------------------------------------------------------------------------------------


def registered_by_category() -> dict[str, int]:
    """Persons not merged away by current category (``""``: not yet decided)."""
    rows = RegistrationCount.objects.values("category").annotate(n=Sum("persons")).order_by()
    return {r["category"]: r["n"] for r in rows if r["n"]}


def populations() -> dict[int, int]:
    """Facility id -> persons placed there now."""
    rows = PopulationCount.objects.values("facility_id").annotate(n=Sum("persons")).order_by()
    return {r["facility_id"]: r["n"] for r in rows if r["n"]}


def population_by_birth(facility_ids) -> list[tuple[int, str, int, bool, int]]:
    """(facility id, sex, year of birth or 0, date of birth known, persons) of the persons placed
    at the facilities now."""
    return list(
        PopulationCount.objects.filter(facility_id__in=list(facility_ids), persons__gt=0)
        .values_list("facility_id", "sex", "born", "dated", "persons")
        .order_by()
    )  # fmt: skip
