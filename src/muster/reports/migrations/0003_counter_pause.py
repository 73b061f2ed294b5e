"""A bulk insert of persons or placements on SQLite counts its rows once (core.rows), pausing the
per-row insert triggers in its transaction: the table that pauses them, and the triggers that read
it. The counts are unchanged: nothing is recounted."""

from django.db import migrations


def install(apps, schema_editor):
    from muster.reports import counters

    counters.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from muster.reports import counters

    # Back before 0003 leaves no triggers (as back before 0002); forward again puts them back.
    counters.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_population_by_birth")]

    operations = [
        migrations.RunSQL(
            "CREATE TABLE reports_counter_pause (id integer PRIMARY KEY)",
            "DROP TABLE reports_counter_pause",
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
