"""Charts drawn on the server as SVG: no script, no CDN, readable without colour.

Presentation attributes only (no style attributes), so the strict
Content-Security-Policy holds. A chart is drawn while its page is, so its
figures and words are in the page's language: the caller hands over the title
and the series' and rounds' names already translated."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from flask_babel import gettext
from markupsafe import Markup

from core.i18n import format_percent


@dataclass(frozen=True)
class Point:
    label: str
    value: float
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Series:
    name: str
    points: Sequence[Point]
    colour: str


def share_trend_chart(series: Sequence[Series], *, title: str, width: int = 640, height: int = 260) -> Markup:
    """A line chart of shares (0–1) over rounds, with 95% intervals drawn as whiskers.

    The legend has a line per series under the round labels: side by side, two
    long names ran into each other once a phone's larger type is applied."""
    legend_line = 22
    left, right, top, bottom = 48, 48, 24, 36 + legend_line * len(series)
    height += legend_line * max(len(series) - 1, 0)
    plot_w, plot_h = width - left - right, height - top - bottom
    labels = list(dict.fromkeys(p.label for s in series for p in s.points))
    step = plot_w / max(len(labels) - 1, 1)

    def x(label: str) -> float:
        return left + (labels.index(label) * step if len(labels) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return top + plot_h * (1 - max(0.0, min(1.0, value)))

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>']
    for tick in (0, 0.25, 0.5, 0.75, 1):
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                     f'stroke="#d9dde5" stroke-width="1"/>')
        parts.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11" '
                     f'fill="#5b6474">{format_percent(tick)}</text>')
    for label in labels:
        parts.append(f'<text x="{x(label):.1f}" y="{height - bottom + 24}" text-anchor="middle" font-size="11" '
                     f'fill="#5b6474">{escape(label)}</text>')
    for index, line in enumerate(series):
        points = list(line.points)
        if len(points) > 1:
            path = " ".join(f"{x(p.label):.1f},{y(p.value):.1f}" for p in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{line.colour}" stroke-width="2.5"/>')
        for p in points:
            if p.low is not None and p.high is not None:
                parts.append(f'<line x1="{x(p.label):.1f}" x2="{x(p.label):.1f}" y1="{y(p.low):.1f}" '
                             f'y2="{y(p.high):.1f}" stroke="{line.colour}" stroke-width="1.5" opacity="0.6"/>')
            # TRANSLATORS: the words shown on a point of a trend chart: "Support Round 2: 64%".
            point = gettext("%(series)s %(round)s: %(share)s", series=line.name, round=p.label,
                            share=format_percent(p.value))
            parts.append(f'<circle cx="{x(p.label):.1f}" cy="{y(p.value):.1f}" r="4" fill="{line.colour}">'
                         f'<title>{escape(point)}</title></circle>')
        # Under the round labels (24 below the plot), a line per series.
        legend_y = height - bottom + 46 + legend_line * index
        parts.append(f'<rect x="{left}" y="{legend_y - 5}" width="12" height="4" fill="{line.colour}"/>'
                     f'<text x="{left + 16}" y="{legend_y}" font-size="11" fill="#1d2330">'
                     f'{escape(line.name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
