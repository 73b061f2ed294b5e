import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('custody', '0001_initial'),
        ('people', '0001_initial'),
        ('screening', '0003_protection_moves_to_its_app'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The tables exist already (screening 0002 created them): the models enter this app's state only.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='FamilySeparation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.TextField()),
                        ('recorded_at', models.DateTimeField()),
                        ('household', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='separations', to='people.household')),
                        ('moved', models.ManyToManyField(related_name='separations_moved', to='people.person')),
                        ('movement', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='custody.movement')),
                        ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('remained', models.ManyToManyField(related_name='separations_remained', to='people.person')),
                        ('to_facility', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='custody.facility')),
                    ],
                    options={
                        'db_table': 'screening_familyseparation',
                        'ordering': ['-recorded_at', '-id'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('reason', ''), _negated=True), name='separation_reason_required')],
                    },
                ),
                migrations.CreateModel(
                    name='ProtectionReview',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('outcome', models.CharField(choices=[('holding_permitted', 'Placement in a holding facility permitted (best interests assessed)'), ('holding_not_permitted', 'Placement in a holding facility not permitted'), ('referred', 'Referred to child protection')], max_length=30)),
                        ('reason', models.TextField()),
                        ('at', models.DateTimeField()),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='protection_reviews', to='people.person')),
                        ('reviewer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'screening_protectionreview',
                        'ordering': ['at', 'id'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('reason', ''), _negated=True), name='protection_review_reason')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
