"""Shared pieces of the panels: type swatches and when large documents defer rebuilds.

Data shown in a panel goes through :func:`tui.app.safe.safe_text`.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text


def swatch(color: str) -> Text:
    """Return a small coloured block for a type colour (``#rrggbb``)."""
    try:
        return Text("■ ", style=Style(color=color))
    except Exception:  # a malformed colour from a hand-edited schema must not crash a panel
        return Text("■ ")


#: Documents with more annotations than this rebuild their panels after a short
#: pause instead of on every action. A rebuild costs ~0.08 ms a row (tree nodes,
#: labels, a relayout): at 1,000 annotations a tag waited ~80 ms for panels that
#: can follow a quarter of a second later; up to here it stays under ~30 ms.
DEFER_OVER = 400
#: Documents with more annotations than this are checked against their schema
#: after the article's first frame rather than before it (~8 us an annotation).
DEFER_CHECK_OVER = 5000
#: How long a large document's panels wait after the last change before rebuilding.
DEFER_SECONDS = 0.25


def is_large(anns, over: int | None = None) -> bool:
    """Whether a document has so many annotations that panel rebuilds are deferred.

    Args:
        anns: the document's annotations.
        over: the threshold (default :data:`DEFER_OVER`, read at call time).
    """
    return len(anns.spans) + len(anns.events) > (DEFER_OVER if over is None else over)
