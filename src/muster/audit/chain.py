"""Hashing of audit events: the one definition of what an event's hash covers."""

import hashlib
import json
from datetime import UTC, datetime

GENESIS = "0" * 64


def event_hash(
    *,
    prev_hash: str,
    seq: int,
    at: datetime,
    actor_id: int | None,
    actor_username: str,
    action: str,
    object_type: str,
    object_id: str,
    ip: str,
    detail: dict,
) -> str:
    payload = json.dumps(
        [
            prev_hash,
            seq,
            at.astimezone(UTC).isoformat(timespec="microseconds"),
            actor_id,
            actor_username,
            action,
            object_type,
            object_id,
            ip,
            detail,
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
