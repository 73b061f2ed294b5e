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


def test_a_refusal_below_the_fold_is_brought_into_view(
    live_server, make_user, browser_page, totp_code
):
    # A tracing request's forms stand one under another; a refused one reopened the page at its
    # top, the error said below the fold: the caseworker saw nothing happen.
    from muster.tracing import services as tracing

    page, problems = browser_page
    caseworker = make_user("tracing_caseworker", username="hevi")
    req = tracing.open_request(
        {"given_name": "Jamila", "mother_name": "Gulîstan", "sex": "F", "age_at_separation": "9",
         "separation_date": "2014-08-15", "separation_place": "Koço"},
        by=caseworker,
    )  # fmt: skip
    sign_in(page, live_server.url, "hevi", code=totp_code(caseworker))
    page.goto(f"{live_server.url}/tracing/requests/{req.number}/")
    close = page.locator(f'form[action$="/tracing/requests/{req.number}/close/"]')
    close.locator('[name="reason"]').fill("   ")  # spaces: the browser sends it, the server refuses
    close.locator('button[type="submit"]').click()
    page.wait_for_selector('[name="reason"][aria-invalid="true"]')
    assert page.evaluate("document.documentElement.scrollHeight > innerHeight + 200")
    box = page.locator('[name="reason"][aria-invalid="true"]').bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= page.viewport_size["height"], box
    assert page.evaluate("document.activeElement.name") == "reason"
    page.screenshot(path=str(OUT / "refused-below-the-fold.png"))
    assert not [p for p in problems if "status of 400" not in p], problems
