"""Committing the reader's edits: one verb of the session per key, waiting for the lock, other processes.

Every edit goes through :meth:`WritingMixin._perform`: it calls a verb of
the :class:`~tui.core.editing.AnnotationSession`, shows the
:class:`~tui.core.editing.Edit` it returns (the highlights it touched, the
panels, one status line) and posts :class:`~tui.app.messages.AnnotationsChanged`
for the rest of the app. When another process holds the write lock the edit
waits its turn on a timer (keys keep working; later edits queue behind it).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import Any, TypeVar

from tui.app import lifetime
from tui.app.messages import AnnotationsChanged
from tui.app.safe import safe
from tui.app.screens.reader.readonly import editing
from tui.app.screens.reader.status import WAITING_MESSAGE, one_status
from tui.core.editing import Edit, NoChange
from tui.core.errors import TuiError
from tui.core.store import StoreBusy
from tui.core.store.changes import ChangeSet

T = TypeVar("T")
Verb = Callable[[], Edit[Any]]

#: How often the reader looks for changes other processes made to the database (s).
POLL_SECONDS = 1.0
#: After this long without a key, the reader checkpoints the WAL (s): the app's
#: connection has autocheckpoint off, so no keystroke ever waits for one.
IDLE_CHECKPOINT_SECONDS = 2.0
#: Checkpoint at least this often while idle, even when the reader wrote nothing (s).
CHECKPOINT_EVERY_SECONDS = 60.0
#: While another process holds the write lock, a waiting action is tried again this often (s).
WRITE_RETRY_SECONDS = 0.2
#: A waiting action is given up (and reported not saved) after this long (s).
WRITE_WAIT_SECONDS = 30.0


class WritingMixin:
    """The reader's commits: verbs of the session, shown once committed; the lock wait; polling."""

    def _perform(self, description: str, verb: Verb) -> Edit[Any] | None:
        """Run one verb of the session as one committed action, then show it.

        Args:
            description: what the edit is, for the status line and for a "not saved" message.
            verb: calls the session (read its target ids before: it may run later, from the queue).

        Returns:
            The edit, or None when it was refused (a notification says why), changed
            nothing, or waits for another process's write lock.
        """
        assert self.doc is not None
        if self._waiting_writes:
            self._waiting_writes.append((self.doc.id, description, verb))
            self._show_waiting()
            return None
        try:
            return self._attempt(description, verb)
        except StoreBusy:
            self._waiting_writes.append((self.doc.id, description, verb))
            self._wait_since = time.monotonic()
            lifetime.timer(self, WRITE_RETRY_SECONDS, self._retry_writes, name="retry-writes")
            self._show_waiting()
            return None

    def _run(self, description: str, work: Callable[[Any], T]) -> T | None:
        """Run ``work(tx)`` in one store action through the session (for edits no verb covers).

        Returns:
            What ``work`` returned, or None (refused, or waiting for the lock).
        """
        edit = self._perform(description, lambda: self.session.run(description, work))
        return edit.value if edit is not None else None

    def _attempt(self, description: str, verb: Verb) -> Edit[Any] | None:
        """One try of :meth:`_perform`'s verb; :class:`StoreBusy` propagates (nothing ran)."""
        try:
            edit = verb()
        except StoreBusy:
            raise
        except NoChange as exc:
            self.message = str(exc)
            self._update_status()
            return None
        except (TuiError, ValueError) as exc:
            # Disk full, read-only file, a refused edit: rolled back, the screen re-read
            # from the database, so both agree; the app goes on.
            self.notify(f"not saved: {exc}", severity="error", markup=False)
            self._reload()
            return None
        with self._one_status():
            self._show_edit(edit, safe(edit.description or description, limit=80))
            if edit.duplicates and not edit.changes:
                self.message = "already tagged: the same words have this label (another instance added it)"
                self.notify(self.message, severity="warning", markup=False)
        if self.doc is not None and edit.changes:
            self.post_message(AnnotationsChanged(self.doc.id, description, edit.changes, origin=self))
        return edit

    def _show_edit(self, edit: Edit[Any], message: str | None) -> None:
        """Show what an edit (or undo, redo, external change) did: highlights, panels, status."""
        with self._one_status():
            if edit.changes or edit.spans is None:
                self._last_write = time.monotonic()
            self._draw_changes(edit)
            if self.selected_id is not None and self.selected_id not in self.by_id:
                self.selected_id = None
            if message is not None:
                self.message = message
            if edit.spans is None:
                self._push_panels()
            else:
                self._apply_to_panels(edit.changes)
            self._sync_selection()
            self._update_status()
            self.refresh_bindings()

    def _reload(self, message: str | None = None, *,
                changes: ChangeSet | list[dict[str, Any]] | None = None) -> None:
        """Bring the annotations up to date and push them everywhere.

        Args:
            message: for the status line.
            changes: the rows an action wrote: only those are applied; None (or
                changes that cannot be applied one by one, like an import)
                re-reads everything.
        """
        if self.doc is None:
            return
        if self.session is None or self.session.doc.id != self.doc.id:
            self._open_session()
            self._show_edit(Edit("", None, spans=None), message)
            return
        if changes is not None and not isinstance(changes, ChangeSet):
            changes = ChangeSet.from_log(changes)
        spans = None
        if changes is not None:
            spans = self.session.index.apply(changes, self.doc.id, self.layer_name(), self.overlay_layer)
        if spans is None:
            self.session.annotator = self.layer_name()
            self.session.overlay = self.overlay_layer if self.overlay_layer != self.layer_name() else None
            self.session.reload()
        self._show_edit(Edit("", None, changes or ChangeSet(), None if spans is None else frozenset(spans)), message)

    def _show_waiting(self) -> None:
        """Say what the queued actions wait for (the status line, until they ran)."""
        n = len(self._waiting_writes)
        self.message = WAITING_MESSAGE + (f" ({n} actions waiting)" if n > 1 else "")
        self._update_status()

    def _retry_writes(self) -> None:
        """Try the waiting actions again, in order; give them up after :data:`WRITE_WAIT_SECONDS`."""
        while self._waiting_writes:
            doc_id, description, verb = self._waiting_writes[0]
            if self.doc is None or self.doc.id != doc_id:
                self._waiting_writes.pop(0)
                self.notify(f"not saved: {safe(description, limit=80)}: another document was opened while it waited",
                            severity="error", markup=False)
                continue
            try:
                self._attempt(description, verb)
            except StoreBusy as exc:
                if time.monotonic() - self._wait_since < WRITE_WAIT_SECONDS:
                    self._show_waiting()
                    lifetime.timer(self, WRITE_RETRY_SECONDS, self._retry_writes, name="retry-writes")
                    return
                lost = [d for _, d, _ in self._waiting_writes]
                self._waiting_writes.clear()
                self.message = f"not saved: {exc}"
                self._update_status()
                self.notify(f"not saved ({len(lost)} actions): {exc}", severity="error", markup=False)
                return
            self._waiting_writes.pop(0)
            self._wait_since = time.monotonic()

    # -- undo / redo -----------------------------------------------------------------

    @editing
    def action_undo(self) -> None:
        """Undo your last action on this document."""
        self._undo_redo(undo=True)

    @editing
    def action_redo(self) -> None:
        """Redo your last undone action on this document."""
        self._undo_redo(undo=False)

    @one_status
    def _undo_redo(self, *, undo: bool) -> None:
        if self.doc is None or self.session is None:
            return
        self._end_pick(report=False)
        try:
            edit = self.session.undo() if undo else self.session.redo()
        except TuiError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if edit.value is None:
            self.notify(f"nothing to {'undo' if undo else 'redo'}", markup=False)
            return
        message = f"{'Undone' if undo else 'Redone'}: {safe(edit.value.action, limit=80)}"
        self._show_edit(edit, message)
        self.notify(message, markup=False)
        self.post_message(AnnotationsChanged(self.doc.id, message, edit.changes, origin=self))

    # -- other processes ------------------------------------------------------------

    def poll_store(self) -> None:
        """Re-read the document when another process changed the database; checkpoint when idle.

        Runs every :data:`POLL_SECONDS`. ``PRAGMA data_version`` changes only
        when another connection commits, so this costs one tiny query a tick.
        The status line's message expires here too (:meth:`StatusMixin._expire_message`).
        """
        self._expire_message()
        try:
            version = self.store.data_version()
        except (sqlite3.Error, AttributeError):
            return  # the store is closed: the app is shutting down
        seen, self._data_version = self._data_version, version
        if seen is not None and version != seen and self.doc is not None:
            self._reload_external()
            return
        now = time.monotonic()
        if now - self._last_key >= IDLE_CHECKPOINT_SECONDS and (
            self._last_write > self._last_checkpoint
            or now - self._last_checkpoint >= CHECKPOINT_EVERY_SECONDS
        ):
            try:
                self.store.checkpoint()
            except sqlite3.Error:
                return  # busy: the next idle tick tries again
            self._last_checkpoint = time.monotonic()

    def _reload_external(self) -> None:
        """Show what another process wrote: the document (if its text changed) or its annotations."""
        assert self.doc is not None
        try:
            doc = self.store.document(self.doc.id)
        except TuiError:
            self.notify(f"{safe(self.doc.name, limit=60)} was removed by another process", severity="warning",
                        markup=False)
            return
        if doc.sha256 != self.doc.sha256:
            cursor = self.view.cursor
            self.open_document(doc.id)
            self.view.move_to(min(cursor, len(doc.text)))
            self.view.scroll_to_offset(self.view.cursor)
            self.message = "the text was changed by another process: reloaded"
            self._update_status()
            return
        self._reload("changed by another process: reloaded")
