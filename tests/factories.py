"""The objects tests need, made one way: facilities, users per role, signed-in web and API clients,
registered households, buses on the road.

Plain functions over the real services (``muster.access.services``, ``muster.intake.services``,
``muster.custody.services``), so what a test sets up is what an officer would have done. The shared
fixtures in ``tests/conftest.py`` are thin wrappers over these; a new test may call them directly.
"""

import copy
import datetime as dt
import itertools
import json
import threading

from django.test import Client
from django.utils import timezone

PASSWORD = "correct horse battery staple"
ROLES = (
    "registration_officer",
    "screening_officer",
    "camp_manager",
    "tracing_caseworker",
    "repatriation_officer",
    "coordinator",
    "auditor",
    "administrator",
)
_serial = itertools.count(1)

# The usual household: an Iraqi father (Latin script), his wife (Arabic script), their son of 11
# who is flagged as a separated child.
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

FACILITIES = {
    "reception": ("Reception Point 1", "reception_point", 5000, "SY0901"),
    "camp": ("Al-Hol Camp", "displacement_camp", 70000, "SY0802"),
    "small_camp": ("Small Camp", "displacement_camp", 3, "SY0803"),
    "holding": ("Holding Facility A", "holding_facility", 400, "SY0804"),
    "family_camp": ("Family Camp", "family_camp", 2000, "SY0805"),
}


def household_data() -> list[dict]:
    """A fresh copy of :data:`HOUSEHOLD`, to change freely."""
    return copy.deepcopy(HOUSEHOLD)


def facility(name: str, kind: str = "displacement_camp", capacity=None, pcode: str = ""):
    from muster.custody.models import Facility

    return Facility.objects.create(name=name, kind=kind, capacity=capacity, pcode=pcode)


def facilities() -> dict:
    """The usual five facilities, by key (``reception``, ``camp``, ``small_camp`` …)."""
    return {key: facility(*spec) for key, spec in FACILITIES.items()}


def user(*roles: str, facility=None, username: str | None = None):
    """A user holding ``roles`` (at ``facility`` only, when given), made by the access service."""
    from muster.access import services as access

    name = username or f"{'-'.join(roles) or 'norole'}-{next(_serial)}"
    return access.create_user(
        name,
        PASSWORD,
        roles=list(roles),
        facility_names=[facility.name] if facility else [],
        check_password=False,
    )


def signed_in(user, client: Client | None = None) -> Client:
    """``client`` (a new one by default) signed in as ``user``, second factor given (the sign-in
    itself is tested in tests/access)."""
    from muster.access.middleware import SECOND_FACTOR_OK

    client = client or Client()
    client.force_login(user)
    session = client.session
    session[SECOND_FACTOR_OK] = True
    session.save()
    return client


def totp_code(user) -> str:
    """A current authenticator code for ``user``, enrolling an authenticator first if they have
    none (every role signs in with a second factor by default).

    The replay guard is reset so that a test may sign in more than once within one 30-second step;
    tests/access/test_sign_in.py tests the guard itself.
    """
    import pyotp

    from muster.access import services as access
    from muster.access.models import TotpDevice

    device = access.confirmed_device(user)
    if device is None:
        device = access.start_totp_enrolment(user)
        assert access.confirm_totp_enrolment(user, pyotp.TOTP(device.secret).now())
    TotpDevice.objects.filter(pk=device.pk).update(last_counter=0)
    return pyotp.TOTP(device.secret).now()


def sign_in_fully(client: Client, user, password: str = PASSWORD) -> Client:
    """``client`` signed in as ``user`` the way an officer does: the sign-in page, then the code."""
    code = totp_code(user)
    response = client.post(
        "/account/login/", {"username": user.get_username(), "password": password}
    )
    assert response.status_code == 302, response.content
    response = client.post("/account/2fa/", {"code": code, "next": "/"})
    assert response.status_code == 302, response.content
    return client


class JsonClient:
    """Django's test client speaking JSON, signed in as one user."""

    def __init__(self, client: Client):
        self.client = client

    def get(self, url, params=None, **extra):
        return self.client.get(url, params or {}, **extra)

    def post(self, url, body=None, **extra):
        return self.client.post(
            url,
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            **extra,
        )

    def patch(self, url, body, **extra):
        return self.client.patch(url, json.dumps(body), content_type="application/json", **extra)


def web_as(*roles: str, facility=None):
    """(user, web client signed in as a new user holding ``roles``)."""
    who = user(*roles, facility=facility)
    return who, signed_in(who)


def api_as(*roles: str, facility=None):
    """(user, JSON client signed in as a new user holding ``roles``)."""
    who = user(*roles, facility=facility)
    return who, JsonClient(signed_in(who))


def household(members: list[dict] | None = None, *, reception_point, by=None):
    """A household registered at ``reception_point`` by a registration officer (a new one unless
    ``by``), through the reception service and its validation."""
    from muster.intake import services as intake
    from muster.people.validation import clean_household

    return intake.register_household(
        clean_household(members if members is not None else household_data()),
        reception_point=reception_point,
        by=by or user("registration_officer"),
    )


def bus(persons, *, from_facility, to_facility, by=None, hours_ago: float = 0):
    """A movement of ``persons`` dispatched ``hours_ago`` (so it can be overdue)."""
    from muster.custody import services as custody
    from muster.custody.models import Movement

    movement = custody.dispatch(
        list(persons),
        from_facility=from_facility,
        to_facility=to_facility,
        by=by or user("camp_manager", facility=from_facility),
    )
    if hours_ago:
        at = timezone.now() - dt.timedelta(hours=hours_ago)
        Movement.objects.filter(pk=movement.pk).update(dispatched_at=at)
        movement.refresh_from_db()
    return movement


def household_post(members: list[dict], reception_point, **extra) -> dict:
    """The POST body the reception form sends for ``members`` (flat ``members[i].field`` names)."""
    data = {"reception_point": str(reception_point.pk), **extra}
    for i, member in enumerate(members):
        for key, value in member.items():
            if key == "documents":
                for j, doc in enumerate(value):
                    for dk, dv in doc.items():
                        data[f"members[{i}].documents[{j}].{dk}"] = dv
            elif value is True:
                data[f"members[{i}].{key}"] = "on"
            elif value is not False:
                data[f"members[{i}].{key}"] = value
    return data


def load_demo_once(module_db, **options):
    """The demo loaded in ``module_db``'s shared transaction, re-registrations screened once they
    commit, as at a reception point."""
    from django.test import TestCase

    from muster.demo import load_demo
    from muster.screening import matching

    matching.reset()
    with module_db.unblock(), TestCase.captureOnCommitCallbacks(execute=True):
        return load_demo(progress=False, **options)


def shared_demo(**options):
    """A module's ``demo`` fixture: the demo (``load_demo(**options)``) loaded once for the module
    (:func:`load_demo_once`), each test's changes rolled back. Use as ``_demo, demo =
    shared_demo(persons=250, seed=2)`` at module level."""
    import pytest

    @pytest.fixture(scope="module")
    def _demo(module_db):
        return load_demo_once(module_db, **options)

    @pytest.fixture
    def demo(db, _demo):
        return _demo

    return _demo, demo


def join_list_index_builds(timeout: float = 30) -> None:
    """Wait for the reference lists' index rebuilds running on background threads (an import
    starts one).  The test database is SQLite's shared-cache memory database, where a write
    beside another connection's read fails at once with "database table is locked" (a file
    database in WAL mode, as served, waits instead); a test that writes after an import waits
    for the rebuild first."""
    for thread in threading.enumerate():
        if thread.name == "muster-list-index":
            thread.join(timeout)
            assert not thread.is_alive(), f"the list index rebuild did not finish in {timeout} s"


def pdf_page_footer(pdf: bytes, tmp_path) -> tuple[int, list[str]]:
    """(pages, the words at the foot of the first page from left to right), as poppler's
    ``pdftotext -bbox`` reads them from where they are drawn; skips without poppler."""
    import re
    import shutil
    import subprocess

    import pytest

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext missing (apt-get install poppler-utils; ./dev test installs it)")
    path = tmp_path / "footer.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = out.split("<page ")[1:]
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>')
    words = [(float(y), float(x), text) for x, y, text in word.findall(pages[0])]
    foot = max(y for y, _x, _t in words)
    return len(pages), [text for y, x, text in sorted(words, key=lambda w: w[1]) if y == foot]
