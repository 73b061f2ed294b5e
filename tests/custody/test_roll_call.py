"""Roll calls, the verbs: the list taken at the start, marks (once, however often or however many
officers), someone seen who is not on the list (recorded, never moved), and the close that tells
the not seen from those who left or arrived meanwhile, after which nothing changes."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from muster.audit.models import AuditEvent
from muster.custody import services as custody
from muster.custody.models import Placement, RollCall, RollCallLine
from tests import factories

pytestmark = pytest.mark.django_db
Outcome = RollCallLine.Outcome


@pytest.fixture
def other_point(db):
    return factories.facility("Reception Point 2", "reception_point")


def codes(exc: ValidationError) -> set[str]:
    return {e.code for errors in exc.error_dict.values() for e in errors}


def test_the_list_is_everyone_placed_here_at_the_start(
    family, point, manager, facilities, other_point
):
    elsewhere = factories.household(
        factories.household_data()[:1], reception_point=other_point
    ).members.get()
    roll_call = custody.start_roll_call(point, by=manager)
    assert roll_call.number.startswith("RC") and roll_call.expected == 3
    listed = set(roll_call.lines.filter(on_list=True).values_list("person_id", flat=True))
    assert listed == {p.pk for p in family}
    assert elsewhere.pk not in listed
    # Someone registered here after the start is not on it.
    late = factories.household(factories.household_data()[:1], reception_point=point)
    assert not roll_call.lines.filter(person__household=late).exists()
    assert AuditEvent.objects.filter(action="rollcall.start", object_id=str(roll_call.pk)).exists()


def test_a_second_roll_call_is_refused_while_one_is_open(family, point, manager):
    first = custody.start_roll_call(point, by=manager)
    with pytest.raises(ValidationError) as refused:
        custody.start_roll_call(point, by=manager)
    assert codes(refused.value) == {"roll_call_open"}
    assert first.number in str(refused.value)
    # The database refuses it too, whatever the code does.
    with pytest.raises(IntegrityError), transaction.atomic():
        RollCall.objects.create(
            number="RCX", facility=point, started_at=first.started_at, expected=0
        )
    custody.close_roll_call(first, by=manager)
    assert custody.start_roll_call(point, by=manager).expected == 3


def test_a_mark_is_made_once_however_often_it_is_sent(family, point, manager, make_user):
    head = family[0]
    roll_call = custody.start_roll_call(point, by=manager)
    first = custody.mark_seen(roll_call, head, by=manager, how="scan")
    assert first.kind == "marked" and first.line.seen_by == manager
    again = custody.mark_seen(
        roll_call, head, by=make_user("camp_manager", facility=point), how="tick"
    )
    assert again.kind == "already" and again.line.seen_by == manager and again.line.how == "scan"
    assert AuditEvent.objects.filter(action="rollcall.mark", object_id=str(head.pk)).count() == 1
    # Kept on the roll call's row, once.
    assert again.roll_call.seen_on_list == 1
    roll_call.refresh_from_db()
    assert custody.figures(roll_call) == custody.Figures(
        expected=3, seen=1, not_seen=2, left=0, arrived=0, not_on_list=0
    )
    # One line a person, by the database.
    with pytest.raises(IntegrityError), transaction.atomic():
        RollCallLine.objects.create(roll_call=roll_call, person=head, on_list=False)


def test_someone_not_on_the_list_is_recorded_where_the_registry_has_them_and_not_moved(
    family, point, manager, facilities, other_point
):
    placed_elsewhere, on_a_bus = (
        factories.household(
            factories.household_data()[:1], reception_point=other_point
        ).members.get()
        for _n in range(2)
    )
    movement = factories.bus([on_a_bus], from_facility=other_point, to_facility=point)
    roll_call = custody.start_roll_call(point, by=manager)

    seen = custody.mark_seen(roll_call, placed_elsewhere, by=manager, how="scan")
    assert seen.kind == "not_on_list" and not seen.line.on_list
    assert (seen.line.found_state, seen.line.found_facility) == ("placed", other_point)
    assert custody.whereabouts(seen.line, roll_call, detailed=True) == "placed at Reception Point 2"
    assert custody.whereabouts(seen.line, roll_call, detailed=False) == (
        "placed at another facility"
    )
    bus = custody.mark_seen(roll_call, on_a_bus, by=manager, how="scan")
    assert bus.line.found_movement == movement
    assert movement.number in custody.whereabouts(bus.line, roll_call, detailed=True)
    assert custody.mark_seen(roll_call, on_a_bus, by=manager, how="scan").kind == (
        "already_not_on_list"
    )
    # Nobody was moved: humans decide.
    assert custody.current_placement(placed_elsewhere).facility == other_point
    assert custody.current_placement(on_a_bus).state == Placement.State.IN_TRANSIT
    roll_call.refresh_from_db()
    figures = custody.figures(roll_call)
    assert (figures.seen, figures.not_on_list) == (0, 2)


def test_someone_dispatched_during_the_roll_call_is_not_counted_missing(
    family, point, manager, facilities
):
    head, spouse, son = family
    roll_call = custody.start_roll_call(point, by=manager)
    custody.mark_seen(roll_call, head, by=manager, how="tick")
    movement = custody.dispatch(
        [spouse, son],
        from_facility=point,
        to_facility=facilities["camp"],
        by=manager,
        separation_reason="the father follows tomorrow",
    )
    assert custody.figures(roll_call).left == 2
    closed = custody.close_roll_call(roll_call, by=manager, note="count at the gate")
    assert (closed.seen, closed.not_seen, closed.left) == (1, 0, 2)
    left = closed.lines.get(person=son)
    assert left.outcome == Outcome.LEFT and left.found_movement == movement
    assert closed.note == "count at the gate"


def test_the_close_tells_the_not_seen_from_those_who_arrived(
    family, point, manager, facilities, other_point
):
    head, spouse, son = family
    newcomer = factories.household(
        factories.household_data()[:1], reception_point=other_point
    ).members.get()
    bus = factories.bus([newcomer], from_facility=other_point, to_facility=point)
    roll_call = custody.start_roll_call(point, by=manager)
    custody.mark_seen(roll_call, head, by=manager, how="scan")
    custody.receive(bus, by=manager)
    assert custody.figures(roll_call).arrived == 1
    closed = custody.close_roll_call(roll_call, by=manager)
    assert custody.figures(closed) == custody.Figures(
        expected=3, seen=1, not_seen=2, left=0, arrived=1, not_on_list=0
    )
    not_seen = {ln.person for ln in custody.lines_with(closed, Outcome.NOT_SEEN)}
    assert not_seen == {spouse, son}
    assert closed.lines.get(person=newcomer).outcome == Outcome.ARRIVED
    assert AuditEvent.objects.get(action="rollcall.close").detail["not_seen"] == 2


def test_a_closed_roll_call_changes_no_more(family, point, manager):
    head = family[0]
    roll_call = custody.start_roll_call(point, by=manager)
    custody.close_roll_call(roll_call, by=manager)
    for change in (
        lambda: custody.mark_seen(roll_call, head, by=manager, how="scan"),
        lambda: custody.close_roll_call(roll_call, by=manager),
    ):
        with pytest.raises(ValidationError) as refused:
            change()
        assert codes(refused.value) == {"roll_call_closed"}
    assert not roll_call.lines.filter(seen_at__isnull=False).exists()


def test_a_wristband_number_is_read_as_typed_on_any_keyboard(family):
    head = family[0]
    eastern = head.number.lower().translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert custody.person_by_number(f" {eastern} ") == head
    assert custody.person_by_number("P-NOSUCH") is None
    assert custody.person_by_number("") is None


def test_the_auditor_reads_a_mark_in_their_language(family, point, manager):
    from django.utils import translation

    from muster.audit.labels import detail_value_label

    roll_call = custody.start_roll_call(point, by=manager)
    custody.mark_seen(roll_call, family[0], by=manager, how="tick")
    event = AuditEvent.objects.get(action="rollcall.mark")
    assert event.detail == {"roll_call": roll_call.number, "how": "tick", "outcome": "seen"}
    with translation.override("ar"):
        assert detail_value_label("how", "tick", "rollcall.mark") == "مؤشَّر عليه في القائمة"
        assert detail_value_label("outcome", "seen", "rollcall.mark") == "شوهد"


def test_a_merged_duplicates_wristband_marks_the_record_kept(
    family, point, manager, household_data, make_user
):
    from muster.screening import services as screening

    head = family[0]
    # Registered a second time, here, and found to be the same person: the band of the second
    # registration is still on their wrist.
    again = factories.household(household_data[:1], reception_point=point).members.get()
    screening.merge_duplicate(
        head, again, by=make_user("screening_officer"), reason="same person, same ID card"
    )
    roll_call = custody.start_roll_call(point, by=manager)
    scanned = custody.person_by_number(again.number)
    marked = custody.mark_seen(roll_call, scanned, by=manager, how="scan")
    assert (marked.kind, marked.person, marked.asked) == ("marked", head, again)
    assert roll_call.lines.get(person=head).seen_at is not None
    text, kind = custody.mark_answer(marked, roll_call, detailed=True, named=False)
    assert text == f"marked: {again.number} (now recorded as {head.number})" and kind == "ok"
