"""A ``Tree`` for the side panels that rebuilds in one pass and never re-lays out the screen.

Textual's ``Tree`` invalidates itself on every node it adds (clearing its
line cache, resetting every node and scheduling a layout), and measures a
row's width by rendering its label. The panels rebuild their whole tree
after an action: on a 1,000-span document that was ~1,000 invalidations and
~700 rendered labels per tag, most of a tag's time. ``ListTree`` lets a
rebuild run as one batch (one invalidation at the end), measures a row
from its label's cell length without rendering it, and takes a one-line
``Text`` label as it is instead of splitting it into lines (a panel's labels
are sanitised to one line already). A ``str`` label is plain text, never
markup: panel labels carry document text.

A layout is a reflow of the whole screen followed by a repaint of every
widget on it (tens of milliseconds in the reader). A panel's tree has a
fixed height (``1fr``), so a new row changes only what it scrolls over:
``ListTree`` repaints the visible rows that now draw something else and
updates its scroll bars instead, and asks for a layout only when its size
depends on its rows (``height: auto``) or a scroll bar appears or
disappears (Textual's own reactive does that).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Self

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tui.app.compositor import textual_tested
from tui.app.widgets._scroll import SteadySizes, row_runs

#: The shortcuts below use Tree's private parts (its line cache, row drawing and
#: node counters): on a Textual release they were not checked against, the tree
#: behaves as Textual's own (slower, never wrong).
SHORTCUTS = textual_tested()


class ListTree(SteadySizes, Tree[Any]):
    """A ``Tree`` with batched rebuilds, label widths that do not render the label, and no relayouts."""

    _batching = False
    _dirty = False
    _shown_looks: dict[int, Any] | None = None
    """Visible line -> what it showed (:func:`_row_look`) when the rows last changed."""

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Add, clear and expand nodes with one invalidation at the end (not one per node)."""
        self._batching, self._dirty = True, False
        try:
            yield
        finally:
            self._batching = False
            if self._dirty:
                self._invalidate()

    def on_focus(self) -> None:
        """Focus lands on the first row, so ``enter`` acts at once (a Tree starts on no row)."""
        if self.cursor_line < 0 and self.last_line >= 0:
            self.cursor_line = 0

    def _sized_by_rows(self) -> bool:
        """Whether the tree's own height follows its rows (then a new row needs a layout)."""
        height = self.styles.height
        return height is None or height.is_auto

    def _invalidate(self) -> None:
        if self._batching:
            self._dirty = True
            return
        if self._sized_by_rows() or not SHORTCUTS:
            super()._invalidate()
            return
        # Tree._invalidate, with a repaint instead of a layout, of the rows that changed.
        before = self._tree_lines_cached
        width = self.virtual_size.width
        self._clear_line_cache()
        self._updates += 1
        self.root._reset()
        if before is None or not self.is_mounted or not self.size:
            self.refresh()
            return
        after = self._tree_lines  # lays the rows out now (what the next frame would do)
        # What each visible row showed at the last change, taken then: a row's look
        # reads its node as it is now, so the old line list would give a relabelled
        # node's new look (a type group's count) and its row would keep the old one.
        shown, top = self._shown_looks, self.scroll_offset.y
        now = self._shown_looks = {y: _row_look(after, y) for y in range(top, top + self.size.height)}
        if self.virtual_size.width != width and max(width, self.virtual_size.width) > self.size.width:
            self.refresh()  # every row is padded to the widest one, which changed
            return
        # One refresh for all the rows that changed, runs of rows as one region each:
        # a refresh per row merges its region into the widget's dirty set every time.
        changed = [y for y, look in now.items() if shown is None or y not in shown or shown[y] != look]
        if changed:
            self.refresh(*row_runs(changed, top, self.size.width))

    @property  # type: ignore[override]
    def virtual_size(self) -> Size:
        """The scrollable size (rows by widest row), as on any widget."""
        return Widget.virtual_size.__get__(self, Widget)  # type: ignore[return-value]

    @virtual_size.setter
    def virtual_size(self, size: Size) -> None:
        # Widget.virtual_size is a layout reactive: every row added or removed
        # would reflow and repaint the screen. Updating the scroll bars is what a
        # layout would do for a fixed-size tree; when a bar appears or goes,
        # show_vertical_scrollbar (a layout reactive itself) still asks for one.
        if self._sized_by_rows() or not self.is_mounted or not SHORTCUTS:
            Widget.virtual_size.__set__(self, size)
            return
        if size == self.virtual_size:
            return
        self.set_reactive(Widget.virtual_size, size)
        self._scroll_update(size)  # the scroll bars; the rows that changed are repainted by _invalidate

    _base_style: Style | None = None
    _frame_offset: tuple[int, int, int] | None = None
    """(scroll x, scroll y, width) while :meth:`render_lines` runs."""
    _moved_rows: dict[tuple[Any, ...], Strip] | None = None
    _styled_rows: dict[tuple[Any, ...], Strip] | None = None
    """Rows as the styles pipeline finished them, by what they show and how: see :meth:`render_lines`."""

    _kept_components: dict[tuple[Any, ...], Style] | None = None
    """Component styles (``tree--cursor``...) as looked up since the CSS or the whole widget last changed."""

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._moved_rows = None
        self._styled_rows = None
        self._kept_components = None

    def refresh(self, *regions: Region, layout: bool = False, repaint: bool = True,
                recompose: bool = False) -> Self:
        if repaint and not regions:
            self._kept_components = None  # a repaint of the whole widget may follow a style change
        return super().refresh(*regions, layout=layout, repaint=repaint, recompose=recompose)

    def get_component_rich_style(self, *names: str, partial: bool = False, default: Style | None = None) -> Style:
        """Textual's component style, kept while only rows are repainted.

        Tree draws each row with three or four component styles, and Textual
        forgets them on every repaint, rows included: each look-up walks the
        DOM for the background (about a third of a new row's cost). They change
        only with the CSS (``notify_style_update``: a theme, focus, hover) or on
        a repaint of the whole widget, and are forgotten then.
        """
        if not SHORTCUTS:
            return super().get_component_rich_style(*names, partial=partial, default=default)
        kept = self._kept_components
        if kept is None:
            kept = self._kept_components = {}
        key = (names, partial)
        style = kept.get(key)
        if style is None:
            style = super().get_component_rich_style(*names, partial=partial, default=default)
            if default is None or style is not default:
                kept[key] = style
        return style

    def render_lines(self, crop: Region) -> list[Strip]:
        """The rows in ``crop``; a row that only moved up or down is not styled again.

        Textual styles every row it draws (background, tint, padding: about
        as much again as drawing the row), and forgets the styled rows by line
        number whenever a node changes. A new mention near the top of a panel
        moves every row under it down one line: those rows are taken styled
        from what they were, keyed by what they show (:meth:`_row_key`) and by
        everything the styling reads. (The line number Tree puts in a row for
        the mouse is not read: see :meth:`_line_at`.)
        """
        # Tree.render_line resolves the widget's style through the DOM for every
        # row (a quarter of a row's cost): once per frame is enough.
        self._base_style = base_style = self.rich_style
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        self._frame_offset = (scroll_x, scroll_y, width)
        try:
            styles_cache = self._styles_cache
            gutter = self.styles.gutter
            if not SHORTCUTS or gutter.top or gutter.bottom or self.BLANK:
                return super().render_lines(crop)
            if width != styles_cache._width:
                styles_cache.clear()  # what the styles cache does on a new width
                styles_cache._width = width
            self._pseudo_class_state = self.get_pseudo_class_state()  # as Tree.render_lines sets it
            look = (width, self.size.height, scroll_x, self.background_colors, self.opacity, base_style,
                    self.has_focus, self._pseudo_class_state)
            styled = self._styled_rows
            if styled is None or len(styled) > 4096:
                styled = self._styled_rows = {}
            cached, dirty = styles_cache._cache, styles_cache._dirty_lines
            keys: dict[int, tuple[Any, ...]] = {}
            for y in crop.line_range:
                key = self._row_key(y + scroll_y)
                if key is None:
                    continue
                key = (key, look)
                keys[y] = key
                if y in cached and y not in dirty:
                    continue
                hit = styled.get(key)
                if hit is not None:
                    cached[y] = hit
                    dirty.discard(y)
            strips = super().render_lines(crop)
            for y, key in keys.items():
                strip = cached.get(y)
                if strip is not None:
                    styled[key] = strip
            return strips
        finally:
            self._base_style = None
            self._frame_offset = None

    def render_line(self, y: int) -> Strip:
        offset = self._frame_offset
        if offset is not None:
            scroll_x, scroll_y, width = offset
        else:
            scroll_x, scroll_y = self.scroll_offset
            width = self.size.width
        style = self._base_style if self._base_style is not None else self.rich_style
        return self._render_line(y + scroll_y, scroll_x, scroll_x + width, style)

    def _row_key(self, y: int) -> tuple[Any, ...] | None:
        """What row ``y`` of the tree shows, as far as its picture goes (None: drawn afresh every time).

        The cursor's and the hovered row, and every row while the mouse is over
        the tree, are drawn by Tree itself (their look follows the mouse).
        """
        lines = self._tree_lines
        if y >= len(lines) or y in (self.cursor_line, self.hover_line) or self.hover_line >= 0:
            return None
        return (_row_look(lines, y), tuple(n._selected for n in lines[y].path),
                max(self.virtual_size.width, self.size.width))

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        """A row as Tree draws it; a row that only moved up or down is not drawn again.

        A new mention near the top of a panel moves every row under it one
        line down, and Tree forgets every row it drew whenever a node changes.
        A row's picture depends on what it shows (see :func:`_row_look`), not
        on its line number (but for the one Tree stamps on it for the mouse,
        which :meth:`_line_at` does without).
        """
        lines = self._tree_lines
        if not SHORTCUTS or y >= len(lines) or y in (self.cursor_line, self.hover_line) or self.hover_line >= 0:
            return super()._render_line(y, x1, x2, base_style)
        width = max(self.virtual_size.width, self.size.width)
        key = (_row_look(lines, y), tuple(n._selected for n in lines[y].path), self.has_focus, width,
               base_style, self._pseudo_class_state)
        cache = self._moved_rows
        if cache is None or len(cache) > 4096:
            cache = self._moved_rows = {}
        strip = cache.get(key)
        if strip is None:
            strip = cache[key] = super()._render_line(y, 0, width, base_style)
        return strip.crop(x1, x2)

    def _line_at(self, event: events.MouseEvent) -> int:
        """The tree line under the mouse (-1: none), from where the mouse is.

        Tree reads it from the ``line`` Tree stamps on every row it draws;
        the rows this tree keeps while they move up or down still carry the
        line they were drawn on, so the line is worked out from the pointer's
        place in the content and the scroll position instead.
        """
        offset = event.get_content_offset(self)
        if offset is None:
            return -1
        line = offset.y + self.scroll_offset.y
        return line if 0 <= line < len(self._tree_lines) else -1

    # Textual calls the handler of every class up the MRO: these stop Tree's (which reads
    # the stamped line) and do what it and Widget's would.

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        if SHORTCUTS:
            event.prevent_default()
            self.hover_line = self._line_at(event)

    async def _on_click(self, event: events.Click) -> None:
        if not SHORTCUTS:
            return  # Tree's handler runs next
        event.prevent_default()
        async with self.lock:
            line = self._line_at(event)
            if line >= 0:
                if event.style.meta.get("toggle", False):
                    node = self.get_node_at_line(line)
                    if node is not None:
                        self._toggle_node(node)
                else:
                    self.cursor_line = line
                    await self.run_action("select_cursor")
        await Widget._on_click(self, event)

    def _build(self) -> None:
        """Tree._build (the line list, the widest row, the cursor's line), with each row's width kept on its node.

        Every change to a tree rebuilds its line list, measuring every row: on
        a long document's entity panel (~700 rows) that was most of a tag's
        panel work. A row's width is its label's, plus the expand icon, plus
        its guides (by depth); the label's part is remembered on the node with
        the label object and fold state it was measured for. A row's line (its
        path and whether it is last) is kept on its node while its parent's
        line and its place stay, and a node's block of leaf rows (a type's
        mentions) while its line, its children and their labels stay: a tag
        then rebuilds one group's rows, and sets the line numbers of the rest.
        """
        if not SHORTCUTS:
            super()._build()
            return
        line_type = type(self)._line_type()
        lines: list[Any] = []
        add_line = lines.append
        guide_depth = self.guide_depth
        show_root = self.show_root
        expanded_icon = cell_len(self.ICON_NODE_EXPANDED)
        folded_icon = cell_len(self.ICON_NODE)
        widest = 0

        def add_node(parent: Any, node: TreeNode[Any], last: bool, guides: int) -> None:
            nonlocal widest
            # The node's line (its path from the top, whether it is its parent's last) as
            # drawn last time, while its parent's line and its place are the same.
            kept = node.__dict__.get("_tui_line")
            if kept is not None and kept[0] is parent and kept[1] == last:
                line = kept[2]
            else:
                line = line_type([*parent.path, node] if parent is not None else [node], last)
                node._tui_line = (parent, last, line)
            node._line = len(lines)
            add_line(line)
            label = node._label
            expanded = node._expanded
            measured = node.__dict__.get("_tui_width")
            if measured is not None and measured[0] is label and measured[1] == expanded \
                    and measured[2] == node._allow_expand:
                width = measured[3]
            else:
                width = label.cell_len
                if node._allow_expand:
                    width += expanded_icon if expanded else folded_icon
                node._tui_width = (label, expanded, node._allow_expand, width)
            if width + guides > widest:
                widest = width + guides
            if not expanded:
                return
            children = node._children
            below = guides + guide_depth
            # A block of leaves (a type's mentions) unchanged since the last build: its lines
            # and widest label are taken as they were; only their line numbers are set.
            # (A child's _updates count every change to it, a child of its own included.)
            members = tuple(children)
            looks = (tuple([child._label for child in children]), tuple([child._updates for child in children]))
            block = node.__dict__.get("_tui_block")
            if block is not None and block[0] is line and block[1] == members and block[2] == looks:
                first = len(lines)
                lines.extend(block[3])
                for at, child in enumerate(children, first):
                    child._line = at
                if block[4] + below > widest:
                    widest = block[4] + below
                return
            first = len(lines)
            leaves_only = True
            widest_leaf = 0
            last_child = len(children) - 1
            for i, child in enumerate(children):
                if child._allow_expand or child._children:
                    leaves_only = False
                    add_node(line, child, i == last_child, below)
                    continue
                # A leaf (most rows: the mentions), inline: no call per row.
                child._line = len(lines)
                add_line(line_type([*line.path, child], i == last_child))
                label = child._label
                measured = child.__dict__.get("_tui_width")
                if measured is not None and measured[0] is label and not measured[2]:
                    width = measured[3]
                else:
                    width = label.cell_len
                    child._tui_width = (label, child._expanded, False, width)
                if width > widest_leaf:
                    widest_leaf = width
            if widest_leaf + below > widest:
                widest = widest_leaf + below
            node._tui_block = (line, members, looks, lines[first:], widest_leaf) if leaves_only else None

        # Guides as _TreeLine._get_guide_width counts them: a cell run per level below the first.
        if show_root:
            add_node(None, self.root, True, 0)
        else:
            for node in self.root._children:
                add_node(None, node, True, 0)  # (Tree marks every top-level row as last, too)
        self._tree_lines_cached = lines
        self.virtual_size = Size(widest if lines else self.size.width, len(lines))
        if self.cursor_line != -1:
            if self.cursor_node is not None:
                self.cursor_line = self.cursor_node._line
            if self.cursor_line >= len(lines):
                self.cursor_line = -1

    @staticmethod
    def _line_type() -> Any:
        from textual.widgets._tree import _TreeLine

        return _TreeLine

    def process_label(self, label: str | Text) -> Text:
        text = Text(label) if isinstance(label, str) else label
        if "\n" in text.plain:
            return text.split()[0]  # what Tree does: the first line only
        return text

    def get_label_width(self, node: TreeNode[Any]) -> int:
        # What Tree.render_label draws: the expand icon (when the node has one) and the label.
        width = node._label.cell_len
        if node._allow_expand:
            width += cell_len(self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE)
        return width


def _row_look(lines: list[Any], y: int) -> tuple[Any, ...] | None:
    """What row ``y`` draws, for telling whether it must be drawn again (None: no row).

    A row shows its node's label and icon (the node's ``_updates`` count
    every change to them) after the guides of its path (each ancestor's place
    among its siblings). An ancestor's label is not drawn on the row: a type
    group's count changing on a tag leaves the rows of its mentions as they were.
    """
    if y >= len(lines):
        return None
    line = lines[y]
    path = line.path
    node = path[-1]
    return (line.last, tuple((id(n), n.is_last) for n in path[:-1]),
            (id(node), node._updates, node._expanded, node.is_last))


def set_expanded(node: TreeNode[Any], expanded: bool) -> None:
    """Fold or unfold ``node`` as a rebuild does: without posting ``NodeExpanded``/``NodeCollapsed``.

    Those messages tell a panel what the *user* folded; a rebuild setting the
    default state must not be mistaken for that (nor pay a message per row).
    The tree is invalidated (batched inside :meth:`ListTree.batch`).
    """
    if node._expanded != expanded:
        node._expanded = expanded
        node._updates += 1
        node._tree._invalidate()


def set_label(node: TreeNode[Any], label: Text) -> None:
    """Give ``node`` a new label now (``TreeNode.set_label`` repaints it in a later callback)."""
    node._label = node._tree.process_label(label)
    node._updates += 1
    node._tree._invalidate()
