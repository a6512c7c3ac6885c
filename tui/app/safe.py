"""The one way data reaches the screen: sanitised, one line, never markup.

Every string that came from a file or the database (document text and
names, labels, type and schema names, roles, attribute names and values,
notes, normalisations, annotator names, file names, error messages that
quote any of them) is shown through :func:`safe_text` (a ``rich.text.Text``,
which Textual never parses as markup) or, where a plain string is needed,
:func:`safe` (then shown with ``markup=False`` or inside a ``Text``).
Control characters, C1 controls and bidi overrides become visible
replacement characters (:func:`tui.core.text.graphemes.sanitize`), so none reaches
the terminal. The arguments after ``text`` are keyword-only: two versions
of these helpers once took them in opposite orders.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from tui.core.text.graphemes import sanitize

#: Longest snippet of document text shown in one line of a prompt or picker.
SNIPPET = 60
ELLIPSIS = "…"


def safe(text: str, *, limit: int | None = None) -> str:
    """Return ``text`` on one line with every unsafe character made visible, cut to ``limit``.

    Args:
        text: text from a document, a file or a user (never trusted).
        limit: maximum length in characters (None: no limit); a cut ends with "…".

    Returns:
        A plain string with nothing that can control a terminal. It is still
        not markup-safe: show it with ``markup=False`` or inside a ``Text``.
    """
    text = str(text)
    if limit is not None and len(text) > limit:
        return sanitize(text[: max(limit - 1, 0)], single_line=True) + ELLIPSIS
    return sanitize(text, single_line=True)


def safe_text(text: str | Text, *, style: str | Style = "", limit: int | None = None) -> Text:
    """Return ``text`` as a one-line ``Text`` (never markup), sanitised and cut like :func:`safe`.

    A ``Text`` given (a dialog's title built by its caller) keeps its styles:
    sanitising keeps one character per code point, so its spans still fit.

    Args:
        text: text from a document, a file or a user, or a ``Text`` holding some.
        style: a Rich style for the whole text.
        limit: maximum length in characters (None: no limit).

    Returns:
        A ``Text`` that renders exactly the sanitised characters.
    """
    if isinstance(text, Text):
        cut = text.copy()
        if limit is not None and len(cut) > limit:
            cut.truncate(max(limit - 1, 0))
            cut.append(ELLIPSIS)
        # sanitize keeps the length, so the spans still cover the same characters
        out = Text(sanitize(cut.plain, single_line=True), style=cut.style, justify=cut.justify,
                   overflow=cut.overflow, no_wrap=cut.no_wrap, end=cut.end, spans=list(cut.spans))
        if style:
            out.stylize(style)
        return out
    return Text(safe(text, limit=limit), style=style)
