"""Errors are flattened one way for every door, and a service's refusal carries a stable code."""

import pytest
from django.core.exceptions import ValidationError

from muster.core.errors import codes_from, errors_from, one_line
from muster.custody import services as custody
from muster.people import services as people
from muster.protection import services as protection
from muster.screening import services as screening
from tests import factories


def test_errors_from_keeps_fields_and_files_the_rest_under_one_key():
    assert errors_from(ValidationError({"reason": ["is required"]})) == {"reason": ["is required"]}
    assert errors_from(ValidationError("no")) == {"__all__": ["no"]}
    assert errors_from(ValidationError("no"), non_field="detail") == {"detail": ["no"]}


def test_errors_from_keeps_each_messages_stable_code_for_the_page():
    exc = ValidationError(
        {
            "reason": [
                ValidationError(
                    "needs %(what)s", code="reason_required", params={"what": "a reason"}
                )
            ],
            "x": ["no code"],
        }
    )
    errors = errors_from(exc)
    assert errors == {"reason": ["needs a reason"], "x": ["no code"]}
    assert [m.code for m in errors["reason"]] == ["reason_required"]
    assert [m.code for m in errors["x"]] == [""]
    assert [m.code for m in errors_from(ValidationError("no", code="refused"))["__all__"]] == [
        "refused"
    ]


def test_one_line_names_each_field():
    exc = ValidationError({"role": ["not a role"], "facility": ["unknown"]})
    assert one_line(exc) == "role: not a role; facility: unknown"
    assert one_line(ValidationError(["a", "b"])) == "a b"


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


@pytest.mark.django_db
def test_a_refused_dispatch_names_the_field_and_a_stable_code():
    places = factories.facilities()
    family = factories.household(reception_point=places["reception"])
    with pytest.raises(ValidationError) as refused:
        custody.dispatch(
            list(family.members.all()),
            from_facility=places["reception"],
            to_facility=places["reception"],
            by=factories.user("camp_manager"),
        )
    assert codes(refused.value) == {"to_facility": ["same_facility"]}
    assert errors_from(refused.value) == {"to_facility": ["must differ from the sending facility"]}


@pytest.mark.django_db
def test_a_correction_without_a_reason_is_refused_with_its_code():
    places = factories.facilities()
    head = factories.household(reception_point=places["reception"]).members.first()
    with pytest.raises(ValidationError) as refused:
        people.correct_person(head, {"given_name": "Mohammed"}, reason=" ", by=factories.user())
    assert codes(refused.value) == {"reason": ["reason_required"]}


def test_codes_from_keeps_the_codes_and_leaves_out_fields_without_one():
    exc = ValidationError(
        {"reason": [ValidationError("needs a reason", code="reason_required")], "x": ["no code"]}
    )
    assert codes_from(exc) == {"reason": ["reason_required"]}
    assert codes_from(ValidationError("no", code="refused"), non_field="detail") == {
        "detail": ["refused"]
    }


@pytest.mark.django_db
def test_a_category_decision_refused_on_three_fields_carries_a_code_for_each():
    places = factories.facilities()
    head = factories.household(reception_point=places["reception"]).members.first()
    with pytest.raises(ValidationError) as refused:
        screening.decide_category(head, "jailed", reason=" ", by=None)
    assert codes(refused.value) == {
        "category": ["not_a_category"],
        "reason": ["reason_required"],
        "decided_by": ["officer_required"],
    }


@pytest.mark.django_db
def test_a_protection_review_refused_on_three_fields_carries_a_code_for_each():
    places = factories.facilities()
    child = factories.household(reception_point=places["reception"]).members.last()
    with pytest.raises(ValidationError) as refused:
        protection.record_protection_review(child, outcome="maybe", reason="", by=None)
    assert codes(refused.value) == {
        "outcome": ["not_an_outcome"],
        "reason": ["reason_required"],
        "reviewer": ["reviewer_required"],
    }
