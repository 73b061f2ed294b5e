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


def test_already_held_names_the_date_even_without_an_approval_time(
    registered, officer, second_officer
):
    # Decisions loaded from elsewhere (the demo's, an import) carry no approval time.
    person = registered.members.first()
    decision = _held(person, officer)
    screening.approve_category(decision, by=second_officer)
    CategoryDecision.objects.filter(pk=decision.pk).update(approved_at=None)
    with pytest.raises(ValidationError) as exc:
        _held(person, officer)
    message = exc.value.message_dict["category"][0]
    assert "—" not in message and decision.decided_at.date().isoformat()[:4] in message


def test_a_merged_duplicate_gets_no_category_of_its_own(registered, officer, web_as):
    # One person, one category: decided on the record kept, never on the duplicate merged in.
    kept, duplicate = registered.members.order_by("id")[:2]
    screening.merge_duplicate(kept, duplicate, by=officer, reason="same person, two desks")
    duplicate.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        screening.decide_category(duplicate, "civilian", reason="interviewed", by=officer)
    assert kept.number in exc.value.message_dict["category"][0]
    assert not CategoryDecision.objects.filter(person=duplicate).exists()
    from django.utils import translation

    with translation.override("ar"), pytest.raises(ValidationError) as exc:
        screening.decide_category(duplicate, "civilian", reason="interviewed", by=officer)
    assert "نسخة مكررة" in exc.value.message_dict["category"][0]
    _, client = web_as("screening_officer")
    page = client.get(f"/people/{duplicate.number}/").content.decode()
    assert "Duplicate record, merged into" in page and 'name="category"' not in page
    assert 'name="category"' in client.get(f"/people/{kept.number}/").content.decode()
