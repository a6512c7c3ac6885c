"""The article view: a Line-API reader with cursor, selection, highlights and search hits.

Only the visible rows are built (``render_line``), each from the few style
runs, annotation fragments and search hits that touch it: those are indexed
in fixed blocks of :data:`INDEX_BLOCK` code points, so the cost of a row does
not depend on the document size, the number of annotations or the longest
span. Built strips are cached in an LRU keyed by everything that changes
them. Wrapping is :class:`tui.core.text.wrapping.RowMap`: ASCII lines are wrapped
at load, other lines lazily from the viewport outwards.

Document text is data: it goes to the terminal only as ``Segment`` text with
``Style`` objects (never markup), with every control character replaced by
one visible character (:mod:`tui.core.text.graphemes`).

How annotations look (each type's colour comes from the schema):

- accepted annotation: background in the type colour blended with the
  theme background, black or white text by luminance; an event trigger is
  also bold;
- two or more annotations on a cell: the innermost one's fill, underlined;
- pending suggestion: no fill, text in the type colour, italic + underline;
  its inline label ends in ``?``;
- overlay (another annotator's read-only layer): no fill, text in the type
  colour, overlined; its inline label ends in ``^``;
- the selected (or hovered) annotation: all its fragments emphasised
  (``article-view--selected-annotation``), so a discontinuous span reads as one;
- ``show_labels``: ``Basra[GPE]`` after each span's end (cells that are not
  text: the cursor and offsets skip them). On by default under ``NO_COLOR``.
"""

from __future__ import annotations

import gc
import os
from bisect import bisect_right
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.color import Color
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from tui.app import lifetime
from tui.core.model import StyleRun
from tui.core.store import gc_paused
from tui.core.text import graphemes, motions
from tui.core.text.graphemes import grapheme_bounds, grapheme_end, sanitize
from tui.core.text.wrapping import LabelIndex, Row, RowMap

__all__ = ["INDEX_BLOCK", "ArticleView", "Highlight"]

INDEX_BLOCK = 256
"""Fragments, style runs and search hits are indexed per block of this many code points."""

_MD_COMPONENTS = {
    "heading": "article-view--heading",
    "emphasis": "article-view--emphasis",
    "strong": "article-view--strong",
    "code": "article-view--code",
    "code_block": "article-view--code",
    "link": "article-view--link",
    "blockquote": "article-view--blockquote",
    "strike": "article-view--strike",
    "table_header": "article-view--table-header",
    "html": "article-view--html",
}


class Highlight(NamedTuple):
    """One annotation to draw: its fragments, colour and how it is drawn.

    A named tuple rather than a frozen dataclass: a long document makes 50k of
    them on opening, and a tuple is built, hashed and compared in C (the
    view's diff uses the highlight itself as its key) and is half the size.
    """

    id: str
    """Annotation id (posted back in :class:`ArticleView.HighlightClicked`)."""
    fragments: tuple[tuple[int, int], ...]
    """Code-point ``(start, end)`` pairs, end exclusive."""
    label: str
    """Short type label for the inline-label mode."""
    color: str
    """``#rrggbb`` from the schema."""
    pending: bool = False
    """A suggestion: no fill, italic + underline."""
    overlay: bool = False
    """Another annotator's read-only layer: no fill, overlined."""
    kind: str = "span"
    """``"span"`` or ``"trigger"`` (triggers are bold)."""

    @property
    def end(self) -> int:
        """Offset after the last fragment (where the inline label goes)."""
        fragments = self.fragments
        if len(fragments) == 1:
            return fragments[0][1]
        return max(e for _, e in fragments) if fragments else 0

    @property
    def label_text(self) -> str:
        """The inline label, with a mark for pending and overlay annotations."""
        return _label_text(self.label, self.pending, self.overlay)[0]

    @property
    def label_cells(self) -> int:
        """Cells the inline label takes."""
        return _label_text(self.label, self.pending, self.overlay)[1]


class ArticleView(ScrollView, can_focus=True):
    """The reader: the article wrapped to the width, with cursor, selection and highlights."""

    DEFAULT_CSS = """
    ArticleView {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        padding: 0 1;
    }
    ArticleView > .article-view--heading { color: $accent; text-style: bold; }
    ArticleView > .article-view--emphasis { text-style: italic; }
    ArticleView > .article-view--strong { text-style: bold; }
    ArticleView > .article-view--code { background: $panel; }
    ArticleView > .article-view--link { text-style: underline; }
    ArticleView > .article-view--blockquote { color: $text-muted; }
    ArticleView > .article-view--strike { text-style: strike; }
    ArticleView > .article-view--table-header { text-style: bold; }
    ArticleView > .article-view--html { color: $text-muted; }
    ArticleView > .article-view--list-marker { color: $accent; text-style: bold; }
    ArticleView > .article-view--cursor { text-style: reverse; }
    ArticleView > .article-view--selection { background: $primary 45%; }
    ArticleView > .article-view--search-hit { background: $warning 40%; text-style: underline; }
    ArticleView > .article-view--selected-annotation { text-style: bold reverse; }
    ArticleView > .article-view--label { color: $text-muted; text-style: italic; }
    """

    COMPONENT_CLASSES = {
        "article-view--heading",
        "article-view--emphasis",
        "article-view--strong",
        "article-view--code",
        "article-view--link",
        "article-view--blockquote",
        "article-view--strike",
        "article-view--table-header",
        "article-view--html",
        "article-view--list-marker",
        "article-view--cursor",
        "article-view--selection",
        "article-view--search-hit",
        "article-view--selected-annotation",
        "article-view--label",
    }
    """Markdown kinds, cursor, selection, search hits, selected annotation, inline labels."""

    BINDINGS: list[BindingType] = [
        Binding("left,h", "cursor_left", "Left", show=False, id="cursor-left"),
        Binding("right,l", "cursor_right", "Right", show=False, id="cursor-right"),
        Binding("up,k", "cursor_up", "Up", show=False, id="cursor-up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="cursor-down"),
        Binding("w", "word_next", "Next word", show=False, id="word-next"),
        Binding("b", "word_prev", "Previous word", show=False, id="word-prev"),
        Binding("e", "word_end", "Word end", show=False, id="word-end"),
        Binding("left_parenthesis", "sentence_prev", "Previous sentence", show=False, id="sentence-prev"),
        Binding("right_parenthesis", "sentence_next", "Next sentence", show=False, id="sentence-next"),
        Binding("left_curly_bracket", "paragraph_prev", "Previous paragraph", show=False, id="paragraph-prev"),
        Binding("right_curly_bracket", "paragraph_next", "Next paragraph", show=False, id="paragraph-next"),
        Binding("pageup", "page_up", "Page up", show=False, id="page-up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="page-down"),
        Binding("ctrl+u", "half_page_up", "Half page up", show=False, id="half-page-up"),
        Binding("ctrl+d", "half_page_down", "Half page down", show=False, id="half-page-down"),
        Binding("g,home", "doc_start", "Start", show=False, id="doc-start"),
        Binding("G,end", "doc_end", "End", show=False, id="doc-end"),
        Binding(
            "v", "toggle_visual", "Select", tooltip="Start a selection at the cursor; motions extend it", id="toggle-visual"
        ),
        Binding("shift+left", "select_left", "Extend left", show=False, id="select-left"),
        Binding("shift+right", "select_right", "Extend right", show=False, id="select-right"),
        Binding("shift+up", "select_up", "Extend up", show=False, id="select-up"),
        Binding("shift+down", "select_down", "Extend down", show=False, id="select-down"),
        Binding("escape", "clear_selection", "Clear selection", show=False, id="clear-selection"),
    ]
    """Reading and selection keys (vim and less style); each has an id for keymap.toml."""

    HELP = """\
## Reading

Move by character (arrows, `h j k l`), word (`w b e`), sentence (`( )`),
paragraph (`{ }`), page (`pageup pagedown ctrl+u ctrl+d`), start/end (`g G`).
`v` starts a selection at the cursor and motions extend it; `shift`+arrows
extend too; `escape` clears it. Click moves the cursor, drag selects.
"""

    class CursorMoved(Message):
        """The cursor or the selection changed. Handle with ``on_article_view_cursor_moved``."""

        def __init__(self, view: ArticleView, cursor: int, selection: tuple[int, int] | None) -> None:
            super().__init__()
            self.article_view = view
            self.cursor = cursor
            """Code-point offset of the cursor."""
            self.selection = selection
            """``(start, end)`` end-exclusive, or None."""

        @property
        def control(self) -> ArticleView:
            """The view that sent the message."""
            return self.article_view

        def can_replace(self, message: Message) -> bool:
            """A burst of moves needs only the last one."""
            return isinstance(message, ArticleView.CursorMoved)

    class HighlightClicked(Message):
        """A highlight was clicked. Handle with ``on_article_view_highlight_clicked``."""

        def __init__(self, view: ArticleView, id: str) -> None:
            super().__init__()
            self.article_view = view
            self.id = id
            """The clicked annotation's id (the innermost one under the mouse)."""

        @property
        def control(self) -> ArticleView:
            """The view that sent the message."""
            return self.article_view

    cursor: reactive[int] = reactive(0, always_update=False, repaint=False)
    """Code-point offset of the cursor, always on a grapheme-cluster start."""
    selected_id: reactive[str | None] = reactive(None, repaint=False)
    """The selected annotation, drawn emphasised on all its fragments."""
    show_labels: reactive[bool] = reactive(lambda: bool(os.environ.get("NO_COLOR")), repaint=False)
    """Show short type labels inline, e.g. ``Basra[GPE]`` (default on under NO_COLOR)."""

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """Create an empty view; call :meth:`load` to show a document."""
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._text = ""
        self._runs: list[StyleRun] = []
        self._run_index: dict[int, list[int]] = {}
        self._markers: dict[int, int] = {}  # list item start -> marker end
        self._hl_keys: dict[tuple, Highlight] = {}
        """Every highlight by its value, to diff in set_highlights."""
        self._hl_index: dict[int, list[tuple[int, int, Highlight]]] = {}
        """Index block -> fragments touching it."""
        self._hl_versions: dict[int, int] = {}
        """Index block -> how often its highlights changed (part of the strip cache key)."""
        self._hl_by_id: dict[str, tuple[Highlight, ...] | list[Highlight]] = {}
        self._hits: list[tuple[int, int]] = []
        self._hit_index: dict[int, list[int]] = {}
        self._hits_version = 0
        self._map: RowMap | None = None
        self._map_width = 0
        self._anchor: int | None = None
        """Selection anchor (offset), or None when nothing is selected."""
        self._visual = False
        self._goal_col: int | None = None
        self._hover_id: str | None = None
        self._drag_origin: int | None = None
        self._dragged = False
        self._line_starts: list[int] | None = None
        self._epoch = 0
        self._strip_cache: LRUCache[tuple, Strip] = LRUCache(2048)
        self._style_cache: dict[tuple, Style] = {}
        self._component_cache: dict[str, Style] = {}
        self._width_cache: dict[str, int] = {}
        self._prewrap_scheduled = False
        self._label_index: LabelIndex | None = None
        self._prefetch_timer: Timer | None = None
        self._selection_memo: tuple = (None, None, None, None)
        self._base_style: Style | None = None
        self.on_moved: Callable[[], None] | None = None
        """Called at once whenever the cursor or selection moves, before CursorMoved is posted.

        For what must show in the same frame as the cursor (the reader's status
        line): a message is handled later, often after the view's rows were
        painted, which costs a second frame per key."""

    # --- public API ----------------------------------------------------------------

    @property
    def text(self) -> str:
        """The document text (read-only)."""
        return self._text

    def load(self, text: str, styles: list[StyleRun], highlights: list[Highlight]) -> None:
        """Show a document: its text, Markdown style runs and highlights.

        Args:
            text: the document text.
            styles: style runs (heading, emphasis, ...) from the Markdown rendering.
            highlights: the annotations to draw.
        """
        self._text = text
        self._line_starts = None
        self._anchor = None
        self._visual = False
        self._goal_col = None
        self._hover_id = None
        self._index_runs(styles)
        self._hits = []
        self._hit_index = {}
        self._hits_version += 1
        self._hl_keys = {}
        self._hl_index = {}
        self._hl_by_id = {}
        self._hl_versions = {}
        # Indexing allocates ~100k small objects: full collections in between would
        # rescan everything (the classic gen-2 cost), so collect once at the end.
        with gc_paused():
            self._hl_keys = dict(zip(highlights, highlights, strict=True))
            self._add_highlights(highlights, bump=False)
        self._map = None
        self._epoch += 1
        self._strip_cache.clear()
        self._rebuild_map()
        self.set_reactive(ArticleView.cursor, 0)
        self.scroll_to(0, 0, animate=False)
        self.refresh()
        self._post_moved()
        # The document and its indexes live as long as the view: move them out of
        # the collector's generations so later collections stay short.
        gc.freeze()

    def set_highlights(self, highlights: list[Highlight]) -> None:
        """Replace the highlights, redrawing only rows whose highlights changed.

        Cost: one pass to diff by value, then work proportional to what changed.

        Args:
            highlights: the annotations to draw.
        """
        with gc_paused():  # 50k short-lived key tuples: no point scanning the heap meanwhile
            new = dict(zip(highlights, highlights, strict=True))
            old = self._hl_keys
            removed_keys = old.keys() - new.keys()
            added_keys = new.keys() - old.keys()
        if not removed_keys and not added_keys:
            return
        removed = [old.pop(k) for k in removed_keys]
        self._apply_change(removed, [(k, new[k]) for k in added_keys])

    def update_highlights(self, upsert: Iterable[Highlight] = (), remove_ids: Iterable[str] = ()) -> None:
        """Change some highlights without diffing all of them (cost: what changed).

        An extension of :meth:`set_highlights` for callers that know what an
        action changed.

        Args:
            upsert: highlights to add, or to replace the ones with the same id.
            remove_ids: ids of annotations to drop.
        """
        upsert = list(upsert)
        gone = {h.id for h in upsert} | set(remove_ids)
        removed = [h for ann_id in gone for h in self._hl_by_id.get(ann_id, ())]
        for h in removed:
            self._hl_keys.pop(_hl_key(h), None)
        self._apply_change(removed, [(_hl_key(h), h) for h in upsert])

    def _apply_change(self, removed: list[Highlight], added: list[tuple[tuple, Highlight]]) -> None:
        """Re-index ``removed`` and ``added`` highlights, re-wrap for labels, redraw."""
        old = self._hl_keys
        self._remove_highlights(removed)
        for k, h in added:
            old[k] = h
        self._add_highlights([h for _, h in added], bump=True)
        if self.show_labels and self._map is not None:
            index = self._label_index
            if index is None:
                index = self._label_index = LabelIndex()
            for h in removed:
                if h.fragments:
                    index.remove(h.end, h.label_cells)
            for _, h in added:
                if h.fragments:
                    index.add(h.end, h.label_cells)
            points = {h.end for h in removed} | {h.end for _, h in added}
            top = self._map.anchor(int(self.scroll_y))
            self._map.relabel(index, points)
            self._sync_virtual_size()
            self.set_scroll(None, self._map.anchored_row(top))
            self.refresh()  # labels may have re-wrapped rows: draw them all
            return
        self._refresh_visible_parts([*removed, *(h for _, h in added)])

    def _refresh_visible_parts(self, highlights: list[Highlight]) -> None:
        """Redraw the visible rows that ``highlights`` cover (not the whole view).

        A tag changes one or two rows; repainting all of them costs Textual
        ~0.1 ms a row in styling and compositing, on the key's path.
        """
        rowmap = self._map
        if rowmap is None or not self.is_mounted or rowmap.row_count == 0:
            self.refresh()
            return
        top = int(self.scroll_y)
        height = max(1, self.scrollable_content_region.height)
        lo = rowmap.row(min(top, rowmap.row_count - 1)).start
        hi = rowmap.row(min(top + height, rowmap.row_count - 1)).break_end
        for h in highlights:
            for s, e in h.fragments:
                if s <= hi and e >= lo:
                    self._refresh_span(max(s, lo), min(max(s, e), hi))

    def set_search_hits(self, hits: list[tuple[int, int]]) -> None:
        """Show search hits (drawn with ``article-view--search-hit``).

        Args:
            hits: ``(start, end)`` pairs.
        """
        self._hits = sorted(hits)
        index: dict[int, list[int]] = {}
        for n, (s, e) in enumerate(self._hits):
            for block in range(s // INDEX_BLOCK, max(s, e - 1) // INDEX_BLOCK + 1):
                index.setdefault(block, []).append(n)
        self._hit_index = index
        self._hits_version += 1
        self.refresh()

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selection ``(start, end)``, end-exclusive, or None.

        Visual-mode semantics: from the anchor to the end of the grapheme under
        the cursor (or from the cursor to the end of the anchor's grapheme).
        """
        if self._anchor is None:
            return None
        a, c = self._anchor, self.cursor
        memo = self._selection_memo
        if memo[0] == a and memo[1] == c and memo[2] is self._text:
            return memo[3]
        if c >= a:
            sel = a, max(grapheme_end(self._text, c), a)
        else:
            sel = c, grapheme_end(self._text, a)
        self._selection_memo = (a, c, self._text, sel)
        return sel

    def select(self, start: int, end: int) -> None:
        """Select ``[start, end)`` and scroll it into view.

        Args:
            start: first offset (snapped to a cluster start).
            end: end offset, exclusive.
        """
        text = self._text
        start = grapheme_bounds(text, start)[0]
        end = max(end, start + 1)
        last = grapheme_bounds(text, end - 1)[0] if end - 1 < len(text) else self._max_cursor()
        old = self.selection
        self._visual = False
        self._anchor = start
        self._set_cursor(max(start, last))
        self._refresh_range_change(old, self.selection)
        self.scroll_to_offset(start)
        self.scroll_to_offset(self.cursor)
        self._post_moved()

    def clear_selection(self) -> None:
        """Drop the selection and leave visual mode (posts CursorMoved)."""
        old = self.selection
        self._anchor = None
        self._visual = False
        self._refresh_range_change(old, None)
        self._post_moved()

    def move_to(self, offset: int, *, extend: bool = False) -> None:
        """Move the cursor to ``offset`` (snapped to a cluster start) and show it.

        Args:
            offset: code-point offset.
            extend: keep (or start) a selection from the current anchor.
        """
        old = self.selection
        if extend:
            if self._anchor is None:
                self._anchor = self.cursor
        elif not self._visual:
            self._anchor = None
        self._set_cursor(offset)
        self._refresh_range_change(old, self.selection)
        self.scroll_to_offset(self.cursor)
        self._post_moved()

    def target_range(self) -> tuple[int, int] | None:
        """Return the selection if any, else the word under the cursor, else None."""
        sel = self.selection
        if sel is not None:
            return sel
        return motions.word_bounds(self._text, self.cursor)

    def scroll_to_offset(self, offset: int) -> None:
        """Scroll so that the row showing ``offset`` is visible.

        Args:
            offset: code-point offset.
        """
        rowmap = self._map
        if rowmap is None:
            return
        top = int(self.scroll_y)
        anchor = rowmap.anchor(top)
        y = rowmap.row_of(offset)
        self._sync_virtual_size()
        top = rowmap.anchored_row(anchor)
        height = max(1, self.scrollable_content_region.height)
        if y < top:
            top = y
        elif y >= top + height:
            top = y - height + 1
        if top != int(self.scroll_y):
            self.set_scroll(None, top)
        self._schedule_prewrap()

    def line_column(self, offset: int) -> tuple[int, int]:
        """Return the 1-based line (``\\n``-separated) and column (code points) of ``offset``.

        Args:
            offset: code-point offset.

        Returns:
            ``(line, column)``.
        """
        if self._line_starts is None:
            starts = [0]
            find = self._text.find
            i = find("\n")
            while i >= 0:
                starts.append(i + 1)
                i = find("\n", i + 1)
            self._line_starts = starts
        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def highlights_at(self, offset: int) -> list[Highlight]:
        """Return the highlights covering ``offset``, innermost first.

        Args:
            offset: code-point offset.

        Returns:
            The highlights whose fragments contain ``offset``.
        """
        found: dict[int, tuple[int, Highlight]] = {}
        for s, e, h in self._hl_index.get(offset // INDEX_BLOCK, ()):
            if s <= offset < e:
                found.setdefault(id(h), (e - s, h))
        return [h for _, h in sorted(found.values(), key=lambda t: t[0])]

    # --- indexing ------------------------------------------------------------------------

    def _index_runs(self, styles: Iterable[StyleRun]) -> None:
        self._runs = [r for r in styles if r.kind in _MD_COMPONENTS or r.kind == "list_item"]
        index: dict[int, list[int]] = {}
        markers: dict[int, int] = {}
        text = self._text
        for n, run in enumerate(self._runs):
            s, e = run.start, run.end
            if run.kind == "list_item":
                # Only the marker ("• ", "12. ") is styled; the item itself is plain.
                j = text.find(" ", s, min(e, s + 12))
                if j < 0:
                    continue
                markers[s] = j
                e = j
            for block in range(s // INDEX_BLOCK, max(s, e - 1) // INDEX_BLOCK + 1):
                index.setdefault(block, []).append(n)
        self._run_index = index
        self._markers = markers

    def _add_highlights(self, highlights: Iterable[Highlight], *, bump: bool) -> None:
        """Index the fragments of ``highlights`` per block (bump those blocks' versions)."""
        index = self._hl_index
        by_id = self._hl_by_id
        versions = self._hl_versions
        B = INDEX_BLOCK
        get = index.get
        for h in highlights:
            ids = by_id.get(h.id)
            # Tuples, not lists: one highlight per id is the rule, and 50k one-item
            # lists cost 2 MB more than 50k one-item tuples.
            by_id[h.id] = (h,) if ids is None else (*ids, h)
            for s, e in h.fragments:
                entry = (s, e, h)
                first = s // B
                last = (e - 1) // B
                if last <= first:
                    bucket = get(first)
                    if bucket is None:
                        index[first] = [entry]
                    else:
                        bucket.append(entry)
                else:
                    for block in range(first, last + 1):
                        bucket = get(block)
                        if bucket is None:
                            index[block] = [entry]
                        else:
                            bucket.append(entry)
                if bump:
                    for block in range(s // B, max(s, e) // B + 1):
                        versions[block] = versions.get(block, 0) + 1

    def _remove_highlights(self, highlights: Iterable[Highlight]) -> None:
        """Drop ``highlights`` from the index and bump the versions of their blocks."""
        index = self._hl_index
        versions = self._hl_versions
        B = INDEX_BLOCK
        for h in highlights:
            same = [x for x in self._hl_by_id.get(h.id, ()) if x is not h]
            if same:
                self._hl_by_id[h.id] = same
            else:
                self._hl_by_id.pop(h.id, None)
            for s, e in h.fragments:
                for block in range(s // B, max(s, e - 1) // B + 1):
                    bucket = index.get(block)
                    if bucket:
                        # Identity first: the stored object is the one being removed.
                        index[block] = [x for x in bucket if x[2] is not h]
                for block in range(s // B, max(s, e) // B + 1):
                    versions[block] = versions.get(block, 0) + 1

    def _labels(self) -> LabelIndex | None:
        """A fresh label index (offset -> label cells), or None when labels are off."""
        if not self.show_labels or not self._hl_keys:
            self._label_index = None
            return None
        labels: dict[int, int] = {}
        get = labels.get
        for h in self._hl_keys.values():
            fragments = h.fragments
            if fragments:
                end = fragments[0][1] if len(fragments) == 1 else h.end
                labels[end] = get(end, 0) + _label_text(h.label, h.pending, h.overlay)[1]
        self._label_index = LabelIndex(labels)
        return self._label_index

    # --- wrapping -------------------------------------------------------------------------

    def _wrap_width(self) -> int:
        # One column stays free for a hanging space or the cursor on a line break.
        return max(4, self.scrollable_content_region.width - 1)

    def _cell_width(self, cluster: str) -> int:
        """Cells of a (display) cluster as Rich measures them, so strips and wrapping agree."""
        w = self._width_cache.get(cluster)
        if w is None:
            w = cell_len(cluster)
            if len(self._width_cache) < 65536:
                self._width_cache[cluster] = w
        return w

    def _rebuild_map(self, keep_view: bool = False) -> None:
        if not self.is_mounted or self.scrollable_content_region.width <= 1:
            self._map = None
            return
        top_offset = None
        first_build = self._map is None
        if keep_view and self._map is not None:
            top_offset = self._map.row(int(self.scroll_y)).start
        width = self._wrap_width()
        self._map = RowMap(self._text, width, labels=self._labels(), width_of=self._cell_width)
        self._map_width = width
        self._epoch += 1
        self._sync_virtual_size()
        if top_offset is not None:
            y = self._map.row_of(top_offset)
            self._sync_virtual_size()
            self.set_scroll(None, y)
        elif first_build and self.cursor:
            # The cursor was placed before the view had a size (e.g. a restored position).
            lifetime.after_refresh(self, self.scroll_to_offset, self.cursor)
        self._schedule_prewrap()

    def _sync_virtual_size(self) -> None:
        rows = self._map.row_count if self._map is not None else 0
        size = Size(self.scrollable_content_region.width, rows)
        if self.virtual_size != size:
            self.virtual_size = size

    def _schedule_prewrap(self) -> None:
        if self._map is not None and self._map.pending and not self._prewrap_scheduled:
            self._prewrap_scheduled = True
            lifetime.timer(self, 0.01, self._prewrap)

    def _prewrap(self) -> None:
        """Wrap blocks around the viewport, then outwards, a few ms at a time.

        Corrections above the top row shift the scroll position by the same
        amount, so the visible text does not jump.
        """
        from time import perf_counter

        self._prewrap_scheduled = False
        rowmap = self._map
        if rowmap is None or not rowmap.pending:
            return
        deadline = perf_counter() + 0.008
        top = int(self.scroll_y)
        height = max(1, self.scrollable_content_region.height)
        anchor = rowmap.anchor(top)
        top_block = anchor[0]
        first = rowmap.block_of_row(top)
        last = rowmap.block_of_row(top + height)
        n = rowmap.block_count
        # The viewport first, then alternately below and above.
        below, above = last + 1, first - 1
        changed = visible = False
        for b in range(first, last + 1):
            visible |= bool(rowmap.ensure(b))
        changed = visible
        while perf_counter() < deadline and (below < n or above >= 0):
            if below < n:
                changed |= bool(rowmap.ensure(below))
                below += 1
            if above >= 0:
                changed |= bool(rowmap.ensure(above))
                above -= 1
        if changed:
            self._sync_virtual_size()
            new_top = rowmap.anchored_row((top_block, anchor[1]))
            if new_top != top:
                self.set_scroll(None, new_top)  # repaints (from the strip cache)
            elif visible:
                self.refresh()
        self._schedule_prewrap()

    def _schedule_prefetch(self) -> None:
        """Build the strips of the pages above and below once the keys pause."""
        if self._prefetch_timer is not None:
            self._prefetch_timer.stop()
        self._prefetch_timer = lifetime.timer(self, 0.02, self._prefetch)

    def _prefetch(self) -> None:
        """Fill the strip cache one page below and above the view, ~8 ms at a time.

        Page keys then find their rows built. Only rows of already wrapped
        blocks are built, so no estimate is corrected out of sight here.
        """
        from time import perf_counter

        self._prefetch_timer = None
        rowmap = self._map
        if rowmap is None or not self.is_mounted:
            return
        deadline = perf_counter() + 0.008
        width = self.scrollable_content_region.width
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_y)
        base = self._base_style or self.rich_style
        cache = self._strip_cache
        count = rowmap.row_count
        wanted = [*range(top + height, min(count, top + 2 * height)), *range(top - 1, max(-1, top - height - 1), -1)]
        for vy in wanted:
            if not rowmap.is_wrapped(rowmap.block_of_row(vy)):
                continue
            row = rowmap.row(vy)
            key = self._row_key(row, width)
            if key not in cache:
                cache[key] = self._build_strip(row, base).crop_extend(0, width, base)
                if perf_counter() > deadline:
                    self._schedule_prefetch()
                    return

    # --- events -------------------------------------------------------------------------

    def on_mount(self) -> None:
        """Build the rows once the width is known."""
        super().on_mount()
        if self._map is None and self._text:
            self._rebuild_map()

    def on_resize(self, event: events.Resize) -> None:
        """Re-wrap when the width changes, keeping the top row's text in view."""
        if self._map is None or self._wrap_width() != self._map_width:
            self._rebuild_map(keep_view=True)
            self.refresh()

    def notify_style_update(self) -> None:
        """Theme or CSS changed: drop every cached style and strip."""
        super().notify_style_update()
        self._component_cache.clear()
        self._style_cache.clear()
        self._strip_cache.clear()
        self._base_style = None

    def watch_show_labels(self, value: bool) -> None:
        """Labels take cells: re-wrap."""
        self._rebuild_map(keep_view=True)
        self.refresh()

    def watch_selected_id(self, old: str | None, new: str | None) -> None:
        """Redraw the rows of the old and new selected annotation."""
        self._refresh_annotation(old)
        self._refresh_annotation(new)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Wrap what comes into view next."""
        super().watch_scroll_y(old_value, new_value)
        self._schedule_prewrap()
        self._schedule_prefetch()

    # --- cursor helpers ---------------------------------------------------------------

    def _max_cursor(self) -> int:
        text = self._text
        return grapheme_bounds(text, len(text) - 1)[0] if text else 0

    def _set_cursor(self, offset: int) -> None:
        offset = max(0, min(offset, self._max_cursor()))
        offset = grapheme_bounds(self._text, offset)[0]
        old = self.cursor
        if old != offset:
            self.set_reactive(ArticleView.cursor, offset)
            self._refresh_offsets(old, offset)

    def validate_cursor(self, value: int) -> int:
        """Keep the cursor on a cluster start inside the text."""
        value = max(0, min(value, self._max_cursor()))
        return grapheme_bounds(self._text, value)[0]

    def watch_cursor(self, old: int, new: int) -> None:
        """Setting ``cursor`` directly moves like :meth:`move_to`."""
        self._refresh_offsets(old, new)
        self.scroll_to_offset(new)
        self._post_moved()

    def _post_moved(self) -> None:
        if self.on_moved is not None:
            self.on_moved()
        self.post_message(self.CursorMoved(self, self.cursor, self.selection))
        self._schedule_prefetch()

    def _refresh_offsets(self, *offsets: int) -> None:
        rowmap = self._map
        if rowmap is None:
            return
        for offset in offsets:
            y = rowmap.row_of(offset)
            self.refresh_lines(y, 1)

    def _refresh_range_change(self, old: tuple[int, int] | None, new: tuple[int, int] | None) -> None:
        if old == new or self._map is None:
            return
        if old is None or new is None:
            rng = old or new
            assert rng is not None
            self._refresh_span(*rng)
            return
        # Only the ends moved: refresh the rows between old and new ends.
        self._refresh_span(min(old[0], new[0]), max(old[0], new[0]) + 1)
        self._refresh_span(min(old[1], new[1]) - 1, max(old[1], new[1]))

    def _refresh_span(self, start: int, end: int) -> None:
        rowmap = self._map
        if rowmap is None:
            return
        y0 = rowmap.row_of(max(0, start))
        y1 = rowmap.row_of(max(start, end))
        top = int(self.scroll_y)
        height = self.scrollable_content_region.height
        y0, y1 = max(y0, top), min(y1, top + height)
        if y1 >= y0:
            self.refresh_lines(y0, y1 - y0 + 1)

    def _refresh_annotation(self, ann_id: str | None) -> None:
        if ann_id is None:
            return
        for h in self._hl_by_id.get(ann_id, ()):
            for s, e in h.fragments:
                self._refresh_span(s, e)

    # --- motions ---------------------------------------------------------------------

    def _motion(self, offset: int, *, extend: bool = False, keep_goal: bool = False) -> None:
        goal = self._goal_col
        self.move_to(offset, extend=extend or self._visual)
        if keep_goal:
            self._goal_col = goal
        else:
            self._goal_col = None

    def _vertical(self, rows: int, *, extend: bool = False) -> None:
        rowmap = self._map
        if rowmap is None:
            return
        y = rowmap.row_of(self.cursor)
        row = rowmap.row(y)
        if self._goal_col is None:
            self._goal_col = self._column_of(row, self.cursor)
        target_y = max(0, min(y + rows, rowmap.row_count - 1))
        if target_y == y:
            if abs(rows) > 1:
                # A page motion at the first/last row goes to the start/end.
                self._motion(0 if rows < 0 else self._max_cursor(), extend=extend)
            return
        target_row = rowmap.row(target_y)
        self._motion(self._offset_at(target_row, self._goal_col), extend=extend, keep_goal=True)

    def action_cursor_left(self) -> None:
        """Move one grapheme left."""
        self._motion(graphemes.prev_grapheme(self._text, self.cursor))

    def action_cursor_right(self) -> None:
        """Move one grapheme right."""
        self._motion(min(graphemes.next_grapheme(self._text, self.cursor), self._max_cursor()))

    def action_cursor_up(self) -> None:
        """Move one row up, keeping the column."""
        self._vertical(-1)

    def action_cursor_down(self) -> None:
        """Move one row down, keeping the column."""
        self._vertical(1)

    def action_word_next(self) -> None:
        """Move to the next word start."""
        self._motion(motions.next_word_start(self._text, self.cursor))

    def action_word_prev(self) -> None:
        """Move to the previous word start."""
        self._motion(motions.prev_word_start(self._text, self.cursor))

    def action_word_end(self) -> None:
        """Move to the end of the word."""
        self._motion(motions.word_end(self._text, self.cursor))

    def action_sentence_next(self) -> None:
        """Move to the next sentence."""
        self._motion(motions.next_sentence(self._text, self.cursor))

    def action_sentence_prev(self) -> None:
        """Move to the start of the sentence (or the previous one)."""
        self._motion(motions.prev_sentence(self._text, self.cursor))

    def action_paragraph_next(self) -> None:
        """Move to the next paragraph."""
        self._motion(motions.next_paragraph(self._text, self.cursor))

    def action_paragraph_prev(self) -> None:
        """Move to the start of the paragraph (or the previous one)."""
        self._motion(motions.prev_paragraph(self._text, self.cursor))

    def _page(self, fraction: float) -> None:
        height = max(1, self.scrollable_content_region.height)
        rows = int(height * fraction) or (1 if fraction > 0 else -1)
        self.set_scroll(None, max(0, min(self.max_scroll_y, int(self.scroll_y) + rows)))
        self._vertical(rows)

    def action_page_down(self) -> None:
        """Move a page down."""
        self._page(1)

    def action_page_up(self) -> None:
        """Move a page up."""
        self._page(-1)

    def action_half_page_down(self) -> None:
        """Move half a page down."""
        self._page(0.5)

    def action_half_page_up(self) -> None:
        """Move half a page up."""
        self._page(-0.5)

    def action_doc_start(self) -> None:
        """Move to the start of the document."""
        self._motion(0)

    def action_doc_end(self) -> None:
        """Move to the last character of the document."""
        self._motion(self._max_cursor())

    def action_toggle_visual(self) -> None:
        """Start (or end) a selection at the cursor; motions then extend it."""
        if self._visual:
            self.clear_selection()
            return
        old = self.selection
        self._visual = True
        self._anchor = self.cursor
        self._refresh_range_change(old, self.selection)
        self._post_moved()

    def action_select_left(self) -> None:
        """Extend the selection one grapheme left."""
        self.move_to(graphemes.prev_grapheme(self._text, self.cursor), extend=True)

    def action_select_right(self) -> None:
        """Extend the selection one grapheme right."""
        self.move_to(min(graphemes.next_grapheme(self._text, self.cursor), self._max_cursor()), extend=True)

    def action_select_up(self) -> None:
        """Extend the selection one row up."""
        self._vertical(-1, extend=True)

    def action_select_down(self) -> None:
        """Extend the selection one row down."""
        self._vertical(1, extend=True)

    def action_clear_selection(self) -> None:
        """Clear the selection."""
        self.clear_selection()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Let ``escape`` fall through to the screen when there is nothing to clear."""
        if action == "clear_selection":
            return self._anchor is not None or self._visual
        return True

    # --- columns and mouse -----------------------------------------------------------

    def _row_cells(self, row: Row) -> list[tuple[int, int, int]]:
        """``(cluster start, first column, last column + 1)`` of each cluster in a row.

        Inline labels take columns after a span's end, so the cluster that
        follows starts further right.
        """
        text = self._text
        labels = self._label_points(row) if self.show_labels else {}
        out = []
        col = 0
        for s, e in graphemes.iter_graphemes(text, row.start, row.end):
            if s in labels and s > row.start:
                col += labels[s]
            c0 = text[s]
            if c0 == "\t":
                w = graphemes.TAB_SIZE - col % graphemes.TAB_SIZE
            elif e - s == 1 and ord(c0) < 0x7F:
                w = 1
            else:
                w = self._cell_width(graphemes.display_cluster(text[s:e]))
            out.append((s, col, col + w))
            col += w
        if row.break_end > row.end:
            if row.end in labels and row.end > row.start:
                col += labels[row.end]
            out.append((row.end, col, col + 1))
        return out

    def _column_of(self, row: Row, offset: int) -> int:
        for s, c0, _c1 in self._row_cells(row):
            if s >= offset:
                return c0
        cells = self._row_cells(row)
        return cells[-1][2] if cells else 0

    def _offset_at(self, row: Row, col: int) -> int:
        cells = self._row_cells(row)
        if not cells:
            return row.start
        prev = cells[0][0]
        for s, c0, c1 in cells:
            if col < c0:
                return prev  # on an inline label: the annotation's last character
            if col < c1:
                return s
            prev = s
        return cells[-1][0]

    def _offset_at_event(self, event: events.MouseEvent) -> int | None:
        if self._map is None:
            return None
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        y = int(self.scroll_y) + offset.y
        if y >= self._map.row_count:
            return self._max_cursor()
        return self._offset_at(self._map.row(y), offset.x + int(self.scroll_x))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """Click moves the cursor; a drag from here selects."""
        if event.button != 1:
            return
        offset = self._offset_at_event(event)
        if offset is None:
            return
        self.focus()
        self._drag_origin = offset
        self._dragged = False
        self._visual = False
        self.move_to(offset)
        self.capture_mouse()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        """End a click or drag; a click on a highlight posts HighlightClicked."""
        if self._drag_origin is None:
            return
        self.release_mouse()
        self._drag_origin = None
        if not self._dragged:
            under = self.highlights_at(self.cursor)
            if under:
                self.post_message(self.HighlightClicked(self, under[0].id))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Drag selects; hovering an annotation emphasises all its fragments."""
        offset = self._offset_at_event(event)
        if self._drag_origin is not None and event.button == 1:
            if offset is not None and (offset != self._drag_origin or self._dragged):
                if not self._dragged:
                    self._anchor = self._drag_origin
                    self._dragged = True
                self.move_to(offset, extend=True)
            return
        hover = None
        if offset is not None:
            under = self.highlights_at(offset)
            hover = under[0].id if under else None
        if hover != self._hover_id:
            old, self._hover_id = self._hover_id, hover
            self._refresh_annotation(old)
            self._refresh_annotation(hover)

    def on_leave(self, event: events.Leave) -> None:
        """Stop hover emphasis when the mouse leaves."""
        if self._hover_id is not None:
            old, self._hover_id = self._hover_id, None
            self._refresh_annotation(old)

    # --- rendering -----------------------------------------------------------------------

    def _component(self, name: str) -> Style:
        style = self._component_cache.get(name)
        if style is None:
            style = self.get_component_rich_style(name, partial=True)
            self._component_cache[name] = style
        return style

    def _label_points(self, row: Row) -> dict[int, int]:
        """Offset -> label cells for labels drawn in this row."""
        lo, hi = row.start, max(row.end, row.break_end)
        points: dict[int, int] = {}
        for h in self._highlights_near(lo, hi):
            end = h.end
            if lo < end <= hi or (end == lo == row.end):
                points[end] = points.get(end, 0) + h.label_cells
        return points

    def _highlights_near(self, lo: int, hi: int) -> list[Highlight]:
        """Highlights with a fragment touching ``[lo, hi]`` (each once)."""
        seen: dict[int, Highlight] = {}
        index = self._hl_index
        for block in range(lo // INDEX_BLOCK, hi // INDEX_BLOCK + 1):
            for s, e, h in index.get(block, ()):
                if s <= hi and e >= lo:
                    seen[id(h)] = h
        return list(seen.values())

    def render_line(self, y: int) -> Strip:
        """Render one visible row (``y`` is relative to the top of the view)."""
        rowmap = self._map
        width = self.scrollable_content_region.width
        base = self._base_style
        if base is None:
            base = self._base_style = self.rich_style
        if rowmap is None:
            if self._text and self.is_mounted:
                self._rebuild_map()
                rowmap = self._map
            if rowmap is None:
                return Strip.blank(width, base)
        vy = y + int(self.scroll_y)
        if vy >= rowmap.row_count:
            return Strip.blank(width, base)
        before = rowmap.row_count
        row = rowmap.row(vy)
        if rowmap.row_count != before:
            # An estimate was corrected while drawing: fix the scrollbar afterwards.
            lifetime.after_refresh(self, self._sync_virtual_size)
        key = self._row_key(row, width)
        strip = self._strip_cache.get(key)
        if strip is None:
            strip = self._build_strip(row, base).crop_extend(0, width, base)
            self._strip_cache[key] = strip
        return strip

    def _row_key(self, row: Row, width: int) -> tuple:
        lo, hi = row.start, max(row.end, row.break_end)
        versions = self._hl_versions
        hl_sig = tuple(versions.get(b, 0) for b in range(lo // INDEX_BLOCK, hi // INDEX_BLOCK + 1)) if versions else ()
        cursor = self.cursor
        cur = cursor if lo <= cursor < hi or (cursor == lo == hi) else None
        sel = self.selection
        sel_clip = None
        if sel is not None and sel[0] < hi and sel[1] > lo:
            sel_clip = (max(sel[0], lo), min(sel[1], hi))
        marks = None
        if self.selected_id is not None or self._hover_id is not None:
            near = self._highlights_near(lo, hi)
            ids = {h.id for h in near}
            marks = (
                self.selected_id if self.selected_id in ids else None,
                self._hover_id if self._hover_id in ids else None,
            )
        hits = self._hits_version if self._hit_index else 0
        return (row, width, self.show_labels, self._epoch, hl_sig, hits, cur, sel_clip, marks)

    def _highlight_style(self, h: Highlight, overlapped: bool) -> Style:
        key = ("hl", h.color, h.pending, h.overlay, h.kind, overlapped)
        style = self._style_cache.get(key)
        if style is not None:
            return style
        bg_rich = self.rich_style.bgcolor
        background = Color.from_rich_color(bg_rich) if bg_rich is not None else Color(0, 0, 0)
        try:
            color = Color.parse(h.color)
        except Exception:
            color = Color(128, 128, 128)
        if h.pending or h.overlay:
            fg = _readable_on(color, background)
            style = Style(color=fg.rich_color, italic=h.pending, underline=h.pending, overline=h.overlay)
        else:
            # Blend with the theme background so the fill is soft in light and dark themes.
            fill = background.blend(color, 0.55 if background.brightness < 0.5 else 0.45)
            text = Color(0, 0, 0) if fill.brightness > 0.55 else Color(255, 255, 255)
            style = Style(bgcolor=fill.rich_color, color=text.rich_color, bold=h.kind == "trigger")
        if overlapped:
            style += Style(underline=True)
        self._style_cache[key] = style
        return style

    def _build_strip(self, row: Row, base: Style) -> Strip:
        text = self._text
        lo, hi = row.start, row.end
        brk = row.break_end
        span_hi = max(hi, brk)
        cuts = {lo, hi}
        # Markdown runs touching the row.
        runs = []
        seen_runs: set[int] = set()
        for block in range(lo // INDEX_BLOCK, span_hi // INDEX_BLOCK + 1):
            for n in self._run_index.get(block, ()):
                if n in seen_runs:
                    continue
                seen_runs.add(n)
                run = self._runs[n]
                s, e = run.start, run.end
                if run.kind == "list_item":
                    e = self._markers.get(s, s)
                if s < hi and e > lo:
                    runs.append((s, e, run.kind))
                    cuts.add(max(s, lo))
                    cuts.add(min(e, hi))
        # Highlights touching the row.
        hls = []
        for h in self._highlights_near(lo, span_hi):
            for s, e in h.fragments:
                if s < span_hi and e > lo:
                    hls.append((s, e, h))
                    cuts.add(max(s, lo))
                    cuts.add(min(e, hi))
        hits = []
        if self._hit_index:
            seen_hits: set[int] = set()
            for block in range(lo // INDEX_BLOCK, span_hi // INDEX_BLOCK + 1):
                for n in self._hit_index.get(block, ()):
                    if n not in seen_hits:
                        seen_hits.add(n)
                        s, e = self._hits[n]
                        if s < span_hi and e > lo:
                            hits.append((s, e))
                            cuts.add(max(s, lo))
                            cuts.add(min(e, hi))
        sel = self.selection
        if sel is not None:
            cuts.add(max(lo, min(sel[0], hi)))
            cuts.add(max(lo, min(sel[1], hi)))
        cursor = self.cursor
        cursor_end = grapheme_end(text, cursor) if text else 0
        if lo <= cursor < hi:
            cuts.add(cursor)
            cuts.add(min(cursor_end, hi))
        labels = self._label_points(row) if self.show_labels else {}
        label_texts: dict[int, list[tuple[str, bool]]] = {}
        if labels:
            for h in self._highlights_near(lo, span_hi):
                end = h.end
                if end in labels:
                    label_texts.setdefault(end, []).append((h.label_text, h.id == self.selected_id))
                    if lo < end < hi:
                        cuts.add(end)
        segment_text = text[lo:hi]
        ascii_row = segment_text.isascii()
        if not ascii_row:
            # Style changes must not split a grapheme cluster: snap cuts to cluster starts.
            snap = graphemes.snap_to_grapheme
            cuts = {c if c <= lo or c >= hi else max(lo, snap(text, c)) for c in cuts}
        ordered = sorted(c for c in cuts if lo <= c <= hi)
        selected_id = self.selected_id
        hover_id = self._hover_id
        segments: list[Segment] = []
        col = 0
        # Label of a span ending exactly at the row start belongs here only on an empty row.
        for a, b in zip(ordered, ordered[1:], strict=False):
            if a >= b:
                continue
            style = base + self._style_at(a, runs, hls, hits, sel, selected_id, hover_id)
            if a <= cursor < b:
                style = style + self._component("article-view--cursor")
            chunk = text[a:b]
            if "\t" in chunk:
                parts = []
                for ch in chunk:
                    if ch == "\t":
                        w = graphemes.TAB_SIZE - col % graphemes.TAB_SIZE
                        parts.append(" " * w)
                        col += w
                    else:
                        d = graphemes.display_char(ch)
                        parts.append(d)
                        col += self._cell_width(d)
                shown = "".join(parts)
            else:
                shown = sanitize(chunk)
                col += len(shown) if shown.isascii() else cell_len(shown)
            segments.append(Segment(shown, style))
            if b in label_texts and b < hi:
                col += self._append_labels(segments, label_texts[b], base)
        if brk > hi:
            on_break = hi <= cursor < brk
            in_sel = sel is not None and sel[0] <= hi < sel[1]
            if hi in label_texts and hi > lo:
                col += self._append_labels(segments, label_texts[hi], base)
            if on_break or in_sel:
                style = base + (self._component("article-view--selection") if in_sel else Style())
                if on_break:
                    style += self._component("article-view--cursor")
                segments.append(Segment(" ", style))
            for p in sorted(label_texts):
                if hi < p <= brk:
                    self._append_labels(segments, label_texts[p], base)
        elif hi in label_texts and hi > lo:
            self._append_labels(segments, label_texts[hi], base)
        if not segments and lo <= cursor < max(hi, brk, lo + 1) and hi == lo == len(text):
            segments.append(Segment(" ", base + self._component("article-view--cursor")))
        return Strip(segments)

    def _append_labels(self, segments: list[Segment], labels: list[tuple[str, bool]], base: Style) -> int:
        style = base + self._component("article-view--label")
        cells = 0
        for label, selected in labels:
            s = style + Style(bold=True) if selected else style
            segments.append(Segment(label, s))
            cells += cell_len(label)
        return cells

    def _style_at(
        self,
        offset: int,
        runs: list[tuple[int, int, str]],
        hls: list[tuple[int, int, Highlight]],
        hits: list[tuple[int, int]],
        sel: tuple[int, int] | None,
        selected_id: str | None,
        hover_id: str | None,
    ) -> Style:
        kinds = tuple(sorted({k for s, e, k in runs if s <= offset < e}))
        covering = [(e - s, h) for s, e, h in hls if s <= offset < e]
        hit = any(s <= offset < e for s, e in hits)
        in_sel = sel is not None and sel[0] <= offset < sel[1]
        fill: Highlight | None = None
        emphasised = False
        overlapped = False
        if covering:
            covering.sort(key=lambda t: t[0])
            ids = {h.id for _, h in covering}
            # The innermost accepted annotation gives the fill; pending/overlay ones only
            # decorate when nothing else covers the cell.
            solid = [h for _, h in covering if not (h.pending or h.overlay)]
            fill = solid[0] if solid else covering[0][1]
            emphasised = (selected_id in ids) or (hover_id in ids)
            overlapped = len(ids) > 1
        fill_key = (fill.color, fill.pending, fill.overlay, fill.kind) if fill is not None else None
        key = (kinds, fill_key, overlapped if covering else False, hit, in_sel, emphasised)
        style = self._style_cache.get(key)
        if style is not None:
            return style
        style = Style()
        for kind in kinds:
            name = "article-view--list-marker" if kind == "list_item" else _MD_COMPONENTS[kind]
            style += self._component(name)
        if fill is not None:
            style += self._highlight_style(fill, overlapped)
        if hit:
            style += self._component("article-view--search-hit")
        if in_sel:
            style += self._component("article-view--selection")
        if emphasised:
            style += self._component("article-view--selected-annotation")
        self._style_cache[key] = style
        return style


@lru_cache(maxsize=1024)
def _label_text(label: str, pending: bool, overlay: bool) -> tuple[str, int]:
    """The inline label drawn for a type (sanitized) and its width in cells."""
    mark = "?" if pending else "^" if overlay else ""
    text = f"[{sanitize(label, single_line=True)}{mark}]"
    return text, cell_len(text)


def _hl_key(h: Highlight) -> Highlight:
    """The key a highlight is diffed by: its value, i.e. the (hashable) named tuple itself."""
    return h
"""A highlight's value as a tuple (built in C: diffing 50k highlights stays cheap)."""


def _readable_on(color: Color, background: Color) -> Color:
    """Lighten or darken ``color`` until it stands out from ``background``."""
    for _ in range(8):
        if abs(color.brightness - background.brightness) >= 0.35:
            break
        color = color.lighten(0.1) if background.brightness < 0.5 else color.darken(0.1)
    return color
