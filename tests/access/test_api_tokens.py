"""API tokens keep the session's clocks: they expire, die idle, end at sign-out, rotate, and every
step of their life is in the audit log (named by a digest, never the key)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from muster.access import services as access
from muster.access.models import ApiTokenUse
from muster.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture
def token_for(totp_code):
    def issue(user) -> str:
        response = Client().post(
            "/api/auth/token/",
            {"username": user.username, "password": PASSWORD, "totp_code": totp_code(user)},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        return response.json()["token"]

    return issue


def call(key, url="/api/people/", method="get"):
    client = Client()
    return getattr(client, method)(url, HTTP_AUTHORIZATION=f"Token {key}")


def token_events():
    return list(
        AuditEvent.objects.filter(action__startswith="api_token.")
        .order_by("seq")
        .values_list("action", "detail")
    )


def age(user, *, issued=None, used=None):
    use = ApiTokenUse.objects.get(user=user)
    if issued is not None:
        use.issued_at = timezone.now() - issued
    if used is not None:
        use.last_used_at = timezone.now() - used
    use.save()


def test_a_token_expires_after_the_configured_hours(make_user, settings, token_for):
    officer = make_user("registration_officer")
    key = token_for(officer)
    assert call(key).status_code == 200
    age(officer, issued=timedelta(hours=settings.MUSTER.get("API_TOKEN_HOURS", 12.0), minutes=1))
    response = call(key)
    assert response.status_code == 401
    assert call(key).status_code == 401  # and it stays dead
    assert [a for a, _d in token_events()][-1] == "api_token.expire"


def test_a_token_dies_unused(make_user, token_for):
    officer = make_user("registration_officer")
    key = token_for(officer)
    assert call(key).status_code == 200
    age(officer, used=timedelta(hours=2))
    assert call(key).status_code == 401


def test_rotation_gives_a_new_token_and_ends_the_old_one(make_user, token_for):
    officer = make_user("registration_officer")
    old = token_for(officer)
    response = call(old, "/api/auth/token/rotate/", "post")
    assert response.status_code == 200, response.content
    new = response.json()["token"]
    assert new != old
    assert call(old).status_code == 401
    assert call(new).status_code == 200


def test_a_session_cannot_mint_a_token_by_rotating(make_user, login):
    officer = make_user("registration_officer")
    response = login(officer).post("/api/auth/token/rotate/", content_type="application/json")
    assert response.status_code == 400
    assert "token" in response.json()
    assert not ApiTokenUse.objects.filter(user=officer).exists()


def test_revoke_endpoint_and_web_sign_out_end_the_token(make_user, login, token_for):
    officer = make_user("registration_officer")
    key = token_for(officer)
    assert call(key, "/api/auth/token/revoke/", "post").status_code == 204
    assert call(key).status_code == 401

    key = token_for(officer)
    client = login(officer)
    client.post("/account/logout/")
    assert call(key).status_code == 401


def test_every_step_of_a_tokens_life_is_audited_by_digest_never_by_key(make_user, token_for):
    officer = make_user("registration_officer")
    key = token_for(officer)
    call(key)
    call(key)  # later uses are not each an event
    new = call(key, "/api/auth/token/rotate/", "post").json()["token"]
    call(new, "/api/auth/token/revoke/", "post")

    events = token_events()

    assert [a for a, _d in events] == [
        "api_token.issue",
        "api_token.use",
        "api_token.revoke",
        "api_token.rotate",
        "api_token.use",
        "api_token.revoke",
    ]
    first = access.token_id(key)
    assert [d["token"] for _a, d in events] == [
        first,
        first,
        first,
        access.token_id(new),
        access.token_id(new),
        access.token_id(new),
    ]
    text = str(list(AuditEvent.objects.values_list("detail", flat=True)))
    assert key not in text and new not in text
