"""Browser setup shared by the e2e tests: Debian's Chromium driven by Playwright (nothing is
downloaded), pages at 1366x768, the problems a page meets (console errors, page errors, HTTP 5xx)
collected, screenshots kept under test-output/e2e/ as the test's artifacts."""

import os
import sqlite3
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1366, "height": 768}
OUT = Path(__file__).resolve().parents[2] / "test-output" / "e2e"
PASSWORD = "correct horse battery staple"
HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Every test here is an e2e test (``-m "not e2e"`` leaves them out), skipped without Chromium."""
    missing = pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason=f"{CHROMIUM} is missing (apt-get install chromium chromium-driver; ./dev does it in CI)",
    )
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(missing)


@pytest.fixture(scope="package")
def _package_browser():
    """One Chromium for the e2e tests (a launch and Playwright's driver cost a second or more of
    CPU each: once a module, it was 18 a pass); each test still opens its own context
    (:func:`new_page`): no cookies, storage or cache are shared. Closed after this package's last
    test, so the tests after it run without Playwright's event loop and without the setting below."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests
    # themselves (fixtures, final checks) are synchronous and safe here.
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield browser
            browser.close()


@pytest.fixture
def browser(_package_browser):
    """The e2e tests' Chromium; the contexts a test left open are closed after it."""
    yield _package_browser
    for context in _package_browser.contexts:
        context.close()


@pytest.fixture(scope="session")
def _demo_copies():
    copies: dict = {}
    yield copies
    for copy, _summary in copies.values():
        copy.close()


@pytest.fixture
def load_demo_once(transactional_db, _demo_copies):
    """``load_demo_once(**options)``: ``load_demo(progress=False, **options)`` into this test's
    database (emptied after every e2e test, for the live server), before the test writes anything.

    On SQLite (the suite's e2e pass) the first load of the session with these options is kept, a
    copy of the whole database (sqlite3's backup), and later tests get that copy back instead of
    loading again (a 300-person demo costs seconds a test): the same rows, numbers and audit chain
    that a fresh load makes, and the same summary (logins). The in-process indexes are forgotten, as
    after a restore from backup. On PostgreSQL the demo is loaded each time."""

    def load(**options):
        from django.contrib.auth import get_user_model
        from django.contrib.contenttypes.models import ContentType
        from django.db import connection

        from muster.demo import load_demo
        from muster.people.models import Person
        from tests.conftest import reset_indexes

        if connection.vendor != "sqlite":
            return load_demo(progress=False, **options)
        # The copy replaces the whole database: nothing the test made before may be lost.
        assert not get_user_model().objects.exists() and not Person.objects.exists(), (
            "load_demo_once must come before any fixture that writes"
        )
        key = tuple(sorted(options.items()))
        connection.ensure_connection()
        if key in _demo_copies:
            copy, summary = _demo_copies[key]
            copy.backup(connection.connection)
            ContentType.objects.clear_cache()
            reset_indexes()
            return summary
        summary = load_demo(progress=False, **options)
        copy = sqlite3.connect(":memory:")
        connection.connection.backup(copy)
        _demo_copies[key] = (copy, summary)
        return summary

    return load


def watch(page, problems: list[str], where=lambda: "") -> None:
    """Collect into ``problems`` every console error, page error and HTTP 5xx ``page`` meets."""

    def console(message):
        if message.type == "error":
            problems.append(f"{where()}console: {message.text} ({message.location.get('url')})")

    def response(r):
        if r.status >= 500:
            problems.append(f"{where()}HTTP {r.status} {r.url}")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"{where()}page error: {error}"))
    page.on("response", response)


def new_page(browser, problems: list[str], where=lambda: "", **context_options):
    """A fresh context at 1366x768 and its page, watched (see :func:`watch`)."""
    context = browser.new_context(viewport=VIEWPORT, **context_options)
    page = context.new_page()
    page.set_default_timeout(15000)
    watch(page, problems, where)
    return context, page


@pytest.fixture
def browser_page(browser):
    """A page at 1366x768 and the list of problems it met."""
    problems: list[str] = []
    context, page = new_page(browser, problems)
    yield page, problems
    context.close()


def sign_in(page, base: str, username: str, password: str = PASSWORD, code: str = "") -> None:
    """Sign in; every role that reads personal data gives an authenticator ``code`` after the
    password. The sign-in's two forms are posted by Django's test client, through the same views
    and checks (password, code, replay guard, audit), and the session they make is handed to the
    page's context, which then opens the home page signed in: the browser filling the two forms
    cost about 0.7 s a sign-in, some sixty a pass. The browser's own sign-in, its pages watched for
    errors, is :func:`sign_in_in_the_browser` (the roles walkthrough signs in eight times so)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    response = client.post("/account/login/", {"username": username, "password": password})
    assert response.status_code == 302, (username, response.status_code)
    if code:
        response = client.post("/account/2fa/", {"code": code, "next": "/"})
        assert response.status_code == 302, (username, response.status_code)
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.value,
                "url": base,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]  # fmt: skip
    )
    page.goto(f"{base}/")
    assert page.url == f"{base}/", (username, page.url)


def sign_in_in_the_browser(
    page, base: str, username: str, password: str = PASSWORD, code: str = ""
) -> None:
    """Sign in as an officer does, the browser filling the sign-in page and the code's."""
    page.goto(f"{base}/account/login/")
    page.fill('[name="username"]', username)
    page.fill('[name="password"]', password)
    page.press('[name="password"]', "Enter")
    if code:
        page.wait_for_url("**/account/2fa/**")
        page.fill('[name="code"]', code)
        page.press('[name="code"]', "Enter")
    page.wait_for_url(f"{base}/")


PHONE = {"width": 390, "height": 844}


def phone_page(browser, base: str, user, code: str, problems: list[str], language: str):
    """A fresh context and its page on a phone-sized screen, ``user`` signed in (``code``: the
    authenticator's) and reading ``language``."""
    context, page = new_page(browser, problems)
    page.set_viewport_size(PHONE)
    sign_in(page, base, user.username, code=code)
    page.click(f'[data-testid="lang-{language}"]')
    page.wait_for_selector(f'html[lang="{language}"]')
    return context, page


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
