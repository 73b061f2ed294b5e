"""In a real browser, what a Kurdish-speaking officer types on the forms reaches the server whole:
a nationality written out in Sorani, a file chosen on a page in Kurdish. Screenshots go to
test-output/e2e/.
"""

from tests.e2e.conftest import OUT, sign_in


def test_a_nationality_typed_in_sorani_is_registered_as_its_country(
    live_server, facilities, make_user, browser_page, totp_code
):
    """The box took three letters: "عێراق" was cut to "عێر" and refused as no country code."""
    from muster.people.models import Person

    code = totp_code(make_user("registration_officer", username="rebwar"))
    page, problems = browser_page
    sign_in(page, live_server.url, "rebwar", code=code)
    page.click('[data-testid="lang-ckb"]')
    page.wait_for_selector('html[lang="ckb"][dir="rtl"]')

    page.goto(f"{live_server.url}/reception/")
    page.select_option('[name="reception_point"]', str(facilities["reception"].pk))
    page.fill('[name="members[0].given_name"]', "ڕێبوار")
    page.fill('[name="members[0].family_name"]', "ئەحمەدی")
    page.select_option('[name="members[0].sex"]', "M")
    page.fill('[name="members[0].birth_year"]', "1984")
    nationality = page.locator('[name="members[0].nationality"]')
    nationality.fill("")
    nationality.press_sequentially("عێراق")
    assert nationality.input_value() == "عێراق"
    assert nationality.evaluate("e => getComputedStyle(e).direction") == "rtl"
    page.screenshot(path=str(OUT / "reception-nationality-ckb.png"), full_page=True)
    # The possible matches for the name typed (htmx) are asked before the form is sent.
    page.wait_for_timeout(300)
    while page.evaluate("document.querySelector('.htmx-request') !== null"):
        page.wait_for_timeout(100)
    page.click('form button.primary[type="submit"]')
    page.wait_for_url(f"{live_server.url}/people/P*/")

    assert Person.objects.get(given_name="ڕێبوار").nationality == "IRQ"
    assert not problems, problems
