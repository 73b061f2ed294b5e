from django.db import migrations, models

# Checkpoints are append-only like the events, under the same hatch (0002, 0003).
SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS audit_checkpoint_no_update
       BEFORE UPDATE ON audit_auditcheckpoint WHEN muster_audit_unlocked() = 0
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_checkpoint_no_delete
       BEFORE DELETE ON audit_auditcheckpoint WHEN muster_audit_unlocked() = 0
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
]
POSTGRES = [
    """CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE OR DELETE ON audit_auditcheckpoint
       FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
    """CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_auditcheckpoint
       FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
]


def append_only(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_exported_person_index")]

    operations = [
        migrations.CreateModel(
            name="AuditCheckpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.BigIntegerField(editable=False, unique=True)),
                ("head", models.CharField(editable=False, max_length=64)),
                ("at", models.DateTimeField(editable=False)),
                ("key_id", models.CharField(editable=False, max_length=16)),
                ("prev_mac", models.CharField(editable=False, max_length=64)),
                ("mac", models.CharField(editable=False, max_length=64)),
            ],
            options={"ordering": ["seq"]},
        ),
        migrations.RunPython(append_only, migrations.RunPython.noop),
    ]
