"""Role grants as the database keeps them: one open grant per user, role and place, every facility too.

The constraint tests run on SQLite and on PostgreSQL (``DATABASE_URL``); the races need real
connections and row locks, so they run on PostgreSQL only.
"""

import datetime as dt
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from muster import cli
from muster.access import services as access
from muster.access.models import RoleGrant

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises all writers, so there is no race to test",
)


def open_grants(user, role):
    return RoleGrant.objects.filter(user=user, role=role, revoked_at__isnull=True)


def test_the_database_refuses_a_second_open_every_facility_grant_of_a_role(make_user, facilities):
    user = make_user("coordinator")

    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(user=user, role="coordinator")  # facility NULL, like the first

    # What stays allowed: a grant at one facility beside it, another role, a grant ended before.
    RoleGrant.objects.create(user=user, role="coordinator", facility=facilities["camp"])
    RoleGrant.objects.create(user=user, role="auditor")
    open_grants(user, "auditor").update(revoked_at=timezone.now())
    RoleGrant.objects.create(user=user, role="auditor")
    assert open_grants(user, "coordinator").count() == 2


# --- the migration that adds the constraint -------------------------------------------------------

BEFORE = [("access", "0002_login_attempts_totp_session_fence")]
AFTER = [("access", "0003_one_open_every_facility_grant")]


def _migrate(targets):
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _migrate_to_the_latest():
    """Every app back at its newest migration: going back to BEFORE also unapplied the access
    migrations after AFTER, and the tests that run next need their columns."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_migration_ends_the_doubled_grants_it_finds_and_keeps_the_longest(
    make_user, transactional_db
):
    user = make_user(username="amal")
    try:
        RoleGrantThen = _migrate(BEFORE).get_model("access", "RoleGrant")
        soon = timezone.now() + dt.timedelta(days=3)
        expiring = RoleGrantThen.objects.create(user_id=user.pk, role="auditor", expires_at=soon)
        lasting = RoleGrantThen.objects.create(user_id=user.pk, role="auditor")
        newer = RoleGrantThen.objects.create(user_id=user.pk, role="auditor")
    finally:
        _migrate(AFTER)
        _migrate_to_the_latest()

    assert list(open_grants(user, "auditor")) == [RoleGrant.objects.get(pk=newer.pk)]
    assert RoleGrant.objects.get(pk=expiring.pk).revoked_at is not None  # ended, not deleted
    assert RoleGrant.objects.get(pk=lasting.pk).revoked_at is not None


# --- races (PostgreSQL) ---------------------------------------------------------------------------


def wait_until_another_session_waits_for_a_lock(seconds: float = 5.0) -> bool:
    """Poll PostgreSQL until some other session of this database is blocked on a lock."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cur.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


def in_other_transaction(work):
    """Run ``work()`` in a transaction of another connection; it commits once we are blocked on it."""
    started = threading.Event()
    outcome = {}

    def run():
        try:
            with transaction.atomic():
                work()
                started.set()
                outcome["blocked"] = wait_until_another_session_waits_for_a_lock()
        finally:
            started.set()
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert started.wait(timeout=10)
    return thread, outcome


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_grant_made_elsewhere_at_the_same_moment_is_refused_in_one_line(
    make_user, transactional_db, capsys
):
    user = make_user(username="amal")
    thread, outcome = in_other_transaction(
        lambda: RoleGrant.objects.create(user_id=user.pk, role="coordinator")
    )

    code = cli.main(["grant", "amal", "coordinator"])
    thread.join(timeout=30)

    err = capsys.readouterr().err
    assert outcome["blocked"], "the grant did not wait for the other transaction"
    assert code == 1 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert (
        "role: amal was granted Coordinator (coordinator) at every facility by someone else a moment ago; "
        "nothing was changed"
    ) in err
    assert open_grants(user, "coordinator").count() == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_incompatible_grants_at_the_same_moment_one_is_refused(make_user, transactional_db):
    user = make_user(username="amal")
    thread, outcome = in_other_transaction(lambda: access.grant_role(user, "auditor"))

    with pytest.raises(ValidationError) as refused:
        access.grant_role(user, "administrator")  # waits on the user's row for the first grant
    thread.join(timeout=30)

    assert outcome["blocked"], "the second grant did not wait for the first"
    assert "already holds Auditor (auditor) at every facility" in str(refused.value)
    assert {g.role for g in RoleGrant.objects.filter(user=user).in_force()} == {"auditor"}


def test_granting_locks_the_users_row_and_still_refuses_incompatible_roles(make_user):
    from django.test.utils import CaptureQueriesContext

    user = make_user(username="amal")
    with CaptureQueriesContext(connection) as queries:
        access.grant_role(user, "auditor")
    locks = [q["sql"] for q in queries if "FOR NO KEY UPDATE" in q["sql"]]
    if connection.vendor == "postgresql":
        assert locks and 'FROM "auth_user"' in locks[0]
    else:  # SQLite serialises writers itself and has no such clause
        assert not locks
    with pytest.raises(
        ValidationError, match=r"cannot be combined with Administrator \(administrator\)"
    ):
        access.grant_role(user, "administrator")
