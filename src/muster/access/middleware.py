"""Request-wide guards: audit every refused request, expire sessions, enforce two-factor sign-in and
the change of a password an administrator set."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from muster.access import services as access
from muster.access.audit_actions import AccessAction
from muster.access.lookup import record_refusal_after_rollback
from muster.access.services import sessions_valid_after
from muster.audit import services as audit
from muster.audit.models import AuditEvent
from muster.audit.services import record_denied
from muster.core.conf import conf

REFUSED_STATUSES = frozenset({401, 403})

# Session keys (seconds since the epoch): when the user signed in, when we last saw a request.
SIGNED_IN_AT = "muster_signed_in_at"
SEEN_AT = "muster_seen_at"
SECOND_FACTOR_OK = "muster_2fa_ok"
# Set once this session's user is known to sign in with a password of their own (an administrator
# who sets a temporary one ends every session of the user, so the flag cannot outlive it).
OWN_PASSWORD_OK = "muster_own_password_ok"
# Writing the session on every request would cost a database write per click; a minute is precise enough.
SEEN_RESOLUTION_SECONDS = 60


class AuditRefusalMiddleware:
    """Record every 401/403 response that was not already recorded by ``record_denied``.

    It runs outside the view's transaction, so a refusal raised inside a rolled-back block is still
    recorded: when the view's own event was rolled back with it, the event is written again here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in REFUSED_STATUSES:
            recorded = getattr(request, "_muster_denied_event", None)
            if recorded is not None and not AuditEvent.objects.filter(pk=recorded).exists():
                request._muster_denied_event = None
            record_denied(request, f"HTTP {response.status_code}")
        elif response.status_code == 404:
            # An object outside the user's scope, refused inside a transaction that rolled back.
            record_refusal_after_rollback(request)
        return response


def start_session_clock(sender, request, user, **kwargs) -> None:
    """On sign-in (``user_logged_in``): start the idle and absolute clocks of the new session."""
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now


def _expiry_reason(request, user) -> str:

    session = request.session
    now = time.time()
    signed_in = session.get(SIGNED_IN_AT)
    if signed_in is None:
        return "no sign-in time"
    if now - session.get(SEEN_AT, signed_in) > conf().SESSION_IDLE_MINUTES * 60:
        return "idle"
    if now - signed_in > conf().SESSION_MAX_HOURS * 3600:
        return "maximum length"
    fence = sessions_valid_after(user)
    if fence is not None and signed_in <= fence.timestamp():
        return (
            "ended everywhere"  # deactivation, lost authenticator, role revoked, password changed
        )
    return ""


class SessionExpiryMiddleware:
    """End sessions idle too long, too old, or fenced off by deactivation / "sign out everywhere"."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            reason = _expiry_reason(request, user)
            if reason:
                audit.record(
                    AccessAction.SESSION_EXPIRE,
                    actor=user,
                    request=request,
                    detail={"reason": reason},
                )
                logout(request)
                messages.info(request, _("Your session has ended; please sign in again."))
            elif time.time() - request.session.get(SEEN_AT, 0) > SEEN_RESOLUTION_SECONDS:
                request.session[SEEN_AT] = time.time()
        return self.get_response(request)


# Paths a signed-in user may reach before the second factor: the 2FA pages themselves, sign-out,
# static files and the language switch.
def _exempt(path: str) -> bool:
    prefixes = (
        reverse("totp-verify"),
        reverse("totp-enrol"),
        reverse("logout"),
        reverse("login"),
        "/" + settings.STATIC_URL.lstrip("/"),
        "/i18n/",
    )
    return path.startswith(prefixes)


class _OwedStep:
    """A step of signing in that a user may still owe: until it is done they reach only the pages
    that do it (``allowed``); a page request is sent to ``page``, an API client with a session
    gets a 403 with ``api_detail``."""

    session_flag = ""  # set in the session once the step is done

    def __init__(self, get_response):
        self.get_response = get_response

    def owed(self, user) -> bool:
        raise NotImplementedError

    def allowed(self, path: str) -> bool:
        return _exempt(path)

    def page(self, request, user) -> str:
        raise NotImplementedError

    def api_detail(self) -> str:
        raise NotImplementedError

    def done(self, request) -> None:
        """Called when the user is found to owe nothing (may remember it in the session)."""

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.session.get(self.session_flag)
            and not self.allowed(request.path)
        ):
            if self.owed(user):
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": self.api_detail()}, status=403)
                return redirect(self.page(request, user))
            self.done(request)
        return self.get_response(request)


class TwoFactorMiddleware(_OwedStep):
    """A signed-in user who needs a second factor reaches nothing else until they have given it.

    Users of roles in MUSTER["TOTP_REQUIRED_ROLES"] without an authenticator are sent to enrol first.
    API clients with a session get a 403; API tokens are only issued against a TOTP code. Not
    owing one now is not remembered: a role granted later may require it.
    """

    session_flag = SECOND_FACTOR_OK

    def owed(self, user) -> bool:
        return access.second_factor_needed(user)

    def page(self, request, user) -> str:
        enrolled = access.confirmed_device(user) is not None
        target = reverse("totp-verify" if enrolled else "totp-enrol")
        return f"{target}?{urlencode({'next': request.get_full_path()})}"

    def api_detail(self) -> str:
        return _("two-factor verification is required for this account")


class PasswordChangeMiddleware(_OwedStep):
    """A user signed in with a password an administrator set reaches nothing but the page that
    changes it (and the second factor's, which comes first) until they have chosen their own."""

    session_flag = OWN_PASSWORD_OK

    def owed(self, user) -> bool:
        return access.password_change_required(user)

    def allowed(self, path: str) -> bool:
        return _exempt(path) or path.startswith(reverse("password-change"))

    def page(self, request, user) -> str:
        return reverse("password-change")

    def api_detail(self) -> str:
        return _("this account must change its password on the web first")

    def done(self, request) -> None:
        request.session[OWN_PASSWORD_OK] = True
