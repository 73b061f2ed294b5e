"""Persons as registered: names kept exactly as entered, partial dates of birth, households, documents.

Other apps change these tables only through :mod:`muster.people.services`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from muster import identity


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    UNKNOWN = "U", _("Unknown")


class DobPrecision(models.TextChoices):
    DAY = "day", _("Full date")
    YEAR = "year", _("Year only")
    ESTIMATED = "estimated", _("Estimated from age")


class Relationship(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    SON = "son", _("Son")
    DAUGHTER = "daughter", _("Daughter")
    FATHER = "father", _("Father")
    MOTHER = "mother", _("Mother")
    BROTHER = "brother", _("Brother")
    SISTER = "sister", _("Sister")
    GRANDSON = "grandson", _("Grandson")
    GRANDDAUGHTER = "granddaughter", _("Granddaughter")
    NEPHEW = "nephew", _("Nephew")
    NIECE = "niece", _("Niece")
    OTHER = "other", _("Other relative or unrelated")


#: Protection / vulnerability flags, stored as booleans so lists can filter on them in SQL.
PROTECTION_FLAGS: dict[str, str] = {
    "unaccompanied_child": _("Unaccompanied child"),
    "separated_child": _("Separated child"),
    "disability": _("Disability"),
    "medical": _("Medical condition"),
    "pregnant": _("Pregnant"),
    "elderly_alone": _("Elderly alone"),
    "wounded": _("Wounded"),
}

# The parts a name is entered in, as the person-record layout has them (re-exported for the apps).
NAME_PARTS = identity.NAME_PARTS


class Household(models.Model):
    number = models.CharField(max_length=20, unique=True, editable=False)
    registered_at = models.DateTimeField()
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    def __str__(self) -> str:
        return self.number

    @property
    def head(self):
        """The member heading the household; a record merged away as a duplicate heads nothing."""
        return (
            self.members.filter(relationship_to_head=Relationship.HEAD, merged_into__isnull=True)
            .order_by("id")
            .first()
        )


class Person(models.Model):
    number = models.CharField(
        max_length=20, unique=True, editable=False, help_text=_("Registration number")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="members", null=True, blank=True
    )
    relationship_to_head = models.CharField(
        max_length=20, choices=Relationship.choices, default=Relationship.HEAD
    )

    # Name parts exactly as the officer typed them, in Arabic script or any Latin spelling.
    # Empty only for a newborn not yet named (``not_yet_named``), named later by a correction.
    given_name = models.CharField(_("given name"), max_length=200, blank=True)
    father_name = models.CharField(_("father's name"), max_length=200, blank=True)
    grandfather_name = models.CharField(_("grandfather's name"), max_length=200, blank=True)
    family_name = models.CharField(_("family / tribal name"), max_length=200, blank=True)
    mother_name = models.CharField(_("mother's name"), max_length=200, blank=True)
    alias = models.CharField(_("alias / kunya"), max_length=200, blank=True)
    # With a default in the database too: tools that insert rows in SQL (bench/registry_load) name
    # only the columns they know.
    not_yet_named = models.BooleanField(_("not yet named"), default=False, db_default=False)
    # Derived, for search across scripts and spellings; recomputed whenever a name part changes.
    name_key = models.CharField(max_length=600, db_index=True, editable=False, blank=True)

    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    dob_precision = models.CharField(
        max_length=10, choices=DobPrecision.choices, default=DobPrecision.YEAR
    )
    nationality = models.CharField(max_length=3, blank=True, help_text=_("ISO 3166 alpha-3"))
    place_of_origin = models.CharField(max_length=200, blank=True)
    origin_pcode = models.CharField(max_length=20, blank=True)

    unaccompanied_child = models.BooleanField(default=False)
    separated_child = models.BooleanField(default=False)
    disability = models.BooleanField(default=False)
    medical = models.BooleanField(default=False)
    pregnant = models.BooleanField(default=False)
    elderly_alone = models.BooleanField(default=False)
    wounded = models.BooleanField(default=False)

    registered_at = models.DateTimeField()
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    # Set when screening confirms this record duplicates another: the record stays, history intact.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_records"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(sex__in=["M", "F", "U"]), name="person_sex_valid"),
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | Q(birth_year__gte=1900, birth_year__lte=2100),
                name="person_birth_year_range",
            ),
            # A given name, or none for a newborn not yet named; never both, never neither.
            models.CheckConstraint(
                condition=Q(given_name="", not_yet_named=True)
                | (~Q(given_name="") & Q(not_yet_named=False)),
                name="person_given_name_required",
            ),
        ]
        indexes = [
            models.Index(fields=["registered_at"]),
            # The sitrep and the dashboard count over a million persons from indexes alone: the
            # registered (not merged away) by day, and the unaccompanied or separated children.
            models.Index(
                fields=["registered_at"],
                condition=Q(merged_into__isnull=True),
                name="person_active_registered",
            ),
            models.Index(
                fields=["merged_into", "unaccompanied_child", "separated_child"],
                condition=Q(unaccompanied_child=True) | Q(separated_child=True),
                name="person_child_flags_covering",
            ),
            # The HXL table counts children from the population counter by year of birth; in the
            # one year where the birthday decides, it reads the dates of birth from this index.
            models.Index(
                fields=["date_of_birth"],
                condition=Q(date_of_birth__isnull=False),
                name="person_date_of_birth",
            ),
        ]

    def __str__(self) -> str:
        # The number only: names must not leak into logs, tracebacks or admin history.
        return self.number

    @property
    def display_name(self) -> str:
        return " ".join(
            p
            for p in (self.given_name, self.father_name, self.grandfather_name, self.family_name)
            if p
        )

    @property
    def birth_year_value(self) -> int | None:
        if self.date_of_birth:
            return self.date_of_birth.year
        return self.birth_year

    def age_on(self, day) -> int | None:
        if self.date_of_birth:
            d = self.date_of_birth
            return day.year - d.year - ((day.month, day.day) < (d.month, d.day))
        if self.birth_year:
            return day.year - self.birth_year
        return None

    @property
    def dob_display(self) -> str:
        if self.date_of_birth and self.dob_precision == DobPrecision.DAY:
            return self.date_of_birth.isoformat()
        if self.birth_year:
            # In the reader's language: "est." is the _dob.html template's word too.
            suffix = f" ({gettext('est.')})" if self.dob_precision == DobPrecision.ESTIMATED else ""
            return f"{self.birth_year}{suffix}"
        return "—"

    @property
    def protection_flags(self) -> list[str]:
        return [code for code in PROTECTION_FLAGS if getattr(self, code)]


class IdentityDocument(models.Model):
    class Kind(models.TextChoices):
        NATIONAL_ID = "national_id", _("National ID card")
        PASSPORT = "passport", _("Passport")
        FAMILY_BOOKLET = "family_booklet", _("Family booklet")
        BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
        OTHER = "other", _("Other")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="documents")
    doc_type = models.CharField(max_length=30, choices=Kind.choices)
    number = models.CharField(max_length=60)
    issuing_country = models.CharField(max_length=3, blank=True)
    mrz = models.TextField(blank=True, help_text=_("Machine-readable zone as typed or scanned"))
    expires_on = models.DateField(
        null=True, blank=True, help_text=_("Expiry date, as the document (or its MRZ) gives it")
    )
    recorded_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["number"])]

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()} {self.number}"


class PersonCorrection(models.Model):
    """A correction to a person's registered details: old and new values, who, why. Never edited."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="corrections")
    changes = models.JSONField(help_text="{field: [old, new]}")
    reason = models.TextField()
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    corrected_at = models.DateTimeField()

    class Meta:
        ordering = ["corrected_at"]


class Photo(models.Model):
    """A photo of a person taken at reception. Kept in the database, not under the web root: it is
    read only through the photo view, which checks the policy and writes an audit event, and no
    export includes it."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="photos")
    content_type = models.CharField(max_length=20)
    data = models.BinaryField()
    taken_at = models.DateTimeField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    # A new photo replaces the last; the old one stays on record (who saw what, and when).
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["-taken_at", "-id"]
