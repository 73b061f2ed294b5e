"""The source address behind a reverse proxy: X-Forwarded-For is believed only from a trusted proxy
(MUSTER["TRUSTED_PROXIES"]), and only its right end; otherwise a client could pick its own address
and walk around every per-address lock and throttle."""

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client, override_settings

from muster.access.models import LoginAttempt
from muster.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
BEHIND_PROXY = {**django_settings.MUSTER, "TRUSTED_PROXIES": ["127.0.0.1"]}


@pytest.fixture(autouse=True)
def _fresh():
    cache.clear()
    yield
    cache.clear()


def sign_in(username, password, forwarded, remote="127.0.0.1"):
    return Client(REMOTE_ADDR=remote).post(
        "/account/login/",
        {"username": username, "password": password},
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_a_clients_own_forwarded_for_is_ignored_without_a_trusted_proxy(make_user):
    officer = make_user("registration_officer")
    for n in range(5):
        sign_in(officer.username, "guess-guess-guess", f"10.9.9.{n}", remote="192.0.2.7")
    assert set(LoginAttempt.objects.values_list("ip", flat=True)) == {"192.0.2.7"}
    # Five guesses from one machine lock that machine, whatever address it claimed each time.
    assert sign_in(officer.username, PASSWORD, "10.9.9.99", remote="192.0.2.7").status_code == 429


def test_the_token_throttle_cannot_be_dodged_with_forwarded_for():
    statuses = []
    for n in range(12):
        response = Client(REMOTE_ADDR="192.0.2.8").post(
            "/api/auth/token/",
            {"username": f"nobody-{n}", "password": "guess"},
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=f"10.8.8.{n}",
        )
        statuses.append(response.status_code)
    assert 429 in statuses


@override_settings(MUSTER=BEHIND_PROXY)
def test_behind_a_trusted_proxy_each_officer_is_locked_out_alone(make_user):
    officer = make_user("registration_officer")
    for _ in range(5):
        # A client wrote 6.6.6.6 itself; the proxy appended the address it saw.
        sign_in(officer.username, "guess-guess-guess", "6.6.6.6, 10.0.0.5")
    assert set(LoginAttempt.objects.values_list("ip", flat=True)) == {"10.0.0.5"}
    assert sign_in(officer.username, PASSWORD, "10.0.0.5").status_code == 429
    # The same officer at another desk behind the same proxy is not locked out.
    assert sign_in(officer.username, PASSWORD, "10.0.0.6").status_code == 302
    assert AuditEvent.objects.filter(action="login.failure", ip="10.0.0.5").count() == 5


@override_settings(MUSTER=BEHIND_PROXY)
def test_a_request_not_from_the_proxy_keeps_its_own_address(make_user):
    officer = make_user("registration_officer")
    sign_in(officer.username, "guess-guess-guess", "10.0.0.5", remote="192.0.2.9")
    sign_in(officer.username, "guess-guess-guess", "not an address", remote="127.0.0.1")
    assert sorted(LoginAttempt.objects.values_list("ip", flat=True)) == ["127.0.0.1", "192.0.2.9"]
