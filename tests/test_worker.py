"""The background worker: a queued re-screen completes, and `muster serve` keeps a worker running
for as long as it serves (restarted when it dies, gone when the server stops)."""

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time

import pytest

from muster import worker
from muster.audit.models import AuditEvent
from tests.factories import join_list_index_builds

HEADER = "record_id,source,given_name,father_name,grandfather_name,family_name,mother_name,alias,sex,date_of_birth,birth_year,place_of_origin,nationality"
WANTED = "L-1,,إبراهيم,عواد,إبراهيم,البدري,,أبو دعاء,M,1971-07-28,,سامراء,IRQ"
REGISTERED = {
    "given_name": "Ibrahim",
    "father_name": "Awwad",
    "family_name": "al-Badri",
    "sex": "M",
    "date_of_birth": "1971-07-28",
    "nationality": "IRQ",
}


@pytest.fixture
def fresh_index():
    from muster.screening import matching

    matching.reset()
    yield
    matching.reset()


def test_a_queued_rescreen_completes_when_the_worker_runs(
    transactional_db, facilities, make_user, fresh_index
):
    from django_tasks_db.models import DBTaskResult

    from muster.intake import services as intake
    from muster.people.validation import clean_household
    from muster.screening import imports
    from muster.screening import tasks as screening_tasks
    from muster.screening.models import Hit, ScreeningRun

    officer = make_user("screening_officer")
    person = intake.register_household(
        clean_household([dict(REGISTERED)]),
        reception_point=facilities["reception"],
        by=make_user("registration_officer"),
    ).members.get()
    imports.import_reference_list(
        f"{HEADER}\n{WANTED}\n".encode(),
        name="Wanted list",
        owner="Ministry of Interior",
        legal_basis="Decree 12/2019",
        list_date="2026-11-01",
        by=officer,
    )
    # The import rebuilds the lists' index on a thread: the worker's exclusive transaction
    # beside its reads fails at once on the test database ("database table is locked").
    join_list_index_builds()
    run = screening_tasks.start_batch_rescreen(
        by=officer, reason="Wanted list v1"
    )  # what the page calls
    assert run.status == "queued"

    worker.run(batch=True)  # the worker's run-until-empty mode, on the real queue

    run.refresh_from_db()
    assert (run.status, run.done, run.total, run.hits_created) == ("done", 1, 1, 1)
    assert Hit.objects.get(run=run).person == person
    assert DBTaskResult.objects.get(id=run.task_id).status == "SUCCESSFUL"
    assert AuditEvent.objects.filter(action="screening.run", object_id=str(run.pk)).exists()
    assert ScreeningRun.objects.filter(status="queued").count() == 0


def _dead_pid() -> int:
    """The pid of a process that has just ended (a pid is reused only after the range wraps)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def _queued_rescreen(make_user):
    from muster.screening import tasks as screening_tasks

    return screening_tasks.start_batch_rescreen(by=make_user("screening_officer"), reason="v2")


def _claim(run, worker_id: str, run_status: str = "running"):
    """As the worker does when it takes the task: the task claimed, the run started."""
    from django_tasks_db.models import DBTaskResult

    from muster.screening.models import ScreeningRun

    task = DBTaskResult.objects.get(id=run.task_id)
    task.claim(worker_id)
    ScreeningRun.objects.filter(pk=run.pk).update(status=run_status, done=0)
    return task


def test_a_run_left_running_by_a_killed_worker_is_failed_when_a_worker_starts(
    transactional_db, make_user
):
    from muster.screening import services as screening

    run = _queued_rescreen(make_user)
    task = _claim(run, f"{socket.gethostname()}:{_dead_pid()}")  # then kill -9

    worker.run(batch=True)

    run.refresh_from_db()
    task.refresh_from_db()
    assert (run.status, run.error) == ("failed", "WorkerLost")
    assert task.status == "FAILED" and task.exception_class_path.endswith("WorkerLost")
    event = AuditEvent.objects.filter(action="screening.run", object_id=str(run.pk)).get()
    assert event.detail["status"] == "failed" and event.detail["error"] == "WorkerLost"
    # The screening page's warning now counts it: its persons are not "screened, no hits".
    assert run in screening.failed_runs()


def test_a_run_whose_task_ended_without_it_is_failed_too(transactional_db, make_user):
    """Interrupted at shutdown: the task was recorded failed, the run was left "running"."""
    run = _queued_rescreen(make_user)
    task = _claim(run, f"{socket.gethostname()}:{os.getpid()}")
    task.set_failed(SystemExit(0))
    assert [r.pk for r in worker.fail_abandoned_runs()] == [run.pk]
    run.refresh_from_db()
    assert run.status == "failed"


def test_a_registration_run_still_running_after_an_hour_is_failed(transactional_db):
    """Screened in the web process seconds after the registration: one still running an hour later
    died with that process."""
    from datetime import timedelta

    from django.utils import timezone

    from muster.screening.models import ScreeningRun

    def run(minutes_ago):
        at = timezone.now() - timedelta(minutes=minutes_ago)
        return ScreeningRun.objects.create(
            kind="registration", status="running", total=3, created_at=at, started_at=at
        )

    lost, busy = run(90), run(1)
    assert [r.pk for r in worker.fail_abandoned_runs()] == [lost.pk]
    lost.refresh_from_db()
    busy.refresh_from_db()
    assert (lost.status, lost.error, busy.status) == ("failed", "WorkerLost", "running")


def test_runs_of_live_or_other_machines_workers_and_queued_runs_are_left_alone(
    transactional_db, make_user
):
    from django_tasks_db.models import DBTaskResult

    live = _queued_rescreen(make_user)
    _claim(live, f"{socket.gethostname()}:{os.getpid()}")
    elsewhere = _queued_rescreen(make_user)
    _claim(elsewhere, f"another-host:{_dead_pid()}")
    queued = _queued_rescreen(make_user)

    assert worker.fail_abandoned_runs() == []
    for run, status in ((live, "running"), (elsewhere, "running"), (queued, "queued")):
        run.refresh_from_db()
        assert run.status == status
    assert DBTaskResult.objects.filter(status="RUNNING").count() == 2
    assert not AuditEvent.objects.filter(action="screening.run").exists()


# --- `muster serve` runs the worker as a supervised child ----------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(data_dir) -> dict:
    env = {**os.environ, "MUSTER_DATA": str(data_dir), "MUSTER_TOTP_REQUIRED_ROLES": ""}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


ENQUEUE = """
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "muster.settings"
django.setup()
from muster.access import services as access
from muster.screening import tasks as screening_tasks
officer = access.create_user("so", "a long enough password", roles=["screening_officer"],
                             check_password=False)
print(screening_tasks.start_batch_rescreen(by=officer, reason="test").pk)
"""


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead too
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[-1][0] != "Z"
    except FileNotFoundError:
        return False


class Served:
    def __init__(self, data_dir):
        self.log_path = data_dir / "serve.log"
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "muster.cli", "serve", "--port", str(_free_port())],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=_env(data_dir),
        )

    def output(self) -> str:
        return self.log_path.read_text()

    def worker_pids(self) -> list[int]:
        return [int(p) for p in re.findall(r"worker started \(pid (\d+)\)", self.output())]

    def stop(self, sig=signal.SIGTERM) -> int:
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=30)
        finally:
            self.log.close()


@pytest.fixture
def served(migrated_data, tmp_path):
    """`muster serve` on a copy of a migrated data directory (conftest.migrated_data)."""
    served = Served(migrated_data(tmp_path))
    yield served
    if served.process.poll() is None:
        served.stop(signal.SIGKILL)
    for pid in served.worker_pids():  # never leave a worker behind, even when the test failed
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


def _run_status(data_dir, run_id: int) -> str:
    with sqlite3.connect(data_dir / "muster.sqlite3") as db:
        row = db.execute(
            "SELECT status FROM screening_screeningrun WHERE id = ?", [run_id]
        ).fetchone()
    return row[0] if row else ""


sqlite_pass = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="`muster serve` is exercised on the embedded database, in the SQLite pass",
)


@sqlite_pass
def test_serve_runs_the_worker_restarts_it_and_stops_it_with_the_server(served, tmp_path):
    first = _wait_for(served.worker_pids, 60, "the worker to start")[0]
    enqueued = subprocess.run(
        [sys.executable, "-c", ENQUEUE], env=_env(tmp_path), capture_output=True, text=True
    )
    assert enqueued.returncode == 0, enqueued.stderr
    run_id = int(enqueued.stdout.strip())
    _wait_for(lambda: _run_status(tmp_path, run_id) == "done", 30, "the re-screen to finish")
    # The run's row is committed before the worker writes its log line: wait for the line too
    # (read at once, it was missing once in CI, 2026-12-04).
    _wait_for(
        lambda: "task screening.tasks.rescreen_registry done" in served.output(),
        10,
        "the worker to log the task done",
    )
    # The log's times carry their offset: the server keeps local time, the machine may not.
    assert re.search(
        r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d{4} muster worker\[", served.output(), re.M
    )

    os.kill(first, signal.SIGKILL)  # a worker that dies is started again
    _wait_for(lambda: len(served.worker_pids()) >= 2, 30, "the worker to be restarted")
    second = served.worker_pids()[-1]
    assert second != first and _alive(second)

    assert served.stop(signal.SIGTERM) == 0
    assert "worker stopped" in served.output()
    assert not _alive(second), "the worker outlived the server"


@sqlite_pass
def test_a_worker_whose_server_was_killed_stops_by_itself(served):
    pid = _wait_for(served.worker_pids, 60, "the worker to start")[0]
    served.stop(signal.SIGKILL)  # no chance to stop its child
    _wait_for(lambda: not _alive(pid), 15, "the orphaned worker to stop")
