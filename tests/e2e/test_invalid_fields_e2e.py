"""In a real browser, in English and in Arabic: a field the server refused (aria-invalid="true") is
drawn in the error colour of the app's palette (--bad), not only told by the red text under it; the
fields it accepted keep their grey border. Screenshots go to test-output/e2e/."""

import pytest

from tests.e2e.conftest import OUT, sign_in

pytestmark = [pytest.mark.e2e]

BAD = "rgb(179, 38, 30)"  # --bad in muster.css


def _border(page, selector: str) -> str:
    return page.eval_on_selector(selector, "el => getComputedStyle(el).borderTopColor")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_refused_field_is_drawn_in_the_error_colour(
    live_server, registered, make_user, browser_page, totp_code, language
):
    page, problems = browser_page
    head = registered.members.order_by("id").first()
    code = totp_code(make_user("registration_officer", username="rana"))
    sign_in(page, live_server.url, "rana", code=code)
    page.click(f'[data-testid="lang-{language}"]')
    page.wait_for_selector(f'html[lang="{language}"]')

    page.goto(f"{live_server.url}/people/{head.number}/correct/")
    page.fill('[name="reason"]', "")  # no reason: refused
    page.click("form[data-correction] button.primary")
    page.wait_for_selector('[name="reason"][aria-invalid="true"]')
    assert _border(page, '[name="reason"]') == BAD
    assert _border(page, '[name="given_name"]') != BAD

    page.fill('[name="given_name"]', "--")  # no letter: refused
    page.fill('[name="reason"]', "spelling")
    page.click("form[data-correction] button.primary")
    page.wait_for_selector('[name="given_name"][aria-invalid="true"]')
    assert _border(page, '[name="given_name"]') == BAD
    assert _border(page, '[name="family_name"]') != BAD
    page.screenshot(path=str(OUT / f"invalid-fields-{language}.png"), full_page=True)
    # The refused forms answer 400, as they should; nothing else went wrong.
    assert not [p for p in problems if "status of 400" not in p], problems
