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
