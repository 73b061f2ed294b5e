"""Anchoring the audit chain outside the database: published heads and keyed checkpoints.

The hash chain shows that events were changed, but someone who can write the database file can drop
the append-only triggers, delete an event and recompute every hash after it; the chain then verifies.
Two anchors catch that:

- a *published head* (``SEQ:HASH`` as ``muster audit verify`` prints it, written down or sent
  elsewhere): the chain must still reproduce that hash at that event;
- *keyed checkpoints*: the head's HMAC-SHA256 under a key kept outside the database
  (``MUSTER_AUDIT_KEY_FILE``), written by ``muster audit checkpoint`` and every few minutes by the
  worker. Recomputing hashes without the key cannot produce a matching checkpoint.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from muster.audit.chain import GENESIS
from muster.audit.models import AuditCheckpoint, AuditEvent

KEY_FILE_ENV = "MUSTER_AUDIT_KEY_FILE"
MINUTES_ENV = "MUSTER_AUDIT_CHECKPOINT_MINUTES"
DEFAULT_MINUTES = 15.0
_KEY_BYTES = 32
_LOOKUP_BATCH = 500


class AnchorError(ValueError):
    """A problem with a key or a published head that the operator can fix; one line."""


def generate_key(path: str | os.PathLike) -> Path:
    """Write a new random key to ``path`` (readable by its owner only); never overwrite one."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise AnchorError(
            f"{path} exists: a key is never overwritten (checkpoints signed with it would no "
            "longer verify); choose another file"
        ) from None
    except OSError as exc:
        raise AnchorError(f"cannot create {path}: {exc.strerror}") from None
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_hex(_KEY_BYTES) + "\n")
    return path


def load_key(path: str | os.PathLike) -> bytes:
    """The key in ``path``; refused when others may read the file or it holds no key."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
        text = path.read_text().strip()
    except FileNotFoundError:
        raise AnchorError(f"audit key file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AnchorError(f"cannot read audit key file {path}: {exc}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise AnchorError(
            f"audit key file {path} is open to other users (mode {stat.S_IMODE(mode):o}); "
            f"chmod 600 {path}"
        )
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != _KEY_BYTES:
        raise AnchorError(
            f"audit key file {path} does not hold a key (64 hex digits from `muster audit keygen`)"
        )
    return key


def configured_key() -> bytes | None:
    """The key named by MUSTER_AUDIT_KEY_FILE, or ``None`` when it is not set."""
    path = os.environ.get(KEY_FILE_ENV, "").strip()
    return load_key(path) if path else None


def checkpoint_minutes() -> float:
    text = os.environ.get(MINUTES_ENV, "").strip()
    if not text:
        return DEFAULT_MINUTES
    try:
        minutes = float(text)
    except ValueError:
        minutes = -1.0
    if not 0 < minutes < 1e6:
        raise AnchorError(f"{MINUTES_ENV}={text!r} is not a number of minutes above 0")
    return minutes


def key_id(key: bytes) -> str:
    """A name for the key that reveals nothing of it: which key signed a checkpoint."""
    return hmac.new(key, b"muster-audit-key-id", hashlib.sha256).hexdigest()[:16]


def _mac(key: bytes, *, seq: int, head: str, at: datetime, prev_mac: str) -> str:
    stamp = at.astimezone(UTC).isoformat(timespec="microseconds")
    message = f"muster-audit-checkpoint-1|{seq}|{head}|{stamp}|{prev_mac}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def checkpoint(key: bytes) -> AuditCheckpoint | None:
    """Sign the current head; ``None`` when it is already signed or the chain is empty."""
    try:
        with transaction.atomic():
            last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
            if last is None:
                return None
            previous = AuditCheckpoint.objects.order_by("-seq").first()
            if previous is not None and previous.seq >= last["seq"]:
                return None
            prev_mac = previous.mac if previous is not None else GENESIS
            at = timezone.now()
            return AuditCheckpoint.objects.create(
                seq=last["seq"],
                head=last["hash"],
                at=at,
                key_id=key_id(key),
                prev_mac=prev_mac,
                mac=_mac(key, seq=last["seq"], head=last["hash"], at=at, prev_mac=prev_mac),
            )
    except IntegrityError:  # another process signed the same head a moment earlier
        return None


@dataclass(frozen=True)
class AnchorResult:
    ok: bool
    checkpoints: int = 0
    last_seq: int | None = None
    last_at: datetime | None = None
    first_bad_seq: int | None = None
    problem: str = ""


def _hashes_at(seqs: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for start in range(0, len(seqs), _LOOKUP_BATCH):
        batch = seqs[start : start + _LOOKUP_BATCH]
        found.update(AuditEvent.objects.filter(seq__in=batch).values_list("seq", "hash"))
    return found


def verify_checkpoints(key: bytes) -> AnchorResult:
    """Check every checkpoint's signature, their order, and that the chain reproduces each signed
    head. Run it after :func:`muster.audit.services.verify` found the chain itself whole: then an
    event still carrying a signed head proves everything up to it unchanged."""
    checkpoints = list(AuditCheckpoint.objects.order_by("seq"))
    if not checkpoints:
        if AuditEvent.objects.exists():
            return AnchorResult(
                False,
                problem="no checkpoint is signed with this key yet (or they were removed): run "
                "`muster audit checkpoint`; the worker signs one every few minutes",
            )
        return AnchorResult(True)
    mine = key_id(key)
    hashes = _hashes_at([cp.seq for cp in checkpoints])
    prev_mac = GENESIS
    good_seq = 0
    for count, cp in enumerate(checkpoints):
        when = timezone.localtime(cp.at).strftime("%Y-%m-%d %H:%M")
        problem = ""
        if cp.key_id != mine:
            problem = (
                f"the checkpoint at event #{cp.seq} ({when}) was signed with another key "
                f"(id {cp.key_id}; this key is {mine})"
            )
        elif cp.prev_mac != prev_mac:
            problem = (
                f"the checkpoint at event #{cp.seq} ({when}) does not follow the one before it "
                "(a checkpoint was removed or reordered)"
            )
        elif not hmac.compare_digest(
            cp.mac, _mac(key, seq=cp.seq, head=cp.head, at=cp.at, prev_mac=cp.prev_mac)
        ):
            problem = f"the checkpoint at event #{cp.seq} ({when}) is not signed by this key (forged or altered)"
        elif hashes.get(cp.seq) != cp.head:
            lost = "is missing" if cp.seq not in hashes else "no longer has the signed head"
            problem = (
                f"event #{cp.seq} {lost} (checkpoint of {when}): an event from #{good_seq + 1} "
                f"to #{cp.seq} was changed, removed or re-hashed"
            )
        if problem:
            return AnchorResult(
                False, count, good_seq or None, None, first_bad_seq=good_seq + 1, problem=problem
            )
        prev_mac = cp.mac
        good_seq = cp.seq
    last = checkpoints[-1]
    return AnchorResult(True, len(checkpoints), last.seq, last.at)


def staleness(result: AnchorResult, *, max_events: int, max_hours: float) -> str:
    """Why the newest signed checkpoint is stale, or "" when it is fresh.

    Events after the last checkpoint are protected by nothing but the chain (which someone with the
    file can recompute): more than ``max_events`` of them, or one waiting longer than
    ``max_hours``, means the worker is not signing (stopped, or without the key). An idle registry
    with everything signed is never stale, however old its last checkpoint.
    """
    unsigned = AuditEvent.objects.filter(seq__gt=result.last_seq or 0)
    count = unsigned.count()
    if not count:
        return ""
    oldest = unsigned.order_by("seq").values_list("at", flat=True).first()
    waited = timezone.now() - oldest
    hours = waited.total_seconds() / 3600
    if count <= max_events and hours <= max_hours:
        return ""
    since = (
        f"the newest signed checkpoint is at event #{result.last_seq}"
        if result.last_seq
        else "no checkpoint is signed"
    )
    return (
        f"{since}; {count} events after it are unsigned, the oldest for {hours:.1f} h "
        f"(limits: {max_events} events, {max_hours:g} h): is the worker running with "
        f"{KEY_FILE_ENV}?"
    )


def parse_head(text: str) -> tuple[int | None, str]:
    """``SEQ:HASH`` (as ``verify`` prints it) or a bare ``HASH``."""
    text = (text or "").strip().lower()
    seq_text, sep, digest = text.rpartition(":")
    seq: int | None = None
    if sep:
        seq_text = seq_text.lstrip("#")
        if not (seq_text.isascii() and seq_text.isdigit()) or len(seq_text) > 18:
            raise AnchorError(f"--expect-head: '{seq_text}' is not an event number")
        seq = int(seq_text)
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise AnchorError(f"--expect-head: '{text}' is not a head (SEQ:HASH, 64 hex digits)")
    return seq, digest


def check_published_head(text: str) -> str:
    """Why the chain no longer reproduces a published head, or "" when it does."""
    seq, digest = parse_head(text)
    if seq is None:
        if digest == GENESIS or AuditEvent.objects.filter(hash=digest).exists():
            return ""
        return (
            f"the published head {digest} is no longer in the chain (events removed, changed or "
            "re-hashed)"
        )
    if seq == 0 and digest == GENESIS:
        return ""
    found = AuditEvent.objects.filter(seq=seq).values_list("hash", flat=True).first()
    if found == digest:
        return ""
    state = "is missing" if found is None else "no longer has the published head"
    return (
        f"event #{seq} {state} {digest}: an event at or before #{seq} was changed, removed or "
        "re-hashed since the head was published"
    )
