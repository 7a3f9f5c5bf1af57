"""The bargaining summary as Markdown, CSV and PDF (the HTML page is a template).

Every export carries the same content as the page. Member-written text is
escaped for each format: Markdown and HTML markup is neutralised, and CSV
cells that a spreadsheet would read as a formula are prefixed with a quote."""

from __future__ import annotations

import csv
import io
import re

from fpdf import FPDF

from organizer.bargaining.summary import BargainingSummary, SummaryItem
from organizer.strength.card import percent
from organizer.strength.metrics import Backing

#: What Markdown (and the HTML it may carry) would read as markup anywhere in a line: escaped in
#: every text that is not the summary's own. Text never starts a line, so list and heading markers
#: cannot take effect and need no escaping.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~])")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def backing_text(backing: Backing) -> str:
    if not backing.is_known:
        return backing.note
    return (f"{percent(backing.weight)} backing from {backing.answers} coworkers "
            f"(mean agreement {backing.mean_agreement:.1f} of 5)")


def response_text(item: SummaryItem) -> str:
    demand = item.demand
    if demand.employer_response is None:
        return "No answer recorded"
    note = f": {demand.employer_response_note}" if demand.employer_response_note else ""
    return f"{demand.employer_response.label}{note} ({demand.responded_on})"


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
        out += ["", "| Round closed | Answered yes | Participation |", "|---|---:|---:|"]
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
    return [f"{rank}. **{_md(d.text)}**",
            f"   - {d.tier.label} · rests on {d.basis.value} · {_md(raised_text(item))} · score {item.score:.2f}",
            f"   - Coworker backing: {_md(backing_text(item.backing))}",
            f"   - Employer's answer: {_md(response_text(item))}"]


# -- CSV ------------------------------------------------------------------------------------------

CSV_COLUMNS = ["section", "category", "rank", "text", "kind", "tier", "basis", "raised_by", "named",
               "backing_weight", "backing_answers", "score", "employer_response", "employer_response_note",
               "responded_on"]


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A cell starting like a formula would run in a spreadsheet: keep it text.
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(summary: BargainingSummary) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    sections = [(s.category.label, s.items, "demand") for s in summary.demand_sections]
    sections.append(("", summary.questions, "question"))
    for category, items, section in sections:
        for rank, item in enumerate(items, 1):
            d = item.demand
            writer.writerow([_cell(v) for v in (
                section, category or d.category.label, rank, d.text, d.kind.value, d.tier.value, d.basis.value,
                item.raised_by, "; ".join(item.attributed_to),
                f"{item.backing.weight:.3f}" if item.backing.is_known else "",
                item.backing.answers if item.backing.is_known else "", f"{item.score:.3f}",
                d.employer_response.value if d.employer_response else "no_answer",
                d.employer_response_note, d.responded_on)])
    return buffer.getvalue()


# -- PDF ------------------------------------------------------------------------------------------

class _SummaryPDF(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.title_text = title
        # The built-in fonts cover Windows-1252 (Western European text, curly quotes,
        # dashes); anything else is replaced, which the PDF says on its first page.
        self.core_fonts_encoding = "windows-1252"
        self.set_auto_page_break(auto=True, margin=16)
        self.set_title(title)
        self.set_creator("Leverage")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("helvetica", size=8)
        self.cell(0, 6, _pdf_text(f"{self.title_text} · page {self.page_no()}"), align="C")


def _pdf_text(text: str) -> str:
    return str(text).encode("cp1252", "replace").decode("cp1252")


def to_pdf(summary: BargainingSummary) -> bytes:
    pdf = _SummaryPDF(f"Bargaining summary: {summary.unit.name}")
    pdf.add_page()
    width = pdf.epw

    def heading(text: str, size: int = 14) -> None:
        pdf.set_font("helvetica", "B", size)
        pdf.multi_cell(width, size * 0.5, _pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    def para(text: str, *, bold: bool = False, size: int = 10, indent: float = 0) -> None:
        pdf.set_font("helvetica", "B" if bold else "", size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(width - indent, size * 0.5, _pdf_text(text), new_x="LMARGIN", new_y="NEXT")

    heading(f"Bargaining summary: {summary.unit.name}", 18)
    para(f"{summary.unit.union.name} · generated {summary.generated_on}")
    para("Characters outside Western European text are shown as '?' here; the HTML, Markdown and CSV "
         "exports keep them.", size=8)
    pdf.ln(3)
    heading("Strength")
    for label, value in strength_lines(summary):
        para(f"{label}: {value}")
    rows = trend_rows(summary)
    if rows:
        pdf.ln(2)
        para("Trend by round (closed · answered yes · participation):", bold=True)
        for label, yes, part in rows:
            para(f"{label} · {yes} · {part}", indent=4)
    pdf.ln(3)
    heading("Counts per tier")
    for tier, (d, q) in summary.tier_counts.items():
        para(f"{tier.label}: {d} demands, {q} questions")
    pdf.ln(3)
    heading("Demands")
    para(summary.score_rule, size=8)
    for section in summary.demand_sections:
        pdf.ln(2)
        heading(section.category.label, 12)
        for rank, item in enumerate(section.items, 1):
            _pdf_item(para, rank, item)
    pdf.ln(3)
    heading("Questions to the employer")
    for rank, item in enumerate(summary.questions, 1):
        _pdf_item(para, rank, item)
    if not summary.questions:
        para("None.")
    pdf.ln(3)
    heading("Comments released from the latest pulse")
    for comment in summary.comments:
        para(f"- {comment}")
    if not summary.comments:
        para("None released.")
    return bytes(pdf.output())


def _pdf_item(para, rank: int, item: SummaryItem) -> None:
    d = item.demand
    para(f"{rank}. {d.text}", bold=True)
    para(f"{d.tier.label} · rests on {d.basis.value} · {raised_text(item)} · score {item.score:.2f}", indent=5, size=9)
    para(f"Coworker backing: {backing_text(item.backing)}", indent=5, size=9)
    para(f"Employer's answer: {response_text(item)}", indent=5, size=9)
