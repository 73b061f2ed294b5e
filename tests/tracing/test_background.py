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


def _searched_once(settings, caseworkers):
    """The girl's request, opened with tasks queued in the database, its first search's task gone
    (as if the worker had searched once already)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    services.reset()
    req = services.open_request(GIRL_REQUEST, by=caseworkers[0])
    DBTaskResult.objects.all().delete()
    return req


def test_search_again_is_queued_and_the_page_says_so_until_the_worker_is_done(
    transactional_db, settings, abducted, caseworkers
):
    from django.urls import reverse
    from django.utils import timezone

    from muster.audit.models import AuditEvent
    from muster.tracing.models import TracingRequest

    girl, _woman = abducted
    req = _searched_once(settings, caseworkers)
    TracingRequest.objects.filter(pk=req.pk).update(searched_at=timezone.now())
    web = factories.signed_in(caseworkers[1])
    page_url = reverse("tracing-request", args=[req.number])
    search_url = reverse("tracing-request-search", args=[req.number])
    assert "data-searching" not in web.get(page_url).content.decode()

    response = web.post(search_url)
    assert response.status_code == 302
    assert not req.candidates.exists()  # nothing matched in the web request
    page = web.get(page_url).content.decode()
    assert "data-searching" in page and 'hx-trigger="every 3s"' in page
    poll = web.get(search_url, HTTP_HX_REQUEST="true")
    assert poll.status_code == 200 and "data-searching" in poll.content.decode()

    worker.run(batch=True)

    done = web.get(search_url, HTTP_HX_REQUEST="true")
    assert done.status_code == 204 and done["HX-Refresh"] == "true"
    page = web.get(page_url).content.decode()
    assert "data-searching" not in page and girl.number in page
    event = AuditEvent.objects.filter(action="tracing.candidates.find").last()
    assert event.actor_id == caseworkers[1].pk and event.object_id == str(req.pk)


def test_the_api_find_is_queued_to_the_worker_not_matched_in_the_request(
    transactional_db, settings, abducted, caseworkers
):
    girl, _woman = abducted
    req = _searched_once(settings, caseworkers)
    api = factories.JsonClient(factories.signed_in(caseworkers[1]))

    response = api.post(f"/api/tracing-requests/{req.number}/find/")
    assert response.status_code == 202 and response.json()["searching"] is True
    queued = [r.task_path.rsplit(".", 1)[-1] for r in DBTaskResult.objects.all()]
    assert queued == ["match_request_task"]
    assert not req.candidates.exists()  # nothing matched, no index built, in the API request
    assert services.registry.REGISTRY.index is None

    worker.run(batch=True)

    assert api.get(f"/api/tracing-requests/{req.number}/").json()["searching"] is False
    listed = api.get(f"/api/tracing-requests/{req.number}/candidates/").json()
    assert girl.number in [c["person"]["number"] for c in listed]


def test_a_confirmation_re_weighs_the_other_requests_in_the_worker(
    transactional_db, settings, abducted, caseworkers, facilities
):
    """A person confirmed for one request drops in the other open requests' queues: queued on the
    confirmation's commit, done by the worker (the other request's untouched proposal is
    re-ranked, and audited)."""
    from muster.audit.models import AuditEvent
    from tests.tracing.test_live_claims import SISTER, WEAK_SISTER_REQUEST

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    services.reset()
    girl, _woman = abducted
    sister = factories.household(
        [dict(m) for m in SISTER], reception_point=facilities["reception"]
    ).members.get()
    one, two = caseworkers
    req = services.open_request(GIRL_REQUEST, by=one)
    own = services.open_request(WEAK_SISTER_REQUEST, by=two)
    worker.run(batch=True)
    assert req.candidates.get(rank=1).person == sister
    DBTaskResult.objects.all().delete()

    cand = own.candidates.get(person=sister)
    services.decide_candidate(cand, decision="confirm", reason="her mother knew her", by=two)
    assert [r.task_path.rsplit(".", 1)[-1] for r in DBTaskResult.objects.all()] == ["reweigh_task"]
    assert req.candidates.get(rank=1).person == sister  # nothing changed in the officer's request

    worker.run(batch=True)
    assert {r.status for r in DBTaskResult.objects.all()} == {"SUCCESSFUL"}
    assert req.candidates.get(rank=1).person == girl
    event = AuditEvent.objects.filter(action="tracing.registration.check").last()
    assert event.object_id == str(req.pk) and event.detail["after"] == "another request"
