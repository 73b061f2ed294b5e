"""The tracing requests' PFIF export in the browser: the notes box is unticked, the file leaves the
notes out; ticked, the file holds them. On the laptop and the phone, in English and Arabic, the
box and the button fit the screen. Screenshots go to test-output/e2e/."""

import pytest

from muster.tracing import services as tracing
from tests.e2e.conftest import OUT, fits_the_screen, new_page, sign_in

NOTE = "Call her uncle on +964 770 123 4567."


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_pfif_export_takes_the_notes_only_when_the_box_is_ticked(
    live_server, browser, make_user, totp_code, language
):
    caseworker = make_user("tracing_caseworker")
    req = tracing.open_request(
        {"given_name": "Jamila", "mother_name": "Gulistan", "sex": "F", "birth_year": "2005",
         "separation_place": "Kocho", "notes": NOTE},
        by=caseworker,
    )  # fmt: skip
    problems: list[str] = []
    for width, height in ((1366, 768), (390, 844)):
        context, page = new_page(browser, problems, accept_downloads=True)
        page.set_viewport_size({"width": width, "height": height})
        sign_in(page, live_server.url, caseworker.username, code=totp_code(caseworker))
        page.click(f'[data-testid="lang-{language}"]')
        page.wait_for_selector(f'html[lang="{language}"]')
        page.goto(f"{live_server.url}/tracing/")
        box = page.locator('[data-testid="export-notes"]')
        assert not box.is_checked()
        page.screenshot(path=str(OUT / f"pfif-export-{language}-{width}.png"), full_page=True)
        assert fits_the_screen(page), width
        with page.expect_download() as plain:
            page.click('[data-testid="export-pfif"]')
        text = open(plain.value.path(), encoding="utf-8").read()
        assert req.number in text and "770 123 4567" not in text
        box.check()
        with page.expect_download() as with_notes:
            page.click('[data-testid="export-pfif"]')
        assert NOTE in open(with_notes.value.path(), encoding="utf-8").read()
        context.close()
    assert problems == []
