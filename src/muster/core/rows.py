"""Rows written straight into a table, for the verbs that write thousands at once (the bulk import).

Django's ``bulk_create`` prepares every value of every row through the field and the SQL compiler
(about ten microseconds a value): for 20,000 households, about a million values, most of the
import's time. Here each field's conversion is chosen once per call and the rows go to the
database as they are: one ``executemany`` on SQLite, one ``COPY`` on PostgreSQL (a single
statement, so the counters' statement triggers run once, not once a row). The values are those
``bulk_create`` would store (the fields' own ``get_db_prep_save`` wherever a value needs
converting: dates, times, JSON). Like ``bulk_create``: no ``save()``, no signals, and the
database's constraints and triggers apply as to any insert.

Ids are taken beforehand (:func:`new_ids`), so a caller knows each row's id without reading it back.
:func:`rows_to_clean` picks out the rows whose values may fail their fields' checks, so that only
those go through ``full_clean`` (which then gives the exact error); the others are known to pass.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

from django.core import validators
from django.db import connection, models

# Fields whose values go to the database as given: the caller gives each a value of the field's
# own type (str, int, bool or None), for which the field's prep changes nothing.
_AS_GIVEN = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}


def _converter(field: models.Field):
    """How one field's values become what the database is given; None: as they are."""
    if field.get_internal_type() in _AS_GIVEN:
        return None
    last: list = [object(), None]  # the same value (an import's "now") converted once

    def prepared(value):
        if value is not last[0]:
            last[0], last[1] = value, field.get_db_prep_save(value, connection)
        return last[1]

    return prepared


def new_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys of ``model``'s table, ascending, for rows about to be inserted
    with :func:`insert_rows` in the same transaction (required: on SQLite the transaction holds the
    write lock, so nobody else takes these ids meanwhile; on PostgreSQL they come from the table's
    sequence, never given twice)."""
    if count <= 0:
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("new_ids() takes ids for an insert in the same transaction")
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), pk, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        # SQLite: AUTOINCREMENT never gives an id again, even one whose row was deleted.
        quoted = connection.ops.quote_name(table)
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"COALESCE((SELECT MAX({connection.ops.quote_name(pk)}) FROM {quoted}), 0))",
            [table],
        )
        last = cursor.fetchone()[0]
    return list(range(last + 1, last + 1 + count))


# On SQLite, what a table's per-row triggers would do for a bulk insert, done once for the rows:
# table -> an object with ``before(cursor)`` (pause the triggers) and ``after(cursor, ids)`` (count
# the rows, resume). Registered by the app that owns the triggers (reports' counters); the insert
# must give the rows' ids.
BULK_INSERT_HOOKS: dict[str, object] = {}


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert ``rows`` (tuples of values in the order of ``fields``, field names or attnames such as
    ``person_id``) into ``model``'s table. Text, number and boolean fields (and foreign keys, by id)
    are given values of their own type or None; dates, times and JSON are converted by their
    field. Every concrete field not named takes its default, which must not be callable (a default
    computed per row is the caller's to give). Returns the number of rows."""
    meta = model._meta
    by_name = {f.name: f for f in meta.concrete_fields} | {
        f.attname: f for f in meta.concrete_fields
    }
    given = [by_name[name] for name in fields]
    rest = [f for f in meta.concrete_fields if f not in given and not f.primary_key]
    for f in rest:
        if f.has_default() and callable(f.default):
            raise ValueError(f"{meta.label}.{f.name} has a computed default: give its value")
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    converters = [(i, c) for i, f in enumerate(given) if (c := _converter(f)) is not None]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in [*given, *rest])
    table = connection.ops.quote_name(meta.db_table)
    width = len(given)

    def prepared():
        for row in rows:
            if len(row) != width:
                raise ValueError(f"a row of {len(row)} values for {width} fields")
            values = [*row, *defaults]
            for i, convert in converters:
                values[i] = convert(values[i])
            yield values

    count = 0
    # The database's refusals as Django's exceptions (IntegrityError...), as for any query.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for values in prepared():
                    copy.write_row(values)
                    count += 1
        else:
            marks = ", ".join(["%s"] * (len(given) + len(rest)))
            batch = list(prepared())
            hook = BULK_INSERT_HOOKS.get(meta.db_table) if "id" in fields else None
            if hook is None or not batch:
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", batch)
            else:
                at = list(fields).index("id")
                hook.before(cursor)
                try:
                    cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", batch)
                finally:  # on a refusal too: whatever went in is counted before the caller rolls back
                    hook.after(cursor, [values[at] for values in batch])
            count = len(batch)
    return count


# -- the fields' checks, a column at a time ----------------------------------------------------

_TYPES: dict[str, tuple[type, ...]] = {
    "CharField": (str,),
    "TextField": (str,),
    "BooleanField": (bool,),
    "BigIntegerField": (int,),
    "IntegerField": (int,),
    "PositiveIntegerField": (int,),
    "PositiveSmallIntegerField": (int,),
    "SmallIntegerField": (int,),
    "DateField": (dt.date,),
    "DateTimeField": (dt.datetime,),
}


def _surely_valid(field: models.Field) -> Callable[[object], bool]:
    """A test that is True only for values ``field.clean`` takes unchanged (``Model.clean_fields``:
    an empty value of a blank field is skipped; then the type, null, blank, choices and the
    validators); False for any value it might refuse or convert."""
    kinds = _TYPES.get(field.get_internal_type())
    if kinds is None:
        return lambda value: False
    dates_only = kinds == (dt.date,)
    empty = field.empty_values
    choices = (
        {key for key, _ in field.flatchoices} if field.choices is not None else None
    )  # flatchoices: groups flattened
    checks: list[Callable[[object], bool]] = []
    for validator in field.validators:
        kind = type(validator)
        limit = getattr(validator, "limit_value", None)
        if callable(limit):
            return lambda value: False
        if kind is validators.MaxLengthValidator:
            checks.append(lambda v, n=limit: len(v) <= n)
        elif kind is validators.MinValueValidator:
            checks.append(lambda v, n=limit: v >= n)
        elif kind is validators.MaxValueValidator:
            checks.append(lambda v, n=limit: v <= n)
        else:
            return lambda value: False  # a check this does not know: full_clean's to run

    def test(value) -> bool:
        if field.blank and value in empty:
            return True
        if type(value) not in kinds and not (
            isinstance(value, kinds) and not isinstance(value, bool)
        ):
            return False
        if dates_only and isinstance(value, dt.datetime):
            return False
        if value in empty:  # not blank (above): refused, or not checked if not editable
            return False
        if choices is not None and value not in choices:
            return False
        return all(check(value) for check in checks)

    return test


def rows_to_clean(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence],
    *,
    exclude: Iterable[str] = (),
) -> list[int]:
    """The positions of the ``rows`` (values in the order of ``fields``) that might fail
    ``full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)``; a row not
    listed passes it for sure. Each field's test is made once and run on the distinct values of
    its column, where ``full_clean`` works through every field of every instance. A model with its own ``clean()``
    has every row listed."""
    if model.clean is not models.Model.clean:
        return list(range(len(rows)))
    meta = model._meta
    skipped = set(exclude)
    by_name = {f.attname: f for f in meta.concrete_fields} | {
        f.name: f for f in meta.concrete_fields
    }
    named = {by_name[name] for name in fields}
    for field in meta.concrete_fields:
        if field not in named and field.name not in skipped and not field.primary_key:
            raise ValueError(f"{meta.label}.{field.name}: no value given to check")
    suspects: set[int] = set()
    for i, name in enumerate(fields):
        field = by_name[name]
        if field.name in skipped or field.primary_key or field.generated:
            continue
        test = _surely_valid(field)
        column = [row[i] for row in rows]
        try:  # each distinct value tested once (a value with its type: True is not 1)
            distinct = {(type(value), value) for value in column}
            bad = {typed for typed in distinct if not test(typed[1])}
        except TypeError:  # a value that cannot be hashed: each tested
            suspects.update(n for n, value in enumerate(column) if not test(value))
            continue
        if bad:
            suspects.update(n for n, value in enumerate(column) if (type(value), value) in bad)
    return sorted(suspects)
