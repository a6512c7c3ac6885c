"""Messages used across the app (a widget's own messages live on the widget)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class OpenDocument(Message):
    """Ask the app to open a document in the reader; handle with ``on_open_document``."""

    name: str
    """The document's name (or id)."""


@dataclass
class AnnotationsChanged(Message):
    """The reader committed an action; posted after the database has it.

    Handle with ``on_annotations_changed`` (e.g. to refresh counts elsewhere).
    """

    doc_id: str
    description: str
    """The logged action, e.g. "add PER Basra"."""
