"""A person's timeline tells the roll calls they were seen at (on the list, or seen there though
not on it, with where the registry had them), to those who may read that facility's roll calls:
its camp manager, not the manager of another camp, nor the roles that read no roll call. The page
and the API's timeline are recorded as read, as always."""

import pytest
from django.urls import reverse
from django.utils import translation

from muster.access import policy
from muster.audit.models import AuditEvent
from muster.custody import services as custody
from muster.reports.timeline import person_timeline
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def point2(db):
    return factories.facility("Reception Point 2", "reception_point")


@pytest.fixture
def seen(registered, point, point2, manager):
    """A roll call at Reception Point 1: the head of the usual household seen on its list, and
    a woman registered at Reception Point 2 seen there though not on it."""
    head = registered.members.order_by("id").first()
    stranger = factories.household(factories.household_data()[:1], reception_point=point2)
    stranger = stranger.members.get()
    roll_call = custody.start_roll_call(point, by=manager)
    custody.mark_seen(roll_call, head, by=manager, how="scan")
    custody.mark_seen(roll_call, stranger, by=manager, how="scan")
    return roll_call, head, stranger


def timeline_of(client, person) -> str:
    return client.get(reverse("person-detail", kwargs={"number": person.number})).content.decode()


def test_the_camp_manager_reads_the_roll_calls_a_person_was_seen_at(seen, manager):
    roll_call, head, stranger = seen
    web = factories.signed_in(manager)
    page = timeline_of(web, head)
    assert 'class="ev-roll_call"' in page
    assert "Seen at the roll call at Reception Point 1" in page
    assert f"roll call {roll_call.number}" in page
    # Read, and recorded so, as every page of a person.
    read = AuditEvent.objects.filter(action="person.read", object_id=str(head.pk))
    assert read.filter(detail__view="person").count() == 1

    api = factories.JsonClient(web)
    events = api.get(reverse("api-person-timeline", kwargs={"number": head.number})).json()
    assert [(e["kind"], e["detail"]) for e in events if e["kind"].startswith("roll_call")] == [
        ("roll_call", f"roll call {roll_call.number}")
    ]
    assert read.filter(detail__view="timeline").count() == 1


def test_seen_here_not_on_the_list_is_told_with_where_the_registry_had_them(
    seen, manager, point, point2
):
    roll_call, head, stranger = seen
    # On her way to Reception Point 1 now: its manager may read her page.
    factories.bus([stranger], from_facility=point2, to_facility=point)
    page = timeline_of(factories.signed_in(manager), stranger)
    assert 'class="ev-roll_call_not_on_list"' in page
    assert "Seen at the roll call at Reception Point 1, not on its list" in page
    assert (
        f"roll call {roll_call.number} · where the registry had them: placed at "
        "Reception Point 2" in page
    )


def test_only_those_who_read_that_facilitys_roll_calls_are_told(
    seen, make_user, point2, facilities
):
    roll_call, head, stranger = seen
    # Reception Point 2's manager has her in scope, but not Reception Point 1's roll calls.
    elsewhere = factories.signed_in(make_user("camp_manager", facility=point2))
    page = timeline_of(elsewhere, stranger)
    assert stranger.number in page and "Seen at the roll call" not in page
    # Roles that read no roll call at all, whatever they see of the person.
    for role in ("registration_officer", "screening_officer", "tracing_caseworker"):
        page = timeline_of(factories.signed_in(make_user(role)), head)
        assert head.number in page and "Seen at the roll call" not in page, role


def test_the_sighting_reads_in_arabic_sorani_and_kurmanji(seen, manager):
    roll_call, head, stranger = seen
    fields = policy.person_fields(manager)
    at = policy.facility_scope(manager, "rollcall.view")
    for language in ("ar", "ckb", "kmr"):
        with translation.override(language):
            sightings = [
                e for e in person_timeline(head, fields, roll_calls_at=at) if e.kind == "roll_call"
            ]
            assert len(sightings) == 1
            assert "Seen at the roll call" not in sightings[0].text, language
            assert "roll call" not in sightings[0].detail, language
            assert roll_call.number in sightings[0].detail
