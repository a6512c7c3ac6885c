"""One annotation as the article view draws it (:class:`Highlight`).

Its own module so the view's parts can name the type without importing the
highlight index (``highlights.py``), which builds on them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from rich.cells import cell_len

from tui.core.text.graphemes import sanitize


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
    def extent(self) -> tuple[int, int]:
        """``(first start, last end)`` of the fragments."""
        fragments = self.fragments
        if len(fragments) == 1:
            return fragments[0]
        if not fragments:
            return (0, 0)
        return (min(s for s, _ in fragments), max(e for _, e in fragments))

    @property
    def start_text(self) -> str:
        """The inline mark where a nested span starts, e.g. ``<ORG>`` (``<ORG?>`` pending, ``<ORG^>`` overlay)."""
        return _start_text(self.label, self.pending, self.overlay)[0]

    @property
    def start_cells(self) -> int:
        """Cells the start mark takes."""
        return _start_text(self.label, self.pending, self.overlay)[1]

    @property
    def label_text(self) -> str:
        """The inline label, with a mark for pending and overlay annotations."""
        return _label_text(self.label, self.pending, self.overlay)[0]

    @property
    def label_cells(self) -> int:
        """Cells the inline label takes."""
        return _label_text(self.label, self.pending, self.overlay)[1]


@lru_cache(maxsize=1024)
def _label_text(label: str, pending: bool, overlay: bool) -> tuple[str, int]:
    """The inline label drawn for a type (sanitized) and its width in cells."""
    mark = "?" if pending else "^" if overlay else ""
    text = f"[{sanitize(label, single_line=True)}{mark}]"
    return text, cell_len(text)


@lru_cache(maxsize=1024)
def _start_text(label: str, pending: bool, overlay: bool) -> tuple[str, int]:
    """The mark drawn where a nested span starts (sanitized) and its width in cells."""
    mark = "?" if pending else "^" if overlay else ""
    text = f"<{sanitize(label, single_line=True)}{mark}>"
    return text, cell_len(text)
