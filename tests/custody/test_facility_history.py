"""Editing a facility keeps its history: timelines show the name at the time, the audit keeps old and
new values, and a facility with people cannot be closed or change kind."""

import pytest
from django.core.exceptions import ValidationError

from muster.audit.models import AuditEvent
from muster.custody import services as custody
from muster.reports.timeline import person_timeline


@pytest.fixture
def received_at_camp(registered, facilities, make_user):
    manager = make_user("camp_manager")
    people = list(registered.members.order_by("id"))
    movement = custody.dispatch(
        people, from_facility=facilities["reception"], to_facility=facilities["camp"], by=manager
    )
    custody.receive(movement, by=manager)
    return people[0]


def _texts(person) -> list[str]:
    return [
        f"{e.text} {e.detail}"
        for e in person_timeline(person, {"current_facility", "category_facility"})
    ]


def test_a_rename_does_not_rewrite_the_timeline_and_the_audit_keeps_old_and_new(
    received_at_camp, facilities, make_user
):
    admin = make_user("administrator")
    camp = facilities["camp"]
    before = _texts(received_at_camp)
    assert any("Received at Al-Hol Camp" in t for t in before)
    custody.update_facility(camp, {"name": "Derik camp"}, by=admin)
    after = _texts(received_at_camp)
    assert after == before
    assert not any("Derik" in t for t in after)
    event = AuditEvent.objects.filter(action="facility.update").latest("id")
    assert event.detail["old"] == {"name": "Al-Hol Camp"}
    assert event.detail["new"] == {"name": "Derik camp"}
    assert list(camp.versions.values_list("name", flat=True)) == ["Al-Hol Camp", "Derik camp"]


@pytest.mark.parametrize("changes", [{"is_active": False}, {"kind": "holding_facility"}])
def test_an_occupied_facility_cannot_be_closed_or_change_kind(
    received_at_camp, facilities, make_user, changes
):
    with pytest.raises(ValidationError) as exc:
        custody.update_facility(facilities["camp"], changes, by=make_user("administrator"))
    (field,) = exc.value.message_dict
    assert "move them first" in exc.value.message_dict[field][0]
    facilities["camp"].refresh_from_db()
    assert facilities["camp"].is_active and facilities["camp"].kind == "displacement_camp"
    custody.update_facility(facilities["small_camp"], changes, by=make_user("administrator"))


@pytest.mark.parametrize("bad", ["Camp\x00A", "Camp\x07", "Camp\nB", "Camp\x1b[31m"])
def test_control_characters_in_facility_names_are_refused(facilities, make_user, bad):
    admin = make_user("administrator")
    with pytest.raises(ValidationError) as exc:
        custody.create_facility({"name": bad, "kind": "other"}, by=admin)
    assert exc.value.message_dict == {"name": ["contains a control character"]}
    with pytest.raises(ValidationError):
        custody.update_facility(facilities["camp"], {"name": bad}, by=admin)
