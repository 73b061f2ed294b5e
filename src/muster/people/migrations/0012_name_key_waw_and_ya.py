"""The identity library's keys now read waw and ya in Arabic script as the consonants w and y
beside a vowel letter (ئاوات Awat, کاروان Karwan, ڕێبوار Rebwar: "auat", "karuan" before), and
a Latin y between consonants as i (Dylan = Dilan = دیلان), which also changes which Arabic name
the variant table gives some Latin spellings without a y (Sirine): recompute the stored search
key of every person, writing only those that changed."""

from django.db import migrations


def rekey(apps, schema_editor):
    from muster.people.search import rekey_persons

    rekey_persons(apps.get_model("people", "Person").objects.all())


class Migration(migrations.Migration):
    dependencies = [("people", "0011_person_not_yet_named")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
