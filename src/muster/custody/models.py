"""Facilities and the custody chain.

A person's whereabouts are a chain of :class:`Placement` rows; exactly one is current per person
(enforced by a partial unique index). A placement is *at a facility*, *in transit* (on a dispatched
movement not yet received), *leaving* (dispatched on a departure, not yet confirmed by the receiving
side) or *departed* (returned home, repatriated, handed over, released, dead). A leaving or departed
placement names its departure (``exit_ref``) and no facility, so a person is never both placed and
departed (database check). A :class:`Movement` is dispatched
by the sending facility and each person on its manifest is confirmed received by the receiving one.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from muster.core.text import local_name


class Facility(models.Model):
    class Kind(models.TextChoices):
        RECEPTION_POINT = "reception_point", _("Reception point")
        SCREENING_SITE = "screening_site", _("Screening site")
        DISPLACEMENT_CAMP = "displacement_camp", _("Displacement camp")
        HOLDING_FACILITY = "holding_facility", _("Holding facility")
        FAMILY_CAMP = "family_camp", _("Family camp")
        HOSPITAL = "hospital", _("Hospital")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=200, unique=True)
    # The name as Arabic speakers write it ("مخيم الهول"), shown in the Arabic UI when given.
    name_ar = models.CharField(_("Name in Arabic"), max_length=200, blank=True)
    # The name as Sorani Kurdish readers write it ("کەمپی هەول"), shown in the Sorani UI when given.
    name_ckb = models.CharField(_("Name in Kurdish (Sorani)"), max_length=200, blank=True)
    # The name as Kurmanji readers write it ("Kampa Holê"), shown in the Kurmanji UI when given.
    name_kmr = models.CharField(_("Name in Kurdish (Kurmanji)"), max_length=200, blank=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Places; empty means no fixed limit")
    )
    location_name = models.CharField(max_length=200, blank=True)
    pcode = models.CharField(
        _("P-code"), max_length=40, blank=True, help_text=_("Administrative area code, e.g. SY0901")
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "facilities"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the user's language: the Arabic, Sorani or Kurmanji name in that UI, when
        there is one."""
        return local_name(self)


class FacilityVersion(models.Model):
    """What a facility was called, and what kind it was, from ``valid_from`` until ``valid_to``.

    Renaming or re-kinding a facility must not rewrite history: a timeline shows the name a person
    was received under, not today's.
    """

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="versions")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Facility.Kind.choices)
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["facility_id", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility"],
                condition=Q(valid_to__isnull=True),
                name="one_open_version_per_facility",
            )
        ]


class Movement(models.Model):
    """A transfer of one or more persons, dispatched by one facility and received by another."""

    class Status(models.TextChoices):
        DISPATCHED = "dispatched", _("Dispatched")
        PARTIALLY_RECEIVED = "partially_received", _("Partially received")
        RECEIVED = "received", _("Received")

    number = models.CharField(max_length=20, unique=True, editable=False)
    from_facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="outgoing")
    to_facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="incoming")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DISPATCHED)
    dispatched_at = models.DateTimeField()
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    vehicle = models.CharField(max_length=100, blank=True)
    note = models.TextField(blank=True)
    capacity_override_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_facility=models.F("to_facility")), name="movement_not_to_itself"
            )
        ]
        indexes = [models.Index(fields=["status", "dispatched_at"])]

    def __str__(self) -> str:
        return self.number


class ManifestLine(models.Model):
    """One person on a movement's manifest, confirmed received (or reported missing) one by one."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("In transit")
        RECEIVED = "received", _("Received")
        MISSING = "missing", _("Reported not arrived")

    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, related_name="lines")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="manifest_lines"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    note = models.TextField(blank=True)
    # When the receiving side reported the person not arrived: kept when they turn up and are
    # received late (``resolved_at`` is then the receipt), so the history still shows the report.
    reported_missing_at = models.DateTimeField(null=True, blank=True)
    reported_missing_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["movement", "person"], name="manifest_person_once"),
        ]
        indexes = [
            models.Index(fields=["outcome"]),
            # The dashboard's flow and in-transit series group lines by movement, outcome and
            # receipt time from the index alone.
            models.Index(fields=["movement", "outcome"], name="manifestline_movement_outcome"),
            models.Index(
                fields=["resolved_at", "movement", "outcome"], name="manifestline_resolved"
            ),
        ]


class Placement(models.Model):
    """One segment of a person's custody chain. Exactly one is current per person."""

    class State(models.TextChoices):
        PLACED = "placed", _("At facility")
        IN_TRANSIT = "in_transit", _("In transit")
        LEAVING = "leaving", _("Leaving (departure not yet confirmed)")
        DEPARTED = "departed", _("Departed")

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="placements")
    state = models.CharField(max_length=12, choices=State.choices)
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="placements", null=True, blank=True
    )
    movement = models.ForeignKey(
        Movement, on_delete=models.PROTECT, related_name="placements", null=True, blank=True
    )
    is_current = models.BooleanField(default=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    capacity_override_reason = models.TextField(blank=True)
    note = models.TextField(blank=True, help_text=_("Destination or other detail for departures"))
    # The departure (its number) that took the person out of custody: set on leaving/departed only.
    exit_ref = models.CharField(max_length=20, blank=True, default="", db_default="", db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(is_current=True),
                name="one_current_placement_per_person",
            ),
            models.CheckConstraint(
                condition=(Q(state="placed") & Q(facility__isnull=False) & Q(exit_ref=""))
                | (Q(state="in_transit") & Q(movement__isnull=False) & Q(exit_ref=""))
                | (
                    Q(state__in=["leaving", "departed"])
                    & Q(facility__isnull=True)
                    & Q(movement__isnull=True)
                    & ~Q(exit_ref="")
                ),
                name="placement_state_consistent",
            ),
            models.CheckConstraint(
                condition=Q(is_current=True, ended_at__isnull=True)
                | Q(is_current=False, ended_at__isnull=False),
                name="placement_current_iff_open",
            ),
        ]
        indexes = [
            models.Index(fields=["facility", "is_current", "state"]),
            models.Index(fields=["state", "is_current"]),
            # Population per facility: only the current placements at a facility.
            models.Index(
                fields=["facility"],
                condition=Q(is_current=True, state="placed"),
                name="placement_current_placed",
            ),
        ]
        ordering = ["started_at", "id"]


class RollCall(models.Model):
    """A physical count at a facility reconciled against the list of those placed there.

    The list is a snapshot taken at the start (one :class:`RollCallLine` each, ``on_list``); those
    seen are marked on it one by one. Someone seen who was not on it is recorded beside it
    (``on_list`` false) with where the registry had them, for follow-up: a roll call never moves
    anyone. At the close, each line not seen is settled as *not seen* or *left* (dispatched or
    departed since the start), those who arrived meanwhile are added, and the figures are kept on
    the roll call. A closed roll call is read-only and kept (PROTECT, no delete anywhere).
    """

    number = models.CharField(max_length=20, unique=True, editable=False)
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="roll_calls")
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    note = models.TextField(blank=True)
    # Those on the list (placed here at the start).
    expected = models.PositiveIntegerField()
    # Kept mark by mark, in the mark's transaction (the figures an open roll call shows after
    # each mark, without counting its lines): those on the list marked seen, and those seen here
    # though the registry had them elsewhere. The close checks them against a count.
    seen_on_list = models.PositiveIntegerField(default=0)
    seen_elsewhere = models.PositiveIntegerField(default=0)
    # The figures at the close (null while open).
    seen = models.PositiveIntegerField(null=True, blank=True)
    not_seen = models.PositiveIntegerField(null=True, blank=True)
    left = models.PositiveIntegerField(null=True, blank=True)
    arrived = models.PositiveIntegerField(null=True, blank=True)
    not_on_list = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["facility"],
                condition=Q(closed_at__isnull=True),
                name="one_open_roll_call_per_facility",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True, seen__isnull=True)
                | Q(closed_at__isnull=False, seen__isnull=False, not_seen__isnull=False),
                name="roll_call_figures_when_closed",
            ),
        ]
        indexes = [models.Index(fields=["facility", "-started_at"], name="rollcall_facility")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class RollCallLine(models.Model):
    """One person of a roll call: on its list (seen or not), or seen here though not on it."""

    class How(models.TextChoices):
        SCAN = "scan", _("Number typed or scanned")
        TICK = "tick", _("Ticked in the list")

    class Outcome(models.TextChoices):
        # On the list: "" until seen or the close.
        SEEN = "seen", _("Seen")
        NOT_SEEN = "not_seen", _("Not seen")
        LEFT = "left", _("Left during the roll call")
        # Not on the list.
        ARRIVED = "arrived", _("Arrived during the roll call")
        ELSEWHERE = "elsewhere", _("Seen here, not on the list")

    roll_call = models.ForeignKey(RollCall, on_delete=models.PROTECT, related_name="lines")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="roll_call_lines"
    )
    on_list = models.BooleanField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True, default="")
    seen_at = models.DateTimeField(null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    how = models.CharField(max_length=4, choices=How.choices, blank=True, default="")
    # Where the registry had the person when they were recorded not on the list (or, for one on
    # it who left, at the close): the placement's state, facility, movement and departure.
    found_state = models.CharField(max_length=12, blank=True, default="")
    found_facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    found_movement = models.ForeignKey(
        Movement, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    found_exit_ref = models.CharField(max_length=20, blank=True, default="")

    class Meta:
        constraints = [
            # Two officers marking the same person at once: one line, marked once.
            models.UniqueConstraint(fields=["roll_call", "person"], name="roll_call_person_once"),
            models.CheckConstraint(
                condition=Q(seen_at__isnull=True) | ~Q(how=""), name="roll_call_seen_how"
            ),
        ]
        indexes = [
            models.Index(fields=["roll_call", "on_list", "seen_at"], name="rollcallline_seen"),
            models.Index(fields=["roll_call", "outcome"], name="rollcallline_outcome"),
        ]
