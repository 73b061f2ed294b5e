"""Lists that show persons say which persons they showed: who-read names the list from any of them.

A list of people is a read of each person on it; a count alone leaves the auditor nothing to find.
The API pages with a ceiling; a larger page is an export, and audited as one.
"""

import pytest
from django.test import Client

from muster.audit import services as audit

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(registered):
    return registered.members.order_by("id").first()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session["muster_2fa_ok"] = True
    session.save()
    return client


def test_who_read_names_the_api_list_that_showed_the_person(head, make_user):
    officer = make_user("registration_officer")
    response = signed_in(officer).get("/api/people/", {"limit": 50})
    assert response.status_code == 200
    assert head.number in {p["number"] for p in response.json()["results"]}

    events = list(audit.who_read(head.number))

    assert [(e.action, e.actor_username) for e in events] == [("person.list", officer.username)]
    assert events[0].detail["count"] == 3 and head.pk in events[0].detail["person_ids"]


def test_who_read_names_the_web_search_that_showed_the_person(head, make_user):
    officer = make_user("registration_officer")
    response = signed_in(officer).get("/people/", {"q": "Muhammad al-Obeidi"})
    assert response.status_code == 200 and head.number in response.content.decode()

    events = list(audit.who_read(head.number))

    assert [(e.action, e.actor_username) for e in events] == [("person.search", officer.username)]
    assert events[0].detail["length"] == len("Muhammad al-Obeidi")  # never the text searched


def test_facility_list_and_dispatch_page_are_on_who_read(head, facilities, make_user):
    manager = make_user("camp_manager", facility=facilities["reception"])
    client = signed_in(manager)
    assert client.get(f"/facilities/{facilities['reception'].pk}/").status_code == 200
    assert client.get(f"/facilities/{facilities['reception'].pk}/dispatch/").status_code == 200

    actions = [e.action for e in audit.who_read(head.number)]

    assert actions == ["dispatch.persons.list", "facility.persons.list"]


def test_an_api_page_above_the_ceiling_is_refused_to_a_role_that_may_not_export(head, make_user):
    officer = make_user("registration_officer")
    response = signed_in(officer).get("/api/people/", {"limit": 500})
    assert response.status_code == 400
    assert "limit" in response.json()
    assert not audit.who_read(head.number).exists()


def test_an_api_page_above_the_ceiling_is_an_export(head, facilities, make_user):
    manager = make_user("camp_manager", facility=facilities["reception"])
    response = signed_in(manager).get("/api/people/", {"limit": 500})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3

    (event,) = audit.who_read(head.number)

    assert event.action == "export" and event.detail["export"] == "api-people"
    assert event.detail["rows"] == 3
