"""The language an import's per-row report is written in (the officer's, also in the worker)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="submissionimport",
            name="language",
            field=models.CharField(blank=True, max_length=10),
        ),
    ]
