"""Helpers shared by the dialogs and the reader: showing document text safely.

Document text is data: it is never parsed as markup and its control
characters never reach the terminal. Everything that shows a piece of it
(pickers, prompts, confirmations, notifications) goes through
:func:`safe` or :func:`safe_text`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from tui.core.layout import sanitize

if TYPE_CHECKING:
    from textual import events

#: Longest snippet of document text shown in one line of a prompt or picker.
SNIPPET = 60


def safe(text: str, limit: int | None = SNIPPET) -> str:
    """Return ``text`` on one line with every unsafe character replaced, cut to ``limit``.

    Args:
        text: document text (or anything that came from a file).
        limit: maximum length in characters (None: no limit); a cut ends with "…".

    Returns:
        A plain string safe to show; use it with ``markup=False`` or in a ``Text``.
    """
    out = sanitize(text, single_line=True)
    if limit is not None and len(out) > limit:
        out = out[: max(limit - 1, 0)] + "…"
    return out


def safe_text(text: str, limit: int | None = SNIPPET, style: str = "") -> Text:
    """Return ``text`` as a rich ``Text`` (never markup), sanitised and cut like :func:`safe`.

    Args:
        text: document text.
        limit: maximum length in characters (None: no limit).
        style: a style for the whole text.

    Returns:
        The text object.
    """
    return Text(safe(text, limit), style=style)


class TypeAheadMixin:
    """For dialogs with an Input: keys typed before the input has focus go into it.

    A fast typist presses ``t`` then ``p`` (or ``/`` then a word) before the
    dialog has mounted and focused its input; such a key reaches the screen
    with nothing focused and would be lost. A printable key that reaches the
    screen is put into the first input instead (a picker then sees its
    hotkey through ``Input.Changed`` as usual).
    """

    def on_key(self, event: events.Key) -> None:
        if not event.is_printable or event.character is None:
            return
        # imported here: the reader imports this module for safe() at start-up,
        # and the Input widget (with its dependencies) is only needed by a dialog
        from textual.css.query import NoMatches
        from textual.widgets import Input

        try:
            field = self.query(Input).first()  # type: ignore[attr-defined]
        except NoMatches:
            return
        event.stop()
        event.prevent_default()
        field.insert_text_at_cursor(event.character)
        field.focus()
