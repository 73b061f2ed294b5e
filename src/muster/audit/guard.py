"""The database guard that makes audit events (and the export index) append-only, and its one escape
hatch for test teardown.

SQLite triggers call ``muster_audit_unlocked()``, a function this process registers on each connection;
any other client (the sqlite3 shell, a script) lacks the function, so its UPDATE or DELETE fails too.
PostgreSQL triggers check the session setting ``muster.audit_unlocked``. Only the test suite's database
flush between transactional tests turns the hatch on; the application never does.
"""

from django.db.backends.signals import connection_created

_unlocked = False


def set_unlocked(value: bool, connection=None) -> None:
    global _unlocked
    _unlocked = value
    if connection is not None and connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                "SELECT set_config('muster.audit_unlocked', %s, false)", ["on" if value else "off"]
            )


def _register(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "muster_audit_unlocked", 0, lambda: 1 if _unlocked else 0, deterministic=False
        )


def install() -> None:
    connection_created.connect(_register, dispatch_uid="muster_audit_guard")
