"""The one ``person.read`` audit event, whichever door showed the person.

Its detail always has one shape: ``via`` (the door: ``web`` or ``api``), ``view`` (the page or
endpoint) and what led there, when something did (``hit``: the screening hit; ``seen_from``: the
record on whose page this one was listed).
"""

from muster.audit import services as audit
from muster.people.audit_actions import PeopleAction

WEB, API = "web", "api"


def record_read(request, person, *, via: str, view: str, **context):
    """Audit that ``request``'s user was shown ``person`` (in the caller's transaction)."""
    return audit.record(
        PeopleAction.PERSON_READ,
        request=request,
        obj=person,
        detail={"via": via, "view": view, **context},
    )
