"""A roll call in a real browser, in Arabic on a phone: the camp manager starts it from the
facility page, scans two wristbands (Enter after each, the field emptied for the next), ticks a
third person in the list, closes it and reads who was not seen; nothing scrolls sideways."""

from playwright.sync_api import expect

from muster.custody.models import RollCall
from tests import factories
from tests.e2e.conftest import OUT, fits_the_screen, phone_page
from tests.e2e.test_receive_phone_e2e import SIDEWAYS


def test_a_roll_call_in_arabic_on_a_phone(
    live_server, browser, registered, facilities, make_user, totp_code
):
    point = facilities["reception"]
    karim = factories.household_data()[:1]
    karim[0].update(given_name="كريم", family_name="حداد", birth_year="1970")
    karim = factories.household(karim, reception_point=point).members.get()
    head, spouse, son = registered.members.order_by("id")
    manager = make_user("camp_manager", facility=point)
    problems: list[str] = []
    context, page = phone_page(
        browser, live_server.url, manager, totp_code(manager), problems, "ar"
    )
    page.goto(f"{live_server.url}/facilities/{point.pk}/")
    page.click('[data-testid="roll-call-link"]')
    page.click('[data-testid="start-roll-call"]')
    page.wait_for_url("**/roll-calls/RC*/")
    progress = page.locator('[data-testid="progress"]')
    expect(progress).to_contain_text("0")

    answers = page.locator('[data-testid="scan-answer"]')
    field = page.locator('[data-testid="scan-number"]')
    for n, person in enumerate((head, spouse), start=1):
        field.fill(person.number)
        field.press("Enter")
        expect(answers).to_have_count(n)
        expect(field).to_have_value("")
    assert answers.first.get_attribute("data-code") == "marked"
    assert spouse.number in answers.first.inner_text()
    expect(progress).to_contain_text("2")
    # The list below says so too, where it shows them.
    expect(page.locator(f'#unseen-{head.pk} [data-testid="tick-answer"]')).to_be_visible()

    page.click(f'#unseen-{karim.pk} [data-testid="tick"]')
    expect(page.locator(f'#unseen-{karim.pk} [data-testid="tick-answer"]')).to_contain_text(
        karim.number
    )
    expect(progress).to_contain_text("3")
    page.screenshot(path=str(OUT / "roll-call-ar-phone.png"), full_page=True)
    assert fits_the_screen(page)
    assert page.evaluate(SIDEWAYS) == []

    page.fill('textarea[name="note"]', "عدّ عند نقطة توزيع المياه")
    # Closing counts those not marked as not seen, for good: asked once, with how many, in Arabic.
    asked: list[str] = []

    def answer(dialog, accept: bool) -> None:
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda d: answer(d, False))
    page.click('[data-testid="close-roll-call"]')
    expect(page.locator('[data-testid="roll-call-state"]')).to_have_text("مفتوح")
    assert len(asked) == 1 and "1" in asked[0] and "التفقّد" in asked[0], asked
    page.once("dialog", lambda d: answer(d, True))
    page.click('[data-testid="close-roll-call"]')
    expect(page.locator('[data-testid="roll-call-state"]')).to_have_text("مغلق")
    listed = page.locator('[data-testid="roll-call-list"]')
    expect(listed).to_contain_text(son.number)
    assert head.number not in listed.inner_text() and karim.number not in listed.inner_text()
    expect(page.locator('[data-testid="not-seen"]')).to_have_text("1")
    page.screenshot(path=str(OUT / "roll-call-closed-ar-phone.png"), full_page=True)
    assert fits_the_screen(page)
    assert page.evaluate(SIDEWAYS) == []
    # Every roll call here, with its figures, fits the phone too.
    page.click(f'a[href="/facilities/{point.pk}/roll-calls/"]')
    expect(page.locator('[data-testid="roll-call-table"]')).to_contain_text("RC")
    page.screenshot(path=str(OUT / "roll-calls-ar-phone.png"), full_page=True)
    assert fits_the_screen(page)
    assert page.evaluate(SIDEWAYS) == []
    # The manager's home and the facility page tell the last roll call's "not seen" and lead
    # back to it.
    page.goto(f"{live_server.url}/")
    expect(page.locator('[data-testid="last-roll-call"]')).to_contain_text("1")
    assert fits_the_screen(page)
    page.goto(f"{live_server.url}/facilities/{point.pk}/")
    page.click('[data-testid="last-roll-call"]')
    expect(page.locator('[data-testid="roll-call-list"]')).to_contain_text(son.number)
    assert fits_the_screen(page)
    context.close()
    roll_call = RollCall.objects.get()
    assert (roll_call.seen, roll_call.not_seen) == (3, 1)
    assert roll_call.lines.get(person=karim).how == "tick"
    assert problems == []
