"""The family's receipt of a person reunified, recorded by a tracing caseworker in a real browser,
in Kurmanji on a phone: "received into the family's care" takes the person out of custody for
good, so the caseworker is asked once before it is recorded, as on a departure's manifest."""

import pytest

from tests.e2e.conftest import OUT, phone_page


@pytest.fixture
def demo(load_demo_once):
    return load_demo_once(persons=300, seed=3)


def _sent_to_the_family(caseworker):
    """An adult sought by a family, confirmed by ``caseworker`` and sent on a reunification."""
    from muster.custody import services as custody
    from muster.custody.models import Placement
    from muster.protection import rules as protection
    from muster.tracing import services as tracing
    from muster.tracing.models import TracingCandidate, TracingRequest

    for candidate in TracingCandidate.objects.filter(
        request__status__in=tracing.ACTIVE, status=TracingCandidate.Status.PROPOSED
    ).order_by("pk"):
        req, person = candidate.request, candidate.person
        placement = custody.current_placement(person)
        if req.is_child or placement is None or placement.state != Placement.State.PLACED:
            continue
        if protection.is_child(person):
            continue
        tracing.decide_candidate(
            candidate, decision="confirm", reason="knew the family", by=caseworker
        )
        req.refresh_from_db()
        tracing.reunify(req, receiving="Gulistan (sister)", destination_name="Dihok", by=caseworker)
        return TracingRequest.objects.get(pk=req.pk), person
    raise AssertionError("the demo has no adult candidate to reunify")


def test_the_familys_receipt_is_asked_before_it_is_recorded(
    live_server, browser, demo, make_user, totp_code
):
    from muster.custody import services as custody
    from muster.tracing.models import TracingRequest

    caseworker = make_user("tracing_caseworker")
    req, person = _sent_to_the_family(caseworker)
    problems: list[str] = []
    context, page = phone_page(
        browser, live_server.url, caseworker, totp_code(caseworker), problems, "kmr"
    )
    page.goto(f"{live_server.url}/tracing/requests/{req.number}/")
    receipt = page.locator('[data-testid="receipt"]')
    receipt.locator('input[name="received"][value="yes"]').check()
    asked: list[str] = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    receipt.locator('button[type="submit"]').click()
    page.wait_for_timeout(500)
    assert len(asked) == 1 and "nayê paşvegerandin" in asked[0], asked  # "cannot be undone"
    req.refresh_from_db()
    assert req.status != TracingRequest.Status.REUNITED
    assert custody.current_placement(person).state == "leaving"

    page.once("dialog", lambda dialog: dialog.accept())
    receipt.locator('button[type="submit"]').click()
    page.wait_for_selector(".messages")
    page.screenshot(path=str(OUT / "tracing-receipt-kmr-phone.png"), full_page=True)
    req.refresh_from_db()
    assert req.status == TracingRequest.Status.REUNITED
    context.close()
    assert problems == []
