"""Turning document text into safe, one-line Rich ``Text`` for the panels.

Everything a panel shows that came from a document (span text, names,
notes, attribute values) goes through :func:`safe_text`: control
characters become visible replacement characters (``tui.core.layout``), and
the result is a ``rich.text.Text``, which Textual never parses as markup.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

ELLIPSIS = "…"


def clean(text: str, limit: int | None = None) -> str:
    """Return ``text`` on one line with every unsafe character made visible.

    Args:
        text: text from a document or a user (never trusted).
        limit: cut to at most this many characters, ending with an ellipsis.

    Returns:
        A string safe to put in a ``Text`` (it is still not markup-safe: never
        pass it to anything that parses markup).
    """
    # Imported here so the panels load even while layout.py is being written;
    # it is a plain-Python module and cheap to import.
    from tui.core.layout import sanitize

    if limit is not None and len(text) > limit:
        text = text[: max(0, limit - 1)]
        return sanitize(text, single_line=True) + ELLIPSIS
    return sanitize(text, single_line=True)


def safe_text(text: str, style: str | Style = "", limit: int | None = None) -> Text:
    """Return document text as a one-line ``Text`` (see :func:`clean`).

    Args:
        text: text from a document or a user.
        style: a Rich style for the whole text.
        limit: cut to at most this many characters.

    Returns:
        A ``Text`` that renders exactly the (sanitized) characters.
    """
    return Text(clean(text, limit), style=style)


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
