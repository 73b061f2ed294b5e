"""The key (a key file or a passphrase through scrypt), the sealed stream of AES-256-GCM chunks, and
the authenticated header."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

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
