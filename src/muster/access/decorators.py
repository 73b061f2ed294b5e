"""View decorators that tie every HTML page to an action of the one policy.

Every web view carries exactly one of these, so the role x endpoint matrix test
(tests/test_policy_matrix.py) can read which action a URL needs and check every role against it::

    @requires("person.view")
    def person_detail(request, number): ...

    @requires({"GET": "person.view", "POST": "person.correct"})
    def person_edit(request, number): ...

    @public            # the login page: anyone, signed in or not
    @signed_in         # any signed-in user, whatever their roles (home page, own account, 2FA enrolment)

A refused request is audited (``request.denied``) and answered 403; a visitor who is not signed in is
sent to the login page. Object scope (a camp manager asking for a person outside their facilities) is the
view's job: call :func:`muster.audit.services.record_denied` and raise ``Http404``.
"""

from collections.abc import Callable, Mapping
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed

from muster.access import policy
from muster.audit.services import record_denied

ACTION_ATTR = "muster_action"
PUBLIC = "public"
SIGNED_IN = "signed_in"
ANY_METHOD = "*"


def _normalise(action: str | Mapping[str, str]) -> dict[str, str]:
    if isinstance(action, str):
        return {ANY_METHOD: action}
    return {method.upper(): act for method, act in action.items()}


def view_actions(view: Callable) -> dict[str, str] | None:
    """The actions a resolved view needs, by HTTP method (``"*"`` = any), or ``None`` if undeclared."""
    for candidate in (view, getattr(view, "view_class", None), getattr(view, "cls", None)):
        if candidate is not None and hasattr(candidate, ACTION_ATTR):
            return getattr(candidate, ACTION_ATTR)
    return None


def check(request, actions: Mapping[str, str]):
    """Return a response refusing the request, or ``None`` if it may go ahead."""
    action = actions.get(request.method, actions.get(ANY_METHOD))
    if action is None:
        allowed = [m for m in actions if m != ANY_METHOD]
        return HttpResponseNotAllowed(allowed)
    if action == PUBLIC:
        return None
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if action == SIGNED_IN or policy.can(user, action):
        return None

    record_denied(request, f"role lacks {action}")
    raise PermissionDenied(action)


def requires(action: str | Mapping[str, str]) -> Callable:
    """Declare (and enforce) the policy action a view needs; a mapping gives one per HTTP method."""
    actions = _normalise(action)

    def decorate(view):
        if isinstance(view, type):  # a class-based view: guard dispatch, mark the class
            original = view.dispatch

            @wraps(original)
            def dispatch(self, request, *args, **kwargs):
                refusal = check(request, actions)
                if refusal is not None:
                    return refusal
                return original(self, request, *args, **kwargs)

            view.dispatch = dispatch
            setattr(view, ACTION_ATTR, actions)
            return view

        @wraps(view)
        def guarded(request, *args, **kwargs):
            refusal = check(request, actions)
            if refusal is not None:
                return refusal
            return view(request, *args, **kwargs)

        setattr(guarded, ACTION_ATTR, actions)
        return guarded

    return decorate


def public(view: Callable) -> Callable:
    """Anyone may open this view, signed in or not (login, health check)."""
    return requires(PUBLIC)(view)


def signed_in(view: Callable) -> Callable:
    """Any signed-in user may open this view, whatever their roles."""
    return requires(SIGNED_IN)(view)
