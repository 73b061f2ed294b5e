"""On a phone (390x844), in Sorani: the screening officer's queue and a hit's comparison, and the
tracing caseworker's candidates, keep their reasons readable. A wide table scrolls in its own box
there; a column of sentences in it (what agreed, how) must not be squeezed to its longest word,
which made every row of the screening queue over a thousand pixels tall; and each candidate opens
from the part of the table on the screen. Screenshots go to test-output/e2e/."""

import pytest

from tests.e2e.conftest import OUT, phone_page

# Some fifteen letters a line at least: a reason is read, not spelt out a word a line.
READING_WIDTH_PX = 200

NARROWEST_REASON = """(selector) => Math.min(...[...document.querySelectorAll(selector)]
  .map(cell => cell.getBoundingClientRect().width))"""


# Rows of the candidates table with no link to their comparison page on the screen.
CANDIDATES_WITHOUT_A_WAY_IN = """() => [...document.querySelectorAll('[data-candidate]')]
  .filter(row => ![...row.querySelectorAll('a[href*="/tracing/candidates/"]')].some(a => {
    const r = a.getBoundingClientRect();
    return r.left >= 0 && r.right <= innerWidth;
  }))
  .map(row => row.dataset.candidate)"""


@pytest.fixture
def demo(load_demo_once):
    load_demo_once(persons=300, seed=3)


def test_reasons_keep_a_reading_width_on_a_phone(live_server, browser, demo, make_user, totp_code):
    from muster.screening.models import Hit
    from muster.tracing.models import TracingCandidate

    problems: list[str] = []
    officer = make_user("screening_officer")
    context, page = phone_page(
        browser, live_server.url, officer, totp_code(officer), problems, "ckb"
    )
    page.goto(f"{live_server.url}/screening/")
    page.screenshot(path=str(OUT / "screening-queue-ckb-phone.png"), full_page=True)
    what_agreed = page.evaluate(NARROWEST_REASON, "main table tbody td.muted:nth-child(5)")
    assert what_agreed >= READING_WIDTH_PX
    hit = Hit.objects.order_by("pk").first()
    page.goto(f"{live_server.url}/screening/hits/{hit.pk}/")
    page.screenshot(path=str(OUT / "screening-hit-ckb-phone.png"), full_page=True)
    assert page.evaluate(NARROWEST_REASON, "[data-testid=compare] tbody td:nth-child(4)") >= (
        READING_WIDTH_PX
    )
    context.close()

    caseworker = make_user("tracing_caseworker")
    context, page = phone_page(
        browser, live_server.url, caseworker, totp_code(caseworker), problems, "ckb"
    )
    number = TracingCandidate.objects.order_by("pk").first().request.number
    page.goto(f"{live_server.url}/tracing/requests/{number}/")
    page.screenshot(path=str(OUT / "tracing-candidates-ckb-phone.png"), full_page=True)
    what_agrees = page.evaluate(NARROWEST_REASON, "[data-testid=candidates] tbody td:nth-child(5)")
    assert what_agrees >= READING_WIDTH_PX
    # Each candidate opens from the screen as it shows: its Compare button, in the last column, is
    # beyond the screen's edge until the table is scrolled sideways.
    assert page.evaluate(CANDIDATES_WITHOUT_A_WAY_IN) == []
    context.close()
    assert problems == []
