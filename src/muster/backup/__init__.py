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

``sealed`` holds the key, the sealed stream and the header; ``database`` what is in the database
now; ``make`` and ``restore`` the two verbs.
"""

from muster.backup.database import (
    current_state,
)
from muster.backup.make import (
    Made,
    make_backup,
)
from muster.backup.restore import (
    Restored,
    check_restored,
    database_is_empty,
    read_header,
    restore_backup,
)
from muster.backup.sealed import (
    CHUNK,
    FORMAT,
    KEY_ENV,
    MAGIC,
    BackupError,
    Opened,
    file_sha256,
    secret,
)

__all__ = [
    "MAGIC",
    "FORMAT",
    "KEY_ENV",
    "CHUNK",
    "BackupError",
    "secret",
    "Opened",
    "file_sha256",
    "current_state",
    "Made",
    "make_backup",
    "Restored",
    "read_header",
    "database_is_empty",
    "restore_backup",
    "check_restored",
]
