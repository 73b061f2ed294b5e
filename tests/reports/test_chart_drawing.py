"""The dashboard's charts as drawn: the geometry of the SVG, read back from the page. A figure is not
crossed by the capacity mark, a label a coordinator needs is not cut, and the flow from reception to
departure reads right to left on a right-to-left page.

Widths are reckoned here apart from the charts' own reckoning: 7 units a digit (Noto Sans draws one
in 6.3 at the charts' 11).
"""

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import translation

from muster.demo.population import FACILITY_NAMES_AR, FACILITY_NAMES_CKB, FACILITY_NAMES_KMR
from muster.reports import charts

SVG = "{http://www.w3.org/2000/svg}"
CAPACITY_LABELS = {
    k: k.title()
    for k in ("facility", "pcode", "population", "capacity", "occupancy", "expected", "over")
}


def chart_svg(html: str, key: str) -> ET.Element:
    figure = re.search(rf'data-testid="chart-{key}".*?</figure>', html, re.S).group(0)
    return ET.fromstring(re.search(r'<div class="plot">(<svg.*?</svg>)</div>', figure, re.S)[1])


def visible_text(svg: ET.Element) -> str:
    """What the chart writes, its <text> elements one after the other (tooltips left out)."""
    return " ".join("".join(t.itertext()) for t in svg.iter(f"{SVG}text"))


def shows_in_full(svg: ET.Element, label: str) -> bool:
    return f" {label} " in f" {visible_text(svg)} "


def facility(name: str, population: int, capacity: int | None) -> dict:
    return {
        "name": name,
        "pcode": "SY0800",
        "population": population,
        "capacity": capacity,
        "over_capacity": bool(capacity) and population > capacity,
        "occupancy": population / capacity if capacity else None,
        "expected": 0,
    }


# The walk-through's figures: the mark a little past the bar ran through 2475, 79, 45 and 38.
WALK = [
    ("Al-Hol camp", 2475, 2580),
    ("Areesha camp", 363, 350),
    ("Hasakah central holding facility", 226, 240),
    ("Reception point 1 (Baghouz)", 79, 90),
    ("Reception point 2 (Al-Marashida)", 45, 50),
    ("Reception point 3 (Al-Sousa)", 38, 40),
    ("Al-Omar screening site", 0, 100),
    ("Derik holding facility", 68, 70),
]


@pytest.mark.parametrize("names", [{}, FACILITY_NAMES_AR], ids=["en", "ar"])
def test_the_capacity_mark_never_crosses_the_population_figure(names):
    rows = [facility(names.get(name, name), p, c) for name, p, c in WALK]
    svg = ET.fromstring(charts.capacity_bars("capacity", "t", rows, CAPACITY_LABELS).svg)
    bars = list(svg.iter(f"{SVG}rect"))
    marks = [m for m in svg.iter(f"{SVG}line") if m.get("stroke-width") == "2"]
    assert len(bars) == len(marks) == len(WALK)
    for (name, population, _), bar, mark in zip(WALK, bars, marks, strict=True):
        top, bottom = float(mark.get("y1")), float(mark.get("y2"))
        assert top < float(bar.get("y")) + float(bar.get("height")) / 2 < bottom  # the same row
        (figure,) = [
            t
            for t in svg.iter(f"{SVG}text")
            if t.text == str(population) and top < float(t.get("y")) < bottom
        ]
        start = float(figure.get("x"))
        end = start + 7 * len(figure.text)
        mark_x = float(mark.get("x1"))
        # The mark (2 wide) is not under the figure, and the figure is past its bar.
        assert not start - 1 <= mark_x <= end + 1, (name, start, end, mark_x)
        assert start >= float(bar.get("x")) + float(bar.get("width")), name
        assert end <= 640, name


@pytest.mark.parametrize(
    "names",
    [{}, FACILITY_NAMES_AR, FACILITY_NAMES_CKB, FACILITY_NAMES_KMR],
    ids=["en", "ar", "ckb", "kmr"],
)
def test_the_demos_facility_names_are_drawn_in_full_in_every_language(names):
    labels = [names.get(name, name) for name in FACILITY_NAMES_AR]
    rows = [facility(label, 10 * i, 100) for i, label in enumerate(labels)]
    svg = ET.fromstring(charts.capacity_bars("capacity", "t", rows, CAPACITY_LABELS).svg)
    for label in labels:
        assert shows_in_full(svg, label), (label, visible_text(svg))
    assert "…" not in visible_text(svg)


def test_a_label_wider_than_its_column_is_wrapped_not_cut():
    long = "Separated (accompanied by another adult)"
    svg = ET.fromstring(charts.hbars("children", "t", [("Total", 3), (long, 2)], ["a", "b"]).svg)
    assert shows_in_full(svg, long) and "…" not in visible_text(svg)
    lines = [t for t in svg.iter(f"{SVG}text") if t.text and t.text in long]
    assert len(lines) == 2 and lines[0].get("x") == lines[1].get("x")
    assert float(lines[0].get("y")) < float(lines[1].get("y"))
    # Only what no two lines hold is cut, and the tooltip keeps it whole.
    longer = "word " * 60
    svg = ET.fromstring(charts.hbars("x", "t", [(longer.strip(), 1)], ["a", "b"]).svg)
    assert "…" in visible_text(svg)
    assert longer.strip() in [t.text for t in svg.iter(f"{SVG}title")]


@pytest.mark.parametrize("language", ["en", "ar", "ckb", "kmr"])
def test_the_dashboards_long_labels_are_drawn_in_full(
    moved, facilities, make_user, login, language
):
    camp = facilities["camp"]
    camp.name_ar = "مركز الاحتجاز المركزي في الحسكة"  # cut after 29 letters on the Arabic chart
    camp.name_ckb = "بنکەی ناوەندیی دەستبەسەرکردنی حەسەکە"
    camp.name_kmr = "Navenda girtinê ya navendî ya Hesekê"
    camp.save(update_fields=["name_ar", "name_ckb", "name_kmr"])
    client = login(make_user("coordinator"))
    client.cookies["django_language"] = language
    html = client.get(reverse("dashboard")).content.decode()
    with translation.override(language):
        kind = str(camp.get_kind_display())
        separated = translation.gettext("Separated (accompanied by another adult)")
        name = camp.display_name
    for key, label in (("flow", kind), ("children", separated), ("capacity", name)):
        svg = chart_svg(html, key)
        assert shows_in_full(svg, label), (key, label, visible_text(svg))
        assert "…" not in visible_text(svg), key


@pytest.mark.parametrize("language", ["ar", "ckb", "en", "kmr"])
def test_the_flow_reads_in_the_pages_direction(moved, make_user, login, language):
    client = login(make_user("coordinator"))
    client.cookies["django_language"] = language
    svg = chart_svg(client.get(reverse("dashboard")).content.decode(), "flow")
    with translation.override(language):
        rtl = translation.get_language_bidi()
        # The chain starts with the registered (to date; "Arrived" under a facility filter).
        first, last = translation.gettext("Registered"), translation.gettext("Departed")

    def box(label: str) -> float:
        (rect,) = [
            r for r in svg.iter(f"{SVG}rect") if r.findtext(f"{SVG}title").startswith(f"{label}:")
        ]
        return float(rect.get("x"))

    assert (box(first) > box(last)) == rtl, (language, box(first), box(last))
    # Each band leaves its box on the side facing the next column.
    bands = [p.get("d") for p in svg.iter(f"{SVG}path")]
    assert bands
    for d in bands:
        start, end = (float(x) for x in re.findall(r"(-?[\d.]+),-?[\d.]+", d)[::3])
        assert (start > end) == rtl, d


@pytest.mark.parametrize(
    ("population", "capacity", "reads"),
    [(221, 220, "101 %"), (2201, 2200, "101 %"), (219, 220, "99 %"), (220, 220, "100 %"),
     (363, 350, "104 %"), (0, 100, "0 %"), (5, None, "—")],
)  # fmt: skip
def test_occupancy_never_reads_100_percent_for_a_camp_over_or_under_its_capacity(
    population, capacity, reads
):
    # A walk-through's Areesha camp at 221 of 220 read "100 %" beside its red bar: full, not over.
    rows = [facility("Areesha camp", population, capacity)]
    (row,) = charts.capacity_bars("capacity", "t", rows, CAPACITY_LABELS).rows
    assert row[4] == reads
