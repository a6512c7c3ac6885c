"""Safe display, widths and grapheme clusters of text shown in a terminal.

Plain Python (no Textual, no Rich) so the rules are written once and tested
without a screen. Offsets are code points (Python ``str`` indices) like
everywhere else in tui; nothing here changes the text, it only says how to
*show* it and where the cursor may stop. Word, sentence and paragraph motions
are in :mod:`tui.core.text.motions`; wrapping into rows in
:mod:`tui.core.text.wrapping`.

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
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

__all__ = [
    "REPLACEMENT",
    "TAB_SIZE",
    "UNSAFE",
    "char_width",
    "cluster_width",
    "display_char",
    "display_cluster",
    "grapheme_bounds",
    "grapheme_end",
    "iter_graphemes",
    "next_grapheme",
    "prev_grapheme",
    "sanitize",
    "snap_to_grapheme",
    "unjoin_emoji",
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

UNSAFE = frozenset(chr(cp) for cp in REPLACEMENT)
"""Every character drawn through :data:`REPLACEMENT` (never sent raw, never whitespace)."""
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
    if ch in UNSAFE or ch == "\t":
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
        # A flag already takes 2 cells: a VS16 after its second indicator adds none.
        if (
            ch == _VS16
            and last
            and char_width(last) == 1
            and unicodedata.category(last) in ("So", "Sm")
            and not _is_ri(ord(last))
        ):
            width += 1
            last = ""
            continue
        w = char_width(ch)
        if w:
            last = ch
        width += w
    return width


def _emoji_like(ch: str) -> bool:
    cp = ord(ch)
    return cp >= 0x1F000 or 0x2600 <= cp < 0x2800 or 0x2B00 <= cp < 0x2C00


def unjoin_emoji(shown: str) -> str:
    """Drop each ZWJ that joins two emoji, so a ZWJ sequence is drawn as its parts.

    Terminals disagree on ZWJ sequences: one draws 👩‍👩‍👧 as one 2-cell
    glyph, another (tmux 3.3, the Linux console, many fonts) as three 2-cell
    people. A width the terminal does not share shifts the rest of the row,
    and the panel border beside it. Without the joiners every terminal, and
    Rich's measure, agree: the parts side by side. Drawing only: offsets and
    clusters (the cursor steps over the whole sequence) are unchanged. A ZWJ
    used for shaping (Arabic, Indic scripts) takes no cell anywhere and stays.

    Args:
        shown: text to draw (already sanitized).

    Returns:
        ``shown`` without the joiners between emoji.
    """
    if _ZWJ not in shown:
        return shown
    out = []
    n = len(shown)
    for i, ch in enumerate(shown):
        if ch == _ZWJ and 0 < i < n - 1 and _emoji_like(shown[i + 1]) and shown[i - 1] != _ZWJ:
            continue
        out.append(ch)
    return "".join(out)


def display_cluster(cluster: str) -> str:
    """Return what to draw for a cluster (before tab expansion).

    Args:
        cluster: the code points of one cluster.

    Returns:
        The cluster with every unsafe character replaced and the joiners of an
        emoji ZWJ sequence left out (:func:`unjoin_emoji`); a CRLF or a lone
        ``\\n`` gives ``""`` (a line break takes no cell).
    """
    if cluster in ("\n", "\r\n"):
        return ""
    return unjoin_emoji(sanitize(cluster))


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
    if ch in UNSAFE or ch in "\n\t":
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
    if ch in UNSAFE or ch == "\t":
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
        if i >= n or text[i] in "\n\r" or text[i] in UNSAFE:
            return i
        return grapheme_end(text, i, n)
    prev = ch
    ri_count = 1 if _is_ri(cp) else 0
    hangul = _hangul(cp)
    while i < n:
        nxt = text[i]
        if nxt in "\n\r" or nxt in UNSAFE:
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
