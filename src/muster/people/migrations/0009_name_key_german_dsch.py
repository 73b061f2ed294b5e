"""The identity library's keys now read the German school's dsch as jim (Sadscha = Saja,
Hadschi = Haji): recompute the stored search key of every person with such a name."""

from django.db import migrations
from django.db.models import Q

NAME_FIELDS = ("given_name", "father_name", "grandfather_name", "family_name")


def rekey(apps, schema_editor):
    from muster.people.search import person_name_key

    Person = apps.get_model("people", "Person")
    written = Q()
    for field in NAME_FIELDS:
        written |= Q(**{f"{field}__icontains": "dsch"})
    batch = []
    for person in Person.objects.filter(written).only("id", *NAME_FIELDS).iterator(chunk_size=2000):
        person.name_key = person_name_key(*(getattr(person, f) for f in NAME_FIELDS))
        batch.append(person)
        if len(batch) >= 2000:
            Person.objects.bulk_update(batch, ["name_key"])
            batch = []
    if batch:
        Person.objects.bulk_update(batch, ["name_key"])


class Migration(migrations.Migration):
    dependencies = [("people", "0008_date_of_birth_index")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
