
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('custody', '0005_placement_exits'),
        ('people', '0003_photo'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Departure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(editable=False, max_length=20, unique=True)),
                ('kind', models.CharField(choices=[('return', 'Return to place of origin'), ('repatriation', 'Repatriation to a state'), ('handover', 'Handover to an authority'), ('release', 'Release to a guarantor'), ('medical_abroad', 'Transfer abroad for treatment'), ('death', 'Death')], max_length=20)),
                ('status', models.CharField(choices=[('planned', 'Planned, awaiting approval'), ('approved', 'Approved, ready to dispatch'), ('dispatched', 'Dispatched, awaiting confirmation'), ('closed', 'Every person confirmed'), ('cancelled', 'Cancelled before dispatch')], default='planned', max_length=12)),
                ('destination_name', models.CharField(blank=True, max_length=200, verbose_name='destination')),
                ('destination_pcode', models.CharField(blank=True, max_length=40, verbose_name='destination P-code')),
                ('destination_country', models.CharField(blank=True, help_text='ISO 3166 alpha-3', max_length=3, verbose_name='destination country')),
                ('receiving_authority', models.CharField(blank=True, max_length=200, verbose_name='receiving authority')),
                ('legal_basis', models.CharField(blank=True, max_length=300, verbose_name='legal basis')),
                ('guarantor', models.CharField(blank=True, max_length=200, verbose_name='guarantor / sponsor')),
                ('convoy', models.CharField(blank=True, max_length=100, verbose_name='convoy')),
                ('death_source', models.CharField(blank=True, max_length=300, verbose_name='source of the death record')),
                ('death_date', models.DateField(blank=True, null=True, verbose_name='date of death')),
                ('note', models.TextField(blank=True)),
                ('separation_reason', models.TextField(blank=True)),
                ('planned_date', models.DateField(blank=True, null=True)),
                ('created_at', models.DateTimeField()),
                ('approved_at', models.DateTimeField(blank=True, null=True)),
                ('dispatched_at', models.DateTimeField(blank=True, null=True)),
                ('closed_at', models.DateTimeField(blank=True, null=True)),
                ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('dispatched_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('from_facility', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='departures', to='custody.facility')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='DepartureLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveIntegerField()),
                ('outcome', models.CharField(choices=[('planned', 'On the manifest, not dispatched'), ('pending', 'Dispatched, awaiting confirmation'), ('received', 'Received'), ('not_presented', 'Not presented'), ('refused', 'Refused by the receiving side'), ('returned', 'Back in custody'), ('withdrawn', 'Taken off before dispatch')], default='planned', max_length=15)),
                ('resolved_at', models.DateTimeField(blank=True, null=True)),
                ('source', models.CharField(blank=True, help_text='manual, or import', max_length=20)),
                ('note', models.TextField(blank=True)),
                ('departure', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='departures.departure')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='departure_lines', to='people.person')),
                ('resolved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['departure_id', 'position'],
            },
        ),
        migrations.CreateModel(
            name='NationalityVerification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('nationality', models.CharField(max_length=3)),
                ('method', models.CharField(choices=[('document', 'Identity document seen'), ('interview', 'Interview'), ('both', 'Document and interview'), ('state_confirmed', "Confirmed by the state's authorities")], max_length=20)),
                ('outcome', models.CharField(choices=[('verified', 'Verified'), ('not_verified', 'Not verified')], max_length=15)),
                ('interview_note', models.TextField(blank=True)),
                ('verified_at', models.DateTimeField()),
                ('document', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.identitydocument')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='nationality_verifications', to='people.person')),
                ('verified_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['verified_at', 'id'],
            },
        ),
        migrations.AddIndex(
            model_name='departure',
            index=models.Index(fields=['status', 'dispatched_at'], name='departures__status_e389db_idx'),
        ),
        migrations.AddConstraint(
            model_name='departure',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['return', 'repatriation', 'handover', 'release', 'medical_abroad', 'death'])), name='departure_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='departure',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'handover'), _negated=True), models.Q(('legal_basis', ''), _negated=True), _connector='OR'), name='handover_has_legal_basis'),
        ),
        migrations.AddConstraint(
            model_name='departure',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'death'), _negated=True), models.Q(('death_source', ''), _negated=True), _connector='OR'), name='death_has_source'),
        ),
        migrations.AddConstraint(
            model_name='departure',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'release'), _negated=True), models.Q(('guarantor', ''), _negated=True), _connector='OR'), name='release_has_guarantor'),
        ),
        migrations.AddConstraint(
            model_name='departure',
            constraint=models.CheckConstraint(condition=models.Q(('approved_by__isnull', True), models.Q(('approved_by', models.F('created_by')), _negated=True), _connector='OR'), name='departure_approved_by_another'),
        ),
        migrations.AddIndex(
            model_name='departureline',
            index=models.Index(fields=['outcome'], name='departures__outcome_c8dbcf_idx'),
        ),
        migrations.AddConstraint(
            model_name='departureline',
            constraint=models.UniqueConstraint(fields=('departure', 'person'), name='departure_person_once'),
        ),
        migrations.AddConstraint(
            model_name='departureline',
            constraint=models.UniqueConstraint(condition=models.Q(('outcome__in', ['planned', 'pending', 'not_presented'])), fields=('person',), name='one_open_departure_per_person'),
        ),
        migrations.AddConstraint(
            model_name='departureline',
            constraint=models.UniqueConstraint(condition=models.Q(('outcome', 'received')), fields=('person',), name='departed_once'),
        ),
        migrations.AddConstraint(
            model_name='departureline',
            constraint=models.CheckConstraint(condition=models.Q(('outcome__in', ['planned', 'pending', 'received']), models.Q(('note', ''), _negated=True), _connector='OR'), name='discrepancy_has_note'),
        ),
        migrations.AddConstraint(
            model_name='nationalityverification',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('method__in', ['interview', 'both']), _negated=True), models.Q(('interview_note', ''), _negated=True), _connector='OR'), name='interview_has_note'),
        ),
    ]
