"""The receive page on a phone (390x844), in English and in Arabic: its table scrolled sideways
inside its card, the outcome and the names out of sight. Now each person is a block, and nothing
on the page scrolls sideways."""

import pytest

from muster.custody import services as custody
from tests.e2e.conftest import OUT, fits_the_screen, phone_page

# Elements of the page that scroll sideways (content wider than their box, and scrollable), and
# those whose box runs off the screen or out of their card.
SIDEWAYS = """() => [...document.querySelectorAll('main *')]
  .filter(e => e.offsetParent !== null)
  .filter(e => {
    const r = e.getBoundingClientRect(), card = e.closest('.card');
    const c = card ? card.getBoundingClientRect() : {left: 0, right: innerWidth};
    return (e.scrollWidth > e.clientWidth + 1
            && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
           || r.right > c.right + 1 || r.left < c.left - 1; })
  .map(e => e.tagName + '.' + e.className + ' ' + e.scrollWidth + '/' + e.clientWidth)"""


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_receive_page_does_not_scroll_sideways_on_a_phone(
    live_server, browser, registered, facilities, make_user, totp_code, language
):
    head, spouse, son = registered.members.order_by("id")
    camp = facilities["camp"]
    movement = custody.dispatch(
        [head, spouse, son],
        from_facility=facilities["reception"],
        to_facility=camp,
        by=make_user("camp_manager", facility=facilities["reception"]),
        vehicle="bus 14, plate 123456",
    )
    manager = make_user("camp_manager", facility=camp)
    custody.report_missing(
        movement, spouse, note="not on the bus at arrival, said to follow tomorrow", by=manager
    )
    problems: list[str] = []
    context, page = phone_page(
        browser, live_server.url, manager, totp_code(manager), problems, language
    )
    page.goto(f"{live_server.url}/facilities/{camp.pk}/receive/")
    page.screenshot(path=str(OUT / f"receive-{language}-phone.png"), full_page=True)
    assert fits_the_screen(page)
    assert page.evaluate(SIDEWAYS) == []
    # Everyone's box, number and outcome are on the screen, and ticking still receives.
    for person in (head, spouse, son):
        box = page.locator(f'input[name="person"][value="{person.pk}"]').bounding_box()
        assert box and 0 <= box["x"] and box["x"] + box["width"] <= 390
    page.check(f'input[name="person"][value="{head.pk}"]')
    page.check(f'input[name="person"][value="{son.pk}"]')
    page.click('button[value="receive"]')
    page.wait_for_load_state()
    assert custody.current_placement(head).facility == camp
    context.close()
    assert problems == []
