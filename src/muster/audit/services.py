"""Writing and verifying the audit chain.

:func:`record` must be called inside the transaction of the action it records, so that the event and
the action commit or roll back together. Callers never build :class:`AuditEvent` rows themselves;
exports go through :func:`record_export`, which also indexes the persons they listed.
"""

import ipaddress
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from muster.audit.audit_actions import AuditAction
from muster.audit.chain import GENESIS, event_hash
from muster.audit.models import AuditEvent, ExportedPerson
from muster.core.conf import conf
from muster.core.rows import insert_rows

# Arbitrary constant key for PostgreSQL's advisory lock that serialises appends to the chain.
_CHAIN_LOCK_KEY = 0x6D757374

# The operating-system user running the `muster` command, while it runs. The command signs in as no
# Muster user, so without this its events would say nobody did them.
_operator: ContextVar[str | None] = ContextVar("muster_audit_operator", default=None)


@contextmanager
def operator(os_user: str | None) -> Iterator[None]:
    """Events recorded inside, with no actor and no request, are the command-line operator's:
    their detail gets ``via: "cli"`` and ``os_user``. ``None`` (for the web server the command
    starts) records no operator."""
    token = _operator.set(os_user)
    try:
        yield
    finally:
        _operator.reset(token)


def client_ip(request) -> str:
    """The address a request came from: REMOTE_ADDR, unless that is a trusted reverse proxy
    (MUSTER["TRUSTED_PROXIES"]); then the nearest address in X-Forwarded-For that is not one.

    Only the right end of the header is believed: each trusted proxy appends the address it saw,
    while anything further left may have been written by the client itself.
    """
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = conf().TRUSTED_PROXIES
    if remote not in trusted:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for address in reversed([a.strip() for a in forwarded.split(",")]):
        if address in trusted:
            continue
        try:
            return str(ipaddress.ip_address(address))
        except ValueError:
            break  # not an address: the proxy did not write it; keep the proxy's own
    return remote


def record(
    action: str,
    *,
    actor=None,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    request=None,
    detail: dict | None = None,
) -> AuditEvent:
    """Append one event to the chain. ``obj`` (a model instance) sets object_type/object_id.

    ``detail`` holds identifiers and field names, not personal data values. An event with neither
    actor nor request recorded under :func:`operator` names the command-line operator in it.
    """
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    os_user = _operator.get()
    if actor is None and request is None and os_user is not None:
        detail = {**(detail or {}), "via": "cli", "os_user": os_user}
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
        seq = (last["seq"] + 1) if last else 1
        prev_hash = last["hash"] if last else GENESIS
        fields = dict(
            seq=seq,
            at=timezone.now(),
            actor_id=actor.pk if actor is not None else None,
            actor_username=actor.get_username() if actor is not None else "",
            action=str(action),  # an app's audit-action enum member is stored as its value
            object_type=object_type,
            object_id=str(object_id),
            ip=client_ip(request),
            detail=detail or {},
        )
        digest = event_hash(prev_hash=prev_hash, **fields)
        return AuditEvent.objects.create(prev_hash=prev_hash, hash=digest, **fields)


_EVENT_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_username",
    "action",
    "object_type",
    "object_id",
    "ip",
    "detail",
    "prev_hash",
    "hash",
)


def record_many(events: Sequence[tuple[str, object, dict]], *, actor=None, request=None) -> int:
    """Append several events at once, as :func:`record` appends each (same fields, same chain):
    ``events`` are ``(action, obj, detail)``; one lookup of the chain's end and one insert of
    rows whose hashes are computed here (``core.rows``). For verbs that write many rows at once
    (the bulk import); inside their transaction. Returns the number of events."""
    if not events:
        return 0
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    os_user = _operator.get()
    cli = actor is None and request is None and os_user is not None
    ip = client_ip(request)
    actor_id = actor.pk if actor is not None else None
    actor_username = actor.get_username() if actor is not None else ""
    rows = []
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
        seq = last["seq"] if last else 0
        prev_hash = last["hash"] if last else GENESIS
        now = timezone.now()
        for action, obj, detail in events:
            seq += 1
            if cli:
                detail = {**(detail or {}), "via": "cli", "os_user": os_user}
            action = str(action)
            object_type, object_id, detail = obj._meta.label_lower, str(obj.pk), detail or {}
            digest = event_hash(
                prev_hash=prev_hash,
                seq=seq,
                at=now,
                actor_id=actor_id,
                actor_username=actor_username,
                action=action,
                object_type=object_type,
                object_id=object_id,
                ip=ip,
                detail=detail,
            )
            rows.append(
                (seq, now, actor_id, actor_username, action, object_type, object_id, ip, detail,
                 prev_hash, digest)
            )  # fmt: skip
            prev_hash = digest
        insert_rows(AuditEvent, _EVENT_FIELDS, rows)
    return len(rows)


EXPORT = AuditAction.EXPORT
# Rows per INSERT when indexing an export: a camp roll lists tens of thousands of persons.
_INDEX_BATCH = 5000


def record_export(
    detail: dict,
    *,
    person_ids: Sequence[int] | None = None,
    actor=None,
    obj=None,
    request=None,
) -> AuditEvent:
    """Audit data leaving Muster: the one helper for "export" events.

    ``detail`` says which export, why, with which filters, fields and row count. ``person_ids`` (for a
    list of people) go into the event's detail, so the chain covers them, and into
    :class:`ExportedPerson` in the same transaction, so :func:`who_read` finds the export from any
    person in it. The index is derived data, outside the chain.
    """
    return _record_persons(
        EXPORT, detail, person_ids=person_ids, actor=actor, obj=obj, request=request
    )


LIST = AuditAction.PERSON_LIST


def record_list(
    request, person_ids: Iterable[int], *, action: str = LIST, obj=None, actor=None, **detail
) -> AuditEvent:
    """Audit a list that showed persons' personal data: the one helper for "a list showed these".

    Indexed like an export (the ids in the chained detail and in :class:`ExportedPerson`), so
    :func:`who_read` names the list from any person on it. ``detail`` says which page or endpoint
    and the filters used (never the searched text).
    """
    ids = list(dict.fromkeys(int(pid) for pid in person_ids))
    return _record_persons(action, detail, person_ids=ids, actor=actor, obj=obj, request=request)


def _record_persons(
    action: str, detail: dict, *, person_ids, actor=None, obj=None, request=None
) -> AuditEvent:
    if person_ids is not None:
        detail = {**detail, "person_ids": list(person_ids)}
    with transaction.atomic():
        event = record(action, actor=actor, obj=obj, request=request, detail=detail)
        if person_ids is not None:
            ExportedPerson.objects.bulk_create(
                (ExportedPerson(event=event, person_id=pid) for pid in detail["person_ids"]),
                batch_size=_INDEX_BATCH,
            )
    return event


DENIED = AuditAction.REQUEST_DENIED


def record_denied(
    request, reason: str, *, obj=None, object_type: str = "", object_id: str | int = ""
) -> AuditEvent | None:
    """Audit a refused request (403, or 404 for an object outside the user's scope): the one helper.

    Call it where a request is refused (``muster.access.decorators.requires`` does for HTML views; the
    API's permission classes do for the API). ``reason`` names the missing action or scope, never personal
    data. The path is recorded without its query string, which may hold a searched name. Any 401/403
    response not recorded this way is recorded by ``muster.access.middleware.AuditRefusalMiddleware``, so
    calling it is about giving a precise reason and object; it writes at most one event per request.
    """
    http_request = getattr(request, "_request", request)  # a DRF Request wraps Django's
    if getattr(http_request, "_muster_denied_event", None) is not None:
        return None
    event = record(
        DENIED,
        request=http_request,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        # NUL cannot be stored in PostgreSQL JSON: a probing path like /api/people/%00/ must still be logged.
        detail={
            "method": http_request.method,
            "path": http_request.path.replace("\x00", "\ufffd"),
            "reason": reason,
        },
    )
    http_request._muster_denied_event = event.pk
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    head: str
    first_bad_seq: int | None = None
    problem: str = ""


def _events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=5000)


def verify() -> VerifyResult:
    """Walk the chain from the start; report the first event that was changed, removed or moved.

    The export index (:class:`ExportedPerson`) is derived from the events' detail and not hashed:
    the chain covers the person ids through the detail itself.
    """
    prev_hash = GENESIS
    expected_seq = 1
    count = 0
    for ev in _events():
        if ev.seq != expected_seq:
            return VerifyResult(
                False,
                count,
                prev_hash,
                expected_seq,
                f"event #{expected_seq} is missing (next is #{ev.seq})",
            )
        if ev.prev_hash != prev_hash:
            return VerifyResult(
                False, count, prev_hash, ev.seq, f"event #{ev.seq} does not follow its predecessor"
            )
        digest = event_hash(
            prev_hash=ev.prev_hash,
            seq=ev.seq,
            at=ev.at,
            actor_id=ev.actor_id,
            actor_username=ev.actor_username,
            action=ev.action,
            object_type=ev.object_type,
            object_id=ev.object_id,
            ip=ev.ip,
            detail=ev.detail,
        )
        if digest != ev.hash:
            return VerifyResult(False, count, prev_hash, ev.seq, f"event #{ev.seq} was altered")
        prev_hash = ev.hash
        expected_seq += 1
        count += 1
    return VerifyResult(True, count, prev_hash)
