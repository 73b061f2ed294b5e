"""The identity library no longer reads a glued al-/el- at the start of a family name as the
article where no consonant would remain without it (Aliev, Alieva, Alaoui, Alawi begin with the
name's own ayn and l; they were keyed as "iev", "aoui"): recompute the stored search key of
every person with "al" or "el" in a name, writing only those that changed."""

from django.db import migrations


def rekey(apps, schema_editor):
    from muster.people.search import rekey_persons_named

    persons = apps.get_model("people", "Person").objects.all()
    rekey_persons_named(persons, "al")
    rekey_persons_named(persons, "el")


class Migration(migrations.Migration):
    dependencies = [("people", "0013_name_key_kurmanji")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
