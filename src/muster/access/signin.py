"""Sign-in, once for every door (the sign-in page, the API token): the account and address locks,
the password, the second factor, and the record of each attempt.

Every attempt is written in a transaction of its own that must be the outermost one (``durable``): a
door cannot wrap it in a transaction that its refusal then rolls back, so a failure always counts
towards the lock, whichever door it came through. A password accepted while a second factor is still
owed is not a successful sign-in: otherwise each guess at the code would follow a "success" and the
account would never lock.
"""

import hashlib
import hmac
from datetime import datetime

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from muster.access import services as access
from muster.access.audit_actions import AccessAction
from muster.audit import services as audit

WEB = ""  # the sign-in page: its audit events carry no "via"
API_TOKEN = "api-token"
PASSWORD_CHANGE = "password-change"
API_PASSWORD_CHANGE = "api-password-change"


class SignInLocked(Exception):
    """Sign-in is locked for this account or address until ``until``."""

    def __init__(self, until: datetime):
        super().__init__(f"sign-in locked until {until.isoformat()}")
        self.until = until


def who_typed(username: str) -> dict:
    """How the audit log names the username typed at a failed sign-in.

    An account's name as it is. Anything else (a password typed in the wrong box, a person's name) is
    kept only as a keyed digest: the append-only log keeps it forever, and the digest still shows
    the same string tried again and again.
    """
    if get_user_model().objects.filter(username=username).exists():
        return {"username": username}
    digest = hmac.new(settings.SECRET_KEY.encode(), username.encode(), hashlib.sha256)
    return {"username_hmac": digest.hexdigest()[:32]}


def _detail(username: str, via: str) -> dict:
    return {**who_typed(username), **({"via": via} if via else {})}


def refuse_if_locked(request, username: str) -> None:
    """Raise :class:`SignInLocked` (and record the refused try) if sign-in is locked."""
    until = access.locked_until(username, audit.client_ip(request))
    if until is not None:
        with transaction.atomic(durable=True):
            audit.record(AccessAction.LOGIN_LOCKED, request=request, detail=who_typed(username))
        raise SignInLocked(until)


def password_failed(request, username: str, *, via: str = WEB) -> datetime | None:
    """Record a wrong username or password; returns when sign-in opens again if it is now locked."""
    ip = audit.client_ip(request)
    with transaction.atomic(durable=True):
        access.note_login_attempt(username, ip, False)
        # The username is recorded (to see guessing), as a digest unless it names an account; the
        # password never is.
        audit.record(AccessAction.LOGIN_FAILURE, request=request, detail=_detail(username, via))
        until = access.locked_until(username, ip)
        if until is not None:
            audit.record(AccessAction.ACCOUNT_LOCK, request=request, detail=who_typed(username))
    return until


def password_accepted(request, user, *, via: str = WEB) -> None:
    """The password was right: a sign-in if no second factor is owed, else half of one."""
    with transaction.atomic(durable=True):
        if not access.second_factor_needed(user):
            access.note_login_attempt(user.get_username(), audit.client_ip(request), True)
        audit.record(
            AccessAction.LOGIN_SUCCESS,
            actor=user,
            obj=user,
            request=request,
            detail={"via": via} if via else None,
        )


def second_factor(request, user, code: str) -> bool:
    """Check an authenticator code for ``user``; a wrong one counts towards the lock.

    Raises :class:`SignInLocked` when sign-in is locked (before or because of this code).
    """
    username = user.get_username()
    ip = audit.client_ip(request)
    refuse_if_locked(request, username)
    with transaction.atomic(durable=True):
        ok = access.verify_totp(user, code, request=request)
        access.note_login_attempt(username, ip, ok, second_factor=True)
        until = None if ok else access.locked_until(username, ip)
        if until is not None:
            audit.record(AccessAction.ACCOUNT_LOCK, request=request, detail=who_typed(username))
    if until is not None:
        raise SignInLocked(until)
    return ok


def token_sign_in(request, username: str, password: str, totp_code: str = "") -> str:
    """Sign in for an API token (the same locks and records as the sign-in page); returns the token.

    Raises :class:`SignInLocked`, or ``ValidationError`` naming ``non_field_errors`` (wrong username
    or password) or ``totp_code`` (a second factor is owed and the code is missing or wrong).
    """
    username = (username or "").strip()
    refuse_if_locked(request, username)
    user = authenticate(getattr(request, "_request", request), username=username, password=password)
    if user is None:
        until = password_failed(request, username, via=API_TOKEN)
        if until is not None:
            raise SignInLocked(until)
        message = _("wrong username or password")
        raise ValidationError(
            {"non_field_errors": ValidationError(message, code="wrong_credentials")}
        )
    password_accepted(request, user, via=API_TOKEN)
    if access.second_factor_needed(user) and not second_factor(request, user, totp_code):
        raise _code_required()
    if access.password_change_required(user):
        message = _("an administrator set this password: change it on the web first")
        raise ValidationError(
            {"non_field_errors": ValidationError(message, code="password_change_required")}
        )
    return access.new_api_token(user, request=request)


def _code_required() -> ValidationError:
    message = _("a current code from the authenticator is required")
    return ValidationError({"totp_code": ValidationError(message, code="second_factor_required")})


def change_password(request, user, old_password: str, new_password: str, *, via: str) -> datetime:
    """A signed-in user changes their own password: the old one is required.

    A wrong old password is a failed sign-in (recorded, counted towards the same locks): a stolen
    session must not become a way to guess the password. Raises :class:`SignInLocked`, or
    ``ValidationError`` naming ``old_password`` or ``new_password``. Every session and API token
    of the user ends (:func:`muster.access.services.set_own_password`); returns that moment.
    """
    username = user.get_username()
    refuse_if_locked(request, username)
    if not user.check_password(old_password or ""):
        until = password_failed(request, username, via=via)
        if until is not None:
            raise SignInLocked(until)
        raise ValidationError({"old_password": [_("is not your current password")]})
    return access.set_own_password(user, new_password or "", request=request)
