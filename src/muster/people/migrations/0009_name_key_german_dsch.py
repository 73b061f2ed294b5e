"""The identity library's keys now read the German school's dsch as jim (Sadscha = Saja,
Hadschi = Haji): recompute the stored search key of every person with such a name."""

from django.db import migrations
from django.db.models import Q


def rekey(apps, schema_editor):
    from muster.people.search import NAME_FIELDS, rekey_persons

    written = Q()
    for field in NAME_FIELDS:
        written |= Q(**{f"{field}__icontains": "dsch"})
    rekey_persons(apps.get_model("people", "Person").objects.filter(written))


class Migration(migrations.Migration):
    dependencies = [("people", "0008_date_of_birth_index")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
