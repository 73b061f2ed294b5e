"""Background jobs of screening (django-tasks, database backend): re-screening the whole registry."""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from muster.audit import services as audit
from muster.people.models import Person
from muster.screening import services
from muster.screening.audit_actions import ScreeningAction
from muster.screening.models import ScreeningRun


@task()
def rescreen_registry(run_id: int) -> int:
    """Re-screen every registered person (after a list import); progress is kept on the run."""
    return services.run_batch_rescreen(run_id).hits_created


def start_batch_rescreen(*, by, reason: str = "", request=None) -> ScreeningRun:
    """Queue a re-screening of the whole registry as a background job; returns its run."""
    with transaction.atomic():
        run = ScreeningRun.objects.create(
            kind=ScreeningRun.Kind.BATCH,
            reason=(reason or "")[:300],
            created_at=timezone.now(),
            started_by=by,
            total=Person.objects.filter(merged_into__isnull=True).count(),
        )
        audit.record(ScreeningAction.SCREENING_BATCH_START, actor=by, obj=run, request=request)
    result = rescreen_registry.enqueue(run.pk)
    ScreeningRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])
    run.refresh_from_db()
    return run
