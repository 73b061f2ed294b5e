"""The verbs of access: users, role grants (with separation of duties), sign-in throttling, sessions, TOTP."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.access.models import (
    ApiTokenUse,
    LoginAttempt,
    Role,
    RoleGrant,
    SessionFence,
    TotpDevice,
)
from muster.access.policy import INCOMPATIBLE_ROLES, active_grants
from muster.audit import services as audit
from muster.core.conf import conf
from muster.custody.models import Facility


def user_named(username: str):
    """The account called ``username`` (deactivated ones included)."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError({"username": [_("no user named '%(u)s'") % {"u": username}]})
    return user


def facility_named(name: str):

    facility = Facility.objects.filter(name=name).first()
    if facility is None:
        raise ValidationError({"facility": [_("no facility named '%(n)s'") % {"n": name}]})
    return facility


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationError(
            {
                "role": [
                    _("'%(v)s' is not a role (one of: %(roles)s)")
                    % {"v": role, "roles": ", ".join(Role.values)}
                ]
            }
        )


def _where(grant: RoleGrant) -> str:
    return grant.facility.name if grant.facility_id else _("every facility")


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
    """Grant a role (optionally scoped to a facility, optionally expiring) and return the grant in force.

    Refused when the user already holds an incompatible role at the same facility (or everywhere).
    Granting a role the user already holds there with another expiry ends that grant and starts a new
    one; an expired grant is closed at its expiry. Grants are ended, never deleted.
    """
    _check_role(role)
    # Two grants for one user at the same moment (two terminals) would each check the roles held
    # before the other's commits, and an incompatible pair would pass. Grants for one user wait for
    # each other on the user's row; NO KEY so that rows merely naming the user (their registrations)
    # are not held up. SQLite ignores the lock: it runs one writing transaction at a time anyway.
    get_user_model().objects.select_for_update(no_key=True).filter(pk=user.pk).first()
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise ValidationError(
            {
                "expires_at": [
                    _("%(t)s is not in the future")
                    % {"t": timezone.localtime(expires_at).strftime("%Y-%m-%d %H:%M")}
                ]
            }
        )
    for other in RoleGrant.objects.filter(user=user).in_force(now).select_related("facility"):
        same_place = (
            other.facility_id is None or facility is None or other.facility_id == facility.pk
        )
        if same_place and frozenset({role, other.role}) in INCOMPATIBLE_ROLES:
            raise ValidationError(
                {
                    "role": [
                        _(
                            "%(user)s already holds %(other)s at %(where)s; it cannot be combined with %(role)s"
                        )
                        % {
                            "user": user.get_username(),
                            "other": other.role,
                            "where": _where(other),
                            "role": role,
                        }
                    ]
                }
            )
    held = (
        RoleGrant.objects.select_for_update()
        .filter(user=user, role=role, facility=facility, revoked_at__isnull=True)
        .first()
    )
    if held is not None and held.expires_at == expires_at:
        return held  # already in force as asked: nothing changes, nothing to record
    if held is not None:
        # At most one open grant per user, role and place, every facility included (database
        # constraints): close the old one.
        held.revoked_at = min(held.expires_at, now) if held.expires_at else now
        held.save(update_fields=["revoked_at"])
    try:
        with transaction.atomic():
            grant = RoleGrant.objects.create(
                user=user, role=role, facility=facility, granted_by=by, expires_at=expires_at
            )
    except IntegrityError:
        # The one-open-grant constraints: the same grant was made elsewhere since we looked.
        raise ValidationError(
            {
                "role": [
                    _(
                        "%(user)s was granted %(role)s at %(where)s by someone else a moment ago; "
                        "nothing was changed"
                    )
                    % {
                        "user": user.get_username(),
                        "role": role,
                        "where": facility.name if facility else _("every facility"),
                    }
                ]
            }
        ) from None
    audit.record(
        "role.grant",
        actor=by,
        obj=user,
        request=request,
        detail={
            "role": role,
            "facility": facility.pk if facility else None,
            "expires_at": expires_at.isoformat() if expires_at else None,
            "replaces": held.pk if held else None,
        },
    )
    user.__dict__.pop("_muster_grants", None)
    return grant


@transaction.atomic
def revoke_role(grant: RoleGrant, *, by=None, request=None) -> None:
    """Revoke a grant; a user left with no role at all is signed out everywhere at once."""
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    audit.record(
        "role.revoke",
        actor=by,
        obj=grant.user,
        request=request,
        detail={"role": grant.role, "facility": grant.facility_id},
    )
    user = grant.user
    user.__dict__.pop("_muster_grants", None)
    if not active_grants(user):
        end_sessions(user)


@transaction.atomic
def revoke_roles(user, role: str, *, facility=None, by=None, request=None) -> list[RoleGrant]:
    """End the user's grants of ``role`` in force: the one at ``facility``, or all of them when no
    facility is given. Returns the grants ended."""
    _check_role(role)
    held = list(
        RoleGrant.objects.filter(user=user, role=role).in_force().select_related("facility")
    )
    names = {"user": user.get_username(), "role": role}
    if not held:
        raise ValidationError({"role": [_("%(user)s holds no %(role)s grant") % names]})
    if facility is not None:
        there = [g for g in held if g.facility_id == facility.pk]
        if not there:
            places = ", ".join(sorted(_where(g) for g in held))
            raise ValidationError(
                {
                    "facility": [
                        _("%(user)s holds %(role)s at %(places)s, not at %(facility)s alone")
                        % {**names, "places": places, "facility": facility.name}
                    ]
                }
            )
        held = there
    for grant in held:
        revoke_role(grant, by=by, request=request)
    return held


@dataclass(frozen=True)
class Account:
    """A user as an administrator sees them: no case data."""

    username: str
    is_active: bool
    grants: list[RoleGrant]  # in force, with their facility
    totp_enrolled: bool
    totp_required: bool  # by one of the roles in force


def accounts() -> list[Account]:
    """Every user (deactivated ones too) with the grants in force, by username."""
    # "Every facility" first on every database (SQLite and PostgreSQL sort NULL differently).
    in_force = (
        RoleGrant.objects.in_force()
        .select_related("facility")
        .order_by("role", F("facility__name").asc(nulls_first=True))
    )
    users = (
        get_user_model()
        .objects.order_by("username")
        .prefetch_related(Prefetch("role_grants", in_force, to_attr="in_force"))
    )
    enrolled = set(
        TotpDevice.objects.filter(confirmed_at__isnull=False).values_list("user_id", flat=True)
    )
    required = set(conf().TOTP_REQUIRED_ROLES)
    return [
        Account(
            username=u.get_username(),
            is_active=u.is_active,
            grants=u.in_force,
            totp_enrolled=u.pk in enrolled,
            totp_required=any(g.role in required for g in u.in_force),
        )
        for u in users
    ]


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
    facilities = [facility_named(name) for name in facility_names]
    audit.record("user.create", actor=by, obj=user)
    for role in roles:
        for facility in facilities or [None]:
            grant_role(user, role, facility=facility, by=by)
    return user


@transaction.atomic
def set_own_password(user, new_password: str, *, request=None):
    """A user's new password (their old one already checked by :func:`muster.access.signin.change_password`).

    The password policy applies (length, common passwords, likeness to the username). Every other
    session and the API token end at once: whoever knew the old password is out. Audited; the
    password itself never is. Returns when the old sessions ended (a session started after it lives).
    """
    if user.check_password(new_password):
        raise ValidationError({"new_password": [_("is your current password; choose a new one")]})
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    ended = end_sessions(user)
    audit.record("password.change", actor=user, obj=user, request=request)
    return ended


# --- sessions and deactivation -------------------------------------------------------------------


def end_sessions(user) -> datetime:
    """Invalidate every session and API token of ``user`` now (checked by SessionExpiryMiddleware);
    returns the moment they ended."""
    now = timezone.now()
    SessionFence.objects.update_or_create(user=user, defaults={"valid_after": now})
    revoke_api_token(user, reason="sessions ended")
    return now


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
    return timedelta(minutes=conf().LOGIN_LOCK_MINUTES)


def _failing_run(attempts, limit: int) -> datetime | None:
    """The time of the latest of ``limit`` failures in a row (newest first), or ``None``."""
    recent = list(attempts.order_by("-at", "-pk").values_list("succeeded", "at")[:limit])
    if len(recent) >= limit and not any(ok for ok, _at in recent):
        return recent[0][1]
    return None


def locked_until(username: str, ip: str = "") -> datetime | None:
    """When sign-in for this account from this address opens again, or ``None`` if it is open.

    The lock is per account *and* source address: LOGIN_LOCK_AFTER failures in a row within the
    window lock that pair only (wrong authenticator codes excepted: they lock the account), so a
    stranger guessing cannot lock the officer out at their own desk. An account is locked from
    everywhere only after LOGIN_ACCOUNT_LIMIT failures in a row (guessing spread over many
    addresses). An address is refused after LOGIN_IP_LIMIT failures within the window, whichever
    accounts they were for, except for accounts that signed in from it in the last
    KNOWN_ADDRESS_DAYS: many officers share one NAT address, and one person there guessing must not
    lock all of them out (each still has the lock per account and address).
    """
    since = timezone.now() - lock_window()
    window = LoginAttempt.objects.filter(username=username, at__gte=since)
    last = _failing_run(window.filter(ip=ip), conf().LOGIN_LOCK_AFTER)
    last = last or _failing_run(window, conf().LOGIN_ACCOUNT_LIMIT)
    # Wrong authenticator codes come only from someone who has the password: LOGIN_LOCK_AFTER of
    # them in a row lock the account from every address (guessing the code from several machines
    # must not multiply the tries), and no stranger can cause that lock.
    codes = window.filter(Q(second_factor=True) | Q(succeeded=True))
    last = last or _failing_run(codes, conf().LOGIN_LOCK_AFTER)
    if last is not None:
        return last + lock_window()
    if ip:
        failures = LoginAttempt.objects.filter(ip=ip, at__gte=since, succeeded=False)
        if failures.count() >= conf().LOGIN_IP_LIMIT and not _known_address(username, ip):
            return failures.order_by("-at").values_list("at", flat=True).first() + lock_window()
    return None


# An account that signed in from an address this recently is not refused with that address.
KNOWN_ADDRESS_DAYS = 30


def _known_address(username: str, ip: str) -> bool:
    since = timezone.now() - timedelta(days=KNOWN_ADDRESS_DAYS)
    return LoginAttempt.objects.filter(
        username=username, ip=ip, succeeded=True, at__gte=since
    ).exists()


def note_login_attempt(
    username: str, ip: str, succeeded: bool, *, second_factor: bool = False
) -> None:
    LoginAttempt.objects.create(
        at=timezone.now(),
        username=username,
        ip=ip,
        succeeded=succeeded,
        second_factor=second_factor,
    )


# --- two-factor authentication (TOTP) ------------------------------------------------------------


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
        audit.record("login.2fa_failure", actor=user, obj=user, request=request)
        return False
    device.confirmed_at = timezone.now()
    device.save(update_fields=["confirmed_at"])
    audit.record("totp.enrol", actor=user, obj=user, request=request)
    return True


@transaction.atomic
def verify_totp(user, code: str, *, request=None) -> bool:
    """Check a sign-in code (audited). Sign-in goes through :func:`muster.access.signin.second_factor`,
    which also counts a failure towards the lock."""
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    ok = device is not None and device.confirmed_at is not None and _accept_code(device, code)
    if not ok:
        audit.record("login.2fa_failure", actor=user, obj=user, request=request)
    else:
        audit.record("login.2fa_success", actor=user, obj=user, request=request)
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
        "totp.reset", actor=by, obj=user, request=request, detail={"had_device": had_device}
    )
    return had_device


def token_id(key: str) -> str:
    """What names a token in the audit log: a digest of the key, never the key (a credential)."""
    return hashlib.sha256(key.encode()).hexdigest()[:16]


@transaction.atomic
def new_api_token(user, *, request=None, rotated: bool = False) -> str:
    """A new API token for ``user`` (who has just signed in through :mod:`muster.access.signin`,
    or rotates the token they signed in with).

    Issuing a token replaces (revokes) the old one. The token is the credential: it is shown once.
    """
    from rest_framework.authtoken.models import Token

    if not user.is_active:
        raise ValidationError({"user": [_("this account is deactivated")]})
    revoke_api_token(user, reason="rotated" if rotated else "replaced", request=request)
    token = Token.objects.create(user=user)
    ApiTokenUse.objects.update_or_create(
        user=user,
        defaults={
            "token_id": token_id(token.key),
            "issued_at": timezone.now(),
            "last_used_at": None,
        },
    )
    audit.record(
        "api_token.rotate" if rotated else "api_token.issue",
        actor=user,
        obj=user,
        request=request,
        detail={"token": token_id(token.key)},
    )
    return token.key


@transaction.atomic
def revoke_api_token(user, *, reason: str, request=None) -> bool:
    """End ``user``'s API token now (sign-out, rotation, deactivation); ``False`` if they had none."""
    from rest_framework.authtoken.models import Token

    keys = list(Token.objects.filter(user=user).values_list("key", flat=True))
    if not keys:
        return False
    Token.objects.filter(user=user).delete()
    for key in keys:
        audit.record(
            "api_token.revoke",
            obj=user,
            request=request,
            detail={"token": token_id(key), "reason": reason},
        )
    return True


# Writing the last use at most this often: every API call would otherwise write a row.
_TOKEN_USE_GRANULARITY = timedelta(minutes=1)


def api_token_refusal(token, *, request=None) -> str | None:
    """Why ``token`` (DRF's) may no longer be used (it is then revoked and audited), or ``None``.

    A token dies API_TOKEN_HOURS after it was issued, or after API_TOKEN_IDLE_MINUTES unused, like
    a session. Its first use is audited (a token used from somewhere unexpected shows up).
    """
    now = timezone.now()
    use = ApiTokenUse.objects.filter(user_id=token.user_id).first()
    issued = use.issued_at if use is not None else token.created
    last = (use.last_used_at if use is not None else None) or issued
    reason = None
    if now - issued > timedelta(hours=conf().API_TOKEN_HOURS):
        reason = "expired"
    elif now - last > timedelta(minutes=conf().API_TOKEN_IDLE_MINUTES):
        reason = "idle"
    if reason is not None:
        digest = token_id(token.key)
        with transaction.atomic():
            token.delete()
            audit.record(
                "api_token.expire",
                obj=token.user,
                request=request,
                detail={"token": digest, "reason": reason},
            )
        return reason
    if use is None or use.last_used_at is None:
        with transaction.atomic():
            ApiTokenUse.objects.update_or_create(
                user_id=token.user_id,
                defaults={
                    "token_id": token_id(token.key),
                    "issued_at": issued,
                    "last_used_at": now,
                },
            )
            audit.record(
                "api_token.use",
                actor=token.user,
                obj=token.user,
                request=request,
                detail={"token": token_id(token.key), "first": True},
            )
    elif now - use.last_used_at > _TOKEN_USE_GRANULARITY:
        ApiTokenUse.objects.filter(pk=use.pk).update(last_used_at=now)
    return None
