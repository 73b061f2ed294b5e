"""Request-wide guards: audit every refused request, expire sessions, enforce two-factor sign-in."""

from muster.audit.models import AuditEvent

REFUSED_STATUSES = frozenset({401, 403})


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
            from muster.audit.services import record_denied

            recorded = getattr(request, "_muster_denied_event", None)
            if recorded is not None and not AuditEvent.objects.filter(pk=recorded).exists():
                request._muster_denied_event = None
            record_denied(request, f"HTTP {response.status_code}")
        return response
