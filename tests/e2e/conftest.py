"""Browser setup shared by the e2e tests: Debian's Chromium driven by Playwright (nothing is
downloaded), pages at 1366x768, the problems a page meets (console errors, page errors, HTTP 5xx)
collected, screenshots kept under test-output/e2e/ as the test's artifacts."""

import os
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


@pytest.fixture(scope="module")
def _module_browser():
    """One Chromium for a module's tests (a launch costs a second or more of CPU a test); each test
    still opens its own context (:func:`new_page`): no cookies, storage or cache are shared."""
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
def browser(_module_browser):
    """The module's Chromium; the contexts a test left open are closed after it."""
    yield _module_browser
    for context in _module_browser.contexts:
        context.close()


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
    password."""
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
