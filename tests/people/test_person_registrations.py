"""The person page shows every registration of the same human, and family separations."""

import pytest
from django.urls import reverse
from django.utils import timezone

from muster.audit.models import AuditEvent
from muster.custody import services as custody
from muster.custody.models import Facility
from muster.intake import services as intake
from muster.people.validation import clean_household
from muster.screening import services as screening

pytestmark = pytest.mark.django_db


def members(household):
    return list(household.members.order_by("id"))


def url(person):
    return reverse("person-detail", kwargs={"number": person.number})


@pytest.fixture
def merged(registered, household_data, make_user):
    """The head of ``registered`` came back two days later to Reception Point 2, was registered
    again, and screening confirmed the two records are one person."""
    point2 = Facility.objects.create(name="Reception Point 2", kind="reception_point", capacity=500)
    officer = make_user("registration_officer", username="officer-rp2")
    again = intake.register_household(
        clean_household(household_data[:1]), reception_point=point2, by=officer
    )
    kept, duplicate = members(registered)[0], members(again)[0]
    screening.merge_duplicate(
        kept, duplicate, by=make_user("screening_officer"), reason="same person, same ID card"
    )
    return kept, duplicate


def test_kept_record_lists_the_merged_registration_with_its_number_date_and_point(
    merged, officer_client
):
    kept, duplicate = merged
    html = officer_client.get(url(kept)).content.decode()
    section = html[html.index("Other registrations") :]
    assert f'href="{url(duplicate)}"' in section
    assert "Reception Point 2" in section
    # The date as the page shows it: in the deployment's time zone (at 21:00 UTC it is already the
    # next day in Damascus).
    assert timezone.localtime(duplicate.registered_at).strftime("%Y-%m-%d") in section
    # The duplicate's page points back to the kept record.
    back = officer_client.get(url(duplicate)).content.decode()
    assert "Duplicate record, merged into" in back and f'href="{url(kept)}"' in back


def test_seeing_the_other_registration_is_audited_as_a_read_of_it(merged, officer_client):
    kept, duplicate = merged
    officer_client.get(url(kept))
    read = AuditEvent.objects.get(action="person.read", object_id=str(duplicate.pk))
    assert read.detail == {"via": "web", "view": "person", "seen_from": kept.number}


def test_a_person_registered_once_shows_no_other_registrations(registered, officer_client):
    html = officer_client.get(url(members(registered)[0])).content.decode()
    assert "Other registrations" not in html


def test_camp_manager_sees_the_other_registration_outside_their_camp_without_a_link(
    merged, facilities, make_user, login
):
    kept, duplicate = merged
    manager = make_user("camp_manager", facility=facilities["camp"])
    # The merge put the kept record where the person was last seen: Reception Point 2.
    custody.dispatch(
        [kept],
        from_facility=custody.current_placement(kept).facility,
        to_facility=facilities["camp"],
        by=manager,
        separation_reason="medical evacuation",
    )
    html = login(manager).get(url(kept)).content.decode()
    section = html[html.index("Other registrations") :]
    assert duplicate.number in section and f'href="{url(duplicate)}"' not in section


def test_separation_is_flagged_on_the_pages_of_who_left_and_who_stayed(
    registered, facilities, make_user, officer_client, login
):
    head, spouse, son = members(registered)
    custody.dispatch(
        [son],
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=make_user("camp_manager", facility=facilities["reception"]),
        separation_reason="son needs surgery at the camp hospital",
    )
    for person in (son, head, spouse):
        html = officer_client.get(url(person)).content.decode()
        assert "Separated from household" in html
        # The stated reason can tell who was held: only roles that see categories read it.
        assert "surgery" not in html
    # A camp's name would tell the registration officer the son's category: not named for them.
    assert "moved to a facility" in officer_client.get(url(son)).content.decode()
    assert "stayed when others moved to a facility" in (
        officer_client.get(url(head)).content.decode()
    )
    assert "Al-Hol" not in officer_client.get(url(head)).content.decode()
    # (login signs the same test client in as the screener.)
    screener = login(make_user("screening_officer", username="screener"))
    for person in (son, head, spouse):
        html = screener.get(url(person)).content.decode()
        assert "Separated from household: son needs surgery at the camp hospital" in html


def test_separation_reason_is_escaped(registered, facilities, make_user, login):
    head, spouse, son = members(registered)
    custody.dispatch(
        [son],
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=make_user("camp_manager", facility=facilities["reception"]),
        separation_reason="<script>alert(1)</script>",
    )
    screener = login(make_user("screening_officer", username="screener"))
    html = screener.get(url(head)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


def test_a_record_merged_into_one_merged_later_lives_on_the_last(
    registered, household_data, make_user
):
    """A chain of merges (a record merged into another, that one merged into a third later) ends
    on the record kept: a roll call marks it, screening lists every registration of it."""
    from muster.people import services as people

    point2 = Facility.objects.create(name="Reception Point 2", kind="reception_point", capacity=500)
    officer, screener = make_user("registration_officer"), make_user("screening_officer")
    head = members(registered)[0]
    first, second = (
        members(
            intake.register_household(
                clean_household(household_data[:1]), reception_point=point2, by=officer
            )
        )[0]
        for _n in range(2)
    )
    screening.merge_duplicate(second, first, by=screener, reason="same person, same ID card")
    screening.merge_duplicate(head, second, by=screener, reason="same person, same ID card")
    first.refresh_from_db()
    assert people.surviving_record(first) == head
    assert people.surviving_record(head) == head
    assert screening.registrations_of(first) == [head, first, second]
    # A chain that came back on itself (no merge makes one) ends before it would loop.
    type(head).objects.filter(pk=head.pk).update(merged_into=first)
    first.refresh_from_db()
    assert people.surviving_record(first) == head
