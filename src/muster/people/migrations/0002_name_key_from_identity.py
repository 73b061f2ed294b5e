"""Search keys now come from the identity library's normaliser: recompute every stored key."""

from django.db import migrations


def rekey(apps, schema_editor):
    from muster.people.search import rekey_persons

    rekey_persons(apps.get_model("people", "Person").objects.all())


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
