"""A ``Tree`` for the side panels that rebuilds in one pass.

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
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode


class ListTree(Tree[Any]):
    """A ``Tree`` with batched rebuilds and label widths that do not render the label."""

    _batching = False
    _dirty = False

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

    def _invalidate(self) -> None:
        if self._batching:
            self._dirty = True
            return
        super()._invalidate()

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
