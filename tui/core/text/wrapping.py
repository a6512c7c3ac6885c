"""Wrapping text into terminal rows: :func:`wrap`, :class:`LabelIndex`, :class:`Row`, :class:`RowMap`.

Plain Python (no Textual, no Rich). Wrapping breaks after whitespace and
between wide (CJK) characters, and hard-breaks a word longer than the width.
A row keeps its trailing whitespace; at most one whitespace cluster may hang
past the width (the view reserves one column for it), so concatenating the
rows gives the text back. Widths and clusters come from
:mod:`tui.core.text.graphemes`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable
from itertools import accumulate
from typing import NamedTuple

from tui.core.text.graphemes import (
    TAB_SIZE,
    UNSAFE,
    cluster_width,
    display_cluster,
    grapheme_bounds,
    grapheme_end,
)

__all__ = [
    "LabelIndex",
    "Row",
    "RowMap",
    "WidthFn",
    "paragraphs",
    "wrap",
]

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
        space = c0 == " " or c0 == "\t" or (c0.isspace() and c0 not in UNSAFE)
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
