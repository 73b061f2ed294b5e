"""The identity library now reads a given name written in Kurmanji's Latin alphabet (ê, î, û:
Silêman, Şêx, Hisên, Ûsiv; and Evd for Abd: Evdila) as the Arabic name it writes, whose canon
joins the stored search key (Silêman was keyed "silaman siliman" and "Suleiman" did not find it,
nor "Silêman" a Suleiman): recompute the stored search key of every person, writing only those
that changed."""

from django.db import migrations


def rekey(apps, schema_editor):
    from muster.people.search import rekey_persons

    rekey_persons(apps.get_model("people", "Person").objects.all())


class Migration(migrations.Migration):
    dependencies = [("people", "0012_name_key_waw_and_ya")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
