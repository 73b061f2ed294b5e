"""Tracing's matching runs in the background worker, never in the officer's request: a web process
would first build the registry's index (seconds at 20,000 registered, minutes at a million)."""

from django_tasks_db.models import DBTaskResult

from muster import worker
from muster.tracing import services
from muster.tracing.models import TracingCandidate
from tests import factories
from tests.tracing.conftest import GIRL_REQUEST


def test_requests_and_registrations_are_matched_by_the_worker_not_in_the_request(
    transactional_db, settings, abducted, caseworkers, facilities
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    services.reset()
    girl, _woman = abducted
    req = services.open_request(GIRL_REQUEST, by=caseworkers[0])
    factories.household(reception_point=facilities["reception"])
    queued = sorted(r.task_path.rsplit(".", 1)[-1] for r in DBTaskResult.objects.all())
    assert queued == ["check_registrations_task", "match_request_task"]
    # Nothing matched, and no index built, in the process that served the officer.
    assert not TracingCandidate.objects.filter(request=req).exists()
    assert services.registry.REGISTRY.index is None

    worker.run(batch=True)  # the worker's run-until-empty mode, on the real queue

    assert {r.status for r in DBTaskResult.objects.all()} == {"SUCCESSFUL"}
    assert req.candidates.filter(person=girl).exists()
