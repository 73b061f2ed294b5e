
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('custody', '0004_sitrep_indexes'),
        ('people', '0003_photo'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='placement',
            name='placement_state_consistent',
        ),
        migrations.AddField(
            model_name='placement',
            name='exit_ref',
            field=models.CharField(blank=True, db_default='', db_index=True, default='', max_length=20),
        ),
        migrations.AlterField(
            model_name='placement',
            name='state',
            field=models.CharField(choices=[('placed', 'At facility'), ('in_transit', 'In transit'), ('leaving', 'Leaving (departure not yet confirmed)'), ('departed', 'Departed')], max_length=12),
        ),
        migrations.AddConstraint(
            model_name='placement',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'placed'), ('facility__isnull', False), ('exit_ref', '')), models.Q(('state', 'in_transit'), ('movement__isnull', False), ('exit_ref', '')), models.Q(('state__in', ['leaving', 'departed']), ('facility__isnull', True), ('movement__isnull', True), models.Q(('exit_ref', ''), _negated=True)), _connector='OR'), name='placement_state_consistent'),
        ),
    ]
