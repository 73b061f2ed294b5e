"""Departures: every way a person leaves custody, as a batch with a manifest confirmed person by person.

A :class:`Departure` is a return home, a repatriation to a state, a handover to an authority, a release
to a guarantor, a medical transfer abroad, a death or a reunification with the family (planned from a
confirmed tracing request, never from the departures pages). It is planned (with the refusal rules applied),
approved by a second officer where its kind needs it, dispatched (custody: *placed* -> *leaving*) and
confirmed line by line by the receiving side: received (*departed*), not presented (still leaving, so
unaccounted), refused (back at the facility). :class:`NationalityVerification` records how a person's
nationality was verified before a repatriation.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from muster.core.countries import country_name


class Kind(models.TextChoices):
    RETURN = "return", _("Return to place of origin")
    REPATRIATION = "repatriation", _("Repatriation to a state")
    HANDOVER = "handover", _("Handover to an authority")
    RELEASE = "release", _("Release to a guarantor")
    MEDICAL = "medical_abroad", _("Transfer abroad for treatment")
    DEATH = "death", _("Death")
    REUNIFICATION = "reunification", _("Reunification with family")


# The sitrep's key for each kind: counts of persons who left that way.
SITREP_KEYS = {
    Kind.RETURN: "returned",
    Kind.REPATRIATION: "repatriated",
    Kind.HANDOVER: "handed_over",
    Kind.RELEASE: "released",
    Kind.MEDICAL: "transferred_for_treatment",
    Kind.DEATH: "died",
    Kind.REUNIFICATION: "reunified",
}


class Departure(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned, awaiting approval")
        APPROVED = "approved", _("Approved, ready to dispatch")
        DISPATCHED = "dispatched", _("Dispatched, awaiting confirmation")
        CLOSED = "closed", _("Every person confirmed")
        CANCELLED = "cancelled", _("Cancelled before dispatch")

    number = models.CharField(max_length=20, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    from_facility = models.ForeignKey(
        "custody.Facility", on_delete=models.PROTECT, related_name="departures"
    )
    destination_name = models.CharField(_("destination"), max_length=200, blank=True)
    destination_pcode = models.CharField(_("destination P-code"), max_length=40, blank=True)
    destination_country = models.CharField(
        _("destination country"), max_length=3, blank=True, help_text=_("ISO 3166 alpha-3")
    )
    receiving_authority = models.CharField(_("receiving authority"), max_length=200, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    guarantor = models.CharField(_("guarantor / sponsor"), max_length=200, blank=True)
    convoy = models.CharField(_("convoy"), max_length=100, blank=True)
    death_source = models.CharField(_("source of the death record"), max_length=300, blank=True)
    death_date = models.DateField(_("date of death"), null=True, blank=True)
    note = models.TextField(blank=True)
    separation_reason = models.TextField(blank=True)
    planned_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    dispatched_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "dispatched_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in Kind]), name="departure_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind="handover") | ~Q(legal_basis=""),
                name="handover_has_legal_basis",
            ),
            models.CheckConstraint(
                condition=~Q(kind="death") | ~Q(death_source=""), name="death_has_source"
            ),
            models.CheckConstraint(
                condition=~Q(kind="release") | ~Q(guarantor=""), name="release_has_guarantor"
            ),
            models.CheckConstraint(
                condition=~Q(kind="reunification") | ~Q(guarantor=""),
                name="reunification_has_guarantor",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("created_by")),
                name="departure_approved_by_another",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def destination(self) -> str:
        """Where to, in one line: the place (and P-code), the state or the authority."""
        return self.destination_text()

    def destination_text(self, *, authority: bool = True) -> str:
        """:attr:`destination`, without the receiving authority unless ``authority`` (what a
        reader may be told of it: ``departures.queries.shows_receiving_authority``)."""
        place, country, receiving = self._destination()
        receiving = receiving if authority else ""
        return " ".join(p for p in (place, country, receiving and "· " + receiving) if p)

    @property
    def destination_parts(self) -> list[str]:
        """``destination``'s parts, each to be isolated in its own direction where they mix
        scripts (an Arabic country name between an English place and authority read scrambled)."""
        return self.destination_parts_for()

    def destination_parts_for(self, *, authority: bool = True) -> list[str]:
        """:attr:`destination_parts`, without the receiving authority unless ``authority``."""
        place, country, receiving = self._destination()
        return [p for p in (place, country, receiving if authority else "") if p]

    def _destination(self) -> tuple[str, str, str]:
        pcode = f"({self.destination_pcode})" if self.destination_pcode else ""
        place = " ".join(p for p in (self.destination_name, pcode) if p)
        country = country_name(self.destination_country) if self.destination_country else ""
        return place, country, self.receiving_authority

    def separation_text(self, *, authority: bool = True) -> str:
        """Where a household's members went on it, for its family separation, in the current
        language: the number and the destination (the kind where there is no destination);
        the receiving authority only with ``authority``."""
        if self.kind == Kind.REUNIFICATION:
            # Read by whoever sees the family's separations (a captor's household among them):
            # that a family sought and took the person is for tracing alone.
            return _("departure %(d)s") % {"d": self.number}
        return _("departure %(d)s: %(to)s") % {
            "d": self.number,
            "to": self.destination_text(authority=authority) or self.get_kind_display(),
        }

    def exit_text(self, *, authority: bool = True) -> str:
        """How a person left on it, in the current language: kind · number · destination (the
        receiving authority only with ``authority``)."""
        where = self.destination_text(authority=authority)
        return f"{self.get_kind_display()} · {self.number} · {where}".strip(" ·")


class DepartureLine(models.Model):
    """One person on a departure's manifest and what the receiving side said about them."""

    class Outcome(models.TextChoices):
        PLANNED = "planned", _("On the manifest, not dispatched")
        PENDING = "pending", _("Dispatched, awaiting confirmation")
        RECEIVED = "received", _("Received")
        NOT_PRESENTED = "not_presented", _("Not presented")
        REFUSED = "refused", _("Refused by the receiving side")
        RETURNED = "returned", _("Back in custody")
        WITHDRAWN = "withdrawn", _("Taken off before dispatch")

    departure = models.ForeignKey(Departure, on_delete=models.PROTECT, related_name="lines")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="departure_lines"
    )
    position = models.PositiveIntegerField()
    outcome = models.CharField(max_length=15, choices=Outcome.choices, default=Outcome.PLANNED)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    source = models.CharField(max_length=20, blank=True, help_text=_("manual, or import"))
    note = models.TextField(blank=True)
    # When the receiving side said the person was not presented, and what it said: kept when they
    # are later received or brought back (``resolved_at`` and ``note`` are then that outcome's).
    not_presented_at = models.DateTimeField(null=True, blank=True)
    not_presented_note = models.TextField(blank=True, default="", db_default="")

    class Meta:
        ordering = ["departure_id", "position"]
        indexes = [models.Index(fields=["outcome"])]
        constraints = [
            models.UniqueConstraint(fields=["departure", "person"], name="departure_person_once"),
            # A person is on at most one open departure, and leaves custody at most once.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(outcome__in=["planned", "pending", "not_presented"]),
                name="one_open_departure_per_person",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(outcome="received"),
                name="departed_once",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["planned", "pending", "received"]) | ~Q(note=""),
                name="discrepancy_has_note",
            ),
        ]


class NationalityVerification(models.Model):
    """How a person's nationality was verified (documents seen, interview) before a repatriation."""

    class Method(models.TextChoices):
        DOCUMENT = "document", _("Identity document seen")
        INTERVIEW = "interview", _("Interview")
        BOTH = "both", _("Document and interview")
        STATE_CONFIRMED = "state_confirmed", _("Confirmed by the state's authorities")

    class Outcome(models.TextChoices):
        VERIFIED = "verified", _("Verified")
        NOT_VERIFIED = "not_verified", _("Not verified")

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="nationality_verifications"
    )
    nationality = models.CharField(max_length=3)
    method = models.CharField(max_length=20, choices=Method.choices)
    outcome = models.CharField(max_length=15, choices=Outcome.choices)
    document = models.ForeignKey(
        "people.IdentityDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    interview_note = models.TextField(blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    verified_at = models.DateTimeField()

    class Meta:
        ordering = ["verified_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(method__in=["interview", "both"]) | ~Q(interview_note=""),
                name="interview_has_note",
            ),
        ]
