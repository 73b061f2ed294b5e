"""The audit log: one row per read or write of personal data, login, export or refused request.

Rows are append-only (database triggers refuse UPDATE and DELETE) and chained: each row carries the
hash of the previous one, so a changed, removed or reordered row breaks the chain at that point.
Beside the chain, :class:`ExportedPerson` indexes which persons each export listed.
"""

from django.db import models


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True, editable=False)
    at = models.DateTimeField(editable=False)
    actor_id = models.BigIntegerField(null=True, editable=False)
    actor_username = models.CharField(max_length=150, blank=True, editable=False)
    action = models.CharField(max_length=60, editable=False, db_index=True)
    object_type = models.CharField(max_length=60, blank=True, editable=False)
    object_id = models.CharField(max_length=60, blank=True, editable=False)
    ip = models.CharField(max_length=64, blank=True, editable=False)
    detail = models.JSONField(default=dict, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"]), models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id} by {self.actor_username}"

    @property
    def os_user(self) -> str:
        """The operating-system user who ran the `muster` command that recorded this event, or ""."""
        return str(self.detail.get("os_user", "")) if isinstance(self.detail, dict) else ""


class ExportedPerson(models.Model):
    """One person an export listed: the index that answers "which exports carried this person?".

    The export's event keeps the ids in its JSON detail, which SQLite cannot search portably. These
    rows are derived from that detail and are no part of the chain (``verify`` neither hashes nor
    needs them); they are append-only like the events, and written in the event's transaction.
    """

    event = models.ForeignKey(
        AuditEvent, on_delete=models.PROTECT, related_name="exported_persons", editable=False
    )
    # The id as the export event stores it in detail["person_ids"]: the person's primary key.
    person_id = models.BigIntegerField(editable=False)

    class Meta:
        indexes = [models.Index(fields=["person_id", "event"])]

    def __str__(self) -> str:
        return f"person {self.person_id} in export #{self.event_id}"


class AuditCheckpoint(models.Model):
    """A chain head signed with a key kept outside the database (see :mod:`muster.audit.anchor`).

    Whoever can rewrite the database can recompute every event hash, but not these signatures: a
    chain that no longer reproduces a signed head was changed at or before that event. Each signature
    also covers the previous checkpoint's, so removing one from the middle is seen too.
    """

    seq = models.BigIntegerField(unique=True, editable=False)
    head = models.CharField(max_length=64, editable=False)
    at = models.DateTimeField(editable=False)
    key_id = models.CharField(max_length=16, editable=False)
    prev_mac = models.CharField(max_length=64, editable=False)
    mac = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"checkpoint at #{self.seq}"
