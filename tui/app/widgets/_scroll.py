"""Scroll views that keep still when a layout elsewhere hands them the sizes they already have,
scroll bars repainted only when their thumb moves, and changed rows repainted in one call."""

from __future__ import annotations

from math import ceil
from typing import TYPE_CHECKING

from rich.segment import Segment
from textual.geometry import Region, Size
from textual.scrollbar import ScrollBar

from tui.app.compositor import textual_tested

#: ``_size_updated`` is private to Textual: checked against these releases only.
_TESTED = textual_tested()

if TYPE_CHECKING:
    from textual.scroll_view import ScrollView

    _Base = ScrollView
else:
    # A plain mixin at run time: Textual takes a widget's CSS and component
    # classes from its first DOMNode base, which must stay the Tree or ScrollView.
    _Base = object


class SteadySizes(_Base):
    """A ``ScrollView`` mixin that updates the scroll bars only when the view's sizes changed.

    Every layout hands each widget its sizes, and ``ScrollView`` refreshes its
    scroll bars whenever the container size it is handed differs from its
    own (which it always does for a view with padding or a scroll bar). One
    panel growing by a line then repaints every scroll bar on screen: a
    full-height column that makes the frame redraw every widget beside it.
    Put it before the ``ScrollView`` (or ``Tree``) in the bases.
    """

    _sized_for: tuple[Size, Size, tuple[int, int]] | None = None

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        seen = (size, self.virtual_size, self.styles.gutter.totals)
        if seen == self._sized_for and size == self._size and _TESTED:
            return self._container_size != container_size  # what ScrollView answers: send Resize or not
        self._sized_for = seen
        return super()._size_updated(size, virtual_size, container_size, layout)

    def _scroll_update(self, virtual_size: Size) -> None:
        """Textual's ``_scroll_update``, repainting a scroll bar only when its thumb looks different.

        A panel gaining a row changes its scroll bar's range: Textual repaints
        the whole bar (a full-height column of rows) even when the thumb is
        drawn in the same cells as before, which on a long list it is.
        """
        if not _TESTED:
            super()._scroll_update(virtual_size)
            return
        self._refresh_scrollbars()
        width, height = self.container_size
        if self.show_vertical_scrollbar and self.styles.scrollbar_size_vertical:
            steady_bar(self.vertical_scrollbar, virtual_size.height, height - self.scrollbar_size_horizontal)
        if self.show_horizontal_scrollbar and self.styles.scrollbar_size_horizontal:
            steady_bar(self.horizontal_scrollbar, virtual_size.width, width - self.scrollbar_size_vertical)
        self.scroll_x = self.validate_scroll_x(self.scroll_x)
        self.scroll_y = self.validate_scroll_y(self.scroll_y)


def thumb(bar: ScrollBar) -> list[Segment]:
    """The cells of a scroll bar, as its renderer draws them (colours left out: they did not change)."""
    virtual, window = bar.window_virtual_size, bar.window_size
    size = bar.size.height if bar.vertical else bar.size.width
    segments = bar.renderer.render_bar(
        size=size, virtual_size=ceil(virtual), window_size=ceil(window if window < virtual else 0),
        position=bar.position, thickness=bar.thickness, vertical=bar.vertical,
    )
    return list(segments.segments)


def steady_bar(bar: ScrollBar, virtual: int, window: int) -> None:
    """Give a scroll bar a new range and window; repaint it only when its cells change.

    Args:
        bar: the scroll bar.
        virtual: the scrolled content's length.
        window: the visible length.
    """
    if (virtual, window) == (bar.window_virtual_size, bar.window_size):
        bar.refresh()  # what Textual does (a change of colours or size also comes here)
        return
    before = thumb(bar)
    bar.set_reactive(ScrollBar.window_virtual_size, virtual)
    bar.set_reactive(ScrollBar.window_size, window)
    if thumb(bar) != before:
        bar.refresh()


def row_runs(lines: list[int], top: int, width: int) -> list[Region]:
    """Regions covering the (ascending) ``lines`` of a scrolled view, one per run of consecutive lines.

    Args:
        lines: line numbers in the scrolled content, ascending, at least one.
        top: the first line shown (the scroll offset).
        width: the regions' width.

    Returns:
        The regions, in widget rows: refresh them in one call (each call merges its
        regions into the widget's dirty set and works out its gutter again).
    """
    regions: list[Region] = []
    start = previous = lines[0]
    for y in lines[1:]:
        if y != previous + 1:
            regions.append(Region(0, start - top, width, previous - start + 1))
            start = y
        previous = y
    regions.append(Region(0, start - top, width, previous - start + 1))
    return regions
