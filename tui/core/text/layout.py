"""Text layout for the terminal: safe display, grapheme clusters, widths, wrapping, motions.

Plain Python (no Textual, no Rich) so the rules are written once and tested
without a screen. Offsets are code points (Python ``str`` indices) like
everywhere else in tui; nothing here changes the text, it only says how to
*show* it and where the cursor may stop.

Display rules:

- Every control character other than ``\\n`` and ``\\t`` (C0, DEL, C1, a
  ``\\r`` that does not start a CRLF, bidi embeddings/overrides/isolates/marks,
  U+2028/U+2029) is drawn as exactly one visible width-1 character from
  :data:`REPLACEMENT`, so nothing raw reaches the terminal and columns stay
  aligned with offsets.
- ``\\n`` ends a paragraph; a ``\\r`` directly before ``\\n`` is part of that
  line break (one cluster, no cell). ``\\t`` expands to the next multiple of
  :data:`TAB_SIZE` cells, in display only.
- Grapheme clusters approximate UAX #29 without the Unicode property tables:
  zero-width characters (combining marks, ZWJ, variation selectors, emoji
  modifiers, zero-width format characters) and spacing marks stay attached to
  the character before them; a ZWJ joins the next character; regional
  indicators pair into flags; Hangul jamo compose into syllables; CRLF is one
  cluster. Zero-width characters at the start of a paragraph attach to the
  character after them, so no cluster is invisible.
- Wrapping breaks after whitespace and between wide (CJK) characters, and
  hard-breaks a word longer than the width. A row keeps its trailing
  whitespace; at most one whitespace cluster may hang past the width (the view
  reserves one column for it), so concatenating the rows gives the text back.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

__all__ = [
    "REPLACEMENT",
    "LabelIndex",
    "Row",
    "RowMap",
    "TAB_SIZE",
    "char_width",
    "cluster_width",
    "display_char",
    "display_cluster",
    "grapheme_bounds",
    "grapheme_end",
    "iter_graphemes",
    "next_grapheme",
    "next_paragraph",
    "next_sentence",
    "next_word_start",
    "paragraph_bounds",
    "paragraphs",
    "prev_grapheme",
    "prev_paragraph",
    "prev_sentence",
    "prev_word_start",
    "sanitize",
    "snap_to_grapheme",
    "sentence_bounds",
    "word_bounds",
    "word_end",
    "wrap",
]

TAB_SIZE = 4
"""Tabs expand to the next multiple of this many cells (display only)."""

_C1_MARK = "\ufffd"
"""Shown for C1 controls, bidi controls and line/paragraph separators."""

_BIDI = (0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069)


def _replacements() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0x20):
        if cp not in (0x0A, 0x09):
            table[cp] = chr(0x2400 + cp)  # Control Pictures: ␀ ␇ ␛ ␍ ...
    table[0x7F] = "\u2421"  # ␡
    for cp in range(0x80, 0xA0):
        table[cp] = _C1_MARK
    for cp in _BIDI:
        table[cp] = _C1_MARK
    # Line and paragraph separators: terminals may break the line on them.
    table[0x2028] = _C1_MARK
    table[0x2029] = _C1_MARK
    return table


REPLACEMENT: dict[int, str] = _replacements()
"""Code point -> one visible width-1 character, for every unsafe character.

``\\r`` maps to ``␍``: :func:`sanitize` uses it even before ``\\n``; the view
instead draws a CRLF as a plain line break.
"""

_UNSAFE = frozenset(chr(cp) for cp in REPLACEMENT)
_UNSAFE_RE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in REPLACEMENT) + "]")
_SAFE_TABLE = {cp: ch for cp, ch in REPLACEMENT.items()}
_SINGLE_LINE_TABLE = {**_SAFE_TABLE, 0x0A: "\u23ce", 0x09: " "}  # ⏎

# Prepended concatenation marks are Cf but take a cell (and Rich agrees).
_VISIBLE_FORMAT = frozenset("\u00ad\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2\U000110bd\U000110cd")
_ZWJ = "\u200d"
_VS16 = "\ufe0f"


def display_char(ch: str) -> str:
    """Return the character to draw for ``ch``: its replacement if unsafe, else itself.

    Args:
        ch: one code point.

    Returns:
        One character (the replacement for a control, ``ch`` otherwise).
    """
    return REPLACEMENT.get(ord(ch), ch)


def sanitize(text: str, single_line: bool = False) -> str:
    """Replace every unsafe character, keeping one character per code point.

    Use it for any document text shown outside the article view (panels,
    pickers, notifications). ``\\r`` becomes ``␍`` even in a CRLF.

    Args:
        text: document text.
        single_line: also show ``\\n`` as ``⏎`` and ``\\t`` as a space, for
            one-line snippets.

    Returns:
        A string of the same length with nothing that can control a terminal.
    """
    if single_line:
        return text.translate(_SINGLE_LINE_TABLE)
    if _UNSAFE_RE.search(text) is None:
        return text
    return text.translate(_SAFE_TABLE)


@lru_cache(maxsize=8192)
def char_width(ch: str) -> int:
    """Return the cells one code point takes on its own: 0, 1 or 2.

    East-asian wide and fullwidth characters take 2; combining marks,
    spacing marks, zero-width format characters, variation selectors, emoji
    modifiers and Hangul medial/final jamo take 0; a replaced control (and a
    tab, before expansion) takes 1.

    Args:
        ch: one code point.

    Returns:
        The number of cells.
    """
    if ch in _UNSAFE or ch == "\t":
        return 1
    cp = ord(ch)
    if cp < 0x7F:
        return 1
    if 0x1F3FB <= cp <= 0x1F3FF or 0x1160 <= cp <= 0x11FF or 0xD7B0 <= cp <= 0xD7FF:
        return 0
    category = unicodedata.category(ch)
    if category in ("Mn", "Me", "Mc"):
        return 0
    if category == "Cf":
        return 1 if ch in _VISIBLE_FORMAT else 0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 2
    return 1


def cluster_width(cluster: str) -> int:
    """Return the cells a grapheme cluster takes (before tab expansion).

    A ZWJ sequence takes the width of its first part; a variation selector 16
    makes a narrow symbol wide (emoji presentation); a flag (two regional
    indicators) takes 2.

    Args:
        cluster: the code points of one cluster (as from :func:`iter_graphemes`).

    Returns:
        The number of cells.
    """
    if len(cluster) == 1:
        return char_width(cluster)
    if cluster == "\r\n":
        return 0
    width = 0
    skip = False
    last = ""
    for ch in cluster:
        if skip:
            skip = False
            continue
        if ch == _ZWJ:
            skip = True
            continue
        if ch == _VS16 and last and char_width(last) == 1 and unicodedata.category(last) in ("So", "Sm"):
            width += 1
            last = ""
            continue
        w = char_width(ch)
        if w:
            last = ch
        width += w
    return width


def display_cluster(cluster: str) -> str:
    """Return what to draw for a cluster (before tab expansion).

    Args:
        cluster: the code points of one cluster.

    Returns:
        The cluster with every unsafe character replaced; a CRLF or a lone
        ``\\n`` gives ``""`` (a line break takes no cell).
    """
    if cluster in ("\n", "\r\n"):
        return ""
    return sanitize(cluster)


# --- grapheme clusters ---------------------------------------------------------

def _is_ri(cp: int) -> bool:
    return 0x1F1E6 <= cp <= 0x1F1FF


def _hangul(cp: int) -> str:
    """Hangul syllable type: L, V, T, LV, LVT or '' (not Hangul)."""
    if 0x1100 <= cp <= 0x115F or 0xA960 <= cp <= 0xA97C:
        return "L"
    if 0x1160 <= cp <= 0x11A7 or 0xD7B0 <= cp <= 0xD7C6:
        return "V"
    if 0x11A8 <= cp <= 0x11FF or 0xD7CB <= cp <= 0xD7FB:
        return "T"
    if 0xAC00 <= cp <= 0xD7A3:
        return "LV" if (cp - 0xAC00) % 28 == 0 else "LVT"
    return ""


@lru_cache(maxsize=8192)
def _extends(ch: str) -> bool:
    """True if ``ch`` never starts a cluster after a normal character."""
    if ch in _UNSAFE or ch in "\n\t":
        return False
    cp = ord(ch)
    if cp < 0x300:
        return False
    return char_width(ch) == 0


def grapheme_end(text: str, offset: int, limit: int | None = None) -> int:
    """Return the end of the grapheme cluster that starts at ``offset``.

    Args:
        text: the text.
        offset: a cluster start (``0 <= offset < len(text)``).
        limit: do not look past this offset (default ``len(text)``).

    Returns:
        The offset just after the cluster (``offset`` if ``offset >= limit``).
    """
    n = len(text) if limit is None else min(limit, len(text))
    i = offset
    if i >= n:
        return i
    ch = text[i]
    i += 1
    if ch == "\n":
        return i
    if ch == "\r":
        return i + 1 if i < n and text[i] == "\n" else i
    if ch in _UNSAFE or ch == "\t":
        # A control is its own cluster apart from marks drawn on its replacement.
        while i < n and _extends(text[i]):
            i += 1
        return i
    cp = ord(ch)
    if cp < 0x7F:
        # ASCII fast path: only a following combining mark can extend it.
        if i < n and ord(text[i]) >= 0x300 and _extends(text[i]):
            pass
        else:
            return i
    # Zero-width characters with nothing before them attach to what follows.
    if _extends(ch):
        while i < n and _extends(text[i]):
            i += 1
        if i >= n or text[i] in "\n\r" or text[i] in _UNSAFE:
            return i
        return grapheme_end(text, i, n)
    prev = ch
    ri_count = 1 if _is_ri(cp) else 0
    hangul = _hangul(cp)
    while i < n:
        nxt = text[i]
        if nxt in "\n\r" or nxt in _UNSAFE:
            break
        ncp = ord(nxt)
        nh = _hangul(ncp) if hangul else ""
        if nh:
            # Hangul syllable composition (UAX #29 GB6-GB8).
            if not (
                (hangul == "L" and nh in ("L", "V", "LV", "LVT"))
                or (hangul in ("LV", "V") and nh in ("V", "T"))
                or (hangul in ("LVT", "T") and nh == "T")
            ):
                break
            hangul = nh
        elif _extends(nxt):
            hangul = ""
        elif prev == _ZWJ:
            pass
        elif ri_count == 1 and _is_ri(ncp):
            ri_count = 2
        else:
            break
        prev = nxt
        i += 1
    return i


def iter_graphemes(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` of each grapheme cluster in ``text[start:end]``.

    Args:
        text: the text.
        start: a cluster start.
        end: stop here (default ``len(text)``); clusters never cross it.

    Yields:
        Cluster bounds, in order, tiling ``[start, end)``.
    """
    n = len(text) if end is None else end
    i = start
    while i < n:
        j = grapheme_end(text, i, n)
        yield i, j
        i = j


def _cluster_start_before(text: str, offset: int) -> int:
    """A safe place to start scanning clusters so that ``offset`` is reached."""
    # Clusters never cross a line break, and no real cluster is longer than a
    # few dozen code points; scan from the line start but at most 256 back
    # (absurd sequences of thousands of marks are cut, which is harmless).
    line_start = text.rfind("\n", max(0, offset - 256), offset) + 1
    if line_start == 0 and offset > 256:
        line_start = offset - 256
        # Start on a character that cannot extend anything before it.
        while line_start < offset and (_extends(text[line_start]) or text[line_start - 1] == _ZWJ):
            line_start += 1
    return line_start


def grapheme_bounds(text: str, offset: int) -> tuple[int, int]:
    """Return the bounds of the grapheme cluster containing ``offset``.

    Args:
        text: the text.
        offset: any offset; clamped to ``[0, len(text)]``.

    Returns:
        ``(start, end)`` of the cluster; ``(len, len)`` at the end of the text.
    """
    n = len(text)
    offset = max(0, min(offset, n))
    if offset == n:
        return n, n
    ch = text[offset]
    cp = ord(ch)
    # Fast path: ASCII neither preceded by something that could join it nor followed by a mark.
    if cp < 0x7F and ch != "\n" and (offset == 0 or ord(text[offset - 1]) < 0x7F and text[offset - 1] != "\r"):
        return offset, grapheme_end(text, offset)
    i = _cluster_start_before(text, offset)
    while True:
        j = grapheme_end(text, i)
        if j > offset:
            return i, j
        i = j


def snap_to_grapheme(text: str, offset: int) -> int:
    """Return the start of the cluster containing ``offset`` (cheap when it is a start).

    Args:
        text: the text.
        offset: any offset.

    Returns:
        ``offset`` if a cluster starts there (or it is 0 or ``len(text)``),
        else the start of the cluster it is inside.
    """
    if offset <= 0 or offset >= len(text):
        return max(0, min(offset, len(text)))
    ch = text[offset]
    prev = text[offset - 1]
    if ord(ch) < 0x300 and ord(prev) < 0x300:
        if ch == "\n" and prev == "\r":
            return offset - 1
        return offset
    cp, pcp = ord(ch), ord(prev)
    if not (
        _extends(ch)
        or _extends(prev)
        or prev == _ZWJ
        or (_is_ri(cp) and _is_ri(pcp))
        or (_hangul(cp) and _hangul(pcp))
    ):
        return offset
    return grapheme_bounds(text, offset)[0]


def next_grapheme(text: str, offset: int) -> int:
    """Return the start of the cluster after the one containing ``offset``.

    Args:
        text: the text.
        offset: any offset.

    Returns:
        The next cluster start, or ``len(text)``.
    """
    return grapheme_bounds(text, offset)[1]


def prev_grapheme(text: str, offset: int) -> int:
    """Return the start of the cluster before the one containing ``offset``.

    Args:
        text: the text.
        offset: any offset.

    Returns:
        The previous cluster start, or 0.
    """
    start = grapheme_bounds(text, offset)[0]
    if start <= 0:
        return 0
    return grapheme_bounds(text, start - 1)[0]


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


def _next_line(text: str, start: int) -> int:
    """Start of the line after the one starting at ``start`` (``len(text)`` at the end)."""
    j = text.find("\n", start)
    return len(text) if j < 0 else j + 1


def paragraph_bounds(text: str, offset: int) -> tuple[int, int]:
    """Return the paragraph (a run of non-blank lines) containing ``offset``.

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


# --- paragraphs of the view and wrapping -------------------------------------------

def paragraphs(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into display lines on ``\\n``.

    Args:
        text: the text.

    Returns:
        ``(start, content_end)`` per line; ``content_end`` excludes the line
        break (and the ``\\r`` of a CRLF). The line break belongs to the line,
        so the next line starts after it. A text ending in ``\\n`` has an empty
        last line after it.
    """
    out = []
    start = 0
    find = text.find
    while True:
        j = find("\n", start)
        if j < 0:
            out.append((start, len(text)))
            return out
        end = j - 1 if j > start and text[j - 1] == "\r" else j
        out.append((start, end))
        start = j + 1


WidthFn = Callable[[str], int]


def wrap(
    text: str,
    start: int,
    end: int,
    width: int,
    *,
    labels: dict[int, int] | None = None,
    width_of: WidthFn | None = None,
    tab_size: int = TAB_SIZE,
) -> list[int]:
    """Wrap ``text[start:end]`` (one line, no ``\\n`` inside) into rows of ``width`` cells.

    Breaks after whitespace and around wide characters; a word longer than
    the width is hard-broken at a cluster boundary. One trailing whitespace
    cluster may hang past the width. ``labels`` reserves cells after given
    offsets (inline type labels drawn after a span's end) so they wrap too.

    Args:
        text: the whole text.
        start: the line's start.
        end: the line's content end.
        width: cells per row (at least 1).
        labels: offset -> extra cells drawn before the character at that offset.
        width_of: cluster -> cells (default :func:`cluster_width`); the view
            passes the terminal library's own measure so both agree.
        tab_size: tab stops.

    Returns:
        The start offset of each row (the first is ``start``); a row runs to
        the next row's start, the last one to ``end``.
    """
    label_index = LabelIndex(labels) if labels else None
    return _wrap(text, start, end, width, label_index, width_of or cluster_width, tab_size)


class LabelIndex:
    """Cells reserved after given offsets (inline labels), queryable by range.

    Offsets are kept sorted, so a query costs O(log n) plus the labels it
    returns, and adding or removing one label is a ``bisect`` plus a C-level
    list insert.
    """

    def __init__(self, labels: dict[int, int] | None = None) -> None:
        """Index ``labels``.

        Args:
            labels: offset -> cells drawn just before the character at that
                offset (i.e. after the character ending there).
        """
        self._cells: dict[int, int] = dict(labels or {})
        self._keys = sorted(self._cells)
        self.get = self._cells.get

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, offset: int, cells: int) -> None:
        """Add ``cells`` at ``offset`` (labels at one offset add up)."""
        old = self._cells.get(offset)
        if old is None:
            insort(self._keys, offset)
            self._cells[offset] = cells
        else:
            self._cells[offset] = old + cells

    def remove(self, offset: int, cells: int) -> None:
        """Remove ``cells`` at ``offset`` (the offset goes when nothing is left)."""
        left = self._cells.get(offset, 0) - cells
        if left > 0:
            self._cells[offset] = left
        elif offset in self._cells:
            del self._cells[offset]
            del self._keys[bisect_left(self._keys, offset)]

    def cells(self, lo: int, hi: int) -> int:
        """Return the cells of labels at offsets in ``(lo, hi]``."""
        keys = self._keys
        cells = self._cells
        return sum(cells[k] for k in keys[bisect_right(keys, lo) : bisect_right(keys, hi)])

    def items(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """Return ``(offset, cells)`` of labels at offsets in ``(lo, hi]``, in order."""
        keys = self._keys
        cells = self._cells
        return [(k, cells[k]) for k in keys[bisect_right(keys, lo) : bisect_right(keys, hi)]]

    def keys_in(self, lo: int, hi: int) -> list[int]:
        """Return the offsets with labels in ``(lo, hi]``, in order."""
        keys = self._keys
        return keys[bisect_right(keys, lo) : bisect_right(keys, hi)]

    def any_in(self, lo: int, hi: int) -> bool:
        """True if a label sits at an offset in ``(lo, hi]``."""
        return bisect_right(self._keys, hi) > bisect_right(self._keys, lo)


def _wrap(
    text: str,
    start: int,
    end: int,
    width: int,
    labels: LabelIndex | None,
    width_of: WidthFn,
    tab_size: int,
) -> list[int]:
    width = max(1, width)
    segment = text[start:end]
    if segment.isascii() and "\t" not in segment:
        if end - start <= width and (labels is None or not labels.any_in(start, end)):
            return [start]
        return _wrap_ascii(text, start, end, width, labels)
    return _wrap_general(text, start, end, width, labels, width_of, tab_size)


def _wrap_ascii(text: str, start: int, end: int, width: int, labels: LabelIndex | None) -> list[int]:
    """Every character takes one cell: find breaks with ``rfind`` (C speed)."""
    rows = [start]
    s = start
    rfind = text.rfind
    keys: list[int] = []
    cellmap: dict[int, int] = {}
    if labels is not None:
        keys = labels.keys_in(start, end)
        cellmap = labels._cells
    kp = 0
    nkeys = len(keys)
    while True:
        limit = width
        if nkeys:
            # Labels inside the row take cells: the row ends where the next one stops fitting.
            while kp < nkeys and keys[kp] <= s:
                kp += 1
            cum = 0
            q = kp
            while q < nkeys:
                r = keys[q] - s
                if r > width - cum:
                    break
                c = cellmap[keys[q]]
                if r + cum + c <= width:
                    cum += c
                    q += 1
                    continue
                # The label after character r-1 does not fit: end the row before it.
                cum = width - max(1, r - 1)
                break
            limit = max(1, width - cum)
        if s + limit >= end:
            return rows
        cut = s + limit
        if text[cut] == " ":
            e = cut + 1  # one hanging space
        else:
            k = rfind(" ", s, cut)
            e = k + 1 if k >= s else cut
        if e >= end:
            return rows
        rows.append(e)
        s = e


def _wrap_general(
    text: str,
    start: int,
    end: int,
    width: int,
    labels: LabelIndex | None,
    width_of: WidthFn,
    tab_size: int,
) -> list[int]:
    rows = [start]
    label_at = labels.get if labels is not None else None
    col = 0
    row_start = start
    last_break = -1  # the latest offset where a new row may start
    i = start
    while i < end:
        j = grapheme_end(text, i, end)
        c0 = text[i]
        if c0 == "\t":
            w = tab_size - col % tab_size
        elif j - i == 1 and ord(c0) < 0x7F:
            w = 1
        else:
            w = width_of(display_cluster(text[i:j]))
        space = c0 == " " or c0 == "\t" or (c0.isspace() and c0 not in _UNSAFE)
        wide = w >= 2 and not space
        if label_at is not None:
            w += label_at(j, 0)
        if wide and i > row_start:
            last_break = i  # a break is allowed before a wide (CJK) character
        if col + w > width and (i > row_start or space):
            if space:
                # Let this one whitespace cluster hang past the edge; break after it.
                # (A tab wider than a narrow row hangs alone on its row.)
                new = j
            elif last_break > row_start:
                new = last_break
            else:
                new = i  # a word longer than the row: hard break
            rows.append(new)
            row_start = new
            col = 0
            last_break = -1
            # Re-measure from the new row start (tab widths depend on the column).
            i = new
            continue
        col += w
        if space or wide:
            last_break = j
        i = j
    if rows[-1] >= end and len(rows) > 1:
        rows.pop()
    return rows


class Row(NamedTuple):
    """One display row: ``text[start:end]``, plus the line break it ends with, if any.

    ``break_end > end`` only for the last row of a line: ``[end, break_end)``
    is the ``\\n`` (or CRLF) that the cursor can sit on but that takes no cell.
    """

    start: int
    end: int
    break_end: int


class RowMap:
    """The rows of a whole text wrapped to a width, built lazily block by block.

    Lines are split into blocks of at most ``block_size`` code points (at a
    space if there is one), so no single wrap is unbounded. ASCII blocks are
    wrapped eagerly (fast path); the others get an estimated row count until
    :meth:`ensure` wraps them, usually because they come into view. Row
    numbers of later blocks shift when an estimate is corrected; callers keep
    a ``(block, row)`` anchor (:meth:`anchor` / :meth:`anchored_row`) to stay put.
    """

    def __init__(
        self,
        text: str,
        width: int,
        *,
        labels: dict[int, int] | LabelIndex | None = None,
        width_of: WidthFn | None = None,
        tab_size: int = TAB_SIZE,
        block_size: int = 4096,
        eager: bool = False,
    ) -> None:
        """Split ``text`` into blocks and wrap the cheap ones.

        Args:
            text: the whole text.
            width: cells per row.
            labels: offset -> cells of an inline label drawn there (a
                :class:`LabelIndex` is used as is, and may be updated later
                through :meth:`relabel`).
            width_of: cluster -> cells (default :func:`cluster_width`).
            tab_size: tab stops.
            block_size: longest block, in code points.
            eager: wrap every block now (tests, small texts).
        """
        self.text = text
        self.width = max(1, width)
        if isinstance(labels, LabelIndex):
            self._labels: LabelIndex | None = labels if len(labels) else None
        else:
            self._labels = LabelIndex(labels) if labels else None
        self._width_of = width_of or cluster_width
        self._tab = tab_size
        starts: list[int] = []
        cends: list[int] = []
        nexts: list[int] = []
        rows: list[list[int] | None] = []
        counts: list[int] = []
        find = text.find
        rfind = text.rfind
        n = len(text)
        w = self.width
        s = 0
        while True:
            j = find("\n", s)
            if j < 0:
                ce = nxt = n
            else:
                ce = j - 1 if j > s and text[j - 1] == "\r" else j
                nxt = j + 1
            while ce - s > block_size:
                k = rfind(" ", s + block_size // 2, s + block_size)
                cut = k + 1 if k >= 0 else grapheme_bounds(text, s + block_size)[0]
                if cut <= s:
                    cut = grapheme_end(text, s + block_size)
                starts.append(s)
                cends.append(cut)
                nexts.append(cut)
                rows.append(None)
                counts.append(1)
                s = cut
            starts.append(s)
            cends.append(ce)
            nexts.append(nxt)
            rows.append(None)
            counts.append(1)
            if j < 0:
                break
            s = nxt
        self._starts = starts
        self._cends = cends
        self._nexts = nexts
        self._rows = rows
        self._counts = counts
        labels_index = self._labels
        for b, (bs, be) in enumerate(zip(starts, cends, strict=True)):
            segment = text[bs:be]
            if eager or (segment.isascii() and "\t" not in segment):
                if be - bs <= w and labels_index is None and segment.isascii() and "\t" not in segment:
                    rows[b] = [bs]
                else:
                    r = _wrap(text, bs, be, w, labels_index, self._width_of, tab_size)
                    rows[b] = r
                    counts[b] = len(r)
            else:
                # Estimate: CJK is 3 UTF-8 bytes for 2 cells, Latin-with-accents ~1 cell per char.
                cells = len(segment) + (len(segment.encode("utf-8")) - len(segment)) // 2
                if labels_index is not None:
                    cells += labels_index.cells(bs - 1, be)
                counts[b] = max(1, -(-cells // w))
        self._prefix: list[int] = []
        self._dirty = True
        self.pending = sum(1 for r in rows if r is None)
        """How many blocks still have an estimated row count."""

    # --- bookkeeping -------------------------------------------------------------

    def _refresh_prefix(self) -> list[int]:
        if self._dirty:
            self._prefix = [0, *accumulate(self._counts)]
            self._dirty = False
        return self._prefix

    @property
    def row_count(self) -> int:
        """Number of rows (estimated for blocks not wrapped yet)."""
        return self._refresh_prefix()[-1]

    @property
    def block_count(self) -> int:
        """Number of blocks."""
        return len(self._starts)

    def is_wrapped(self, block: int) -> bool:
        """True if ``block`` has its exact rows."""
        return self._rows[block] is not None

    def ensure(self, block: int) -> int:
        """Wrap ``block`` if it is not wrapped yet.

        Args:
            block: a block index.

        Returns:
            How many rows were added (negative: removed) by the correction.
        """
        rows = self._rows[block]
        if rows is not None:
            return 0
        rows = _wrap(
            self.text, self._starts[block], self._cends[block], self.width, self._labels, self._width_of, self._tab
        )
        self._rows[block] = rows
        self.pending -= 1
        delta = len(rows) - self._counts[block]
        if delta:
            self._counts[block] = len(rows)
            self._dirty = True
        return delta

    def relabel(self, labels: LabelIndex | dict[int, int] | None, offsets: Iterable[int]) -> None:
        """Use ``labels`` from now on and re-wrap the blocks where labels changed.

        Args:
            labels: the (possibly updated in place) label index, an offset ->
                cells map, or None.
            offsets: offsets whose labels appeared, disappeared or changed.
        """
        if isinstance(labels, dict):
            labels = LabelIndex(labels)
        self._labels = labels if labels is not None and len(labels) else None
        blocks = set()
        for p in offsets:
            blocks.add(self.block_of_offset(max(0, p - 1)))
            blocks.add(self.block_of_offset(p))
        for b in blocks:
            if self._rows[b] is not None:
                self._rows[b] = None
                self.pending += 1
                self.ensure(b)

    def block_of_row(self, y: int) -> int:
        """Return the block holding row ``y`` (clamped to the document)."""
        prefix = self._refresh_prefix()
        b = bisect_right(prefix, y) - 1
        return max(0, min(b, len(self._starts) - 1))

    def block_of_offset(self, offset: int) -> int:
        """Return the block holding ``offset`` (line breaks belong to their line)."""
        return max(0, bisect_right(self._starts, offset) - 1)

    def first_row(self, block: int) -> int:
        """Return the row number of the first row of ``block``."""
        return self._refresh_prefix()[block]

    # --- rows ------------------------------------------------------------------------

    def anchor(self, y: int) -> tuple[int, int]:
        """Return ``(block, row within block)`` for row ``y``, to survive corrections."""
        b = self.block_of_row(y)
        return b, max(0, y - self._refresh_prefix()[b])

    def anchored_row(self, anchor: tuple[int, int]) -> int:
        """Return the current row number of an :meth:`anchor`."""
        b, k = anchor
        return self._refresh_prefix()[b] + min(k, self._counts[b] - 1)

    def row(self, y: int) -> Row:
        """Return row ``y``, wrapping its block if needed.

        Args:
            y: a row number in ``[0, row_count)`` (clamped).

        Returns:
            The row's bounds.
        """
        b, k = self.anchor(y)
        if self._rows[b] is None:
            self.ensure(b)
        rows = self._rows[b]
        assert rows is not None
        k = min(k, len(rows) - 1)
        start = rows[k]
        if k + 1 < len(rows):
            end = rows[k + 1]
            return Row(start, end, end)
        return Row(start, self._cends[b], self._nexts[b])

    def row_of(self, offset: int) -> int:
        """Return the row showing ``offset`` (a line break shows on its line's last row).

        Args:
            offset: a code-point offset, clamped to the text.

        Returns:
            The row number (exact for the block holding ``offset``).
        """
        b = self.block_of_offset(offset)
        self.ensure(b)
        rows = self._rows[b]
        assert rows is not None
        k = bisect_right(rows, offset) - 1
        return self._refresh_prefix()[b] + max(0, k)

    def blocks_in_rows(self, y0: int, y1: int) -> range:
        """Return the blocks holding rows ``y0`` to ``y1`` inclusive."""
        return range(self.block_of_row(y0), self.block_of_row(y1) + 1)
