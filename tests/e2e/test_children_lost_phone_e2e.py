"""The camp manager's home on a phone (390x844), in English and in Arabic: its card of children lost
on the way held a six-column table that scrolled sideways inside the card, the outcome out of
sight. Now each child is a block, as in the roll calls' tables, and nothing scrolls sideways."""

import pytest

from muster.custody import services as custody
from tests import factories
from tests.e2e.conftest import OUT, fits_the_screen, phone_page

# The card's table: wider than its box (scrolled within it), or running out of the card.
TABLE_FITS = """() => {
  const table = document.querySelector('[data-testid="children-unaccounted"] table');
  const card = table.closest('.card').getBoundingClientRect(), r = table.getBoundingClientRect();
  return {scroll: table.scrollWidth, client: table.clientWidth,
          inside: r.left >= card.left - 1 && r.right <= card.right + 1}; }"""


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_children_lost_on_the_way_fit_a_phone(
    live_server, browser, registered, facilities, make_user, totp_code, language
):
    reception, camp = facilities["reception"], facilities["camp"]
    manager = make_user("camp_manager", facility=camp)
    sender = make_user("camp_manager", facility=reception)
    lost = []
    for household in (registered, factories.household(reception_point=reception)):
        head, spouse, son = household.members.order_by("id")
        movement = custody.dispatch(
            [head, spouse, son], from_facility=reception, to_facility=camp, by=sender
        )
        if lost:  # the second family's boy reported not arrived, the first's still pending
            custody.report_missing(movement, son, note="not on the bus at arrival", by=manager)
        custody.receive(movement, [head, spouse], by=manager, separation_reason="not on the bus")
        lost.append(son)
    problems: list[str] = []
    context, page = phone_page(
        browser, live_server.url, manager, totp_code(manager), problems, language
    )
    card = page.locator('[data-testid="children-unaccounted"]')
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(OUT / f"children-lost-home-{language}-phone.png"), full_page=True)
    fits = page.evaluate(TABLE_FITS)
    assert fits["scroll"] <= fits["client"] and fits["inside"], fits
    assert fits_the_screen(page)
    # Each child's number and outcome are on the screen, within the card.
    box = card.bounding_box()
    for son in lost:
        row = card.locator("tr", has=page.locator(f'a:text-is("{son.number}")'))
        for cell in (row.locator("td.code a").first, row.locator(".badge").last):
            at = cell.bounding_box()
            assert at and box["x"] <= at["x"] and at["x"] + at["width"] <= box["x"] + box["width"]
    context.close()
    assert problems == []
