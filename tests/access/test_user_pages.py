"""The administrator's user and role pages (/account/users/): the browser twin of ``muster users /
createuser / grant / revoke / deactivate / reset-totp``, through real HTTP on the test database.

Every change goes through the access services, so each is audited with the administrator as the
actor and the request's address; separation of duties is the services' refusal, shown next to the
form; the administrator cannot lock themselves out; every other role is refused every page and POST.
"""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from muster.access import services as access
from muster.access.models import Role, RoleGrant, TotpDevice
from muster.audit.models import AuditEvent
from tests import factories
from tests.web.bidi import unisolated_ltr_runs

pytestmark = pytest.mark.django_db

STRONG = "a long enough passphrase 42"


@pytest.fixture
def admin(make_user):
    return make_user("administrator", username="root-admin")


@pytest.fixture
def browser(admin):
    """The administrator's signed-in client."""
    return factories.signed_in(admin)


@pytest.fixture
def amal(make_user, facilities):
    """A camp manager at Al-Hol Camp."""
    return make_user("camp_manager", facility=facilities["camp"], username="amal")


def events(action: str, user=None) -> list[AuditEvent]:
    qs = AuditEvent.objects.filter(action=action)
    if user is not None:
        qs = qs.filter(object_id=str(user.pk))
    return list(qs.order_by("seq"))


def in_force(user) -> set[tuple[str, int | None]]:
    return set(RoleGrant.objects.filter(user=user).in_force().values_list("role", "facility_id"))


def form_errors(html: str, testid: str) -> list[str]:
    """The error codes shown inside the form (or card) marked ``data-testid=testid``."""
    start = html.index(f'data-testid="{testid}"')
    end = html.index("</form>", start)
    return re.findall(r'data-code="([\w-]+)"', html[start:end])


def user_url(user, action: str = "") -> str:
    return f"/account/users/{user.pk}/" + (f"{action}/" if action else "")


# --- the list ------------------------------------------------------------------------------------


def test_the_list_shows_every_account_with_its_roles_and_2fa_and_is_audited(
    browser, admin, amal, make_user, facilities
):
    gone = make_user("coordinator", username="gone")
    access.deactivate_user(gone, reason="left")
    factories.totp_code(admin)  # the administrator has enrolled an authenticator
    before = len(events("user.list"))

    response = browser.get("/account/users/")

    assert response.status_code == 200
    html = response.content.decode()
    rows = dict(re.findall(r'data-testid="user" data-username="([^"]+)"(.*?)</tr>', html, re.S))
    assert set(rows) == {"root-admin", "amal", "gone"}
    assert "Camp manager" in rows["amal"] and "Al-Hol Camp" in rows["amal"]
    assert 'data-state="required"' in rows["amal"]  # every role requires 2FA by default
    assert 'data-state="enrolled"' in rows["root-admin"]
    assert 'data-state="inactive"' in rows["gone"] and 'data-state="active"' in rows["amal"]
    assert f'href="{user_url(amal)}"' in rows["amal"]
    listed = events("user.list")[before:]
    assert len(listed) == 1
    assert listed[0].actor_username == "root-admin" and listed[0].detail["rows"] == 3
    assert listed[0].ip  # recorded with the request, as every web event


def test_the_administrator_has_a_link_in_the_bar_and_a_card_at_home(browser):
    html = browser.get("/").content.decode()
    bar = html[html.index('<nav class="mainnav">') : html.index("</nav>")]
    assert 'href="/account/users/"' in bar
    assert 'data-testid="users-tile"' in html
    assert browser.get("/account/users/").status_code == 200  # the bar never offers a refusal


def test_other_roles_get_no_link_and_no_card(make_user):
    client = factories.signed_in(make_user("coordinator"))
    html = client.get("/").content.decode()
    assert "/account/users/" not in html and "users-tile" not in html


# --- a new user ----------------------------------------------------------------------------------


def test_the_administrator_creates_a_user_with_a_role_at_a_facility(browser, admin, facilities):
    response = browser.post(
        "/account/users/new/",
        {
            "username": "badr",
            "password": STRONG,
            "password2": STRONG,
            "role": "camp_manager",
            "facility": facilities["camp"].pk,
        },
    )
    badr = get_user_model().objects.get(username="badr")
    assert response.status_code == 302 and response["Location"] == user_url(badr)
    assert badr.check_password(STRONG) and badr.is_active
    assert in_force(badr) == {("camp_manager", facilities["camp"].pk)}
    (created,) = events("user.create", badr)
    (granted,) = events("role.grant", badr)
    for event in (created, granted):
        assert event.actor_id == admin.pk and event.ip
    assert granted.detail["facility"] == facilities["camp"].pk
    page = browser.get(response["Location"]).content.decode()
    assert "User badr created." in page


def test_every_facility_is_the_default(browser):
    browser.post(
        "/account/users/new/",
        {"username": "chro", "password": STRONG, "password2": STRONG, "role": "coordinator"},
    )
    chro = get_user_model().objects.get(username="chro")
    assert in_force(chro) == {("coordinator", None)}


def test_a_weak_password_is_refused_next_to_the_field_and_no_user_is_made(browser):
    events_before = AuditEvent.objects.count()
    response = browser.post(
        "/account/users/new/",
        {"username": "dilan", "password": "dilan123", "password2": "dilan123", "role": "auditor"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    # The messages sit between the password field and the next one.
    password_part = html[html.index('name="password"') : html.index('name="password2"')]
    assert 'data-code="weak_password"' in password_part
    assert "too short" in password_part and "at least 10 characters" in password_part
    assert not get_user_model().objects.filter(username="dilan").exists()
    assert AuditEvent.objects.count() == events_before
    # What was typed comes back (not the password).
    assert 'value="dilan"' in html and "dilan123" not in html


@pytest.mark.parametrize("language", ["ar", "ckb", "kmr"])
@pytest.mark.parametrize(
    "username, password",
    [("Bad User!", "short"), ("dilan", "password123"), ("dilanhesen", "dilanhesen1")],
)
def test_a_refused_username_or_password_is_said_in_the_page_language(
    browser, language, username, password
):
    # Django's own refusals were English on these pages: its catalogues translate the short
    # password's sentence as worded before Django 5.2, and it has no Kurmanji catalogue.
    browser.post("/i18n/setlang/", {"language": language, "next": "/"})
    response = browser.post(
        "/account/users/new/",
        {"username": username, "password": password, "password2": password, "role": "auditor"},
    )
    assert response.status_code == 400
    said = re.findall(r'<ul class="field-error" role="alert">(.*?)</ul>', response.content.decode())
    english = [s for s in said if re.search(r"\b(password|username|Enter|This)\b", s)]
    assert said and not english, said


def test_a_refused_role_leaves_no_user_behind(browser):
    """One transaction: the account is made, the grant refused, and both are undone."""
    created = len(events("user.create"))
    response = browser.post(
        "/account/users/new/",
        {"username": "ezel", "password": STRONG, "password2": STRONG, "role": "superuser"},
    )
    assert response.status_code == 400
    assert form_errors(response.content.decode(), "new-user-form") == ["no_such_role"]
    assert not get_user_model().objects.filter(username="ezel").exists()
    assert len(events("user.create")) == created


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"password2": "something else entirely"}, "passwords_differ", "password2"),
        ({"username": "two words"}, "invalid_username", "username"),
        ({"username": "amal"}, "username_taken", "username"),
        ({"role": ""}, "required", "role"),
        ({"facility": "999999"}, "no_such_facility", "facility"),
    ],
)
def test_other_refusals_of_a_new_user(browser, amal, data, code, field):
    users = get_user_model().objects.count()
    form = {"username": "fadi", "password": STRONG, "password2": STRONG, "role": "auditor"}
    browser.post("/i18n/setlang/", {"language": "kmr", "next": "/"})
    response = browser.post("/account/users/new/", {**form, **data})
    assert response.status_code == 400
    html = response.content.decode()
    assert code in form_errors(html, "new-user-form")
    # The refused box is drawn as refused, as on every other form (only its message was shown).
    marked = re.findall(r'<(?:input|select)[^>]*name="(\w+)"[^>]*aria-invalid="true"', html)
    assert marked == [field], marked
    assert get_user_model().objects.count() == users


def test_every_refusal_of_a_new_user_is_shown_at_once(browser, amal):
    """The username's and the password's refusals came only once the role and the facility were
    accepted: the administrator corrected the form twice. Now one round shows them all."""
    users = get_user_model().objects.count()
    response = browser.post(
        "/account/users/new/",
        {
            "username": "two words",
            "password": "abc",
            "password2": "abd",
            "role": "",
            "facility": "999999",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    codes = form_errors(html, "new-user-form")
    for code in ("invalid_username", "weak_password", "passwords_differ", "required"):
        assert code in codes, codes
    assert "no_such_facility" in codes
    marked = re.findall(r'<(?:input|select)[^>]*name="(\w+)"[^>]*aria-invalid="true"', html)
    assert set(marked) == {"username", "password", "password2", "role", "facility"}, marked
    # A taken username and an unknown role, with a weak password: three refusals, one round.
    response = browser.post(
        "/account/users/new/",
        {"username": "amal", "password": "amal", "password2": "amal", "role": "superuser"},
    )
    codes = form_errors(response.content.decode(), "new-user-form")
    assert {"username_taken", "weak_password", "no_such_role"} <= set(codes), codes
    assert get_user_model().objects.count() == users


# --- grant and revoke ----------------------------------------------------------------------------


def test_grant_a_role_at_a_facility_until_a_day(browser, admin, amal, facilities):
    day = timezone.localdate() + dt.timedelta(days=30)
    response = browser.post(
        user_url(amal, "grant"),
        {"role": "camp_manager", "facility": facilities["family_camp"].pk, "expires": str(day)},
    )
    assert response.status_code == 302
    grant = RoleGrant.objects.in_force().get(user=amal, facility=facilities["family_camp"])
    assert grant.expires_at == timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    assert grant.granted_by_id == admin.pk
    (event,) = [e for e in events("role.grant", amal) if e.actor_id == admin.pk]
    assert event.detail["facility"] == facilities["family_camp"].pk and event.ip
    page = browser.get(user_url(amal)).content.decode()
    assert "until <time" in page and str(day) in page


def test_an_expiry_typed_in_arabic_indic_digits_is_read(browser, amal):
    day = timezone.localdate() + dt.timedelta(days=40)
    arabic = str(day).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    response = browser.post(user_url(amal, "grant"), {"role": "coordinator", "expires": arabic})
    assert response.status_code == 302
    grant = RoleGrant.objects.in_force().get(user=amal, role="coordinator")
    assert timezone.localtime(grant.expires_at).date() == day


def test_incompatible_roles_are_refused_next_to_the_grant_form(browser, amal, facilities):
    """Separation of duties is the service's: a camp manager cannot screen at their camp."""
    response = browser.post(
        user_url(amal, "grant"), {"role": "screening_officer", "facility": facilities["camp"].pk}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert form_errors(html, "grant-form") == ["incompatible_roles"]
    assert "already holds Camp manager (camp_manager) at Al-Hol Camp" in html
    assert "Traceback" not in html
    assert in_force(amal) == {("camp_manager", facilities["camp"].pk)}
    # Elsewhere it is allowed.
    response = browser.post(
        user_url(amal, "grant"), {"role": "screening_officer", "facility": facilities["holding"].pk}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"role": "camp_manager", "expires": "next week"}, "not_a_date"),
        ({"role": "camp_manager", "expires": "2001-01-01"}, "not_in_future"),
        ({"role": "pope"}, "no_such_role"),
        ({}, "required"),
    ],
)
def test_a_bad_grant_is_a_400_with_the_reason(browser, amal, data, code):
    response = browser.post(user_url(amal, "grant"), data)
    assert response.status_code == 400
    assert code in form_errors(response.content.decode(), "grant-form")


def test_revoke_a_grant_in_force(browser, admin, amal, facilities):
    grant = RoleGrant.objects.in_force().get(user=amal)
    response = browser.post(user_url(amal, "revoke"), {"grant": grant.pk})
    assert response.status_code == 302
    assert in_force(amal) == set()
    (event,) = events("role.revoke", amal)
    assert event.actor_id == admin.pk and event.detail["role"] == "camp_manager"
    # Again: it is no longer in force.
    response = browser.post(user_url(amal, "revoke"), {"grant": grant.pk})
    assert response.status_code == 400
    assert 'data-code="no_such_grant"' in response.content.decode()


@pytest.mark.parametrize("value", ["", "abc", "²", "9" * 30, "-1"])
def test_a_malformed_grant_or_facility_is_a_400_not_a_crash(browser, amal, value):
    assert browser.post(user_url(amal, "revoke"), {"grant": value}).status_code == 400
    if value:
        response = browser.post(user_url(amal, "grant"), {"role": "auditor", "facility": value})
        assert response.status_code == 400


def test_a_grant_of_another_user_cannot_be_revoked_through_this_one(browser, amal, make_user):
    other = make_user("coordinator")
    grant = RoleGrant.objects.in_force().get(user=other)
    assert browser.post(user_url(amal, "revoke"), {"grant": grant.pk}).status_code == 400
    assert in_force(other) == {("coordinator", None)}


# --- no lock-out ---------------------------------------------------------------------------------


def test_the_administrator_cannot_revoke_their_own_last_administrator_grant(browser, admin):
    grant = RoleGrant.objects.in_force().get(user=admin)
    response = browser.post(user_url(admin, "revoke"), {"grant": grant.pk})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-code="own_last_administrator_grant"' in html
    assert "lock yourself out" in html
    assert in_force(admin) == {("administrator", None)}
    assert not events("role.revoke")


def test_with_another_administrator_grant_of_their_own_one_may_go(browser, admin, facilities):
    access.grant_role(admin, Role.ADMINISTRATOR, facility=facilities["camp"])
    everywhere = RoleGrant.objects.in_force().get(user=admin, facility=None)
    assert browser.post(user_url(admin, "revoke"), {"grant": everywhere.pk}).status_code == 302
    assert in_force(admin) == {("administrator", facilities["camp"].pk)}


def test_the_administrator_cannot_deactivate_themselves(browser, admin):
    response = browser.post(user_url(admin, "deactivate"), {"reason": "testing"})
    assert response.status_code == 400
    assert 'data-code="own_account"' in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active
    assert not events("user.deactivate")
    assert browser.get("/account/users/").status_code == 200  # still signed in


# --- deactivate, reactivate ----------------------------------------------------------------------


def test_deactivate_with_a_reason_then_reactivate(browser, admin, amal):
    amal_client = factories.signed_in(amal)
    assert amal_client.get("/").status_code == 200

    assert browser.post(user_url(amal, "deactivate"), {"reason": ""}).status_code == 400
    amal.refresh_from_db()
    assert amal.is_active

    response = browser.post(user_url(amal, "deactivate"), {"reason": "contract ended"})
    assert response.status_code == 302
    amal.refresh_from_db()
    assert not amal.is_active
    (event,) = events("user.deactivate", amal)
    assert event.actor_id == admin.pk and event.detail["reason"] == "contract ended"
    assert amal_client.get("/").status_code == 302  # signed out at once
    page = browser.get(user_url(amal)).content.decode()
    assert 'data-testid="reactivate-form"' in page and 'data-state="inactive"' in page

    assert browser.post(user_url(amal, "deactivate"), {"reason": "again"}).status_code == 400

    response = browser.post(user_url(amal, "reactivate"))
    assert response.status_code == 302
    amal.refresh_from_db()
    assert amal.is_active
    (event,) = events("user.reactivate", amal)
    assert event.actor_id == admin.pk
    assert browser.post(user_url(amal, "reactivate")).status_code == 400  # already active


# --- reset the authenticator ---------------------------------------------------------------------


def test_reset_2fa_after_a_confirmation_step(browser, admin, amal):
    factories.totp_code(amal)  # amal enrolled a phone, then lost it
    page = browser.get(user_url(amal, "reset-2fa"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "must enrol an authenticator app again at their next sign-in" in html
    assert access.confirmed_device(amal) is not None  # a GET changes nothing

    assert browser.post(user_url(amal, "reset-2fa"), {}).status_code == 400  # not confirmed
    assert access.confirmed_device(amal) is not None

    response = browser.post(user_url(amal, "reset-2fa"), {"confirm": "yes"})
    assert response.status_code == 302
    assert not TotpDevice.objects.filter(user=amal).exists()
    (event,) = events("totp.reset", amal)
    assert event.actor_id == admin.pk and event.detail["had_device"] is True
    html = browser.get(response["Location"]).content.decode()
    assert "authenticator is forgotten" in html
    assert "must enrol an authenticator app again at their next sign-in" in html
    assert 'data-state="required"' in html


def test_reset_2fa_page_says_when_the_roles_do_not_require_it(browser, make_user, settings):
    settings.MUSTER = {**settings.MUSTER, "TOTP_REQUIRED_ROLES": ["administrator"]}
    coordinator = make_user("coordinator")
    html = browser.get(user_url(coordinator, "reset-2fa")).content.decode()
    assert "do not require two-factor authentication" in html


# --- refusals ------------------------------------------------------------------------------------


PAGES = [
    ("get", "/account/users/"),
    ("get", "/account/users/new/"),
    ("post", "/account/users/new/"),
    ("get", "{user}"),
    ("post", "{user}grant/"),
    ("post", "{user}revoke/"),
    ("post", "{user}deactivate/"),
    ("post", "{user}reactivate/"),
    ("get", "{user}reset-2fa/"),
    ("post", "{user}reset-2fa/"),
]


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMINISTRATOR])
def test_every_other_role_is_refused_every_page_and_post(role, make_user, amal, facilities):
    facility = facilities["camp"] if role == Role.CAMP_MANAGER else None
    client = factories.signed_in(make_user(role, facility=facility))
    grant = RoleGrant.objects.in_force().get(user=amal)
    data = {
        "username": "intruder",
        "password": STRONG,
        "password2": STRONG,
        "role": "administrator",
        "grant": grant.pk,
        "reason": "x",
        "confirm": "yes",
    }
    for method, path in PAGES:
        url = path.format(user=user_url(amal))
        response = getattr(client, method)(url, data if method == "post" else None)
        assert response.status_code == 403, (role, method, url, response.status_code)
    amal.refresh_from_db()
    assert amal.is_active and in_force(amal) == {("camp_manager", facilities["camp"].pk)}
    assert not get_user_model().objects.filter(username="intruder").exists()
    assert set(AuditEvent.objects.values_list("action", flat=True)) <= {
        "user.create",
        "role.grant",
        "request.denied",
    }


def test_signed_out_visitors_are_sent_to_sign_in(amal):
    response = Client().get("/account/users/")
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")


def test_changes_are_post_only_and_need_the_csrf_token(admin, amal):
    client = factories.signed_in(admin, Client(enforce_csrf_checks=True))
    assert client.get(user_url(amal, "deactivate")).status_code == 405
    assert client.get(user_url(amal, "grant")).status_code == 405
    response = client.post(user_url(amal, "deactivate"), {"reason": "no token"})
    assert response.status_code == 403
    amal.refresh_from_db()
    assert amal.is_active
    # Every form on the pages carries the token.
    for url in ("/account/users/new/", user_url(amal), user_url(amal, "reset-2fa")):
        html = client.get(url).content.decode()
        assert html.count("<form") == html.count('name="csrfmiddlewaretoken"'), url


def test_an_unknown_user_is_a_404(browser):
    assert browser.get("/account/users/999999/").status_code == 404
    assert browser.post("/account/users/999999/deactivate/", {"reason": "x"}).status_code == 404


def test_no_person_data_on_the_pages(browser, amal, registered):
    """The administrator sees no personal data: not even a registered person's name."""
    for url in ("/account/users/", user_url(amal), "/account/users/new/"):
        html = browser.get(url).content.decode()
        assert "Muhammad" not in html and "al-Obeidi" not in html, url


# --- in the reader's language --------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ar", "ckb"])
def test_the_pages_read_right_to_left_translated_with_ltr_runs_isolated(browser, amal, lang):
    browser.cookies["django_language"] = lang
    for url in (
        "/account/users/",
        "/account/users/new/",
        user_url(amal),
        user_url(amal, "reset-2fa"),
    ):
        html = browser.get(url).content.decode()
        assert f'<html lang="{lang}" dir="rtl">' in html, url
        assert unisolated_ltr_runs(html) == [], url
    html = browser.get("/account/users/").content.decode()
    expected = {"ar": "المستخدمون", "ckb": "بەکارهێنەران"}[lang]
    assert f"<h1>{expected}</h1>" in html
    assert "Roles in force" not in html


def test_a_refusal_comes_back_in_arabic(browser, amal, facilities):
    browser.cookies["django_language"] = "ar"
    response = browser.post(
        user_url(amal, "grant"), {"role": "screening_officer", "facility": facilities["camp"].pk}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "ولا يجوز جمعه مع" in html  # the service's message, in Arabic
    browser.post(user_url(amal, "deactivate"), {"reason": "x"})
    browser.post(user_url(amal, "reactivate"))
    html = browser.get(user_url(amal)).content.decode()
    assert "أُعيد تفعيل" in html
