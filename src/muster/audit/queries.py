"""Reading the audit log (auditors only: the page and the CLI check the policy / run as the
operator); the timeline reads a person's record events through it."""

from collections.abc import Sequence

from django.apps import apps
from django.db.models import Q
from django.utils.translation import gettext as _

from muster.audit.models import AuditEvent, ExportedPerson
from muster.core.parsing import parse_id
from muster.core.text import isolate

PERSON_TYPE = "people.person"
# Kinds of record known by a number of their own (the `number` field), the person's first.
NUMBERED_TYPES = (
    PERSON_TYPE,
    "people.household",
    "custody.movement",
    "custody.rollcall",
    "tracing.tracingrequest",
    "departures.departure",
)
READ_ACTIONS = ("person.read",)


def resolve_object(text: str) -> tuple[str, str]:
    """Turn what an auditor types into (object_type, object_id).

    A registration number ("P7K2M9QX") names a person; the number of a household, a movement, a
    tracing request or a departure (as the log shows them) names that record; ``type:id``
    (``auth.user:12``) names anything. Raises ``LookupError`` with a message for the user when
    nothing matches.
    """
    text = (text or "").strip()
    if ":" in text:
        object_type, _sep, object_id = text.partition(":")
        return object_type.strip(), object_id.strip()
    # Through the app registry, as events name their objects ("people.person"): the audit log sits
    # below every app and imports none of them.
    for object_type in NUMBERED_TYPES:
        try:
            model = apps.get_model(object_type)
        except LookupError:
            continue
        pk = model.objects.filter(number=text).values_list("pk", flat=True).first()
        if pk is not None:
            return object_type, str(pk)
    raise LookupError(
        _("no person with registration number '%(number)s', and no record with that number")
        % {"number": text}
    )


def check_action(action: str) -> None:
    """Refuse an action (or a family, "login.") that Muster never writes and the log never held:
    a typo would otherwise find nothing, as if nothing had happened. Raises ``LookupError`` with a
    message for the user naming the nearest actions, or the families (set apart from a
    right-to-left sentence, which moved their dots)."""
    import difflib

    from muster.audit.labels import ACTION_LABELS  # (labels reads NUMBERED_TYPES from here)

    if action.endswith("."):
        if any(code.startswith(action) for code in ACTION_LABELS):
            return
        if AuditEvent.objects.filter(action__startswith=action).exists():
            return
    elif action in ACTION_LABELS or AuditEvent.objects.filter(action=action).exists():
        return
    families = sorted({code.split(".")[0] + "." for code in ACTION_LABELS if "." in code})
    close = difflib.get_close_matches(action, [*ACTION_LABELS, *families], n=5, cutoff=0.6)
    if close:
        raise LookupError(
            _("no action '%(action)s' in the audit log; did you mean %(close)s?")
            % {"action": isolate(action[:60]), "close": isolate(", ".join(close))}
        )
    raise LookupError(
        _("no action '%(action)s' in the audit log; families: %(families)s")
        % {"action": isolate(action[:60]), "families": isolate(" ".join(families))}
    )


def _on_action(action: str | Sequence[str]) -> Q:
    if not action:
        return Q()
    if not isinstance(action, str):
        return Q(action__in=action)
    return Q(action__startswith=action) if action.endswith(".") else Q(action=action)


def _matching(object_type: str, object_id: str, action: str | Sequence[str]) -> Q:
    """Events about an object with an action; for a person, also the exports that listed them.

    The action condition sits inside each branch of the OR so that each branch can use its own
    index (the object's; the export index's): SQLite would otherwise walk the whole action index.
    """
    on_action = _on_action(action)
    about = Q()
    if object_type:
        about &= Q(object_type=object_type)
    if object_id:
        about &= Q(object_id=object_id)
    matching = about & on_action
    if object_type == PERSON_TYPE and parse_id(object_id) is not None:
        listed = ExportedPerson.objects.filter(person_id=parse_id(object_id)).values("event_id")
        matching |= Q(pk__in=listed) & on_action
    return matching


def search(
    *,
    object_type: str = "",
    object_id: str = "",
    actor: str = "",
    action: str | Sequence[str] = "",
    since=None,
    until=None,
):
    """Events matching every filter given. ``action`` ending in "." matches a family ("login."); a
    sequence of actions matches any of them.

    A person as the object matches the events on their record and the exports that listed them.
    """
    qs = AuditEvent.objects.filter(_matching(object_type, object_id, action))
    if actor:
        qs = qs.filter(actor_username=actor)
    if since is not None:
        qs = qs.filter(at__gte=since)
    if until is not None:
        qs = qs.filter(at__lt=until)
    return qs.order_by("-seq")


def who_read(person_number: str, *, since=None, until=None):
    """Who has seen this person's record (newest first): the auditor's first question.

    The reads of the record, and every event that listed the person: the lists and search results
    that showed them (:func:`record_list`) and the exports that carried them (action "export"; its
    detail names the export, its filters and row count).
    """
    object_type, object_id = resolve_object(person_number)
    reads = Q(object_type=object_type, object_id=object_id, action__in=READ_ACTIONS)
    if object_type == PERSON_TYPE and object_id.isdigit():
        listed = ExportedPerson.objects.filter(person_id=int(object_id)).values("event_id")
        reads |= Q(pk__in=listed)
    qs = AuditEvent.objects.filter(reads)
    if since is not None:
        qs = qs.filter(at__gte=since)
    if until is not None:
        qs = qs.filter(at__lt=until)
    return qs.order_by("-seq")
