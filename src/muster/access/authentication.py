"""The API's token authentication (its own module: DRF's settings import it while DRF loads)."""

from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from muster.access import services as access


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token, with the session's clocks: it expires, dies idle, and its life is audited."""

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is None:
            return None
        user, token = found
        # The plain request: DRF's would authenticate again when the audit asks for its user.
        reason = access.api_token_refusal(token, request=getattr(request, "_request", request))
        if reason is not None:
            raise AuthenticationFailed(
                _("this token has expired; sign in again for a new one")
                if reason == "expired"
                else _("this token was unused too long; sign in again for a new one")
            )
        return user, token
