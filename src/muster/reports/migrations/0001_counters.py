"""The situation report's counters, their triggers, and their first count from the tables."""

from django.db import migrations, models


def install(apps, schema_editor):
    # The triggers are today's code, which counts the population into 0002's table: 0002 installs
    # them and recounts every counter; these are counted here for a database that stops at 0001.
    from muster.reports import counters

    counters.rebuild(
        schema_editor.connection,
        tables=(counters.REGISTRATIONS, counters.ARRIVALS, counters.RECEIPTS, counters.CHILDREN),
    )


def uninstall(apps, schema_editor):
    from muster.reports import counters

    counters.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("people", "0005_name_key_trigram_index"),
        ("screening", "0004_sitrep_indexes"),
        ("custody", "0005_placement_exits"),
    ]

    operations = [
        migrations.CreateModel(
            name="RegistrationCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("bucket", models.DateTimeField()),
                ("category", models.CharField(blank=True, max_length=20)),
                ("persons", models.IntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("bucket", "category"), name="registrationcount_key")
                ],
            },
        ),
        migrations.CreateModel(
            name="ArrivalCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("facility_id", models.IntegerField()),
                ("bucket", models.DateTimeField()),
                ("category", models.CharField(blank=True, max_length=20)),
                ("placements", models.IntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("facility_id", "bucket", "category"), name="arrivalcount_key"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="FacilityPopulation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("facility_id", models.IntegerField(unique=True)),
                ("persons", models.IntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="ReceiptCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("movement_id", models.IntegerField()),
                ("bucket", models.DateTimeField()),
                ("lines", models.IntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("movement_id", "bucket"), name="receiptcount_key")
                ],
            },
        ),
        migrations.CreateModel(
            name="ChildCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("facility_id", models.IntegerField()),
                ("movement_id", models.IntegerField()),
                ("kind", models.CharField(max_length=1)),
                ("persons", models.IntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("facility_id", "movement_id", "kind"), name="childcount_key"
                    )
                ],
            },
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
