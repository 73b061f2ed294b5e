"""An action and its audit event commit together or not at all."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from muster.audit import services as audit
from muster.audit.models import AuditEvent
from muster.people.models import Person

pytestmark = pytest.mark.django_db


def test_registration_that_rolls_back_leaves_no_event(facilities, make_user, household_data):
    from muster.intake import services as intake
    from muster.people.validation import clean_household

    officer = make_user("registration_officer")
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            intake.register_household(
                clean_household(household_data), reception_point=facilities["reception"], by=officer
            )
            assert AuditEvent.objects.count() > before
            raise RuntimeError("the power cut during the next step")
    assert AuditEvent.objects.count() == before
    assert Person.objects.count() == 0


def test_action_does_not_commit_when_its_event_cannot_be_written(
    facilities, make_user, household_data, monkeypatch
):
    from muster.intake import services as intake
    from muster.people.validation import clean_household

    officer = make_user("registration_officer")

    def broken_record(*args, **kwargs):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(audit, "record", broken_record)
    with pytest.raises(DatabaseError):
        intake.register_household(
            clean_household(household_data), reception_point=facilities["reception"], by=officer
        )
    assert Person.objects.count() == 0


def test_record_fails_inside_a_failed_transaction(db):
    """After an error inside a block the event cannot be slipped in: the action is already doomed."""
    from django.db import IntegrityError

    from muster.access.models import SessionFence

    with pytest.raises((DatabaseError, transaction.TransactionManagementError)):
        with transaction.atomic():
            try:
                SessionFence.objects.create(user_id=999999, valid_after=None)
            except (IntegrityError, DatabaseError):
                pass
            audit.record("person.read", object_type="people.person", object_id=1)
    assert not AuditEvent.objects.filter(action="person.read").exists()


def test_refused_grant_writes_no_event(facilities, make_user):
    from muster.access import services as access

    user = make_user("screening_officer")
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        access.grant_role(user, "camp_manager", facility=facilities["camp"])
    assert AuditEvent.objects.count() == before
