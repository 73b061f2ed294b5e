"""Two officers marking the same person at the same moment: one mark, one "already", one event;
for someone not on the list, one line. Real concurrency needs real connections and row locks, so
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
        assert sorted(_marked_at_once(roll_call, person, officers)) == expected
        assert roll_call.lines.filter(person=person).count() == 1
        events = AuditEvent.objects.filter(action="rollcall.mark", object_id=str(person.pk))
        assert events.count() == 1


def _marked_at_once(roll_call, person, officers) -> list[str]:
    """What each officer was answered, both marking ``person`` at the same moment."""
    barrier = threading.Barrier(len(officers))
    kinds = [""] * len(officers)

    def mark(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            kinds[i] = custody.mark_seen(roll_call, person, by=officers[i], how="scan").kind
        finally:
            connection.close()

    threads = [threading.Thread(target=mark, args=(i,)) for i in range(len(officers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return kinds
