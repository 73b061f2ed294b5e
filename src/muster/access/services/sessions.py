"""Sessions, deactivation and sign-in throttling (the failed attempts that lock an account)."""

from datetime import datetime, timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.access.audit_actions import AccessAction
from muster.access.models import (
    LoginAttempt,
    SessionFence,
    TemporaryPassword,
)
from muster.access.services.tokens import revoke_api_token
from muster.audit import services as audit
from muster.core.conf import conf


def end_sessions(user) -> datetime:
    """Invalidate every session and API token of ``user`` now (checked by SessionExpiryMiddleware);
    returns the moment they ended."""
    now = timezone.now()
    SessionFence.objects.update_or_create(user=user, defaults={"valid_after": now})
    revoke_api_token(user, reason="sessions ended")
    return now


@transaction.atomic
def set_own_password(user, new_password: str, *, request=None) -> datetime:
    """A user's new password (their old one already checked by :func:`muster.access.signin.change_password`).

    The password policy applies (length, common passwords, likeness to the username). Every other
    session and the API token end at once: whoever knew the old password is out. Audited; the
    password itself never is. Returns when the old sessions ended (a session started after it lives).
    """
    if user.check_password(new_password):
        raise ValidationError(
            {
                "new_password": ValidationError(
                    _("is your current password; choose a new one"), code="same_password"
                )
            }
        )
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise _weak("new_password", exc) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    TemporaryPassword.objects.filter(user=user).delete()  # their own now: the way out is open
    ended = end_sessions(user)
    audit.record(AccessAction.PASSWORD_CHANGE, actor=user, obj=user, request=request)
    return ended


def _weak(field: str, exc: ValidationError) -> ValidationError:
    return ValidationError(
        {field: [ValidationError(m, code="weak_password") for m in exc.messages]}
    )


@transaction.atomic
def set_temporary_password(user, password: str, *, by=None, request=None) -> None:
    """An administrator sets a new password for ``user`` (who has forgotten theirs).

    The password policy applies. Every session and the API token of the user end at once, and until
    the user has chosen a password of their own (:func:`set_own_password`) they reach nothing but
    the page that changes it and get no API token: the administrator who typed it does not keep a
    way into the account. Audited; the password itself never is. One's own password is changed
    with the current one, not here (``own_account``).
    """
    if by is not None and by.pk == user.pk:
        raise ValidationError(
            {
                "form": ValidationError(
                    _("Change your own password on the password page, with your current one."),
                    code="own_account",
                )
            }
        )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise _weak("password", exc) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    end_sessions(user)
    TemporaryPassword.objects.update_or_create(
        user=user, defaults={"set_at": timezone.now(), "set_by": by}
    )
    audit.record(AccessAction.PASSWORD_RESET, actor=by, obj=user, request=request)


def password_change_required(user) -> bool:
    """Whether ``user`` signs in with a password an administrator set, not yet changed."""
    return TemporaryPassword.objects.filter(user=user).exists()


def sessions_valid_after(user) -> datetime | None:
    return SessionFence.objects.filter(user=user).values_list("valid_after", flat=True).first()


@transaction.atomic
def deactivate_user(user, *, by=None, request=None, reason: str = "") -> None:
    """Switch an account off: it can no longer sign in, and its open sessions and tokens die at once.

    Nothing is deleted: the account, its grants and everything it did stay on record. An
    administrator cannot switch off their own account (``own_account``): they would lock themselves
    out, and another administrator can.
    """
    if by is not None and by.pk == user.pk:
        raise ValidationError(
            {
                "form": ValidationError(
                    _("You cannot deactivate your own account: you would lock yourself out."),
                    code="own_account",
                )
            }
        )
    user.is_active = False
    user.save(update_fields=["is_active"])
    end_sessions(user)
    audit.record(
        AccessAction.USER_DEACTIVATE, actor=by, obj=user, request=request, detail={"reason": reason}
    )


@transaction.atomic
def reactivate_user(user, *, by=None, request=None) -> None:
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit.record(AccessAction.USER_REACTIVATE, actor=by, obj=user, request=request)


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
