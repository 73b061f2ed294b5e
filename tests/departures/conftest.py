"""A crowd at a facility, in households, placed the way the custody chain places people; and the
officers who plan, approve and confirm departures."""

import pytest
from django.utils import timezone

from muster.core.numbering import new_number
from muster.custody.models import Placement
from muster.people.models import Household, Person


def make_crowd(facility, households: int, size: int = 4, *, nationality="SYR", adults=2):
    """``households`` households of ``size`` (the first ``adults`` of each are adults), placed at
    ``facility``; returns the persons in household order."""
    now = timezone.now()
    hh = Household.objects.bulk_create(
        [Household(number=new_number("H"), registered_at=now) for _ in range(households)]
    )
    persons = []
    for h in hh:
        for i in range(size):
            persons.append(
                Person(
                    number=new_number("P"),
                    household=h,
                    relationship_to_head="head" if i == 0 else ("spouse" if i < adults else "son"),
                    given_name=f"Person{i}",
                    family_name="Crowd",
                    sex="M" if i % 2 == 0 else "F",
                    birth_year=1980 if i < adults else 2015,
                    nationality=nationality,
                    registered_at=now,
                )
            )
    persons = Person.objects.bulk_create(persons, batch_size=2000)
    Placement.objects.bulk_create(
        [
            Placement(person=p, state=Placement.State.PLACED, facility=facility, started_at=now)
            for p in persons
        ],
        batch_size=2000,
    )
    return persons


@pytest.fixture
def crowd():
    return make_crowd


@pytest.fixture
def officers(make_user):
    return {
        "planner": make_user("repatriation_officer", username="rep-planner"),
        "approver": make_user("repatriation_officer", username="rep-approver"),
    }
