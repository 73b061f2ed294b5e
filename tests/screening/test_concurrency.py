"""Two officers adjudicating the same hit at the same moment: one decision wins, none is lost.

Real concurrency needs real connections and row locks, so this runs on PostgreSQL only.
"""

import threading

import pytest
from django.db import connection

from muster.people.models import Person
from muster.screening import services as screening
from muster.screening.models import Adjudication, Hit
from tests.screening.test_hits_and_adjudication import OBEIDI, OBEIDI_AGAIN

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises all writers, so there is no race to test",
)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_adjudication_one_succeeds_the_other_is_told(
    facilities, make_user, transactional_db
):
    from muster.intake import services as intake
    from muster.people.validation import clean_household

    clerk = make_user("registration_officer")
    for member in (OBEIDI, OBEIDI_AGAIN):
        intake.register_household(
            clean_household([member]), reception_point=facilities["reception"], by=clerk
        )
    hit = Hit.objects.get()  # screened after commit, like in production
    officers = [make_user("screening_officer"), make_user("screening_officer")]
    decisions = ["confirm", "reject"]
    barrier = threading.Barrier(2)
    outcomes: list[str] = [""] * 2

    def decide(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            screening.adjudicate(
                hit, decisions[i], reason=f"officer {i}", by=officers[i], revision=hit.revision
            )
            outcomes[i] = "ok"
        except screening.AlreadyDecided:
            outcomes[i] = "already decided"
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(outcomes) == ["already decided", "ok"]
    winner = outcomes.index("ok")
    hit.refresh_from_db()
    assert hit.status == ("confirmed" if decisions[winner] == "confirm" else "rejected")
    assert hit.decided_by == officers[winner]
    assert Adjudication.objects.filter(hit=hit).count() == 1
    merged = Person.objects.filter(merged_into__isnull=False).count()
    assert merged == (1 if decisions[winner] == "confirm" else 0)
