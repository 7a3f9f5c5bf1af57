"""The brief's downloads: a PDF whose text comes back out (in English and in Spanish,
with the person's accents), and Markdown carrying each section, the person's words
escaped; both say plainly when there is nothing to brief or no walk-away point."""

from __future__ import annotations

from datetime import date

import pytest

from briefs import exports, plan
from briefs.services import BriefView, RiskView
from briefs.sources import BriefItem, BriefSource
from ontology import Category, DemandKind, Tier
from tests.briefs.conftest import FORKLIFT, HEATERS, HOW_PAID, NIGHTS, SWAP
from tests.organizer.bargaining.pdf_reading import read_pdf


def _flat(text: str) -> str:
    return " ".join(text.split())


def _pdf_text(data: bytes) -> str:
    return _flat(" ".join(read_pdf(data).lines))


@pytest.fixture
def author(app, briefing, login):
    client = login(app.test_client(), briefing.member)
    client.post("/my/briefs/member", data={
        "ask_first": f"1. {HEATERS}\n2. {NIGHTS}", "walk_away": "No deal without the heaters.",
        "response_answer_now": "Say I will answer on Monday."})
    client.post("/my/briefs/member/risks", data={"worst_case": "They bring a lawyer.", "response": "Ask for a break."})
    return client


def test_the_pdf_carries_every_section_in_order(author):
    response = author.get("/my/briefs/member/brief.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-") and "no-store" in response.headers["Cache-Control"]
    assert "attachment" in response.headers["Content-Disposition"]
    text = _pdf_text(response.data)
    order = ["BRIEF FOR THE MEETING", "What to ask for first", f"1. {HEATERS}", f"2. {NIGHTS}",
             "What you can give up", f"1. {SWAP}", "Your walk-away point", "No deal without the heaters.",
             "Worst cases, planned ahead", "They won't negotiate", "No answer planned yet.",
             "They want an answer now", "Say I will answer on Monday.", "They bring a lawyer.", "Ask for a break.",
             "Your asks, by importance", "Dealbreakers", "Priorities", HOW_PAID, "Important", FORKLIFT]
    found = [text.find(_flat(part)) for part in order]
    assert -1 not in found, [part for part, at in zip(order, found) if at == -1]
    assert found == sorted(found)


def test_the_markdown_carries_every_section_with_the_words_escaped(author):
    response = author.get("/my/briefs/member/brief.md")
    assert response.status_code == 200 and response.mimetype == "text/markdown"
    md = response.get_data(as_text=True)
    for heading in ("# Brief for the meeting", "## What to ask for first", "## What you can give up",
                    "## Your walk-away point", "## Worst cases, planned ahead", "## Your asks, by importance",
                    "### Dealbreakers", "### Priorities", "### Important", "### Nice to have",
                    "### Questions with no stake"):
        assert f"\n{heading}\n" in f"\n{md}", heading
    assert f"1. {HEATERS}\n2. {NIGHTS}\n" in md
    assert "No deal without the heaters." in md and "- **They bring a lawyer.**\n  Ask for a break." in md
    assert f"- {NIGHTS} (Demand · Pay)" in md


def _view(items, walk_away=None, risks=None, market=None) -> BriefView:
    source = BriefSource(key="test", may_keep=lambda a: True, items_of=lambda i: items, coach_refusal=lambda i, a: None,
                         items_endpoint="home.index", items_page="Home", nothing_yet="Write your demands first.",
                         who_may_coach="Anyone.")
    return BriefView(source=source, author_name="Ana *Ruiz*", items=items, by_tier=plan.grouped_by_tier(items),
                     market=market or plan.market_lines(items), ask_first=plan.as_lines(plan.suggested_first(items)),
                     ask_first_suggested=True, trade=plan.as_lines(plan.suggested_trade(items)), trade_suggested=True,
                     walk_away=walk_away, risks=risks or [RiskView(key="wont_negotiate", words="They won't negotiate",
                                                                   response=None)])


def test_a_brief_with_nothing_to_brief_and_no_walk_away_says_so(app):
    with app.test_request_context():
        view = _view([])
        md = exports.to_markdown(view, date(2026, 12, 2))
        text = _pdf_text(exports.to_pdf(view, date(2026, 12, 2)))
    for out in (md, text):
        assert "There is nothing to brief yet. Write your demands first." in out
        assert "Not written yet. Decide it before the meeting." in out
    assert "Your asks, by importance" not in md and "Market context" not in md


def test_markup_in_a_persons_words_stays_text_in_markdown(app):
    item = BriefItem(DemandKind.DEMAND, Tier.DEALBREAKER, Category.PAY, "Will you pay *double* <b>now</b> | [x](y)?",
                     market_context="Pickers: the middle of the pay is $21 to $22 an hour")
    with app.test_request_context():
        md = exports.to_markdown(_view([item], walk_away="# not a heading"), date(2026, 12, 2))
    assert r"Will you pay \*double\* \<b\>now\</b\> \| \[x\](y)?" in md
    assert r"\# not a heading" in md and "\n# not a heading" not in md
    assert "Ana \\*Ruiz\\*" in md
    assert "## Market context\n\n- Pickers: the middle of the pay is $21 to $22 an hour" in md


def test_the_pdf_in_spanish_keeps_the_accents(app):
    item = BriefItem(DemandKind.QUESTION, Tier.PRIORITY, Category.PAY, "¿Cuánto pagarán por las horas extra?")
    with app.test_request_context(headers={"Accept-Language": "es"}):
        text = _pdf_text(exports.to_pdf(_view([item], walk_away="Nada por debajo de 21 dólares; ni un céntimo menos."),
                                        date(2026, 12, 2)))
    assert "¿Cuánto pagarán por las horas extra?" in text
    assert "Nada por debajo de 21 dólares; ni un céntimo menos." in text
    assert "PLAN PARA LA REUNIÓN" in text and "BRIEF FOR THE MEETING" not in text, "the brief's own words are Spanish"


def test_the_downloads_are_the_authors_only(app, briefing, login, author):
    coach = login(app.test_client(), briefing.coach)
    # The coach's own (empty) brief is what they get at that address, never the author's.
    assert HEATERS not in coach.get("/my/briefs/member/brief.md").get_data(as_text=True)
    assert login(app.test_client(), briefing.steward).get("/my/briefs/member/brief.pdf").status_code == 403
