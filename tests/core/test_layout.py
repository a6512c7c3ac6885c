"""Tests for tui.core.text.graphemes, motions and wrapping: safe display, clusters, widths, wrapping, motions."""

from __future__ import annotations

import subprocess
import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.text import graphemes
from tui.core.text.graphemes import (
    REPLACEMENT,
    char_width,
    cluster_width,
    display_char,
    grapheme_bounds,
    iter_graphemes,
    next_grapheme,
    prev_grapheme,
    sanitize,
)
from tui.core.text.motions import (
    next_paragraph,
    next_sentence,
    next_word_start,
    paragraph_bounds,
    prev_paragraph,
    prev_sentence,
    prev_word_start,
    sentence_bounds,
    word_bounds,
    word_end,
)
from tui.core.text.wrapping import RowMap, wrap

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # man ZWJ woman ZWJ girl
FLAG_IQ = "\U0001f1ee\U0001f1f6"
THUMB_DARK = "\U0001f44d\U0001f3fd"
E_ACUTE = "e\u0301"
HANGUL_JAMO = "\u1100\u1161\u11a8"  # L V T = one syllable
BIDI = "\u202e\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c"

# Every code point the view must never send raw to a terminal.
UNSAFE = (
    [chr(c) for c in range(0x20) if c not in (0x09, 0x0A)]
    + ["\x7f"]
    + [chr(c) for c in range(0x80, 0xA0)]
    + list(BIDI)
)

ALPHABET = st.sampled_from(
    list("abc xyz ABC.!?,'-")
    + ["\n", "\r", "\t", "\r\n", "\x1b", "\x07", "\x00", "\x85", "\u202e", "\u2067"]
    + ["中", "文", "語", "\u3000", "Ａ"]
    + [E_ACUTE, "\u0301", "\u0308", "\u200d", "\ufe0f", "\u200b", "\ufeff"]
    + [FAMILY, FLAG_IQ, "\U0001f1ee", THUMB_DARK, "\U0001f3fd", "\u2764\ufe0f"]
    + [HANGUL_JAMO, "\u1161", "\u11a8", "한"]
    + ["مرحبا", "بِ", "\u0644\u0627"]
    + ["\U0001d400", "😀"]  # astral: two UTF-16 units each
)
TEXTS = st.lists(ALPHABET, max_size=60).map("".join)


def clusters(text: str) -> list[str]:
    return [text[s:e] for s, e in iter_graphemes(text)]


# --- replacement and sanitize ------------------------------------------------------


def test_replacement_covers_every_unsafe_char() -> None:
    """Each C0 (but \\n, \\t), DEL, C1 and bidi control has a replacement."""
    for ch in UNSAFE:
        assert ord(ch) in REPLACEMENT, repr(ch)
    assert ord("\n") not in REPLACEMENT and ord("\t") not in REPLACEMENT


def test_replacements_are_visible_single_cells() -> None:
    """A replacement is one printable, width-1 character that is itself safe."""
    for cp, rep in REPLACEMENT.items():
        assert len(rep) == 1, hex(cp)
        assert ord(rep) not in REPLACEMENT
        assert unicodedata.category(rep) == "So", hex(cp)
        assert char_width(rep) == 1


def test_control_pictures_for_c0() -> None:
    """ESC, BEL, NUL and CR show as their Control Pictures; DEL as ␡."""
    assert display_char("\x1b") == "␛"
    assert display_char("\x07") == "␇"
    assert display_char("\x00") == "␀"
    assert display_char("\r") == "␍"
    assert display_char("\x7f") == "␡"
    assert display_char("a") == "a"


def test_sanitize_examples() -> None:
    """Unsafe characters are replaced one for one; markup brackets are untouched."""
    assert sanitize("a\x1b[31mb\x07") == "a␛[31mb␇"
    assert sanitize("x\r\ny") == "x␍\ny"
    assert sanitize("[@click=app.quit]x[/]") == "[@click=app.quit]x[/]"
    assert sanitize("a\nb\tc", single_line=True) == "a⏎b c"
    assert sanitize("\u202eevil") == "\ufffdevil"


@given(TEXTS, st.booleans())
def test_sanitize_keeps_length_and_removes_unsafe(text: str, single_line: bool) -> None:
    """sanitize keeps one char per code point and leaves no unsafe char."""
    out = sanitize(text, single_line=single_line)
    assert len(out) == len(text)
    assert not any(ord(ch) in REPLACEMENT for ch in out)
    if single_line:
        assert "\n" not in out and "\t" not in out
    for a, b in zip(text, out, strict=True):
        if ord(a) not in REPLACEMENT and a not in "\n\t":
            assert a == b


# --- widths -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("a", 1),
        ("中", 2),
        ("Ａ", 2),
        ("\u3000", 2),
        ("\u0301", 0),
        ("\u200d", 0),
        ("\u200b", 0),
        ("\x1b", 1),
        ("\u202e", 1),
        (E_ACUTE, 1),
        (FAMILY, 2),
        (FLAG_IQ, 2),
        (FLAG_IQ + "\ufe0f", 2),  # VS16 after a flag: still 2 (hypothesis found 3)
        (THUMB_DARK, 2),
        ("\u2764\ufe0f", 2),
        (HANGUL_JAMO, 2),
        ("😀", 2),
    ],
)
def test_cluster_widths(text: str, width: int) -> None:
    """Wide chars take 2 cells, combining/zero-width 0, emoji sequences 2."""
    assert cluster_width(text) == width


# --- grapheme clusters ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"a{FAMILY}b", ["a", FAMILY, "b"]),
        (FLAG_IQ + FLAG_IQ + "\U0001f1ee", [FLAG_IQ, FLAG_IQ, "\U0001f1ee"]),
        (f"{THUMB_DARK}!", [THUMB_DARK, "!"]),
        (f"caf{E_ACUTE}s", ["c", "a", "f", E_ACUTE, "s"]),
        (f"{HANGUL_JAMO}한", [HANGUL_JAMO, "한"]),
        ("a\r\nb", ["a", "\r\n", "b"]),
        ("a\rb", ["a", "\r", "b"]),
        ("a\n\u0301b", ["a", "\n", "\u0301b"]),
        ("\ufeffHi", ["\ufeffH", "i"]),
        ("\x1b\u0301x", ["\x1b\u0301", "x"]),
        ("x\u202e\u0301y", ["x", "\u202e\u0301", "y"]),
        ("\u2764\ufe0fz", ["\u2764\ufe0f", "z"]),
        ("بِسم", ["بِ", "س", "م"]),
    ],
)
def test_grapheme_examples(text: str, expected: list[str]) -> None:
    """Clusters: ZWJ sequences, flags, skin tones, marks, jamo, CRLF stay whole."""
    assert clusters(text) == expected


@given(TEXTS)
def test_graphemes_tile_the_text(text: str) -> None:
    """Clusters cover the text exactly, in order, with no empty cluster."""
    bounds = list(iter_graphemes(text))
    assert "".join(text[s:e] for s, e in bounds) == text
    for (s1, e1), (s2, _) in zip(bounds, bounds[1:], strict=False):
        assert s1 < e1 == s2
    # A control char is never merged with a neighbouring base character.
    for s, e in bounds:
        cluster = text[s:e]
        if any(ord(c) in REPLACEMENT for c in cluster) and cluster != "\r\n":
            assert ord(cluster[0]) in REPLACEMENT
            assert sum(ord(c) in REPLACEMENT for c in cluster) == 1


@given(TEXTS, st.data())
def test_grapheme_motions_never_land_inside_a_cluster(text: str, data: st.DataObject) -> None:
    """bounds/next/prev and word/sentence/paragraph motions return cluster starts."""
    starts = {s for s, _ in iter_graphemes(text)} | {len(text)}
    offset = data.draw(st.integers(0, len(text)))
    s, e = grapheme_bounds(text, offset)
    assert s in starts and e in starts
    if offset < len(text):
        assert s <= offset < e
    for motion in (
        next_grapheme,
        prev_grapheme,
        next_word_start,
        prev_word_start,
        word_end,
        next_sentence,
        prev_sentence,
        next_paragraph,
        prev_paragraph,
    ):
        assert motion(text, offset) in starts, motion.__name__
    wb = word_bounds(text, offset)
    if wb is not None:
        assert wb[0] in starts and wb[1] in starts and wb[0] <= offset < wb[1]


def test_next_prev_grapheme_walk() -> None:
    """Walking right then left visits the same cluster starts."""
    text = f"a{FAMILY}{FLAG_IQ}{E_ACUTE}\r\n{HANGUL_JAMO}z"
    forward = [0]
    while forward[-1] < len(text):
        forward.append(next_grapheme(text, forward[-1]))
    assert forward[:-1] == [s for s, _ in iter_graphemes(text)]
    backward = [forward[-2]]
    while backward[-1] > 0:
        backward.append(prev_grapheme(text, backward[-1]))
    assert backward[::-1] == forward[:-1]


def test_grapheme_bounds_far_into_a_long_line() -> None:
    """A cluster deep in a long line is found without scanning from the start."""
    text = "x" * 10_000 + FAMILY + "y" * 10
    assert grapheme_bounds(text, 10_003) == (10_000, 10_000 + len(FAMILY))


# --- words, sentences, paragraphs ------------------------------------------------------


def test_word_bounds() -> None:
    """Words include inner apostrophes and hyphens, not punctuation or spaces."""
    text = "it's well-known, ok"
    assert word_bounds(text, 1) == (0, 4)
    assert word_bounds(text, 7) == (5, 15)
    assert word_bounds(text, 15) is None
    assert word_bounds(text, 16) is None
    assert word_bounds("caf" + E_ACUTE + " x", 3) == (0, 5)


def test_word_motions() -> None:
    """w, b and e move like vim over words (skipping punctuation)."""
    text = "Hello, world. Bye"
    assert next_word_start(text, 0) == 7
    assert next_word_start(text, 7) == 14
    assert next_word_start(text, 14) == len(text) - 1  # no next word: last char
    assert prev_word_start(text, 14) == 7
    assert prev_word_start(text, 9) == 7
    assert prev_word_start(text, 0) == 0
    assert word_end(text, 0) == 4
    assert word_end(text, 4) == 11
    assert word_end(text, 14) == 16


def test_sentences() -> None:
    """Sentences end at . ! ? but not after abbreviations or initials; CJK 。 too."""
    text = "Mr. Smith went to Washington. He said hi! Then U.S. forces left.\n\nNew. Two."
    assert sentence_bounds(text, 5) == (0, 29)
    assert next_sentence(text, 0) == 30
    assert next_sentence(text, 30) == 42
    assert text[42:].startswith("Then U.S. forces left.")
    assert next_sentence(text, 42) == text.index("New")
    assert prev_sentence(text, text.index("Two")) == text.index("New")
    assert prev_sentence(text, text.index("New")) == 42
    assert prev_sentence(text, 10) == 0
    cjk = "我去了北京。他来了！好"
    assert sentence_bounds(cjk, 2) == (0, 6)
    assert next_sentence(cjk, 0) == 6


def test_paragraphs() -> None:
    """Paragraphs are runs of non-blank lines; CRLF and whitespace-only lines count as blank."""
    text = "One\ntwo\n\nThree\r\n \r\nFour\n"
    assert paragraph_bounds(text, 5) == (0, 7)
    assert paragraph_bounds(text, 9) == (9, 14)
    assert paragraph_bounds(text, 8) == (9, 14)  # on a blank line: the next paragraph
    assert next_paragraph(text, 0) == 9
    assert next_paragraph(text, 9) == text.index("Four")
    assert prev_paragraph(text, text.index("Four")) == 9
    assert prev_paragraph(text, 11) == 9
    assert prev_paragraph(text, 9) == 0
    assert paragraph_bounds("", 0) == (0, 0)


# --- wrapping ------------------------------------------------------------------------------


def rows_of(text: str, width: int, **kw) -> list[str]:
    starts = wrap(text, 0, len(text), width, **kw)
    return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]


def display_width(row: str, labels: dict[int, int] | None = None, start: int = 0) -> int:
    """Cells of a row as wrap counts them (tabs expanded; one trailing space may hang)."""
    col = 0
    cells = []
    pos = start
    for s, e in iter_graphemes(row):
        c = row[s:e]
        w = graphemes.TAB_SIZE - col % graphemes.TAB_SIZE if c[0] == "\t" else cluster_width(c)
        if labels:
            w += labels.get(pos + e, 0)
        cells.append((c, w))
        col += w
    if cells and (cells[-1][0][0].isspace()):
        col -= cells[-1][1]
    return col


def test_wrap_at_word_boundaries() -> None:
    """Rows break after spaces; an overlong word is hard-broken."""
    text = "Hello wonderful world averyveryverylongword ok"
    assert rows_of(text, 10) == ["Hello ", "wonderful ", "world ", "averyveryv", "erylongwor", "d ok"]


def test_wrap_cjk_and_emoji() -> None:
    """CJK breaks between characters by cell width; clusters are never split.

    A ZWJ family is drawn as its three people (6 cells, what every terminal
    agrees on; see ``unjoin_emoji``): wider than the row, it takes a row alone.
    """
    text = "中文文本测试" + FAMILY + "x"
    assert rows_of(text, 4) == ["中文", "文本", "测试", FAMILY, "x"]
    assert rows_of(text, 7) == ["中文文", "本测试", FAMILY + "x"]


def test_wrap_reserves_label_cells() -> None:
    """Inline labels take cells in the row that shows them."""
    text = "aaa bbb ccc"
    assert rows_of(text, 8, labels={3: 5}) == ["aaa ", "bbb ccc"]


WIDE_LINES = st.lists(ALPHABET.filter(lambda s: "\n" not in s and "\r" not in s), max_size=60).map("".join)


def test_tab_wider_than_the_row_hangs_alone() -> None:
    """A tab at the start of a row narrower than a tab stop hangs alone (found by hypothesis)."""
    assert rows_of("\t ", 2) == ["\t", " "]
    assert rows_of("\t\tab", 3) == ["\t", "\t", "ab"]


@given(WIDE_LINES, st.integers(2, 30))
def test_wrap_loses_nothing_and_fits(text: str, width: int) -> None:
    """Concatenating the rows gives the text; each row fits (one trailing space may hang)."""
    starts = wrap(text, 0, len(text), width)
    assert starts[0] == 0
    assert starts == sorted(set(starts))
    cluster_starts = {s for s, _ in iter_graphemes(text)} | {len(text)}
    assert set(starts) <= cluster_starts
    rows = rows_of(text, width)
    assert "".join(rows) == text
    for row in rows:
        assert display_width(row) <= width, (row, width)


@given(WIDE_LINES, st.integers(8, 30), st.data())
def test_wrap_with_labels_fits(text: str, width: int, data: st.DataObject) -> None:
    """With labels, rows plus the labels they show still fit."""
    ends = sorted({e for _, e in iter_graphemes(text)})
    chosen = data.draw(st.lists(st.sampled_from(ends), max_size=5, unique=True)) if ends else []
    labels = dict.fromkeys(chosen, 5)
    starts = wrap(text, 0, len(text), width, labels=labels)
    bounds = list(zip(starts, [*starts[1:], len(text)], strict=True))
    assert "".join(text[a:b] for a, b in bounds) == text
    for a, b in bounds:
        assert display_width(text[a:b], labels, a) <= width


# --- RowMap --------------------------------------------------------------------------------


def all_rows(m: RowMap) -> list:
    return [m.row(y) for y in range(m.row_count)]


@given(TEXTS, st.integers(4, 20))
@settings(max_examples=150)
def test_rowmap_rows_tile_the_text(text: str, width: int) -> None:
    """Rows plus their line breaks tile the text; row_of inverts row."""
    m = RowMap(text, width, block_size=16)
    # Wrap lazily from the middle outwards first: results must not depend on order.
    for b in reversed(range(m.block_count)):
        m.ensure(b)
    rows = all_rows(m)
    pos = 0
    for row in rows:
        assert row.start == pos
        assert row.start <= row.end <= row.break_end
        pos = row.break_end
    assert pos == len(text)
    for y, row in enumerate(rows):
        for offset in range(row.start, row.break_end):
            assert m.row_of(offset) == y
    breaks = "".join(text[r.end : r.break_end] for r in rows)
    assert breaks == "\n" * text.count("\n") or breaks.replace("\r\n", "\n") == "\n" * text.count("\n")


def test_rowmap_crlf_is_one_break() -> None:
    """A CRLF ends one row; its \\r takes no cell and is not in the row's text."""
    text = "ab\r\ncd\rX\n"
    m = RowMap(text, 10)
    rows = all_rows(m)
    assert [(text[r.start : r.end], text[r.end : r.break_end]) for r in rows] == [
        ("ab", "\r\n"),
        ("cd\rX", "\n"),
        ("", ""),
    ]


def test_rowmap_lazy_estimates_are_corrected() -> None:
    """Non-ASCII blocks start estimated and get exact rows when ensured."""
    text = ("中文" * 50 + "\n") * 20 + "end"
    m = RowMap(text, 10)
    assert m.pending == 20
    eager = RowMap(text, 10, eager=True)
    for b in range(m.block_count):
        m.ensure(b)
    assert m.pending == 0
    assert all_rows(m) == all_rows(eager)
    assert m.row_count == 20 * 20 + 1  # 100 wide chars = 200 cells = 20 rows per line


def test_rowmap_anchor_survives_corrections() -> None:
    """An anchor (block, row) keeps pointing at the same text after blocks above are wrapped."""
    text = ("中文文本" * 40 + "\n") * 10
    m = RowMap(text, 7)
    y = m.first_row(5) + 2
    m.ensure(5)
    anchor = m.anchor(y)
    row = m.row(y)
    for b in range(5):
        m.ensure(b)
    assert m.row(m.anchored_row(anchor)) == row


def test_rowmap_splits_huge_lines() -> None:
    """A single huge line is split into blocks so no wrap is unbounded."""
    text = "word " * 10_000
    m = RowMap(text, 80, block_size=4096)
    assert m.block_count > 10
    rows = all_rows(m)
    assert "".join(text[r.start : r.break_end] for r in rows) == text


def test_relabel_rewraps_changed_blocks() -> None:
    """Adding a label re-wraps the row that shows it."""
    text = "aaa bbb ccc\nddd"
    m = RowMap(text, 8)
    assert m.row_count == 3
    m.relabel({3: 5}, [3])  # "aaa" + 5 label cells = 8: "bbb" no longer fits beside them
    assert [text[r.start : r.end] for r in all_rows(m)] == ["aaa ", "bbb ccc", "ddd"]


def test_layout_imports_no_ui() -> None:
    """tui.core.text.graphemes, motions and wrapping import neither textual nor rich."""
    code = "import sys, tui.core.text.graphemes, tui.core.text.motions, tui.core.text.wrapping; assert 'textual' not in sys.modules and 'rich' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


@given(TEXTS)
def test_snap_to_grapheme_agrees_with_bounds(text: str) -> None:
    """snap_to_grapheme(offset) is the start of the cluster containing offset."""
    for offset in range(len(text) + 1):
        expected = grapheme_bounds(text, offset)[0] if offset < len(text) else len(text)
        assert graphemes.snap_to_grapheme(text, offset) == expected


def test_next_word_start_moves_past_an_emoji_with_a_skin_tone():
    """`w` on 👍🏽 (its modifier counts as a word character) goes on to the next word, not nowhere."""
    text = "in 👍🏽 officials"
    at = text.index("👍")
    assert next_word_start(text, at) == text.index("officials")
    assert next_word_start(text, 0) == at
