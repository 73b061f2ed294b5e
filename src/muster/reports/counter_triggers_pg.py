"""The counters' triggers on PostgreSQL: one per statement, over its transition tables (what each
counts: :mod:`muster.reports.counter_triggers`)."""

from muster.reports.counters import (
    ARRIVALS,
    CHILDREN,
    DECISION,
    LINE,
    PERSON,
    PLACEMENT,
    POPULATION,
    PREFIX,
    RECEIPTS,
    REGISTRATIONS,
    arrival_sql,
    bucket_after_sql,
    bucket_sql,
    child_flagged_sql,
    child_kind_sql,
    counted_row,
    departed_sql,
    population_key_sql,
    update_changes,
)

# --- PostgreSQL: one trigger per statement, over its transition tables -----------------------------


def _p_apply(table: str, keys: str, value: str, deltas: list[str]) -> str:
    """Add the signed deltas (``SELECT keys…, d``) to the counter, grouped first so that a key is
    touched once."""
    union = " UNION ALL ".join(deltas)
    return (
        f"INSERT INTO {table} AS c ({keys}, {value}) SELECT {keys}, SUM(d) FROM ({union}) x "
        f"GROUP BY {keys} HAVING SUM(d) <> 0 "
        f"ON CONFLICT ({keys}) DO UPDATE SET {value} = c.{value} + excluded.{value};"
    )


def statement_bodies(vendor: str = "postgresql") -> dict[tuple[str, str], list[str]]:
    """Per trigger (table, kind + op), the statements that count a whole statement's rows from
    ``new_rows`` and ``old_rows``: PostgreSQL's transition tables, or on SQLite a bulk insert's
    rows given as ``new_rows`` (:func:`muster.reports.counter_triggers.count_bulk_insert`)."""

    def b(col):
        return bucket_sql(col, vendor)

    current = f"LEFT JOIN {DECISION} cd ON cd.person_id = {{}} AND cd.is_current"

    def person(rows, sign):
        return (
            f"SELECT {b('r.registered_at')} AS bucket, COALESCE(cd.category, '') AS category, "
            f"{sign} AS d FROM {rows} r {current.format('r.id')} WHERE r.merged_into_id IS NULL"
        )

    def decision_reg(rows, sign):
        # The decision's category gains (or loses) the person, "not yet decided" the opposite.
        active = f"JOIN {PERSON} p ON p.id = r.person_id AND p.merged_into_id IS NULL"
        return [
            f"SELECT {b('p.registered_at')} AS bucket, {cat} AS category, {s} AS d "
            f"FROM {rows} r {active} WHERE r.is_current"
            for cat, s in (("r.category", sign), ("''", f"-({sign})"))
        ]

    def decision_arr(rows, sign):
        placed = f"JOIN {PLACEMENT} pl ON pl.person_id = r.person_id AND {arrival_sql('pl')}"
        return [
            f"SELECT pl.facility_id AS facility_id, {b('pl.started_at')} AS bucket, "
            f"{cat} AS category, {s} AS d FROM {rows} r {placed} WHERE r.is_current"
            for cat, s in (("r.category", sign), ("''", f"-({sign})"))
        ]

    def placement_arr(rows, sign):
        return (
            f"SELECT r.facility_id AS facility_id, {b('r.started_at')} AS bucket, "
            f"COALESCE(cd.category, '') AS category, {sign} AS d "
            f"FROM {rows} r {current.format('r.person_id')} WHERE {arrival_sql('r')}"
        )

    def placement_pop(rows, sign):
        return (
            f"SELECT {population_key_sql('r', 'p', vendor)}, {sign} AS d FROM {rows} r "
            f"JOIN {PERSON} p ON p.id = r.person_id WHERE r.state = 'placed' AND r.is_current"
        )

    def person_pop(rows, sign):
        return (
            f"SELECT {population_key_sql('pl', 'r', vendor)}, {sign} AS d FROM {rows} r "
            f"JOIN {PLACEMENT} pl ON pl.person_id = r.id AND pl.is_current "
            "AND pl.state = 'placed'"
        )

    def line_rec(rows, sign):
        return (
            f"SELECT r.movement_id AS movement_id, "
            f"{bucket_after_sql('r.resolved_at', vendor)} AS bucket, {sign} AS d "
            f"FROM {rows} r WHERE r.outcome = 'received'"
        )

    def person_child(rows, sign):
        return (
            "SELECT COALESCE(pl.facility_id, 0) AS facility_id, "
            f"COALESCE(pl.movement_id, 0) AS movement_id, {child_kind_sql('r')} AS kind, "
            f"{departed_sql('pl')} AS departed, {sign} AS d FROM {rows} r LEFT JOIN {PLACEMENT} pl ON pl.person_id = r.id "
            f"AND pl.is_current WHERE {child_flagged_sql('r')}"
        )

    def placement_child(rows, sign):
        # The placement's key gains (or loses) the flagged person, "no current placement" the
        # opposite.
        flagged = f"JOIN {PERSON} p ON p.id = r.person_id AND {child_flagged_sql('p')}"
        return [
            f"SELECT {f} AS facility_id, {m} AS movement_id, {child_kind_sql('p')} AS kind, "
            f"{gone} AS departed, {s} AS d FROM {rows} r {flagged} WHERE r.is_current"
            for f, m, gone, s in (
                (
                    "COALESCE(r.facility_id, 0)",
                    "COALESCE(r.movement_id, 0)",
                    departed_sql("r"),
                    sign,
                ),
                ("0", "0", "FALSE", f"-({sign})"),
            )
        ]

    pop_keys = "facility_id, sex, born, dated"
    sides = {"ins": [("new_rows", "1")], "del": [("old_rows", "-1")]}
    sides["upd"] = sides["del"] + sides["ins"]
    bodies = {}
    for op, rows in sides.items():
        bodies[(PERSON, op)] = [
            _p_apply(REGISTRATIONS, "bucket, category", "persons", [person(*r) for r in rows])
        ]
        bodies[(DECISION, op)] = [
            _p_apply(
                REGISTRATIONS,
                "bucket, category",
                "persons",
                [q for r in rows for q in decision_reg(*r)],
            ),  # fmt: skip
            _p_apply(
                ARRIVALS,
                "facility_id, bucket, category",
                "placements",
                [q for r in rows for q in decision_arr(*r)],
            ),  # fmt: skip
        ]
        bodies[(PLACEMENT, op)] = [
            _p_apply(
                ARRIVALS,
                "facility_id, bucket, category",
                "placements",
                [placement_arr(*r) for r in rows],
            ),  # fmt: skip
            _p_apply(POPULATION, pop_keys, "persons", [placement_pop(*r) for r in rows]),
        ]
        bodies[(PERSON, "pop_" + op)] = [
            _p_apply(POPULATION, pop_keys, "persons", [person_pop(*r) for r in rows])
        ]
        child_keys = "facility_id, movement_id, kind, departed"
        bodies[(PERSON, "child_" + op)] = [
            _p_apply(CHILDREN, child_keys, "persons", [person_child(*r) for r in rows])
        ]
        bodies[(PLACEMENT, "child_" + op)] = [
            _p_apply(
                CHILDREN, child_keys, "persons", [q for r in rows for q in placement_child(*r)]
            )
        ]
        bodies[(LINE, op)] = [
            _p_apply(RECEIPTS, "movement_id, bucket", "lines", [line_rec(*r) for r in rows])
        ]
    return bodies


def postgresql() -> list[str]:
    bodies = statement_bodies("postgresql")
    events = {"ins": "INSERT", "upd": "UPDATE", "del": "DELETE"}
    referencing = {
        "ins": "NEW TABLE AS new_rows",
        "upd": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "del": "OLD TABLE AS old_rows",
    }
    # An update that changes nothing counted (most of them: a name, a note) touches no counter.
    changes = update_changes("postgresql", "o", "n")
    out = []
    for (table, op), statements in bodies.items():
        name = f"{PREFIX}{table}_{op}"
        body = "\n".join(statements)
        kind, event = op[:-3], op[-3:]
        if event == "upd":
            rows = "old_rows o FULL JOIN new_rows n ON n.id = o.id"
            when = f"o.id IS NULL OR n.id IS NULL OR {changes[table, op]}"
        else:  # An insert or delete of rows none of which counts touches no counter either.
            rows = f"{'new' if event == 'ins' else 'old'}_rows r"
            when = counted_row(table, kind, "r")
        body = f"IF EXISTS (SELECT 1 FROM {rows} WHERE {when}) THEN\n{body}\nEND IF;"
        out.append(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n{body}\nRETURN NULL;\nEND\n$$"
        )
        out.append(
            f"CREATE TRIGGER {name} AFTER {events[op[-3:]]} ON {table} "
            f"REFERENCING {referencing[op[-3:]]} FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    return out
