"""Moving between documents from the reader: next, previous, "done, open the next", import and open.

"Next" follows the library's order (by name, :meth:`Store.next_document`).
``D`` sets this annotator's status of the document to done (the library's
status, one logged store action) and opens the next document that is not
done for them. ``I`` asks for a file or folder and imports it through the core
import workflow (:func:`tui.core.workflows.importing.import_files`, as
``tui FILE`` does): all or nothing, an error is one sanitised line and changes
nothing; the first document imported opens. A URL typed there is fetched in a
worker thread (the screen stays live while it waits, up to the fetch's
timeout), which posts :class:`PageFetched`; the reader then stores the page
through the same workflow (:func:`~tui.core.workflows.importing.store_batch`)
and opens it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual import work
from textual.message import Message

from tui.app.safe import safe
from tui.app.screens.reader.status import one_status
from tui.core.errors import TuiError


@dataclass
class PageFetched(Message):
    """A URL typed at ``I`` was fetched and read (or failed); handled by ``on_page_fetched``."""

    url: str
    document: Any = None
    """The page as a :class:`~tui.core.model.Document`, or None when it failed."""
    error: str = ""
    """Why it failed (one line, not yet sanitised)."""
    notes: list[str] = field(default_factory=list)
    """Metadata values cut, and the like."""


class DocumentsMixin:
    """The reader's document keys: ``>`` ``<`` next/previous, ``D`` done and next, ``I`` import."""

    def _say(self, message: str) -> None:
        """Show ``message`` (already safe) in the status line."""
        self.message = message
        self._status_key = None
        self._update_status()

    def _say_after_opening(self, message: str) -> None:
        """Show ``message`` and keep it through the opened document's first cursor moves (which clear messages)."""
        self._held_message: tuple[str, int] | None = (message, self.view.cursor)
        self._say(message)

    def _message_after_move(self) -> str:
        """What a cursor move leaves in the status line: nothing, except a message held at this position."""
        held = getattr(self, "_held_message", None)
        if held is not None and held[1] == self.view.cursor:
            return held[0]
        self._held_message = None
        return ""

    def _go(self, name: str | None, at_end: str) -> None:
        if name is None:
            self._say(at_end)
            return
        self.open_document(name)

    @one_status
    def action_next_document(self) -> None:
        """Open the next document of the library."""
        if self.doc is not None:
            self._go(self.store.next_document(self.doc.name),
                     "last document of the library: no next one (o lists them all)")

    @one_status
    def action_previous_document(self) -> None:
        """Open the previous document of the library."""
        if self.doc is not None:
            self._go(self.store.next_document(self.doc.name, backwards=True),
                     "first document of the library: no previous one (o lists them all)")

    @one_status
    def action_done_next(self) -> None:
        """Mark this document done (for this annotator) and open the next one not done."""
        if self.doc is None:
            return
        doc = self.doc
        try:
            self.store.set_doc_status(doc.id, "done", self.annotator)
        except TuiError as exc:  # a lock held by another process, read-only, full disk
            self._say(f"not saved: {safe(str(exc), limit=120)}")
            return
        store = self.store
        following = store.next_document(doc.name, unless_status="done")
        if following is None:  # from the top: earlier documents still to do
            following = store.next_document("", unless_status="done")
        name = safe(doc.name, limit=40)
        if following is None or following == doc.name:
            self._say(f"{name} done · last document: every document is done")
            return
        self.open_document(following)
        self._say_after_opening(f"{name} done · next not done: {safe(following, limit=40)}")

    def action_import_document(self) -> None:
        """Ask for a file or folder, import it and open the (first) document it holds."""
        from tui.app.dialogs.import_path import ImportDialog

        def chosen(text: str | None) -> None:
            if text is not None:
                self.import_and_open(text)

        self.app.push_screen(ImportDialog(), chosen)

    @one_status
    def import_and_open(self, text: str, cwd: Path | None = None) -> None:
        """Import the file or folder ``text`` names (as typed) and open its first document.

        Args:
            text: the path as the user typed it (``~`` and relative paths allowed).
            cwd: where a relative path starts (default: the current folder).
        """
        from tui.core.fetch import is_url
        from tui.core.workflows.importing import ImportRequest, import_files, user_path

        if is_url(text.strip()):
            self._say(f"fetching {safe(text.strip(), limit=100)} …")
            self._fetch_page(text.strip())
            return
        try:
            path = user_path(text, cwd)
            outcome = import_files(self.store, ImportRequest(paths=(path,)))
        except (TuiError, OSError) as exc:
            line = f"import failed: {safe(str(exc), limit=160)}"
            self.notify(line, severity="error", markup=False, timeout=10)
            self._say(line)
            return
        if not outcome.documents:
            self._say(f"nothing to import in {safe(text, limit=60)}")
            return
        self.open_document(outcome.documents[0])
        self.notify(safe(outcome.summary(), limit=160), markup=False)
        self._say_after_opening(f"imported {safe(path.name, limit=40)}: {safe(outcome.summary(), limit=100)}")

    @work(thread=True, exclusive=True, group="fetch-page", exit_on_error=False)
    def _fetch_page(self, url: str) -> None:
        """Fetch and read a page off the UI thread; no store here (a connection belongs to its thread)."""
        from tui.core.formats.html import read_url

        notes: list[str] = []
        try:
            doc = read_url(url, notes=notes)
        except TuiError as exc:
            self.post_message(PageFetched(url, error=str(exc)))
            return
        self.post_message(PageFetched(url, doc, notes=notes))

    @one_status
    def on_page_fetched(self, message: PageFetched) -> None:
        """Store the fetched page (one logged action, through the import workflow) and open it."""
        from tui.core.model import DocAnnotations
        from tui.core.workflows.importing import ImportRequest, ReadBatch, store_batch

        message.stop()
        if message.document is None:
            line = f"import failed: {safe(message.error, limit=160)}"
            self.notify(line, severity="error", markup=False, timeout=10)
            self._say(line)
            return
        batch = ReadBatch(items=[(message.document, DocAnnotations())], notes=message.notes)
        try:
            outcome = store_batch(self.store, batch, ImportRequest(paths=(), urls=(message.url,)))
        except TuiError as exc:
            line = f"import failed: {safe(str(exc), limit=160)}"
            self.notify(line, severity="error", markup=False, timeout=10)
            self._say(line)
            return
        self.open_document(outcome.documents[0])
        self.notify(safe(outcome.summary(), limit=160), markup=False)
        self._say_after_opening(f"imported {safe(message.url, limit=60)}: {safe(outcome.summary(), limit=100)}")
