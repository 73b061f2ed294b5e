"""On a phone (390x844), in Sorani and Arabic: the screening officer reads a score band ("97 %")
on one line, and a hit's comparison (field, both values, how they agree) within the screen, as
the tracing caseworker reads a candidate's; on a laptop the comparison stays a table. Screenshots
go to test-output/e2e/."""

import pytest

from tests.e2e.conftest import OUT, new_page, phone_page, sign_in

# Each number followed by its percent sign in the score help, and whether the two sit on one line:
# the last digit's box and the sign's box share a top.
PERCENTS_ON_ONE_LINE = r"""() => {
  const help = document.querySelector('[data-testid=score-help]');
  const walker = document.createTreeWalker(help, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const m of node.data.matchAll(/\d+( )[%\u066a]/g)) {
      const box = (start, end) => {
        const range = document.createRange();
        range.setStart(node, start);
        range.setEnd(node, end);
        return range.getBoundingClientRect();
      };
      const sign = m.index + m[0].length - 1;
      const digit = box(m.index + m[0].length - 3, m.index + m[0].length - 2);
      found.push({figure: m[0], oneLine: Math.abs(digit.top - box(sign, sign + 1).top) < 2});
    }
  }
  return found;
}"""

# The "how they agree" cells of the comparison that show something and reach beyond the screen.
AGREEMENT_OFF_SCREEN = """() => [...document.querySelectorAll('[data-testid=compare] tr > :nth-child(4)')]
  .filter(cell => cell.getClientRects().length)
  .map(cell => [cell.closest('tr').dataset.field || '', cell.getBoundingClientRect()])
  .filter(([, r]) => r.left < 0 || r.right > innerWidth)
  .map(([field, r]) => `${field}: ${Math.round(r.left)}..${Math.round(r.right)}`)"""

SCROLLS_SIDEWAYS = "document.documentElement.scrollWidth > innerWidth"


@pytest.fixture
def demo(load_demo_once):
    load_demo_once(persons=300, seed=3)


def _hit():
    from muster.screening.models import Hit

    return Hit.objects.order_by("pk").first()


@pytest.mark.parametrize("language", ["ckb", "ar"])
def test_a_score_band_keeps_its_percent_sign_on_its_line_on_a_phone(
    live_server, browser, demo, make_user, totp_code, language
):
    problems: list[str] = []
    officer = make_user("screening_officer")
    context, page = phone_page(
        browser, live_server.url, officer, totp_code(officer), problems, language
    )
    for name, path in (("queue", "/screening/"), ("hit", f"/screening/hits/{_hit().pk}/")):
        page.goto(f"{live_server.url}{path}")
        help_box = page.locator("[data-testid=score-help]")
        help_box.screenshot(path=str(OUT / f"screening-{name}-score-help-{language}-phone.png"))
        figures = page.evaluate(PERCENTS_ON_ONE_LINE)
        assert len(figures) == 2, (name, figures)
        assert all(f["oneLine"] for f in figures), (name, figures)
    context.close()
    assert problems == []


@pytest.mark.parametrize("language", ["ckb", "ar"])
def test_a_hits_comparison_shows_how_they_agree_within_a_phones_screen(
    live_server, browser, demo, make_user, totp_code, language
):
    problems: list[str] = []
    officer = make_user("screening_officer")
    context, page = phone_page(
        browser, live_server.url, officer, totp_code(officer), problems, language
    )
    page.goto(f"{live_server.url}/screening/hits/{_hit().pk}/")
    page.screenshot(path=str(OUT / f"screening-hit-compare-{language}-phone.png"), full_page=True)
    assert page.locator("[data-testid=compare] tbody tr > td:nth-child(4)").count() >= 5
    assert page.evaluate(AGREEMENT_OFF_SCREEN) == []
    assert not page.evaluate(SCROLLS_SIDEWAYS)
    context.close()
    assert problems == []


# The list's reference code in the comparison's header: its text, direction, and how many line
# boxes it takes (2 when it broke at its hyphen, "authority_ar- · 0000002").
REFERENCE_CODE = """() => { const code = document.querySelector('[data-testid=compare] [data-testid=ref-id]');
  return {text: code.textContent, direction: getComputedStyle(code).direction,
          lines: code.getClientRects().length}; }"""


@pytest.mark.parametrize("language", ["ckb", "ar"])
def test_a_lists_reference_code_stays_on_one_line_left_to_right_on_a_phone(
    live_server, browser, demo, make_user, totp_code, language
):
    from muster.screening.models import Hit

    problems: list[str] = []
    officer = make_user("screening_officer")
    context, page = phone_page(
        browser, live_server.url, officer, totp_code(officer), problems, language
    )
    hit = Hit.objects.filter(reference_entry__ref_id__contains="-").order_by("pk").first()
    page.goto(f"{live_server.url}/screening/hits/{hit.pk}/")
    page.locator("[data-testid=compare] thead").screenshot(
        path=str(OUT / f"screening-hit-ref-id-{language}-phone.png")
    )
    code = page.evaluate(REFERENCE_CODE)
    assert code == {"text": hit.reference_entry.ref_id, "direction": "ltr", "lines": 1}
    assert not page.evaluate(SCROLLS_SIDEWAYS)
    context.close()
    assert problems == []


def test_a_tracing_candidates_comparison_fits_a_phone_too(
    live_server, browser, demo, make_user, totp_code
):
    # The same two-records comparison, the same phone layout: the sought and the registered person.
    from muster.tracing.models import TracingCandidate

    problems: list[str] = []
    caseworker = make_user("tracing_caseworker")
    context, page = phone_page(
        browser, live_server.url, caseworker, totp_code(caseworker), problems, "ckb"
    )
    candidate = TracingCandidate.objects.order_by("pk").first()
    page.goto(f"{live_server.url}/tracing/candidates/{candidate.pk}/")
    page.screenshot(path=str(OUT / "tracing-candidate-compare-ckb-phone.png"), full_page=True)
    assert page.evaluate(AGREEMENT_OFF_SCREEN) == []
    assert not page.evaluate(SCROLLS_SIDEWAYS)
    context.close()
    assert problems == []


def test_a_hits_comparison_is_still_a_table_on_a_laptop(
    live_server, browser, demo, make_user, totp_code
):
    problems: list[str] = []
    officer = make_user("screening_officer")
    context, page = new_page(browser, problems)  # 1366x768
    sign_in(page, live_server.url, officer.username, code=totp_code(officer))
    page.goto(f"{live_server.url}/screening/hits/{_hit().pk}/")
    page.screenshot(path=str(OUT / "screening-hit-compare-en-laptop.png"), full_page=True)
    displays = page.evaluate(
        """() => { const t = document.querySelector('[data-testid=compare]');
        return [t, t.querySelector('tbody tr'), t.querySelector('tbody td')]
          .map(e => getComputedStyle(e).display); }"""
    )
    assert displays == ["table", "table-row", "table-cell"]
    # Field, both values and how they agree side by side, each row on one line of the table.
    tops = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid=compare] tbody tr')].map(row =>
        new Set([...row.children].map(c => Math.round(c.getBoundingClientRect().top))).size)"""
    )
    assert set(tops) == {1}
    assert not page.evaluate(SCROLLS_SIDEWAYS)
    context.close()
    assert problems == []


@pytest.mark.parametrize("language", ["ckb", "ar"])
def test_the_screening_officers_home_keeps_the_screens_width_on_a_phone(
    live_server, browser, demo, make_user, totp_code, language
):
    # The last screening's "Finished · 2026-12-07 10:34", at the figures' size, widened the page
    # by 22 pixels: the whole page, header and all, scrolled sideways.
    problems: list[str] = []
    officer = make_user("screening_officer")
    context, page = phone_page(
        browser, live_server.url, officer, totp_code(officer), problems, language
    )
    page.screenshot(path=str(OUT / f"screening-home-{language}-phone.png"), full_page=True)
    assert page.locator("[data-testid=screening-cards] time").count() == 1
    assert not page.evaluate(SCROLLS_SIDEWAYS)
    context.close()
    assert problems == []


# Whether the reference code shows whole in its cell, and how it is drawn: monospace, and the
# shadows that say "more this way" when it scrolls within itself.
REFERENCE_CODE_SHOWN = """() => { const code = document.querySelector('[data-testid=ref-id]');
  const s = getComputedStyle(code);
  return {whole: code.scrollWidth <= code.clientWidth, lines: code.getClientRects().length,
          monospace: s.fontFamily.includes('Mono'), cue: s.backgroundAttachment}; }"""


@pytest.mark.parametrize("language", ["ckb", "ar"])
def test_a_lists_reference_code_is_read_whole_on_a_phone_or_shows_that_it_scrolls(
    live_server, browser, demo, make_user, totp_code, language
):
    # On a 390px phone "authority_ar-0000002" showed as "authority_ar-000000", its last digit
    # scrolled out of its cell with nothing to say so; a clerk read the code out one digit short.
    from muster.screening.models import Hit, ReferenceEntry

    problems: list[str] = []
    officer = make_user("screening_officer")
    context, page = phone_page(
        browser, live_server.url, officer, totp_code(officer), problems, language
    )
    hit = Hit.objects.filter(reference_entry__ref_id__contains="-").order_by("pk").first()
    entry = hit.reference_entry
    assert len(entry.ref_id) >= 20
    page.goto(f"{live_server.url}/screening/hits/{hit.pk}/")
    page.locator("[data-testid=compare] thead").screenshot(
        path=str(OUT / f"screening-hit-ref-id-whole-{language}-phone.png")
    )
    cue = "local, local, scroll, scroll"
    shown = page.evaluate(REFERENCE_CODE_SHOWN)
    assert shown == {"whole": True, "lines": 1, "monospace": True, "cue": cue}
    # A code longer than half a phone's width scrolls within its cell, its edge shaded.
    ReferenceEntry.objects.filter(pk=entry.pk).update(ref_id="UN-QDi.401-2019-authority_ar-0000002")
    page.reload()
    page.locator("[data-testid=compare] thead").screenshot(
        path=str(OUT / f"screening-hit-ref-id-long-{language}-phone.png")
    )
    shown = page.evaluate(REFERENCE_CODE_SHOWN)
    assert shown == {"whole": False, "lines": 1, "monospace": True, "cue": cue}
    assert not page.evaluate(SCROLLS_SIDEWAYS)
    context.close()
    assert problems == []
