"""A forgotten password: the administrator sets a temporary one (the user page or ``muster
set-password``), and the user must choose their own before reaching anything else; and the
lock-out rules (one's own account, one's own last administrator grant) held by the services, so
that no caller of them can skip the check.

Real HTTP through Django's test client on the test database; the CLI in process.
"""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from muster.access import services as access
from muster.access.models import RoleGrant, TemporaryPassword
from muster.audit.models import AuditEvent
from tests import factories
from tests.cli.test_cli import in_process

pytestmark = pytest.mark.django_db

NEW = "a brand new passphrase 77"
OWN = "my very own passphrase 31"


@pytest.fixture
def admin(make_user):
    return make_user("administrator", username="root-admin")


@pytest.fixture
def amal(make_user, facilities):
    return make_user("camp_manager", facility=facilities["camp"], username="amal")


def resets(user) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(action="password.reset", object_id=str(user.pk)).order_by("seq")
    )


def codes(html: str) -> list[str]:
    import re

    return re.findall(r'data-code="([\w-]+)"', html)


# --- the service ---------------------------------------------------------------------------------


def test_a_temporary_password_signs_in_ends_every_session_and_is_audited_without_itself(
    admin, amal
):
    before = factories.signed_in(amal)
    assert before.get("/").status_code == 200

    access.set_temporary_password(amal, NEW, by=admin)

    amal.refresh_from_db()
    assert amal.check_password(NEW)
    assert access.password_change_required(amal)
    assert before.get("/").status_code == 302  # the session that was open has ended
    (event,) = resets(amal)
    assert event.actor_id == admin.pk
    assert NEW not in str(event.detail)


def test_a_weak_temporary_password_is_refused_naming_the_field_and_changes_nothing(admin, amal):
    with pytest.raises(ValidationError) as refused:
        access.set_temporary_password(amal, "amal", by=admin)
    assert set(refused.value.message_dict) == {"password"}
    amal.refresh_from_db()
    assert amal.check_password(factories.PASSWORD)
    assert not access.password_change_required(amal)
    assert not resets(amal)


def test_an_administrator_cannot_set_their_own_password_without_the_current_one(admin):
    with pytest.raises(ValidationError) as refused:
        access.set_temporary_password(admin, NEW, by=admin)
    assert refused.value.error_dict["form"][0].code == "own_account"
    admin.refresh_from_db()
    assert admin.check_password(factories.PASSWORD)


def test_the_services_refuse_an_administrators_own_lock_out_whoever_calls_them(admin, amal):
    with pytest.raises(ValidationError) as refused:
        access.deactivate_user(admin, by=admin, reason="testing")
    assert refused.value.error_dict["form"][0].code == "own_account"
    admin.refresh_from_db()
    assert admin.is_active

    grant = RoleGrant.objects.in_force().get(user=admin)
    with pytest.raises(ValidationError) as refused:
        access.revoke_role(grant, by=admin)
    assert refused.value.error_dict["form"][0].code == "own_last_administrator_grant"
    assert RoleGrant.objects.in_force().filter(user=admin).exists()

    # Another administrator may do both; so may the operator at the server (no ``by``).
    other = factories.user("administrator", username="second-admin")
    access.revoke_role(grant, by=other)
    assert not RoleGrant.objects.in_force().filter(user=admin).exists()
    access.deactivate_user(amal, reason="left")
    amal.refresh_from_db()
    assert not amal.is_active


# --- the administrator's page --------------------------------------------------------------------


def test_the_administrator_sets_a_temporary_password_on_the_user_page(admin, amal):
    browser = factories.signed_in(admin)
    url = f"/account/users/{amal.pk}/password/"

    differ = browser.post(url, {"password": NEW, "password2": NEW + "x"})
    assert differ.status_code == 400
    assert "passwords_differ" in codes(differ.content.decode())
    weak = browser.post(url, {"password": "12345678", "password2": "12345678"})
    assert weak.status_code == 400
    assert "weak_password" in codes(weak.content.decode())
    assert not resets(amal)

    done = browser.post(url, {"password": NEW, "password2": NEW})
    assert done.status_code == 302
    page = browser.get(f"/account/users/{amal.pk}/").content.decode()
    assert 'data-testid="temporary-password"' in page
    assert NEW not in page
    assert len(resets(amal)) == 1


def test_no_other_role_may_set_a_password(amal, make_user):
    coordinator = make_user("coordinator")
    response = factories.signed_in(coordinator).post(
        f"/account/users/{amal.pk}/password/", {"password": NEW, "password2": NEW}
    )
    assert response.status_code == 403
    amal.refresh_from_db()
    assert amal.check_password(factories.PASSWORD)


def test_the_administrators_own_page_points_to_the_password_page_instead(admin):
    page = factories.signed_in(admin).get(f"/account/users/{admin.pk}/").content.decode()
    assert 'data-testid="password-form"' not in page
    assert 'href="/account/password/"' in page


# --- the user's next sign-in ---------------------------------------------------------------------


def test_with_a_temporary_password_the_user_reaches_only_the_password_page_until_they_change_it(
    admin, amal
):
    access.set_temporary_password(amal, NEW, by=admin)
    client = factories.sign_in_fully(Client(), amal, password=NEW)

    assert client.get("/").url == "/account/password/"
    assert client.get("/people/").url == "/account/password/"
    api = client.get("/api/people/")
    assert api.status_code == 403 and "password" in api.json()["detail"]
    page = client.get("/account/password/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="password-change-required"' in html
    assert 'href="/people/"' not in html  # no menu of pages that would only send them back

    changed = client.post(
        "/account/password/",
        {"old_password": NEW, "new_password": OWN, "new_password2": OWN},
    )
    assert changed.status_code == 302
    assert not TemporaryPassword.objects.filter(user=amal).exists()
    assert client.get("/").status_code == 200
    assert 'href="/people/"' in client.get("/account/password/").content.decode()


def test_no_api_token_is_issued_against_a_temporary_password(admin, amal):
    access.set_temporary_password(amal, NEW, by=admin)
    response = Client().post(
        "/api/auth/token/",
        {"username": amal.username, "password": NEW, "totp_code": factories.totp_code(amal)},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "password_change_required" in response.content.decode()


# --- the command line ----------------------------------------------------------------------------


def test_set_password_from_the_command_line(amal, capsys, monkeypatch):
    code, out, err = in_process(
        capsys, "set-password", "amal", env_extra={"MUSTER_PASSWORD": NEW}, monkeypatch=monkeypatch
    )
    assert code == 0, err
    assert "must choose their own" in out
    amal.refresh_from_db()
    assert amal.check_password(NEW) and access.password_change_required(amal)

    code, _, err = in_process(
        capsys,
        "set-password",
        "nobody",
        env_extra={"MUSTER_PASSWORD": NEW},
        monkeypatch=monkeypatch,
    )
    assert code == 1 and "nobody" in err and "Traceback" not in err
    code, _, err = in_process(
        capsys,
        "set-password",
        "amal",
        env_extra={"MUSTER_PASSWORD": "amal"},
        monkeypatch=monkeypatch,
    )
    assert code == 1 and "password" in err and "Traceback" not in err
