"""The API's one permission class: every view names the policy action each of its actions needs.

A view declares ``policy_action = {"list": "person.view", "create": "person.register", ...}`` keyed by
the DRF view action (``list``, ``retrieve``, ``create``, ``partial_update`` or an ``@action`` name).
An action the view does not declare is refused: a new endpoint is closed until someone decides who may
use it. Object scope (facility-scoped roles) is the view's job: querysets go through
``policy.scope_persons`` and an object outside the scope answers 404 (see :func:`muster.access.lookup.get_in_scope`).
"""

from rest_framework.permissions import BasePermission

from muster.access import lookup, policy
from muster.audit import services as audit

#: Marker for an endpoint anyone may call, signed in or not (the token endpoint).
PUBLIC = "public"
#: Marker for an endpoint any signed-in user may call, whatever their roles (their own token).
SIGNED_IN = "signed_in"


def view_policy_action(view) -> str | None:
    """The policy action the current request needs on ``view`` (``None``: not declared)."""
    mapping = getattr(view, "policy_action", None) or {}
    return mapping.get(getattr(view, "action", None))


def audit_denied(request, reason: str, *, obj=None) -> None:
    """Record a refused request once (``request.denied``); the reason names an action, never a person."""
    audit.record_denied(request, reason, obj=obj)


def record_pending_refusal(request) -> None:
    """Write again a refusal that the view's rolled-back transaction took with it."""
    lookup.record_refusal_after_rollback(request)


class PolicyPermission(BasePermission):
    """Allow the request only if the user's roles grant the view's declared action."""

    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        action = view_policy_action(view)
        if action == PUBLIC:
            return True
        user = request.user
        if not (user and user.is_authenticated):
            return False  # DRF answers 401 (not signed in), not 403
        if action == SIGNED_IN:
            return True
        if action is None:
            audit_denied(request, f"no policy action declared for {getattr(view, 'action', '?')}")
            return False
        if policy.can(user, action):
            return True
        audit_denied(request, f"role lacks {action}")
        self.message = f"Your role does not allow {action}."
        return False
