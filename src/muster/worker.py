"""The background worker: runs the task queue (django-tasks' database backend, e.g. a re-screen of the
registry) and, where an audit key is configured, signs audit checkpoints on a schedule.

``muster worker`` runs it alone (production: a service of its own). ``muster serve`` runs it as a
supervised child process (:class:`Supervisor`): restarted when it dies, stopped when the server stops,
logging to the server's stream. The queue itself is django-tasks-db's: its ``db_worker`` command's
``Worker`` claims and runs tasks; this module adds the logging, the supervision and the schedule.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

LOG = logging.getLogger("muster.worker")

# Seconds between looks at an empty queue.
POLL_SECONDS = 1.0
# A child that dies sooner than this after starting is restarted after a growing delay (up to the
# maximum), so a worker that cannot start (bad database URL) does not spin.
_HEALTHY_AFTER_SECONDS = 30.0
_FIRST_RESTART_DELAY = 1.0
_MAX_RESTART_DELAY = 30.0
# How long a stopping server waits for the task in hand to finish before interrupting it.
STOP_GRACE_SECONDS = 10.0


def _configure_logging() -> None:
    """One line per event on stderr (the server's stream when supervised), whatever LOGGING says."""
    if LOG.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter(
            "%(asctime)s muster worker[%(process)d]: %(message)s", "%Y-%m-%d %H:%M:%S%z"
        )
    )
    LOG.addHandler(handler)
    LOG.setLevel(logging.INFO)
    LOG.propagate = False
    # django-tasks logs a failure with its traceback (which may quote data); the traceback stays on
    # the task's result row and the log gets the one line below.
    logging.getLogger("django_tasks").setLevel(logging.CRITICAL)
    logging.getLogger("django.tasks").setLevel(logging.CRITICAL)
    db_worker_log = logging.getLogger("django_tasks_db")
    db_worker_log.setLevel(logging.WARNING)
    if not db_worker_log.handlers:
        db_worker_log.addHandler(handler)
        db_worker_log.propagate = False


def _task_name(task_result) -> str:
    return task_result.task.module_path.removeprefix("muster.")


def _on_started(sender, task_result, **kwargs) -> None:
    LOG.info("task %s started (id %s)", _task_name(task_result), task_result.id)


def _on_finished(sender, task_result, **kwargs) -> None:
    took = ""
    if task_result.started_at and task_result.finished_at:
        took = f" in {(task_result.finished_at - task_result.started_at).total_seconds():.1f} s"
    if task_result.errors:
        error = task_result.errors[-1].exception_class_path.rsplit(".", 1)[-1]
        LOG.error(
            "task %s FAILED%s: %s (id %s; traceback kept on the task result)",
            _task_name(task_result),
            took,
            error,
            task_result.id,
        )
    else:
        LOG.info("task %s done%s (id %s)", _task_name(task_result), took, task_result.id)


def _connect_task_log() -> None:
    from django_tasks.signals import task_finished, task_started

    task_started.connect(_on_started, dispatch_uid="muster_worker_started")
    task_finished.connect(_on_finished, dispatch_uid="muster_worker_finished")


def _watch_parent(parent_pid: int) -> None:
    """A supervised worker stops when its server is gone, even one killed with SIGKILL."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        LOG.warning("the server that started this worker is gone; stopping")
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="muster-parent-watch", daemon=True).start()


def _checkpoint_schedule() -> None:
    """Sign an audit checkpoint every few minutes when an audit key is configured (outside the
    database: MUSTER_AUDIT_KEY_FILE); a thread of its own so a long task does not delay it."""
    from muster.audit import anchor

    try:
        key = anchor.configured_key()
        minutes = anchor.checkpoint_minutes()
    except anchor.AnchorError as exc:
        LOG.error("audit checkpoints are off: %s", exc)
        return
    if key is None:
        return
    LOG.info("signing audit checkpoints every %g min", minutes)

    def loop() -> None:
        from django.db import connection

        while True:
            try:
                made = anchor.checkpoint(key)
                if made is not None:
                    LOG.info("audit checkpoint at event #%d", made.seq)
            except Exception as exc:  # noqa: BLE001 - the next round tries again
                LOG.error("audit checkpoint failed: %s", type(exc).__name__)
            finally:
                connection.close()
            time.sleep(minutes * 60)

    threading.Thread(target=loop, name="muster-audit-checkpoints", daemon=True).start()


# A new registration's screening (seconds, in the web process) still running after this is lost.
REGISTRATION_RUN_LOST_AFTER = timedelta(hours=1)


def _claimed_by_a_dead_worker(task_result) -> bool:
    """Was this task last claimed by a worker process on this machine that no longer exists?

    Workers are named ``host:pid``. A worker on another machine, or a name that is not one, is
    never judged (it may be running); nor is a live pid, even one reused by another program.
    """
    import socket

    host, _sep, pid = (task_result.worker_ids or [""])[-1].rpartition(":")
    if host != socket.gethostname() or not (pid.isascii() and pid.isdigit()):
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError, ValueError):
        return False
    return False


def fail_abandoned_runs() -> list:
    """On start: what a worker killed mid-task (kill -9, power cut) left "running" is failed.

    Its task result, when its worker on this machine is gone, and every whole-registry screening run
    whose task is no longer queued or running: otherwise the run would read "running" for ever
    and the registry's persons as being screened. A new registration's run still running after
    REGISTRATION_RUN_LOST_AFTER died with its web process. Returns the screening runs failed.
    """
    from django.utils import timezone
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from muster.screening import services as screening
    from muster.screening.models import ScreeningRun

    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        if _claimed_by_a_dead_worker(result):
            result.set_failed(screening.WorkerLost(f"worker {result.worker_ids[-1]} died"))
            LOG.warning(
                "task %s (id %s) was left running by a dead worker: failed",
                result.task_name,
                result.id,
            )
    open_runs = list(
        ScreeningRun.objects.filter(
            kind=ScreeningRun.Kind.BATCH,
            status__in=[ScreeningRun.Status.QUEUED, ScreeningRun.Status.RUNNING],
        ).exclude(task_id="")
    )
    alive = {
        str(pk)
        for pk in DBTaskResult.objects.filter(
            id__in=[r.task_id for r in open_runs],
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        ).values_list("id", flat=True)
    }
    failed = []
    for run in open_runs:
        if run.task_id not in alive:
            failed.append(screening.fail_abandoned_run(run))
            LOG.warning("screening run %d was abandoned by its worker: marked failed", run.pk)
    # A new registration is screened in the web process within seconds of its commit; one still
    # "running" an hour later died with that process (killed, restarted mid-way).
    cutoff = timezone.now() - REGISTRATION_RUN_LOST_AFTER
    for run in ScreeningRun.objects.filter(
        kind=ScreeningRun.Kind.REGISTRATION,
        status=ScreeningRun.Status.RUNNING,
        started_at__lt=cutoff,
    ):
        failed.append(screening.fail_abandoned_run(run))
        LOG.warning("screening run %d of a new registration never finished: marked failed", run.pk)
    return failed


def run(
    *,
    interval: float = POLL_SECONDS,
    batch: bool = False,
    max_tasks: int | None = None,
    parent_pid: int | None = None,
) -> None:
    """Run queued tasks in this process until stopped (SIGINT/SIGTERM: the task in hand finishes
    first), or with ``batch`` until the queue is empty. Django must be set up."""
    import socket

    from django_tasks_db.management.commands.db_worker import Worker

    _configure_logging()
    _connect_task_log()
    worker = Worker(
        queue_names=["*"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=f"{socket.gethostname()}:{os.getpid()}"[:64],
        excluded_queue_names=[],
    )
    if parent_pid:
        _watch_parent(parent_pid)
    if not batch:
        _checkpoint_schedule()
    fail_abandoned_runs()
    worker.configure_signals()
    LOG.info("worker started (pid %d)", os.getpid())
    try:
        worker.run()
    finally:
        worker.reset_signals()
        LOG.info("worker stopped")


class Supervisor:
    """Keeps one ``muster worker`` child process running beside the web server."""

    def __init__(
        self,
        argv: list[str] | None = None,
        *,
        stop_grace: float = STOP_GRACE_SECONDS,
        first_delay: float = _FIRST_RESTART_DELAY,
    ):
        self.argv = argv or [
            sys.executable,
            "-m",
            "muster.cli",
            "worker",
            "--parent-pid",
            str(os.getpid()),
        ]
        self.stop_grace = stop_grace
        self.first_delay = first_delay
        self.process: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        _configure_logging()
        self._thread = threading.Thread(target=self._keep_running, name="muster-supervisor")
        self._thread.daemon = True
        self._thread.start()

    def _spawn(self) -> subprocess.Popen:
        # A session of its own: Ctrl+C at the terminal reaches the server, which then stops the
        # worker itself (letting the task in hand finish) instead of racing it.
        return subprocess.Popen(self.argv, start_new_session=True)

    def _keep_running(self) -> None:
        delay = self.first_delay
        while not self._stopping.is_set():
            with self._lock:
                if self._stopping.is_set():
                    return
                self.process = self._spawn()
            started = time.monotonic()
            code = self.process.wait()
            if self._stopping.is_set():
                return
            lived = time.monotonic() - started
            delay = self.first_delay if lived >= _HEALTHY_AFTER_SECONDS else delay
            LOG.error("worker exited with code %s; restarting in %g s", code, delay)
            if self._stopping.wait(delay):
                return
            delay = min(delay * 2, _MAX_RESTART_DELAY)

    def stop(self) -> None:
        """Stop the child: SIGTERM lets the task in hand finish; after the grace period a second
        SIGTERM interrupts it (its result is recorded as failed), then SIGKILL."""
        with self._lock:
            self._stopping.set()
            process = self.process
        if process is not None and process.poll() is None:
            for sig, wait in ((signal.SIGTERM, self.stop_grace), (signal.SIGTERM, 5.0)):
                process.send_signal(sig)
                try:
                    process.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
            else:
                process.kill()
                process.wait()
        if self._thread is not None:
            self._thread.join(timeout=5.0)


def _raise_exit(signum, frame) -> None:
    raise SystemExit(0)


@contextmanager
def alongside(enabled: bool = True) -> Iterator[Supervisor | None]:
    """Run the supervised worker for the duration of the block (the web server's life).

    SIGTERM (systemd, ``kill``) ends the block like Ctrl+C does, so the worker is stopped rather
    than orphaned.
    """
    if not enabled:
        yield None
        return
    previous = signal.signal(signal.SIGTERM, _raise_exit)
    supervisor = Supervisor()
    supervisor.start()
    try:
        yield supervisor
    finally:
        supervisor.stop()
        signal.signal(signal.SIGTERM, previous)
