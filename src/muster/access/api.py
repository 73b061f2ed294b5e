"""The API of access: exchange a username, password (and code) for a token."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

from muster.access import serializers as s
from muster.access import services as access
from muster.access import signin
from muster.api.base import (
    ExpiringTokenAuthentication,
    PolicyViewSet,
)
from muster.api.permissions import (
    PUBLIC,
    SIGNED_IN,
)
from muster.audit import services as audit
from muster.core.conf import conf

# ---------------------------------------------------------------- token


class TokenThrottle(SimpleRateThrottle):
    """Password guessing through the API is slowed per source address."""

    scope = "api-token"

    def __init__(self):
        self.rate = conf().API_TOKEN_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_cache_key(self, request, view) -> str:
        # Not DRF's get_ident: it believes any client's X-Forwarded-For (a new bucket per request).
        return self.cache_format % {"scope": self.scope, "ident": audit.client_ip(request)}


@extend_schema_view(
    create=extend_schema(
        request=s.TokenInputSerializer,
        responses={200: s.TokenSerializer},
        auth=[],
        description="Exchange a username and password (and, for roles that need it, a current "
        "authenticator code) for an API token; use it as `Authorization: Token <token>`. Issuing a "
        "token replaces the previous one.",
    )
)
class TokenViewSet(PolicyViewSet):
    authentication_classes = []  # no session, so no CSRF dance for a script
    throttle_classes = [TokenThrottle]
    serializer_class = s.TokenSerializer
    pagination_class = None
    policy_action = {"create": PUBLIC, "rotate": SIGNED_IN, "revoke": SIGNED_IN}

    def create(self, request):
        serializer = s.TokenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            key = signin.token_sign_in(
                request, data["username"], data["password"], data.get("totp_code", "")
            )
        except signin.SignInLocked as locked:
            raise Throttled(wait=max(1, (locked.until - timezone.now()).total_seconds())) from None
        return Response({"token": key})

    @extend_schema(
        request=None,
        responses={200: s.TokenSerializer},
        description="Exchange the token you call with for a new one (the old one ends at once). "
        "Tokens expire; rotate before that, or sign in again.",
    )
    @action(
        detail=False,
        methods=["post"],
        authentication_classes=[ExpiringTokenAuthentication, SessionAuthentication],
        throttle_classes=[],
    )
    def rotate(self, request):
        if not isinstance(request.auth, Token):
            # A browser session must not mint credentials without the password and code.
            message = _("rotate the token you call with: send 'Authorization: Token <token>'")
            raise ValidationError({"token": [message]})
        key = access.new_api_token(request.user, request=request, rotated=True)
        return Response({"token": key})

    @extend_schema(
        request=None,
        responses={204: None},
        description="Sign out of the API: your token ends at once.",
    )
    @action(
        detail=False,
        methods=["post"],
        authentication_classes=[ExpiringTokenAuthentication, SessionAuthentication],
        throttle_classes=[],
    )
    def revoke(self, request):
        access.revoke_api_token(request.user, reason="logout", request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---------------------------------------------------------------- password


@extend_schema_view(
    create=extend_schema(
        request=s.PasswordChangeInputSerializer,
        responses={200: s.PasswordChangedSerializer},
        description="Change your own password: the current one is required and the password "
        "policy applies. Every session and API token of yours ends, the one you call with "
        "included: sign in again with the new password.",
    )
)
class PasswordViewSet(PolicyViewSet):
    authentication_classes = [ExpiringTokenAuthentication, SessionAuthentication]
    # Guessing the current password through a stolen token is slowed like the token door.
    throttle_classes = [TokenThrottle]
    serializer_class = s.PasswordChangedSerializer
    pagination_class = None
    policy_action = {"create": SIGNED_IN}

    def create(self, request):
        serializer = s.PasswordChangeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            signin.change_password(
                request,
                request.user,
                data["old_password"],
                data["new_password"],
                via=signin.API_PASSWORD_CHANGE,
            )
        except signin.SignInLocked as locked:
            raise Throttled(wait=max(1, (locked.until - timezone.now()).total_seconds())) from None
        message = _("Password changed. Every session and API token has ended: sign in again.")
        return Response({"detail": message})


ROUTES = [
    ("auth/token", TokenViewSet, "api-token"),
    ("auth/password", PasswordViewSet, "api-password"),
]
