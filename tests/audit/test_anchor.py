"""Anchors outside the database catch a chain that was cut and re-hashed by someone with file access:
a published head (`verify --expect-head SEQ:HASH`) and checkpoints signed with a key kept elsewhere."""

import os
import stat
import subprocess
import sys

import pytest
from django.db import connection

from muster import cli
from muster.audit import anchor
from muster.audit import services as audit
from muster.audit.chain import GENESIS, event_hash
from muster.audit.models import AuditCheckpoint, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_file(tmp_path, monkeypatch):
    path = tmp_path / "audit.key"
    assert cli.main(["audit", "keygen", str(path)]) == 0
    monkeypatch.setenv(anchor.KEY_FILE_ENV, str(path))
    return path


def read_event(n):
    audit.record("person.read", object_type="people.person", object_id=n)


def verify(capsys, *args):
    code = cli.main(["audit", "verify", *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def drop_guard_and_rewrite(delete_seq: int) -> None:
    """The attack: switch the append-only triggers off, delete one read, recompute every hash after
    it so the chain is whole again."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("DROP TRIGGER audit_event_no_update")
            cur.execute("DROP TRIGGER audit_event_no_delete")
        else:
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cur.execute("DELETE FROM audit_auditevent WHERE seq = %s", [delete_seq])
    prev = AuditEvent.objects.filter(seq=delete_seq - 1).values_list("hash", flat=True).first()
    prev = prev or GENESIS
    for ev in AuditEvent.objects.filter(seq__gt=delete_seq).order_by("seq"):
        fields = dict(
            seq=ev.seq - 1,
            at=ev.at,
            actor_id=ev.actor_id,
            actor_username=ev.actor_username,
            action=ev.action,
            object_type=ev.object_type,
            object_id=ev.object_id,
            ip=ev.ip,
            detail=ev.detail,
        )
        digest = event_hash(prev_hash=prev, **fields)
        AuditEvent.objects.filter(pk=ev.pk).update(seq=ev.seq - 1, prev_hash=prev, hash=digest)
        prev = digest


def test_keygen_writes_a_key_only_its_owner_reads_and_never_overwrites_it(tmp_path, capsys):
    path = tmp_path / "k"
    assert cli.main(["audit", "keygen", str(path)]) == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = path.read_text()
    capsys.readouterr()
    assert cli.main(["audit", "keygen", str(path)]) == 1
    assert "never overwritten" in capsys.readouterr().err
    assert path.read_text() == key


def test_keygen_works_as_a_command_of_its_own(tmp_path):
    # Run as an operator runs it: a new process, in which nothing has set up Django yet.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["MUSTER_DATA"] = str(tmp_path / "data")
    path = tmp_path / "audit.key"
    proc = subprocess.run(
        [sys.executable, "-m", "muster", "audit", "keygen", str(path)],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "audit key written to" in proc.stdout
    assert len(path.read_text().strip()) == 64
    proc = subprocess.run(
        [sys.executable, "-m", "muster", "audit", "keygen", str(tmp_path / "no" / "k")],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 1 and "settings are not configured" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_a_key_file_others_can_read_is_refused(key_file, capsys):
    read_event(1)
    os.chmod(key_file, 0o644)
    code, output = verify(capsys)
    assert code == 1
    assert "chmod 600" in output and "Traceback" not in output


def test_signed_checkpoints_verify(key_file, capsys):
    read_event(1)
    assert cli.main(["audit", "checkpoint"]) == 0
    read_event(2)
    read_event(3)
    assert cli.main(["audit", "checkpoint"]) == 0
    code, output = verify(capsys)
    assert code == 0, output
    assert "2 signed checkpoints hold; the last at event #3" in output


def test_a_cut_and_rehashed_chain_passes_plain_verify_but_not_the_anchors(
    key_file, capsys, monkeypatch
):
    for n in range(1, 3):
        read_event(n)
    anchor.checkpoint(anchor.configured_key())  # at #2
    for n in range(3, 6):
        read_event(n)
    anchor.checkpoint(anchor.configured_key())  # at #5
    published = f"5:{AuditEvent.objects.get(seq=5).hash}"

    drop_guard_and_rewrite(delete_seq=3)

    monkeypatch.delenv(anchor.KEY_FILE_ENV)
    code, output = verify(capsys)
    assert code == 0 and "4 events" in output  # the hash chain alone is fooled

    code, output = verify(capsys, "--expect-head", published)
    assert code == 1
    assert "event #5 is missing" in output

    code, output = verify(capsys, "--key-file", str(key_file))
    assert code == 1
    assert "event #5 is missing" in output
    assert "an event from #3 to #5 was changed, removed or re-hashed" in output


def test_a_rehashed_chain_of_the_same_length_fails_the_checkpoint(key_file, capsys):
    for n in range(1, 6):
        read_event(n)
    anchor.checkpoint(anchor.configured_key())
    read_event(6)  # the attacker deletes #3 and re-hashes: #5 now holds what was #6
    drop_guard_and_rewrite(delete_seq=3)
    code, output = verify(capsys)
    assert code == 1
    assert "event #5 no longer has the signed head" in output


def test_a_checkpoint_forged_without_the_key_is_caught(key_file, tmp_path, capsys):
    read_event(1)
    other = tmp_path / "other.key"
    anchor.generate_key(other)
    forged = anchor.load_key(other)
    anchor.checkpoint(forged)
    code, output = verify(capsys)
    assert code == 1 and "signed with another key" in output


def test_a_removed_checkpoint_is_caught(key_file, capsys):
    from muster.audit import guard

    for n in range(1, 4):
        read_event(n)
        anchor.checkpoint(anchor.configured_key())
    guard.set_unlocked(True, connection)
    try:
        AuditCheckpoint.objects.filter(seq=2).delete()
    finally:
        guard.set_unlocked(False, connection)
    code, output = verify(capsys)
    assert code == 1
    assert "checkpoint at event #3" in output and "does not follow" in output


def test_no_checkpoint_under_a_configured_key_fails(key_file, capsys):
    read_event(1)
    code, output = verify(capsys)
    assert code == 1 and "no checkpoint is signed with this key" in output


@pytest.mark.parametrize("head", ["abc", "x:" + "0" * 64, "5:" + "g" * 64])
def test_a_malformed_published_head_is_a_one_line_error(head, capsys):
    read_event(1)
    code, output = verify(capsys, "--expect-head", head)
    assert code == 1
    assert output.startswith("muster: --expect-head") and "Traceback" not in output


def test_a_published_head_still_in_place_verifies(capsys):
    read_event(1)
    read_event(2)
    first = f"1:{AuditEvent.objects.get(seq=1).hash}"
    assert verify(capsys, "--expect-head", first)[0] == 0
    code, output = verify(capsys)
    assert f"(to publish: 2:{AuditEvent.objects.get(seq=2).hash})" in output


def test_checkpoints_are_append_only(key_file):
    from django.db import DatabaseError, transaction

    read_event(1)
    anchor.checkpoint(anchor.configured_key())
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic():
            AuditCheckpoint.objects.all().delete()


def test_verify_warns_when_events_pile_up_after_the_newest_checkpoint(key_file, capsys):
    read_event(1)
    assert cli.main(["audit", "checkpoint"]) == 0
    code, output = verify(capsys, "--stale-events", "1")
    assert code == 0 and "STALE" not in output  # everything signed: an idle registry is fresh
    read_event(2)
    read_event(3)
    code, output = verify(capsys, "--stale-events", "1")
    assert code == 0, output  # a warning: the chain itself still verifies
    assert "audit checkpoints STALE" in output
    assert "newest signed checkpoint is at event #1; 2 events after it are unsigned" in output
    code, output = verify(capsys)  # the defaults: 1000 events, 1 hour
    assert "STALE" not in output


def test_verify_warns_when_an_event_has_waited_hours_for_a_checkpoint(
    key_file, capsys, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone

    read_event(1)
    assert cli.main(["audit", "checkpoint"]) == 0
    read_event(2)
    now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: now() + timedelta(hours=3))
    code, output = verify(capsys, "--stale-hours", "2")
    assert (
        code == 0 and "audit checkpoints STALE" in output and "limits: 1000 events, 2 h" in output
    )
    code, output = verify(capsys, "--stale-hours", "4")
    assert "STALE" not in output


def test_stale_limits_must_be_numbers(key_file, capsys):
    with pytest.raises(SystemExit) as exit:
        cli.main(["audit", "verify", "--stale-events", "²"])
    output = capsys.readouterr().err
    assert exit.value.code == 2 and "not a whole number" in output and "Traceback" not in output
