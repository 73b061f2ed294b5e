"""Sign-in: throttling, the second factor, session expiry, sign-out and deactivation."""

import time
from datetime import timedelta

import pyotp
import pytest
from django.test import Client, override_settings
from django.utils import timezone

from muster.access import services as access
from muster.access.middleware import SEEN_AT, SIGNED_IN_AT
from muster.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def actions():
    return list(AuditEvent.objects.values_list("action", flat=True))


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post("/account/login/", {"username": username, "password": password}, **extra)


def test_registration_officer_signs_in_and_out_and_both_are_audited(client, make_user, totp_code):
    officer = make_user("registration_officer")
    code = totp_code(officer)
    response = sign_in(client, officer.username)
    assert response.status_code == 302
    assert client.get("/")["Location"].startswith("/account/2fa/")
    assert client.post("/account/2fa/", {"code": code, "next": "/"}).status_code == 302
    assert client.get("/").status_code == 200
    client.post("/account/logout/")
    assert client.get("/").status_code == 302  # back to sign-in
    assert "login.success" in actions() and "logout" in actions()


def test_failed_sign_in_is_audited_with_username_never_password(client, make_user):
    officer = make_user("registration_officer")
    response = sign_in(client, officer.username, "wrong-password-123")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="login.failure")
    assert event.detail == {"username": officer.username}
    assert "wrong-password-123" not in str(
        list(AuditEvent.objects.values_list("detail", "object_id", "action"))
    )


def test_account_locks_after_five_failures_even_for_the_right_password(client, make_user):
    officer = make_user("registration_officer")
    for _ in range(4):
        assert sign_in(client, officer.username, "guess-guess-guess").status_code == 200
    response = sign_in(client, officer.username, "guess-guess-guess")
    assert response.status_code == 429
    assert "locked" in response.content.decode()
    assert "account.lock" in actions()
    response = sign_in(client, officer.username)  # the right password does not open it
    assert response.status_code == 429
    assert "login.locked" in actions()
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_lock_opens_again_after_the_lock_window(client, make_user):
    from muster.access.models import LoginAttempt

    officer = make_user("registration_officer")
    for _ in range(5):
        sign_in(client, officer.username, "guess-guess-guess")
    LoginAttempt.objects.update(at=timezone.now() - access.lock_window())
    assert sign_in(client, officer.username).status_code == 302


@override_settings(MUSTER={**__import__("django.conf").conf.settings.MUSTER, "LOGIN_IP_LIMIT": 3})
def test_source_address_is_rate_limited_across_accounts(client, make_user):
    officer = make_user("registration_officer")
    for name in ("alice", "bob", "carol"):
        sign_in(client, name, "guess-guess-guess")
    assert sign_in(client, officer.username).status_code == 429
    # another address is not affected
    assert sign_in(client, officer.username, REMOTE_ADDR="10.0.0.9").status_code == 302


@override_settings(MUSTER={**__import__("django.conf").conf.settings.MUSTER, "LOGIN_IP_LIMIT": 3})
def test_guessing_behind_a_shared_address_does_not_lock_out_officers_who_work_there(make_user):
    officer = make_user("registration_officer")
    access.note_login_attempt(officer.username, "127.0.0.1", True)  # signed in here last week
    from muster.access.models import LoginAttempt

    LoginAttempt.objects.update(at=timezone.now() - timedelta(days=7))
    for name in ("alice", "bob", "carol", "dave"):
        sign_in(Client(), name, "guess-guess-guess")
    assert sign_in(Client(), officer.username).status_code == 302
    assert sign_in(Client(), make_user("registration_officer").username).status_code == 429
    # Her own lock (per account and address) still holds against guessing at her password.
    for _ in range(5):
        sign_in(Client(), officer.username, "guess-guess-guess")
    assert sign_in(Client(), officer.username).status_code == 429


def test_session_ends_after_30_idle_minutes(make_user, login):
    client = login(make_user("registration_officer"))
    assert client.get("/").status_code == 200
    session = client.session
    session[SEEN_AT] = time.time() - 31 * 60
    session.save()
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="session.expire", detail__reason="idle").exists()


def test_session_ends_12_hours_after_sign_in_even_when_active(make_user, login):
    client = login(make_user("registration_officer"))
    session = client.session
    session[SIGNED_IN_AT] = time.time() - 12 * 3600 - 5
    session.save()
    assert client.get("/").status_code == 302


def test_deactivation_ends_open_sessions_at_once(make_user, login):
    officer = make_user("registration_officer")
    client = login(officer)
    assert client.get("/").status_code == 200
    access.deactivate_user(officer, reason="left the organisation")
    assert client.get("/").status_code == 302
    assert sign_in(client, officer.username).status_code == 200  # cannot sign in again


def test_revoking_last_role_ends_open_sessions(make_user, login):
    officer = make_user("registration_officer")
    client = login(officer)
    access.revoke_role(officer.role_grants.get())
    assert client.get("/").status_code == 302


def test_logout_deletes_the_session_from_the_store(make_user, login):
    from django.contrib.sessions.models import Session

    client = login(make_user("registration_officer"))
    key = client.session.session_key
    client.post("/account/logout/")
    assert not Session.objects.filter(session_key=key).exists()


# --- two-factor -------------------------------------------------------------------------------


def enrol(client, user):
    response = client.get("/account/2fa/enrol/")
    assert response.status_code == 200
    secret = user.totp_device.secret
    assert "<svg" in response.content.decode()
    response = client.post("/account/2fa/enrol/", {"code": pyotp.TOTP(secret).now(), "next": "/"})
    assert response.status_code == 302
    return secret


def test_screening_officer_must_enrol_before_any_case_page(client, make_user):
    officer = make_user("screening_officer")
    sign_in(client, officer.username)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/2fa/enrol/")
    assert client.get("/api/").status_code == 403
    enrol(client, officer)
    assert client.get("/").status_code == 200
    assert "totp.enrol" in actions()


def test_enrolled_officer_gives_code_after_password_and_bad_codes_are_audited(client, make_user):
    officer = make_user("screening_officer")
    sign_in(client, officer.username)
    secret = enrol(client, officer)
    client.post("/account/logout/")
    sign_in(client, officer.username)
    assert client.get("/")["Location"].startswith("/account/2fa/")
    assert client.post("/account/2fa/", {"code": "000000"}).status_code == 400
    assert "login.2fa_failure" in actions()
    totp = pyotp.TOTP(secret)
    # the code used at enrolment cannot be replayed; the next one works
    next_code = totp.at(time.time() + 30)
    assert client.post("/account/2fa/", {"code": next_code, "next": "/"}).status_code == 302
    assert client.get("/").status_code == 200


def test_two_factor_failures_count_towards_the_lock(client, make_user):
    officer = make_user("screening_officer")
    sign_in(client, officer.username)
    enrol(client, officer)
    client.post("/account/logout/")
    sign_in(client, officer.username)
    for _ in range(5):
        client.post("/account/2fa/", {"code": "000000"})
    response = client.post("/account/2fa/", {"code": "123456"})
    assert response.status_code == 429


@pytest.mark.parametrize(
    "role",
    [
        "registration_officer",
        "camp_manager",
        "tracing_caseworker",
        "repatriation_officer",
        "auditor",
    ],
)
def test_every_role_that_reads_personal_data_must_enrol_a_second_factor(client, make_user, role):
    officer = make_user(role)
    assert sign_in(client, officer.username).status_code == 302
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/2fa/enrol/")
    assert client.get("/api/people/").status_code == 403
    assert "totp_code" in token(Client(), officer.username).json()


def test_the_default_second_factor_roles_cover_every_role_that_reads_personal_data():
    from muster.access import policy
    from muster.core.conf import conf

    readers = {
        role
        for role, rp in policy.POLICY.items()
        if rp.person_fields or rp.actions & {"audit.view", "user.manage"}
    }
    assert readers <= set(conf().TOTP_REQUIRED_ROLES)


@override_settings(
    MUSTER={**__import__("django.conf").conf.settings.MUSTER, "TOTP_REQUIRED_ROLES": []}
)
def test_requirement_can_be_switched_off(client, make_user):
    officer = make_user("coordinator")
    sign_in(client, officer.username)
    assert client.get("/").status_code == 200


def token(client, username, **extra):
    body = {"username": username, "password": PASSWORD, **extra}
    return client.post("/api/auth/token/", body, content_type="application/json")


def test_api_token_for_coordinator_needs_a_current_code(client, make_user):
    coordinator = make_user("coordinator")
    assert "totp_code" in token(client, coordinator.username).json()
    device = access.start_totp_enrolment(coordinator)
    assert access.confirm_totp_enrolment(coordinator, pyotp.TOTP(device.secret).now())
    assert "totp_code" in token(client, coordinator.username, totp_code="000000").json()
    code = pyotp.TOTP(device.secret).at(time.time() + 30)
    key = token(client, coordinator.username, totp_code=code).json()["token"]
    assert len(key) == 40
    access.deactivate_user(coordinator)
    from rest_framework.authtoken.models import Token

    assert not Token.objects.filter(key=key).exists()


@pytest.mark.parametrize("door", ["web", "api"])
def test_wrong_passwords_lock_the_account_after_the_same_number_through_either_door(
    client, make_user, door, settings
):
    from django.core.cache import cache

    cache.clear()  # the API's per-address throttle must not be what answers
    officer = make_user("registration_officer")
    limit = settings.MUSTER["LOGIN_LOCK_AFTER"]

    def attempt(password):
        if door == "web":
            return sign_in(client, officer.username, password)
        body = {"username": officer.username, "password": password}
        return client.post("/api/auth/token/", body, content_type="application/json")

    statuses = [attempt("guess-guess-guess").status_code for _ in range(limit)]
    assert statuses[-1] == 429 and 429 not in statuses[:-1], statuses
    assert actions().count("account.lock") == 1
    assert attempt(PASSWORD).status_code == 429  # the right password does not open it


def test_wrong_authenticator_codes_through_the_api_lock_the_account_like_the_web(
    client, make_user, settings
):
    """Password right, code wrong, again and again: each failure counts, even though the request
    fails, and a right password in between does not reset the count."""
    from django.core.cache import cache

    from muster.access.models import LoginAttempt

    cache.clear()
    officer = make_user("screening_officer")
    device = access.start_totp_enrolment(officer)
    assert access.confirm_totp_enrolment(officer, pyotp.TOTP(device.secret).now())
    limit = settings.MUSTER["LOGIN_LOCK_AFTER"]
    statuses = [
        token(client, officer.username, totp_code="000000").status_code for _ in range(limit)
    ]
    assert statuses == [400] * (limit - 1) + [429], statuses
    assert LoginAttempt.objects.filter(username=officer.username, succeeded=False).count() == limit
    assert actions().count("login.2fa_failure") == limit
    right = pyotp.TOTP(device.secret).at(time.time() + 30)
    assert token(client, officer.username, totp_code=right).status_code == 429


def test_logout_tells_the_browser_to_forget_reception_drafts(make_user, login):
    """A draft of a family (names) must not outlive the officer's session on a shared laptop."""
    client = login(make_user("registration_officer"))
    response = client.post("/account/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"storage"'
    # Where the browser ignores the header (plain HTTP), the signed-out page has muster.js clear them.
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="clear-draft info">You have signed out.' in html
    assert client.get("/").status_code == 302  # and the session is gone


def test_reception_drafts_are_keyed_by_user_and_expire_with_the_longest_session(
    make_user, login, settings
):
    officer = make_user("registration_officer")
    html = login(officer).get("/reception/").content.decode()
    assert f'data-draft-key="muster:reception:{officer.pk}"' in html
    assert f'data-draft-max-age="{int(settings.MUSTER["SESSION_MAX_HOURS"] * 3600)}"' in html


def test_signing_in_again_between_wrong_codes_does_not_reset_the_count(client, make_user, settings):
    """The web door: a right password between wrong codes is half a sign-in, not a success."""
    officer = make_user("screening_officer")
    sign_in(client, officer.username)
    secret = enrol(client, officer)
    client.post("/account/logout/")
    limit = settings.MUSTER["LOGIN_LOCK_AFTER"]
    statuses = []
    for attempt in range(limit):
        if attempt % 2 == 0:
            client.post("/account/logout/")
            assert sign_in(client, officer.username).status_code == 302
        statuses.append(client.post("/account/2fa/", {"code": "000000"}).status_code)
    assert statuses == [400] * (limit - 1) + [429], statuses
    assert actions().count("login.2fa_failure") == limit
    right = pyotp.TOTP(secret).at(time.time() + 30)
    assert client.post("/account/2fa/", {"code": right}).status_code == 429


def test_a_username_matching_no_account_is_kept_only_as_a_keyed_digest(client, make_user):
    """Typed usernames stay in the append-only log forever: a password typed in the wrong box, or
    a person's name, must not."""
    sign_in(client, "Hunter2-typed-in-the-wrong-box", "whatever-123")
    sign_in(client, "Hunter2-typed-in-the-wrong-box", "whatever-456")
    events = list(AuditEvent.objects.filter(action="login.failure").order_by("seq"))
    assert "Hunter2" not in str([e.detail for e in events])
    digests = {e.detail["username_hmac"] for e in events}
    assert len(digests) == 1  # the same string tried twice is still visible as such


def test_a_stranger_guessing_from_elsewhere_does_not_lock_the_officer_out(client, make_user):
    """The lock is per account and address: guessing from one address locks that pair only."""
    officer = make_user("registration_officer")
    for _ in range(5):
        sign_in(client, officer.username, "guess-guess-guess", REMOTE_ADDR="203.0.113.7")
    assert sign_in(client, officer.username, REMOTE_ADDR="203.0.113.7").status_code == 429
    assert sign_in(client, officer.username, REMOTE_ADDR="10.0.0.20").status_code == 302


@override_settings(
    MUSTER={**__import__("django.conf").conf.settings.MUSTER, "LOGIN_ACCOUNT_LIMIT": 8}
)
def test_guessing_spread_over_many_addresses_locks_the_account_everywhere(client, make_user):
    officer = make_user("registration_officer")
    for i in range(8):
        sign_in(client, officer.username, "guess-guess-guess", REMOTE_ADDR=f"198.51.100.{i}")
    assert sign_in(client, officer.username, REMOTE_ADDR="10.0.0.20").status_code == 429


def test_wrong_codes_from_several_addresses_lock_the_account_everywhere(make_user, totp_code):
    """Only someone with the password reaches the code: spreading the guesses over machines (each
    address its own lock for passwords) must not multiply the tries at the code."""
    officer = make_user("screening_officer")
    right = totp_code(officer)
    statuses = []
    for n in range(6):
        body = {"username": officer.username, "password": PASSWORD, "totp_code": "000000"}
        client = Client(REMOTE_ADDR=f"10.1.0.{n % 3}")
        statuses.append(
            client.post("/api/auth/token/", body, content_type="application/json").status_code
        )
    assert statuses[:4] == [400] * 4 and statuses[-1] == 429
    assert AuditEvent.objects.filter(action="login.2fa_failure").count() == 5
    # Locked on the sign-in page too, from a fresh address, even with the right password.
    assert sign_in(Client(REMOTE_ADDR="10.1.0.99"), officer.username).status_code == 429
    body = {"username": officer.username, "password": PASSWORD, "totp_code": right}
    assert (
        Client(REMOTE_ADDR="10.1.0.98")
        .post("/api/auth/token/", body, content_type="application/json")
        .status_code
        == 429
    )


def test_a_strangers_wrong_passwords_from_many_addresses_do_not_lock_the_account(make_user):
    officer = make_user("registration_officer")
    for n in range(10):
        sign_in(Client(REMOTE_ADDR=f"10.2.0.{n}"), officer.username, "guess-guess-guess")
    assert sign_in(Client(REMOTE_ADDR="10.2.0.200"), officer.username).status_code == 302


@pytest.mark.parametrize(
    "language, said",
    [
        ("en", "The username or the password is wrong."),
        ("ar", "اسم المستخدم أو كلمة المرور غير صحيح."),
        ("ckb", "ناوی بەکارهێنەر یان وشەی نهێنی هەڵەیە."),
        ("kmr", "Navê bikarhêner an şîfre şaş e."),
    ],
)
def test_a_wrong_password_is_said_in_the_page_language(client, make_user, language, said):
    # In Kurmanji it read "Please enter a correct navê bikarhêner and password. Note that both
    # fields may be case-sensitive." (Django has no Kurmanji catalogue).
    officer = make_user("registration_officer")
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    page = sign_in(client, officer.username, "not the password").content.decode()
    assert said in page
    assert "Please enter" not in page and "case-sensitive" not in page
