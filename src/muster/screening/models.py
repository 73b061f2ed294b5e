"""Screening records: category decisions (civilian / held / family of held) made by named officers.

A later decision supersedes an earlier one; nothing is erased. Exactly one decision is current per person.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    CIVILIAN = "civilian", _("Civilian")
    HELD = "held", _("Held (suspected links to an armed group)")
    FAMILY_OF_HELD = "family_of_held", _("Family member of a held person")


class ApprovalStatus(models.TextChoices):
    # "held" waits for a second officer; other categories are in force as soon as decided.
    PENDING = "pending", _("Awaiting a second officer's approval")
    APPROVED = "approved", _("In force")
    REFUSED = "refused", _("Refused by the second officer")


class CategoryDecision(models.Model):
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="category_decisions"
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    reason = models.TextField()
    legal_basis = models.CharField(max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    is_current = models.BooleanField(default=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    # Four eyes on "held": the basis (a confirmed reference-list hit or a stated basis) and a
    # second officer's approval. Until approved the decision is pending and not current.
    status = models.CharField(
        max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.APPROVED
    )
    basis_hit = models.ForeignKey(
        "screening.Hit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    basis = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(is_current=True),
                name="one_current_category_per_person",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status="pending"),
                name="one_pending_category_per_person",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "refused"]),
                name="category_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="pending") | Q(is_current=False),
                name="pending_category_not_current",
            ),
            models.CheckConstraint(
                condition=Q(category__in=["civilian", "held", "family_of_held"]),
                name="category_valid",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="category_reason_required"),
        ]
        indexes = [
            models.Index(fields=["category", "is_current"]),
            # A person's current category read from the index alone (the dashboard's arrivals
            # by day and category join a million persons to it).
            models.Index(
                fields=["person", "is_current", "category"], name="category_person_current"
            ),
        ]
        ordering = ["decided_at", "id"]


class ReferenceList(models.Model):
    """One version of a list supplied by an authority or agency. A newer version supersedes it."""

    class Format(models.TextChoices):
        CSV = "csv", _("Person-record CSV")
        XLSX = "xlsx", _("Person-record XLSX")
        UN_XML = "un_xml", _("UN Security Council Consolidated List (XML)")

    name = models.CharField(max_length=200)
    owner = models.CharField(max_length=200, help_text=_("Authority or agency that supplied it"))
    legal_basis = models.CharField(max_length=300)
    list_date = models.DateField(help_text=_("Date of the list as given by its owner"))
    version = models.PositiveIntegerField(default=1)
    source_format = models.CharField(max_length=10, choices=Format.choices)
    file_name = models.CharField(max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    entry_count = models.PositiveIntegerField(default=0)
    skipped_rows = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    is_current = models.BooleanField(default=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["name"], condition=Q(is_current=True), name="one_current_version_per_list"
            ),
            models.UniqueConstraint(fields=["name", "version"], name="list_version_unique"),
        ]
        ordering = ["name", "-version"]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ReferenceEntry(models.Model):
    """One name of a listed person (the primary name, or an alias / original-script spelling)."""

    reference_list = models.ForeignKey(
        ReferenceList, on_delete=models.PROTECT, related_name="entries"
    )
    ref_id = models.CharField(max_length=100, help_text=_("The entry's id in the supplied list"))
    name_kind = models.CharField(
        max_length=20, default="primary", help_text=_("primary, alias or original_script")
    )
    given_name = models.CharField(max_length=200, blank=True)
    father_name = models.CharField(max_length=200, blank=True)
    grandfather_name = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=200, blank=True)
    mother_name = models.CharField(max_length=200, blank=True)
    alias = models.CharField(max_length=200, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    date_of_birth = models.CharField(max_length=10, blank=True)
    birth_year = models.CharField(max_length=4, blank=True)
    place_of_origin = models.CharField(max_length=200, blank=True)
    nationality = models.CharField(max_length=3, blank=True)
    extra = models.JSONField(default=dict, blank=True, help_text=_("Listing details as supplied"))

    class Meta:
        indexes = [models.Index(fields=["reference_list", "ref_id"])]

    @property
    def display_name(self) -> str:
        parts = (self.given_name, self.father_name, self.grandfather_name, self.family_name)
        return " ".join(p for p in parts if p)


# Reasons Muster itself writes on a run (the demo's load), stored as written (English) and shown
# in the reader's language; a reason an officer typed is shown as typed, never "translated".
DEMO_RUN_REASON = gettext_noop("Demo load: the whole registry against the reference lists")
SYSTEM_RUN_REASONS = frozenset({DEMO_RUN_REASON})


class ScreeningRun(models.Model):
    """A screening pass: one registration (inline) or the whole registry (background job)."""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", _("New registration")
        BATCH = "batch", _("Whole registry")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    reason = models.CharField(max_length=300, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    hits_created = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.done else 0)

    @property
    def reason_display(self) -> str:
        """The reason in the reader's language where Muster wrote it, else as the officer typed it."""
        return gettext(self.reason) if self.reason in SYSTEM_RUN_REASONS else self.reason


class Hit(models.Model):
    """A candidate found by screening: a possible duplicate registration or a reference-list entry."""

    class Kind(models.TextChoices):
        DUPLICATE = "duplicate", _("Already registered")
        REFERENCE_LIST = "reference_list", _("Reference list")

    class Band(models.TextChoices):
        LIKELY = "likely", _("Likely")
        POSSIBLE = "possible", _("Possible")

    class Status(models.TextChoices):
        OPEN = "open", _("To decide")
        MORE_INFO = "more_info", _("More information requested")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="screening_hits"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    candidate = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="screening_hits_as_candidate",
        null=True,
        blank=True,
    )
    reference_entry = models.ForeignKey(
        ReferenceEntry, on_delete=models.PROTECT, related_name="hits", null=True, blank=True
    )
    # One hit per pair, whatever its status: a rejected pair is never proposed again. For lists the
    # key names the list and the entry's id in it, so it survives a re-import of a newer version.
    pair_key = models.CharField(max_length=300, unique=True)
    score = models.FloatField(help_text=_("Match probability, 0-1"))
    weight = models.FloatField(help_text=_("Match weight (log2 odds)"))
    band = models.CharField(max_length=10, choices=Band.choices)
    explanation = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # Bumped on every change of status: a decision names the revision it was made on, so two
    # officers deciding at once cannot both succeed.
    revision = models.PositiveIntegerField(default=1)
    run = models.ForeignKey(
        ScreeningRun, on_delete=models.PROTECT, related_name="hits", null=True, blank=True
    )
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decision_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="duplicate") & Q(candidate__isnull=False))
                | (Q(kind="reference_list") & Q(reference_entry__isnull=False)),
                name="hit_has_its_candidate",
            ),
            models.CheckConstraint(
                condition=~Q(candidate=models.F("person")), name="hit_not_with_itself"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "band"]),
            models.Index(fields=["kind", "status"]),
        ]
        ordering = ["-score", "id"]


class Adjudication(models.Model):
    """One decision on a hit, with its reason. The hit's status is the latest one; none is erased."""

    class Decision(models.TextChoices):
        CONFIRM = "confirm", _("Confirm")
        REJECT = "reject", _("Reject")
        MORE_INFO = "more_info", _("Ask for more information")
        UNDO_MERGE = "undo_merge", _("Undo the merge")

    hit = models.ForeignKey(Hit, on_delete=models.PROTECT, related_name="adjudications")
    decision = models.CharField(max_length=12, choices=Decision.choices)
    reason = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="adjudication_reason_required")
        ]
