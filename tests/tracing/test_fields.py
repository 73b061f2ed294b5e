"""One list of a request's fields (tracing.models.REQUEST_FIELDS): the service, a file's rows and
the API's shapes read it, and each text's limit is its column's (a longer value is refused by name,
never a database error)."""

import pytest
from django.core.exceptions import ValidationError

from muster.tracing import services
from muster.tracing.imports import rows
from muster.tracing.models import REQUEST_FIELDS, TracingRequest
from muster.tracing.serializers import RequestInputSerializer, TracingRequestSerializer


def test_every_door_reads_the_one_list_of_fields():
    assert services.REQUEST_FIELDS is REQUEST_FIELDS
    assert [f for f in rows.FIELDS if f not in ("source_ref", "is_child")] == list(REQUEST_FIELDS)
    assert list(RequestInputSerializer().fields) == list(REQUEST_FIELDS)
    shown = TracingRequestSerializer.Meta.fields
    assert [f for f in shown if f in REQUEST_FIELDS] == list(REQUEST_FIELDS)


@pytest.mark.django_db
def test_a_text_longer_than_its_column_is_refused_by_name(caseworkers):
    column = TracingRequest._meta.get_field("requester_relationship").max_length
    too_long = "x" * (column + 1)
    with pytest.raises(ValidationError) as refused:
        services.open_request(
            {"given_name": "Nadia", "requester_relationship": too_long}, by=caseworkers[0]
        )
    assert refused.value.error_dict["requester_relationship"][0].code == "too_long"
    _values, errors = rows.check_row(
        {"given_name": "Nadia", "requester_relationship": too_long}, row=2
    )
    assert [(e.field, e.code) for e in errors] == [("requester_relationship", "too_long")]
    assert not TracingRequest.objects.exists()


def test_a_search_is_shown_running_only_for_a_request_still_worked_on():
    import datetime as dt

    asked = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    req = TracingRequest(status="open", search_asked_at=asked)
    assert req.searching
    req.searched_at = asked + dt.timedelta(seconds=1)
    assert not req.searching
    # The worker leaves a closed or reunited request alone: it must not poll forever.
    closed = TracingRequest(status="closed", search_asked_at=asked)
    assert not closed.searching
