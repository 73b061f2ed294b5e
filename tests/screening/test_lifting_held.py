"""Four eyes both ways: one officer can neither make a person "held" nor lift it alone."""

import pytest
from django.core.exceptions import ValidationError

from muster.screening import services as screening
from muster.screening.models import ApprovalStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def held_person(registered, make_user):
    person = registered.members.order_by("id").first()
    first, second = make_user("screening_officer"), make_user("screening_officer")
    decision = screening.decide_category(
        person, "held", reason="interview", basis="identified by two witnesses", by=first
    )
    screening.approve_category(decision, by=second)
    assert screening.current_category(person).category == "held"
    return person


def test_lifting_held_waits_for_a_second_officer(held_person, make_user):
    officer, other = make_user("screening_officer"), make_user("screening_officer")

    lift = screening.decide_category(
        held_person, "civilian", reason="mistaken identity", by=officer
    )

    assert lift.status == ApprovalStatus.PENDING
    assert screening.current_category(held_person).category == "held"  # not released yet
    with pytest.raises(ValidationError) as exc:
        screening.approve_category(lift, by=officer)
    assert "approved_by" in exc.value.message_dict
    screening.approve_category(lift, by=other)
    assert screening.current_category(held_person).category == "civilian"


def test_a_second_lift_cannot_be_proposed_while_one_waits(held_person, make_user):
    officer = make_user("screening_officer")
    screening.decide_category(held_person, "civilian", reason="mistaken identity", by=officer)
    with pytest.raises(ValidationError) as exc:
        screening.decide_category(held_person, "family_of_held", reason="again", by=officer)
    assert "category" in exc.value.message_dict


def test_deciding_civilian_for_someone_not_held_takes_effect_at_once(registered, make_user):
    person = registered.members.order_by("id").first()
    decision = screening.decide_category(
        person, "civilian", reason="interviewed", by=make_user("screening_officer")
    )
    assert decision.status == ApprovalStatus.APPROVED
    assert screening.current_category(person).category == "civilian"
