"""Charts drawn on the server as SVG: no script, no CDN, the same markup on the page, in print and in
the PDF (WeasyPrint draws inline SVG). Each chart comes with its figures as a table.

Labels and numbers are escaped here; callers pass translated labels. Time runs left to right in every
language (the page's own direction is kept for the tables and the text around the charts).
"""

from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import SafeString, mark_safe

# Okabe–Ito: told apart by readers with colour-blindness, and in greyscale print.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999", "#F0E442"]
OVER = "#b3261e"
FONT = 'font-family="Noto Sans, Noto Naskh Arabic, sans-serif"'


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
    """One horizontal bar per facility (population), a mark at its capacity, red when over."""
    row_h, left, right = 26, 190, 60
    width = 640
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
    for i, f in enumerate(facilities):
        y = 6 + i * row_h
        w = plot_w * f["population"] / top
        colour = OVER if f["over_capacity"] else PALETTE[0]
        label = f.get("label") or f["name"]
        name = label if len(label) <= 30 else label[:29] + "…"
        body.append(
            f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{_t(name)}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row_h - 10}" fill="{colour}">'
            f"<title>{_t(label)}: {f['population']} / {f['capacity'] or '—'}</title></rect>"
            f'<text x="{left + w + 4:.1f}" y="{y + 14}" fill="#1d232a">{f["population"]}</text>'
        )
        if f["capacity"]:
            cx = left + plot_w * f["capacity"] / top
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
            f"{round(100 * f['occupancy'])} %" if f["occupancy"] is not None else "—",
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
    row_h, left, right, width = 26, 190, 60, 640
    height = max(row_h * len(items) + 10, 40)
    top = _nice_max(max((v for _, v in items), default=0))
    plot_w = width - left - right
    body = []
    for i, (label, v) in enumerate(items):
        y = 4 + i * row_h
        w = plot_w * v / top
        short = label if len(label) <= 30 else label[:29] + "…"
        body.append(
            f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{_t(short)}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row_h - 10}" '
            f'fill="{PALETTE[i % len(PALETTE)]}"><title>{_t(label)}: {v}</title></rect>'
            f'<text x="{left + w + 4:.1f}" y="{y + 14}">{v}</text>'
        )
    rows = [[label, v] for label, v in items]
    return Chart(key, title, _svg(width, height, body, title), header, rows)


def flow_diagram(
    key: str,
    title: str,
    columns: list[list[tuple[str, str, int]]],
    links: list[tuple[str, str, int, int]],
    header: list[str],
) -> Chart:
    """A left-to-right flow: ``columns`` of nodes (id, label, figure) and ``links`` (from id, to id,
    received, on the way) drawn as bands whose width follows the number of persons."""
    width, height = 640, 260
    col_w = 96
    gap = (width - col_w * len(columns)) / max(len(columns) - 1, 1)
    biggest = max([n for col in columns for *_, n in col] + [1])
    band_max = 34.0
    pos: dict[str, tuple[float, float]] = {}
    body = []
    for c, col in enumerate(columns):
        x = c * (col_w + gap)
        slot = (height - 10) / max(len(col), 1)
        for r, (node, label, n) in enumerate(col):
            y = 5 + r * slot
            box_h = min(slot - 8, 54)
            pos[node] = (x, y + box_h / 2)
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{col_w}" height="{box_h:.1f}" rx="4" '
                f'fill="#eef3f9" stroke="#0b5cad"><title>{_t(label)}: {n}</title></rect>'
                f'<text x="{x + col_w / 2:.1f}" y="{y + box_h / 2 - 3:.1f}" text-anchor="middle">'
                f"{_t(label if len(label) <= 16 else label[:15] + '…')}</text>"
                f'<text x="{x + col_w / 2:.1f}" y="{y + box_h / 2 + 12:.1f}" '
                f'text-anchor="middle" font-weight="700">{n}</text>'
            )
    names = {node: label for col in columns for node, label, _ in col}
    rows = []
    for a, b, received, open_ in links:
        if a not in pos or b not in pos or not (received or open_):
            continue
        (x0, y0), (x1, y1) = pos[a], pos[b]
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
