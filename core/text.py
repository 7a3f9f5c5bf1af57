"""Checks and clean-ups for the text people type, shared by every form.

Each check is a WTForms validator (or filter) with a message in plain words:

* `MaxLength`: a length limit that the server checks and explains, where
  WTForms' own `Length` also writes `maxlength` into the page, and a browser
  then cuts pasted text short without a word. A message beats a silent cut:
  the person sees what was too long and keeps all they wrote.
* `visible_words`: refuses text with no letter or digit in it: blank-looking
  names ("\u200b", "\u3164") that would sit on a chart as nobody, and demands
  of punctuation only ("??????????").
* `no_bidi_controls` refuses, and `without_bidi_controls` removes, the
  characters that override the direction text is shown in (U+202A-U+202E,
  U+2066-U+2069). In a name they can make "Jordan\u202egnikcap" read as
  another name than the one stored; names refuse them, longer free text drops
  them (right-to-left scripts never need them: the marks U+200E, U+200F and
  U+061C stay).
* `not_repeated`: refuses text that says one sentence several times over.
* `no_control_characters`: refuses the C0 controls other than line breaks and tabs.
* `trim`: the filter that strips spaces, and invisible characters, from both ends.
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext, lazy_gettext
from wtforms.validators import Length, ValidationError

#: The embeddings, overrides (U+202A-U+202E) and isolates (U+2066-U+2069).
BIDI_CONTROLS = frozenset(chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))

#: Characters Unicode files as letters or symbols that nonetheless print as
#: nothing: the Hangul fillers, the halfwidth filler, the braille blank and the
#: Khmer inherent vowels. Each is a known way to type a "blank" name.
BLANK_LOOKALIKES = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5")

#: Categories that never print on their own: spaces, line and paragraph
#: separators, controls and format characters (zero-width space, joiners, BOM).
_UNSEEN_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})

_SENTENCE_END = re.compile(r"(?<=[.!?\u061f\u3002\uff1f\uff01])\s*|\n+")


def is_visible(character: str) -> bool:
    """A character that prints something on its own: a letter, digit, mark of
    punctuation or symbol. A combining accent alone is not (it needs a letter)."""
    return character not in BLANK_LOOKALIKES and unicodedata.category(character)[0] in "LNPS"


def is_word_character(character: str) -> bool:
    """A letter or a digit, in any script."""
    return character not in BLANK_LOOKALIKES and unicodedata.category(character)[0] in "LN"


def has_visible_text(text: str) -> bool:
    return any(is_visible(ch) for ch in text)


def has_words(text: str) -> bool:
    return any(is_word_character(ch) for ch in text)


def without_bidi_controls(text: str | None) -> str | None:
    """The text with every direction override and isolate removed (a filter)."""
    if not isinstance(text, str):
        return text
    return "".join(ch for ch in text if ch not in BIDI_CONTROLS)


def _unseen_at_an_edge(character: str) -> bool:
    # Combining marks are kept: at the end of a word they belong to its last letter.
    return (character.isspace() or character in BLANK_LOOKALIKES
            or unicodedata.category(character) in _UNSEEN_CATEGORIES) and character not in BIDI_CONTROLS


def trim(value: str | None) -> str | None:
    """Strip spaces and invisible characters (zero-width spaces, a byte-order
    mark, fillers) from both ends, so "Packing\u200b" is the department
    "Packing" and not a second one that looks the same. Direction controls are
    left for `no_bidi_controls` to refuse, or `without_bidi_controls` to drop.

    Text of nothing but such characters is left whole (unless it is plain
    spaces), so that `visible_words` can say what is wrong with it rather than
    a bare "this field is required"."""
    if not isinstance(value, str):
        return value
    start, end = 0, len(value)
    while start < end and _unseen_at_an_edge(value[start]):
        start += 1
    while end > start and _unseen_at_an_edge(value[end - 1]):
        end -= 1
    if start == end and not value.isspace():
        return value
    return value[start:end]


def repeated_sentence(text: str) -> tuple[str, int] | None:
    """(the sentence, how many times) when the text is one sentence said two or
    more times over, ignoring case, spacing and punctuation; else None."""
    sentences = [part for part in _SENTENCE_END.split(text) if part and has_words(part)]
    if len(sentences) < 2:
        return None
    said = {"".join(ch for ch in sentence.casefold() if is_word_character(ch)) for sentence in sentences}
    return (sentences[0].strip(), len(sentences)) if len(said) == 1 else None


# -- validators -----------------------------------------------------------------------------------


class MaxLength(Length):
    """`Length` checked on the server only, with a message that says how long the
    text is: no `maxlength` or `minlength` in the page, so the browser never cuts
    what was typed or pasted (the issue a silent cut causes: a demand saved
    without its last line)."""

    def __init__(self, max: int, min: int = -1, message: str | None = None) -> None:
        if message is None:
            # Lazy: the form is built at import, the message read when a request checks it.
            message = (lazy_gettext("Write between %(min)d and %(max)d characters: this has %(length)d.")
                       if min > 0 else lazy_gettext("Keep it to %(max)d characters or fewer: this has %(length)d."))
        super().__init__(min=min, max=max, message=message)
        self.field_flags = {}


def visible_words(form, field) -> None:
    """Refuse text with no letter or digit: blank-looking, or punctuation only."""
    if not field.data:
        return
    if not has_visible_text(field.data):
        raise ValidationError(gettext("This is only blank or invisible characters: write it in letters or numbers."))
    if not has_words(field.data):
        raise ValidationError(gettext("Write it in words: this is only punctuation or symbols."))


def no_bidi_controls(form, field) -> None:
    if field.data and any(ch in BIDI_CONTROLS for ch in field.data):
        raise ValidationError(gettext("Remove the hidden characters that change the direction text is shown in "
                                      "(Unicode direction overrides, U+202A–U+202E and U+2066–U+2069): they can "
                                      "make a name read differently from what is saved."))


def not_repeated(form, field) -> None:
    repeated = field.data and repeated_sentence(field.data)
    if repeated:
        sentence, times = repeated
        raise ValidationError(gettext("The same sentence is written %(times)d times (\u201c%(sentence)s\u201d): "
                                      "write it once.", times=times, sentence=sentence))


def no_control_characters(form, field) -> None:
    if field.data and any(ord(ch) < 32 and ch not in "\n\r\t" for ch in field.data):
        raise ValidationError(gettext("Remove the control characters from this field."))


def name_rules(max_length: int) -> list:
    """The validators of a name (a person's, a unit's, a department's, a title):
    at most `max_length` characters, in letters or numbers, no direction overrides."""
    return [MaxLength(max_length), no_control_characters, no_bidi_controls, visible_words]


def free_text_rules(max_length: int, min_length: int = -1) -> list:
    """The validators of free text (a demand, a note, a comment): a length told in
    words, and no control characters. Pair with the `without_bidi_controls` filter."""
    return [MaxLength(max_length, min=min_length), no_control_characters]
