"""A registration's screening run from start to end: started, finished with its hits, or failed (a
crash, a worker lost), and the persons failed runs leave unscreened until a re-screen succeeds."""

import logging
from collections.abc import Sequence

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from muster.audit import services as audit
from muster.screening.audit_actions import ScreeningAction
from muster.screening.models import Hit, ScreeningRun

logger = logging.getLogger("muster.screening.services")


def start_run(total: int) -> ScreeningRun | None:
    """A registration's screening run, running (None, logged, if it cannot even be started)."""
    try:
        now = timezone.now()
        return ScreeningRun.objects.create(
            kind=ScreeningRun.Kind.REGISTRATION,
            status=ScreeningRun.Status.RUNNING,
            total=total,
            created_at=now,
            started_at=now,
        )
    except Exception as exc:  # noqa: BLE001 - screening must never break a registration
        logger.error("screening run could not start (%s)", type(exc).__name__)
        return None


def finish_run(run: ScreeningRun, screened: int, hits: Sequence[Hit], actor=None) -> ScreeningRun:
    """Record that ``run`` screened ``screened`` persons and proposed ``hits`` (audited, as done
    by ``actor`` when a person ran it)."""
    with transaction.atomic():
        run.done = screened
        run.hits_created = len(hits)
        run.status = ScreeningRun.Status.DONE
        run.finished_at = timezone.now()
        run.save()
        audit.record(
            ScreeningAction.SCREENING_RUN,
            actor=actor,
            obj=run,
            detail={"kind": run.kind, "persons": screened, "hits": len(hits)},
        )
    return run


def fail_run(run: ScreeningRun, error: str) -> ScreeningRun:
    """Record that ``run`` crashed: on the run and in the audit log (``error``: the error's type
    only, never personal data)."""
    ScreeningRun.objects.filter(pk=run.pk).update(
        status=ScreeningRun.Status.FAILED,
        finished_at=timezone.now(),
        hits_created=0,
        error=error[:300],
    )
    run.refresh_from_db()
    _record_failure(run, run.total)
    return run


def _record_failure(run: ScreeningRun, persons: int) -> None:
    audit.record(
        ScreeningAction.SCREENING_RUN,
        obj=run,
        detail={"kind": run.kind, "persons": persons, "status": run.status, "error": run.error},
    )


class WorkerLost(Exception):
    """The process running a screening run died before it finished (killed, power cut)."""


def fail_abandoned_run(run: ScreeningRun) -> ScreeningRun:
    """A run whose worker died mid-way is failed, so that it never reads as still running (nor as
    "no hits"): its persons count as unscreened until a re-screen succeeds. Hits it had already
    created stay in the queue. Audited like any failed run."""
    with transaction.atomic():
        updated = ScreeningRun.objects.filter(
            pk=run.pk, status__in=[ScreeningRun.Status.QUEUED, ScreeningRun.Status.RUNNING]
        ).update(
            status=ScreeningRun.Status.FAILED,
            finished_at=timezone.now(),
            error=WorkerLost.__name__,
        )
        run.refresh_from_db()
        if updated:
            _record_failure(run, run.done)
    return run


def failed_runs() -> QuerySet:
    """Screening runs that crashed, newest first: until a re-screen succeeds, their persons are
    unscreened (not "without hits")."""
    return ScreeningRun.objects.filter(status=ScreeningRun.Status.FAILED).order_by("-created_at")


def unscreened_since_failure() -> int:
    """Persons whose registration screening failed after the last completed batch re-screen."""
    last_batch = (
        ScreeningRun.objects.filter(kind=ScreeningRun.Kind.BATCH, status=ScreeningRun.Status.DONE)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    failed = failed_runs().filter(kind=ScreeningRun.Kind.REGISTRATION)
    if last_batch is not None:
        failed = failed.filter(created_at__gt=last_batch)
    return sum(failed.values_list("total", flat=True))
