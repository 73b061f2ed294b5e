"""Users and their role grants, with separation of duties (incompatible roles at one facility)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.access.audit_actions import AccessAction
from muster.access.models import (
    Role,
    RoleGrant,
    TotpDevice,
)
from muster.access.policy import INCOMPATIBLE_ROLES, active_grants
from muster.access.services.sessions import end_sessions
from muster.audit import services as audit
from muster.core.conf import conf
from muster.custody.models import Facility


def user_named(username: str):
    """The account called ``username`` (deactivated ones included)."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError(
            {
                "username": [
                    ValidationError(
                        _("no user named '%(u)s'") % {"u": username}, code="no_such_user"
                    )
                ]
            }
        )
    return user


def facility_named(name: str):

    facility = Facility.objects.filter(name=name).first()
    if facility is None:
        raise ValidationError(
            {
                "facility": [
                    ValidationError(
                        _("no facility named '%(n)s'") % {"n": name}, code="no_such_facility"
                    )
                ]
            }
        )
    return facility


def check_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationError(
            {
                "role": [
                    ValidationError(
                        _("'%(v)s' is not a role (one of: %(roles)s)")
                        % {"v": role, "roles": ", ".join(Role.values)},
                        code="no_such_role",
                    )
                ]
            }
        )


def _role_text(role: str) -> str:
    """A role as the reader says it, with the code the CLI takes: "Camp manager (camp_manager)"."""
    try:
        return f"{Role(role).label} ({role})"
    except ValueError:
        return role


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
    check_role(role)
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
                    ValidationError(
                        _("%(t)s is not in the future")
                        % {"t": timezone.localtime(expires_at).strftime("%Y-%m-%d %H:%M")},
                        code="not_in_future",
                    )
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
                        ValidationError(
                            _(
                                "%(user)s already holds %(other)s at %(where)s; it cannot be combined with %(role)s"
                            )
                            % {
                                "user": user.get_username(),
                                "other": _role_text(other.role),
                                "where": _where(other),
                                "role": _role_text(role),
                            },
                            code="incompatible_roles",
                        )
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
                    ValidationError(
                        _(
                            "%(user)s was granted %(role)s at %(where)s by someone else a moment ago; "
                            "nothing was changed"
                        )
                        % {
                            "user": user.get_username(),
                            "role": _role_text(role),
                            "where": facility.name if facility else _("every facility"),
                        },
                        code="granted_meanwhile",
                    )
                ]
            }
        ) from None
    audit.record(
        AccessAction.ROLE_GRANT,
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
    """Revoke a grant; a user left with no role at all is signed out everywhere at once.

    An administrator cannot revoke their own last administrator grant in force
    (``own_last_administrator_grant``): they would lock themselves out, and another one can.
    """
    if (
        by is not None
        and by.pk == grant.user_id
        and grant.role == Role.ADMINISTRATOR
        and not RoleGrant.objects.filter(user_id=grant.user_id, role=Role.ADMINISTRATOR)
        .in_force()
        .exclude(pk=grant.pk)
        .exists()
    ):
        raise ValidationError(
            {
                "form": ValidationError(
                    _(
                        "You cannot revoke your own last administrator grant: you would lock "
                        "yourself out. Another administrator can."
                    ),
                    code="own_last_administrator_grant",
                )
            }
        )
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    audit.record(
        AccessAction.ROLE_REVOKE,
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
    check_role(role)
    held = list(
        RoleGrant.objects.filter(user=user, role=role).in_force().select_related("facility")
    )
    names = {"user": user.get_username(), "role": _role_text(role)}
    if not held:
        raise ValidationError(
            {
                "role": [
                    ValidationError(
                        _("%(user)s holds no %(role)s grant") % names, code="no_such_grant"
                    )
                ]
            }
        )
    if facility is not None:
        there = [g for g in held if g.facility_id == facility.pk]
        if not there:
            places = ", ".join(sorted(_where(g) for g in held))
            raise ValidationError(
                {
                    "facility": [
                        ValidationError(
                            _("%(user)s holds %(role)s at %(places)s, not at %(facility)s alone")
                            % {**names, "places": places, "facility": facility.name},
                            code="grant_elsewhere",
                        )
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
    pk: int | None = None  # the account's id (the pages link to it)


def _in_force_by_role():
    # "Every facility" first on every database (SQLite and PostgreSQL sort NULL differently).
    return (
        RoleGrant.objects.in_force()
        .select_related("facility")
        .order_by("role", F("facility__name").asc(nulls_first=True))
    )


def grants_in_force(user) -> list[RoleGrant]:
    """The user's grants in force, by role, "every facility" first (as :func:`accounts` lists
    them); a deactivated user's too."""
    return list(_in_force_by_role().filter(user=user))


def accounts() -> list[Account]:
    """Every user (deactivated ones too) with the grants in force, by username."""
    in_force = _in_force_by_role()
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
            pk=u.pk,
        )
        for u in users
    ]


@transaction.atomic
def new_user_problems(
    username: str, password: str, *, check_password: bool = True
) -> dict[str, list[ValidationError]]:
    """Every refusal of a new account's username and password at once, by field (empty: none): a
    form shows them together, not the username's first and the password's on the next round."""
    User = get_user_model()
    username = (username or "").strip()
    problems: dict[str, list[ValidationError]] = {}
    if not username:
        problems["username"] = [ValidationError(_("is required"), code="required")]
    elif User.objects.filter(username=username).exists():
        problems["username"] = [
            ValidationError(_("'%(u)s' already exists") % {"u": username}, code="username_taken")
        ]
    else:
        try:
            # The model's own rule (letters, digits and @ . + - _, at most 150): create_user()
            # builds the row without a form, which would not check it.
            User._meta.get_field(User.USERNAME_FIELD).run_validators(username)
        except ValidationError:
            # In Muster's words: Django's are English on a Kurmanji page (it has no catalogue).
            problems["username"] = [
                ValidationError(
                    _("'%(u)s' is not a username: letters, digits and @ . + - _ only, at most 150")
                    % {"u": username[:60]},
                    code="invalid_username",
                )
            ]
    if check_password:
        try:
            validate_password(password, User(username=username))
        except ValidationError as exc:
            problems["password"] = [ValidationError(m, code="weak_password") for m in exc.messages]
    return problems


def create_user(
    username: str,
    password: str,
    *,
    roles: Iterable[str] = (),
    facility_names: Iterable[str] = (),
    by=None,
    check_password: bool = True,
    request=None,
):
    username = (username or "").strip()
    problems = new_user_problems(username, password, check_password=check_password)
    if problems:
        raise ValidationError(problems)
    user = get_user_model()(username=username)
    user.set_password(password)
    user.save()
    facilities = [facility_named(name) for name in facility_names]
    audit.record(AccessAction.USER_CREATE, actor=by, obj=user, request=request)
    for role in roles:
        for facility in facilities or [None]:
            grant_role(user, role, facility=facility, by=by, request=request)
    return user
