"""In a real browser: a registration officer, in Arabic, registers a family of three on the reception
form (surviving a reload half-way, as after a power cut) and finds them at the reception point.

Debian's Chromium driven by Playwright; nothing is downloaded. Screenshots go to test-output/e2e/.
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
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test itself
    # (fixtures, final checks) are synchronous and safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()


def fill_member(page, i: int, **fields) -> None:
    for name, value in fields.items():
        locator = page.locator(f'[name="members[{i}].{name}"]')
        if name in ("sex", "relationship_to_head"):
            locator.select_option(value)
        elif value is True:
            locator.check()
        else:
            locator.fill(value)


def test_officer_registers_a_family_of_three_in_arabic_and_finds_them_at_the_reception_point(
    live_server, facilities, make_user, browser_page, totp_code
):
    from muster.people.models import Person

    code = totp_code(make_user("registration_officer", username="amal"))
    point = facilities["reception"]
    page = browser_page

    page.goto(f"{live_server.url}/account/login/")
    page.fill('[name="username"]', "amal")
    page.fill('[name="password"]', PASSWORD)
    page.press('[name="password"]', "Enter")
    # Every role gives an authenticator code after the password.
    page.wait_for_url("**/account/2fa/**")
    page.fill('[name="code"]', code)
    page.press('[name="code"]', "Enter")
    page.wait_for_url(f"{live_server.url}/")

    page.click('[data-testid="lang-ar"]')
    page.wait_for_selector('html[lang="ar"][dir="rtl"]')
    page.screenshot(path=str(OUT / "home-ar.png"), full_page=True)

    page.goto(f"{live_server.url}/reception/")
    page.select_option('[name="reception_point"]', str(point.pk))
    fill_member(
        page,
        0,
        given_name="Khalid",
        father_name="Hamad",
        grandfather_name="Saleh",
        family_name="al-Jubouri",
        mother_name="Zainab",
        sex="M",
        birth_year="1979",
        place_of_origin="Hajin",
    )
    page.click("[data-add-member]")
    fill_member(
        page,
        1,
        given_name="فاطمة",
        father_name="حسن",
        family_name="الشمري",
        sex="F",
        estimated_age="38",
        relationship_to_head="spouse",
        pregnant=True,
    )
    page.click("[data-add-member]")
    fill_member(
        page,
        2,
        given_name="Yusuf",
        father_name="Khalid",
        family_name="al-Jubouri",
        sex="M",
        date_of_birth="2016-05-09",
        relationship_to_head="son",
    )
    page.locator('[name="members[2].documents[0].doc_type"]').select_option("birth_certificate")
    page.fill('[name="members[2].documents[0].number"]', "BC-2016-4471")
    page.screenshot(path=str(OUT / "reception-ar-filled.png"), full_page=True)

    # The generator stops: the page reloads, and the family typed so far is still there.
    page.wait_for_timeout(600)  # the draft is written 250 ms after the last keystroke
    page.reload()
    page.wait_for_selector("[data-draft-note]:not([hidden])")
    assert page.input_value('[name="members[1].given_name"]') == "فاطمة"
    assert page.input_value('[name="members[2].documents[0].number"]') == "BC-2016-4471"
    assert page.is_checked('[name="members[1].pregnant"]')

    page.click('button[type="submit"].primary')
    page.wait_for_url("**/people/**")
    assert "سُجّلت الأسرة" in page.inner_text(".messages")
    assert page.evaluate("Object.keys(localStorage).length") == 0  # draft cleared once saved
    page.screenshot(path=str(OUT / "person-ar.png"), full_page=True)

    page.goto(f"{live_server.url}/facilities/{point.pk}/")
    persons = page.inner_text("#persons")
    for name in ("Khalid Hamad Saleh al-Jubouri", "فاطمة حسن الشمري", "Yusuf Khalid al-Jubouri"):
        assert name in persons
    assert page.inner_text('[data-testid="arrivals-today"]') == "3"
    page.screenshot(path=str(OUT / "facility-ar.png"), full_page=True)

    # Live search across scripts (htmx), then the same pages in English.
    page.goto(f"{live_server.url}/people/")
    page.fill('[name="q"]', "خالد")
    page.wait_for_selector("#results table")
    assert "Khalid Hamad Saleh al-Jubouri" in page.inner_text("#results")
    page.screenshot(path=str(OUT / "search-ar.png"), full_page=True)

    page.click('[data-testid="lang-en"]')
    page.wait_for_selector('html[lang="en"][dir="ltr"]')
    page.goto(f"{live_server.url}/reception/")
    page.screenshot(path=str(OUT / "reception-en.png"), full_page=True)
    page.goto(f"{live_server.url}/facilities/{point.pk}/")
    page.screenshot(path=str(OUT / "facility-en.png"), full_page=True)

    assert Person.objects.filter(household__isnull=False).count() == 3
    assert Person.objects.get(given_name="فاطمة").pregnant is True

    # A draft belongs to its officer, expires, and does not survive signing out (shared laptops).
    officer_id = Person.objects.get(given_name="Yusuf").registered_by_id
    page.goto(f"{live_server.url}/reception/")
    fill_member(page, 0, given_name="Draftname")
    page.wait_for_timeout(600)
    draft = page.evaluate(f"JSON.parse(localStorage.getItem('muster:reception:{officer_id}'))")
    hours_left = (draft["expires"] - draft["at"]) / 3_600_000
    assert draft["values"]["members[0].given_name"] == "Draftname" and 11.9 < hours_left <= 12
    page.evaluate(
        "localStorage.setItem('muster:reception:999999', JSON.stringify("
        "{v: 2, expires: Date.now() - 1, rows: [{i: 0, docs: []}], values: {}}))"
    )
    page.goto(f"{live_server.url}/people/")
    keys = page.evaluate("Object.keys(localStorage)")
    assert keys == [f"muster:reception:{officer_id}"]  # the expired one went, the live one stays
    page.click(".tools button.link")  # Sign out
    page.wait_for_url("**/account/login/**")
    assert page.evaluate("Object.keys(localStorage).length") == 0
