"""The identity library's keys now read waw and ya in Arabic script as the consonants w and y
beside a vowel letter (ئاوات Awat, کاروان Karwan, ڕێبوار Rebwar: "auat", "karuan" before), and
a Latin y between consonants as i (Dylan = Dilan = دیلان): recompute the stored search key of
every person with a name holding waw, ya (Arabic, Persian or alef maqsura) or y (a superset:
the keys of the others come out as they were)."""

from django.db import migrations


def rekey(apps, schema_editor):
    from muster.people.search import rekey_persons_named

    persons = apps.get_model("people", "Person").objects.all()
    rekey_persons_named(persons, "و", "ي", "ی", "ى", "y")


class Migration(migrations.Migration):
    dependencies = [("people", "0011_person_not_yet_named")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
