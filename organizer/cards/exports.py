"""A unit's signed cards as files for filing: a PDF with one card per page, and a CSV.

Both list the same fields, in the same words: the card's text as signed (with
its version and digest), the signer's legal name and contact details, when and
how it was signed. Nothing here is markup: a name cannot make a link or a
formula. CSV cells a spreadsheet would run as a formula (starting with = + - @,
a tab or a carriage return) are prefixed with a quote, so a phone number
"+1 555 ..." reads as text and "=HYPERLINK(...)" typed as a name stays a name.

The files' own words (headings, labels, how a card was signed) are written in the
language of the moment, which is that of the organizer who exports them; the card's
words are the union's own, as signed, in whatever language they were written. The
CSV keeps its dates as ISO days and its numbers plain, for spreadsheets to read."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext, lazy_gettext
from fpdf import FPDF
from fpdf.fonts import FontFace

from core import pdf as fonts
from core.i18n import format_number
from organizer.charting.models import BargainingUnit

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_INK, _MUTED, _RULE = (29, 35, 48), (91, 100, 116), (200, 205, 214)


@dataclass(frozen=True)
class FiledCard:
    """One card as the files write it, every field in words."""

    #: The card's number in Leverage (its id), to find it again.
    number: int
    legal_name: str
    email: str
    phone: str
    #: When it was signed, in words: a date and time with its zone, or the day on a paper card.
    signed: str
    signed_on: date
    #: How it was signed and by whom, in words.
    how: str
    typed_signature: str
    on_paper: bool
    #: The words signed, their version and the SHA-256 the card holds of them.
    text: str
    text_version: int
    text_digest: str
    #: Whether the words on file still hash to the card's digest (False means: check before filing).
    text_matches: bool
    union_name: str
    unit_name: str


MISSING_NOTE = lazy_gettext("%(mark)s stands for a character that no font in this file holds, such as an emoji; "
                            "the CSV export keeps it as typed.", mark=fonts.MISSING_MARK)

MISMATCH = lazy_gettext("The words on file no longer match the digest this card was signed with: check this card "
                        "before filing it.")


# -- CSV ------------------------------------------------------------------------------------------

# TRANSLATORS: the card CSV's column headings, one word or words_joined_by_underscores each.
CSV_COLUMNS = [lazy_gettext("card_number"), lazy_gettext("legal_name"), lazy_gettext("personal_email"),
               lazy_gettext("personal_phone"), lazy_gettext("signed"), lazy_gettext("signed_on"),
               lazy_gettext("how_signed"), lazy_gettext("typed_signature"), lazy_gettext("card_text_version"),
               lazy_gettext("card_text_sha256"), lazy_gettext("card_text_matches"), lazy_gettext("card_text"),
               lazy_gettext("union"), lazy_gettext("unit")]


def cell(value: object) -> str:
    """A value as a CSV cell that no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(cards: list[FiledCard]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([str(column) for column in CSV_COLUMNS])
    on_paper, in_the_app = gettext("on paper"), gettext("electronically in Leverage")
    yes, no = gettext("yes"), gettext("no")
    for card in cards:
        writer.writerow([cell(value) for value in (
            card.number, card.legal_name, card.email, card.phone, card.signed, card.signed_on.isoformat(),
            on_paper if card.on_paper else in_the_app, card.typed_signature,
            card.text_version, card.text_digest, yes if card.text_matches else no, card.text,
            card.union_name, card.unit_name)])
    return buffer.getvalue()


# -- PDF ------------------------------------------------------------------------------------------

class _CardsPDF(FPDF):
    def __init__(self, title: str, total: int) -> None:
        super().__init__(format="A4")
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(auto=True, margin=18)
        self._covered = fonts.embed_fonts(self)
        self.total = total
        self.set_title(title)
        self.set_creator("Leverage")
        self.set_text_color(*_INK)
        self.set_draw_color(*_RULE)
        #: The card on the page being written, for the footer.
        self.card_number = 0
        #: Whether a character of the card being written was printed as the missing mark.
        self.marked_missing = False

    def printable(self, text: str) -> str:
        shown = fonts.printable(text, self._covered)
        if shown.count(fonts.MISSING_MARK) > str(text).count(fonts.MISSING_MARK):
            self.marked_missing = True
        return shown

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(fonts.BODY_FONT, size=8)
        self.set_text_color(*_MUTED)
        # "{nb}" is fpdf2's stand-in for the number of pages, filled in once the file is written.
        self.multi_cell(0, 4, gettext("Card %(card)s of %(cards)s · page %(page)s of %(pages)s · keep this file off "
                                      "shared computers", card=format_number(self.card_number),
                                      cards=format_number(self.total), page=format_number(self.page_no()),
                                      pages="{nb}"), align="C")
        self.set_text_color(*_INK)

    def para(self, text: str, *, size: float = 10, muted: bool = False, bold: bool = False) -> None:
        self.set_font(fonts.BODY_FONT, "B" if bold else "", size)
        if muted:
            self.set_text_color(*_MUTED)
        self.multi_cell(0, size * 0.5, self.printable(text), new_x="LMARGIN", new_y="NEXT", align=fonts.align(text))
        self.set_text_color(*_INK)


def to_pdf(unit: BargainingUnit, cards: list[FiledCard]) -> bytes:
    """One card per page (a long card text runs on to a second page of the same card)."""
    pdf = _CardsPDF(gettext("Union cards: %(unit)s", unit=unit.name), len(cards))
    try:
        for position, card in enumerate(cards, 1):
            # After add_page, which writes the footer of the page before with the number it had.
            pdf.add_page()
            pdf.card_number, pdf.marked_missing = position, False
            _card_page(pdf, card)
        return bytes(pdf.output())
    finally:
        fonts.close_fonts(pdf)


def _card_page(pdf: _CardsPDF, card: FiledCard) -> None:
    pdf.para(gettext("UNION AUTHORIZATION CARD"), size=9, muted=True, bold=True)
    pdf.ln(1)
    pdf.para(card.union_name, size=18, bold=True)
    pdf.para(gettext("Bargaining unit: %(unit)s", unit=card.unit_name), muted=True)
    pdf.ln(3)
    pdf.set_fill_color(244, 245, 248)
    pdf.set_font(fonts.BODY_FONT, size=11)
    pdf.multi_cell(0, 6, pdf.printable(card.text), new_x="LMARGIN", new_y="NEXT", align=fonts.align(card.text),
                   fill=True, padding=4)
    pdf.ln(4)
    label = FontFace(emphasis="BOLD", color=_MUTED)
    rows = [(gettext("Full legal name"), card.legal_name), (gettext("Personal email"), card.email or "—"),
            (gettext("Personal phone"), card.phone or "—"), (gettext("Signed"), card.signed),
            (gettext("How"), card.how)]
    if not card.on_paper:
        rows.append((gettext("Signature, as typed"), card.typed_signature))
    rows += [(gettext("Card words"), gettext("version %(version)s; SHA-256 %(digest)s",
                                            version=format_number(card.text_version), digest=card.text_digest)),
             (gettext("Card number"), gettext("%(number)s in Leverage", number=card.number))]
    pdf.set_font(fonts.BODY_FONT, size=10)
    with pdf.table(col_widths=(44, 130), width=174, align="LEFT", text_align="LEFT", line_height=5,
                   padding=(1.5, 1.5), v_align="TOP", borders_layout="HORIZONTAL_LINES",
                   first_row_as_headings=False) as table:
        for name, value in rows:
            row = table.row()
            row.cell(name, style=label)
            row.cell(pdf.printable(value), align=fonts.align(value))
    if not card.text_matches:
        pdf.ln(3)
        pdf.para(str(MISMATCH), bold=True)
    if pdf.marked_missing:
        pdf.ln(3)
        pdf.para(str(MISSING_NOTE), size=8, muted=True)
