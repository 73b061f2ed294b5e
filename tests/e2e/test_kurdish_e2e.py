"""In a real browser at 1366x768: a registration officer works in Sorani (right-to-left, Arabic
script in the shipped Noto Naskh Arabic) and in Kurmanji (left-to-right, Latin script), with no
console error and no server error. Screenshots go to test-output/e2e/.
"""

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
OUT = Path(__file__).resolve().parents[2] / "test-output" / "e2e"
PASSWORD = "correct horse battery staple"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason=f"{CHROMIUM} is missing (apt-get install chromium chromium-driver; ./dev does it in CI)",
    ),
]


@pytest.fixture
def browser_page(monkeypatch):
    """A page at 1366x768 and the list of problems it met: console errors, page errors, 5xx."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []

    def on_console(message):
        # The missing favicon is logged on every page in every language; it is not a Kurdish
        # problem and is handled with the other error pages.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            problems.append(f"console: {message.text} ({message.location.get('url')})")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        page = context.new_page()
        page.set_default_timeout(15000)
        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on(
            "response",
            lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 500 else None,
        )
        yield page, problems
        context.close()
        browser.close()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_registration_officer_works_in_sorani_then_kurmanji(
    live_server, registered, make_user, browser_page, totp_code
):
    page, problems = browser_page
    code = totp_code(make_user("registration_officer", username="dilan"))

    page.goto(f"{live_server.url}/account/login/")
    page.fill('[name="username"]', "dilan")
    page.fill('[name="password"]', PASSWORD)
    page.press('[name="password"]', "Enter")
    # Every role gives an authenticator code after the password.
    page.wait_for_url("**/account/2fa/**")
    page.fill('[name="code"]', code)
    page.press('[name="code"]', "Enter")
    page.wait_for_url(f"{live_server.url}/")

    # Sorani: right-to-left, the menu and headings in Sorani, the Arabic-script font shipped.
    page.click('[data-testid="lang-ckb"]')
    page.wait_for_selector('html[lang="ckb"][dir="rtl"]')
    for path, name, heading in (
        ("/", "home", "تۆمارکردنی خێزان"),
        ("/reception/", "reception", "سەرۆکی خێزان"),
        ("/people/", "search", "دۆزینەوەی کەسێک"),
    ):
        page.goto(f"{live_server.url}{path}")
        page.evaluate("document.fonts.ready.then(() => true)")
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        assert heading in page.inner_text("main"), path
        assert "پێشوازی" in page.inner_text("nav.mainnav") and "گەڕان" in page.inner_text(
            "nav.mainnav"
        )
        assert fits_the_screen(page), path
        page.screenshot(path=str(OUT / f"{name}-ckb.png"), full_page=True)
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert any("Noto Naskh Arabic" in family for family in loaded), loaded

    # Live search (htmx) for a name in Arabic script, answered in Sorani.
    page.fill('[name="q"]', "عائشة")
    page.wait_for_selector("#results table")
    results = page.inner_text("#results")
    assert "عائشة علي الجبوري" in results and "مێ" in results  # Female
    page.screenshot(path=str(OUT / "search-results-ckb.png"), full_page=True)

    # The switch names every language in itself, isolated in its own direction.
    assert page.inner_text('[data-testid="lang-en"]') == "English"
    assert (
        page.evaluate(
            "getComputedStyle(document.querySelector('[data-testid=\"lang-ckb\"]')).direction"
        )
        == "rtl"
    )

    # Kurmanji: left-to-right, Latin script in the Latin font.
    page.click('[data-testid="lang-kmr"]')
    page.wait_for_selector('html[lang="kmr"][dir="ltr"]')
    page.goto(f"{live_server.url}/reception/")
    assert page.evaluate("getComputedStyle(document.body).direction") == "ltr"
    assert not page.evaluate("getComputedStyle(document.body).fontFamily").startswith('"Noto')
    main = page.inner_text("main")
    assert "Tomarkirina malbatê" in main and "Serokê malbatê" in main and "Zarokê bê hevrê" in main
    assert "Pêşwazî" in page.inner_text("nav.mainnav")
    assert fits_the_screen(page)
    page.screenshot(path=str(OUT / "reception-kmr.png"), full_page=True)

    page.click('[data-testid="lang-en"]')
    page.wait_for_selector('html[lang="en"][dir="ltr"]')
    assert not problems, problems
