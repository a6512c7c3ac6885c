"""Scroll views that keep still when a layout elsewhere hands them the sizes they already have."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.geometry import Size

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
