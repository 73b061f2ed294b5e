"""'Held' once approved cannot be proposed again; the approvals table names the person."""

import pytest
from django.core.exceptions import ValidationError

from muster.screening import services as screening
from muster.screening.models import CategoryDecision


def _held(person, by):
    return screening.decide_category(
        person, "held", reason="named by two witnesses", basis="statements W-12 and W-19", by=by
    )


def test_held_cannot_be_proposed_again_after_approval(registered, officer, second_officer):
    person = registered.members.first()
    screening.approve_category(_held(person, officer), by=second_officer)
    with pytest.raises(ValidationError) as exc:
        _held(person, officer)
    assert "already 'held'" in exc.value.message_dict["category"][0]
    assert CategoryDecision.objects.filter(person=person).count() == 1


def test_approvals_table_shows_names(registered, officer, web_as):
    person = registered.members.first()
    _held(person, officer)
    _, client = web_as("screening_officer")
    page = client.get("/screening/approvals/").content.decode()
    assert person.number in page
    assert person.given_name in page and person.family_name in page
