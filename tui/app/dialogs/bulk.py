"""The bulk review chooser (``A`` / ``X`` in review): which items one decision takes.

One line at the bottom of the screen: ``t`` the pending items of the
document with the same text and type as the current one (also ``enter`` or
the opening key again), ``l`` every one of its type, ``d`` every remaining
one; each with its count. ``escape`` cancels. It returns the scope; the
review screen does the writing.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Label

from tui.app.safe import safe


class BulkDialog(ModalScreen[str | None]):
    """Choose the scope of a bulk accept or reject. Dismisses ``text``, ``label``, ``document`` or None."""

    BINDINGS = [
        Binding("t,enter", "choose('text')", "Same text", id="bulk-text",
                tooltip="Every pending item of the document with the same text and type."),
        Binding("l", "choose('label')", "Same type", id="bulk-label",
                tooltip="Every pending item of the document with the same type."),
        Binding("d", "choose('document')", "Document", id="bulk-document",
                tooltip="Every remaining item of the document."),
        Binding("escape", "cancel", "Cancel", id="bulk-cancel", tooltip="Decide nothing."),
    ]
    """Keys of the chooser."""

    DEFAULT_CSS = """
    BulkDialog { align: left bottom; background: $background 40%; }
    BulkDialog > Label { width: 100%; height: 1; background: $panel; padding: 0 1; }
    """

    def __init__(self, decision: str, again: set[str], text: str, label: str, counts: dict[str, int]) -> None:
        """Create the chooser.

        Args:
            decision: ``accept`` or ``reject``.
            again: the keys that open it (pressed again: the same-text scope; remapped keys too).
            text: the current item's words (data: sanitised here).
            label: its type (data too).
            counts: scope -> how many items it decides.
        """
        super().__init__()
        self.decision = decision
        self.again = again
        self.words = text
        self.label_name = label
        self.counts = counts

    def compose(self) -> ComposeResult:
        line = Text()
        line.append(f"{self.decision} all: ", style="bold")
        for key, scope, what in (
            ("t", "text", f"“{safe(self.words, limit=30)}” {safe(self.label_name, limit=20)}"),
            ("l", "label", f"every {safe(self.label_name, limit=20)}"),
            ("d", "document", "every remaining in this document"),
        ):
            line.append(f" {key} ", style="bold reverse")
            line.append(f" {what} ({self.counts.get(scope, 0)})  ")
        line.append(" esc ", style="bold reverse")
        line.append(" cancel")
        yield Label(line, id="bulk-line")

    def on_key(self, event: events.Key) -> None:
        if event.key in self.again:
            event.stop()
            event.prevent_default()
            self.action_choose("text")

    def action_choose(self, scope: str) -> None:
        """Decide the items of ``scope``."""
        self.dismiss(scope)

    def action_cancel(self) -> None:
        """Decide nothing."""
        self.dismiss(None)
