"""The photo a family gives of the person sought: given and read through the API and the pages by
tracing caseworkers only, checked like a reception photo (JPEG or PNG, at most 2 MB), every read
audited, never cached."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from muster.audit.models import AuditEvent
from muster.tracing import services
from tests import factories
from tests.tracing.conftest import WOMAN_REQUEST

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LIST = "/api/tracing-requests/"


def _upload(data: bytes, name: str = "face.png"):
    return {"photo": SimpleUploadedFile(name, data, content_type="image/png")}


@pytest.fixture
def opened(caseworkers):
    return services.open_request(WOMAN_REQUEST, by=caseworkers[0])


def test_the_caseworker_gives_and_reads_the_photo_over_the_api(opened, caseworkers):
    client = factories.signed_in(caseworkers[0])
    url = f"{LIST}{opened.number}/photo/"
    assert client.get(url).status_code == 404  # none yet
    response = client.post(url, _upload(PNG))
    assert response.status_code == 200, response.content
    assert response.json()["has_photo"] is True
    change = AuditEvent.objects.filter(action="tracing.request.update").last()
    assert change.detail["fields"] == ["photo"] and change.object_id == str(opened.pk)
    got = client.get(url)
    assert got.status_code == 200 and got.content == PNG
    assert got["Content-Type"] == "image/png" and "no-store" in got["Cache-Control"]
    read = AuditEvent.objects.filter(action="tracing.request.photo.read").last()
    assert read.detail["via"] == "api" and read.actor_id == caseworkers[0].pk
    # The page shows it, and its own read is audited too.
    page = client.get(f"/tracing/requests/{opened.number}/").content.decode()
    assert 'data-testid="request-photo"' in page
    assert client.get(f"/tracing/requests/{opened.number}/photo/").content == PNG
    assert AuditEvent.objects.filter(action="tracing.request.photo.read").count() == 2


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (_upload(b"GIF89a not a face", "face.gif"), "not_an_image"),
        (_upload(PNG + b"\x00" * (2 * 1024 * 1024)), "too_large"),
        ({}, "required"),
    ],
)
def test_a_bad_photo_is_a_400_naming_the_field_and_nothing_changes(opened, caseworkers, body, code):
    client = factories.signed_in(caseworkers[0])
    response = client.post(f"{LIST}{opened.number}/photo/", body)
    assert response.status_code == 400
    data = response.json()
    assert "photo" in data and data["codes"]["photo"] == [code]
    opened.refresh_from_db()
    assert not opened.photo_content_type


@pytest.mark.parametrize(
    "role", ["camp_manager", "coordinator", "screening_officer", "repatriation_officer"]
)
def test_no_other_role_gives_or_reads_the_photo(opened, caseworkers, role, facilities):
    services.update_request(opened, {"photo": PNG}, by=caseworkers[0])
    facility = facilities["reception"] if role == "camp_manager" else None
    client = factories.signed_in(factories.user(role, facility=facility))
    for url in (f"{LIST}{opened.number}/photo/", f"/tracing/requests/{opened.number}/photo/"):
        response = client.get(url)
        assert response.status_code in (403, 404) and PNG not in response.content, (role, url)
        assert client.post(url, _upload(PNG)).status_code in (403, 404, 405)
    assert not AuditEvent.objects.filter(action="tracing.request.photo.read").exists()
