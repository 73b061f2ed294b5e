"""In a real browser at 1366x768: the coordinator reads the situation dashboard in Arabic (right to
left), opens the numbers under a chart, narrows it and its headline figures to a governorate, with
no console error. The screenshot is kept in test-output/e2e/dashboard-ar.png.
"""

from tests.e2e.conftest import OUT, fits_the_screen, new_page, sign_in

# Each chart's texts (their boxes, in the drawing's units) and capacity marks (x, top, bottom).
DRAWN = """() => [...document.querySelectorAll('.plot svg')].map(svg => ({
  key: svg.closest('figure').dataset.testid,
  width: svg.viewBox.baseVal.width,
  texts: [...svg.querySelectorAll('text')].map(t => {
    const b = t.getBBox();
    return [b.x, b.x + b.width, b.y, b.y + b.height, t.textContent];
  }),
  marks: [...svg.querySelectorAll('line[stroke-width="2"]')].map(
    l => [l.x1.baseVal.value, l.y1.baseVal.value, l.y2.baseVal.value]),
}))"""


def test_coordinator_reads_the_dashboard_in_arabic_at_1366x768(
    live_server, moved, make_user, settings, browser
):
    # The second factor is tested in tests/access; here the coordinator signs in with a password.
    settings.MUSTER = {**settings.MUSTER, "TOTP_REQUIRED_ROLES": []}
    make_user("coordinator", username="salma")
    problems: list[str] = []
    context, page = new_page(browser, problems)
    context.add_cookies([{"name": "django_language", "value": "ar", "url": live_server.url}])
    sign_in(page, live_server.url, "salma")

    page.click("nav.mainnav >> text=لوحة المتابعة")
    page.wait_for_url("**/reports/dashboard/")
    page.evaluate("document.fonts.ready.then(() => true)")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert "لوحة متابعة الوضع" in page.inner_text("main h1")
    for key in ("arrivals", "capacity", "flow", "transit", "children", "departures"):
        chart = page.locator(f'[data-testid="chart-{key}"] .plot svg')
        assert chart.is_visible(), key
        box = chart.bounding_box()
        assert box["width"] > 300 and box["height"] > 30, (key, box)
    # As the browser draws them with the page's fonts: no chart's writing runs out of its drawing,
    # the capacity mark crosses no figure, and the flow starts on the right, as the page reads.
    drawn = page.evaluate(DRAWN)
    for chart in drawn:
        for x0, x1, y0, y1, text in chart["texts"]:
            assert 0 <= x0 and x1 <= chart["width"], (chart["key"], text, x0, x1)
            for mx, my0, my1 in chart["marks"]:
                assert not (y0 < my1 and my0 < y1 and x0 - 1 <= mx <= x1 + 1), (text, mx)
    flow = page.locator('[data-testid="chart-flow"] .plot svg')
    arrived = float(flow.locator('rect[data-node="arrived"]').get_attribute("x"))
    departed = float(flow.locator('rect[data-node="departed"]').get_attribute("x"))
    assert arrived > departed
    # Nothing wider than the laptop's screen.
    assert fits_the_screen(page)
    assert page.inner_text('[data-figure="in_transit"]') == "1"
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert any("Noto Naskh Arabic" in family for family in loaded), loaded

    # The numbers one click away, under the chart.
    numbers = page.locator('[data-testid="chart-capacity"] details.numbers')
    assert not numbers.locator("table").is_visible()
    numbers.locator("summary").click()
    table = numbers.locator("table")
    assert table.is_visible()
    assert "Al-Hol Camp" in table.inner_text() and "Reception Point 1" in table.inner_text()
    page.screenshot(path=str(OUT / "dashboard-ar.png"), full_page=True)

    # Narrowed to a governorate: the reception point (SY09) leaves the capacity chart.
    page.select_option('select[name="governorate"]', "SY08")
    page.click('[data-testid="dashboard-filters"] button[type="submit"]')
    page.wait_for_url("**governorate=SY08**")
    page.locator('[data-testid="chart-capacity"] details.numbers summary').click()
    rows = page.inner_text('[data-testid="chart-capacity"] table')
    assert "Al-Hol Camp" in rows and "Reception Point 1" not in rows
    # The figures above the charts are SY08's too: the two received at Al-Hol in place of the
    # registry's registrations, and the child on the way to it.
    assert page.inner_text('[data-figure="population"]') == "2"
    assert page.locator('[data-figure="registered"]').count() == 0
    assert page.inner_text('[data-figure="in_transit"]') == "1"
    assert "SY08" in page.inner_text('[data-testid="headline-scope"]')
    page.screenshot(path=str(OUT / "dashboard-ar-sy08.png"), full_page=True)
    context.close()
    assert (OUT / "dashboard-ar.png").stat().st_size > 20000
    assert not problems, problems
