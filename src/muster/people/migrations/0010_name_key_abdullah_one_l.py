"""The identity library's keys now read Abdullah written with one l (Abdulah, Abdoolah, Abdula)
as Abdullah, not as abd + a: recompute the stored search key of every person with a name
holding "abd" (a superset: the keys of the others come out as they were)."""

from django.db import migrations
from django.db.models import Q


def rekey(apps, schema_editor):
    from muster.people.search import NAME_FIELDS, rekey_persons

    written = Q()
    for field in NAME_FIELDS:
        written |= Q(**{f"{field}__icontains": "abd"})
    rekey_persons(apps.get_model("people", "Person").objects.filter(written))


class Migration(migrations.Migration):
    dependencies = [("people", "0009_name_key_german_dsch")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
