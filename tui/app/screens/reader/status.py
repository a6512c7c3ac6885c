"""The status line: one line under the article, drawn once per key."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

from tui.app.compositor import send_refreshes
from tui.app.widgets.status_line import StatusLine

T = TypeVar("T")

#: The status line while an action waits for another process's write lock.
WAITING_MESSAGE = "waiting for the database: another process is writing…"
#: A message (the last action, why a key did nothing) leaves the status line after
#: this long (s), or as soon as the cursor moves; the screen's one-second poll clears it.
MESSAGE_SECONDS = 4.0
#: The status line while the default suggestion sources run (``a``), whatever else moves.
SUGGESTING_MESSAGE = "suggesting…"


class StatusMixin:
    """The reader's status line: document, position, selection, mode, who, and the last message.

    A key that runs an edit asks for it several times (the edit, the new
    selection, the cleared selection): inside :meth:`_one_status` those asks
    are held and the line is drawn once, as the key leaves it (the inspector
    too, which a tag asks for twice: the edit, the new selection); then every
    widget the key changed is sent to the screen's next frame at once
    (:func:`~tui.app.compositor.send_refreshes`).

    The line names the selected annotation (``GPE “Basra”``, sanitised), and
    says when it is held (see :mod:`.selecting`). A message does not stick:
    it goes after :data:`MESSAGE_SECONDS` (:meth:`_expire_message`, run by
    the screen's poll, a timer that dies with the screen) or when the cursor moves.
    """

    _message = ""
    _message_at = 0.0

    @property
    def message(self) -> str:
        """The status line's message (the last action, an error, why a key did nothing)."""
        return self._message

    @message.setter
    def message(self, text: str) -> None:
        self._message = text
        self._message_at = time.monotonic()

    def _expire_message(self) -> None:
        """Clear a message shown for :data:`MESSAGE_SECONDS` (called by the screen's poll)."""
        if self._message and time.monotonic() - self._message_at >= MESSAGE_SECONDS:
            self.message = ""
            self._update_status()

    def _mode(self) -> str:
        if self.pick is not None:
            if self.pick.purpose == "role":
                return f"ROLE {self.pick.role.name}"
            return "RELATION target" if self.pick.purpose == "relation" else "COREF"
        return "VISUAL" if self.view.selection is not None else "NORMAL"

    @contextmanager
    def _one_status(self) -> Iterator[None]:
        """Draw the status line and the inspector once, on leaving, however often asked for inside."""
        self._status_hold += 1
        try:
            yield
        finally:
            self._status_hold -= 1
            if self._status_hold == 0:
                if self._inspector_dirty:
                    self._push_inspector_now()
                if self._status_dirty:
                    self._update_status()
                # Everything the key changed, in the screen's next frame together.
                send_refreshes(self)

    def _update_status(self) -> None:
        if self._status_hold:
            self._status_dirty = True
            return
        self._status_dirty = False
        if not self.is_mounted:
            return
        view = self.view
        if self.doc is None:
            self.message = "no documents: import one with `tui import FILE`"
        text = self.doc.text if self.doc else ""
        cursor = min(view.cursor, len(text))
        sel = view.selection
        mode, who = self._mode(), self.layer_status()
        message = self.message or (WAITING_MESSAGE if self._waiting_writes else "") or (
            SUGGESTING_MESSAGE if getattr(self, "_suggesting", False) else "")
        selected = self._selected_status()
        # What the line shows is a function of these: the same key draws the same line.
        key = (id(self.doc), cursor, sel, mode, who, message, selected)
        if key == self._status_key:
            return
        self._status_key = key
        # A bisect over the view's line starts: counting newlines from the top is
        # O(offset), milliseconds at the end of a long article, on every key.
        line, column = view.line_column(cursor)
        # The status line sanitises and shortens it; cap what is copied on huge selections.
        sel_text = text[sel[0]:min(sel[1], sel[0] + 1000)] if sel else None
        self.query_one("#status-line", StatusLine).show(
            document=self.doc.name if self.doc else "(no document)",
            cursor=cursor,
            line=line,
            column=column,
            selection_text=sel_text,
            mode=mode,
            annotator=who,
            message=message,
            selected=selected,
        )

    def _moved_now(self) -> None:
        """The cursor or selection just moved: show the status line as the move leaves it.

        A move clears the last action's message (``_cursor_moved`` does, once
        the message arrives); clearing it here too keeps an action that
        moves the cursor (tagging clears the selection) from drawing its
        message in one frame and the cleared line in a second frame. A move
        off the selected annotation deselects it here too, for the same reason.
        """
        self._track_hold()
        self.message = self._message_after_move()
        view = self.view
        if self.pick is None and view.selection is None and not self._keeps_selection(view.cursor):
            # What _cursor_moved does when the message arrives, done now: a motion off the
            # span just tagged deselects it in the motion's frame, not in a second one.
            self.selected_id = None
            self.refresh_bindings()
        self._update_status()


def one_status(method: Callable[..., T]) -> Callable[..., T]:
    """Run a reader action with its status line drawn once, at its end (see :meth:`StatusMixin._one_status`)."""

    @wraps(method)
    def run(self: Any, *args: Any, **kwargs: Any) -> T:
        with self._one_status():
            return method(self, *args, **kwargs)

    return run
