"""A roll call in a real browser, in Arabic on a phone: the camp manager starts it from the
facility page, scans two wristbands (Enter after each, the field emptied for the next), ticks a
third person in the list, closes it and reads who was not seen; nothing scrolls sideways. And
three wristbands scanned faster than the server answers: each marked, none lost or run together."""

import re
import time

from playwright.sync_api import expect

from muster.custody import services as custody
from muster.custody.models import RollCall
from muster.custody.views import rollcalls as views
from tests import factories
from tests.e2e.conftest import OUT, fits_the_screen, new_page, phone_page, sign_in
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
    # One person, in the singular's grammar (his attendance, counts him), not the plural's.
    assert "شخص في القائمة لم يُسجَّل حضوره:" in asked[0] and "يحسبهم" not in asked[0], asked
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


def _open_roll_call(browser, live_server, point, manager, totp_code):
    """A roll call started at ``point`` and its page open, ``manager`` signed in: the roll
    call, the page's problems (console errors), its context and the page."""
    roll_call = custody.start_roll_call(point, by=manager)
    problems: list[str] = []
    context, page = new_page(browser, problems)
    sign_in(page, live_server.url, manager.username, code=totp_code(manager))
    page.goto(f"{live_server.url}/roll-calls/{roll_call.number}/")
    return roll_call, problems, context, page


def test_three_wristbands_scanned_within_one_answer_are_each_marked(
    live_server, browser, registered, facilities, make_user, totp_code, monkeypatch
):
    # A slow link: each mark's answer takes a while, and the scanner does not wait for it (a
    # number, Enter, the next band). The numbers ran together in the box ("P1…P2…"): one marked,
    # one lost, one unknown number.
    answer_for = views.answer_for

    def slow_answer(*args, **kwargs):
        time.sleep(0.6)
        return answer_for(*args, **kwargs)

    monkeypatch.setattr(views, "answer_for", slow_answer)
    point = facilities["reception"]
    family = list(registered.members.order_by("id"))
    manager = make_user("camp_manager", facility=point)
    roll_call, problems, context, page = _open_roll_call(
        browser, live_server, point, manager, totp_code
    )
    field = page.locator('[data-testid="scan-number"]')
    for person in family:
        field.press_sequentially(person.number)  # as a scanner types, then its Enter
        field.press("Enter")
    # Each Enter emptied the box at once (the numbers ran together in it), its mark on its way.
    assert field.input_value() == ""
    answers = page.locator('[data-testid="scan-answer"]')
    expect(answers).to_have_count(3)
    expect(page.locator('[data-testid="scan-pending"]')).to_have_count(0)
    # Newest first, each its own.
    for answer, person in zip(answers.all(), reversed(family), strict=True):
        assert answer.get_attribute("data-code") == "marked"
        assert person.number in answer.inner_text()
    expect(page.locator('[data-testid="progress"]')).to_have_text(re.compile(r"^3 of 3 seen$"))
    expect(page.locator('[data-testid="not-seen"]')).to_have_text("0")
    page.screenshot(path=str(OUT / "roll-call-quick-scans.png"), full_page=True)
    context.close()
    seen = roll_call.lines.filter(seen_at__isnull=False, how="scan")
    assert set(seen.values_list("person_id", flat=True)) == {p.pk for p in family}
    assert problems == []


def test_a_mark_that_gets_no_answer_says_so_and_the_next_goes(
    live_server, browser, registered, facilities, make_user, totp_code
):
    point = facilities["reception"]
    head, spouse, _son = registered.members.order_by("id")
    manager = make_user("camp_manager", facility=point)
    roll_call, problems, context, page = _open_roll_call(
        browser, live_server, point, manager, totp_code
    )
    # The link drops for the first mark only.
    dropped: list[str] = []

    def drop_once(route):
        if dropped:
            route.continue_()
        else:
            dropped.append(route.request.url)
            route.abort()

    page.route("**/mark/", drop_once)
    field = page.locator('[data-testid="scan-number"]')
    for person in (head, spouse):
        field.press_sequentially(person.number)
        field.press("Enter")
    answers = page.locator("#scan-answers li")
    expect(answers.filter(has_text=spouse.number)).to_have_attribute("data-code", "marked")
    failed = answers.filter(has_text=head.number)
    expect(failed).to_have_text(
        f"no answer for \u2068{head.number}\u2069: scan it again (marking twice marks once)"
    )
    expect(failed).to_have_class("answer bad")
    context.close()
    assert list(roll_call.lines.filter(seen_at__isnull=False).values_list("person", flat=True)) == [
        spouse.pk
    ]
    # The browser and htmx tell of the dropped request; nothing else went wrong.
    assert len(dropped) == 1
    told = ("ERR_FAILED", "htmx:sendError", "htmx:afterRequest")
    assert [p for p in problems if not any(t in p for t in told)] == [], problems
