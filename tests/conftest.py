"""Shared fixtures: facilities, users per role, logged-in clients; the audit guard's test hatch.

The suite runs on SQLite by default and on PostgreSQL when ``DATABASE_URL`` points at one (``./dev test``
does both when a server answers on 127.0.0.1:5432).
"""

import pytest


@pytest.fixture(autouse=True)
def _audit_guard_locked(django_db_blocker):
    """Every test starts with the audit table locked (append-only)."""
    from django.db import connection

    from muster.audit import guard

    with django_db_blocker.unblock():
        guard.set_unlocked(False, connection if connection.connection is not None else None)
    yield


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in Arabic leaves Arabic active on the thread (LocaleMiddleware activates it and
    nothing resets it); without this the next test would read Arabic pages and messages."""
    yield
    reset_language()


def reset_language() -> None:
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def transactional_db(transactional_db, django_db_blocker):  # noqa: F811 - extends pytest-django's
    """Transactional tests end with a flush of all tables, the audit table included: open the hatch."""
    from django.db import connection

    from muster.audit import guard

    yield
    guard.set_unlocked(True, connection)


@pytest.fixture
def facilities(db):
    from muster.custody.models import Facility

    def make(name, kind, capacity=None, pcode=""):
        return Facility.objects.create(name=name, kind=kind, capacity=capacity, pcode=pcode)

    return {
        "reception": make("Reception Point 1", "reception_point", 5000, "SY0901"),
        "camp": make("Al-Hol Camp", "displacement_camp", 70000, "SY0802"),
        "small_camp": make("Small Camp", "displacement_camp", 3, "SY0803"),
        "holding": make("Holding Facility A", "holding_facility", 400, "SY0804"),
        "family_camp": make("Family Camp", "family_camp", 2000, "SY0805"),
    }


@pytest.fixture
def make_user(db):
    from muster.access import services as access

    counter = {"n": 0}

    def make(*roles, facility=None, username=None):
        counter["n"] += 1
        name = username or f"{'-'.join(roles) or 'norole'}-{counter['n']}"
        return access.create_user(
            name,
            "correct horse battery staple",
            roles=list(roles),
            facility_names=[facility.name] if facility else [],
            check_password=False,
        )

    return make


@pytest.fixture
def totp_code(db):
    """``totp_code(user)``: a current authenticator code for ``user``, enrolling an authenticator
    first if they have none (every role signs in with a second factor by default).

    The replay guard is reset so that a test may sign in more than once within one 30-second step;
    tests/access/test_sign_in.py tests the guard itself.
    """
    import pyotp

    from muster.access import services as access
    from muster.access.models import TotpDevice

    def code(user) -> str:
        device = access.confirmed_device(user)
        if device is None:
            device = access.start_totp_enrolment(user)
            assert access.confirm_totp_enrolment(user, pyotp.TOTP(device.secret).now())
        TotpDevice.objects.filter(pk=device.pk).update(last_counter=0)
        return pyotp.TOTP(device.secret).now()

    return code


@pytest.fixture
def sign_in_fully(totp_code):
    """``sign_in_fully(client, user, password)``: the sign-in page, then the authenticator code."""

    def sign_in(client, user, password="correct horse battery staple"):
        code = totp_code(user)
        response = client.post(
            "/account/login/", {"username": user.get_username(), "password": password}
        )
        assert response.status_code == 302, response.content
        response = client.post("/account/2fa/", {"code": code, "next": "/"})
        assert response.status_code == 302, response.content
        return client

    return sign_in


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        # Fully signed in: as if the user had also given their TOTP code (tests/access covers that step).
        session = client.session
        session["muster_2fa_ok"] = True
        session.save()
        return client

    return as_user


HOUSEHOLD = [
    {
        "given_name": "Muhammad",
        "father_name": "Jasim",
        "grandfather_name": "Hamad",
        "family_name": "al-Obeidi",
        "mother_name": "Fatima",
        "sex": "M",
        "birth_year": "1985",
        "nationality": "IRQ",
        "relationship_to_head": "head",
    },
    {
        "given_name": "عائشة",
        "father_name": "علي",
        "family_name": "الجبوري",
        "sex": "F",
        "estimated_age": "34",
        "nationality": "IRQ",
        "relationship_to_head": "spouse",
    },
    {
        "given_name": "Omar",
        "father_name": "Muhammad",
        "grandfather_name": "Jasim",
        "family_name": "al-Obeidi",
        "mother_name": "Aisha",
        "sex": "M",
        "date_of_birth": "2015-03-02",
        "nationality": "IRQ",
        "relationship_to_head": "son",
        "separated_child": True,
    },
]


@pytest.fixture
def household_data():
    import copy

    return copy.deepcopy(HOUSEHOLD)


@pytest.fixture
def registered(facilities, make_user, household_data):
    """A household of three registered at Reception Point 1."""
    from muster.intake import services as intake
    from muster.people.validation import clean_household

    officer = make_user("registration_officer")
    return intake.register_household(
        clean_household(household_data), reception_point=facilities["reception"], by=officer
    )
