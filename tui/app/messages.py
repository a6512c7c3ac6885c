"""Messages used across the app (a widget's own messages live on the widget).

Screens coordinate through these instead of calling each other: a screen
posts one, it bubbles to the app, and :class:`~tui.app.app.TuiApp` hands it
on (to the readers on the screen stack, or by pushing a screen).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from tui.core.store.changes import ChangeSet


@dataclass
class OpenDocument(Message):
    """Open a document in the reader; the reader handles it (``on_open_document``), else the app."""

    name: str
    """The document's name (or id)."""


@dataclass
class AnnotationsChanged(Message):
    """Annotations were committed; posted after the database has them.

    The screen that wrote posts it; it bubbles to the app, which hands a
    copy (``forwarded``) to every other reader on the screen stack: a reader
    applies ``changes`` at once when it is on top, otherwise re-reads its
    layer when it is shown again.
    """

    doc_id: str | None
    """The document changed, or None: any document may have changed."""
    description: str
    """The logged action, e.g. "add PER Basra"."""
    changes: ChangeSet | None = None
    """The rows written, typed; None when the writer cannot tell (a review, an adjudication)."""
    origin: object = field(default=None, kw_only=True, compare=False, repr=False)
    """The screen that wrote (it is not handed a copy)."""
    forwarded: bool = field(default=False, kw_only=True)
    """Set on the copies the app hands on (the writer's own message is not)."""


@dataclass
class StartReview(Message):
    """Start a review of the pending suggestions of some documents (the app pushes the review screen)."""

    names: list[str]
    """The documents, in review order."""
    note: str = ""
    """A sanitised line for the review's status line (what the suggestion run before it made)."""
