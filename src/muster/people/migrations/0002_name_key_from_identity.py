"""Search keys now come from the identity library's normaliser: recompute every stored key."""

from django.db import migrations


def rekey(apps, schema_editor):
    from muster.people.search import person_name_key

    Person = apps.get_model("people", "Person")
    batch = []
    for person in Person.objects.only(
        "id", "given_name", "father_name", "grandfather_name", "family_name"
    ).iterator(chunk_size=2000):
        person.name_key = person_name_key(
            person.given_name, person.father_name, person.grandfather_name, person.family_name
        )
        batch.append(person)
        if len(batch) >= 2000:
            Person.objects.bulk_update(batch, ["name_key"])
            batch = []
    if batch:
        Person.objects.bulk_update(batch, ["name_key"])


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
