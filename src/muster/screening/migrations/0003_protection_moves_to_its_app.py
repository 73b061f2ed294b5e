from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0002_hits_lists_reviews'),
    ]

    # ProtectionReview and FamilySeparation now belong to muster.protection, on the same tables:
    # they leave screening's state only; no table is dropped, no row moved.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='protectionreview',
                    name='person',
                ),
                migrations.RemoveField(
                    model_name='protectionreview',
                    name='reviewer',
                ),
                migrations.DeleteModel(
                    name='FamilySeparation',
                ),
                migrations.DeleteModel(
                    name='ProtectionReview',
                ),
            ],
            database_operations=[],
        ),
    ]
