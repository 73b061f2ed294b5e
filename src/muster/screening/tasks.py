"""Background jobs of screening (django-tasks, database backend): re-screening the whole registry."""

from django_tasks import task


@task()
def rescreen_registry(run_id: int) -> int:
    """Re-screen every registered person (after a list import); progress is kept on the run."""
    from muster.screening import services

    return services.run_batch_rescreen(run_id).hits_created
