"""The administrator's pages for users and role grants: the list, a new user, one user's page
(grant, revoke, deactivate, reactivate, set a temporary password, reset the authenticator).

The browser twin of ``muster users / createuser / grant / revoke / deactivate / reset-totp``
(``muster.access.cli``): every change goes through ``muster.access.services``, so separation of
duties and the audit log are the services' own. No person or case data is shown here (the
administrator sees none). Every change is a POST; a refusal is shown next to its form with a 400.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.access import services as access
from muster.access.audit_actions import AccessAction
from muster.access.decorators import requires
from muster.access.models import Role, RoleGrant
from muster.audit import services as audit
from muster.core.conf import conf
from muster.core.errors import Message, errors_from
from muster.core.parsing import parse_day
from muster.core.text import isolate
from muster.custody.models import Facility

MANAGE = "user.manage"
# The key of a form's errors that belong to no one field ("__all__" cannot be read in a template).
FORM = "form"


def _target(user_id: int):
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise Http404
    return user


def _totp_required(grants) -> bool:
    # From the grants themselves: access.totp_required() counts none for a deactivated account,
    # and the page must say what its holder will be asked for once reactivated.
    required = set(conf().TOTP_REQUIRED_ROLES)
    return any(g.role in required for g in grants)


def _facilities():
    return Facility.objects.filter(is_active=True).order_by("name")


def _error(field: str, text: str, code: str) -> dict[str, list[Message]]:
    return {field: [Message(text, code)]}


def _refusal(exc: ValidationError, fields: set[str]) -> dict[str, list[Message]]:
    """A service's refusal by the form's fields; one about any other field goes to the form."""
    out: dict[str, list[Message]] = {}
    for field, msgs in errors_from(exc, FORM).items():
        out.setdefault(field if field in fields else FORM, []).extend(msgs)
    return out


# --- the list ------------------------------------------------------------------------------------


@requires(MANAGE)
def user_list(request):
    """Every account, deactivated ones too: active, 2FA, roles in force (audited, as the CLI's)."""
    with transaction.atomic():
        accounts = access.accounts()
        audit.record(AccessAction.USER_LIST, request=request, detail={"rows": len(accounts)})
    return render(request, "access/users/list.html", {"accounts": accounts})


# --- a new user ----------------------------------------------------------------------------------


@requires(MANAGE)
def user_create(request):
    """A new account with one role, at one facility or every facility. One transaction: a refused
    role (or facility) leaves no account behind."""
    errors: dict[str, list[Message]] = {}
    values = {"username": "", "role": "", "facility": ""}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        password = request.POST.get("password", "")
        role = values["role"]
        # Every field's refusal at once: the username's and the password's came only once the
        # role and the facility were accepted, a second round of errors.
        problems = access.new_user_problems(values["username"], password)
        if problems:
            errors.update(_refusal(ValidationError(problems), {"username", "password"}))
        if password != request.POST.get("password2", ""):
            errors.update(_error("password2", _("The two passwords differ."), "passwords_differ"))
        if not role:
            errors.update(_error("role", _("Choose a role."), "required"))
        else:
            try:
                access.check_role(role)
            except ValidationError as exc:
                errors.update(_refusal(exc, {"role"}))
        facility, facility_errors = _facility_from(values["facility"])
        errors.update(facility_errors)
        if not errors:
            try:
                with transaction.atomic():  # the account and its grant, or neither
                    user = access.create_user(
                        values["username"], password, by=request.user, request=request
                    )
                    access.grant_role(
                        user, role, facility=facility, by=request.user, request=request
                    )
            except ValidationError as exc:
                errors = _refusal(exc, {"username", "password", "role", "facility"})
            else:
                messages.success(
                    request, _("User %(user)s created.") % {"user": isolate(user.get_username())}
                )
                return redirect("user-detail", user_id=user.pk)
    return render(
        request,
        "access/users/new.html",
        {
            "errors": errors,
            "values": values,
            "roles": Role.choices,
            "facilities": _facilities(),
        },
        status=400 if errors else 200,
    )


def _facility_from(value: str):
    """(facility or None for every facility, errors) from a form's facility field (its id)."""
    if not value:
        return None, {}
    facility = Facility.objects.filter(pk=int(value)).first() if value.isdecimal() else None
    if facility is None:
        return None, _error("facility", _("No such facility."), "no_such_facility")
    return facility, {}


# --- one user ------------------------------------------------------------------------------------


def _detail(request, user, errors: dict | None = None, values: dict | None = None):
    """The user's page; ``errors`` ({form: {field: [messages]}}) put it in answer to a refused POST."""
    grants = access.grants_in_force(user)
    context = {
        "account": user,
        "grants": grants,
        "totp_enrolled": access.confirmed_device(user) is not None,
        "totp_required": _totp_required(grants),
        "temporary_password": access.password_change_required(user),
        "is_self": user.pk == request.user.pk,
        "roles": Role.choices,
        "facilities": _facilities(),
        "errors": errors or {},
        "values": values or {},
    }
    return render(request, "access/users/detail.html", context, status=400 if errors else 200)


@requires(MANAGE)
def user_detail(request, user_id: int):
    return _detail(request, _target(user_id))


def _expiry_from(value: str):
    """(the start of that local day, errors) from a form's YYYY-MM-DD; (None, {}) when empty."""
    if not value:
        return None, {}
    day = parse_day(value)  # typed on an Arabic keyboard too: ٢٠٢٧-٠١-٠١
    if day is None:
        return None, _error("expires_at", _("Not a date (YYYY-MM-DD)."), "not_a_date")
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min)), {}


@requires({"POST": MANAGE})
def user_grant(request, user_id: int):
    user = _target(user_id)
    values = {k: request.POST.get(k, "").strip() for k in ("role", "facility", "expires")}
    errors: dict[str, list[Message]] = {}
    if not values["role"]:
        errors.update(_error("role", _("Choose a role."), "required"))
    facility, facility_errors = _facility_from(values["facility"])
    expires_at, expiry_errors = _expiry_from(values["expires"])
    errors.update(facility_errors)
    errors.update(expiry_errors)
    if not errors:
        try:
            access.grant_role(
                user,
                values["role"],
                facility=facility,
                expires_at=expires_at,
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            errors = _refusal(exc, {"role", "facility", "expires_at"})
    if errors:
        return _detail(request, user, {"grant": errors}, {"grant": values})
    messages.success(
        request,
        _("%(user)s now holds %(role)s at %(where)s.")
        % {
            "user": isolate(user.get_username()),
            "role": Role(values["role"]).label,
            "where": isolate(facility.display_name) if facility else _("every facility"),
        },
    )
    if not user.is_active:
        messages.info(
            request, _("The account is deactivated: the role counts once it is reactivated.")
        )
    return redirect("user-detail", user_id=user.pk)


@requires({"POST": MANAGE})
def user_revoke(request, user_id: int):
    user = _target(user_id)
    value = request.POST.get("grant", "").strip()
    grant = (
        RoleGrant.objects.filter(user=user, pk=int(value))
        .in_force()
        .select_related("facility")
        .first()
        if value.isdecimal()
        else None
    )
    if grant is None:
        errors = _error(FORM, _("That grant is not in force."), "no_such_grant")
        return _detail(request, user, {"revoke": errors})
    try:
        access.revoke_role(grant, by=request.user, request=request)
    except ValidationError as exc:  # one's own last administrator grant
        return _detail(request, user, {"revoke": _refusal(exc, set())})
    messages.success(
        request,
        _("%(user)s no longer holds %(role)s at %(where)s.")
        % {
            "user": isolate(user.get_username()),
            "role": grant.get_role_display(),
            "where": isolate(grant.facility.display_name)
            if grant.facility_id
            else _("every facility"),
        },
    )
    return redirect("user-detail", user_id=user.pk)


@requires({"POST": MANAGE})
def user_deactivate(request, user_id: int):
    user = _target(user_id)
    reason = request.POST.get("reason", "").strip()
    errors: dict[str, list[Message]] = {}
    if not user.is_active:
        errors = _error(FORM, _("The account is already deactivated."), "already_inactive")
    elif not reason:
        errors = _error("reason", _("Say why (kept in the audit log)."), "required")
    else:
        try:
            access.deactivate_user(user, by=request.user, request=request, reason=reason)
        except ValidationError as exc:  # one's own account
            errors = _refusal(exc, {"reason"})
    if errors:
        return _detail(request, user, {"deactivate": errors}, {"reason": reason})
    messages.success(
        request,
        _("%(user)s is deactivated: signed out everywhere, API token revoked.")
        % {"user": isolate(user.get_username())},
    )
    return redirect("user-detail", user_id=user.pk)


@requires({"POST": MANAGE})
def user_reactivate(request, user_id: int):
    user = _target(user_id)
    if user.is_active:
        return _detail(
            request,
            user,
            {"deactivate": _error(FORM, _("The account is active."), "already_active")},
        )
    access.reactivate_user(user, by=request.user, request=request)
    messages.success(
        request, _("%(user)s is active again.") % {"user": isolate(user.get_username())}
    )
    return redirect("user-detail", user_id=user.pk)


@requires(MANAGE)
def user_reset_totp(request, user_id: int):
    """Forget the user's authenticator (a lost phone), after a confirmation step (GET shows it)."""
    user = _target(user_id)
    required = _totp_required(access.grants_in_force(user))
    error = None
    if request.method == "POST":
        if request.POST.get("confirm") == "yes":
            had_device = access.reset_totp(user, by=request.user, request=request)
            done = (
                _("%(user)s's authenticator is forgotten; signed out everywhere.")
                if had_device
                else _("%(user)s had no authenticator enrolled; signed out everywhere.")
            )
            messages.success(request, done % {"user": isolate(user.get_username())})
            if required:
                messages.info(
                    request,
                    _("%(user)s must enrol an authenticator app again at their next sign-in.")
                    % {"user": isolate(user.get_username())},
                )
            return redirect("user-detail", user_id=user.pk)
        error = Message(_("Confirm the reset to go ahead."), "not_confirmed")
    return render(
        request,
        "access/users/reset_totp.html",
        {
            "account": user,
            "enrolled": access.confirmed_device(user) is not None,
            "required": required,
            "error": error,
        },
        status=400 if error else 200,
    )


@requires({"POST": MANAGE})
def user_set_password(request, user_id: int):
    """A temporary password for a user who has forgotten theirs: typed twice, told to them by the
    administrator; they must choose their own at their next sign-in."""
    user = _target(user_id)
    password = request.POST.get("password", "")
    errors: dict[str, list[Message]] = {}
    if not password:
        errors = _error("password", _("Type the temporary password."), "required")
    elif password != request.POST.get("password2", ""):
        errors = _error("password2", _("The two passwords differ."), "passwords_differ")
    else:
        try:
            access.set_temporary_password(user, password, by=request.user, request=request)
        except ValidationError as exc:
            errors = _refusal(exc, {"password"})
    if errors:
        return _detail(request, user, {"password": errors})
    messages.success(
        request,
        _(
            "%(user)s's password is set and their sessions have ended. Tell it to them in person "
            "or by a trusted channel: they must choose their own at their next sign-in."
        )
        % {"user": isolate(user.get_username())},
    )
    return redirect("user-detail", user_id=user.pk)
