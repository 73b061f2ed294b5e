"""The triggers' SQL, per database (see :mod:`muster.reports.counters`).

What each counts:
- registrations: a person not merged away, under the quarter hour of ``registered_at`` and the
  category of their current decision (``""`` if none);
- arrivals: a placement in state ``placed``, under its facility, the quarter hour of ``started_at``
  and its person's current category;
- population: a current placement in state ``placed``, under its facility;
- receipts: a manifest line received, under its movement and the quarter hour at or after its
  ``resolved_at``.
A person row changes the first; a placement row the other two; a current decision moves its
person's registration and placed placements from ``""`` to its category (and back when it stops
being current).
"""

from muster.reports.counters import (
    ARRIVALS,
    DECISION,
    LINE,
    PERSON,
    PLACEMENT,
    POPULATION,
    PREFIX,
    RECEIPTS,
    REGISTRATIONS,
    bucket_after_sql,
    bucket_sql,
)

# --- SQLite: one trigger per row ------------------------------------------------------------------


def _s_add(table: str, keys: str, value: str, select: str) -> str:
    return (
        f"INSERT INTO {table} ({keys}, {value}) {select} "
        f"ON CONFLICT ({keys}) DO UPDATE SET {value} = {value} + excluded.{value};"
    )


def sqlite() -> list[str]:
    def b(col):
        return bucket_sql(col, "sqlite")

    def cat(person):
        return (
            f"COALESCE((SELECT category FROM {DECISION} WHERE person_id = {person} "
            "AND is_current), '')"
        )

    def reg_add(row, when):
        return _s_add(
            REGISTRATIONS, "bucket, category", "persons",
            f"SELECT {b(row + '.registered_at')}, {cat(row + '.id')}, 1 WHERE {when}",
        )  # fmt: skip

    def reg_sub(row, when):
        return (
            f"UPDATE {REGISTRATIONS} SET persons = persons - 1 WHERE {when} "
            f"AND bucket = {b(row + '.registered_at')} AND category = {cat(row + '.id')};"
        )

    def arr_add(row, when):
        return _s_add(
            ARRIVALS, "facility_id, bucket, category", "placements",
            f"SELECT {row}.facility_id, {b(row + '.started_at')}, {cat(row + '.person_id')}, 1 "
            f"WHERE {when}",
        )  # fmt: skip

    def arr_sub(row, when):
        return (
            f"UPDATE {ARRIVALS} SET placements = placements - 1 WHERE {when} "
            f"AND facility_id = {row}.facility_id AND bucket = {b(row + '.started_at')} "
            f"AND category = {cat(row + '.person_id')};"
        )

    def pop_add(row, when):
        return _s_add(
            POPULATION, "facility_id", "persons", f"SELECT {row}.facility_id, 1 WHERE {when}"
        )

    def pop_sub(row, when):
        return (
            f"UPDATE {POPULATION} SET persons = persons - 1 WHERE {when} "
            f"AND facility_id = {row}.facility_id;"
        )

    def rec_add(row, when):
        return _s_add(
            RECEIPTS, "movement_id, bucket", "lines",
            f"SELECT {row}.movement_id, {bucket_after_sql(row + '.resolved_at', 'sqlite')}, 1 "
            f"WHERE {when}",
        )  # fmt: skip

    def rec_sub(row, when):
        return (
            f"UPDATE {RECEIPTS} SET lines = lines - 1 WHERE {when} AND movement_id = "
            f"{row}.movement_id AND bucket = {bucket_after_sql(row + '.resolved_at', 'sqlite')};"
        )

    def move(person, from_cat, to_cat, when):
        """A person's registration and placed placements from one category to another."""
        active = f"FROM {PERSON} WHERE id = {person} AND merged_into_id IS NULL"
        placed = f"FROM {PLACEMENT} WHERE person_id = {person} AND state = 'placed'"
        return "\n".join(
            [
                f"UPDATE {REGISTRATIONS} SET persons = persons - 1 WHERE {when} "
                f"AND category = {from_cat} AND bucket = (SELECT {b('registered_at')} {active});",
                _s_add(
                    REGISTRATIONS,
                    "bucket, category",
                    "persons",
                    f"SELECT {b('registered_at')}, {to_cat}, 1 {active} AND {when}",
                ),  # fmt: skip
                f"UPDATE {ARRIVALS} SET placements = placements - (SELECT COUNT(*) FROM "
                f"{PLACEMENT} p WHERE p.person_id = {person} AND p.state = 'placed' "
                f"AND p.facility_id = {ARRIVALS}.facility_id "
                f"AND {b('p.started_at')} = {ARRIVALS}.bucket) "
                f"WHERE {when} AND category = {from_cat} AND (facility_id, bucket) IN "
                f"(SELECT facility_id, {b('started_at')} {placed});",
                _s_add(
                    ARRIVALS,
                    "facility_id, bucket, category",
                    "placements",
                    f"SELECT facility_id, {b('started_at')}, {to_cat}, COUNT(*) {placed} "
                    f"AND {when} GROUP BY 1, 2",
                ),  # fmt: skip
            ]
        )

    def trigger(table, op, event, when, body):
        return (
            f"CREATE TRIGGER {PREFIX}{table}_{op} AFTER {event} ON {table} "
            f"FOR EACH ROW WHEN {when} BEGIN\n{body}\nEND"
        )

    person_changed = (
        "(OLD.merged_into_id IS NULL) <> (NEW.merged_into_id IS NULL) "
        "OR OLD.registered_at IS NOT NEW.registered_at OR OLD.id IS NOT NEW.id"
    )
    decision_changed = (
        "OLD.is_current IS NOT NEW.is_current OR (OLD.is_current AND "
        "(OLD.category IS NOT NEW.category OR OLD.person_id IS NOT NEW.person_id))"
    )
    placement_changed = (
        "(OLD.state = 'placed' OR NEW.state = 'placed') AND (OLD.state IS NOT NEW.state "
        "OR OLD.facility_id IS NOT NEW.facility_id OR OLD.started_at IS NOT NEW.started_at "
        "OR OLD.person_id IS NOT NEW.person_id OR OLD.is_current IS NOT NEW.is_current)"
    )
    line_changed = (
        "(OLD.outcome = 'received' OR NEW.outcome = 'received') AND (OLD.outcome IS NOT "
        "NEW.outcome OR OLD.movement_id IS NOT NEW.movement_id "
        "OR OLD.resolved_at IS NOT NEW.resolved_at)"
    )
    old_received, new_received = "OLD.outcome = 'received'", "NEW.outcome = 'received'"
    old_placed, new_placed = "OLD.state = 'placed'", "NEW.state = 'placed'"
    return [
        trigger(LINE, "ins", "INSERT", new_received, rec_add("NEW", "1")),
        trigger(LINE, "del", "DELETE", old_received, rec_sub("OLD", "1")),
        trigger(
            LINE,
            "upd",
            "UPDATE",
            line_changed,
            rec_sub("OLD", old_received) + "\n" + rec_add("NEW", new_received),
        ),  # fmt: skip
        trigger(PERSON, "ins", "INSERT", "NEW.merged_into_id IS NULL", reg_add("NEW", "1")),
        trigger(PERSON, "del", "DELETE", "OLD.merged_into_id IS NULL", reg_sub("OLD", "1")),
        trigger(
            PERSON,
            "upd",
            "UPDATE",
            person_changed,
            reg_sub("OLD", "OLD.merged_into_id IS NULL")
            + "\n"
            + reg_add("NEW", "NEW.merged_into_id IS NULL"),
        ),  # fmt: skip
        trigger(
            DECISION,
            "ins",
            "INSERT",
            "NEW.is_current",
            move("NEW.person_id", "''", "NEW.category", "1"),
        ),  # fmt: skip
        trigger(
            DECISION,
            "del",
            "DELETE",
            "OLD.is_current",
            move("OLD.person_id", "OLD.category", "''", "1"),
        ),  # fmt: skip
        trigger(
            DECISION,
            "upd",
            "UPDATE",
            decision_changed,
            move("OLD.person_id", "OLD.category", "''", "OLD.is_current")
            + "\n"
            + move("NEW.person_id", "''", "NEW.category", "NEW.is_current"),
        ),  # fmt: skip
        trigger(
            PLACEMENT,
            "ins",
            "INSERT",
            new_placed,
            arr_add("NEW", "1") + "\n" + pop_add("NEW", "NEW.is_current"),
        ),  # fmt: skip
        trigger(
            PLACEMENT,
            "del",
            "DELETE",
            old_placed,
            arr_sub("OLD", "1") + "\n" + pop_sub("OLD", "OLD.is_current"),
        ),  # fmt: skip
        trigger(
            PLACEMENT,
            "upd",
            "UPDATE",
            placement_changed,
            "\n".join(
                [
                    arr_sub("OLD", old_placed),
                    pop_sub("OLD", f"{old_placed} AND OLD.is_current"),
                    arr_add("NEW", new_placed),
                    pop_add("NEW", f"{new_placed} AND NEW.is_current"),
                ]
            ),
        ),  # fmt: skip
    ]


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


def postgresql() -> list[str]:
    def b(col):
        return bucket_sql(col, "postgresql")

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
        placed = f"JOIN {PLACEMENT} pl ON pl.person_id = r.person_id AND pl.state = 'placed'"
        return [
            f"SELECT pl.facility_id AS facility_id, {b('pl.started_at')} AS bucket, "
            f"{cat} AS category, {s} AS d FROM {rows} r {placed} WHERE r.is_current"
            for cat, s in (("r.category", sign), ("''", f"-({sign})"))
        ]

    def placement_arr(rows, sign):
        return (
            f"SELECT r.facility_id AS facility_id, {b('r.started_at')} AS bucket, "
            f"COALESCE(cd.category, '') AS category, {sign} AS d "
            f"FROM {rows} r {current.format('r.person_id')} WHERE r.state = 'placed'"
        )

    def placement_pop(rows, sign):
        return (
            f"SELECT r.facility_id AS facility_id, {sign} AS d FROM {rows} r "
            "WHERE r.state = 'placed' AND r.is_current"
        )

    def line_rec(rows, sign):
        return (
            f"SELECT r.movement_id AS movement_id, "
            f"{bucket_after_sql('r.resolved_at', 'postgresql')} AS bucket, {sign} AS d "
            f"FROM {rows} r WHERE r.outcome = 'received'"
        )

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
            _p_apply(POPULATION, "facility_id", "persons", [placement_pop(*r) for r in rows]),
        ]
        bodies[(LINE, op)] = [
            _p_apply(RECEIPTS, "movement_id, bucket", "lines", [line_rec(*r) for r in rows])
        ]
    events = {"ins": "INSERT", "upd": "UPDATE", "del": "DELETE"}
    referencing = {
        "ins": "NEW TABLE AS new_rows",
        "upd": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "del": "OLD TABLE AS old_rows",
    }
    out = []
    for (table, op), statements in bodies.items():
        name = f"{PREFIX}{table}_{op}"
        body = "\n".join(statements)
        out.append(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n{body}\nRETURN NULL;\nEND\n$$"
        )
        out.append(
            f"CREATE TRIGGER {name} AFTER {events[op]} ON {table} "
            f"REFERENCING {referencing[op]} FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    return out
