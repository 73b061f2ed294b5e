"""In a real browser at 1366x768: a registration officer works in Sorani (right-to-left, Arabic
script in the shipped Noto Naskh Arabic) and in Kurmanji (left-to-right, Latin script), with no
console error and no server error. Screenshots go to test-output/e2e/.
"""

from tests.e2e.conftest import OUT, fits_the_screen, sign_in


def test_registration_officer_works_in_sorani_then_kurmanji(
    live_server, registered, make_user, browser_page, totp_code
):
    page, problems = browser_page
    code = totp_code(make_user("registration_officer", username="dilan"))

    sign_in(page, live_server.url, "dilan", code=code)

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
    # The facilities' table: its figures' headings in Kurmanji ("Bi derketineke hê nehatî
    # piştrastkirin diçin") were kept on one line and widened the page past the screen.
    page.goto(f"{live_server.url}/facilities/")
    assert fits_the_screen(page), page.evaluate("document.documentElement.scrollWidth")

    page.click('[data-testid="lang-en"]')
    page.wait_for_selector('html[lang="en"][dir="ltr"]')
    assert not problems, problems
