"""Charts drawn on the server as SVG: no script, no CDN, the same markup on the page, in print and in
the PDF (WeasyPrint draws inline SVG). Each chart comes with its figures as a table.

Labels and numbers are escaped here; callers pass translated labels. Time runs left to right in every
language (the page's own direction is kept for the tables and the text around the charts); the flow
diagram, a chain and no time axis, reads in the page's direction (``rtl``).

A label is never cut where the space allows it: its width is reckoned from the shipped fonts' advance
widths (:func:`text_width`), the label column of the bar charts is as wide as the longest label (up to
:data:`LABEL_MAX`), and a longer label is wrapped onto two lines (:func:`wrap`).
"""

import unicodedata
from dataclasses import dataclass, field
from functools import cache
from html import escape

from django.utils.safestring import SafeString, mark_safe

# Okabe–Ito: told apart by readers with colour-blindness, and in greyscale print.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999", "#F0E442"]
OVER = "#b3261e"
# "Noto Sans Latin Ext": the printed sitrep's Latin Extended letters (ş), see sitrep_pdf.html.
FONT = 'font-family="Noto Sans, Noto Sans Latin Ext, Noto Naskh Arabic, sans-serif"'
FONT_SIZE = 11
LABEL_MAX = 220  # the widest label column of a bar chart, of the 640 of the drawing
LINE_H = 13  # the distance between two lines of a wrapped label

# Advance widths of Noto Sans (static/muster/fonts) in thousandths of an em, rounded up to the next 50:
# a little wider than drawn, never narrower.
_LATIN = {
    c: w
    for w, chars in {
        300: "'ijl ,.:;!J`()",
        350: "-[]If",
        400: 't/\\{}"',
        450: "r?_",
        500: "zsc",
        550: "vyFLxkS",
        600: "*|ETaeY$+0123456789<=>Z^~XV",
        650: "PobdgpqhnuKRCA#B",
        750: "GDU&HN",
        800: "OQw",
        850: "%",
        900: "@",
        950: "MWm",
    }.items()
    for c in chars
}
# Noto Naskh Arabic's letters as joined in a word: 420 to 470 on average in the Arabic and Sorani
# labels as Chromium draws them, more in a short word of wide letters (مستشفى: 530). An unknown
# character is taken as wide as a capital.
_ARABIC, _OTHER = 520, 650


@dataclass
class Chart:
    """An SVG and the table of the numbers it draws (``header`` and ``rows``, all strings or ints)."""

    key: str
    title: str
    svg: SafeString
    header: list[str]
    rows: list[list] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (colour, label)


def _t(s: object) -> str:
    return escape(str(s), quote=True)


@cache
def _char_width(c: str) -> int:
    if c in _LATIN:
        return _LATIN[c]
    if unicodedata.category(c) in ("Mn", "Me", "Cf"):  # vowel marks, direction marks: no advance
        return 0
    base = unicodedata.normalize("NFD", c)[0]  # ê, ş, î: as wide as e, s, i
    if base in _LATIN:
        return _LATIN[base]
    return _ARABIC if unicodedata.bidirectional(c) in ("AL", "R", "AN") else _OTHER


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """The width ``text`` takes at ``size`` in the drawing's units, reckoned a little wide."""
    return size * sum(_char_width(c) for c in text) / 1000


def _clip(text: str, room: float) -> str:
    if text_width(text) <= room:
        return text
    while text and text_width(text + "…") > room:
        text = text[:-1]
    return text.rstrip() + "…"


def wrap(text: str, room: float) -> list[str]:
    """``text`` on one line, or broken between two words into two lines each at most ``room`` wide
    and as even as may be; only what still does not fit (a longer text, a word wider than ``room``)
    is cut, with an ellipsis."""
    if text_width(text) <= room:
        return [text]
    words = text.split()
    splits = [(" ".join(words[:k]), " ".join(words[k:])) for k in range(1, len(words))]
    fitting = [pair for pair in splits if max(map(text_width, pair)) <= room]
    if fitting:
        return list(min(fitting, key=lambda pair: max(map(text_width, pair))))
    # Too long for two lines: the first line as full as it goes, the rest cut.
    first = words[:1]
    while len(first) < len(words) and text_width(" ".join(words[: len(first) + 1])) <= room:
        first = words[: len(first) + 1]
    rest = words[len(first) :]
    return [_clip(" ".join(first), room)] + ([_clip(" ".join(rest), room)] if rest else [])


def _label(lines: list[str], x: float, mid: float, anchor: str, full: str) -> str:
    """The lines of a label centred on the height ``mid``, each its own <text> (an Arabic line keeps
    its own order), with the whole label as a tooltip."""
    return _lines(lines, x, mid + 4 - LINE_H * (len(lines) - 1) / 2, anchor, full)


def _lines(lines: list[str], x: float, baseline: float, anchor: str, full: str) -> str:
    """The lines of a label, the first on ``baseline``."""
    texts = "".join(
        f'<text x="{x:.1f}" y="{baseline + LINE_H * i:.1f}" text-anchor="{anchor}">{_t(line)}</text>'
        for i, line in enumerate(lines)
    )
    return f'<g class="label"><title>{_t(full)}</title>{texts}</g>'


def _label_column(labels: list[str]) -> tuple[float, list[list[str]], int]:
    """The width of the label column of a bar chart (a label, then a gap of 6, a margin of 4 at the
    edge), each label's lines, and the height of a row (taller when a label takes two lines)."""
    room = min(max([text_width(label) for label in labels] + [24.0]), LABEL_MAX)
    wrapped = [wrap(label, room) for label in labels]
    room = max([text_width(line) for lines in wrapped for line in lines] + [24.0])
    row_h = 26 if all(len(lines) == 1 for lines in wrapped) else 34
    return room + 10, wrapped, row_h


def _svg(width: int, height: int, body: list[str], title: str) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{_t(title)}" direction="ltr" {FONT} font-size="11">'
        f"<title>{_t(title)}</title>" + "".join(body) + "</svg>"
    )


def _nice_max(value: int) -> int:
    """The top of an axis of four equal whole steps (1, 2, 2.5 or 5 times a power of ten each)."""
    need = max(value, 4) / 4
    magnitude = 10 ** (len(str(int(need))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= need and (step * magnitude) == int(step * magnitude):
            return int(4 * step * magnitude)
    return int(40 * magnitude)


def _y_axis(top: int, x0: int, y0: int, height: int, width: int) -> list[str]:
    out = []
    for i in range(5):
        v = top * i // 4
        y = y0 - height * i / 4
        out.append(
            f'<line x1="{x0}" y1="{y:.1f}" x2="{x0 + width}" y2="{y:.1f}" stroke="#d5dbe0"/>'
            f'<text x="{x0 - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#5b6670">{v}</text>'
        )
    return out


def stacked_bars(
    key: str, title: str, days: list[dict], series: list[tuple[str, str]], date_label: str
) -> Chart:
    """Bars per day, stacked by ``series`` ([(key in each day dict, label)])."""
    width, height, left, bottom, top_pad = 640, 240, 48, 40, 12
    plot_w, plot_h = width - left - 8, height - bottom - top_pad
    top = _nice_max(max((d["total"] for d in days), default=0))
    n = max(len(days), 1)
    slot = plot_w / n
    bar = max(2.0, slot * 0.7)
    body = _y_axis(top, left, height - bottom, plot_h, plot_w)
    label_every = max(1, n // 10)
    for i, d in enumerate(days):
        x = left + i * slot + (slot - bar) / 2
        y = height - bottom
        for j, (k, label) in enumerate(series):
            v = d.get(k, 0)
            if not v:
                continue
            h = plot_h * v / top
            y -= h
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[j % len(PALETTE)]}"><title>{_t(d["date"])} · {_t(label)}: {v}'
                "</title></rect>"
            )
        if i % label_every == 0:
            body.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
                f'fill="#5b6670">{_t(d["date"][5:])}</text>'
            )
    legend = [(PALETTE[j % len(PALETTE)], label) for j, (_, label) in enumerate(series)]
    rows = [[d["date"], *[d.get(k, 0) for k, _ in series], d["total"]] for d in days]
    header = [date_label, *[label for _, label in series], "Σ"]
    return Chart(key, title, _svg(width, height, body, title), header, rows, legend)


def capacity_bars(key: str, title: str, facilities: list[dict], labels: dict[str, str]) -> Chart:
    """One horizontal bar per facility (population), a mark at its capacity, red when over. The
    population's figure is set beside its bar, or past the capacity mark when it would cross it."""
    names = [f.get("label") or f["name"] for f in facilities]
    left, wrapped, row_h = _label_column(names)
    width, right = 640, 60
    height = max(row_h * len(facilities) + 30, 60)
    top = _nice_max(max((max(f["population"], f["capacity"] or 0) for f in facilities), default=0))
    plot_w = width - left - right
    body = []
    for i in range(5):
        x = left + plot_w * i / 4
        body.append(
            f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{height - 22}" stroke="#eef1f3"/>'
            f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" fill="#5b6670">'
            f"{top * i // 4}</text>"
        )
    for i, (f, label, lines) in enumerate(zip(facilities, names, wrapped, strict=True)):
        y = 6 + i * row_h
        mid = y + (row_h - 4) / 2
        w = plot_w * f["population"] / top
        colour = OVER if f["over_capacity"] else PALETTE[0]
        figure = str(f["population"])
        # Beside the bar when it fits before the capacity mark (2 wide), else past the mark.
        value_x = left + w + 4
        if f["capacity"]:
            cx = left + plot_w * f["capacity"] / top
            if not value_x + text_width(figure) + 4 <= cx - 1:
                value_x = max(left + w, cx + 1) + 4
        body.append(
            _label(lines, left - 6, mid, "end", label)
            + f'<rect x="{left:.1f}" y="{mid - 8:.1f}" width="{w:.1f}" height="16" '
            f'fill="{colour}"><title>{_t(label)}: {f["population"]} / {f["capacity"] or "—"}'
            "</title></rect>"
            f'<text x="{value_x:.1f}" y="{mid + 4:.1f}" fill="#1d232a">{figure}</text>'
        )
        if f["capacity"]:
            body.append(
                f'<line x1="{cx:.1f}" y1="{y}" x2="{cx:.1f}" y2="{y + row_h - 4}" '
                f'stroke="#1d232a" stroke-width="2"><title>{labels["capacity"]}: '
                f"{f['capacity']}</title></line>"
            )
    legend = [
        (PALETTE[0], labels["population"]),
        (OVER, labels["over"]),
        ("#1d232a", labels["capacity"]),
    ]
    rows = [
        [
            f.get("label") or f["name"],
            f["pcode"],
            f["population"],
            f["capacity"] if f["capacity"] is not None else "—",
            f"{pct} %"
            if (pct := occupancy_percent(f["population"], f["capacity"])) is not None
            else "—",
            f["expected"],
        ]
        for f in facilities
    ]
    header = [
        labels["facility"],
        labels["pcode"],
        labels["population"],
        labels["capacity"],
        labels["occupancy"],
        labels["expected"],
    ]
    return Chart(key, title, _svg(width, height, body, title), header, rows, legend)


def lines(
    key: str, title: str, days: list[dict], series: list[tuple[str, str]], date_label: str
) -> Chart:
    """A line per series over the days."""
    width, height, left, bottom, top_pad = 640, 220, 48, 40, 12
    plot_w, plot_h = width - left - 16, height - bottom - top_pad
    top = _nice_max(max((d[k] for d in days for k, _ in series), default=0))
    n = max(len(days) - 1, 1)
    body = _y_axis(top, left, height - bottom, plot_h, plot_w)
    label_every = max(1, len(days) // 10)
    for i, d in enumerate(days):
        if i % label_every == 0:
            x = left + plot_w * i / n
            body.append(
                f'<text x="{x:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
                f'fill="#5b6670">{_t(d["date"][5:])}</text>'
            )
    for j, (k, label) in enumerate(series):
        colour = PALETTE[(j * 5) % len(PALETTE)]
        points = [
            (left + plot_w * i / n, height - bottom - plot_h * d[k] / top)
            for i, d in enumerate(days)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        for (x, y), d in zip(points, days, strict=True):
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
                f"<title>{_t(d['date'])} · {_t(label)}: {d[k]}</title></circle>"
            )
    legend = [(PALETTE[(j * 5) % len(PALETTE)], label) for j, (_, label) in enumerate(series)]
    rows = [[d["date"], *[d[k] for k, _ in series]] for d in days]
    header = [date_label, *[label for _, label in series]]
    return Chart(key, title, _svg(width, height, body, title), header, rows, legend)


def hbars(key: str, title: str, items: list[tuple[str, int]], header: list[str]) -> Chart:
    """Simple horizontal bars, one per (label, value)."""
    left, wrapped, row_h = _label_column([label for label, _ in items])
    right, width = 60, 640
    height = max(row_h * len(items) + 10, 40)
    top = _nice_max(max((v for _, v in items), default=0))
    plot_w = width - left - right
    body = []
    for i, ((label, v), lines) in enumerate(zip(items, wrapped, strict=True)):
        mid = 4 + i * row_h + (row_h - 4) / 2
        w = plot_w * v / top
        body.append(
            _label(lines, left - 6, mid, "end", label)
            + f'<rect x="{left:.1f}" y="{mid - 8:.1f}" width="{w:.1f}" height="16" '
            f'fill="{PALETTE[i % len(PALETTE)]}"><title>{_t(label)}: {v}</title></rect>'
            f'<text x="{left + w + 4:.1f}" y="{mid + 4:.1f}">{v}</text>'
        )
    rows = [[label, v] for label, v in items]
    return Chart(key, title, _svg(width, height, body, title), header, rows)


def flow_diagram(
    key: str,
    title: str,
    columns: list[list[tuple[str, str, int]]],
    links: list[tuple[str, str, int, int]],
    header: list[str],
    *,
    rtl: bool = False,
) -> Chart:
    """A flow of ``columns`` of nodes (id, label, figure) and ``links`` (from id, to id, received, on
    the way) drawn as bands whose width follows the number of persons. It reads left to right, or
    right to left when ``rtl`` (the first column on the right), like the page around it."""
    width, height = 640, 260
    col_w = 96
    gap = (width - col_w * len(columns)) / max(len(columns) - 1, 1)
    biggest = max([n for col in columns for *_, n in col] + [1])
    band_max = 34.0
    pos: dict[str, tuple[float, float]] = {}
    body = []
    for c, col in enumerate(columns):
        x = c * (col_w + gap)
        if rtl:
            x = width - col_w - x
        slot = (height - 10) / max(len(col), 1)
        for r, (node, label, n) in enumerate(col):
            y = 5 + r * slot
            box_h = min(slot - 8, 54)
            mid = y + box_h / 2
            pos[node] = (x, mid)
            lines = wrap(label, col_w - 8)
            # The label above the figure; a label of two lines moves up to keep the three centred.
            first = mid - 3 - 7 * (len(lines) - 1)
            figure_y = first + LINE_H * (len(lines) - 1) + (15 if len(lines) == 1 else LINE_H)
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{col_w}" height="{box_h:.1f}" rx="4" '
                f'fill="#eef3f9" stroke="#0b5cad" data-node="{_t(node)}">'
                f"<title>{_t(label)}: {n}</title></rect>"
                + _lines(lines, x + col_w / 2, first, "middle", label)
                + f'<text x="{x + col_w / 2:.1f}" y="{figure_y:.1f}" '
                f'text-anchor="middle" font-weight="700">{n}</text>'
            )
    names = {node: label for col in columns for node, label, _ in col}
    rows = []
    for a, b, received, open_ in links:
        if a not in pos or b not in pos or not (received or open_):
            continue
        (x0, y0), (x1, y1) = pos[a], pos[b]
        # From the side of the box facing the next column to the facing side of the next box.
        if rtl:
            x1 += col_w
        else:
            x0 += col_w
        total = received + open_
        w = max(1.5, band_max * total / biggest)
        mid = (x0 + x1) / 2
        body.insert(
            0,
            f'<path d="M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f}" '
            f'fill="none" stroke="{PALETTE[0] if not open_ else PALETTE[1]}" stroke-opacity="0.45" '
            f'stroke-width="{w:.1f}"><title>{received} + {open_}</title></path>',
        )
        rows.append([names[a], names[b], received, open_])
    return Chart(key, title, _svg(width, height, body, title), header, rows)


def occupancy_percent(population: int, capacity: int | None) -> int | None:
    """Occupancy in whole percent, never rounded to 100 from either side: a camp one person over
    its capacity (221 of 220) reads 101 %, not 100 %, and one under (219 of 220) 99 %."""
    if not capacity:
        return None
    if population > capacity:
        return max(101, round(100 * population / capacity))
    if population < capacity:
        return min(99, round(100 * population / capacity))
    return 100
