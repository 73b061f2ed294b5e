"""A trigram index on the search key, on PostgreSQL: search matches a word at the start of any name
part of the key (``name_key LIKE '% word%'``), which a b-tree cannot serve; without this index a
search whose matches are few reads the whole person table. Skipped on SQLite, and on a PostgreSQL
without the pg_trgm extension (search still works, by reading the table)."""

from django.db import DatabaseError, migrations, transaction

INDEX = "person_name_key_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        return  # not installed on this server, or not allowed: search reads the table instead
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON people_person USING gin (name_key gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("people", "0004_sitrep_indexes")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
