"""On a phone (390x844), in Kurmanji: the registration officer's household form and the camp
manager's facility page keep the screen's width, and every field and button is on the screen,
wide enough to type in. Screenshots go to test-output/e2e/."""

import pytest

from tests.e2e.conftest import OUT, fits_the_screen, phone_page

# Fields and buttons whose box runs off the screen, or narrower than a few letters.
OFF_OR_SQUEEZED = """(selector) => [...document.querySelectorAll(selector)]
  .filter(e => e.offsetParent !== null && e.type !== 'checkbox' && e.type !== 'hidden')
  .map(e => [e.name || e.textContent.trim(), e.getBoundingClientRect()])
  .filter(([, r]) => r.left < 0 || r.right > innerWidth || r.width < 48)
  .map(([name, r]) => `${name} ${Math.round(r.left)}..${Math.round(r.right)}`)"""


def test_the_household_form_fits_a_phone(live_server, browser, facilities, make_user, totp_code):
    problems: list[str] = []
    officer = make_user("registration_officer")
    context, page = phone_page(
        browser, live_server.url, officer, totp_code(officer), problems, "kmr"
    )
    page.goto(f"{live_server.url}/reception/")
    page.click("#member-0 [data-add-document]")  # a second document row, as an officer would
    page.screenshot(path=str(OUT / "reception-kmr-phone.png"), full_page=True)
    assert fits_the_screen(page)
    assert (
        page.evaluate(OFF_OR_SQUEEZED, "main input, main select, main textarea, main button") == []
    )
    context.close()
    assert problems == []


def test_a_facility_page_fits_a_phone(live_server, browser, facilities, make_user, totp_code):
    problems: list[str] = []
    camp = facilities["camp"]
    manager = make_user("camp_manager", facility=camp)
    context, page = phone_page(
        browser, live_server.url, manager, totp_code(manager), problems, "kmr"
    )
    page.goto(f"{live_server.url}/facilities/{camp.pk}/")
    page.screenshot(path=str(OUT / "facility-kmr-phone.png"), full_page=True)
    assert fits_the_screen(page)
    off = page.evaluate(
        OFF_OR_SQUEEZED, ".pagehead .actions a, .searchbar input, .searchbar select"
    )
    assert off == [] and page.evaluate(OFF_OR_SQUEEZED, ".searchbar button") == []
    context.close()
    assert problems == []


# The sign-out button: its line boxes and height against its line height, whether it lies within
# the screen, and whether its username is cut (with an ellipsis) to fit.
SIGN_OUT = """() => { const b = document.querySelector('[data-testid=sign-out]');
  const name = b.querySelector('bdi'), r = b.getBoundingClientRect();
  return {lines: Math.round(r.height / parseFloat(getComputedStyle(b).lineHeight)),
          inside: r.left >= 0 && r.right <= innerWidth, cut: name.scrollWidth > name.clientWidth,
          ellipsis: getComputedStyle(name).textOverflow}; }"""


@pytest.mark.parametrize("language", ["ckb", "ar"])
@pytest.mark.parametrize(
    "username, cut",
    [("registration-officer", False), ("registration-officer-dohuk-reception-point-2", True)],
)
def test_sign_out_with_the_username_stays_on_one_line_on_a_phone(
    live_server, browser, facilities, make_user, totp_code, language, username, cut
):
    # "Sign out (registration-officer)" wrapped word by word in Sorani and Arabic, the username
    # broken at its hyphen and its parentheses sent to either end of the line.
    problems: list[str] = []
    officer = make_user("registration_officer", username=username)
    context, page = phone_page(
        browser, live_server.url, officer, totp_code(officer), problems, language
    )
    page.locator("header").screenshot(
        path=str(OUT / f"header-sign-out-{language}-{len(username)}-phone.png")
    )
    shown = page.evaluate(SIGN_OUT)
    assert shown == {"lines": 1, "inside": True, "cut": cut, "ellipsis": "ellipsis"}
    assert page.get_attribute("[data-testid=sign-out]", "title") == username
    assert fits_the_screen(page)
    context.close()
    assert problems == []


def test_the_dispatch_page_fits_a_phone(live_server, browser, facilities, make_user, totp_code):
    """A camp manager at a reception point, sending a family on from a phone in Arabic: the list of
    persons scrolls sideways inside its card, the page (and the transfer panel) keeps the width."""
    from tests.factories import household

    problems: list[str] = []
    reception = facilities["reception"]
    household(reception_point=reception)
    manager = make_user("camp_manager", facility=reception)
    context, page = phone_page(
        browser, live_server.url, manager, totp_code(manager), problems, "ar"
    )
    page.goto(f"{live_server.url}/facilities/{reception.pk}/dispatch/")
    page.screenshot(path=str(OUT / "dispatch-ar-phone.png"), full_page=True)
    assert fits_the_screen(page)
    assert page.evaluate(OFF_OR_SQUEEZED, ".dispatch-panel select, .dispatch-panel button") == []
    context.close()
    assert problems == []


def test_the_situation_dashboard_fits_a_phone(
    live_server, browser, facilities, make_user, totp_code
):
    """The coordinator reads the morning figures on a phone, in English and in Arabic: the downloads
    line ("The whole registry's figures, with HXL hashtags: CSV XLSX") wraps instead of widening
    the page (to 610 px in English)."""
    problems: list[str] = []
    coordinator = make_user("coordinator")
    for language in ("en", "ar"):
        context, page = phone_page(
            browser, live_server.url, coordinator, totp_code(coordinator), problems, language
        )
        page.goto(f"{live_server.url}/reports/dashboard/")
        page.screenshot(path=str(OUT / f"dashboard-{language}-phone.png"), full_page=True)
        assert fits_the_screen(page), language
        assert page.evaluate(OFF_OR_SQUEEZED, ".pagehead .actions a") == [], language
        context.close()
    assert problems == []


# Fields and buttons of a form's foot drawn past the card that holds them.
OUT_OF_CARD = """(selector) => [...document.querySelectorAll(selector)].flatMap(card => {
  const box = card.getBoundingClientRect();
  return [...card.querySelectorAll('.formfoot input, .formfoot button, .formfoot select')]
    .filter(e => e.offsetParent !== null && e.type !== 'hidden')
    .map(e => [e.name || e.textContent.trim(), e.getBoundingClientRect()])
    .filter(([, r]) => r.left < box.left || r.right > box.right)
    .map(([name, r]) => `${name} ${Math.round(r.left)}..${Math.round(r.right)} of ` +
                        `${Math.round(box.left)}..${Math.round(box.right)}`);
})"""


def test_the_receive_page_fits_a_phone(
    live_server, browser, registered, facilities, make_user, totp_code
):
    """A camp manager receiving a bus on a phone, in Kurmanji: the note for those not arrived
    ("Çi tê zanîn, ...") stays inside the bus's card, as wide as the card allows (22rem ran 11 px
    past the card's edge, its end under the screen's)."""
    from muster.custody import services as custody

    camp = facilities["camp"]
    custody.dispatch(
        list(registered.members.all()),
        from_facility=facilities["reception"],
        to_facility=camp,
        by=make_user("camp_manager", facility=facilities["reception"]),
    )
    problems: list[str] = []
    manager = make_user("camp_manager", facility=camp)
    context, page = phone_page(
        browser, live_server.url, manager, totp_code(manager), problems, "kmr"
    )
    page.goto(f"{live_server.url}/facilities/{camp.pk}/receive/")
    page.screenshot(path=str(OUT / "receive-kmr-phone.png"), full_page=True)
    assert fits_the_screen(page)
    assert page.evaluate(OUT_OF_CARD, "main section.card") == []
    assert page.evaluate(OFF_OR_SQUEEZED, ".formfoot input, .formfoot button") == []
    context.close()
    assert problems == []


def test_the_wristband_preview_fits_a_phone(live_server, browser, registered, make_user, totp_code):
    """The wristband is printed at its size (250 mm): on a phone its preview scrolled the whole
    page sideways (961 px of 390), the Print button's bar with it. It scrolls in its own box."""
    problems: list[str] = []
    officer = make_user("registration_officer")
    context, page = phone_page(
        browser, live_server.url, officer, totp_code(officer), problems, "kmr"
    )
    head = registered.members.order_by("pk").first()
    page.goto(f"{live_server.url}/people/{head.number}/slip/?kind=wristband")
    page.screenshot(path=str(OUT / "wristband-kmr-phone.png"), full_page=True)
    assert fits_the_screen(page)
    # Printed, the band keeps its size.
    page.emulate_media(media="print")
    band = page.evaluate(
        "document.querySelector('[data-testid=slip]').getBoundingClientRect().width"
    )
    assert band > 900
    context.close()
    assert problems == []


def test_the_audit_chains_verification_fits_a_phone(live_server, browser, make_user, totp_code):
    """The auditor checks the chain on a phone: the head's 64-character hash ran 221 px past the
    screen (611 of 390), the page scrolled sideways. It wraps within its card."""
    problems: list[str] = []
    auditor = make_user("auditor")
    context, page = phone_page(
        browser, live_server.url, auditor, totp_code(auditor), problems, "ckb"
    )
    page.goto(f"{live_server.url}/audit/verify/")
    page.screenshot(path=str(OUT / "audit-verify-ckb-phone.png"), full_page=True)
    assert page.inner_text('[data-testid="verify-result"]')
    assert fits_the_screen(page)
    context.close()
    assert problems == []


def test_a_familys_categories_are_chosen_on_a_phone(
    live_server, browser, registered, make_user, totp_code
):
    """A screening officer deciding a family's categories on a phone, in Arabic: the eight columns
    scrolled sideways inside their card, each member's category box out of sight past the screen's
    edge. Each member is a block, every box on the screen and as wide as it."""
    problems: list[str] = []
    officer = make_user("screening_officer")
    context, page = phone_page(
        browser, live_server.url, officer, totp_code(officer), problems, "ar"
    )
    head = registered.members.order_by("pk").first()
    page.goto(f"{live_server.url}/people/{head.number}/household/categories/")
    page.screenshot(path=str(OUT / "household-categories-ar-phone.png"), full_page=True)
    assert fits_the_screen(page)
    boxes = "table.household-categories select, table.household-categories textarea"
    assert page.locator(boxes).count() == 3 * registered.members.count()
    assert page.evaluate(OFF_OR_SQUEEZED, boxes) == []
    context.close()
    assert problems == []
