"""Helpers shared by the dialogs: keys typed before a dialog's input has focus.

Showing data safely lives in :mod:`tui.app.safe`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual import events


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
        # imported here: the reader imports this module at start-up,
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
