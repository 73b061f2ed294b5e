"""Arrivals leave out the placement an unmerge puts back (no one arrived then), as the facility
page counts them: the triggers re-created and every counter recounted."""

from django.db import migrations


def drop_triggers(apps, schema_editor):
    from muster.reports import counters

    counters.uninstall(schema_editor.connection)


def install(apps, schema_editor):
    from muster.reports import counters

    counters.install(schema_editor.connection)
    counters.rebuild(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_arrivals_without_merge_copies")]

    # Migrating back leaves no triggers (0003's are not kept as code); migrating forward again
    # recounts every counter.
    operations = [migrations.RunPython(install, drop_triggers, elidable=False)]
