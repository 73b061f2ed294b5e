"""The identity library's keys now read Abdullah written with one l (Abdulah, Abdoolah, Abdula)
as Abdullah, not as abd + a: recompute the stored search key of every person with a name
holding "abd" (a superset: the keys of the others come out as they were)."""

from django.db import migrations


def rekey(apps, schema_editor):
    from muster.people.search import rekey_persons_named

    rekey_persons_named(apps.get_model("people", "Person").objects.all(), "abd")


class Migration(migrations.Migration):
    dependencies = [("people", "0009_name_key_german_dsch")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
