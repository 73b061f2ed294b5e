"""Role grants: which user holds which role, at which facility (if scoped), until when."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REGISTRATION_OFFICER = "registration_officer", _("Registration officer")
    SCREENING_OFFICER = "screening_officer", _("Screening officer")
    CAMP_MANAGER = "camp_manager", _("Camp manager")
    TRACING_CASEWORKER = "tracing_caseworker", _("Family-tracing caseworker")
    REPATRIATION_OFFICER = "repatriation_officer", _("Repatriation / return officer")
    COORDINATOR = "coordinator", _("Coordinator")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")


class RoleGrantQuerySet(models.QuerySet):
    def in_force(self, at=None) -> "RoleGrantQuerySet":
        """Grants neither revoked nor expired (at ``at``, default now)."""
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=at)
        )


class RoleGrant(models.Model):
    """A role held by a user. A grant ends (``revoked_at``) or runs out (``expires_at``); it is never
    deleted, so who could do what, and when, stays on record."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    facility = models.ForeignKey(
        "custody.Facility",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_grants",
        help_text=_("Limits the role to this facility; empty means all facilities"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "facility"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_grant_per_user_role_facility",
            ),
            # The one above lets through two open every-facility grants: NULL facilities are
            # distinct to a unique index (on SQLite and PostgreSQL alike).
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(revoked_at__isnull=True, facility__isnull=True),
                name="one_active_every_facility_grant_per_user_role",
            ),
        ]

    def __str__(self) -> str:
        where = f" @ {self.facility}" if self.facility_id else ""
        return f"{self.user} — {self.get_role_display()}{where}"


class LoginAttempt(models.Model):
    """One sign-in attempt, kept to throttle password guessing (by account and by source address)."""

    at = models.DateTimeField(db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    ip = models.CharField(max_length=64, blank=True, db_index=True)
    succeeded = models.BooleanField()
    # An authenticator code (after a right password), not a password: only someone who has the
    # password gets this far, so these failures may lock the account from every address.
    second_factor = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.username} {'ok' if self.succeeded else 'failed'} at {self.at:%Y-%m-%d %H:%M}"


class TotpDevice(models.Model):
    """A user's authenticator app (TOTP, RFC 6238). Confirmed once the user has typed one good code."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last time step accepted: a code is never accepted twice (replay of an overheard code).
    last_counter = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"TOTP device of {self.user}"


class SessionFence(models.Model):
    """Sessions signed in before ``valid_after`` are dead: set on deactivation and on "sign out everywhere"."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_fence"
    )
    valid_after = models.DateTimeField()

    def __str__(self) -> str:
        return f"sessions of {self.user} valid after {self.valid_after:%Y-%m-%d %H:%M}"


class ApiTokenUse(models.Model):
    """When a user's API token (one at a time) was issued and last used: it expires, and dies idle.

    The token itself is DRF's; ``token_id`` (a digest of the key, never the key) names it in the audit
    events of its life: issued, first used, rotated, revoked, expired.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token_use"
    )
    token_id = models.CharField(max_length=16)
    issued_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"API token {self.token_id} of {self.user}"


class TemporaryPassword(models.Model):
    """A password an administrator set for the user (one forgotten): while this row exists the user
    reaches nothing but the page that changes it, and gets no API token. Removed when they do."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="temporary_password"
    )
    set_at = models.DateTimeField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    def __str__(self) -> str:
        return f"temporary password of {self.user} set at {self.set_at:%Y-%m-%d %H:%M}"
