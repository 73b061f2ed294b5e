"""Sign-in (with throttling and a second factor), sign-out, authenticator enrolment and password
change pages."""

import time

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from muster.access import services as access
from muster.access import signin
from muster.access.audit_actions import AccessAction
from muster.access.decorators import public, signed_in
from muster.access.forms import SignInForm
from muster.access.middleware import SECOND_FACTOR_OK, SIGNED_IN_AT
from muster.audit import services as audit
from muster.core.conf import conf
from muster.core.errors import Message, errors_from


def _lock_message(until) -> str:
    return _(
        "Sign-in is locked after %(n)s failed attempts. Try again after %(time)s, "
        "or ask an administrator to check the account."
    ) % {
        "n": conf().LOGIN_LOCK_AFTER,
        "time": time_format(timezone.localtime(until), "H:i"),
    }


@public
class LoginView(auth_views.LoginView):
    """Password sign-in; locks the account (and the source address) after repeated failures."""

    template_name = "registration/login.html"
    authentication_form = SignInForm

    def post(self, request, *args, **kwargs):
        try:
            signin.refuse_if_locked(request, request.POST.get("username", "").strip())
        except signin.SignInLocked as locked:
            return self._locked(self.get_form(), locked.until)
        return super().post(request, *args, **kwargs)

    def _locked(self, form, until):
        form.errors.clear()
        form.add_error(None, _lock_message(until))
        return self.render_to_response(self.get_context_data(form=form), status=429)

    def form_valid(self, form):
        response = super().form_valid(form)  # signs in (and starts the session clocks)
        signin.password_accepted(self.request, form.get_user())
        return response

    def form_invalid(self, form):
        username = self.request.POST.get("username", "").strip()
        until = signin.password_failed(self.request, username)
        if until is not None:
            return self._locked(form, until)
        return super().form_invalid(form)


@public
class LogoutView(auth_views.LogoutView):
    """Sign-out (POST): the session is deleted from the store at once, and the browser is told to
    forget what it stored for the site (reception drafts hold names, on laptops officers share)."""

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            audit.record(AccessAction.LOGOUT, request=request)
            # Signing out means leaving: the person's API token ends too (a script on a shared
            # laptop must not keep their access).
            access.revoke_api_token(request.user, reason="logout", request=request)
        response = super().post(request, *args, **kwargs)
        # Browsers honour this only over HTTPS or on localhost; on a plain-HTTP field network the
        # clear-draft marker on the signed-out page has muster.js drop the drafts instead.
        response["Clear-Site-Data"] = '"storage"'
        messages.info(request, _("You have signed out."), extra_tags="clear-draft")
        return response


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return settings.LOGIN_REDIRECT_URL


def _second_factor_given(request) -> None:
    request.session.cycle_key()  # a new session id once fully signed in
    request.session[SECOND_FACTOR_OK] = True


@signed_in
def totp_verify(request):
    """The second step of sign-in: a code from the authenticator app."""
    user = request.user
    if access.confirmed_device(user) is None:
        return redirect("totp-enrol")
    error = ""
    status = 200
    if request.method == "POST":
        try:
            ok = signin.second_factor(request, user, request.POST.get("code", ""))
        except signin.SignInLocked as locked:
            error, status = _lock_message(locked.until), 429
        else:
            if ok:
                _second_factor_given(request)
                return redirect(_next_url(request))
            error, status = (
                _("That code is not right or has already been used; try the next one."),
                400,
            )
    return render(
        request,
        "access/totp_verify.html",
        {"error": error, "next": _next_url(request)},
        status=status,
    )


@signed_in
def totp_enrol(request):
    """Enrol an authenticator app: scan the QR code (or type the key), then confirm with one code."""
    user = request.user
    if access.confirmed_device(user) is not None:
        return redirect("totp-verify")
    device = access.start_totp_enrolment(user)
    error = ""
    status = 200
    if request.method == "POST":
        if access.confirm_totp_enrolment(user, request.POST.get("code", ""), request=request):
            _second_factor_given(request)
            return redirect(_next_url(request))
        error, status = _("That code is not right; check the phone's clock and try again."), 400
    uri = access.provisioning_uri(device)
    # Drawn here as inline SVG: no image service, works offline.
    qr = mark_safe(segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff"))
    key = " ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4))
    return render(
        request,
        "access/totp_enrol.html",
        {
            "qr": qr,
            "key": key,
            "error": error,
            "next": _next_url(request),
            "required": access.totp_required(user),
        },
        status=status,
    )


@signed_in
def password_change(request):
    """Change one's own password: the current one, the new one twice. Every other session and the
    API token end; this session goes on (the user has just proved the password)."""
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        old = request.POST.get("old_password", "")
        new = request.POST.get("new_password", "")
        if new != request.POST.get("new_password2", ""):
            errors["new_password2"] = [
                Message(_("the two new passwords differ"), "passwords_differ")
            ]
        else:
            try:
                ended = signin.change_password(
                    request, request.user, old, new, via=signin.PASSWORD_CHANGE
                )
            except signin.SignInLocked as locked:
                errors["old_password"] = [Message(_lock_message(locked.until), "locked")]
                status = 429
            except ValidationError as exc:
                errors = errors_from(exc)
            else:
                update_session_auth_hash(request, request.user)
                request.session.cycle_key()
                # The sessions that began before the change have ended; this one begins again.
                request.session[SIGNED_IN_AT] = max(time.time(), ended.timestamp() + 0.001)
                messages.success(
                    request,
                    _(
                        "Your password has been changed. Your other sessions and API token have ended."
                    ),
                )
                return redirect(settings.LOGIN_REDIRECT_URL)
        status = status if status != 200 else 400
    context = {"errors": errors, "required": access.password_change_required(request.user)}
    return render(request, "access/password_change.html", context, status=status)
