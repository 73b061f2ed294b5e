"""Sessions, deactivation and sign-in throttling (the failed attempts that lock an account)."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from muster.access.audit_actions import AccessAction
from muster.access.models import (
    LoginAttempt,
    SessionFence,
)
from muster.access.services.tokens import revoke_api_token
from muster.audit import services as audit
from muster.core.conf import conf


def end_sessions(user) -> None:
    """Invalidate every session and API token of ``user`` now (checked by SessionExpiryMiddleware)."""
    SessionFence.objects.update_or_create(user=user, defaults={"valid_after": timezone.now()})
    revoke_api_token(user, reason="sessions ended")


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
    window lock that pair only, so a stranger guessing cannot lock the officer out at their own
    desk. An account is locked from everywhere only after LOGIN_ACCOUNT_LIMIT failures in a row
    (guessing spread over many addresses). An address is refused after LOGIN_IP_LIMIT failures
    within the window, whichever accounts they were for (many officers share one NAT address, so
    that limit is high).
    """
    since = timezone.now() - lock_window()
    window = LoginAttempt.objects.filter(username=username, at__gte=since)
    last = _failing_run(window.filter(ip=ip), conf().LOGIN_LOCK_AFTER)
    last = last or _failing_run(window, conf().LOGIN_ACCOUNT_LIMIT)
    if last is not None:
        return last + lock_window()
    if ip:
        failures = LoginAttempt.objects.filter(ip=ip, at__gte=since, succeeded=False)
        if failures.count() >= conf().LOGIN_IP_LIMIT:
            return failures.order_by("-at").values_list("at", flat=True).first() + lock_window()
    return None


def note_login_attempt(username: str, ip: str, succeeded: bool) -> None:
    LoginAttempt.objects.create(at=timezone.now(), username=username, ip=ip, succeeded=succeeded)
