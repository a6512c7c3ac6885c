"""Shared pieces of the panels: type swatches, headers, the index they read, when opening defers.

Data shown in a panel goes through :func:`tui.app.safe.safe_text`.
"""

from __future__ import annotations

from typing import Any, Protocol

from rich.style import Style
from rich.text import Text

from tui.app.widgets._lines import OneLine
from tui.core.model import DocAnnotations, Event


class AnnotationIndex(Protocol):
    """The live annotations of the shown layer, as the panels read them after an action.

    Kept in step with the store by the editing side (the reader's
    ``LiveAnnotations``, the session's index): the panels only read it.
    """

    anns: DocAnnotations
    """Every annotation of the layer, each kind's list in the store's order."""
    by_id: dict[str, Any]
    """Every annotation by id."""
    event_of_trigger: dict[str, Event]
    """Span id -> the event it triggers."""
    referrers: dict[str, set[str]]
    """Annotation id -> ids of the annotations that refer to it."""
    problems_by_id: dict[str, list[Any]]
    """Annotation id -> its schema problems."""


class PanelHeader(OneLine):
    """A panel's one-line title; a new title repaints the line (``Static.update`` re-lays out the screen).

    Its ``text`` is the title shown (tests read its ``plain``).
    """


def swatch(color: str) -> Text:
    """Return a small coloured block for a type colour (``#rrggbb``)."""
    try:
        return Text("■ ", style=Style(color=color))
    except Exception:  # a malformed colour from a hand-edited schema must not crash a panel
        return Text("■ ")


#: Documents with more annotations than this build their panels after a short
#: pause when they are opened (or reloaded), so the article's first frame comes
#: first. After an action the panels apply its changes at once
#: (``apply_changes``): that costs what changed, not the document's size.
DEFER_OVER = 400
#: Documents with more annotations than this are checked against their schema
#: after the article's first frame rather than before it (~8 us an annotation).
DEFER_CHECK_OVER = 5000
#: How long a large document's panels wait after the last change before rebuilding.
DEFER_SECONDS = 0.25


def is_large(anns, over: int | None = None) -> bool:
    """Whether a document has so many annotations that a full panel build is deferred.

    Args:
        anns: the document's annotations.
        over: the threshold (default :data:`DEFER_OVER`, read at call time).
    """
    return len(anns.spans) + len(anns.events) > (DEFER_OVER if over is None else over)
