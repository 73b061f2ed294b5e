"""What intake keeps of files imported from KoboToolbox and ODK: each import with its per-row report,
and each submission imported, by its own id, so the same submission is never registered twice."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from muster.custody.models import Facility
from muster.people.models import Household


class SubmissionImport(models.Model):
    """One file of submissions imported at a reception point (in the request, or queued for the
    worker when the file is large), with its progress and its per-row report."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    file_name = models.CharField(max_length=200)
    source = models.CharField(max_length=40, blank=True, help_text="kobo-xlsx, csv, odk-central-…")
    # Where submissions that name no reception point are registered (none: they are refused).
    reception_point = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0, help_text="submissions in the file")
    done = models.PositiveIntegerField(default=0, help_text="submissions dealt with so far")
    imported = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    persons = models.PositiveIntegerField(default=0, help_text="persons registered")
    report = models.JSONField(default=list, blank=True, help_text="the per-row report")
    error = models.CharField(max_length=300, blank=True)
    # The uploaded file while it waits for the worker; emptied once the import has run.
    data = models.BinaryField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    task_id = models.CharField(max_length=64, blank=True)
    # The language of the officer who started it: the per-row report is written in it, also
    # when the worker runs the import.
    language = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.done else 0)

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ImportedSubmission(models.Model):
    """A submission registered as a household: its ``_uuid`` / ``instanceID``, unique, so importing
    the same file again (or another export of the same form) finds it and changes nothing."""

    submission_id = models.CharField(max_length=100, unique=True)
    household = models.OneToOneField(
        Household, on_delete=models.PROTECT, related_name="imported_submission"
    )
    submission_import = models.ForeignKey(
        SubmissionImport, on_delete=models.PROTECT, related_name="submissions", null=True
    )
    imported_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.submission_id
