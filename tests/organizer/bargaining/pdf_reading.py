"""Reading back what a PDF made by the summary shows, with no PDF library: its
fonts, and its text through each embedded font's ToUnicode map.

Enough for the files fpdf2 writes (numbered objects, deflated streams, `Tf`
and `Tj` operators, two-byte glyph codes for embedded fonts), not for PDFs in
general. Text comes out in the order it is drawn: left to right, so a
right-to-left run (Arabic) reads reversed, which tests use to check that it
was laid out right to left. A glyph with no text of its own (in a Devanagari
syllable the first glyph carries the letters of all) reads as nothing, as in
any PDF reader."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_CONTENT = re.compile(
    rb"/(?P<font>F\d+)\s+[\d.]+\s+Tf"
    rb"|\((?P<literal>(?:\\.|[^\\)])*)\)\s*Tj"
    rb"|<(?P<hex>[0-9A-Fa-f]*)>\s*Tj"
    rb"|(?P<x>-?[\d.]+)\s+-?[\d.]+\s+(?P<op>Td|Tm)"
    rb"|\b(?P<begin>BT)\b", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


@dataclass(frozen=True)
class PdfReading:
    #: Resource name (F1 ...) -> the font's BaseFont name, e.g. "MPDFAA+DejaVuSansBook".
    fonts: dict[str, str]
    #: Names of the fonts whose file is embedded.
    embedded: set[str]
    #: Each text object's text, in drawing order.
    lines: list[str]
    #: Every x position (in points) that text is drawn at.
    text_x: list[float]
    page_count: int

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


#: A direct length (not a reference to an object holding it, "/Length 7 0 R").
_LENGTH = re.compile(rb"/Length (\d+)\b(?! \d+ R)")


def _stream(body: bytes) -> bytes | None:
    found = _STREAM.search(body)
    if found is None:
        return None
    data = found.group(1)
    # The stream is as long as its dictionary says: deflated bytes may end in a carriage
    # return, which the pattern's optional one before "endstream" would otherwise take.
    length = _LENGTH.search(body[:found.start()])
    if length is not None:
        data = body[found.start(1):found.start(1) + int(length.group(1))]
    return zlib.decompress(data) if b"/FlateDecode" in body[:found.start()] else data


def _unescape(raw: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(raw):
        if raw[i:i + 1] != b"\\":
            out += raw[i:i + 1]
            i += 1
            continue
        following = raw[i + 1:i + 2]
        octal = re.match(rb"[0-7]{1,3}", raw[i + 1:i + 4])
        if following in _ESCAPES:
            out += _ESCAPES[following]
            i += 2
        elif octal:
            out.append(int(octal.group(), 8) & 0xFF)
            i += 1 + len(octal.group())
        else:
            out += following
            i += 2
    return bytes(out)


def _to_unicode(cmap: bytes) -> dict[int, str]:
    pairs = re.findall(rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]+)>", cmap.split(b"endcodespacerange", 1)[-1])
    return {int(code, 16): bytes.fromhex(text.decode()).decode("utf-16-be") for code, text in pairs}


def read_pdf(pdf: bytes) -> PdfReading:
    objects = {int(number): body for number, body in _OBJECT.findall(pdf)}
    font_refs: dict[str, int] = {}
    for body in objects.values():
        for resources in re.findall(rb"/Font\s*<<(.*?)>>", body, re.S):
            font_refs.update({name.decode(): int(ref) for name, ref in re.findall(rb"/(F\d+)\s+(\d+) 0 R", resources)})
    fonts, maps = {}, {}
    for name, ref in font_refs.items():
        fonts[name] = re.search(rb"/BaseFont\s*/(\S+)", objects[ref]).group(1).decode()
        to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", objects[ref])
        maps[name] = _to_unicode(_stream(objects[int(to_unicode.group(1))])) if to_unicode else None
    embedded = {re.search(rb"/FontName\s*/(\S+)", body).group(1).decode() for body in objects.values()
                if b"/FontDescriptor" in body and re.search(rb"/FontFile[23]?\s", body)}
    lines: list[str] = []
    text_x: list[float] = []
    font = None
    for body in objects.values():
        if b"/Subtype" in body.split(b"stream", 1)[0]:
            continue  # fonts, images and forms: not page content
        content = _stream(body)
        if not content or b"Tf" not in content:
            continue
        for token in _CONTENT.finditer(content):
            if token.group("begin"):
                lines.append("")
            elif token.group("font"):
                font = token.group("font").decode()
            elif token.group("op"):
                text_x.append(float(token.group("x")))
            else:
                raw = (_unescape(token.group("literal")) if token.group("literal") is not None
                       else bytes.fromhex(token.group("hex").decode()))
                cmap = maps.get(font)
                shown = raw.decode("cp1252") if cmap is None else "".join(
                    cmap.get(int.from_bytes(raw[i:i + 2], "big"), "") for i in range(0, len(raw), 2))
                if not lines:
                    lines.append("")
                lines[-1] += shown
    page_count = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    return PdfReading(fonts, embedded, lines, text_x, page_count)
