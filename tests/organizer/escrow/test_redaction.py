"""The names an author hides: bracketed or listed, each is hidden wherever it
stands, whole words and any case, and a reader who is not the author is given
nothing of it."""

from __future__ import annotations

from organizer.escrow.redaction import (
    Piece,
    bracketed_names,
    for_reader,
    hidden_names,
    paragraphs,
    pieces,
    plain_text,
)


def test_a_bracketed_name_is_hidden_there_and_wherever_else_it_is_written():
    text = "[Rosa] carried the petition. Later rosa spoke, and Rosalind did not."
    names = hidden_names(text, [])
    assert names == ["Rosa"]
    cut = pieces(text, names)
    shown = plain_text(for_reader(cut, is_author=False), "∎")
    assert shown == "∎ carried the petition. Later ∎ spoke, and Rosalind did not."
    assert plain_text(cut, "∎") == "Rosa carried the petition. Later rosa spoke, and Rosalind did not."
    assert [p.hidden for p in cut] == [True, False, True, False]


def test_a_listed_name_is_hidden_whole_before_any_shorter_one():
    text = "Dwight Okafor told Dwight's crew; Okafor-Lindqvist is another man."
    names = hidden_names(text, ["Dwight", "Dwight Okafor", " ", "dwight"])
    assert names == ["Dwight", "Dwight Okafor"]
    shown = plain_text(for_reader(pieces(text, names), is_author=False), "∎")
    assert shown == "∎ told ∎'s crew; Okafor-Lindqvist is another man."


def test_names_in_other_scripts_and_with_signs_are_hidden_literally():
    text = "Łukasz (who runs bay 4) and José María came; [Ana+] too."
    names = hidden_names(text, ["José María", "(who runs bay 4)"])
    shown = plain_text(for_reader(pieces(text, names), is_author=False), "∎")
    assert shown == "Łukasz ∎ and ∎ came; ∎ too."


def test_brackets_that_hold_no_name_stay_as_written():
    text = "We said [ ] and [[nested]] and [" + "x" * 61 + "] and a lone [ bracket."
    assert bracketed_names(text) == ["nested"]
    expected = "We said [ ] and [nested] and [" + "x" * 61 + "] and a lone [ bracket."
    assert plain_text(pieces(text, []), "∎") == expected


def test_a_reader_who_is_not_the_author_is_given_no_hidden_word():
    cut = pieces("[Marisol] won it", ["Marisol"])
    given = for_reader(cut, is_author=False)
    assert given == [Piece(None, hidden=True), Piece(" won it")]
    assert for_reader(cut, is_author=True) == cut


def test_paragraphs_are_the_non_empty_lines():
    assert [plain_text(p, "∎") for p in paragraphs("One.\n\n  Two [Ana].  \n\n\nThree", ["Ana"])] == [
        "One.", "Two Ana.", "Three"]
