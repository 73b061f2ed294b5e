"""Receiving a transfer in a real browser, in Kurmanji on a phone: the camp manager who is asked
why a family is received apart may still report the one who did not arrive, instead."""

from muster.custody import services as custody
from muster.custody.models import ManifestLine
from tests.e2e.conftest import OUT, new_page, sign_in


def test_after_the_family_apart_question_the_missing_one_can_still_be_reported(
    live_server, browser, registered, facilities, make_user, totp_code
):
    head, spouse, son = registered.members.order_by("id")
    camp = facilities["camp"]
    custody.dispatch(
        [head, spouse, son],
        from_facility=facilities["reception"],
        to_facility=camp,
        by=make_user("camp_manager", facility=facilities["reception"]),
    )
    manager = make_user("camp_manager", facility=camp)
    problems: list[str] = []
    context, page = new_page(browser, problems)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, manager.username, code=totp_code(manager))
    page.click('[data-testid="lang-kmr"]')
    page.wait_for_selector('html[lang="kmr"]')
    page.goto(f"{live_server.url}/facilities/{camp.pk}/receive/")

    # Two of three ticked and received: the page asks why the family is received apart.
    page.check(f'input[name="person"][value="{head.pk}"]')
    page.check(f'input[name="person"][value="{son.pk}"]')
    page.click('button[value="receive"]')
    page.wait_for_selector('input[name="separation_reason"]')
    # The mother did not arrive: the manager reports her instead, without giving that reason.
    for box in page.query_selector_all('input[name="person"]:checked'):
        box.uncheck()
    page.check(f'input[name="person"][value="{spouse.pk}"]')
    page.fill('input[name="note"]', "not on the bus at arrival")
    page.click('button[value="missing"]')
    page.wait_for_load_state()
    page.screenshot(path=str(OUT / "receive-missing-kmr-phone.png"), full_page=True)
    line = ManifestLine.objects.get(person=spouse)
    assert line.outcome == ManifestLine.Outcome.MISSING
    context.close()
    assert [p for p in problems if "400 (Bad Request)" not in p] == []
