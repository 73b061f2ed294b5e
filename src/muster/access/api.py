"""The API of access: exchange a username, password (and code) for a token."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.exceptions import Throttled
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

from muster.access import signin
from muster.api import serializers as s
from muster.api.base import (
    PolicyViewSet,
)
from muster.api.permissions import (
    PUBLIC,
)
from muster.core.conf import conf

# ---------------------------------------------------------------- token


class TokenThrottle(SimpleRateThrottle):
    """Password guessing through the API is slowed per source address."""

    scope = "api-token"

    def __init__(self):
        self.rate = conf().API_TOKEN_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


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
    policy_action = {"create": PUBLIC}

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


ROUTES = [("auth/token", TokenViewSet, "api-token")]
