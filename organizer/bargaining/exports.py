"""The bargaining summary as Markdown, CSV and PDF (the HTML page is a template).

Every export carries the same content as the page. Member-written text is
escaped for each format: Markdown and HTML markup is neutralised, and CSV
cells that a spreadsheet would read as a formula are prefixed with a quote.

The PDF is a document to hand across the table: a title block, the strength
card as a small table, the trend chart, each category's demands as a table,
page numbers. It embeds free fonts (`core/fonts/README.md`, through `core.pdf`) with text shaping, so
names and demands print in every script the unit writes: Latin with its
accents, Arabic joined and right to left, Devanagari with its conjuncts,
Chinese. Its text is never markup: no member can make a link or bold type in it."""

from __future__ import annotations

import csv
import io
import re

from fpdf import FPDF
from fpdf.fonts import FontFace

from core import pdf as pdf_text
from core.pdf import BODY_FONT, MISSING_MARK
from organizer.bargaining.summary import BargainingSummary, RankedItems, SummaryAnswer, SummaryItem
from organizer.demands.models import EmployerResponse
from organizer.strength.card import percent
from organizer.strength.metrics import Backing

#: What Markdown (and the HTML it may carry) would read as markup anywhere in a line: escaped in
#: every text that is not the summary's own. Text never starts a line, so list and heading markers
#: cannot take effect and need no escaping.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~])")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def backing_text(backing: Backing) -> str:
    """The coworker backing in the words of its presenter (`organizer.strength.card`)."""
    return backing.words.line


def answer_text(answer: SummaryAnswer) -> str:
    """One recorded answer: what the employer said, the day, and how.

    The note comes last, after the day: written in Arabic or Hebrew, text that followed it
    would be drawn into its right-to-left run (the day's brackets turned around)."""
    day = f"{answer.response.label} ({answer.recorded_on})"
    return f"{day}: {answer.note}" if answer.note else day


def response_text(item: SummaryItem) -> str:
    """The employer's answer now: the latest one recorded."""
    latest = item.demand.latest_answer
    return answer_text(latest) if latest is not None else "No answer recorded"


def earlier_texts(item: SummaryItem) -> list[str]:
    """The answers before the latest, newest first."""
    return [answer_text(answer) for answer in item.demand.earlier_answers]


def raised_text(item: SummaryItem) -> str:
    named = f"; named with permission: {', '.join(item.attributed_to)}" if item.attributed_to else ""
    members = "1 member" if item.raised_by == 1 else f"{item.raised_by} members"
    return f"raised by {members}{named}"


def strength_lines(summary: BargainingSummary) -> list[tuple[str, str]]:
    """The strength card, in the words the page shows it with (`organizer.strength.card`)."""
    return summary.strength.card.lines()


def trend_rows(summary: BargainingSummary) -> list[tuple[str, str, str]]:
    """(round, support, participation) per released round of the latest pulse."""
    if summary.trend is None:
        return []
    support = {p.label: p for p in summary.trend.support}
    rows = []
    for point in summary.trend.participation:
        yes = support.get(point.label)
        rows.append((point.label, percent(yes.value) if yes else "withheld", percent(point.value)))
    return rows


# -- Markdown -------------------------------------------------------------------------------------

def _md(text: str) -> str:
    """Member text as literal Markdown: markup characters escaped, one line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def to_markdown(summary: BargainingSummary) -> str:
    out = [f"# Bargaining summary: {_md(summary.unit.name)}", "",
           f"{_md(summary.unit.union.name)} · generated {summary.generated_on}", "", "## Strength", ""]
    out += [f"- **{label}:** {_md(value)}" for label, value in strength_lines(summary)]  # holds a pulse title
    rows = trend_rows(summary)
    if rows:
        out += ["", "| Round closed | Answered yes | Answered, of those asked |", "|---|---:|---:|"]
        out += [f"| {label} | {yes} | {part} |" for label, yes, part in rows]
    out += ["", "## Counts per tier", "", "| Tier | Demands | Questions |", "|---|---:|---:|"]
    out += [f"| {tier.label} | {d} | {q} |" for tier, (d, q) in summary.tier_counts.items()]
    out += ["", "## Demands", "", f"_{_md(summary.score_rule)}_"]
    for section in summary.demand_sections:
        out += ["", f"### {_md(section.category.label)}", ""]
        for rank, item in enumerate(section.items, 1):
            out += _markdown_item(rank, item)
    out += ["", "## Questions to the employer", ""]
    for rank, item in enumerate(summary.questions, 1):
        out += _markdown_item(rank, item)
    if not summary.questions:
        out.append("None.")
    out += ["", "## Comments released from the latest pulse", ""]
    out += [f"- {_md(comment)}" for comment in summary.comments] or ["None released."]
    return "\n".join(out) + "\n"


def _markdown_item(rank: int, item: SummaryItem) -> list[str]:
    d = item.demand
    lines = [f"{rank}. **{_md(d.text)}**",
             f"   - {d.tier.label} · {d.basis.rests_on} · {_md(raised_text(item))} · score {item.score:.2f}",
             f"   - Coworker backing: {_md(backing_text(item.backing))}",
             f"   - Employer's answer: {_md(response_text(item))}"]
    earlier = earlier_texts(item)
    if earlier:
        lines.append(f"   - Earlier answers: {'; '.join(_md(text) for text in earlier)}")
    return lines


# -- CSV ------------------------------------------------------------------------------------------

CSV_COLUMNS = ["section", "category", "rank", "text", "kind", "tier", "basis", "raised_by", "named",
               "backing_weight", "backing_answers", "backing_agree", "score", "employer_response", "employer_response_note",
               "responded_on", "earlier_responses"]


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A cell starting like a formula would run in a spreadsheet: keep it text.
    return "'" + text if text.startswith(_FORMULA_START) else text


def _earlier_cell(item: SummaryItem) -> str:
    """Earlier answers, newest first, one a line: "2026-10-01 refuses: Not this year"."""
    return "\n".join(f"{a.recorded_on} {a.response.value}" + (f": {a.note}" if a.note else "")
                     for a in item.demand.earlier_answers)


def to_csv(summary: BargainingSummary | RankedItems) -> str:
    """The items, one row each (the CSV holds nothing else: a summary's ranked items are enough)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    sections = [(s.category.label, s.items, "demand") for s in summary.demand_sections]
    sections.append(("", summary.questions, "question"))
    for category, items, section in sections:
        for rank, item in enumerate(items, 1):
            d, latest = item.demand, item.demand.latest_answer
            writer.writerow([_cell(v) for v in (
                section, category or d.category.label, rank, d.text, d.kind.value, d.tier.value, d.basis.value,
                item.raised_by, "; ".join(item.attributed_to),
                f"{item.backing.weight:.3f}" if item.backing.is_known else "",
                item.backing.answers if item.backing.is_known else "",
                item.backing.agree if item.backing.is_known else "", f"{item.score:.3f}",
                latest.response.value if latest else "no_answer", latest.note if latest else None,
                latest.recorded_on if latest else None, _earlier_cell(item))])
    return buffer.getvalue()


# -- PDF ------------------------------------------------------------------------------------------

MISSING_NOTE = (f"{MISSING_MARK} stands for a character that no font in this file holds, such as an emoji; "
                "the summary page and the Markdown and CSV downloads keep it.")

_INK, _MUTED, _RULE = (29, 35, 48), (91, 100, 116), (200, 205, 214)

#: A light tint behind each answer, so the table reads at a glance; the words say it without colour.
_ANSWER_TINT = {EmployerResponse.SUPPORTS: (225, 242, 228), EmployerResponse.PARTLY: (252, 241, 214),
                EmployerResponse.REFUSES: (250, 224, 224), EmployerResponse.NO_ANSWER: (236, 238, 242)}

#: Column widths (mm) of an item table on A4 with 15 mm margins: 180 mm in all.
_ITEM_COLUMNS = (7, 57, 22, 26, 29, 39)

_ITEM_HEADINGS = ["#", "Demand", "Tier", "Raised by", "Coworker backing", "Employer's answer"]

#: Elements of the page's chart that the PDF's drawing of it does not take (they are for screen readers).
_SVG_TITLE = re.compile(r"<title>.*?</title>", re.S)


class _SummaryPDF(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=18)
        self._covered = pdf_text.embed_fonts(self)
        #: Whether some character was printed as MISSING_MARK.
        self.marked_missing = False
        self.title_text = self.printable(title)
        self.set_title(title)
        self.set_creator("Leverage")
        self.set_text_color(*_INK)
        self.set_draw_color(*_RULE)

    def printable(self, text: str) -> str:
        """The text with every character no embedded font holds replaced by MISSING_MARK."""
        shown = pdf_text.printable(text, self._covered)
        if shown.count(MISSING_MARK) > str(text).count(MISSING_MARK):
            self.marked_missing = True
        return shown

    def close_fonts(self) -> None:
        pdf_text.close_fonts(self)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(BODY_FONT, size=8)
        self.set_text_color(*_MUTED)
        self.multi_cell(0, 4, f"{self.title_text} · page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(*_INK)

    def heading(self, text: str, size: int = 14, space_before: float = 5, keep_with: float = 25) -> None:
        """A heading, never left at the foot of a page: `keep_with` mm of what follows go with it."""
        if self.will_page_break(space_before + size * 0.5 + keep_with):
            self.add_page()
        else:
            self.ln(space_before)
        self.set_font(BODY_FONT, "B", size)
        self.multi_cell(0, size * 0.5, self.printable(text), new_x="LMARGIN", new_y="NEXT", align=pdf_text.align(text))
        self.ln(1.5)

    def para(self, text: str, *, size: float = 10, muted: bool = False, bold: bool = False) -> None:
        self.set_font(BODY_FONT, "B" if bold else "", size)
        if muted:
            self.set_text_color(*_MUTED)
        self.multi_cell(0, size * 0.48, self.printable(text), new_x="LMARGIN", new_y="NEXT", align=pdf_text.align(text))
        self.set_text_color(*_INK)

    def table_of(self, col_widths, *, size: float = 9, headings: list[str] | None = None):
        """A table of plain text (never markup) that wraps every cell, however long its words."""
        self.set_font(BODY_FONT, size=size)
        table = self.table(col_widths=col_widths, width=sum(col_widths), align="LEFT", text_align="LEFT",
                           line_height=size * 0.5, padding=(1.2, 1.5), v_align="TOP",
                           borders_layout="HORIZONTAL_LINES", first_row_as_headings=headings is not None,
                           headings_style=FontFace(emphasis="BOLD", color=_MUTED))
        return _Table(self, table, headings)


class _Table:
    """An fpdf2 table whose cells pass through `printable` and align with their own script."""

    def __init__(self, pdf: _SummaryPDF, table_context, headings: list[str] | None) -> None:
        self.pdf, self._context, self._headings = pdf, table_context, headings

    def __enter__(self) -> _Table:
        self._table = self._context.__enter__()
        if self._headings is not None:
            self.row(self._headings)
        return self

    def __exit__(self, *exc) -> None:
        self._context.__exit__(*exc)

    def row(self, texts: list[str], styles: dict[int, FontFace] | None = None) -> None:
        row = self._table.row()
        for index, text in enumerate(texts):
            row.cell(self.pdf.printable(text), align=pdf_text.align(text), style=(styles or {}).get(index))


def to_pdf(summary: BargainingSummary) -> bytes:
    pdf = _render(summary, explain_missing=False)
    if pdf.marked_missing:
        # Known only once every text is printed: the note goes under the title, so a second pass.
        pdf.close_fonts()
        pdf = _render(summary, explain_missing=True)
    try:
        return bytes(pdf.output())
    finally:
        pdf.close_fonts()


def _render(summary: BargainingSummary, *, explain_missing: bool) -> _SummaryPDF:
    pdf = _SummaryPDF(f"Bargaining summary: {summary.unit.name}")
    pdf.add_page()
    _pdf_title(pdf, summary)
    if explain_missing:
        pdf.ln(2)
        pdf.para(MISSING_NOTE, size=8, muted=True)
    _pdf_strength(pdf, summary)
    _pdf_trend(pdf, summary)
    pdf.heading("Counts per tier", keep_with=8 + 6 * len(summary.tier_counts))
    with pdf.table_of((60, 30, 30), headings=["Tier", "Demands", "Questions"]) as table:
        for tier, (demand_count, question_count) in summary.tier_counts.items():
            table.row([tier.label, str(demand_count), str(question_count)])
    pdf.heading("Demands")
    pdf.para(summary.score_rule, size=8, muted=True)
    for section in summary.demand_sections:
        pdf.heading(section.category.label, 12, space_before=4)
        _pdf_items(pdf, section.items)
    if not summary.demand_sections:
        pdf.para("No demands yet.")
    pdf.heading("Questions to the employer")
    if summary.questions:
        _pdf_items(pdf, summary.questions)
    else:
        pdf.para("None.")
    pdf.heading("Comments released from the latest pulse")
    for comment in summary.comments:
        pdf.para(f"• {comment}")
        pdf.ln(1)
    if not summary.comments:
        pdf.para("None released.")
    pdf.para("Comments are released only in a shuffled batch, and only when enough people answered.",
             size=8, muted=True)
    return pdf


def _pdf_title(pdf: _SummaryPDF, summary: BargainingSummary) -> None:
    pdf.para("BARGAINING SUMMARY", size=9, muted=True, bold=True)
    pdf.ln(1)
    pdf.set_font(BODY_FONT, "B", 20)
    pdf.multi_cell(0, 9, pdf.printable(summary.unit.name), new_x="LMARGIN", new_y="NEXT",
                   align=pdf_text.align(summary.unit.name))
    pdf.ln(1)
    pdf.para(f"{summary.unit.union.name} · generated {summary.generated_on}", muted=True)
    pdf.ln(2)
    pdf.set_line_width(0.4)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.set_line_width(0.2)


def _pdf_strength(pdf: _SummaryPDF, summary: BargainingSummary) -> None:
    pdf.heading("Strength")
    label_style = FontFace(emphasis="BOLD", color=_MUTED)
    with pdf.table_of((42, 138)) as table:
        for label, text in strength_lines(summary):
            table.row([label, text], styles={0: label_style})


def _pdf_trend(pdf: _SummaryPDF, summary: BargainingSummary) -> None:
    rows = trend_rows(summary)
    if not rows:
        return
    pdf.heading("Trend across pulse rounds", keep_with=80 if summary.trend_chart is not None else 25)
    if summary.trend_chart is not None:
        # The page's own chart, drawn as vectors, its labels in the body font rather than a
        # built-in one: every letter in the file comes from an embedded font.
        svg = _SVG_TITLE.sub("", str(summary.trend_chart)).replace("<svg ", f'<svg font-family="{BODY_FONT}" ', 1)
        pdf.image(io.BytesIO(svg.encode()), w=pdf.epw)
        pdf.ln(2)
    with pdf.table_of((50, 40, 40), headings=["Round closed", "Answered yes", "Answered, of those asked"]) as table:
        for row in rows:
            table.row(list(row))


def _pdf_items(pdf: _SummaryPDF, items: list[SummaryItem]) -> None:
    with pdf.table_of(_ITEM_COLUMNS, size=8.5, headings=_ITEM_HEADINGS) as table:
        for rank, item in enumerate(items, 1):
            d, latest = item.demand, item.demand.latest_answer
            raised = "1 member" if item.raised_by == 1 else f"{item.raised_by} members"
            answer = answer_text(latest) if latest is not None else "No answer recorded"
            if d.earlier_answers:
                answer += "\nEarlier:\n" + "\n".join(answer_text(a) for a in d.earlier_answers)
            table.row([str(rank), d.text, f"{d.tier.label}\n{d.basis.rests_on}\nscore {item.score:.2f}",
                       "\n".join([raised, *item.attributed_to]), backing_text(item.backing), answer],
                      styles={5: FontFace(fill_color=_ANSWER_TINT[latest.response])} if latest is not None else None)

