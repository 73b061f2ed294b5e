"""The verbs of access: create users, grant and revoke roles (with separation of duties)."""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.access.models import Role, RoleGrant
from muster.access.policy import INCOMPATIBLE_ROLES
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
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    audit.record(
        "role.revoke", actor=by, obj=grant.user, request=request, detail={"role": grant.role}
    )


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
