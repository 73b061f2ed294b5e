"""The audit log is append-only in the database and `muster audit verify` catches any tampering."""

import pytest
from django.db import DatabaseError, connection, transaction

from muster import cli
from muster.audit import guard
from muster.audit import services as audit
from muster.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(db):
    for i in range(5):
        audit.record("person.read", object_type="people.person", object_id=i + 1)
    return list(AuditEvent.objects.order_by("seq"))


def run_verify(capsys, *args):
    code = cli.main(["audit", "verify", *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def as_attacker(sql: str, params=()):
    """Someone with database access who has switched the append-only guard off."""
    guard.set_unlocked(True, connection)
    try:
        with connection.cursor() as cur:
            cur.execute(sql, params)
    finally:
        guard.set_unlocked(False, connection)


def test_intact_chain_verifies_and_prints_its_head(chain, capsys):
    code, output = run_verify(capsys)
    assert code == 0
    assert f"5 events; head {chain[-1].hash}" in output


def test_one_changed_byte_is_caught(chain, capsys):
    as_attacker(
        "UPDATE audit_auditevent SET object_id = %s WHERE seq = 3", [chain[2].object_id + "0"]
    )
    code, output = run_verify(capsys)
    assert code == 1
    assert "#3" in output and "altered" in output


def test_changed_actor_is_caught(chain, capsys):
    as_attacker("UPDATE audit_auditevent SET actor_username = 'someone-else' WHERE seq = 2")
    code, output = run_verify(capsys)
    assert code == 1 and "#2" in output


def test_deleted_event_is_caught(chain, capsys):
    as_attacker("DELETE FROM audit_auditevent WHERE seq = 3")
    code, output = run_verify(capsys)
    assert code == 1
    assert "#3 is missing" in output


def test_deleted_event_with_renumbered_successors_is_caught(chain, capsys):
    as_attacker("DELETE FROM audit_auditevent WHERE seq = 3")
    as_attacker("UPDATE audit_auditevent SET seq = seq - 1 WHERE seq > 3")
    code, output = run_verify(capsys)
    assert code == 1 and "#3" in output


def test_two_swapped_events_are_caught(chain, capsys):
    # Swap the contents of events 2 and 4 (seq stays, so the order of what happened changes).
    as_attacker("UPDATE audit_auditevent SET seq = -2 WHERE seq = 2")
    as_attacker("UPDATE audit_auditevent SET seq = 2 WHERE seq = 4")
    as_attacker("UPDATE audit_auditevent SET seq = 4 WHERE seq = -2")
    code, output = run_verify(capsys)
    assert code == 1
    assert "#2" in output


def test_events_cut_off_the_end_are_caught_against_a_written_down_head(chain, capsys):
    head = chain[-1].hash
    as_attacker("DELETE FROM audit_auditevent WHERE seq >= 4")
    assert run_verify(capsys)[0] == 0  # the shorter chain is internally consistent...
    code, output = run_verify(capsys, "--expect-head", head)
    assert code == 1  # ...but the head written down yesterday is gone
    assert head in output


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'nothing' WHERE seq = 1",
        "DELETE FROM audit_auditevent WHERE seq = 1",
        "DELETE FROM audit_auditevent",
    ],
)
def test_direct_sql_update_or_delete_on_the_audit_table_fails(chain, sql):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    assert AuditEvent.objects.count() == 5
    assert AuditEvent.objects.get(seq=1).action == "person.read"


def test_orm_update_and_delete_fail_too(chain):
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            AuditEvent.objects.filter(seq=1).update(action="x")
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            AuditEvent.objects.filter(seq=1).delete()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_truncate_fails_on_postgresql(chain):
    with pytest.raises(DatabaseError):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("TRUNCATE audit_auditevent")
