"""Background jobs of intake (django-tasks, database backend): importing a large file of submissions."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django_tasks import task

from muster.intake import services
from muster.intake.kobo import ImportFileError, read_export_data
from muster.intake.models import SubmissionImport


@task()
def import_submissions_file(import_id: int) -> int:
    """Read the file kept on the import and register its households; progress is kept on the run."""
    run = SubmissionImport.objects.select_related("reception_point", "started_by").get(pk=import_id)
    # The report, and the refusal of a file that cannot be read (kept on the run as text), in the
    # language of the officer who uploaded the file.
    with translation.override(run.language or settings.LANGUAGE_CODE):
        return _import_file(run)


def _import_file(run: SubmissionImport) -> int:
    by = run.started_by
    try:
        batch = read_export_data(run.file_name, bytes(run.data or b""))
    except ImportFileError as exc:
        services.fail_import(run, str(exc), by=by)
        return 0
    try:
        services.import_submissions(run, batch, by=by)
    except Exception as exc:
        # Households already registered stay (each whole); importing the file again finishes it.
        stopped = gettext("stopped after %(n)s submission(s): %(error)s")
        services.fail_import(run, stopped % {"n": run.done, "error": type(exc).__name__})
        raise
    return run.imported


def queue_import(run: SubmissionImport) -> SubmissionImport:
    """Hand an import started with its file (``services.start_import(data=...)``) to the worker."""
    result = import_submissions_file.enqueue(run.pk)
    SubmissionImport.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])
    run.refresh_from_db()
    return run
