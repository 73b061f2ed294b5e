"""A Hypothesis state machine over the custody chain and merges: whatever the order of register,
dispatch, receive, report not arrived, merge and unmerge, every person has exactly one current state
(one current placement; a merged record none, since it stands for the kept one)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from muster.custody import services as custody
from muster.custody.models import Facility, ManifestLine, Movement, Placement
from muster.people.models import Person

TRIES = settings(
    max_examples=12,
    stateful_step_count=14,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.django_db
def test_every_person_always_has_exactly_one_current_state(make_user):
    from muster.intake import services as intake
    from muster.people.validation import clean_household
    from muster.screening import services as screening

    officer = make_user("registration_officer")
    manager = make_user("camp_manager")
    screener = make_user("screening_officer")
    reception = Facility.objects.create(name="SM Reception", kind="reception_point")
    camps = [
        Facility.objects.create(name=f"SM Camp {i}", kind="displacement_camp") for i in range(2)
    ]
    places = [reception, *camps]
    counter = {"n": 0}

    class Custody(RuleBasedStateMachine):
        # Each example starts from the same database (a savepoint rolled back at its end), so that
        # Hypothesis can replay and shrink it.
        def __init__(self):
            super().__init__()
            self._example = transaction.atomic()
            self._example.__enter__()

        def teardown(self):
            transaction.set_rollback(True)
            self._example.__exit__(None, None, None)

        @rule(size=st.integers(1, 2))
        def register(self, size):
            counter["n"] += 1
            tag = "".join(chr(97 + int(d)) for d in str(counter["n"]))
            members = [
                {"given_name": g, "father_name": "Ali", "family_name": "Saleh" + tag, "sex": s,
                 "birth_year": "1980", "relationship_to_head": r}
                for g, s, r in (("Omar", "M", "head"), ("Huda", "F", "spouse"))[:size]
            ]  # fmt: skip
            intake.register_household(
                clean_household(members), reception_point=reception, by=officer
            )

        @rule(data=st.data())
        def dispatch(self, data):
            placed = list(
                Placement.objects.filter(is_current=True, state="placed")
                .select_related("facility", "person")
                .order_by("id")
            )
            if not placed:
                return
            first = data.draw(st.sampled_from(placed))
            here = [p.person for p in placed if p.facility_id == first.facility_id]
            persons = data.draw(
                st.lists(st.sampled_from(here), min_size=1, unique_by=lambda p: p.pk)
            )
            to = data.draw(st.sampled_from([f for f in places if f.pk != first.facility_id]))
            self._try(
                custody.dispatch,
                persons,
                from_facility=first.facility,
                to_facility=to,
                by=manager,
                separation_reason="state machine",
            )

        @rule(data=st.data(), all_of_them=st.booleans())
        def receive(self, data, all_of_them):
            open_ = list(Movement.objects.exclude(status="received").order_by("id"))
            if not open_:
                return
            movement = data.draw(st.sampled_from(open_))
            pending = [
                line.person
                for line in ManifestLine.objects.filter(
                    movement=movement, outcome="pending"
                ).order_by("id")
            ]
            chosen = None
            if pending and not all_of_them:
                chosen = data.draw(
                    st.lists(st.sampled_from(pending), min_size=1, unique_by=lambda p: p.pk)
                )
            self._try(custody.receive, movement, chosen, by=manager)

        @rule(data=st.data())
        def report_not_arrived(self, data):
            lines = list(
                ManifestLine.objects.filter(outcome="pending")
                .select_related("movement", "person")
                .order_by("id")
            )
            if lines:
                line = data.draw(st.sampled_from(lines))
                self._try(
                    custody.report_missing,
                    line.movement,
                    line.person,
                    note="not on the bus",
                    by=manager,
                )

        @rule(data=st.data())
        def merge(self, data):
            standing = list(Person.objects.filter(merged_into__isnull=True).order_by("id"))
            if len(standing) < 2:
                return
            kept, duplicate = data.draw(
                st.lists(
                    st.sampled_from(standing), min_size=2, max_size=2, unique_by=lambda p: p.pk
                )
            )
            self._try(screening.merge_duplicate, kept, duplicate, by=screener, reason="same person")

        @rule(data=st.data())
        def unmerge(self, data):
            merged = list(Person.objects.filter(merged_into__isnull=False).order_by("id"))
            if merged:
                duplicate = data.draw(st.sampled_from(merged))
                self._try(
                    screening.unmerge_duplicate, duplicate, by=screener, reason="not the same"
                )

        @staticmethod
        def _try(verb, *args, **kwargs):
            try:
                with transaction.atomic():
                    verb(*args, **kwargs)
            except ValidationError:
                pass  # a refusal (in transit, already received, ...) changes nothing

        @invariant()
        def one_current_state_each(self):
            persons = Person.objects.annotate(
                current=Count("placements", filter=Q(placements__is_current=True))
            )
            standing_wrong = persons.filter(merged_into__isnull=True).exclude(current=1)
            merged_wrong = persons.filter(merged_into__isnull=False).exclude(current=0)
            assert not standing_wrong.exists(), list(standing_wrong.values("number", "current"))
            assert not merged_wrong.exists(), list(merged_wrong.values("number", "current"))
            in_transit = Placement.objects.filter(is_current=True, state="in_transit")
            for pl in in_transit:
                assert ManifestLine.objects.filter(
                    movement=pl.movement_id, person=pl.person_id
                ).exists()

    run_state_machine_as_test(Custody, settings=TRIES)
