"""The bargaining summary as Markdown, CSV and PDF (the HTML page is a template).

Every export carries the same content as the page. Member-written text is
escaped for each format: Markdown and HTML markup is neutralised, and CSV
cells that a spreadsheet would read as a formula are prefixed with a quote.

The PDF is a document to hand across the table: a title block, the strength
card as a small table, the trend chart, each category's demands as a table,
page numbers. It embeds free fonts (`core/fonts/README.md`, through `core.pdf`) with text shaping, so
names and demands print in every script the unit writes: Latin with its
accents, Arabic joined and right to left, Devanagari with its conjuncts,
Chinese. Its text is never markup: no member can make a link or bold type in it.

Every export is written in the language of the moment: a download made as it is
sent, in the language of whoever asked; the PDF, which a job may make, inside
`core.i18n.in_language` of the language it was asked for in (`downloads`). Only
the summary's own words are translated; members' words stay as they wrote them.
The CSV is data for a spreadsheet: its headings and category names are in that
language, while its codes (kind, tier, basis, answer), days (ISO) and numbers stay
as a program reads them.

Every export carries, as the page does, the members' bargaining priorities (the
categories in their order, each with how the members ranked it, and a paragraph
saying where the order comes from; the CSV as columns of each item's category)
and the counts of the problems members reported, only as `grievances.counts`
released them (the CSV as rows of their own, section "reported", after the items)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping

from flask_babel import gettext, lazy_gettext, ngettext
from fpdf import FPDF
from fpdf.fonts import FontFace

from core import pdf as pdf_text
from core.i18n import format_day, format_decimal, format_number, format_percent
from core.pdf import BODY_FONT, MISSING_MARK
from organizer.bargaining.priorities import Priorities
from organizer.bargaining.summary import (
    QUESTIONS,
    BargainingSummary,
    RankedItems,
    SummaryAnswer,
    SummaryItem,
    priorities_text,
    priority_line,
)
from organizer.demands.models import EmployerResponse
from organizer.grievances.counts import ALL as ALL_KINDS
from organizer.grievances.counts import ReleasedCounts
from organizer.strength.metrics import Backing
from organizer.unit_surveys.pay import PayContext

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
    day = f"{answer.response.label} ({format_day(answer.recorded_on)})"
    return f"{day}: {answer.note}" if answer.note else day


def response_text(item: SummaryItem) -> str:
    """The employer's answer now: the latest one recorded."""
    latest = item.demand.latest_answer
    return answer_text(latest) if latest is not None else gettext("No answer recorded")


def earlier_texts(item: SummaryItem) -> list[str]:
    """The answers before the latest, newest first."""
    return [answer_text(answer) for answer in item.demand.earlier_answers]


def raised_text(item: SummaryItem) -> str:
    count, shown = item.raised_by, format_number(item.raised_by)
    if item.attributed_to:
        return ngettext("raised by %(shown)s member; named with permission: %(names)s",
                        "raised by %(shown)s members; named with permission: %(names)s", count,
                        shown=shown, names=", ".join(item.attributed_to))
    return ngettext("raised by %(shown)s member", "raised by %(shown)s members", count, shown=shown)


def members_text(item: SummaryItem) -> str:
    """How many members raise the item ("3 members"), for a table's cell."""
    return ngettext("%(shown)s member", "%(shown)s members", item.raised_by, shown=format_number(item.raised_by))


def score_text(item: SummaryItem) -> str:
    return gettext("score %(score)s", score=format_decimal(item.score, 2))


def strength_lines(summary: BargainingSummary) -> list[tuple[str, str]]:
    """The strength card, in the words the page shows it with (`organizer.strength.card`)."""
    return summary.strength.card.lines()


REPORTED_HEADING = lazy_gettext("Problems members reported")


def reported_lines(reported: ReleasedCounts | None) -> list[str]:
    """The released figures of members' reports, all kinds together first; none when none is released."""
    if reported is None:
        return []
    return [figure.sentence for figure in ([reported.whole] if reported.whole else []) + list(reported.kinds)]


def reported_note(reported: ReleasedCounts) -> str:
    """Why a figure may be missing, and that nothing but the count is shown (as the page says it)."""
    only_counts = gettext("Only the count is shown: what members wrote is for their stewards alone.")
    if reported.is_empty:
        nothing = gettext("Nothing to show yet: a figure is shown once at least %(k)s members stand behind it.",
                          k=reported.k)
        return f"{nothing} {reported.hidden_below} {only_counts}"
    return f"{reported.hidden_below} {only_counts}"


def trend_rows(summary: BargainingSummary) -> list[tuple[str, str, str]]:
    """(round, support, participation) per released round of the latest pulse."""
    if summary.trend is None:
        return []
    support = {p.label: p for p in summary.trend.support}
    rows = []
    for point in summary.trend.participation:
        yes = support.get(point.label)
        rows.append((point.label, format_percent(yes.value) if yes else gettext("withheld"),
                     format_percent(point.value)))
    return rows


# -- Markdown -------------------------------------------------------------------------------------

def _md(text: str) -> str:
    """Member text as literal Markdown: markup characters escaped, one line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def to_markdown(summary: BargainingSummary) -> str:
    title = gettext("Bargaining summary: %(unit)s", unit=_md(summary.unit.name))
    generated = gettext("%(union)s · generated %(day)s", union=_md(summary.unit.union.name),
                        day=format_day(summary.generated_on))
    out = [f"# {title}", "", generated, "", f"## {gettext('Strength')}", ""]
    out += [f"- **{label}:** {_md(value)}" for label, value in strength_lines(summary)]  # holds a pulse title
    rows = trend_rows(summary)
    if rows:
        out += ["", f"| {' | '.join(_trend_headings())} |", "|---|---:|---:|"]
        out += [f"| {label} | {yes} | {part} |" for label, yes, part in rows]
    if summary.reported is not None:
        out += ["", f"## {REPORTED_HEADING}", ""]
        figures = reported_lines(summary.reported)
        out += [f"- {_md(line)}" for line in figures] + ([""] if figures else [])
        out.append(f"_{_md(reported_note(summary.reported))}_")
    out += ["", f"## {gettext('Counts per tier')}", "",
            f"| {gettext('Tier')} | {gettext('Demands')} | {gettext('Questions')} |", "|---|---:|---:|"]
    out += [f"| {tier.label} | {format_number(d)} | {format_number(q)} |" for tier, (d, q) in summary.tier_counts.items()]
    out += ["", f"## {gettext('Demands')}", "", f"_{_md(summary.score_rule)}_", "",
            _md(priorities_text(summary.priorities))]
    for section in summary.demand_sections:
        out += ["", f"### {_md(section.category.label)}", ""]
        line = priority_line(summary.priorities, section.category)
        if line is not None:
            out += [f"_{_md(line)}_", ""]
        for rank, item in enumerate(section.items, 1):
            out += _markdown_item(rank, item, summary.pay.get(item.demand.id))
    out += ["", f"## {QUESTIONS}", ""]
    for rank, item in enumerate(summary.questions, 1):
        out += _markdown_item(rank, item, summary.pay.get(item.demand.id))
    if not summary.questions:
        out.append(gettext("None."))
    out += ["", f"## {gettext('Comments released from the latest pulse')}", ""]
    out += [f"- {_md(comment)}" for comment in summary.comments] or [gettext("None released.")]
    return "\n".join(out) + "\n"


def _trend_headings() -> list[str]:
    return [gettext("Round closed"), gettext("Answered yes"), gettext("Answered, of those asked")]


def pay_texts(pay: PayContext | None) -> list[str]:
    """A pay item's pay, one sentence per scale: each role that may be named, or the unit's."""
    return pay.text_lines() if pay is not None else []


def _markdown_item(rank: int, item: SummaryItem, pay: PayContext | None = None) -> list[str]:
    d = item.demand
    backing = gettext("Coworker backing: %(backing)s", backing=_md(backing_text(item.backing)))
    answer = gettext("Employer's answer: %(answer)s", answer=_md(response_text(item)))
    # The rank is the list's marker, which Markdown reads only as plain digits.
    lines = [f"{rank}. **{_md(d.text)}**",
             f"   - {d.tier.label} · {d.basis.rests_on} · {_md(raised_text(item))} · {score_text(item)}",
             f"   - {backing}", *(f"   - {_md(line)}" for line in pay_texts(pay)), f"   - {answer}"]
    earlier = earlier_texts(item)
    if earlier:
        answers = "; ".join(_md(text) for text in earlier)
        lines.append(f"   - {gettext('Earlier answers: %(answers)s', answers=answers)}")
    return lines


# -- CSV ------------------------------------------------------------------------------------------

# TRANSLATORS: the summary CSV's column headings, one word or words_joined_by_underscores each.
CSV_COLUMNS = [lazy_gettext("section"), lazy_gettext("category"), lazy_gettext("rank"), lazy_gettext("text"),
               lazy_gettext("kind"), lazy_gettext("tier"), lazy_gettext("basis"), lazy_gettext("raised_by"),
               lazy_gettext("named"), lazy_gettext("backing_weight"), lazy_gettext("backing_answers"),
               lazy_gettext("backing_agree"), lazy_gettext("score"), lazy_gettext("employer_response"),
               lazy_gettext("employer_response_note"), lazy_gettext("responded_on"), lazy_gettext("earlier_responses"),
               lazy_gettext("pay_in_role"), lazy_gettext("priority_place"), lazy_gettext("priority_points"),
               lazy_gettext("put_first"), lazy_gettext("put_in_top"), lazy_gettext("priorities_answered"),
               lazy_gettext("members_reported"), lazy_gettext("reported_since")]


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A cell starting like a formula would run in a spreadsheet: keep it text.
    return "'" + text if text.startswith(_FORMULA_START) else text


def _earlier_cell(item: SummaryItem) -> str:
    """Earlier answers, newest first, one a line: "2026-10-01 refuses: Not this year"."""
    return "\n".join(f"{a.recorded_on} {a.response.value}" + (f": {a.note}" if a.note else "")
                     for a in item.demand.earlier_answers)


def _priority_cells(priorities: Priorities | None, item: SummaryItem) -> list[object]:
    """How the members ranked the item's category: place, points, put first, put in the top places,
    of how many who answered; empty without priorities."""
    if priorities is None:
        return ["", "", "", "", ""]
    ranked = priorities.of(item.demand.category)
    return [ranked.place, ranked.points, ranked.put_first, ranked.in_top, ranked.answered]


def to_csv(summary: BargainingSummary | RankedItems, pay: Mapping[int, PayContext] | None = None,
           reported: ReleasedCounts | None = None) -> str:
    """The items, one row each, then the released counts of members' reports, one row each
    (section "reported": its kind's code, or "all", under `kind`; the sentence under `text`);
    a pay item's pay from `pay` (by demand id), the counts from `reported`, or else the summary's own."""
    pay = pay if pay is not None else getattr(summary, "pay", {})
    reported = reported if reported is not None else getattr(summary, "reported", None)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([str(column) for column in CSV_COLUMNS])
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
                latest.recorded_on if latest else None, _earlier_cell(item),
                "\n".join(pay_texts(pay.get(d.id))), *_priority_cells(summary.priorities, item), "", "")])
    for kind, figure in _reported_figures(reported):
        # Section, category (the kind's words), rank, text and kind, then only the last two columns.
        empty = [""] * (len(CSV_COLUMNS) - 7)
        writer.writerow([_cell(v) for v in ("reported", figure.kind.label if figure.kind else "", "",
                                            figure.sentence, kind, *empty, figure.members, figure.since)])
    return buffer.getvalue()


def _reported_figures(reported: ReleasedCounts | None) -> list[tuple[str, object]]:
    if reported is None:
        return []
    whole = [(ALL_KINDS, reported.whole)] if reported.whole is not None else []
    return whole + [(figure.kind.value, figure) for figure in reported.kinds]


# -- PDF ------------------------------------------------------------------------------------------

MISSING_NOTE = lazy_gettext("%(mark)s stands for a character that no font in this file holds, such as an emoji; "
                            "the summary page and the Markdown and CSV downloads keep it.", mark=MISSING_MARK)

_INK, _MUTED, _RULE = (29, 35, 48), (91, 100, 116), (200, 205, 214)

#: A light tint behind each answer, so the table reads at a glance; the words say it without colour.
_ANSWER_TINT = {EmployerResponse.SUPPORTS: (225, 242, 228), EmployerResponse.PARTLY: (252, 241, 214),
                EmployerResponse.REFUSES: (250, 224, 224), EmployerResponse.NO_ANSWER: (236, 238, 242)}

#: Column widths (mm) of an item table on A4 with 15 mm margins: 180 mm in all.
_ITEM_COLUMNS = (7, 57, 22, 26, 29, 39)

_ITEM_HEADINGS = ["#", lazy_gettext("Demand"), lazy_gettext("Tier"), lazy_gettext("Raised by"),
                  lazy_gettext("Coworker backing"), lazy_gettext("Employer's answer")]

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
        # "{nb}" is fpdf2's stand-in for the number of pages, filled in once the file is written.
        self.multi_cell(0, 4, gettext("%(title)s · page %(page)s of %(pages)s", title=self.title_text,
                                      page=format_number(self.page_no()), pages="{nb}"), align="C")
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
        for index, text in enumerate(str(text) for text in texts):
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
    pdf = _SummaryPDF(gettext("Bargaining summary: %(unit)s", unit=summary.unit.name))
    pdf.add_page()
    _pdf_title(pdf, summary)
    if explain_missing:
        pdf.ln(2)
        pdf.para(str(MISSING_NOTE), size=8, muted=True)
    _pdf_strength(pdf, summary)
    _pdf_trend(pdf, summary)
    _pdf_reported(pdf, summary)
    pdf.heading(gettext("Counts per tier"), keep_with=8 + 6 * len(summary.tier_counts))
    with pdf.table_of((60, 30, 30), headings=[gettext("Tier"), gettext("Demands"), gettext("Questions")]) as table:
        for tier, (demand_count, question_count) in summary.tier_counts.items():
            table.row([tier.label, format_number(demand_count), format_number(question_count)])
    pdf.heading(gettext("Demands"))
    pdf.para(str(summary.score_rule), size=8, muted=True)
    pdf.ln(1)
    pdf.para(priorities_text(summary.priorities), size=8, muted=True)
    for section in summary.demand_sections:
        pdf.heading(str(section.category.label), 12, space_before=4)
        line = priority_line(summary.priorities, section.category)
        if line is not None:
            pdf.para(line, size=8.5, muted=True)
            pdf.ln(1)
        _pdf_items(pdf, section.items, summary.pay)
    if not summary.demand_sections:
        pdf.para(gettext("No demands yet."))
    pdf.heading(str(QUESTIONS))
    if summary.questions:
        _pdf_items(pdf, summary.questions, summary.pay)
    else:
        pdf.para(gettext("None."))
    pdf.heading(gettext("Comments released from the latest pulse"))
    for comment in summary.comments:
        pdf.para(f"• {comment}")
        pdf.ln(1)
    if not summary.comments:
        pdf.para(gettext("None released."))
    pdf.para(gettext("Comments are released only in a shuffled batch, and only when enough people answered."),
             size=8, muted=True)
    return pdf


def _pdf_title(pdf: _SummaryPDF, summary: BargainingSummary) -> None:
    pdf.para(gettext("BARGAINING SUMMARY"), size=9, muted=True, bold=True)
    pdf.ln(1)
    pdf.set_font(BODY_FONT, "B", 20)
    pdf.multi_cell(0, 9, pdf.printable(summary.unit.name), new_x="LMARGIN", new_y="NEXT",
                   align=pdf_text.align(summary.unit.name))
    pdf.ln(1)
    pdf.para(gettext("%(union)s · generated %(day)s", union=summary.unit.union.name,
                     day=format_day(summary.generated_on)), muted=True)
    pdf.ln(2)
    pdf.set_line_width(0.4)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.set_line_width(0.2)


def _pdf_strength(pdf: _SummaryPDF, summary: BargainingSummary) -> None:
    pdf.heading(gettext("Strength"))
    label_style = FontFace(emphasis="BOLD", color=_MUTED)
    with pdf.table_of((42, 138)) as table:
        for label, text in strength_lines(summary):
            table.row([label, text], styles={0: label_style})


def _pdf_reported(pdf: _SummaryPDF, summary: BargainingSummary) -> None:
    if summary.reported is None:
        return
    lines = reported_lines(summary.reported)
    pdf.heading(str(REPORTED_HEADING), keep_with=8 + 5 * len(lines))
    for line in lines:
        pdf.para(f"• {line}")
        pdf.ln(1)
    pdf.para(reported_note(summary.reported), size=8, muted=True)


def _pdf_trend(pdf: _SummaryPDF, summary: BargainingSummary) -> None:
    rows = trend_rows(summary)
    if not rows:
        return
    pdf.heading(gettext("Trend across pulse rounds"), keep_with=80 if summary.trend_chart is not None else 25)
    if summary.trend_chart is not None:
        # The page's own chart, drawn as vectors, its labels in the body font rather than a
        # built-in one: every letter in the file comes from an embedded font.
        svg = _SVG_TITLE.sub("", str(summary.trend_chart)).replace("<svg ", f'<svg font-family="{BODY_FONT}" ', 1)
        pdf.image(io.BytesIO(svg.encode()), w=pdf.epw)
        pdf.ln(2)
    with pdf.table_of((50, 40, 40), headings=_trend_headings()) as table:
        for row in rows:
            table.row(list(row))


def _pdf_items(pdf: _SummaryPDF, items: list[SummaryItem], pay: Mapping[int, PayContext]) -> None:
    with pdf.table_of(_ITEM_COLUMNS, size=8.5, headings=_ITEM_HEADINGS) as table:
        for rank, item in enumerate(items, 1):
            d, latest = item.demand, item.demand.latest_answer
            answer = answer_text(latest) if latest is not None else gettext("No answer recorded")
            if d.earlier_answers:
                answer += "\n" + gettext("Earlier:") + "\n" + "\n".join(answer_text(a) for a in d.earlier_answers)
            text = "\n".join([d.text, *pay_texts(pay.get(d.id))])
            table.row([format_number(rank), text, f"{d.tier.label}\n{d.basis.rests_on}\n{score_text(item)}",
                       "\n".join([members_text(item), *item.attributed_to]), backing_text(item.backing), answer],
                      styles={5: FontFace(fill_color=_ANSWER_TINT[latest.response])} if latest is not None else None)

