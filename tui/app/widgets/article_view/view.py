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
- ``show_labels``: ``Basra[GPE]`` after each span's end, and ``<ORG>`` before
  the first character of a span that another starts or ends inside (whose
  start its fill cannot show); cells that are not text: the cursor and
  offsets skip them. On by default under ``NO_COLOR``.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from tui.app import lifetime
from tui.app.widgets._scroll import SteadySizes
from tui.app.widgets.article_view.highlights import Highlight, HighlightsMixin
from tui.app.widgets.article_view.motions import MotionsMixin
from tui.app.widgets.article_view.rendering import RenderingMixin
from tui.core.model import StyleRun
from tui.core.store import gc_paused
from tui.core.text.graphemes import grapheme_bounds
from tui.core.text.wrapping import LabelIndex, RowMap


class ArticleView(HighlightsMixin, MotionsMixin, RenderingMixin, SteadySizes, ScrollView, can_focus=True):
    """The reader: the article wrapped to the width, with cursor, selection and highlights."""

    DEFAULT_CSS = """
    ArticleView {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        /* The wrap width leaves the scrollbar's cells out from the first frame
           (the bar appears only once the rows are known, and no resize follows). */
        scrollbar-gutter: stable;
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

    BINDINGS: ClassVar[list[BindingType]] = [
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
        self._start_marks: dict[Highlight, int] = {}
        """Highlights drawn with a start mark (``<ORG>``: nested spans, labels on) -> their start."""
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

    def _set_cursor(self, offset: int) -> None:
        offset = max(0, min(offset, self._max_cursor()))
        offset = grapheme_bounds(self._text, offset)[0]
        old = self.cursor
        if old != offset:
            self.set_reactive(ArticleView.cursor, offset)
            self._refresh_offsets(old, offset)
