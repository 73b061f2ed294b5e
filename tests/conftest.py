"""Shared fixtures: facilities, users per role, logged-in clients (thin wrappers over
``tests/factories.py``); the audit guard's test hatch.

The suite runs on SQLite by default and on PostgreSQL when ``DATABASE_URL`` points at one (``./dev test``
does both when a server answers on 127.0.0.1:5432).
"""

import pytest

from tests import factories

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Argon2 (the product's hasher, tests/access/test_passwords.py) costs about 0.2 s of CPU per
    password; the suite makes thousands of users. Tests hash with MD5; the muster processes that
    tests start (CLI, serve, drills) keep the product's settings."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        yield


@pytest.fixture(autouse=True, scope="session")
def _static_files_listed_once():
    """WhiteNoise (``WHITENOISE_USE_FINDERS``) lists and stats every static file when its
    middleware is made: once when a server starts, but Django's test client makes the middleware
    again for every ``Client`` (thousands in the suite, 1,216 in the policy matrix alone, 11 ms
    each). The files found are the same while the settings are: listed once, and again after any
    setting changes (``override_settings``). Requests are served as before."""
    from django.test.signals import setting_changed
    from whitenoise.middleware import WhiteNoiseMiddleware

    listed: dict[str, dict] = {}
    original = WhiteNoiseMiddleware.add_files_from_finders

    def forget(**_kwargs) -> None:
        listed.clear()

    def add_files_from_finders(self) -> None:
        if "files" not in listed:
            found, self.files = self.files, {}
            try:
                original(self)
            finally:
                found, self.files = self.files, found
            listed["files"] = found
        self.files.update(listed["files"])

    setting_changed.connect(forget)
    WhiteNoiseMiddleware.add_files_from_finders = add_files_from_finders
    try:
        yield
    finally:
        WhiteNoiseMiddleware.add_files_from_finders = original
        setting_changed.disconnect(forget)


@pytest.fixture(autouse=True)
def _audit_guard_locked(django_db_blocker):
    """Every test starts with the audit table locked (append-only)."""
    from django.db import connection

    from muster.audit import guard

    with django_db_blocker.unblock():
        guard.set_unlocked(False, connection if connection.connection is not None else None)
    yield


@pytest.fixture(autouse=True)
def _fresh_screening_index():
    """The screening index lives in the process; each test's database is rolled back under it (and
    SQLite reuses the ids), so a later test would match against the earlier test's persons and lists."""
    yield
    reset_indexes()


def reset_indexes() -> None:
    from muster.screening import matching
    from muster.tracing import services as tracing

    matching.reset()
    tracing.reset()


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


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """Rows that a module's tests share, made once (a demo takes seconds to load).

    A module fixture writes them inside ``with module_db.unblock():``, in a transaction opened
    here; each test's own transaction nests in it as a savepoint and is rolled back as usual, and
    this one is rolled back after the module's last test. Only for modules without transactional
    tests (a flush would empty the shared rows)."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        yield django_db_blocker
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
        reset_indexes()


def _muster_migrate(data_dir, database_url: str = "") -> None:
    """``muster migrate`` in a process of its own, into ``data_dir`` (SQLite) or ``database_url``."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "MUSTER_DATA": str(data_dir)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    done = subprocess.run(
        [sys.executable, "-m", "muster.cli", "migrate"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.fixture(scope="session")
def migrated_data(tmp_path_factory):
    """``migrated_data(path)``: ``path`` made a data directory on the embedded SQLite database as
    ``muster migrate`` leaves it (a copy of one migrated once a session: the 49 migrations cost
    about 8 s of CPU a run, and the drills, servers and backups that start from an empty database
    are about what they do on it, not about migrating it; tests/cli runs ``muster demo`` on a new
    directory from nothing)."""
    import shutil

    made: list = []

    def copy(path):
        if not made:  # on first use: a PostgreSQL pass asks for it without using it
            made.append(tmp_path_factory.mktemp("migrated-template"))
            _muster_migrate(made[0])
        shutil.copytree(made[0], path, dirs_exist_ok=True)
        return path

    return copy


@pytest.fixture(scope="session")
def migrated_postgres(tmp_path_factory):
    """``migrated_postgres(url, name)``: the database ``name`` on ``url``'s server, dropped if it
    was there, made again as ``muster migrate`` leaves it (a copy, CREATE DATABASE ... TEMPLATE,
    of one migrated once a session per server: a migration on PostgreSQL costs seconds of DDL);
    returns its URL."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    templates: dict[str, str] = {}
    made: list[tuple[str, str]] = []  # dropped when the session ends: nothing left on the server

    def database(url: str, name: str) -> str:
        parts = urlsplit(url)
        with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as admin:
            template = templates.get(url)
            if template is None:
                template = f"{parts.path.lstrip('/') or 'postgres'}_migrated"
                admin.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{template}"')
                _muster_migrate(
                    tmp_path_factory.mktemp("migrated-postgres"),
                    urlunsplit(parts._replace(path=f"/{template}")),
                )
                templates[url] = template
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        made.append((url, name))
        return urlunsplit(parts._replace(path=f"/{name}"))

    yield database
    for url, name in [*made, *((u, t) for u, t in templates.items())]:
        with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def facilities(db):
    return factories.facilities()


@pytest.fixture
def make_user(db):
    return factories.user


@pytest.fixture
def totp_code(db):
    """``totp_code(user)``: a current authenticator code (:func:`tests.factories.totp_code`)."""
    return factories.totp_code


@pytest.fixture
def sign_in_fully(db):
    """``sign_in_fully(client, user)``: the sign-in page, then the authenticator code."""
    return factories.sign_in_fully


@pytest.fixture
def login(client):
    def as_user(user):
        # Fully signed in: as if the user had also given their TOTP code (tests/access covers that step).
        return factories.signed_in(user, client)

    return as_user


@pytest.fixture
def officer(make_user):
    """A registration officer (tests/screening's ``officer`` is a screening officer)."""
    return make_user("registration_officer")


@pytest.fixture
def officer_client(login, officer):
    return login(officer)


HOUSEHOLD = factories.HOUSEHOLD


@pytest.fixture
def household_data():
    return factories.household_data()


@pytest.fixture
def registered(facilities, make_user, household_data):
    """A household of three registered at Reception Point 1."""
    return factories.household(
        household_data,
        reception_point=facilities["reception"],
        by=make_user("registration_officer"),
    )


@pytest.fixture
def moved(registered, facilities, make_user):
    """The household sent from the reception point to Al-Hol, two of three received there."""
    from muster.custody import services as custody

    members = list(registered.members.order_by("id"))
    manager = make_user("camp_manager")
    bus = custody.dispatch(
        members, from_facility=facilities["reception"], to_facility=facilities["camp"], by=manager
    )
    custody.receive(bus, members[:2], by=manager, separation_reason="child on the next bus")
    return bus
