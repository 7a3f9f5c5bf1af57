"""The names an author hides in their story, and the story cut into pieces so
that a page can show each hidden name to the author and to nobody else.

An author hides a name by putting it in square brackets ("[Rosa] carried the
petition") or by listing it apart. Every hidden name is hidden wherever it
stands in the title and the text, bracketed or not, whole words only and
whatever the case: a name bracketed once and written plainly later would
otherwise give itself away. Readers who are not the author get the pieces
with the hidden words already taken out (`for_reader`), so no page, however
it is written, can show them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A bracketed name: no brackets or line break inside, at most this long.
NAME_MAX = 60
_BRACKETED = re.compile(r"\[([^\[\]\n]{1," + str(NAME_MAX) + r"})\]")


@dataclass(frozen=True)
class Piece:
    """A run of a story's words; `text` is None where a hidden name was taken out."""

    text: str | None
    hidden: bool = False


def bracketed_names(text: str) -> list[str]:
    """The names the author put in square brackets, in order of first appearance."""
    found: dict[str, str] = {}
    for match in _BRACKETED.finditer(text):
        name = match.group(1).strip()
        if name:
            found.setdefault(name.casefold(), name)
    return list(found.values())


def hidden_names(text: str, listed: tuple[str, ...] | list[str]) -> list[str]:
    """Every name to hide: those bracketed in the text and those listed, once each."""
    found: dict[str, str] = {}
    for name in [*bracketed_names(text), *listed]:
        name = name.strip()
        if name:
            found.setdefault(name.casefold(), name)
    return list(found.values())


def _name_pattern(names: list[str]) -> re.Pattern[str] | None:
    if not names:
        return None
    # Longest first, so "Rosa Díaz" is hidden whole before "Rosa" is looked for.
    words = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE)


def pieces(text: str, names: list[str]) -> list[Piece]:
    """`text` cut into plain and hidden pieces: brackets become hidden pieces (without
    their brackets), and so does every other occurrence of a hidden name."""
    pattern = _name_pattern(names)
    out: list[Piece] = []

    def plain(run: str) -> None:
        if not run:
            return
        at = 0
        for match in pattern.finditer(run) if pattern is not None else ():
            if match.start() > at:
                out.append(Piece(run[at:match.start()]))
            out.append(Piece(match.group(0), hidden=True))
            at = match.end()
        if at < len(run):
            out.append(Piece(run[at:]))

    at = 0
    for match in _BRACKETED.finditer(text):
        if not match.group(1).strip():
            continue
        plain(text[at:match.start()])
        out.append(Piece(match.group(1).strip(), hidden=True))
        at = match.end()
    plain(text[at:])
    return out


def paragraphs(text: str, names: list[str]) -> list[list[Piece]]:
    """The text's paragraphs (one per non-empty line), each cut into pieces."""
    return [pieces(line.strip(), names) for line in text.splitlines() if line.strip()]


def for_reader(cut: list[Piece], is_author: bool) -> list[Piece]:
    """What a reader is given: the author keeps every word (hidden names marked);
    anyone else gets None where each hidden name stood."""
    if is_author:
        return cut
    return [Piece(None, hidden=True) if piece.hidden else piece for piece in cut]


def plain_text(cut: list[Piece], stand_in: str) -> str:
    """The pieces as one string, each taken-out name written as `stand_in`."""
    return "".join(stand_in if piece.text is None else piece.text for piece in cut)
