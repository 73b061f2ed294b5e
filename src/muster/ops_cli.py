"""The operator's subcommands of ``muster``: the worker, backup and restore, audit key and checkpoints,
and the anchors ``muster audit verify`` checks (a published head, signed checkpoints).

``muster.cli`` registers them with :func:`add_parsers` and :func:`add_audit_parsers`; the work itself
is in :mod:`muster.worker`, :mod:`muster.backup` and :mod:`muster.audit.anchor`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from muster.audit.audit_actions import AuditAction

EXIT_OK = 0
EXIT_ERROR = 1


class OperatorError(Exception):
    """A problem the operator can fix: ``muster.cli.main`` prints it as one line, exit code 1.

    Its own class rather than ``muster.cli.CommandError``: run as ``python -m muster.cli``, that
    module is ``__main__`` and its class is not the one importable as ``muster.cli``."""


def _fail(message: str) -> NoReturn:
    raise OperatorError(message)


def cmd_worker(args) -> int:
    from muster import worker
    from muster.audit.services import operator

    with operator(None):  # what the worker records is its tasks' doing, like the server's
        worker.run(
            interval=args.interval,
            batch=args.batch,
            max_tasks=args.max_tasks,
            parent_pid=args.parent_pid,
        )
    return EXIT_OK


def _key(args) -> bytes:
    from muster import backup

    try:
        return backup.secret(args.key_file)
    except backup.BackupError as exc:
        _fail(str(exc))


def cmd_backup(args) -> int:
    from muster import backup
    from muster.audit.services import record

    secret = _key(args)
    try:
        made = backup.make_backup(args.file, secret)
    except backup.BackupError as exc:
        _fail(str(exc))
    head = made.header["audit_head"]
    record(
        AuditAction.BACKUP_CREATE,
        detail={
            "file": str(made.path),
            "sha256": made.sha256,
            "bytes": made.size,
            "database": made.header["database"],
            "audit_head": head,
        },
    )
    print(f"backup written to {made.path} ({made.size:,} bytes, sha256 {made.sha256})")
    _print_counts(made.header["counts"])
    print(f"audit head in the backup: {head['seq']}:{head['hash']}")
    return EXIT_OK


_SHOWN = (
    "people_person",
    "people_household",
    "custody_movement",
    "screening_hit",
    "audit_auditevent",
)


def _print_counts(counts: dict) -> None:
    shown = [f"{table} {counts[table]:,}" for table in _SHOWN if table in counts]
    print(f"rows: {', '.join(shown)} ({len(counts)} tables, {sum(counts.values()):,} rows)")


def cmd_restore(args) -> int:
    from muster import backup
    from muster.audit.services import record

    secret = _key(args)
    try:
        sha256 = backup.file_sha256(Path(args.file)) if Path(args.file).is_file() else ""
        restored = backup.restore_backup(args.file, secret, force=args.force)
        backup.check_restored(restored)
    except backup.BackupError as exc:
        _fail(str(exc))
    head = restored.head
    print(f"restored {args.file} (made {restored.header['created_at']})")
    _print_counts(restored.counts)
    print(f"audit head: {head['seq']}:{head['hash']} (equal to the backup's header)")
    record(
        AuditAction.BACKUP_RESTORE,
        detail={
            "file": str(args.file),
            "sha256": sha256,
            "created_at": restored.header["created_at"],
            "audit_head": head,
            "forced": bool(args.force),
        },
    )
    return EXIT_OK


def cmd_audit_keygen(args) -> int:
    from muster.audit import anchor

    try:
        path = anchor.generate_key(args.file)
    except anchor.AnchorError as exc:
        _fail(str(exc))
    print(
        f"audit key written to {path} (readable by you only). Keep it off the database machine's "
        f"disk backups; set {anchor.KEY_FILE_ENV}={path} for the worker and `muster audit verify`."
    )
    return EXIT_OK


def _audit_key(args, *, required: bool) -> bytes | None:
    from muster.audit import anchor

    try:
        key = anchor.load_key(args.key_file) if args.key_file else anchor.configured_key()
    except anchor.AnchorError as exc:
        _fail(str(exc))
    if key is None and required:
        _fail(f"no audit key: give --key-file FILE or set {anchor.KEY_FILE_ENV}")
    return key


def cmd_audit_checkpoint(args) -> int:
    from muster.audit import anchor

    key = _audit_key(args, required=True)
    made = anchor.checkpoint(key)
    if made is None:
        print("the chain head is already signed (or the chain is empty); nothing to do")
    else:
        print(f"signed checkpoint at event #{made.seq}: {made.seq}:{made.head}")
    return EXIT_OK


def check_anchors(args) -> int:
    """After the chain itself verified: the published head (--expect-head) and, when a key is
    configured, every signed checkpoint. Prints what failed; returns the exit code."""
    from muster.audit import anchor

    if args.expect_head:
        try:
            problem = anchor.check_published_head(args.expect_head)
        except anchor.AnchorError as exc:
            _fail(str(exc))
        if problem:
            print(f"audit chain BROKEN: {problem}", file=sys.stderr)
            return EXIT_ERROR
    key = _audit_key(args, required=False)
    if key is not None:
        result = anchor.verify_checkpoints(key)
        if not result.ok:
            print(f"audit chain BROKEN: {result.problem}", file=sys.stderr)
            return EXIT_ERROR
        if result.checkpoints:
            print(
                f"{result.checkpoints} signed checkpoints hold; the last at event #{result.last_seq}"
            )
            stale = anchor.staleness(
                result, max_events=args.stale_events, max_hours=args.stale_hours
            )
            if stale:
                # A warning, not a broken chain: the events after the checkpoint still verify.
                print(f"audit checkpoints STALE: {stale}", file=sys.stderr)
    return EXIT_OK


def add_audit_parsers(audit_sub, verify_parser: argparse.ArgumentParser) -> None:
    verify_parser.add_argument(
        "--key-file",
        metavar="FILE",
        help="the audit key (default: MUSTER_AUDIT_KEY_FILE); with a key, every signed checkpoint "
        "is checked",
    )
    verify_parser.add_argument(
        "--stale-events",
        type=_positive_int,
        default=1000,
        metavar="N",
        help="with a key: warn when more than N events follow the newest signed checkpoint "
        "(default 1000)",
    )
    verify_parser.add_argument(
        "--stale-hours",
        type=_positive_float,
        default=1.0,
        metavar="H",
        help="with a key: warn when an event has waited more than H hours for a signed "
        "checkpoint (default 1; the worker signs every MUSTER_AUDIT_CHECKPOINT_MINUTES)",
    )
    k = audit_sub.add_parser(
        "keygen",
        help="create the audit checkpoint key",
        description="Write a new random key to FILE (mode 0600; never overwrites). Keep it outside "
        "the database and its backups; point MUSTER_AUDIT_KEY_FILE at it.",
    )
    k.add_argument("file", metavar="FILE")
    k.set_defaults(func=cmd_audit_keygen, django=True)
    c = audit_sub.add_parser(
        "checkpoint",
        help="sign the chain head with the audit key",
        description="Store an HMAC-SHA256 of the current chain head under the audit key (the "
        "worker does this every MUSTER_AUDIT_CHECKPOINT_MINUTES, default 15, when the key is set). "
        "`muster audit verify` with the key then detects a chain recomputed without it.",
    )
    c.add_argument("--key-file", metavar="FILE", help="default: MUSTER_AUDIT_KEY_FILE")
    c.set_defaults(func=cmd_audit_checkpoint, django=True)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not 0 < value < 3600:
        raise argparse.ArgumentTypeError(f"must be above 0 and below 3600, got {text}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {value}")
    return value


_KEY_HELP = (
    "a file holding the backup key (any secret of 16 bytes or more); without it the passphrase in "
    "MUSTER_BACKUP_KEY is used. The key is never given on the command line."
)


def add_parsers(sub) -> None:
    p = sub.add_parser(
        "worker",
        help="run the background worker (task queue, audit checkpoints)",
        description="Run queued background tasks (re-screening the registry, ...) until stopped; "
        "SIGTERM lets the task in hand finish. `muster serve` runs one itself unless --no-worker: "
        "run this as a service of its own when the web server runs with --no-worker.",
    )
    p.add_argument(
        "--interval",
        type=_positive_float,
        default=1.0,
        help="seconds between looks at an empty queue (default 1)",
    )
    p.add_argument("--batch", action="store_true", help="run what is queued, then exit")
    p.add_argument("--max-tasks", type=_positive_int, help="exit after this many tasks")
    p.add_argument("--parent-pid", type=int, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_worker, django=True)

    p = sub.add_parser(
        "backup",
        help="write an encrypted backup of the database",
        description="Write a consistent, encrypted (AES-256-GCM) backup of the whole database to "
        "FILE while Muster keeps serving (SQLite: online backup; PostgreSQL: pg_dump). Its header "
        "holds the row count of every table and the audit chain head, which `muster restore` checks.",
    )
    p.add_argument("file", metavar="FILE", help="the backup file to create (never overwritten)")
    p.add_argument("--key-file", metavar="KEYFILE", help=_KEY_HELP)
    p.set_defaults(func=cmd_backup, django=True)

    p = sub.add_parser(
        "restore",
        help="restore an encrypted backup into the database",
        description="Check the whole backup (key, every part, the counts and audit head inside), "
        "then restore it into the configured database, which must be empty unless --force. Prints "
        "the counts and the audit head read back, and fails unless they equal the backup's header.",
    )
    p.add_argument("file", metavar="FILE", help="a file written by `muster backup`")
    p.add_argument("--key-file", metavar="KEYFILE", help=_KEY_HELP)
    p.add_argument(
        "--force", action="store_true", help="replace a database that already holds data"
    )
    p.set_defaults(func=cmd_restore, django=True)


def add_worker_switch(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--no-worker",
        action="store_true",
        help="do not run the background worker (run `muster worker` as a service of its own)",
    )
