"""On a phone (390x844), in Sorani and Arabic: the screening officer reads a score band ("97 %")
on one line. Screenshots go to test-output/e2e/."""

import pytest

from tests.e2e.conftest import OUT, phone_page

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


@pytest.fixture
def demo(transactional_db):
    from muster.demo import load_demo

    load_demo(persons=300, seed=3, progress=False)


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
