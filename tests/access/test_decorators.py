"""The view decorators enforce the policy and every refusal leaves an audit event."""

import pytest

from muster.access.decorators import view_actions
from muster.audit.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.access.decorated_urls")]


def denied_events():
    return list(AuditEvent.objects.filter(action="request.denied").values_list("detail", flat=True))


def test_registration_officer_opens_person_page(make_user, login):
    client = login(make_user("registration_officer"))
    assert client.get("/person/").status_code == 200
    assert denied_events() == []


def test_coordinator_is_refused_person_page_and_refusal_is_audited(make_user, login):
    coordinator = make_user("coordinator")
    response = login(coordinator).get("/person/?q=Nadia")
    assert response.status_code == 403
    events = AuditEvent.objects.filter(action="request.denied")
    assert events.count() == 1
    event = events.get()
    assert event.actor_username == coordinator.username
    assert event.detail == {"method": "GET", "path": "/person/", "reason": "role lacks person.view"}
    # the searched name in the query string never reaches the audit log
    assert "Nadia" not in str(event.detail)


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/person/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_per_method_actions(make_user, login):
    camp_manager = login(make_user("camp_manager"))
    assert camp_manager.get("/register/").status_code == 200
    assert camp_manager.post("/register/").status_code == 403
    assert camp_manager.put("/register/").status_code == 405


def test_public_and_signed_in_views(client, make_user, login):
    assert client.get("/open/").status_code == 200
    assert client.get("/own/").status_code == 302
    assert login(make_user()).get("/own/").status_code == 200


def test_class_based_view_is_guarded_and_declares_its_action(make_user, login):
    from django.urls import resolve

    assert view_actions(resolve("/report/").func) == {"*": "report.view"}
    assert login(make_user("coordinator")).get("/report/").status_code == 200
    assert login(make_user("auditor")).get("/report/").status_code == 403


def test_refusal_inside_rolled_back_transaction_is_still_audited(make_user, login):
    response = login(make_user()).get("/rolled-back/")
    assert response.status_code == 403
    assert len(denied_events()) == 1
