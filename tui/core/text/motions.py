"""Cursor motions over text: words, sentences and paragraphs, bounds and next/previous.

Plain Python (no Textual, no Rich). Offsets are code points; every position a
motion returns is a grapheme-cluster start (:mod:`tui.core.text.graphemes`),
so the cursor never lands inside a cluster.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from tui.core.text.graphemes import grapheme_bounds

__all__ = [
    "next_paragraph",
    "next_sentence",
    "next_word_start",
    "paragraph_bounds",
    "prev_paragraph",
    "prev_sentence",
    "prev_word_start",
    "sentence_bounds",
    "tag_word_bounds",
    "word_bounds",
    "word_end",
]

_ZWJ = "\u200d"  # joins an emoji sequence, so it is part of the word

# --- words ----------------------------------------------------------------------

_JOINERS = frozenset("'’-‐‑_")


@lru_cache(maxsize=8192)
def _is_word_char(ch: str) -> bool:
    cp = ord(ch)
    if cp < 0x80:
        return ch.isalnum()
    return unicodedata.category(ch)[0] in "LNM" or ch == _ZWJ or 0x1F3FB <= cp <= 0x1F3FF


def _word_at(text: str, i: int) -> bool:
    """True if position ``i`` is inside a word (joiners count between word chars)."""
    if i < 0 or i >= len(text):
        return False
    ch = text[i]
    if _is_word_char(ch):
        return True
    if ch in _JOINERS:
        return 0 < i < len(text) - 1 and _is_word_char(text[i - 1]) and _is_word_char(text[i + 1])
    return False


def word_bounds(text: str, offset: int) -> tuple[int, int] | None:
    """Return the word under ``offset``: letters, digits, marks, inner apostrophes/hyphens.

    Args:
        text: the text.
        offset: any offset.

    Returns:
        ``(start, end)`` of the word, or ``None`` on whitespace or punctuation.
    """
    if not _word_at(text, offset):
        return None
    start = offset
    while start > 0 and _word_at(text, start - 1):
        start -= 1
    end = offset + 1
    n = len(text)
    while end < n and _word_at(text, end):
        end += 1
    # Never split a cluster (a word ending in a flag or ZWJ sequence).
    return grapheme_bounds(text, start)[0], grapheme_bounds(text, end - 1)[1]


_POSSESSIVE = ("'s", "’s", "'S", "’S")


def tag_word_bounds(text: str, offset: int) -> tuple[int, int] | None:
    """Return the word under ``offset`` as a tagging key takes it: without an English possessive.

    "Sadr's" and "Sadr’s" give "Sadr" (the possessive ``'s`` is not part of
    the name); a word that is only ``'s`` stays as it is.

    Args:
        text: the text.
        offset: any offset.

    Returns:
        ``(start, end)`` of the word, or ``None`` on whitespace or punctuation.
    """
    bounds = word_bounds(text, offset)
    if bounds is None:
        return None
    start, end = bounds
    if end - start > 2 and text[end - 2:end] in _POSSESSIVE:
        return start, end - 2
    return start, end


def next_word_start(text: str, offset: int) -> int:
    """Return the start of the next word after ``offset`` (vim ``w``).

    Args:
        text: the text.
        offset: any offset.

    Returns:
        The next word start, or the last cluster start if there is none.
    """
    n = len(text)
    i = offset
    while True:
        while i < n and _word_at(text, i):
            i += 1
        while i < n and not _word_at(text, i):
            i += 1
        if i >= n:
            return _last_start(text)
        start, end = grapheme_bounds(text, i)
        if start > offset:
            return start
        # A word character inside the cluster under the cursor (the skin-tone
        # modifier of 👍🏽): its start is where we are; look on past the cluster.
        i = end


def prev_word_start(text: str, offset: int) -> int:
    """Return the start of the word before ``offset`` (vim ``b``).

    Args:
        text: the text.
        offset: any offset.

    Returns:
        The start of the current word if ``offset`` is past it, else of the
        previous word; 0 if there is none.
    """
    i = offset - 1
    while i >= 0 and not _word_at(text, i):
        i -= 1
    if i < 0:
        return 0
    while i > 0 and _word_at(text, i - 1):
        i -= 1
    return grapheme_bounds(text, i)[0]


def word_end(text: str, offset: int) -> int:
    """Return the start of the last cluster of the word ending after ``offset`` (vim ``e``).

    Args:
        text: the text.
        offset: any offset.

    Returns:
        The last cluster of the current word if ``offset`` is before it, else
        of the next word; the last cluster start if there is none.
    """
    n = len(text)
    i = grapheme_bounds(text, offset)[1]
    while i < n and not _word_at(text, i):
        i += 1
    if i >= n:
        return _last_start(text)
    while i < n and _word_at(text, i):
        i += 1
    return grapheme_bounds(text, i - 1)[0]


def _last_start(text: str) -> int:
    return grapheme_bounds(text, len(text) - 1)[0] if text else 0


# --- paragraphs -------------------------------------------------------------------

def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _line_end(text: str, offset: int) -> int:
    """Offset of the line's terminator (its ``\\r`` for a CRLF) or ``len(text)``."""
    j = text.find("\n", offset)
    if j < 0:
        return len(text)
    if j > 0 and text[j - 1] == "\r" and j - 1 >= offset:
        return j - 1
    return j


def _is_blank_line(text: str, start: int) -> bool:
    end = _line_end(text, start)
    return text[start:end].strip() == ""


_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


@lru_cache(maxsize=4)
def _lines_are_paragraphs(text: str) -> bool:
    """True when no blank line separates paragraphs: each line is one (wire copy, one paragraph a line).

    Cached per text (a 5 MB text is scanned once, not on every key).
    """
    return _BLANK_LINE.search(text) is None and "\n" in text.strip()


def _next_line(text: str, start: int) -> int:
    """Start of the line after the one starting at ``start`` (``len(text)`` at the end)."""
    j = text.find("\n", start)
    return len(text) if j < 0 else j + 1


def paragraph_bounds(text: str, offset: int) -> tuple[int, int]:
    """Return the paragraph (a run of non-blank lines) containing ``offset``.

    A text with no blank line at all (most wire copy: one paragraph a line)
    has a paragraph per line.

    On a blank line, the next paragraph (or the previous one at the end of
    the text) is returned.

    Args:
        text: the text.
        offset: any offset.

    Returns:
        ``(start, end)``: start of the first line, end of the last line's
        content (before its line break). ``(offset, offset)`` if the text has
        no paragraph at all.
    """
    n = len(text)
    offset = max(0, min(offset, n))
    start = _line_start(text, offset)
    if _lines_are_paragraphs(text):
        return _line_paragraph(text, start, offset)
    if start >= n or _is_blank_line(text, start):
        # Look forward for the next non-blank line, then backward.
        i = start
        while i < n and _is_blank_line(text, i):
            i = _next_line(text, i)
        if i < n:
            start = i
        else:
            i = start
            while i > 0:
                i = _line_start(text, i - 1)
                if not _is_blank_line(text, i):
                    break
            else:
                return offset, offset
            if _is_blank_line(text, i):
                return offset, offset
            start = i
    # Extend backwards over non-blank lines.
    while start > 0:
        prev = _line_start(text, start - 1)
        if _is_blank_line(text, prev):
            break
        start = prev
    # Extend forwards.
    line = start
    while True:
        end = _line_end(text, line)
        nxt = _next_line(text, line)
        if nxt >= n or _is_blank_line(text, nxt):
            return start, end
        line = nxt


def _line_paragraph(text: str, start: int, offset: int) -> tuple[int, int]:
    """The paragraph of a text without blank lines: the line at ``start`` (the last one past the end)."""
    if start >= len(text) or text[start:_line_end(text, start)].strip() == "":
        # After a final line break, or on a line of spaces: the previous line with text.
        i = start
        while i > 0:
            i = _line_start(text, i - 1)
            if text[i:_line_end(text, i)].strip():
                return i, _line_end(text, i)
        return offset, offset
    return start, _line_end(text, start)


def next_paragraph(text: str, offset: int) -> int:
    """Return the start of the next paragraph (vim ``}``, landing on text).

    Args:
        text: the text.
        offset: any offset.

    Returns:
        The next paragraph's start, or the last cluster start if there is none.
    """
    start, end = paragraph_bounds(text, offset)
    if start > offset:
        return start
    n = len(text)
    i = _next_line(text, end)
    while i < n and _is_blank_line(text, i):
        i = _next_line(text, i)
    return i if i < n else _last_start(text)


def prev_paragraph(text: str, offset: int) -> int:
    """Return the start of this paragraph, or of the previous one if already there (vim ``{``).

    Args:
        text: the text.
        offset: any offset.

    Returns:
        A paragraph start, or 0.
    """
    start, _ = paragraph_bounds(text, offset)
    if start < offset:
        return start
    i = _line_start(text, start - 1) if start > 0 else 0
    while i > 0 and _is_blank_line(text, i):
        i = _line_start(text, i - 1)
    if _is_blank_line(text, i):
        return 0
    return paragraph_bounds(text, i)[0]


# --- sentences ----------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?:[.!?…]+[\"'”’)\]»]*(?=\s|$)|[。！？]+[」』”’)）]*)")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st gen col lt sgt capt maj gov sen rep jr sr inc ltd co corp vs etc "
    "e.g i.e no nos jan feb mar apr jun jul aug sep sept oct nov dec prof rev fig al".split()
)


def _sentence_ends(text: str, start: int, end: int) -> list[int]:
    """Offsets where sentences end inside ``[start, end)`` (just after the punctuation)."""
    ends: list[int] = []
    for m in _SENTENCE_END.finditer(text, start, end):
        if m.group()[0] == ".":
            # Skip abbreviations and initials: "Mr. Smith", "U.S. forces", "J. Doe".
            w = m.start()
            while w > start and not text[w - 1].isspace():
                w -= 1
            word = text[w : m.start()].lower().lstrip("(\"'“‘")
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()) or "." in word:
                continue
            k = m.end()
            while k < end and text[k] in " \t":
                k += 1
            if k < end and text[k].islower():
                continue
        ends.append(m.end())
    return ends


def _sentences_in(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    s = start
    for e in _sentence_ends(text, start, end) + [end]:
        while s < e and text[s].isspace():
            s += 1
        if s < e:
            # Whitespace may carry a combining mark: keep both ends on cluster bounds.
            spans.append((grapheme_bounds(text, s)[0], grapheme_bounds(text, e - 1)[1]))
        s = e
    return spans


def sentence_bounds(text: str, offset: int) -> tuple[int, int]:
    """Return the sentence containing ``offset``.

    Sentences end after ``. ! ? …`` (plus closing quotes) followed by
    whitespace (not after common abbreviations or initials, nor before a
    lowercase word), after ``。！？``, and at paragraph ends. Between
    sentences, the next sentence is returned.

    Args:
        text: the text.
        offset: any offset.

    Returns:
        ``(start, end)`` without surrounding whitespace.
    """
    pstart, pend = paragraph_bounds(text, offset)
    sentences = _sentences_in(text, pstart, pend)
    if not sentences:
        return pstart, pend
    for s, e in sentences:
        if offset < e:
            return s, e
    return sentences[-1]


def next_sentence(text: str, offset: int) -> int:
    """Return the start of the next sentence (vim ``)``).

    Args:
        text: the text.
        offset: any offset.

    Returns:
        The next sentence start, or the last cluster start if there is none.
    """
    s, e = sentence_bounds(text, offset)
    if s > offset:
        return s
    pstart, pend = paragraph_bounds(text, offset)
    for s2, _ in _sentences_in(text, pstart, pend):
        if s2 > offset:
            return s2
    nxt = next_paragraph(text, pend)
    return nxt if nxt > offset else _last_start(text)


def prev_sentence(text: str, offset: int) -> int:
    """Return the start of this sentence, or of the previous one if already there (vim ``(``).

    Args:
        text: the text.
        offset: any offset.

    Returns:
        A sentence start, or 0.
    """
    pstart, pend = paragraph_bounds(text, offset)
    candidates = [s for s, _ in _sentences_in(text, pstart, pend) if s < offset]
    if candidates:
        return candidates[-1]
    if pstart == 0 or pstart > offset and offset == 0:
        return 0
    prev = prev_paragraph(text, min(pstart, offset))
    if prev >= offset:
        return 0
    ppstart, ppend = paragraph_bounds(text, prev)
    sentences = _sentences_in(text, ppstart, ppend)
    return sentences[-1][0] if sentences else ppstart
