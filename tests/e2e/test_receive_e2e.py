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


def test_all_leaves_out_those_reported_not_arrived_so_receive_does_not_take_them_in(
    live_server, browser, registered, facilities, make_user, totp_code
):
    # Three on the bus, the mother reported not arrived. The manager ticks "All" and receives:
    # the father and son are received, she stays reported not arrived until ticked on her own.
    head, spouse, son = registered.members.order_by("id")
    camp = facilities["camp"]
    bus = custody.dispatch(
        [head, spouse, son],
        from_facility=facilities["reception"],
        to_facility=camp,
        by=make_user("camp_manager", facility=facilities["reception"]),
    )
    manager = make_user("camp_manager", facility=camp)
    custody.report_missing(bus, spouse, note="not on the bus at arrival", by=manager)
    problems: list[str] = []
    context, page = new_page(browser, problems)
    sign_in(page, live_server.url, manager.username, code=totp_code(manager))
    page.goto(f"{live_server.url}/facilities/{camp.pk}/receive/")
    page.check(f'#mv-{bus.number} [data-select-all="person"]')
    assert page.is_checked(f'input[name="person"][value="{head.pk}"]')
    assert page.is_checked(f'input[name="person"][value="{son.pk}"]')
    assert not page.is_checked(f'input[name="person"][value="{spouse.pk}"]')
    page.click(f'#mv-{bus.number} button[value="receive"]')
    page.wait_for_load_state()
    page.screenshot(path=str(OUT / "receive-all-leaves-out-missing.png"), full_page=True)
    outcomes = dict(ManifestLine.objects.filter(movement=bus).values_list("person_id", "outcome"))
    assert outcomes == {head.pk: "received", son.pk: "received", spouse.pk: "missing"}
    # Ticked on her own when she turns up, she is received.
    page.check(f'input[name="person"][value="{spouse.pk}"]')
    page.click(f'#mv-{bus.number} button[value="receive"]')
    page.wait_for_load_state()
    assert ManifestLine.objects.get(movement=bus, person=spouse).outcome == "received"
    context.close()
    assert problems == []
