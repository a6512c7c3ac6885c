"""Cursor, selection, motions and the mouse of the article view (a mixin of :class:`~.view.ArticleView`)."""

from __future__ import annotations

from bisect import bisect_right

from textual import events

from tui.app.widgets.article_view._parts import ViewParts
from tui.core.text import graphemes, motions
from tui.core.text.graphemes import grapheme_bounds, grapheme_end
from tui.core.text.wrapping import Row


class MotionsMixin(ViewParts):
    """Where the cursor and selection are, the keys and clicks that move them, and what they redraw."""

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
        """Return the selection if any, else the word under the cursor (without a possessive 's), else None."""
        sel = self.selection
        if sel is not None:
            return sel
        return motions.tag_word_bounds(self._text, self.cursor)

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

    # --- cursor helpers ---------------------------------------------------------------

    def _max_cursor(self) -> int:
        text = self._text
        return grapheme_bounds(text, len(text) - 1)[0] if text else 0

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
        self.post_message(self.CursorMoved(self, self.cursor, self.selection))  # type: ignore[attr-defined]  # nested in ArticleView
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
        leads = self._lead_points(row) if self.show_labels and self._start_marks else {}
        out = []
        col = 0
        for s, e in graphemes.iter_graphemes(text, row.start, row.end):
            if s in labels and s > row.start:
                col += labels[s]
            if s in leads:  # start marks of nested spans, before their first character
                col += sum(h.start_cells for h in leads[s])
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
        leads = self._lead_points(row) if self.show_labels and self._start_marks else {}
        for s, c0, c1 in cells:
            if col < c0:
                if s in leads and col >= c0 - sum(h.start_cells for h in leads[s]):
                    return s  # on a start mark: the span's first character
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
                self.post_message(self.HighlightClicked(self, under[0].id))  # type: ignore[attr-defined]  # nested in ArticleView

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
