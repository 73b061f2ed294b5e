"""Restoring a backup into an empty database (or, forced, over one), checked against its header."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db import connections

from muster.backup.database import (
    _counts_and_head,
    _pg_env,
    _pg_tool,
    _sqlite_path,
    _sqlite_tables,
    _vendor,
    current_state,
)
from muster.backup.make import _last_line, _private_temp
from muster.backup.sealed import BackupError, Opened, _open, _plaintext


@dataclass
class Restored:
    header: dict
    counts: dict[str, int]
    head: dict


def read_header(path: str | os.PathLike, secret_bytes: bytes) -> dict:
    return _open(Path(path), secret_bytes).header


def _check_all(path: Path, opened: Opened) -> None:
    """Authenticate the whole file before anything is touched."""
    for _block in _plaintext(path, opened):
        pass


def database_is_empty() -> bool:
    counts, _head = current_state()
    return not counts.get("audit_auditevent") and not counts.get("people_person")


def restore_backup(
    path: str | os.PathLike, secret_bytes: bytes, *, force: bool = False
) -> Restored:
    """Restore ``path`` into the configured database after checking the whole file; refuses a
    database that holds data unless ``force``. The result's counts and head are read back."""
    path = Path(path)
    opened = _open(path, secret_bytes)
    header = opened.header
    vendor = _vendor()
    if header.get("database") != vendor:
        raise BackupError(
            f"this backup is of a {header.get('database')} database; the configured one is {vendor}"
        )
    if vendor == "sqlite":
        _restore_sqlite(path, opened, force=force)
    else:
        _restore_postgres(path, opened, force=force)
    counts, head = current_state()
    return Restored(header, counts, head)


def _refuse_unless_empty(force: bool) -> None:
    if not force and not database_is_empty():
        raise BackupError(
            "the database is not empty (it holds people or audit events): restore into an "
            "empty database, or give --force to replace everything in it"
        )


def _restore_sqlite(path: Path, opened: Opened, *, force: bool) -> None:
    target = _sqlite_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    copy_path = _private_temp(target.parent, ".sqlite3")
    try:
        with copy_path.open("wb") as out:
            for block in _plaintext(path, opened):
                out.write(block)
        copy = sqlite3.connect(copy_path)
        try:
            if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("the database inside the backup fails SQLite's integrity check")
            counts, head = _counts_and_head(copy.cursor(), _sqlite_tables(copy))
            _same_as_header(opened.header, counts, head)
            if target.exists():
                _refuse_unless_empty(force)
            connections.close_all()
            live = sqlite3.connect(target, timeout=30)
            try:
                copy.backup(live)
            finally:
                live.close()
        finally:
            copy.close()
    finally:
        copy_path.unlink(missing_ok=True)
    connections.close_all()


def _restore_postgres(path: Path, opened: Opened, *, force: bool) -> None:
    pg_restore = _pg_tool("pg_restore")
    _check_all(path, opened)
    _refuse_unless_empty(force)
    connections.close_all()
    restore = subprocess.Popen(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={_pg_env()['PGDATABASE']}",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=_pg_env(),
    )
    try:
        for block in _plaintext(path, opened):
            restore.stdin.write(block)
        restore.stdin.close()
    except BrokenPipeError:
        pass
    error = restore.stderr.read().decode(errors="replace")
    restore.wait()
    if restore.returncode != 0:
        raise BackupError(f"pg_restore failed (nothing restored): {_last_line(error)}")


def _same_as_header(header: dict, counts: dict, head: dict) -> None:
    if head != header.get("audit_head"):
        raise BackupError(
            f"the audit head inside the backup (#{head['seq']}) differs from its header "
            f"(#{header.get('audit_head', {}).get('seq')})"
        )
    if counts != header.get("counts"):
        differ = sorted(
            t
            for t in set(counts) | set(header.get("counts", {}))
            if counts.get(t) != header["counts"].get(t)
        )
        raise BackupError(f"row counts differ from the backup header in: {', '.join(differ[:5])}")


def check_restored(restored: Restored) -> None:
    """The database now holds exactly what the header says (counts of every table, audit head)."""
    _same_as_header(restored.header, restored.counts, restored.head)
