"""Counters the situation report reads instead of counting a million rows: kept by the database.

Triggers on the persons, category decisions and placements tables (migration
``reports/0001_counters``) change these rows inside the same statement as the rows they count, so
whatever writes them (a service verb, an update of many rows, a bulk load, a restore) the counters
stay exact. ``muster sitrep --recount`` compares them with a direct count.

A quarter hour is the bucket: every time zone's midnight falls on one, so a day in any zone is a
whole number of buckets.
"""

from django.db import models


class RegistrationCount(models.Model):
    """Persons not merged away, by the quarter hour (UTC) of their registration and their current
    category (``""``: not yet decided)."""

    bucket = models.DateTimeField()
    category = models.CharField(max_length=20, blank=True)
    persons = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bucket", "category"], name="registrationcount_key")
        ]


class ArrivalCount(models.Model):
    """Placements at a facility (first placements and transfers received, current or ended), by the
    quarter hour (UTC) they began and the person's current category (``""``: not yet decided)."""

    facility_id = models.IntegerField()
    bucket = models.DateTimeField()
    category = models.CharField(max_length=20, blank=True)
    placements = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["facility_id", "bucket", "category"], name="arrivalcount_key"
            )
        ]


class PopulationCount(models.Model):
    """Persons placed at a facility now (current placements at it), by sex, year of birth (the
    year of the date of birth when it is known, else the recorded year, else 0: unknown) and
    whether the date of birth is known (``dated``). The population is their sum; the HXL table's
    children are the years clearly under 18 and, in the one year where the birthday decides, the
    dated ones born after it, counted directly by the dates of birth's index (or the dated ones of
    that year less those born by it, whichever reads fewer)."""

    facility_id = models.IntegerField()
    sex = models.CharField(max_length=1)
    born = models.IntegerField()
    dated = models.BooleanField()
    persons = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["facility_id", "sex", "born", "dated"], name="populationcount_key"
            )
        ]


class ReceiptCount(models.Model):
    """Manifest lines received, by movement and the quarter hour (UTC) at or after the receipt: a
    day's end in any time zone is a quarter hour, and a line received before it has its bucket at
    or before it too. A received line with no receipt time falls in the bucket of 1970."""

    movement_id = models.IntegerField()
    bucket = models.DateTimeField()
    lines = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["movement_id", "bucket"], name="receiptcount_key")
        ]


class ChildCount(models.Model):
    """Unaccompanied (``u``) or separated and accompanied (``s``) children not merged away, by where
    their current placement is: its facility or its movement (0 for none: not placed yet, leaving,
    departed), and whether it is *departed* (``departed``: the departure confirmed, the child no
    longer in our care; the children's figures leave them out). A child *leaving* on a departure
    not yet confirmed is still ours (not yet handed over): counted, at 0 and 0."""

    facility_id = models.IntegerField()
    movement_id = models.IntegerField()
    kind = models.CharField(max_length=1)
    departed = models.BooleanField(default=False)
    persons = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["facility_id", "movement_id", "kind", "departed"], name="childcount_key"
            )
        ]
