"""The PDF summary reads like a document in every script the unit writes: its
fonts are embedded, Arabic, Chinese, Hindi and accented Latin names and demands
come back out of it as written (no "?" put in their place, no glyph missing),
a character no font holds is marked and explained rather than dropped, long
words wrap inside their cells, and it carries the trend chart and page numbers."""

from __future__ import annotations

import dataclasses
import logging
import re
import zlib

import pytest

from core.charts import Point, Series, share_trend_chart
from core.i18n import format_day
from core.extensions import db
from organizer.accounts import services as accounts
from organizer.bargaining import exports, summary
from organizer.charting.models import BargainingUnit
from organizer.demands import services as demands
from organizer.demands.models import Basis, Category, DemandKind, EmployerResponse, Tier
from organizer.roles import Role
from surveys.results import Trend
from tests import factories
from tests.organizer.bargaining.pdf_reading import read_pdf

#: One member per script: (display name, demand, the employer's answer). Each fits on one line of
#: its cell, and the Arabic holds no lām-alif, which prints as one joined letter and so would not
#: read back letter by letter.
SCRIPTS = {
    "arabic": ("فاطمة الزهراء", "هل ستدفعون بدل الليل؟", "سندرس الطلب"),
    "chinese": ("王小明", "你们会提高夜班工资吗？", "明年再谈"),
    "hindi": ("अनीता शर्मा", "क्या आप भत्ता देंगे?", "अगले साल"),
    "latin": ("Zoë Ñúñez-Łukasiewicz", "Will Ångström’s crew be paid?", "Déjà prévu"),
}

A4_WIDTH_PT = 595.28
RIGHT_MARGIN_PT = 15 * 72 / 25.4


@pytest.fixture
def steward_and_unit(app_ctx, world):
    return accounts.find_account_by_email(world.steward), db.session.get(BargainingUnit, world.unit_id)


def _member(unit: BargainingUnit, name: str):
    return factories.create_account(Role.MEMBER, unit=unit, display_name=name)


def _demand(author, text: str, *, category=Category.PAY):
    return demands.create_demand(author, demands.DemandDetails(
        kind=DemandKind.DEMAND, tier=Tier.PRIORITY, basis=Basis.COLLECTIVE, category=category, text=text,
        is_attributable=True))


def _squeezed(text: str) -> str:
    """Without white space: lines wrap where the cell ends, and a wrap drops its space."""
    return re.sub(r"\s+", "", text)


def _fpdf_complaints(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records
            if record.name.startswith("fpdf") and record.levelno >= logging.WARNING]


def test_names_and_demands_in_every_script_come_back_out_of_the_pdf(steward_and_unit, caplog):
    steward, unit = steward_and_unit
    for name, text, note in SCRIPTS.values():
        demands.record_response(steward, _demand(_member(unit, name), text), EmployerResponse.PARTLY, note)
    caplog.set_level(logging.WARNING)
    pdf = exports.to_pdf(summary.build(steward, unit))

    assert _fpdf_complaints(caplog) == [], "the PDF library found a glyph missing, or a part it could not draw"
    reading = read_pdf(pdf)
    families = {name.split("+")[-1] for name in reading.embedded}
    assert {"DejaVuSansBook", "DejaVuSansBold", "NotoSansDevanagari", "NotoSansSC"} <= families
    assert set(reading.fonts.values()) <= reading.embedded, "a font is used but not embedded"
    text = _squeezed(reading.text)
    for script in ("chinese", "hindi", "latin"):
        for words in SCRIPTS[script]:
            assert _squeezed(words) in text, f"{script}: {words!r} does not read back"
    for words in SCRIPTS["arabic"]:
        # Drawn right to left: read in drawing order, the letters come reversed.
        assert _squeezed(words)[::-1] in text, f"arabic: {words!r} is not laid out right to left"
    assert "?" * 2 not in text and exports.MISSING_MARK not in text
    assert "no font in this file holds" not in text


def test_an_arabic_note_leaves_the_day_before_it_in_order(steward_and_unit):
    steward, unit = steward_and_unit
    demand = _demand(_member(unit, "Amal"), "Will you pay nights extra?")
    demands.record_response(steward, demand, EmployerResponse.REFUSES, "لن ندفع")
    text = _squeezed(read_pdf(exports.to_pdf(summary.build(steward, unit))).text)
    # The label and the day read left to right, brackets the right way round; the Arabic right to left.
    day = _squeezed(format_day(demand.latest_answer.recorded_on))
    assert f"Refuses({day}):{_squeezed('لن ندفع')[::-1]}" in text


def test_a_character_no_font_holds_is_marked_and_explained(steward_and_unit, caplog):
    steward, unit = steward_and_unit
    _demand(_member(unit, "Kavya 🙂"), "Will you print the rota in தமிழ் too?")
    caplog.set_level(logging.WARNING)
    text = read_pdf(exports.to_pdf(summary.build(steward, unit))).text

    assert _fpdf_complaints(caplog) == []
    squeezed = _squeezed(text)
    assert f"Kavya{exports.MISSING_MARK}" in squeezed, "the emoji vanished without a mark"
    assert "Willyouprinttherotain" in squeezed and "too?" in squeezed
    assert _squeezed(str(exports.MISSING_NOTE)) in squeezed


def test_a_word_of_120_letters_wraps_inside_its_cell(steward_and_unit):
    steward, unit = steward_and_unit
    word = "Nachtschichtzulagenberechnungsgrundlagen" * 3
    demand = _demand(_member(unit, "Ü" + "x" * 60), f"Will you publish the {word}? When?")
    demands.record_response(steward, demand, EmployerResponse.REFUSES, "Nein: " + word)

    reading = read_pdf(exports.to_pdf(summary.build(steward, unit)))
    assert len(word) == 120
    assert _squeezed(reading.text).count(word) == 2, "the long word lost letters"
    assert not any(word in line for line in reading.lines), "the long word was not wrapped"
    assert reading.text_x and max(reading.text_x) < A4_WIDTH_PT - RIGHT_MARGIN_PT, "text runs past the margin"


def test_the_pdf_draws_the_trend_chart_and_numbers_its_pages(steward_and_unit, caplog):
    steward, unit = steward_and_unit
    for n in range(14):  # enough for more than one page
        _demand(_member(unit, f"Member {n}"), f"Will you fix problem number {n} on the floor, and how soon?",
                category=list(Category)[n % 4])
    rounds = [Point("2026-10-08", 0.55, 0.4, 0.7), Point("2026-11-05", 0.75, 0.6, 0.86)]
    chart = share_trend_chart([Series("Answered yes", rounds, "#8a1c2b"), Series("Participation", rounds, "#1a5fb4")],
                              title="Support and participation by round")
    built = dataclasses.replace(summary.build(steward, unit), trend=Trend(2, rounds, rounds), trend_chart=chart)
    caplog.set_level(logging.WARNING)

    pdf = exports.to_pdf(built)
    assert _fpdf_complaints(caplog) == [], "part of the chart could not be drawn"
    reading = read_pdf(pdf)
    assert reading.page_count >= 2
    for page in range(1, reading.page_count + 1):
        assert f"page {page} of {reading.page_count}" in reading.text
    assert "Participation" in reading.text and "2026-11-05" in reading.text and "75%" in reading.text
    # The chart's line is stroked in its series' colour, #8a1c2b.
    strokes = {tuple(round(float(v), 2) for v in m) for stream in _content_streams(pdf)
               for m in re.findall(rb"([\d.]+) ([\d.]+) ([\d.]+) RG", stream)}
    assert (0.54, 0.11, 0.17) in strokes
    assert "Helvetica" not in reading.fonts.values(), "the chart's labels used a font that is not embedded"


def _content_streams(pdf: bytes) -> list[bytes]:
    streams = []
    for data in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            streams.append(zlib.decompress(data))
        except zlib.error:
            continue
    return streams
