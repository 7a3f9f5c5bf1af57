"""The text checks every form shares (core.text): blank-looking and
punctuation-only text, direction overrides, repeated sentences, and a length
limit that the server explains instead of the browser cutting the text short."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form, StringField, TextAreaField

from core import text

#: Each of these prints as nothing, or as white space, on its own.
INVISIBLE = ["\u200b", "\u200b\u200c\u200d", "\ufeff", "\u3164", "\u115f\u1160", "\uffa0", "\u2800",
             "\u00a0\u2003", "\u2060", "\u0301\u0301", "\u034f", "\u17b4"]


@pytest.mark.parametrize("blank", INVISIBLE)
def test_blank_looking_text_has_nothing_visible(blank):
    assert not text.has_visible_text(blank)
    assert not text.has_words(blank)


@pytest.mark.parametrize("written", ["Jordan", "李小龙", "محمد", "अनीता", "José", "Jose\u0301", "R2", "Ngũgĩ",
                                     "عبد\u200cالله", "Zoë-Ann O'Neil"])
def test_names_in_any_script_have_words(written):
    assert text.has_visible_text(written) and text.has_words(written)


@pytest.mark.parametrize("marks", ["??????????", "!!!", "...", "—", "?!?!", "¿¡", "★★★", "؟؟؟"])
def test_punctuation_and_symbols_alone_are_not_words(marks):
    assert text.has_visible_text(marks)
    assert not text.has_words(marks)


def test_trim_strips_invisible_edges_and_keeps_what_belongs_to_a_letter():
    assert text.trim("\u200b Packing\ufeff\u00a0") == "Packing"
    assert text.trim("\u3164Jordan\u3164") == "Jordan"
    assert text.trim("Jose\u0301") == "Jose\u0301", "the accent belongs to its e"
    assert text.trim("عبد\u200cالله") == "عبد\u200cالله", "a joiner inside a name stays"
    assert text.trim("\u202eJordan") == "\u202eJordan", "left for the bidi check to refuse"
    assert text.trim(None) is None
    assert text.trim("\u200b\u200b") == "\u200b\u200b", "kept whole, for visible_words to explain"
    assert text.trim("   ") == ""


def test_every_direction_override_and_isolate_is_known_and_removed():
    controls = {chr(code) for code in range(0x202A, 0x202F)} | {chr(code) for code in range(0x2066, 0x206A)}
    assert text.BIDI_CONTROLS == controls
    assert text.without_bidi_controls("Jordan\u202egnikcap\u202c \u2067x\u2069") == "Jordangnikcap x"
    assert text.without_bidi_controls("Hebrew \u200fmark") == "Hebrew \u200fmark", "marks are not overrides"


@pytest.mark.parametrize("written, repeated", [
    ("Will you pay us? Will you pay us? Will you pay us?", ("Will you pay us?", 3)),
    ("Will you pay us?\nwill you PAY us!", ("Will you pay us?", 2)),
    ("Why? Why? Why?", ("Why?", 3)),
    ("Will you heat the bay? By when?", None),
    ("Will you heat the bay???", None),
    ("Will you heat the bay?", None),
])
def test_a_sentence_said_over_and_over_is_found(written, repeated):
    assert text.repeated_sentence(written) == repeated


class _Form(Form):
    name = StringField(filters=[text.trim], validators=text.name_rules(20))
    story = TextAreaField(filters=[text.trim, text.without_bidi_controls],
                          validators=[*text.free_text_rules(30, 5), text.visible_words, text.not_repeated])


def _errors(**data) -> dict[str, list[str]]:
    form = _Form(MultiDict(data))
    form.validate()
    return form.errors


@pytest.mark.parametrize("data, field, words", [
    ({"name": "\u200b\u200b"}, "name", "only blank or invisible characters"),
    ({"name": "\u3164"}, "name", "only blank or invisible characters"),
    ({"name": "???"}, "name", "only punctuation or symbols"),
    ({"name": "Jordan\u202egnikcap"}, "name", "direction text is shown in"),
    ({"name": "\u2066Jordan\u2069"}, "name", "direction text is shown in"),
    ({"name": "x" * 21}, "name", "Keep it to 20 characters or fewer: this has 21."),
    ({"name": "J\x07o"}, "name", "control characters"),
    ({"story": "??????????"}, "story", "only punctuation"),
    ({"story": "Fix it. Fix it. Fix it."}, "story", "written 3 times"),
    ({"story": "y" * 31}, "story", "Write between 5 and 30 characters: this has 31."),
    ({"story": "Hi"}, "story", "Write between 5 and 30 characters: this has 2."),
])
def test_each_check_refuses_in_plain_words(data, field, words):
    errors = _errors(**data)
    assert any(words in message for message in errors.get(field, [])), errors


def test_good_text_passes_and_free_text_loses_only_its_overrides():
    form = _Form(MultiDict({"name": " Zoë ", "story": "Heat the \u202ebay\u202c, please"}))
    assert form.validate(), form.errors
    assert (form.name.data, form.story.data) == ("Zoë", "Heat the bay, please")


def test_the_length_limit_is_not_handed_to_the_browser():
    """With `maxlength` in the page a browser cuts pasted text short without a word; the limit is the server's."""
    rendered = str(_Form().name()) + str(_Form().story())
    assert "maxlength" not in rendered and "minlength" not in rendered
    assert text.MaxLength(20).field_flags == {}
