"""In a real browser, in Arabic (right to left): a repatriation officer plans a return convoy by
nationality with whole households, dispatches it, confirms it person by person from the signed
manifest (one not presented), and the printed manifest hides the controls. No console error, no
server error; screenshots go to test-output/e2e/."""

import pytest

from muster.custody.models import Placement
from muster.departures.models import Departure
from tests.departures.conftest import make_crowd
from tests.e2e.conftest import OUT, fits_the_screen, sign_in

pytestmark = [pytest.mark.e2e]


def _asked_in_arabic(n: int) -> str:
    """The question before ``n`` are confirmed received, as the catalogue says it for ``n``."""
    from django.utils import translation

    with translation.override("ar"):
        question = translation.ngettext(
            "A person confirmed as received has left custody for good: this cannot be undone. "
            "Record %(n)s person as received by the other side?",
            "Persons confirmed as received have left custody for good: this cannot be undone. "
            "Record %(n)s persons as received by the other side?",
            n,
        )
    return question.replace("%(n)s", str(n))


def test_return_convoy_planned_dispatched_and_confirmed_in_arabic(
    live_server, facilities, make_user, browser_page, totp_code
):
    page, problems = browser_page
    crowd = make_crowd
    camp = facilities["camp"]
    returning = crowd(camp, 2, nationality="SYR")
    crowd(camp, 1, nationality="IRQ")
    code = totp_code(make_user("repatriation_officer", username="rahaf"))
    sign_in(page, live_server.url, "rahaf", code=code)
    page.click('[data-testid="lang-ar"]')
    page.wait_for_selector('html[lang="ar"][dir="rtl"]')

    page.click("nav.mainnav >> text=حالات الخروج")
    page.click("text=خطّط لخروج")
    page.select_option('[name="from_facility"]', str(camp.pk))
    page.select_option('[name="kind"]', "return")
    page.fill('[name="nationality"]', "SYR")
    page.click("button:has-text('اعرض من سيغادر')")
    page.wait_for_selector(f"text={returning[0].number}")
    assert page.locator('input[name="person"]:checked').count() == 8
    assert fits_the_screen(page)
    page.fill('[name="destination_name"]', "هجين")
    page.fill('[name="destination_pcode"]', "SY090302")
    page.fill('[name="convoy"]', "Convoy 3")
    page.click('button[name="plan"]')
    page.wait_for_selector('[data-testid="departure-number"]')
    departure = Departure.objects.get()
    assert departure.lines.count() == 8

    page.click('[data-testid="dispatch"]')
    page.wait_for_selector('[data-testid="departure-status"]')
    assert Placement.objects.filter(is_current=True, state="leaving").count() == 8
    # Received is for good: asked first, with how many, in the grammar of that count (one
    # person read "1 ... أنهم", a plural pronoun); "cancel" records nothing.
    asked: list[str] = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.select_option(f'[name="outcome-{returning[0].pk}"]', "received")
    page.once("dialog", dismiss)
    page.click("button:has-text('سجّل التأكيدات')")
    page.wait_for_timeout(500)
    assert asked == [_asked_in_arabic(1)] and "شخصاً واحداً على أنه" in asked[0], asked
    for p in returning[:-1]:
        page.select_option(f'[name="outcome-{p.pk}"]', "received")
    page.select_option(f'[name="outcome-{returning[-1].pk}"]', "not_presented")
    page.fill(f'[name="note-{returning[-1].pk}"]', "لم يكن في الحافلة")
    page.once("dialog", dismiss)
    page.click("button:has-text('سجّل التأكيدات')")
    page.wait_for_timeout(500)
    assert asked[1:] == [_asked_in_arabic(7)] and "7 أشخاص" in asked[1], asked
    assert Placement.objects.filter(is_current=True, state="departed").count() == 0
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('سجّل التأكيدات')")
    page.wait_for_selector(".messages")
    assert Placement.objects.filter(is_current=True, state="departed").count() == 7
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    page.screenshot(path=str(OUT / "departure-manifest-ar.png"), full_page=True)

    page.emulate_media(media="print")
    assert not page.locator(".noprint").first.is_visible()
    assert page.locator(".printonly").first.is_visible()
    page.screenshot(path=str(OUT / "departure-manifest-ar-print.png"), full_page=True)
    assert not problems, problems
