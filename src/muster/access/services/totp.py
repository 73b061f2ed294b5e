"""Two-factor authentication with an authenticator app (TOTP): enrolment, verification, reset."""

from datetime import timedelta

import pyotp
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.access.audit_actions import AccessAction
from muster.access.models import (
    TotpDevice,
)
from muster.access.policy import active_grants
from muster.access.services.sessions import end_sessions
from muster.audit import services as audit
from muster.core.conf import conf


def totp_required(user) -> bool:
    """Must this user sign in with a second factor (a role in MUSTER["TOTP_REQUIRED_ROLES"])?"""
    required = set(conf().TOTP_REQUIRED_ROLES)
    return any(g.role in required for g in active_grants(user))


def confirmed_device(user) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def second_factor_needed(user) -> bool:
    """Required by role, or chosen by the user (an enrolled device is always asked for)."""
    return totp_required(user) or confirmed_device(user) is not None


def start_totp_enrolment(user) -> TotpDevice:
    """A fresh secret for a user without a confirmed device (kept until they type a good code)."""
    device = TotpDevice.objects.filter(user=user).first()
    if device is not None and device.confirmed_at is not None:
        raise ValidationError(
            {
                "code": [
                    ValidationError(
                        _("an authenticator is already enrolled for this account"),
                        code="already_enrolled",
                    )
                ]
            }
        )
    if device is None:
        device = TotpDevice.objects.create(user=user, secret=pyotp.random_base32())
    return device


def provisioning_uri(device: TotpDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(
        name=device.user.get_username(), issuer_name="Muster"
    )


def _accept_code(device: TotpDevice, code: str) -> bool:
    """Check a code (one step of clock drift either way) and refuse one already used."""
    code = "".join((code or "").split())
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(device.secret)
    now = timezone.now()
    for drift in (0, -1, 1):
        at = now + timedelta(seconds=30 * drift)
        counter = totp.timecode(at)
        if counter > device.last_counter and totp.verify(code, for_time=at):
            device.last_counter = counter
            device.save(update_fields=["last_counter"])
            return True
    return False


@transaction.atomic
def confirm_totp_enrolment(user, code: str, *, request=None) -> bool:
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is None or device.confirmed_at is not None or not _accept_code(device, code):
        audit.record(AccessAction.LOGIN_2FA_FAILURE, actor=user, obj=user, request=request)
        return False
    device.confirmed_at = timezone.now()
    device.save(update_fields=["confirmed_at"])
    audit.record(AccessAction.TOTP_ENROL, actor=user, obj=user, request=request)
    return True


@transaction.atomic
def verify_totp(user, code: str, *, request=None) -> bool:
    """Check a sign-in code (audited). Sign-in goes through :func:`muster.access.signin.second_factor`,
    which also counts a failure towards the lock."""
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    ok = device is not None and device.confirmed_at is not None and _accept_code(device, code)
    if not ok:
        audit.record(AccessAction.LOGIN_2FA_FAILURE, actor=user, obj=user, request=request)
    else:
        audit.record(AccessAction.LOGIN_2FA_SUCCESS, actor=user, obj=user, request=request)
    return ok


@transaction.atomic
def reset_totp(user, *, by=None, request=None) -> bool:
    """Forget a user's authenticator (lost phone): they enrol again at their next sign-in.

    Their sessions and API token end at once. Returns whether an authenticator was enrolled.
    """
    had_device = confirmed_device(user) is not None
    # The secret is a credential, not a record: it goes; the audit event keeps that it was reset.
    TotpDevice.objects.filter(user=user).delete()
    end_sessions(user)
    audit.record(
        AccessAction.TOTP_RESET,
        actor=by,
        obj=user,
        request=request,
        detail={"had_device": had_device},
    )
    return had_device
