"""Screening beside a long import: each chunk the import commits is scored in a second process while
the import writes the next, so the import takes about as long as the longer of the two, not both.

The second process is forked with the registry index as it stands (nothing is built twice) and
reads and writes no database: this process works out which records its index takes in (the
chunk's, any others registered meanwhile, corrections: ``REGISTRY.changes``), writes each chunk's
screening run and hits as its scores come back, and records a failed run for a chunk whose scoring
failed or was lost, as :func:`~muster.screening.services.runs.screen_registration` does. When
:func:`finish` returns, every chunk handed over has been screened or recorded as failed.

This process's own index is left as it was at the fork: the next screening here brings it in step
from the database, as any other process's is.
"""

import gc
import logging
import multiprocessing
import operator
import queue
import threading
import time
from collections.abc import Sequence

from muster.people.models import Person
from muster.screening import matching
from muster.screening.models import ScreeningRun
from muster.screening.services.run_states import WorkerLost, fail_run, finish_run, start_run
from muster.screening.services.runs import (
    propose_hits,
    registered_persons,
    screen_against_new_lists,
    screen_registration,
)

logger = logging.getLogger("muster.screening.services")

_local = threading.local()

# How long to wait for a chunk's scores before asking whether the scoring process still lives.
_POLL_SECONDS = 5.0
# How long the import's end waits on a scoring process that is alive and answers nothing before it
# is stopped and its chunks' runs failed: a hung process must not hang the import (a chunk's scores
# take seconds even against a registry of a million).
_STALL_SECONDS = 600.0


def active() -> "Beside | None":
    """The screening running beside this thread's import, if any."""
    return getattr(_local, "beside", None)


def start(**kwargs) -> None:
    """Receiver of ``registrations_started``: fork the scoring process (where one can be forked;
    otherwise, or if it fails, screening stays in this process, chunk after chunk)."""
    if active() is not None or "fork" not in multiprocessing.get_all_start_methods():
        return
    try:
        _local.beside = Beside()
    except Exception as exc:  # noqa: BLE001 - screening then runs as it does without
        logger.error("screening beside the import could not start (%s)", type(exc).__name__)


def finish(**kwargs) -> None:
    """Receiver of ``registrations_finished``: wait for the last chunk's scores, write its hits,
    stop the scoring process."""
    beside = active()
    if beside is not None:
        _local.beside = None
        beside.close()


_FIELDS = matching.PERSON_FIELDS  # "id" first
_values = operator.attrgetter(*_FIELDS)


class _Marks:
    def __init__(self, person_mark: int, correction_mark: int) -> None:
        self.person_mark, self.correction_mark = person_mark, correction_mark


def _score_chunks(requests, results, index, lists_index) -> None:
    """The scoring process: make the chunk's records from its persons' values, take in the
    additions (the chunk's persons by id, others as records), score the chunk against the
    registry and the lists, send the candidates back (or the error's type)."""
    while (message := requests.get()) is not None:
        key, additions, values = message
        try:
            made = {
                v[0]: matching.person_record(dict(zip(_FIELDS, v, strict=True))) for v in values
            }
            for item in additions:
                index.add(made[item] if isinstance(item, int) else item)
            records = [made[v[0]] for v in values]
            found = matching.registry_candidates_many(records, index=index)
            listed = matching.list_candidates_many(records, index=lists_index)
        except Exception as exc:  # noqa: BLE001 - reported to the import, which fails the run
            results.put((key, None, None, type(exc).__name__))
        else:
            results.put((key, found, listed, ""))


class Beside:
    """A scoring process fed with committed chunks, and the runs waiting for its answers."""

    def __init__(self) -> None:
        registry = matching.REGISTRY
        index = registry.sync()
        lists_index = registry.lists()
        with registry.lock:
            self.marks = _Marks(registry.person_mark, registry.correction_mark)
            self.lists_signature = registry.lists_signature
        context = multiprocessing.get_context("fork")
        self.requests, self.results = context.Queue(), context.Queue()
        self.pending: dict[int, tuple[ScreeningRun, list[Person]]] = {}
        self.screened: list[int] = []
        self.lost = False
        # Objects alive now are the child's to read, not to collect (its collector would touch,
        # and so copy, every page of them).
        gc.freeze()
        try:
            self.process = context.Process(
                target=_score_chunks,
                args=(self.requests, self.results, index, lists_index),
                name="muster-screening",
                daemon=True,
            )
            self.process.start()
        finally:
            gc.unfreeze()

    def submit(self, person_ids: Sequence[int], persons: Sequence[Person]) -> None:
        """Hand a committed chunk to the scoring process (on commit); write the hits of chunks
        already scored. Never raises, as screening at registration never does."""
        if not self.lost and not self.process.is_alive():
            self._collect(wait=False)  # what it answered before it died
            self._lose()
        if self.lost:
            screen_registration(person_ids, persons)
            return
        run = start_run(len(person_ids))
        if run is None:
            return
        try:
            persons = [p for p in registered_persons(person_ids, persons) if not p.merged_into_id]
            # The records are made over there, from the values: this process is the busier one.
            additions = matching.REGISTRY.changes(
                persons, {p.pk: p.pk for p in persons}, self.marks
            )
            self.pending[run.pk] = (run, persons)
            self.requests.put((run.pk, additions, [_values(p) for p in persons]))
        except Exception as exc:  # noqa: BLE001 - screening must never break a registration
            self.pending.pop(run.pk, None)
            logger.error("screening of %d persons failed (%s)", len(person_ids), type(exc).__name__)
            fail_run(run, type(exc).__name__)
            return
        self.screened.extend(person_ids)
        self._collect(wait=False)

    def _collect(self, *, wait: bool) -> None:
        """Write the hits of the chunks scored so far (``wait``: of every chunk handed over)."""
        answered = time.monotonic()
        while self.pending:
            try:
                key, found, listed, error = self.results.get(
                    block=wait, timeout=min(_POLL_SECONDS, _STALL_SECONDS) if wait else None
                )
            except queue.Empty:
                if not wait:
                    return
                if not self.process.is_alive():
                    self._lose()
                elif time.monotonic() - answered > _STALL_SECONDS:
                    logger.error("the screening process answered nothing for %d s", _STALL_SECONDS)
                    self.process.terminate()
                    self.process.join()
                    self._lose()
                continue
            except (EOFError, OSError):
                self._lose()
                return
            answered = time.monotonic()
            run, persons = self.pending.pop(key)
            try:
                if error:
                    raise RuntimeError(error)
                finish_run(run, len(persons), propose_hits(persons, found, listed, run=run))
            except Exception as exc:  # noqa: BLE001 - a failed run, as at registration
                name = error or type(exc).__name__
                logger.error("screening of %d persons failed (%s)", len(persons), name)
                fail_run(run, name)

    def _lose(self) -> None:
        """The scoring process died (or hung, and was stopped): its chunks' runs fail (their
        persons unscreened until the next re-screen), and the chunks still to come are screened
        here."""
        logger.error("the screening process is lost; %d chunk(s) unscreened", len(self.pending))
        self.lost = True
        for run, _ in self.pending.values():
            fail_run(run, WorkerLost.__name__)
        self.pending.clear()

    def close(self) -> None:
        self._collect(wait=True)
        try:
            if self.lost:
                self.requests.cancel_join_thread()  # nobody reads what is still in the pipe
            self.requests.put(None)
            self.requests.close()
            self.requests.join_thread()
        except (OSError, ValueError):
            pass
        self.process.join(timeout=_POLL_SECONDS)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()
        if self.screened and matching.REGISTRY.current_signature() != self.lists_signature:
            # Lists changed while the import ran: its persons against the new lists too.
            screen_against_new_lists(self.screened)
