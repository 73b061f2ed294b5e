"""The population counter by facility, sex and year of birth (the HXL table's children without a
join of every placement to its person), in place of the population by facility alone."""

from django.db import migrations, models


def drop_triggers(apps, schema_editor):
    from muster.reports import counters

    counters.uninstall(schema_editor.connection)


def install(apps, schema_editor):
    from muster.reports import counters

    # All of them: the other counters' writes between 0001 and here went uncounted on a database
    # migrated from before 0001 (0001 installs no trigger any more).
    counters.install(schema_editor.connection)
    counters.rebuild(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_counters"),
        ("people", "0008_date_of_birth_index"),
    ]

    # Migrating back leaves no triggers (0001's are not kept as code); migrating forward again
    # recounts every counter.
    operations = [
        migrations.RunPython(drop_triggers, migrations.RunPython.noop, elidable=False),
        migrations.DeleteModel(name="FacilityPopulation"),
        migrations.CreateModel(
            name="PopulationCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("facility_id", models.IntegerField()),
                ("sex", models.CharField(max_length=1)),
                ("born", models.IntegerField()),
                ("dated", models.BooleanField()),
                ("persons", models.IntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("facility_id", "sex", "born", "dated"), name="populationcount_key"
                    )
                ],
            },
        ),
        migrations.RunPython(install, drop_triggers, elidable=False),
    ]
