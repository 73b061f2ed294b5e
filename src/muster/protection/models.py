"""Protection records: reviews of children before any placement in holding, and the separations of
registered households that a transfer made (with the stated reason)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ProtectionReview(models.Model):
    """A recorded protection review of a child, required before any placement in holding."""

    class Outcome(models.TextChoices):
        HOLDING_PERMITTED = (
            "holding_permitted",
            _("Placement in a holding facility permitted (best interests assessed)"),
        )
        HOLDING_NOT_PERMITTED = (
            "holding_not_permitted",
            _("Placement in a holding facility not permitted"),
        )
        REFERRED = "referred", _("Referred to child protection")
        DEPARTURE_PERMITTED = (
            "departure_permitted",
            _(
                "Departure without a family adult permitted (best interests assessed, caregiver named)"
            ),
        )

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="protection_reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    reason = models.TextField()
    at = models.DateTimeField()

    class Meta:
        db_table = "screening_protectionreview"  # the table it had under screening: no data moved
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="protection_review_reason"),
        ]


class FamilySeparation(models.Model):
    """A transfer or departure that split a registered household, with the stated reason."""

    household = models.ForeignKey(
        "people.Household", on_delete=models.PROTECT, related_name="separations"
    )
    moved = models.ManyToManyField("people.Person", related_name="separations_moved")
    remained = models.ManyToManyField("people.Person", related_name="separations_remained")
    # Where the moved members went: a facility, or (a departure) a place outside custody.
    to_facility = models.ForeignKey(
        "custody.Facility", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    destination = models.CharField(max_length=300, blank=True, default="", db_default="")
    movement = models.ForeignKey(
        "custody.Movement", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # A departure's separation: where to is read from the departure in the reader's language
    # (``destination`` keeps the text as it was written, for separations recorded before).
    departure = models.ForeignKey(
        "departures.Departure", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reason = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    recorded_at = models.DateTimeField()

    class Meta:
        db_table = "screening_familyseparation"  # the table it had under screening: no data moved
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="separation_reason_required"),
            models.CheckConstraint(
                condition=Q(to_facility__isnull=False) | ~Q(destination=""),
                name="separation_goes_somewhere",
            ),
        ]

    def left_for(self) -> str:
        """Where the moved members went when they left custody, in the reader's language: the
        departure and its destination, read now (or the text recorded at the time, for a
        separation recorded before it kept its departure). A facility is named by the pages,
        through the access policy."""
        if self.departure_id:
            return self.departure.separation_text()
        return self.destination
