"""The server's SVG charts write their figures the way the page's language does:
the axis' percentages and each point's words, drawn while the page is."""

from __future__ import annotations

import re

from core.charts import Point, Series, share_trend_chart


def _chart() -> str:
    return str(share_trend_chart([Series("Apoyo", [Point("Ronda 1", 0.5), Point("Ronda 2", 0.64)], "#8a1c2b")],
                                 title="Apoyo por ronda"))


def _ticks(svg: str) -> list[str]:
    return re.findall(r'text-anchor="end" font-size="11" fill="#5b6474">([^<]+)</text>', svg)


def test_a_chart_drawn_for_a_spanish_page_writes_spanish_percentages(app):
    with app.test_request_context(headers={"Accept-Language": "es"}):
        svg = _chart()
    assert _ticks(svg) == ["0\u00a0%", "25\u00a0%", "50\u00a0%", "75\u00a0%", "100\u00a0%"]
    assert "<title>Apoyo Ronda 2: 64\u00a0%</title>" in svg
    assert 'aria-label="Apoyo por ronda"' in svg


def test_in_english_the_same_chart_writes_english_percentages(app):
    with app.test_request_context():
        svg = _chart()
    assert _ticks(svg) == ["0%", "25%", "50%", "75%", "100%"]
    assert "<title>Apoyo Ronda 2: 64%</title>" in svg


def test_each_series_has_its_own_legend_line_inside_the_chart(app):
    """Side by side, two long names overlapped on a phone; stacked, none can."""
    rounds = [Point("Round 1", 0.4), Point("Round 2", 0.7)]
    names = ["Answered yes, of those who answered", "Answered, of those asked", "A third series"]
    with app.test_request_context():
        svg = str(share_trend_chart([Series(name, rounds, "#8a1c2b") for name in names], title="Trend"))
    height = float(re.search(r'viewBox="0 0 \d+ (\d+)"', svg).group(1))
    legend = {name: re.search(rf'<text x="(\d+)" y="(\d+)" font-size="11" fill="#1d2330">{re.escape(name)}</text>',
                              svg).groups() for name in names}
    xs = {x for x, _ in legend.values()}
    ys = [int(y) for _, y in legend.values()]
    assert len(xs) == 1
    assert all(later - earlier >= 20 for earlier, later in zip(ys, ys[1:]))
    round_label_y = max(int(y) for y in re.findall(r'y="(\d+)" text-anchor="middle"', svg))
    assert round_label_y < ys[0] and ys[-1] < height
