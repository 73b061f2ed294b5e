"""The children's counter keys a child whose departure is confirmed (``departed``) apart, so that
the separated or unaccompanied children and those needing protection are the children in our care:
the triggers re-created and every counter recounted."""

from django.db import migrations, models


def drop_triggers(apps, schema_editor):
    from muster.reports import counters

    counters.uninstall(schema_editor.connection)


def drop_triggers_and_children(apps, schema_editor):
    """Back: the children's rows go (a departed and a staying child under one key would collide
    without the column); migrating forward again recounts them."""
    drop_triggers(apps, schema_editor)
    apps.get_model("reports", "ChildCount").objects.all().delete()


def install(apps, schema_editor):
    from muster.reports import counters

    counters.install(schema_editor.connection)
    counters.rebuild(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_arrivals_without_unmerge_restorations")]

    # Migrating back leaves no triggers (0004's are not kept as code); migrating forward again
    # recounts every counter.
    operations = [
        migrations.RunPython(drop_triggers, migrations.RunPython.noop, elidable=False),
        migrations.RemoveConstraint(model_name="childcount", name="childcount_key"),
        migrations.AddField(
            model_name="childcount",
            name="departed",
            field=models.BooleanField(default=False),
        ),
        migrations.AddConstraint(
            model_name="childcount",
            constraint=models.UniqueConstraint(
                fields=("facility_id", "movement_id", "kind", "departed"), name="childcount_key"
            ),
        ),
        migrations.RunPython(install, drop_triggers_and_children, elidable=False),
    ]
