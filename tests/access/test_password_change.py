"""Changing one's own password: the current one required, the policy applied, every other session
and the API token ended, audited; a wrong current password counts as a failed sign-in."""

import pytest
from django.contrib.auth import authenticate
from django.test import Client

from muster.access.models import LoginAttempt
from muster.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
NEW = "tent seven, blue door, 2 kettles"


@pytest.fixture
def officer(make_user):
    return make_user("registration_officer", username="amal.hassan")


def change(client, old=PASSWORD, new=NEW, again=None):
    return client.post(
        "/account/password/",
        {
            "old_password": old,
            "new_password": new,
            "new_password2": new if again is None else again,
        },
    )


def token(user, totp_code, password=PASSWORD):
    response = Client().post(
        "/api/auth/token/",
        {"username": user.username, "password": password, "totp_code": totp_code(user)},
        content_type="application/json",
    )
    return response


def test_the_account_menu_links_to_the_password_page(officer, sign_in_fully):
    client = sign_in_fully(Client(), officer)
    assert 'data-testid="password-change"' in client.get("/").content.decode()
    assert client.get("/account/password/").status_code == 200


def test_changing_ends_other_sessions_and_the_token_keeps_this_one_and_is_audited(
    officer, sign_in_fully, totp_code
):
    here = sign_in_fully(Client(), officer)
    elsewhere = sign_in_fully(Client(), officer)
    key = token(officer, totp_code).json()["token"]
    assert Client().get("/api/people/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200

    response = change(here)
    assert response.status_code == 302
    assert here.get("/").status_code == 200  # this session goes on
    assert elsewhere.get("/").status_code == 302  # the other one is signed out
    assert Client().get("/api/people/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    assert authenticate(username="amal.hassan", password=NEW) is not None
    assert authenticate(username="amal.hassan", password=PASSWORD) is None
    event = AuditEvent.objects.get(action="password.change")
    assert event.actor_id == officer.pk and event.object_id == str(officer.pk)
    everything = str(list(AuditEvent.objects.values_list("detail", flat=True)))
    assert NEW not in everything and PASSWORD not in everything


def test_a_wrong_current_password_is_refused_and_counts_as_a_failed_sign_in(officer, sign_in_fully):
    client = sign_in_fully(Client(), officer)
    response = change(client, old="not-my-password-1")
    assert response.status_code == 400
    assert 'data-testid="error-old_password"' in response.content.decode()
    assert authenticate(username="amal.hassan", password=PASSWORD) is not None
    failure = AuditEvent.objects.get(action="login.failure")
    assert failure.detail == {"username": "amal.hassan", "via": "password-change"}
    assert LoginAttempt.objects.filter(username="amal.hassan", succeeded=False).count() == 1
    for _ in range(4):
        change(client, old="not-my-password-1")
    # Locked like the sign-in page: the right password does not get through either.
    assert change(client).status_code == 429
    assert authenticate(username="amal.hassan", password=PASSWORD) is not None


@pytest.mark.parametrize(
    ("new", "again", "field", "code"),
    [
        ("Amal.Hassan2024", None, "new_password", "weak_password"),  # like the username
        ("short1", None, "new_password", "weak_password"),
        ("password123", None, "new_password", "weak_password"),  # common
        (PASSWORD, None, "new_password", "same_password"),  # the same as now
        (NEW, "a different one entirely", "new_password2", "passwords_differ"),
    ],
)
def test_the_password_policy_applies(officer, sign_in_fully, new, again, field, code):
    client = sign_in_fully(Client(), officer)
    response = change(client, new=new, again=again)
    assert response.status_code == 400
    assert f'data-testid="error-{field}" data-code="{code}"' in response.content.decode()
    assert authenticate(username="amal.hassan", password=PASSWORD) is not None
    assert not AuditEvent.objects.filter(action="password.change").exists()


def test_the_api_changes_the_password_and_ends_the_token_it_was_called_with(officer, totp_code):
    key = token(officer, totp_code).json()["token"]
    api = Client(HTTP_AUTHORIZATION=f"Token {key}")
    url = "/api/auth/password/"
    wrong = api.post(
        url,
        {"old_password": "nope-nope-nope", "new_password": NEW},
        content_type="application/json",
    )
    assert wrong.status_code == 400 and "old_password" in wrong.json()
    weak = api.post(
        url,
        {"old_password": PASSWORD, "new_password": "AMAL-HASSAN!!"},
        content_type="application/json",
    )
    assert weak.status_code == 400 and "new_password" in weak.json()
    assert weak.json()["codes"] == {"new_password": ["weak_password"]}
    extra = api.post(
        url,
        {"old_password": PASSWORD, "new_password": NEW, "username": "x"},
        content_type="application/json",
    )
    assert extra.status_code == 400 and "username" in extra.json()
    response = api.post(
        url, {"old_password": PASSWORD, "new_password": NEW}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert api.get("/api/people/").status_code == 401
    assert token(officer, totp_code).status_code == 400  # the old password no longer works
    assert token(officer, totp_code, password=NEW).status_code == 200
    assert AuditEvent.objects.filter(action="password.change", actor_id=officer.pk).count() == 1
