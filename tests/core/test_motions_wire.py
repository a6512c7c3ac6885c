"""Words and paragraphs as an analyst meets them in wire copy (issue 13, item 13)."""

from __future__ import annotations

from pathlib import Path

from tui.core.text.motions import (
    next_paragraph,
    paragraph_bounds,
    prev_paragraph,
    sentence_bounds,
    tag_word_bounds,
    word_bounds,
)

SEED = (Path(__file__).resolve().parents[2] / "seeds" / "basra-offensive.txt").read_text(encoding="utf-8")


def test_tag_word_leaves_out_the_possessive():
    """The word a tag key takes on "Sadr's" / "Sadr’s" is "Sadr"; motions still see the whole word."""
    for text in ("the Sadr's men", "the Sadr’s men", "the SADR'S men"):
        at = text.index("S") + 1
        assert text[slice(*tag_word_bounds(text, at))].lower() == "sadr"
        assert word_bounds(text, at) == (4, 10)


def test_tag_word_keeps_other_apostrophes():
    """Shi'ite, it's (a short word) and a bare 's keep their letters; punctuation has no word."""
    text = "Shi'ite it's 's don't"
    assert text[slice(*tag_word_bounds(text, 0))] == "Shi'ite"
    assert text[slice(*tag_word_bounds(text, text.index("don")))] == "don't"
    assert tag_word_bounds(text, text.index(" ")) is None


def test_one_paragraph_per_line_without_blank_lines():
    """With no blank line in the text, each line is a paragraph: } goes to the next line, { back."""
    text = "First line one.\nSecond line two.\nThird line.\n"
    second, third = text.index("Second"), text.index("Third")
    assert paragraph_bounds(text, 3) == (0, text.index("\n"))
    assert next_paragraph(text, 0) == second
    assert next_paragraph(text, second) == third
    assert prev_paragraph(text, third) == second
    assert prev_paragraph(text, second + 3) == second
    assert paragraph_bounds(text, len(text)) == (third, len(text) - 1)


def test_blank_lines_still_separate_paragraphs():
    """A text with blank lines keeps its paragraphs of several lines."""
    text = "one\ntwo\n\nthree\nfour"
    assert paragraph_bounds(text, 0) == (0, 7)
    assert next_paragraph(text, 0) == text.index("three")


def test_seed_article_paragraphs_are_its_lines():
    """} on the seed article (one paragraph a line) visits each line start in turn, not the end."""
    starts = [0] + [i + 1 for i, ch in enumerate(SEED) if ch == "\n" and i + 1 < len(SEED) and SEED[i + 1:].strip()]
    seen, at = [0], 0
    for _ in starts[1:]:
        at = next_paragraph(SEED, at)
        seen.append(at)
    assert seen == starts
    # A sentence never runs over a line break into the next paragraph.
    line_two = starts[1]
    assert sentence_bounds(SEED, line_two)[0] == line_two
