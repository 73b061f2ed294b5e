"""The backup drill: back up a demo population while it is being written to, restore it into a fresh
database, and find the same rows and the same audit head; a wrong key or a damaged file changes
nothing and says so in one line."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest

PASSPHRASE = "drill passphrase 2026"
# The SQLite drill runs in the suite's SQLite pass; the PostgreSQL pass (DATABASE_URL set) runs the
# PostgreSQL drill against that server instead of repeating it.
sqlite_pass = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the SQLite drill runs in the SQLite pass",
)

WRITER = """
import django, os, sys, time
os.environ["DJANGO_SETTINGS_MODULE"] = "muster.settings"
django.setup()
from muster.audit.services import record
print("writing", flush=True)
n = 0
while not os.path.exists(sys.argv[1]):
    record("person.read", object_type="people.person", object_id=n % 50 + 1)
    n += 1
print(n, flush=True)
"""


def muster(env, *args, key=PASSPHRASE):
    run_env = {**env, "MUSTER_BACKUP_KEY": key} if key else {**env}
    if not key:
        run_env.pop("MUSTER_BACKUP_KEY", None)
    return subprocess.run(
        [sys.executable, "-m", "muster.cli", *args],
        env=run_env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def base_env(**extra) -> dict:
    env = {**os.environ, "MUSTER_TOTP_REQUIRED_ROLES": ""}
    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "MUSTER_BACKUP_KEY"):
        env.pop(name, None)
    env.update(extra)
    return env


def back_up_while_writing(env, backup_path, tmp_path):
    """`muster backup` while another process appends audit events as fast as it can."""
    stop = tmp_path / "stop-writing"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(stop)], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout.readline().strip() == "writing"
        time.sleep(0.5)
        made = muster(env, "backup", str(backup_path))
    finally:
        stop.touch()
        written = int(writer.stdout.readline() or 0)
        writer.wait(timeout=60)
    assert made.returncode == 0, made.stderr
    assert written > 0, "nothing was written during the backup"
    return made


def header_of(path) -> dict:
    data = path.read_bytes()
    size = int.from_bytes(data[14:18], "big")
    return json.loads(data[18 : 18 + size])


def check_restored(env, header, restored):
    assert restored.returncode == 0, restored.stderr
    head = header["audit_head"]
    assert f"audit head: {head['seq']}:{head['hash']} (equal to the backup's header)" in (
        restored.stdout
    )
    # The restored chain verifies and still holds the backup's head at its place (the restore
    # itself appends one event after it).
    verified = muster(env, "audit", "verify", "--expect-head", f"{head['seq']}:{head['hash']}")
    assert verified.returncode == 0, verified.stderr
    assert f"audit chain OK: {head['seq'] + 1} events" in verified.stdout
    log = muster(env, "audit", "log", "--action", "backup.restore")
    detail = json.loads(log.stdout.strip().split("\t")[-1])
    assert detail["audit_head"] == head and len(detail["sha256"]) == 64
    assert PASSPHRASE not in log.stdout


# --- SQLite, the embedded default ----------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory, migrated_data):
    data = migrated_data(tmp_path_factory.mktemp("demo"))
    env = base_env(MUSTER_DATA=str(data))
    loaded = muster(env, "demo", "--persons", "300", "--seed", "5", "--no-serve", "--quiet")
    assert loaded.returncode == 0, loaded.stderr
    return env


@pytest.fixture(scope="module")
def migrated(tmp_path_factory, migrated_data):
    return migrated_data(tmp_path_factory.mktemp("migrated"))


@pytest.fixture(scope="module")
def backup(demo, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("backup")
    path = tmp / "muster.backup"
    made = back_up_while_writing(demo, path, tmp)
    return path, made


@sqlite_pass
def test_backup_while_serving_restores_into_a_fresh_database_with_the_same_rows_and_head(
    demo, backup, tmp_path
):
    path, made = backup
    header = header_of(path)
    assert header["database"] == "sqlite" and header["counts"]["people_person"] >= 290
    assert "audit head in the backup" in made.stdout
    assert b"people_person" in path.read_bytes()[:4096]  # the header is in clear...
    assert b"SQLite format" not in path.read_bytes()  # ...the database is not

    fresh = base_env(MUSTER_DATA=str(tmp_path / "fresh"))
    restored = muster(fresh, "restore", str(path))
    with sqlite3.connect(tmp_path / "fresh" / "muster.sqlite3") as db:
        for table in ("people_person", "custody_placement", "audit_auditevent"):
            count = db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            expected = header["counts"][table] + (table == "audit_auditevent")  # + the restore's
            assert count == expected, table
    check_restored(fresh, header, restored)

    created = muster(demo, "audit", "log", "--action", "backup.create")
    assert hashlib.sha256(path.read_bytes()).hexdigest() in created.stdout


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


@sqlite_pass
@pytest.mark.parametrize(
    "damage, message",
    [
        ("wrong key", "wrong key: this backup was made with another key file or passphrase"),
        ("cut", "the backup file is cut short"),
        ("flipped byte", "the backup file was altered or damaged (part 1 fails authentication)"),
        ("changed header", "the backup file was altered or damaged"),
        ("no key", "no key: give --key-file FILE or set MUSTER_BACKUP_KEY"),
    ],
)
def test_a_wrong_key_or_a_damaged_file_fails_in_one_line_and_changes_nothing(
    backup, migrated, tmp_path, damage, message
):
    path, _ = backup
    data = path.read_bytes()
    damaged = tmp_path / "damaged.backup"
    key = PASSPHRASE
    if damage == "wrong key":
        key = "not the drill passphrase"
        damaged.write_bytes(data)
    elif damage == "cut":
        damaged.write_bytes(data[:-100])
    elif damage == "flipped byte":
        at = len(data) - 50_000 if len(data) > 100_000 else len(data) // 2
        damaged.write_bytes(data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :])
    elif damage == "changed header":
        count = header_of(path)["counts"]["people_person"]
        old, new = f'"people_person": {count}', f'"people_person": {count + 1}'
        assert len(old) == len(new)
        damaged.write_bytes(data.replace(old.encode(), new.encode(), 1))
    else:
        key = None
        damaged.write_bytes(data)

    # Into an existing database, even with --force: it must come out untouched.
    target = tmp_path / "target"
    shutil.copytree(migrated, target)
    env = base_env(MUSTER_DATA=str(target))
    before = _digest(target / "muster.sqlite3")
    result = muster(env, "restore", str(damaged), "--force", key=key)
    assert result.returncode == 1
    assert result.stderr.startswith(f"muster: {message}"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert _digest(target / "muster.sqlite3") == before


@sqlite_pass
def test_restore_refuses_a_database_that_holds_data_unless_forced(demo, backup):
    path, _ = backup
    refused = muster(demo, "restore", str(path))
    assert refused.returncode == 1
    assert "the database is not empty" in refused.stderr and "--force" in refused.stderr


@sqlite_pass
def test_backup_never_overwrites_a_file(demo, backup):
    path, _ = backup
    before = _digest(path)
    again = muster(demo, "backup", str(path))
    assert again.returncode == 1 and "never overwritten" in again.stderr
    assert _digest(path) == before


# --- PostgreSQL, when one answers --------------------------------------------------------------


def _postgres_base() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = os.environ.get("MUSTER_TEST_POSTGRES_URL", "")
    if not url:
        pytest.skip(
            "no PostgreSQL configured (DATABASE_URL or MUSTER_TEST_POSTGRES_URL): the PostgreSQL "
            "drill runs in ./dev test's PostgreSQL pass"
        )
    try:
        import psycopg

        psycopg.connect(url.replace("postgres://", "postgresql://"), connect_timeout=3).close()
    except Exception as exc:  # noqa: BLE001 - any failure to connect means: skip, saying why
        pytest.skip(f"no PostgreSQL answers at MUSTER_TEST_POSTGRES_URL ({type(exc).__name__})")
    return url


@pytest.fixture
def postgres_pair(migrated_postgres):
    """Two scratch databases named after the test database, both empty and migrated (copies of
    one migrated once, conftest.migrated_postgres): the source and a fresh target."""
    import psycopg

    url = _postgres_base()
    base = urlsplit(url).path.lstrip("/") or "postgres"
    names = [f"{base}_drill_src", f"{base}_drill_dst"]
    yield [migrated_postgres(url, name) for name in names]
    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_postgresql_drill_backup_while_writing_and_restore_into_a_fresh_database(
    postgres_pair, tmp_path
):
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not on PATH (the PostgreSQL client is not installed)")
    source_url, target_url = postgres_pair
    source = base_env(DATABASE_URL=source_url, MUSTER_DATA=str(tmp_path / "src"))
    loaded = muster(source, "demo", "--persons", "200", "--seed", "5", "--no-serve", "--quiet")
    assert loaded.returncode == 0, loaded.stderr
    path = tmp_path / "pg.backup"
    back_up_while_writing(source, path, tmp_path)
    header = header_of(path)
    assert header["database"] == "postgresql" and header["counts"]["people_person"] >= 190

    target = base_env(DATABASE_URL=target_url, MUSTER_DATA=str(tmp_path / "dst"))
    assert muster(target, "migrate").returncode == 0  # an empty, migrated database
    wrong = muster(target, "restore", str(path), key="not the drill passphrase")
    assert wrong.returncode == 1 and wrong.stderr.startswith("muster: wrong key")
    restored = muster(target, "restore", str(path))
    check_restored(target, header, restored)
