"""The counters' triggers on SQLite, one per row (PostgreSQL's: counter_triggers_pg).

What each counts:
- registrations: a person not merged away, under the quarter hour of ``registered_at`` and the
  category of their current decision (``""`` if none);
- arrivals: a placement in state ``placed``, under its facility, the quarter hour of ``started_at``
  and its person's current category;
- population: a current placement in state ``placed``, under its facility and its person's sex,
  year of birth (:func:`~muster.reports.counters.born_sql`) and whether the date is known;
- children: an unaccompanied or separated child not merged away, under the facility or movement of
  their current placement (0 and 0 when they have none) and whether it is *departed* (their
  departure confirmed: no longer in our care);
- receipts: a manifest line received, under its movement and the quarter hour at or after its
  ``resolved_at``.
A person row changes registrations, children and population (sex, dates of birth); a placement
row arrivals, population and children; a manifest line receipts; a current decision moves its person's registration and placed
placements from ``""`` to its category (and back when it stops being current).
"""

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
    born_sql,
    bucket_after_sql,
    bucket_sql,
    child_flagged_sql,
    child_kind_sql,
    counted_row,
    dated_sql,
    departed_sql,
    population_key_sql,
    update_changes,
)

# --- SQLite: one trigger per row ------------------------------------------------------------------

# A bulk insert into these tables (``core.rows.insert_rows``: an import's persons and placements)
# drops their insert triggers inside its transaction (SQLite's DDL is transactional: no other
# connection ever sees them gone), counts its rows with one statement per counter, as PostgreSQL's
# statement triggers do, and puts the triggers back: a trigger per row was a fifth of an import.
BULK_TABLES = (PERSON, PLACEMENT)
_NEW_IDS = "reports_counter_new_ids"


class BulkInsertCounts:
    """``core.rows``' hook for a bulk insert into one of :data:`BULK_TABLES` on SQLite."""

    def __init__(self, table: str) -> None:
        from muster.reports.counter_triggers_pg import statement_bodies

        inserts = {
            op: sqls for (t, op), sqls in statement_bodies("sqlite").items()
            if t == table and op.endswith("ins")
        }  # fmt: skip
        self.table = table
        self.names = [f"{PREFIX}{table}_{op}" for op in inserts]
        self.statements = [
            f"WITH new_rows AS (SELECT t.* FROM {table} t JOIN temp.{_NEW_IDS} n ON n.id = t.id) "
            + sql
            for sqls in inserts.values()
            for sql in sqls
        ]

    def before(self, cursor) -> list[str]:
        """Drop the table's insert triggers; returns them (to put back), or [] when some were
        missing (dropped on purpose, as a benchmark does: then nothing is counted here either)."""
        marks = ", ".join(["%s"] * len(self.names))
        cursor.execute(
            f"SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",
            self.names,
        )
        saved = [row[0] for row in cursor.fetchall()]
        if len(saved) != len(self.names):
            return []
        for name in self.names:
            cursor.execute(f"DROP TRIGGER {name}")
        return saved

    def after(self, cursor, ids, saved: list[str]) -> None:
        """Count the inserted rows ``ids`` and put the triggers back."""
        if not saved:
            return
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {_NEW_IDS} (id INTEGER PRIMARY KEY)")
        cursor.execute(f"DELETE FROM temp.{_NEW_IDS}")
        cursor.executemany(f"INSERT INTO temp.{_NEW_IDS} (id) VALUES (%s)", [(i,) for i in ids])
        for sql in self.statements:
            cursor.execute(sql)
        cursor.execute(f"DELETE FROM temp.{_NEW_IDS}")
        for sql in saved:
            cursor.execute(sql)


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

    pop_keys = "facility_id, sex, born, dated"
    placed_now = "pl.is_current AND pl.state = 'placed'"

    def pop_add(row, when):
        """A placement row's count, under its person's key (none while the person is missing)."""
        return _s_add(
            POPULATION, pop_keys, "persons",
            f"SELECT {population_key_sql(row, 'p', 'sqlite')}, 1 FROM {PERSON} p "
            f"WHERE p.id = {row}.person_id AND {when}",
        )  # fmt: skip

    def pop_sub(row, when):
        return (
            f"UPDATE {POPULATION} SET persons = persons - 1 WHERE {when} AND ({pop_keys}) = "
            f"(SELECT {population_key_sql(row, 'p', 'sqlite')} FROM {PERSON} p "
            f"WHERE p.id = {row}.person_id);"
        )

    def person_pop_add(row):
        """A person row's count, under the facility of their current placement there."""
        return _s_add(
            POPULATION, pop_keys, "persons",
            f"SELECT {population_key_sql('pl', row, 'sqlite')}, COUNT(*) FROM {PLACEMENT} pl "
            f"WHERE pl.person_id = {row}.id AND {placed_now} GROUP BY 1, 2, 3, 4",
        )  # fmt: skip

    def person_pop_sub(row):
        return (
            f"UPDATE {POPULATION} SET persons = persons - (SELECT COUNT(*) FROM {PLACEMENT} pl "
            f"WHERE pl.person_id = {row}.id AND {placed_now} "
            f"AND pl.facility_id = {POPULATION}.facility_id) "
            f"WHERE sex = {row}.sex AND born = {born_sql(row, 'sqlite')} "
            f"AND dated = {dated_sql(row)} AND facility_id IN "
            f"(SELECT pl.facility_id FROM {PLACEMENT} pl WHERE pl.person_id = {row}.id "
            f"AND {placed_now});"
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
        placed = f"FROM {PLACEMENT} WHERE person_id = {person} AND {arrival_sql(PLACEMENT)}"
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
                f"{PLACEMENT} p WHERE p.person_id = {person} AND {arrival_sql('p')} "
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

    child_keys = "facility_id, movement_id, kind, departed"

    def child_key(person):
        """The key (facility, movement, departed) of the person's current placement; 0, 0, false
        for none."""
        where = f"FROM {PLACEMENT} pl WHERE pl.person_id = {person} AND pl.is_current"
        return (
            f"COALESCE((SELECT pl.facility_id {where}), 0)",
            f"COALESCE((SELECT pl.movement_id {where}), 0)",
            f"COALESCE((SELECT {departed_sql('pl')} {where}), FALSE)",
        )

    def child_add(row, key, when):
        return _s_add(
            CHILDREN, child_keys, "persons",
            f"SELECT {key[0]}, {key[1]}, {child_kind_sql(row)}, {key[2]}, 1 WHERE {when} "
            f"AND {child_flagged_sql(row)}",
        )  # fmt: skip

    def child_sub(row, key, when):
        return (
            f"UPDATE {CHILDREN} SET persons = persons - 1 WHERE {when} "
            f"AND {child_flagged_sql(row)} AND facility_id = {key[0]} "
            f"AND movement_id = {key[1]} AND kind = {child_kind_sql(row)} "
            f"AND departed = {key[2]};"
        )

    def child_move(person, src, dst, when):
        """A flagged person's count from one placement key to another."""
        flagged = f"FROM {PERSON} p WHERE p.id = {person} AND {child_flagged_sql('p')}"
        return (
            f"UPDATE {CHILDREN} SET persons = persons - 1 WHERE {when} "
            f"AND facility_id = {src[0]} AND movement_id = {src[1]} AND departed = {src[2]} "
            f"AND kind = (SELECT {child_kind_sql('p')} {flagged});\n"
            + _s_add(
                CHILDREN,
                child_keys,
                "persons",
                f"SELECT {dst[0]}, {dst[1]}, {child_kind_sql('p')}, {dst[2]}, 1 {flagged} "
                f"AND {when}",
            )  # fmt: skip
        )

    def trigger(table, op, event, when, body):
        return (
            f"CREATE TRIGGER {PREFIX}{table}_{op} AFTER {event} ON {table} "
            f"FOR EACH ROW WHEN {when} BEGIN\n{body}\nEND"
        )

    def on_insert(table, kind, body):
        return trigger(table, f"{kind}ins", "INSERT", counted_row(table, kind, "NEW"), body)

    def on_delete(table, kind, body):
        return trigger(table, f"{kind}del", "DELETE", counted_row(table, kind, "OLD"), body)

    changes = update_changes("sqlite")
    old_received, new_received = (counted_row(LINE, "", row) for row in ("OLD", "NEW"))
    old_placed, new_placed = (counted_row(PLACEMENT, "", row) for row in ("OLD", "NEW"))
    none = ("0", "0", "FALSE")
    population = [
        on_insert(PERSON, "pop_", person_pop_add("NEW")),
        on_delete(PERSON, "pop_", person_pop_sub("OLD")),
        trigger(PERSON, "pop_upd", "UPDATE", changes[PERSON, "pop_upd"],
                person_pop_sub("OLD") + "\n" + person_pop_add("NEW")),
    ]  # fmt: skip

    def key(row):
        return (
            f"COALESCE({row}.facility_id, 0)",
            f"COALESCE({row}.movement_id, 0)",
            departed_sql(row),
        )

    children = [
        on_insert(PERSON, "child_", child_add("NEW", child_key("NEW.id"), "1")),
        on_delete(PERSON, "child_", child_sub("OLD", child_key("OLD.id"), "1")),
        trigger(
            PERSON, "child_upd", "UPDATE", changes[PERSON, "child_upd"],
            child_sub("OLD", child_key("OLD.id"), "1")
            + "\n" + child_add("NEW", child_key("NEW.id"), "1"),
        ),
        on_insert(PLACEMENT, "child_", child_move("NEW.person_id", none, key("NEW"), "1")),
        on_delete(PLACEMENT, "child_", child_move("OLD.person_id", key("OLD"), none, "1")),
        trigger(
            PLACEMENT, "child_upd", "UPDATE", changes[PLACEMENT, "child_upd"],
            child_move("OLD.person_id", key("OLD"), none, "OLD.is_current")
            + "\n" + child_move("NEW.person_id", none, key("NEW"), "NEW.is_current"),
        ),
    ]  # fmt: skip
    return (
        population
        + children
        + [
            on_insert(LINE, "", rec_add("NEW", "1")),
            on_delete(LINE, "", rec_sub("OLD", "1")),
            trigger(
                LINE,
                "upd",
                "UPDATE",
                changes[LINE, "upd"],
                rec_sub("OLD", old_received) + "\n" + rec_add("NEW", new_received),
            ),  # fmt: skip
            on_insert(PERSON, "", reg_add("NEW", "1")),
            on_delete(PERSON, "", reg_sub("OLD", "1")),
            trigger(
                PERSON,
                "upd",
                "UPDATE",
                changes[PERSON, "upd"],
                reg_sub("OLD", "OLD.merged_into_id IS NULL")
                + "\n"
                + reg_add("NEW", "NEW.merged_into_id IS NULL"),
            ),  # fmt: skip
            on_insert(DECISION, "", move("NEW.person_id", "''", "NEW.category", "1")),
            on_delete(DECISION, "", move("OLD.person_id", "OLD.category", "''", "1")),
            trigger(
                DECISION,
                "upd",
                "UPDATE",
                changes[DECISION, "upd"],
                move("OLD.person_id", "OLD.category", "''", "OLD.is_current")
                + "\n"
                + move("NEW.person_id", "''", "NEW.category", "NEW.is_current"),
            ),  # fmt: skip
            on_insert(
                PLACEMENT,
                "",
                arr_add("NEW", arrival_sql("NEW")) + "\n" + pop_add("NEW", "NEW.is_current"),
            ),
            on_delete(
                PLACEMENT,
                "",
                arr_sub("OLD", arrival_sql("OLD")) + "\n" + pop_sub("OLD", "OLD.is_current"),
            ),  # fmt: skip
            trigger(
                PLACEMENT,
                "upd",
                "UPDATE",
                changes[PLACEMENT, "upd"],
                "\n".join(
                    [
                        arr_sub("OLD", arrival_sql("OLD")),
                        pop_sub("OLD", f"{old_placed} AND OLD.is_current"),
                        arr_add("NEW", arrival_sql("NEW")),
                        pop_add("NEW", f"{new_placed} AND NEW.is_current"),
                    ]
                ),
            ),  # fmt: skip
        ]
    )
