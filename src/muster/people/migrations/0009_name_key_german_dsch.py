"""The identity library's keys now read the German school's dsch as jim (Sadscha = Saja,
Hadschi = Haji): recompute the stored search key of every person with such a name."""

from django.db import migrations


def rekey(apps, schema_editor):
    from muster.people.search import rekey_persons_named

    rekey_persons_named(apps.get_model("people", "Person").objects.all(), "dsch")


class Migration(migrations.Migration):
    dependencies = [("people", "0008_date_of_birth_index")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
