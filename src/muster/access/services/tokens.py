"""API tokens: issued, rotated, revoked; refused when expired or unused too long."""

import hashlib
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.access.audit_actions import AccessAction
from muster.access.models import (
    ApiTokenUse,
)
from muster.audit import services as audit
from muster.core.conf import conf


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
        raise ValidationError(
            {"user": [ValidationError(_("this account is deactivated"), code="deactivated")]}
        )
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
        AccessAction.API_TOKEN_ROTATE if rotated else AccessAction.API_TOKEN_ISSUE,
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
            AccessAction.API_TOKEN_REVOKE,
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
                AccessAction.API_TOKEN_EXPIRE,
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
                AccessAction.API_TOKEN_USE,
                actor=token.user,
                obj=token.user,
                request=request,
                detail={"token": token_id(token.key), "first": True},
            )
    elif now - use.last_used_at > _TOKEN_USE_GRANULARITY:
        ApiTokenUse.objects.filter(pk=use.pk).update(last_used_at=now)
    return None
