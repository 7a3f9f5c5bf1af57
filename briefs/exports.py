"""The brief as Markdown and as a PDF to print and take into the meeting.

Both carry what the page carries, in the order a person needs it at the table:
what to ask for first, what they can give up, their walk-away point, the worst
cases with the answers planned, the market context, and their asks by tier.
The coaches' comments stay on the page: they are advice for before the meeting,
not words to put on the table. A brief with no asks says so plainly, and a
walk-away point not yet written is printed as such, never left out.

The person's words are never markup: Markdown's special characters are escaped
(as the bargaining summary's are) and the PDF prints plain text in the embedded
fonts of `core.pdf`, which hold Spanish and every other script the app writes.
Everything is written in the language of the request that asks for it; the
person's own words stay as they wrote them."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext
from fpdf import FPDF

from briefs.plan import TierGroup, lines_of
from briefs.services import BriefView, RiskView
from briefs.sources import BriefItem
from core import pdf as pdf_text
from core.i18n import format_day
from core.pdf import BODY_FONT

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~#])")

_INK, _MUTED, _RULE = (29, 35, 48), (91, 100, 116), (200, 205, 214)


def title() -> str:
    return gettext("Brief for the meeting")


def nothing_yet(view: BriefView) -> str:
    return gettext("There is nothing to brief yet. %(what)s", what=view.source.nothing_yet)


def no_walk_away() -> str:
    return gettext("Not written yet. Decide it before the meeting.")


def no_answer() -> str:
    return gettext("No answer planned yet.")


def item_meta(item: BriefItem) -> str:
    kind = gettext("Demand") if item.kind.value == "demand" else gettext("Question")
    return f"{kind} · {item.category.label}"


def byline(view: BriefView, on: date) -> str:
    return gettext("%(name)s · %(day)s", name=view.author_name, day=format_day(on))


# -- Markdown ---------------------------------------------------------------------------------------

def _md(text: str) -> str:
    """A person's words as literal Markdown: markup escaped, one line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _md_numbered(text: str | None, empty: str) -> list[str]:
    lines = lines_of(text)
    return [f"{number}. {_md(line)}" for number, line in enumerate(lines, 1)] or [empty]


def to_markdown(view: BriefView, on: date) -> str:
    out = [f"# {title()}", "", _md(byline(view, on)), ""]
    if not view.has_items:
        out += [nothing_yet(view), ""]
    out += [f"## {gettext('What to ask for first')}", "", *_md_numbered(view.ask_first, gettext("Nothing yet.")), ""]
    out += [f"## {gettext('What you can give up')}", "", *_md_numbered(view.trade, gettext("Nothing yet.")), ""]
    out += [f"## {gettext('Your walk-away point')}", "", _md(view.walk_away) if view.walk_away else no_walk_away(), ""]
    out += [f"## {gettext('Worst cases, planned ahead')}", ""]
    for risk in view.risks:
        out += [f"- **{_md(risk.words)}**", f"  {_md(risk.response) if risk.response else no_answer()}"]
    out.append("")
    if view.market:
        out += [f"## {gettext('Market context')}", "", *(f"- {_md(line)}" for line in view.market), ""]
    if view.by_tier:
        out += [f"## {gettext('Your asks, by importance')}", ""]
        for group in view.by_tier:
            out += [f"### {group.heading}", ""]
            out += [f"- {_md(item.text)} ({item_meta(item)})" for item in group.items]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


# -- PDF --------------------------------------------------------------------------------------------

class _BriefPDF(FPDF):
    def __init__(self, heading: str) -> None:
        super().__init__(format="A4")
        self.set_margins(16, 14, 16)
        self.set_auto_page_break(auto=True, margin=16)
        self._covered = pdf_text.embed_fonts(self)
        self.set_title(heading)
        self.set_creator("Leverage")
        self.set_text_color(*_INK)
        self.set_draw_color(*_RULE)

    def text_line(self, text: str, *, size: float = 10, bold: bool = False, muted: bool = False,
                  indent: float = 0) -> None:
        self.set_font(BODY_FONT, "B" if bold else "", size)
        if muted:
            self.set_text_color(*_MUTED)
        self.set_x(self.l_margin + indent)
        self.multi_cell(self.epw - indent, size * 0.47, pdf_text.printable(text, self._covered),
                        new_x="LMARGIN", new_y="NEXT", align=pdf_text.align(text))
        self.set_text_color(*_INK)

    def heading(self, text: str) -> None:
        if self.will_page_break(22):
            self.add_page()
        else:
            self.ln(3)
        self.text_line(text, size=12, bold=True)
        self.set_line_width(0.2)
        self.line(self.l_margin, self.get_y() + 0.5, self.w - self.r_margin, self.get_y() + 0.5)
        self.ln(2)

    def numbered(self, text: str | None, empty: str) -> None:
        lines = lines_of(text)
        for number, line in enumerate(lines, 1):
            self.text_line(f"{number}. {line}", indent=2)
            self.ln(0.8)
        if not lines:
            self.text_line(empty, muted=True)


def to_pdf(view: BriefView, on: date) -> bytes:
    pdf = _BriefPDF(title())
    try:
        pdf.add_page()
        pdf.text_line(title().upper(), size=9, bold=True, muted=True)
        pdf.ln(1)
        pdf.text_line(byline(view, on), size=14, bold=True)
        if not view.has_items:
            pdf.ln(2)
            pdf.text_line(nothing_yet(view))
        pdf.heading(gettext("What to ask for first"))
        pdf.numbered(view.ask_first, gettext("Nothing yet."))
        pdf.heading(gettext("What you can give up"))
        pdf.numbered(view.trade, gettext("Nothing yet."))
        pdf.heading(gettext("Your walk-away point"))
        pdf.text_line(view.walk_away or no_walk_away(), bold=bool(view.walk_away), muted=not view.walk_away)
        pdf.heading(gettext("Worst cases, planned ahead"))
        for risk in view.risks:
            _pdf_risk(pdf, risk)
        if view.market:
            pdf.heading(gettext("Market context"))
            for line in view.market:
                pdf.text_line(f"• {line}", indent=2)
        if view.by_tier:
            pdf.heading(gettext("Your asks, by importance"))
            for group in view.by_tier:
                _pdf_group(pdf, group)
        return bytes(pdf.output())
    finally:
        pdf_text.close_fonts(pdf)


def _pdf_risk(pdf: _BriefPDF, risk: RiskView) -> None:
    pdf.text_line(risk.words, bold=True)
    pdf.text_line(risk.response or no_answer(), indent=4, muted=not risk.response)
    pdf.ln(1.5)


def _pdf_group(pdf: _BriefPDF, group: TierGroup) -> None:
    pdf.text_line(str(group.heading), size=10.5, bold=True)
    for item in group.items:
        pdf.text_line(f"• {item.text}", indent=2)
        pdf.text_line(item_meta(item), size=8.5, muted=True, indent=5)
        if item.market_context:
            pdf.text_line(item.market_context, size=8.5, muted=True, indent=5)
    pdf.ln(1.5)
