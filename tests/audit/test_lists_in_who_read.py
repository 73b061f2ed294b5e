"""Lists that show persons say which persons they showed: who-read names the list from any of them.

A list of people is a read of each person on it; a count alone leaves the auditor nothing to find.
The API pages with a ceiling; a larger page is an export, and audited as one.
"""

import pytest
from django.test import Client

from muster.audit import queries as audit

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


# --- the API's other lists of people ---------------------------------------------------------------


def _actions(person) -> list[str]:
    return [e.action for e in audit.who_read(person.number)]


def test_the_api_hit_list_names_both_persons_of_each_hit(registered, make_user):
    from django.utils import timezone

    from muster.screening.models import Hit

    first, second = registered.members.order_by("id")[:2]
    Hit.objects.create(
        person=second,
        candidate=first,
        kind=Hit.Kind.DUPLICATE,
        pair_key=f"test:{first.pk}:{second.pk}",
        score=0.99,
        weight=9.0,
        band=Hit.Band.LIKELY,
        created_at=timezone.now(),
    )
    officer = make_user("screening_officer")
    assert signed_in(officer).get("/api/screening/hits/").status_code == 200
    assert _actions(first) == ["screening.hit.list"] and _actions(second) == ["screening.hit.list"]


def test_the_api_protection_reviews_and_separations_name_their_persons(
    registered, facilities, make_user
):
    from muster.custody import services as custody
    from muster.protection import services as protection

    head, spouse, son = registered.members.order_by("id")
    caseworker = make_user("tracing_caseworker")
    protection.record_protection_review(
        son, outcome="holding_not_permitted", reason="13, with his mother", by=caseworker
    )
    custody.dispatch(
        [son],
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=make_user("camp_manager", facility=facilities["reception"]),
        separation_reason="surgery at the camp hospital",
    )
    client = signed_in(caseworker)
    assert client.get("/api/screening/protection-reviews/").status_code == 200
    assert client.get("/api/screening/separations/").status_code == 200
    assert _actions(son) == ["person.list", "person.list"]
    assert _actions(head) == ["person.list"]  # stayed behind: on the separation


def test_the_api_manifest_and_unaccounted_list_name_their_persons(
    registered, facilities, make_user
):
    from muster.custody import services as custody

    head = registered.members.order_by("id").first()
    manager = make_user("camp_manager", facility=facilities["reception"])
    movement = custody.dispatch(
        list(registered.members.all()),
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=manager,
    )
    receiver = make_user("camp_manager", facility=facilities["camp"])
    custody.report_missing(movement, head, note="not on the bus", by=receiver)
    client = signed_in(receiver)
    assert client.get(f"/api/movements/{movement.number}/").status_code == 200
    assert client.get("/api/unaccounted/").status_code == 200
    assert _actions(head) == ["unaccounted.read", "movement.manifest.read"]
