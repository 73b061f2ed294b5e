"""Family tracing: who is sought and by whom, the registered persons who may be them, how each was
verified, the decision (four eyes for a child), the best-interests determination before a child's
reunification.

Everything here is read only by tracing caseworkers (``tracing.manage``): a request says that a
person is sought, and its separation details are an abduction history. Other apps change these
tables only through :mod:`muster.tracing.services`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Under this age (at separation, or now) the person sought is a child: a confirmation needs a
# second caseworker and a reunification needs a best-interests determination.
CHILD_AGE = 18


class Source(models.TextChoices):
    MANUAL = "manual", _("Entered by a caseworker")
    CSV = "csv", _("CSV file")
    XLSX = "xlsx", _("Excel file")
    PFIF = "pfif", _("PFIF (Person Finder) file")


class TracingRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open, no confident candidate yet")
        CANDIDATE_FOUND = "candidate_found", _("Candidate found")
        VERIFYING = "verifying", _("Verifying a candidate")
        REUNITED = "reunited", _("Reunited")
        CLOSED = "closed", _("Closed")

    number = models.CharField(_("request number"), max_length=20, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    closed_reason = models.TextField(_("reason for closing"), blank=True)

    # The person sought, as the family gives them (any script or spelling).
    given_name = models.CharField(_("given name"), max_length=200)
    father_name = models.CharField(_("father's name"), max_length=200, blank=True)
    grandfather_name = models.CharField(_("grandfather's name"), max_length=200, blank=True)
    family_name = models.CharField(_("family / tribal name"), max_length=200, blank=True)
    mother_name = models.CharField(_("mother's name"), max_length=200, blank=True)
    other_names = models.TextField(
        _("other names"), blank=True, help_text=_("Aliases, names given by captors")
    )
    sex = models.CharField(_("sex"), max_length=1, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    age_at_separation = models.PositiveSmallIntegerField(
        _("age at separation"), null=True, blank=True
    )
    separation_date = models.DateField(_("date of separation"), null=True, blank=True)
    separation_place = models.CharField(_("place of separation"), max_length=200, blank=True)
    separation_pcode = models.CharField(_("P-code of the place"), max_length=40, blank=True)
    distinguishing_marks = models.TextField(_("distinguishing marks"), blank=True)
    # Kept in the database like people.Photo: read only through a caseworker's audited view.
    photo = models.BinaryField(_("photo"), null=True, blank=True, editable=False)
    photo_content_type = models.CharField(max_length=20, blank=True, editable=False)
    is_child = models.BooleanField(
        _("child"), default=False, editable=False, help_text=_("Under 18 at separation or now")
    )

    # Who asks.
    requester_name = models.CharField(_("requester's name"), max_length=200, blank=True)
    requester_relationship = models.CharField(
        _("requester's relationship"), max_length=100, blank=True
    )
    requester_contact = models.CharField(_("requester's contact"), max_length=300, blank=True)
    office = models.CharField(_("office"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    source_ref = models.CharField(
        _("reference in the source"),
        max_length=300,
        blank=True,
        help_text=_("The file's own id for this person, e.g. PFIF person_record_id"),
    )
    linked_person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tracing_requests",
        verbose_name=_("person found"),
    )
    # The departure that took the person into the family's or the office's care.
    reunification = models.ForeignKey(
        "departures.Departure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reunification"),
    )
    reunited_at = models.DateTimeField(null=True, blank=True)
    # A search of the whole registry asked for (opening, a change, "search again") and the last one
    # done by the worker: while the first is later, the caseworker is told the search is running.
    search_asked_at = models.DateTimeField(null=True, blank=True, editable=False)
    searched_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("tracing request")
        verbose_name_plural = _("tracing requests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(given_name="") | ~Q(other_names="") | ~Q(mother_name=""),
                name="tracing_request_has_a_name",
            ),
            models.CheckConstraint(
                condition=Q(sex__in=["", "M", "F"]), name="tracing_request_sex_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["open", "candidate_found", "verifying", "reunited", "closed"]
                ),
                name="tracing_request_status_valid",
            ),  # fmt: skip
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(closed_reason=""),
                name="tracing_request_closed_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="reunited") | Q(linked_person__isnull=False),
                name="tracing_request_reunited_has_person",
            ),
            models.UniqueConstraint(
                fields=["source", "source_ref"],
                condition=~Q(source_ref=""),
                name="tracing_request_source_ref_once",
            ),
        ]

    def __str__(self) -> str:
        # The number only: who is sought must not leak into logs or tracebacks.
        return self.number

    def save(self, *args, **kwargs):
        self.is_child = self.child_on(timezone.localdate())
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "is_child"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return " ".join(
            p
            for p in (self.given_name, self.father_name, self.grandfather_name, self.family_name)
            if p
        )

    @property
    def estimated_birth_year(self) -> int | None:
        if self.birth_year:
            return self.birth_year
        if self.age_at_separation is not None and self.separation_date:
            return self.separation_date.year - self.age_at_separation
        return None

    @property
    def searching(self) -> bool:
        """Is a search of the registry asked for and not done yet (queued or running)?"""
        return (
            self.status in ACTIVE
            and self.search_asked_at is not None
            and (self.searched_at is None or self.searched_at < self.search_asked_at)
        )

    def child_on(self, day) -> bool:
        """Under 18 at separation (by the age given, or by the birth year and the date), or on ``day``
        (a birth year alone counts the year's start)."""
        if self.age_at_separation is not None and self.age_at_separation < CHILD_AGE:
            return True
        year = self.estimated_birth_year
        if year is None:
            return False
        # Taken as a child counts, however old the person is now (a girl born in 2005 and taken
        # in 2014 is a child's case: four eyes, best interests).
        if self.separation_date and self.separation_date.year - year < CHILD_AGE:
            return True
        return day.year - year < CHILD_AGE


# What a caller may give for a request (a form, an API body, a file's row), in the order the
# pages, the API, the import report and the exports use: the person sought, then who asks. The one
# list: the services, the import's rows and the API's shapes derive theirs from it.
SOUGHT_FIELDS = (
    "given_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "mother_name",
    "other_names",
    "sex",
    "birth_year",
    "age_at_separation",
    "separation_date",
    "separation_place",
    "separation_pcode",
    "distinguishing_marks",
)
REQUESTER_FIELDS = (
    "requester_name",
    "requester_relationship",
    "requester_contact",
    "office",
    "notes",
)
REQUEST_FIELDS = (*SOUGHT_FIELDS, *REQUESTER_FIELDS)
# The fields that are not free text (checked and converted by the service).
CODED_FIELDS = ("sex", "birth_year", "age_at_separation", "separation_date")
TEXT_FIELDS = tuple(f for f in REQUEST_FIELDS if f not in CODED_FIELDS)
LONG_TEXT_MAX = 5000


def text_limit(name: str) -> int:
    """The most characters a text field of a request keeps: its column's, or 5000 for long text."""
    return TracingRequest._meta.get_field(name).max_length or LONG_TEXT_MAX


# Statuses in which a request is still being worked on (matched, verified).
ACTIVE = (
    TracingRequest.Status.OPEN,
    TracingRequest.Status.CANDIDATE_FOUND,
    TracingRequest.Status.VERIFYING,
)


class TracingCandidate(models.Model):
    """A registered person the matcher proposes for a request, and what the caseworkers decided."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed by the matcher")
        VERIFYING = "verifying", _("Being verified")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    request = models.ForeignKey(TracingRequest, on_delete=models.PROTECT, related_name="candidates")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="tracing_candidacies"
    )
    score = models.FloatField(_("score (bits)"))
    rank = models.PositiveSmallIntegerField(_("rank"))
    confident = models.BooleanField(_("confident"), default=False)
    reading = models.CharField(_("reading"), max_length=20, blank=True)
    explanation = models.JSONField(_("explanation"), default=dict)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    found_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # A child's confirmation: the first caseworker confirms (pending), a second, different one
    # approves; only then is the candidate confirmed.
    pending_second = models.BooleanField(_("awaiting a second caseworker"), default=False)
    second_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tracing candidate")
        verbose_name_plural = _("tracing candidates")
        ordering = ["request_id", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "person"], name="tracing_candidate_once"),
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status="confirmed"),
                name="tracing_one_confirmed_per_request",
            ),
            models.CheckConstraint(
                condition=Q(second_officer__isnull=True)
                | ~Q(second_officer=models.F("decided_by")),
                name="tracing_second_officer_is_another",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["confirmed", "rejected"]) | ~Q(reason=""),
                name="tracing_decision_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request.number} #{self.rank}"


class VerificationStep(models.Model):
    """One step in verifying a candidate. A DNA step records a sample's reference number only,
    never genetic data."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("Interview")
        DOCUMENTS_SEEN = "documents_seen", _("Documents seen")
        RELATIVE_CONFIRMATION = "relative_confirmation", _("Confirmed by a relative")
        DNA_REFERENCE = "dna_reference", _("DNA sample reference")

    candidate = models.ForeignKey(
        TracingCandidate, on_delete=models.PROTECT, related_name="verification_steps"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("verification step")
        verbose_name_plural = _("verification steps")
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "interview",
                        "documents_seen",
                        "relative_confirmation",
                        "dna_reference",
                    ]
                ),
                name="verification_kind_valid",
            ),  # fmt: skip
            models.CheckConstraint(
                condition=~Q(kind="dna_reference") | ~Q(reference=""),
                name="dna_step_has_reference",
            ),
        ]


class BestInterestsDetermination(models.Model):
    """The best-interests determination recorded for a child before any reunification."""

    class Outcome(models.TextChoices):
        REUNIFY = "reunify", _("Reunify")
        DO_NOT_REUNIFY = "do_not_reunify", _("Do not reunify")
        DEFER = "defer", _("Defer")

    request = models.ForeignKey(
        TracingRequest, on_delete=models.PROTECT, related_name="best_interests"
    )
    candidate = models.ForeignKey(
        TracingCandidate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    reasoning = models.TextField(_("reasoning"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("best-interests determination")
        verbose_name_plural = _("best-interests determinations")
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reasoning=""), name="bid_has_reasoning"),
            models.CheckConstraint(
                condition=Q(outcome__in=["reunify", "do_not_reunify", "defer"]),
                name="bid_outcome_valid",
            ),
        ]
