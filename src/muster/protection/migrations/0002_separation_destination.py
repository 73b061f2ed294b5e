
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('custody', '0005_placement_exits'),
        ('people', '0003_photo'),
        ('protection', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='familyseparation',
            name='destination',
            field=models.CharField(blank=True, db_default='', default='', max_length=300),
        ),
        migrations.AlterField(
            model_name='familyseparation',
            name='to_facility',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='custody.facility'),
        ),
        migrations.AlterField(
            model_name='protectionreview',
            name='outcome',
            field=models.CharField(choices=[('holding_permitted', 'Placement in a holding facility permitted (best interests assessed)'), ('holding_not_permitted', 'Placement in a holding facility not permitted'), ('referred', 'Referred to child protection'), ('departure_permitted', 'Departure without a family adult permitted (best interests assessed, caregiver named)')], max_length=30),
        ),
        migrations.AddConstraint(
            model_name='familyseparation',
            constraint=models.CheckConstraint(condition=models.Q(('to_facility__isnull', False), models.Q(('destination', ''), _negated=True), _connector='OR'), name='separation_goes_somewhere'),
        ),
    ]
