"""The fonts every PDF of the app embeds, and how a PDF takes them in.

The font files are in `core/fonts/` (its README says what each is and where it
comes from). The bargaining summary and the union cards both print through
this module, so every PDF prints every script the same way: the same fonts,
the same mark for a character no font holds, the same right-to-left rule."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent / "fonts"

#: The body font: DejaVu Sans holds Latin with its accents, Greek, Cyrillic, Arabic and Hebrew.
BODY_FONT = "dejavu"

#: (family, style, file). The fallbacks fill in the scripts DejaVu lacks; each has one weight.
FONTS = [(BODY_FONT, "", "DejaVuSans.ttf"), (BODY_FONT, "B", "DejaVuSans-Bold.ttf"),
         ("notosansdevanagari", "", "NotoSansDevanagari-Regular.ttf"),
         ("notosanssc", "", "NotoSansSC-Regular-GB2312.ttf")]

FALLBACK_FONTS = ["notosansdevanagari", "notosanssc"]

#: Printed in place of a character no embedded font holds (an emoji), which would otherwise vanish.
MISSING_MARK = "\u25a1"


def right_to_left(text: str) -> bool:
    """Whether the text's first letter is of a right-to-left script (Arabic, Hebrew ...)."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def align(text: str) -> str:
    """Text in a right-to-left script lines up on the right."""
    return "RIGHT" if right_to_left(text) else "LEFT"


def embed_fonts(pdf: FPDF) -> set[int]:
    """Add the fonts to `pdf`, with fallbacks and text shaping (Arabic joined and right to
    left, Devanagari conjuncts); the code points they hold, for `printable`."""
    for family, style, filename in FONTS:
        pdf.add_font(family, style, str(FONT_DIR / filename))
    pdf.set_fallback_fonts(FALLBACK_FONTS, exact_match=False)
    pdf.set_text_shaping(True)
    return {point for font in pdf.fonts.values() for point in font.cmap}


def printable(text: str, covered: set[int]) -> str:
    """The text with every character no embedded font holds replaced by MISSING_MARK."""
    out: list[str] = []
    for char in str(text):
        if ord(char) in covered or unicodedata.category(char) in ("Cc", "Cf"):
            out.append(char)
        elif unicodedata.category(char) != "Mn" or not out or out[-1] != MISSING_MARK:
            # A mark that modifies a missing character (an emoji's variation selector) goes with it.
            out.append(MISSING_MARK)
    return "".join(out)


def close_fonts(pdf: FPDF) -> None:
    """Close the font files, which the PDF library reads lazily and leaves open."""
    for font in pdf.fonts.values():
        font.ttfont.close()
