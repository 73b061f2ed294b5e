"""The verbs of access: users, role grants (with separation of duties), sign-in throttling, sessions, TOTP."""

from collections.abc import Iterable
from datetime import datetime, timedelta

import pyotp
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.access.models import LoginAttempt, Role, RoleGrant, SessionFence, TotpDevice
from muster.access.policy import INCOMPATIBLE_ROLES, active_grants
from muster.audit import services as audit


@transaction.atomic
def grant_role(
    user,
    role: str,
    *,
    facility=None,
    by=None,
    expires_at: datetime | None = None,
    request=None,
) -> RoleGrant:
    """Grant a role (optionally scoped to a facility, optionally expiring).

    Refused when the user already holds an incompatible role at the same facility (or everywhere).
    """
    if role not in Role.values:
        raise ValidationError({"role": [_("'%(v)s' is not a role") % {"v": role}]})
    now = timezone.now()
    active = RoleGrant.objects.filter(user=user, revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    for other in active:
        same_place = (
            other.facility_id is None or facility is None or other.facility_id == facility.pk
        )
        if same_place and frozenset({role, other.role}) in INCOMPATIBLE_ROLES:
            raise ValidationError(
                {
                    "role": [
                        _(
                            "%(user)s already holds %(other)s there; it cannot be combined with %(role)s"
                        )
                        % {"user": user.get_username(), "other": other.role, "role": role}
                    ]
                }
            )
    grant, _created = RoleGrant.objects.get_or_create(
        user=user,
        role=role,
        facility=facility,
        revoked_at=None,
        defaults={"granted_by": by, "expires_at": expires_at},
    )
    audit.record(
        "role.grant",
        actor=by,
        obj=user,
        request=request,
        detail={"role": role, "facility": facility.pk if facility else None},
    )
    return grant


@transaction.atomic
def revoke_role(grant: RoleGrant, *, by=None, request=None) -> None:
    """Revoke a grant; a user left with no role at all is signed out everywhere at once."""
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    audit.record(
        "role.revoke", actor=by, obj=grant.user, request=request, detail={"role": grant.role}
    )
    user = grant.user
    user.__dict__.pop("_muster_grants", None)
    if not active_grants(user):
        end_sessions(user)


@transaction.atomic
def create_user(
    username: str,
    password: str,
    *,
    roles: Iterable[str] = (),
    facility_names: Iterable[str] = (),
    by=None,
    check_password: bool = True,
):
    from muster.custody.models import Facility

    User = get_user_model()
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": [_("is required")]})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": [_("'%(u)s' already exists") % {"u": username}]})
    user = User(username=username)
    if check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save()
    facilities = []
    for name in facility_names:
        facility = Facility.objects.filter(name=name).first()
        if facility is None:
            raise ValidationError({"facility": [_("no facility named '%(n)s'") % {"n": name}]})
        facilities.append(facility)
    audit.record("user.create", actor=by, obj=user)
    for role in roles:
        for facility in facilities or [None]:
            grant_role(user, role, facility=facility, by=by)
    return user


def _muster(key: str):
    return settings.MUSTER[key]


# --- sessions and deactivation -------------------------------------------------------------------


def end_sessions(user) -> None:
    """Invalidate every session and API token of ``user`` now (checked by SessionExpiryMiddleware)."""
    SessionFence.objects.update_or_create(user=user, defaults={"valid_after": timezone.now()})
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=user).delete()


def sessions_valid_after(user) -> datetime | None:
    return SessionFence.objects.filter(user=user).values_list("valid_after", flat=True).first()


@transaction.atomic
def deactivate_user(user, *, by=None, request=None, reason: str = "") -> None:
    """Switch an account off: it can no longer sign in, and its open sessions and tokens die at once.

    Nothing is deleted: the account, its grants and everything it did stay on record.
    """
    user.is_active = False
    user.save(update_fields=["is_active"])
    end_sessions(user)
    audit.record("user.deactivate", actor=by, obj=user, request=request, detail={"reason": reason})


@transaction.atomic
def reactivate_user(user, *, by=None, request=None) -> None:
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit.record("user.reactivate", actor=by, obj=user, request=request)


# --- sign-in throttling --------------------------------------------------------------------------


def lock_window() -> timedelta:
    return timedelta(minutes=_muster("LOGIN_LOCK_MINUTES"))


def locked_until(username: str, ip: str = "") -> datetime | None:
    """When sign-in for this account (or from this address) opens again, or ``None`` if it is open.

    An account is locked after LOGIN_LOCK_AFTER failures in a row within the window; an address after
    LOGIN_IP_LIMIT failures within the window, whichever accounts they were for.
    """
    now = timezone.now()
    since = now - lock_window()
    limit = _muster("LOGIN_LOCK_AFTER")
    recent = list(
        LoginAttempt.objects.filter(username=username, at__gte=since)
        .order_by("-at", "-pk")
        .values_list("succeeded", "at")[:limit]
    )
    if len(recent) >= limit and not any(ok for ok, _at in recent):
        return recent[0][1] + lock_window()
    if ip:
        failures = LoginAttempt.objects.filter(ip=ip, at__gte=since, succeeded=False)
        if failures.count() >= _muster("LOGIN_IP_LIMIT"):
            return failures.order_by("-at").values_list("at", flat=True).first() + lock_window()
    return None


def note_login_attempt(username: str, ip: str, succeeded: bool) -> None:
    LoginAttempt.objects.create(at=timezone.now(), username=username, ip=ip, succeeded=succeeded)


# --- two-factor authentication (TOTP) ------------------------------------------------------------


def totp_required(user) -> bool:
    """Must this user sign in with a second factor (a role in MUSTER["TOTP_REQUIRED_ROLES"])?"""
    required = set(_muster("TOTP_REQUIRED_ROLES"))
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
            {"code": [_("an authenticator is already enrolled for this account")]}
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
    if not (code.isdigit() and len(code) == 6):
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
        audit.record("login.2fa_failure", actor=user, obj=user, request=request)
        return False
    device.confirmed_at = timezone.now()
    device.save(update_fields=["confirmed_at"])
    audit.record("totp.enrol", actor=user, obj=user, request=request)
    return True


@transaction.atomic
def verify_totp(user, code: str, *, request=None) -> bool:
    """Check a sign-in code; failures count towards the account lock and are audited."""
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    ok = device is not None and device.confirmed_at is not None and _accept_code(device, code)
    ip = audit.client_ip(request)
    if not ok:
        note_login_attempt(user.get_username(), ip, False)
        audit.record("login.2fa_failure", actor=user, obj=user, request=request)
    else:
        audit.record("login.2fa_success", actor=user, obj=user, request=request)
    return ok


@transaction.atomic
def reset_totp(user, *, by=None, request=None) -> None:
    """Forget a user's authenticator (lost phone): they enrol again at their next sign-in."""
    TotpDevice.objects.filter(user=user).delete()
    end_sessions(user)
    audit.record("totp.reset", actor=by, obj=user, request=request)


@transaction.atomic
def issue_api_token(user, *, totp_code: str = "", request=None) -> str:
    """An API token for ``user``; users who need a second factor must give a current TOTP code.

    Issuing a token replaces the old one. The token is the credential: it is shown once.
    """
    from rest_framework.authtoken.models import Token

    if not user.is_active:
        raise ValidationError({"user": [_("this account is deactivated")]})
    if second_factor_needed(user) and not verify_totp(user, totp_code, request=request):
        raise ValidationError(
            {"totp_code": [_("a current code from the authenticator is required")]}
        )
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    audit.record("api_token.issue", actor=user, obj=user, request=request)
    return token.key
