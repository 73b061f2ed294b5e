"""A document's expiry date: read from its machine-readable zone (or typed) at reception."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("people", "0006_child_flags_covering_index")]

    operations = [
        migrations.AddField(
            model_name="identitydocument",
            name="expires_on",
            field=models.DateField(
                blank=True,
                help_text="Expiry date, as the document (or its MRZ) gives it",
                null=True,
            ),
        ),
    ]
