"""The family's receipt of a person reunified, recorded by a tracing caseworker in a real browser,
in Kurmanji on a phone: "received into the family's care" takes the person out of custody for
good, so the caseworker is asked once before it is recorded, as on a departure's manifest. The
reunification's form before it, on a laptop and a phone, left to right and right to left."""

import pytest

from tests.e2e.conftest import OUT, phone_page


@pytest.fixture
def demo(load_demo_once):
    return load_demo_once(persons=300, seed=3)


def _confirmed(caseworker):
    """A request for an adult, its candidate confirmed by ``caseworker``: the reunification's turn."""
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
        return TracingRequest.objects.get(pk=req.pk), person
    raise AssertionError("the demo has no adult candidate to reunify")


def _sent_to_the_family(caseworker):
    """An adult sought by a family, confirmed by ``caseworker`` and sent on a reunification."""
    from muster.tracing import services as tracing
    from muster.tracing.models import TracingRequest

    req, person = _confirmed(caseworker)
    tracing.reunify(req, receiving="Gulistan (sister)", destination_name="Dihok", by=caseworker)
    return TracingRequest.objects.get(pk=req.pk), person


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_reunifications_button_is_a_button_on_a_laptop_and_a_phone(
    live_server, browser, demo, make_user, totp_code, language
):
    """ "Start the reunification" is a button's height at the form's start, under its fields: in
    the form's grid it was stretched to its row's height, a tall blue block (the field walk)."""
    caseworker = make_user("tracing_caseworker")
    req, _person = _confirmed(caseworker)
    problems: list[str] = []
    context, page = phone_page(
        browser, live_server.url, caseworker, totp_code(caseworker), problems, language
    )
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 844})
        page.goto(f"{live_server.url}/tracing/requests/{req.number}/")
        form = page.locator('[data-testid="reunify"] form')
        button = form.locator('button[type="submit"]').bounding_box()
        field = form.locator('input[name="receiving"]').bounding_box()
        box = form.bounding_box()
        where = f"{language} at {width} px: button {button}, field {field}, form {box}"
        assert button["height"] < 1.5 * field["height"], where
        assert button["width"] < 0.8 * box["width"], where  # its words' width, not the form's
        assert button["y"] >= field["y"] + field["height"], where  # under the fields
        if language == "ar":  # at the form's start: its right edge
            assert abs(button["x"] + button["width"] - box["x"] - box["width"]) < 2, where
        else:
            assert abs(button["x"] - box["x"]) < 2, where
        page.locator('[data-testid="reunify"]').screenshot(
            path=str(OUT / f"tracing-reunify-{language}-{width}.png")
        )
    context.close()
    assert problems == []


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
