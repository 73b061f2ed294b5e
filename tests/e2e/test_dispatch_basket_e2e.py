"""The dispatch basket in a real browser: ticks on one page are kept (server side) while the
officer turns to the next, the panel counts and lists them, one is taken out, and the whole
selection goes on one movement."""

import re
import time

from playwright.sync_api import expect

from muster.custody import views
from muster.custody.models import Movement
from tests import factories
from tests.e2e.conftest import OUT, new_page, sign_in


def test_ticks_on_two_pages_are_dispatched_together(
    live_server, browser, registered, facilities, make_user, totp_code, monkeypatch
):
    monkeypatch.setattr(views, "DISPATCH_PAGE_SIZE", 2)
    # A slow link: each tick's answer takes a while. The page turned at once must not lose the
    # ticks still on their way (the browser cancelled them: "0 selected" on the next page).
    sync = views._sync_basket

    def slow_sync(*args, **kwargs):
        time.sleep(0.5)
        return sync(*args, **kwargs)

    monkeypatch.setattr(views, "_sync_basket", slow_sync)
    karim = factories.household_data()[:1]
    karim[0].update(given_name="Karim", family_name="Haddad", birth_year="1970")
    karim = factories.household(karim, reception_point=facilities["reception"]).members.get()
    head, spouse, son = registered.members.order_by("id")
    officer = make_user("camp_manager", facility=facilities["reception"])
    problems: list[str] = []
    context, page = new_page(browser, problems)
    sign_in(page, live_server.url, officer.username, code=totp_code(officer))
    url = f"{live_server.url}/facilities/{facilities['reception'].pk}/dispatch/"
    page.goto(url)
    count = page.locator('[data-testid="selected-count"]')
    # "All on this page": both parents at once.
    page.check("[data-select-all]")
    expect(count).to_have_text(re.compile(r"^2 "))
    page.click('a[rel="next"]')
    page.wait_for_url("**page=2")
    assert count.inner_text().startswith("2 selected")
    assert page.locator("#basket li").count() == 2
    page.check(f'input[name="person"][value="{son.pk}"]')
    page.check(f'input[name="person"][value="{karim.pk}"]')
    expect(count).to_have_text(re.compile(r"^4 "))
    # Karim taken out from the panel: his box on this page is unticked with him.
    page.click(f'#basket li[data-person="{karim.pk}"] button')
    expect(count).to_have_text(re.compile(r"^3 "))
    assert not page.is_checked(f'input[name="person"][value="{karim.pk}"]')
    assert page.is_checked(f'input[name="person"][value="{son.pk}"]')
    page.screenshot(path=str(OUT / "dispatch-basket.png"), full_page=True)
    page.select_option('select[name="to_facility"]', str(facilities["camp"].pk))
    # Enter in the vehicle's field dispatches, as before the basket's own buttons came first.
    page.fill('input[name="vehicle"]', "bus 14")
    page.press('input[name="vehicle"]', "Enter")
    page.wait_for_url("**/movements/**")
    movement = Movement.objects.get()
    assert set(movement.lines.values_list("person_id", flat=True)) == {head.pk, spouse.pk, son.pk}
    assert movement.vehicle == "bus 14"
    context.close()
    assert problems == []
