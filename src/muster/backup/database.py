"""What is in the database now: its kind, its tables' row counts and the audit chain's head."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from django.conf import settings
from django.db import connections

from muster.backup.sealed import BackupError


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
