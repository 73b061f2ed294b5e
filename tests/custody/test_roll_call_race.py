"""Two officers marking the same person at the same moment: one mark, one "already", one event;
for someone not on the list, one line; each counted once on the roll call. Two officers marking two
persons at the same moment: both counted. Real concurrency needs real connections and row locks, so
this runs on PostgreSQL only."""

import threading

import pytest
from django.db import connection

from muster.audit.models import AuditEvent
from muster.custody import services as custody
from tests import factories

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises all writers, so there is no race to test",
)


@pytest.mark.django_db(transaction=True)
def test_two_officers_marking_one_person_at_once_mark_them_once(
    registered, facilities, make_user, transactional_db
):
    point = facilities["reception"]
    officers = [make_user("camp_manager", facility=point) for _i in range(2)]
    roll_call = custody.start_roll_call(point, by=officers[0])
    head = registered.members.order_by("id").first()
    stranger = factories.household(
        factories.household_data()[:1],
        reception_point=factories.facility("Reception Point 2", "reception_point"),
    ).members.get()
    for person, expected in (
        (head, ["already", "marked"]),
        (stranger, ["already_not_on_list", "not_on_list"]),
    ):
        assert sorted(_marked_at_once(roll_call, [person, person], officers)) == expected
        assert roll_call.lines.filter(person=person).count() == 1
        events = AuditEvent.objects.filter(action="rollcall.mark", object_id=str(person.pk))
        assert events.count() == 1
    roll_call.refresh_from_db()
    assert (roll_call.seen_on_list, roll_call.seen_elsewhere) == (1, 1)


@pytest.mark.django_db(transaction=True)
def test_two_officers_marking_two_persons_at_once_count_both(
    registered, facilities, make_user, transactional_db
):
    point = facilities["reception"]
    officers = [make_user("camp_manager", facility=point) for _i in range(2)]
    roll_call = custody.start_roll_call(point, by=officers[0])
    head, spouse, son = registered.members.order_by("id")
    strangers = [
        factories.household(
            factories.household_data()[:1],
            reception_point=factories.facility(f"Reception Point {n}", "reception_point"),
        ).members.get()
        for n in (2, 3)
    ]
    assert _marked_at_once(roll_call, [head, spouse], officers) == ["marked", "marked"]
    assert _marked_at_once(roll_call, strangers, officers) == ["not_on_list", "not_on_list"]
    roll_call.refresh_from_db()
    assert (roll_call.seen_on_list, roll_call.seen_elsewhere) == (2, 2)
    closed = custody.close_roll_call(roll_call, by=officers[0])
    assert (closed.seen, closed.not_seen, closed.not_on_list) == (2, 1, 2)


def _marked_at_once(roll_call, persons, officers) -> list[str]:
    """What each officer was answered, officer ``i`` marking ``persons[i]``, all at the same
    moment."""
    barrier = threading.Barrier(len(officers))
    kinds = [""] * len(officers)

    def mark(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            kinds[i] = custody.mark_seen(roll_call, persons[i], by=officers[i], how="scan").kind
        finally:
            connection.close()

    threads = [threading.Thread(target=mark, args=(i,)) for i in range(len(officers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return kinds
