"""Making a backup while Muster serves: SQLite through its online backup API, PostgreSQL through
pg_dump on an exported snapshot."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from muster.backup.database import (
    _PG_TABLES,
    _counts_and_head,
    _pg_env,
    _pg_tool,
    _sqlite_path,
    _sqlite_tables,
    _vendor,
)
from muster.backup.sealed import (
    _LENGTH,
    _SCRYPT,
    CHUNK,
    FORMAT,
    MAGIC,
    BackupError,
    _derive,
    _key_check,
    _Sealer,
    file_sha256,
)


@dataclass
class Made:
    path: Path
    header: dict
    sha256: str
    size: int


def _new_header(vendor: str, counts: dict, head: dict, secret_bytes: bytes) -> tuple[dict, bytes]:
    kdf = {"name": "scrypt", "salt": secrets.token_hex(16), **_SCRYPT}
    key = _derive(secret_bytes, kdf)
    header = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(timespec="seconds"),
        "database": vendor,
        "counts": counts,
        "audit_head": head,
        "cipher": "AES-256-GCM",
        "compression": "zlib",
        "kdf": kdf,
        "key_check": _key_check(key),
        "nonce_prefix": secrets.token_hex(7),
    }
    return header, key


def _write(out_path: Path, header: dict, key: bytes, chunks: Iterator[bytes]) -> None:
    header_bytes = json.dumps(header, sort_keys=True).encode()
    with out_path.open("wb") as out:
        out.write(MAGIC + _LENGTH.pack(len(header_bytes)) + header_bytes)
        sealer = _Sealer(
            out,
            key,
            bytes.fromhex(header["nonce_prefix"]),
            hashlib.sha256(header_bytes).digest(),
        )
        for block in chunks:
            sealer.write(block)
        sealer.close()


def _read_file(path: Path) -> Iterator[bytes]:
    with path.open("rb") as src:
        while block := src.read(CHUNK):
            yield block


def _private_temp(directory: Path, suffix: str) -> Path:
    """A temporary file readable by its owner only, beside the data it copies."""
    fd, name = tempfile.mkstemp(prefix=".muster-", suffix=suffix, dir=directory)
    os.close(fd)
    os.chmod(name, 0o600)
    return Path(name)


def make_backup(out_path: str | os.PathLike, secret_bytes: bytes) -> Made:
    """Write an encrypted backup of the database to ``out_path`` (which must not exist)."""
    out_path = Path(out_path)
    if out_path.exists():
        raise BackupError(f"{out_path} exists: choose a new file (a backup is never overwritten)")
    if not out_path.parent.is_dir():
        raise BackupError(f"{out_path.parent} is not a directory")
    partial = out_path.with_name(out_path.name + ".partial")
    try:
        if _vendor() == "sqlite":
            header = _backup_sqlite(partial, secret_bytes)
        else:
            header = _backup_postgres(partial, secret_bytes)
        os.replace(partial, out_path)
    finally:
        partial.unlink(missing_ok=True)
    return Made(out_path, header, file_sha256(out_path), out_path.stat().st_size)


def _backup_sqlite(out_path: Path, secret_bytes: bytes) -> dict:
    source_path = _sqlite_path()
    if not source_path.exists():
        raise BackupError(f"no database at {source_path}")
    copy_path = _private_temp(source_path.parent, ".sqlite3")
    try:
        source = sqlite3.connect(source_path, timeout=30)
        copy = sqlite3.connect(copy_path)
        try:
            # One step: the copy is one consistent read of the database; under WAL the web
            # server and the worker keep writing meanwhile.
            source.backup(copy)
            counts, head = _counts_and_head(copy.cursor(), _sqlite_tables(copy))
        finally:
            copy.close()
            source.close()
        header, key = _new_header("sqlite", counts, head, secret_bytes)
        _write(out_path, header, key, _read_file(copy_path))
        return header
    finally:
        copy_path.unlink(missing_ok=True)


def _backup_postgres(out_path: Path, secret_bytes: bytes) -> dict:
    import psycopg

    pg_dump = _pg_tool("pg_dump")
    env = _pg_env()
    with psycopg.connect("", autocommit=False, **_psycopg_params()) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cur:
            # The counts, the head and pg_dump all read this one snapshot.
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = cur.fetchone()[0]
            cur.execute(_PG_TABLES)
            counts, head = _counts_and_head(cur, [name for (name,) in cur.fetchall()])
            header, key = _new_header("postgresql", counts, head, secret_bytes)
            dump = subprocess.Popen(
                [pg_dump, "--format=custom", "--compress=0", f"--snapshot={snapshot}"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
            )
            try:
                _write(out_path, header, key, iter(lambda: dump.stdout.read(CHUNK), b""))
            finally:
                dump.stdout.close()
                error = dump.stderr.read().decode(errors="replace").strip()
                dump.wait()
            if dump.returncode != 0:
                raise BackupError(f"pg_dump failed: {_last_line(error)}")
    return header


def _psycopg_params() -> dict:
    db = settings.DATABASES["default"]
    params = {
        "dbname": db.get("NAME"),
        "user": db.get("USER"),
        "password": db.get("PASSWORD"),
        "host": db.get("HOST"),
        "port": db.get("PORT"),
    }
    return {k: v for k, v in params.items() if v}


def _last_line(text: str) -> str:
    return text.strip().splitlines()[-1] if text.strip() else "no message"
