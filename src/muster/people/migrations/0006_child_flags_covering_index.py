from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0005_name_key_trigram_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='person',
            name='person_child_flags',
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(condition=models.Q(('unaccompanied_child', True), ('separated_child', True), _connector='OR'), fields=['merged_into', 'unaccompanied_child', 'separated_child'], name='person_child_flags_covering'),
        ),
    ]
