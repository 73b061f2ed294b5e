"""Encrypted, consistent backups of the whole database and their checked restore.

A backup is taken while Muster serves: SQLite through its online backup API (one consistent copy,
writers carry on under WAL), PostgreSQL through ``pg_dump`` on a snapshot exported from the
transaction that also counts the rows. The file is::

    MUSTER-BACKUP\\n | header length (4 bytes) | header (JSON) | chunks

The header (format, time, database kind, row count of every table, audit chain head, key
derivation) is in clear so ``restore`` can say what it holds, and authenticated: every chunk is
AES-256-GCM with the header's digest as associated data and a nonce that numbers the chunk and marks
the last one, so a changed header, a changed, dropped or reordered chunk, or a cut file all fail.
The key comes from a key file (``--key-file``) or a passphrase (``MUSTER_BACKUP_KEY``) through
scrypt; it is never taken from the command line and never written anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import shutil
import sqlite3
import struct
import subprocess
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import connections
from django.utils import timezone

MAGIC = b"MUSTER-BACKUP\n"
FORMAT = 1
KEY_ENV = "MUSTER_BACKUP_KEY"
CHUNK = 1 << 20
_SCRYPT = {"n": 1 << 15, "r": 8, "p": 1}
_MIN_PASSPHRASE = 12
_MIN_KEY_FILE = 16
_MAX_HEADER = 1 << 20
_LENGTH = struct.Struct(">I")


class BackupError(Exception):
    """Why a backup or restore cannot go on, in one line for the operator."""


# --- the key ---------------------------------------------------------------------------------


def secret(key_file: str | None) -> bytes:
    """The secret the key is derived from: the key file's content, else MUSTER_BACKUP_KEY."""
    if key_file:
        path = Path(key_file)
        try:
            data = path.read_bytes().strip()
        except FileNotFoundError:
            raise BackupError(f"--key-file: {path} does not exist") from None
        except OSError as exc:
            raise BackupError(f"--key-file: cannot read {path}: {exc.strerror}") from None
        if len(data) < _MIN_KEY_FILE:
            raise BackupError(f"--key-file: {path} holds fewer than {_MIN_KEY_FILE} bytes")
        return data
    passphrase = os.environ.get(KEY_ENV, "")
    if not passphrase:
        raise BackupError(
            f"no key: give --key-file FILE or set {KEY_ENV} to a passphrase (a key is never "
            "taken from the command line)"
        )
    if len(passphrase) < _MIN_PASSPHRASE:
        raise BackupError(f"{KEY_ENV} is shorter than {_MIN_PASSPHRASE} characters")
    return passphrase.encode("utf-8")


def _derive(secret_bytes: bytes, kdf: dict) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    if kdf.get("name") != "scrypt":
        raise BackupError(f"unknown key derivation {kdf.get('name')!r} in the backup header")
    return Scrypt(
        salt=bytes.fromhex(kdf["salt"]), length=32, n=kdf["n"], r=kdf["r"], p=kdf["p"]
    ).derive(secret_bytes)


def _key_check(key: bytes) -> str:
    return hmac.new(key, b"muster-backup-key-check", hashlib.sha256).hexdigest()[:32]


# --- the sealed stream -----------------------------------------------------------------------


def _nonce(prefix: bytes, counter: int, final: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if final else b"\x00")


class _Sealer:
    """Compress, cut into chunks and encrypt; the last chunk is marked so a cut file is seen."""

    def __init__(self, out: BinaryIO, key: bytes, prefix: bytes, aad: bytes):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self.out, self.aead, self.prefix, self.aad = out, AESGCM(key), prefix, aad
        self.zip = zlib.compressobj(6)
        self.pending = bytearray()
        self.counter = 0

    def write(self, data: bytes) -> None:
        self.pending += self.zip.compress(data)
        while len(self.pending) > CHUNK:
            self._emit(bytes(self.pending[:CHUNK]), final=False)
            del self.pending[:CHUNK]

    def close(self) -> None:
        self.pending += self.zip.flush()
        self._emit(bytes(self.pending), final=True)

    def _emit(self, plain: bytes, *, final: bool) -> None:
        sealed = self.aead.encrypt(_nonce(self.prefix, self.counter, final), plain, self.aad)
        self.out.write(_LENGTH.pack(len(sealed)) + sealed)
        self.counter += 1


def _unsealed(src: BinaryIO, key: bytes, prefix: bytes, aad: bytes) -> Iterator[bytes]:
    """The plaintext, chunk by chunk; BackupError on any change, reordering or truncation."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aead = AESGCM(key)
    unzip = zlib.decompressobj()
    counter = 0
    while True:
        raw = src.read(_LENGTH.size)
        if len(raw) < _LENGTH.size:
            raise BackupError("the backup file is cut short (its last part is missing)")
        (size,) = _LENGTH.unpack(raw)
        sealed = src.read(size)
        if len(sealed) < size or size > CHUNK + 64:
            raise BackupError("the backup file is cut short (its last part is missing)")
        plain = None
        for final in (False, True):
            try:
                plain = aead.decrypt(_nonce(prefix, counter, final), sealed, aad)
                break
            except InvalidTag:
                continue
        if plain is None:
            raise BackupError(
                f"the backup file was altered or damaged (part {counter + 1} fails authentication)"
            )
        yield unzip.decompress(plain)
        counter += 1
        if final:
            if src.read(1):
                raise BackupError("the backup file has data after its end (altered)")
            yield unzip.flush()
            return


# --- the header ------------------------------------------------------------------------------


@dataclass
class Opened:
    header: dict
    key: bytes
    aad: bytes
    body_offset: int


def _open(path: Path, secret_bytes: bytes) -> Opened:
    try:
        with path.open("rb") as src:
            if src.read(len(MAGIC)) != MAGIC:
                raise BackupError(f"{path} is not a Muster backup")
            raw = src.read(_LENGTH.size)
            (size,) = _LENGTH.unpack(raw) if len(raw) == _LENGTH.size else (0,)
            header_bytes = src.read(size) if 0 < size <= _MAX_HEADER else b""
            if not header_bytes or len(header_bytes) < size:
                raise BackupError(f"{path}: the backup header is damaged or cut short")
            body_offset = src.tell()
    except FileNotFoundError:
        raise BackupError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise BackupError(f"{path} is a directory, not a backup file") from None
    try:
        header = json.loads(header_bytes)
        kdf = header["kdf"]
        if header.get("format") != FORMAT:
            raise BackupError(f"{path}: backup format {header.get('format')} is not supported")
    except (ValueError, KeyError, TypeError):
        raise BackupError(f"{path}: the backup header is damaged") from None
    try:
        key = _derive(secret_bytes, kdf)
    except (ValueError, KeyError, TypeError):
        raise BackupError(f"{path}: the backup header is damaged") from None
    if not hmac.compare_digest(_key_check(key), str(header.get("key_check", ""))):
        raise BackupError("wrong key: this backup was made with another key file or passphrase")
    return Opened(header, key, hashlib.sha256(header_bytes).digest(), body_offset)


def _plaintext(path: Path, opened: Opened) -> Iterator[bytes]:
    with path.open("rb") as src:
        src.seek(opened.body_offset)
        yield from _unsealed(
            src, opened.key, bytes.fromhex(opened.header["nonce_prefix"]), opened.aad
        )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as src:
        while block := src.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


# --- the database ----------------------------------------------------------------------------


def _vendor() -> str:
    return connections["default"].vendor


def _sqlite_path() -> Path:
    return Path(settings.DATABASES["default"]["NAME"])


def _pg_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for var, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not on PATH: install the PostgreSQL client (Debian: apt-get install "
            "postgresql-client), the same major version as the server or newer"
        )
    return found


def _counts_and_head(cur, tables: list[str]) -> tuple[dict[str, int], dict]:
    counts = {}
    for table in sorted(tables):
        cur.execute(f'SELECT COUNT(*) FROM "{table}"')  # names from the catalogue, quoted
        counts[table] = cur.fetchone()[0]
    head = {"seq": 0, "hash": "0" * 64}
    if "audit_auditevent" in counts:
        cur.execute("SELECT seq, hash FROM audit_auditevent ORDER BY seq DESC LIMIT 1")
        row = cur.fetchone()
        if row:
            head = {"seq": row[0], "hash": row[1]}
    return counts, head


def _sqlite_tables(conn) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return [name for (name,) in rows]


_PG_TABLES = (
    "SELECT table_name FROM information_schema.tables "
    "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
)


def current_state() -> tuple[dict[str, int], dict]:
    """Row counts of every table and the audit head of the database as it is now."""
    connection = connections["default"]
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            tables = _sqlite_tables(connection.connection)
        else:
            cur.execute(_PG_TABLES)
            tables = [name for (name,) in cur.fetchall()]
        return _counts_and_head(cur, tables)


# --- backup ----------------------------------------------------------------------------------


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


# --- restore ---------------------------------------------------------------------------------


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
