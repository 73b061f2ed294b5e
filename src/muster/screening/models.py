"""Screening records: category decisions (civilian / held / family of held) made by named officers.

A later decision supersedes an earlier one; nothing is erased. Exactly one decision is current per person.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    CIVILIAN = "civilian", _("Civilian")
    HELD = "held", _("Held (suspected links to an armed group)")
    FAMILY_OF_HELD = "family_of_held", _("Family member of a held person")


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

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(is_current=True),
                name="one_current_category_per_person",
            ),
            models.CheckConstraint(
                condition=Q(category__in=["civilian", "held", "family_of_held"]),
                name="category_valid",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="category_reason_required"),
        ]
        indexes = [models.Index(fields=["category", "is_current"])]
        ordering = ["decided_at", "id"]
