"""Helpers shared by the dialogs: keys typed before a dialog's input has focus.

Showing data safely lives in :mod:`tui.app.safe`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual import events


class TypeAheadMixin:
    """For dialogs with an Input: keys typed before the input has focus go into it, in order.

    A fast typist presses ``/``, ``Basra`` and enter before the dialog has
    mounted and focused its input; such keys reach the screen with nothing
    focused and would be lost (an enter among them: submitted before the
    letters, or not at all). While nothing is focused, every key is held in
    the app's ordered type-ahead queue (``TuiApp._queue_key``) and replayed
    once the input has focus; keys that come later wait behind them. A
    printable key that reaches the screen while another widget has focus is
    put into the first input.

    The other way round too: once the dialog has been dismissed (``enter`` in
    ``/Basra⏎3``), keys that arrive before it is gone are for the screen below,
    not for its input: :meth:`dismiss` marks it closing, and the app holds
    those keys (``TuiApp.on_event``) until the screen below is on top.
    """

    _tui_closing = False
    """Dismissed, not yet popped: keys that arrive now are for the screen below."""

    def dismiss(self, result: Any = None) -> Any:
        self._tui_closing = True
        return super().dismiss(result)  # type: ignore[misc]

    def on_key(self, event: events.Key) -> None:
        # imported here: the reader imports this module at start-up,
        # and the Input widget (with its dependencies) is only needed by a dialog
        from textual import events as textual_events
        from textual.css.query import NoMatches
        from textual.widgets import Input

        try:
            field = self.query(Input).first()  # type: ignore[attr-defined]
        except NoMatches:
            return
        queue = getattr(self.app, "_queue_key", None)  # type: ignore[attr-defined]
        if self.focused is None and queue is not None and not getattr(event, "_tui_replayed", False):  # type: ignore[attr-defined]
            event.stop()
            event.prevent_default()
            field.focus()
            queue(textual_events.Key(event.key, event.character))
            return
        if not event.is_printable or event.character is None:
            return
        event.stop()
        event.prevent_default()
        field.insert_text_at_cursor(event.character)
        field.focus()
