"""A text field takes JSON text: the number 7 is a client's slip, refused by name ("must be text"),
never stored as a person named "7" or a request whose only name is "0". And a name with no letter
at all is refused where a name is required, at the API and in the web form alike."""

import pytest
from django.urls import reverse
from rest_framework import serializers

from muster.people.models import Person
from muster.screening.models import ScreeningRun
from muster.tracing.models import TracingRequest
from tests.factories import household_post

pytestmark = pytest.mark.django_db


def _refused(response, field: str, text: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body, body
    assert any(text in message for message in body[field]), body


@pytest.mark.parametrize("value", [7, 0, 7.5])
def test_a_number_as_a_members_name_is_refused_not_stored_as_text(api_as, facilities, value):
    _user, api = api_as("registration_officer")
    response = api.post(
        "/api/households/",
        {
            "reception_point": facilities["reception"].pk,
            "members": [{"given_name": value, "relationship_to_head": "head", "sex": "M"}],
        },
    )
    _refused(response, "members[0].given_name", "must be text")
    assert not Person.objects.exists()


def test_a_number_as_a_tracing_requests_name_is_refused(api_as):
    _user, api = api_as("tracing_caseworker")
    _refused(api.post("/api/tracing-requests/", {"other_names": 0}), "other_names", "must be text")
    assert not TracingRequest.objects.exists()


def test_a_number_as_a_screening_runs_reason_is_refused(api_as):
    _user, api = api_as("screening_officer")
    _refused(api.post("/api/screening/runs/", {"reason": 0}), "reason", "must be text")
    assert not ScreeningRun.objects.exists()


def test_a_year_of_birth_sent_as_a_number_is_still_read(api_as):
    """The tracing request's coded fields (a year, an age) are read from text or a number."""
    _user, api = api_as("tracing_caseworker")
    response = api.post("/api/tracing-requests/", {"given_name": "Nadia", "birth_year": 2005})
    assert response.status_code == 201, response.content
    assert TracingRequest.objects.get().birth_year == 2005


@pytest.mark.parametrize("name", ["7", "0", "--", "٣"])
def test_a_given_name_with_no_letter_is_refused_at_the_api(api_as, facilities, name):
    _user, api = api_as("registration_officer")
    response = api.post(
        "/api/households/",
        {
            "reception_point": facilities["reception"].pk,
            "members": [{"given_name": name, "relationship_to_head": "head", "sex": "M"}],
        },
    )
    _refused(response, "members[0].given_name", "has no letter")
    assert response.json()["codes"]["members[0].given_name"] == ["no_letter"]
    assert not Person.objects.exists()


def test_a_given_name_with_no_letter_is_refused_in_the_reception_form(
    facilities, officer_client, household_data
):
    household_data[1]["given_name"] = "7"
    response = officer_client.post(
        reverse("reception"), household_post(household_data, facilities["reception"])
    )
    assert response.status_code == 400
    assert "has no letter" in response.content.decode()
    assert not Person.objects.exists()


def test_a_tracing_request_whose_only_name_has_no_letter_is_refused(api_as):
    _user, api = api_as("tracing_caseworker")
    _refused(api.post("/api/tracing-requests/", {"other_names": "0"}), "other_names", "no letter")
    assert not TracingRequest.objects.exists()
    # One name with a letter is enough: "Aisha; 2" is a name and a slip, for the caseworker.
    assert api.post("/api/tracing-requests/", {"other_names": "Aisha"}).status_code == 201


def _input_serializers():
    import muster.api.urls  # noqa: F401 - every app's API, so every input serializer, is loaded

    seen, todo = set(), [serializers.Serializer]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return sorted(
        (c for c in seen if c.__module__.startswith("muster.") and "Input" in c.__name__),
        key=lambda c: f"{c.__module__}.{c.__name__}",
    )


def _char_fields(serializer, prefix=""):
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.ListField):
            field = field.child
        if isinstance(field, serializers.Serializer):
            yield from _char_fields(field, f"{prefix}{name}.")
        elif type(field) is serializers.CharField and not field.read_only:
            yield f"{prefix}{name}"


def test_every_input_serializers_text_field_takes_text_only():
    # The tracing request's coded fields are read from a number too (a year, an age, a date's text).
    lenient = {
        "muster.tracing.serializers.RequestInputSerializer": {
            "sex",
            "birth_year",
            "age_at_separation",
            "separation_date",
        }
    }
    classes = _input_serializers()
    assert len(classes) > 20
    for cls in classes:
        key = f"{cls.__module__}.{cls.__name__}"
        plain = set(_char_fields(cls())) - lenient.get(key, set())
        assert not plain, f"{key}: {sorted(plain)} are serializers.CharField, not StrictCharField"
