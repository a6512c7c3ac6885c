"""The delete confirmation (``d``): what else a delete touches, before it happens.

The store's delete cascades, so nothing is left dangling; this dialog says
what the cascade will do (events deleted or losing an argument, relations
deleted, coreference sets shrunk or removed, attributes and notes deleted).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from tui.app.safe import safe_text


class ConfirmDeleteDialog(ModalScreen[bool]):
    """Ask before a delete that touches other annotations. Dismisses True to delete."""

    BINDINGS = [
        Binding("y,enter", "confirm", "Delete", tooltip="Delete it and what depends on it.",
                id="delete-confirm"),
        Binding("n,escape", "cancel", "Keep", tooltip="Keep everything.", id="delete-cancel"),
    ]
    """Keys of the dialog."""

    DEFAULT_CSS = """
    ConfirmDeleteDialog { align: center middle; }
    ConfirmDeleteDialog > Vertical {
        width: 80; max-width: 95%; height: auto; max-height: 80%;
        border: round $error; background: $panel; padding: 0 1;
    }
    ConfirmDeleteDialog .delete--hint { color: $text-muted; }
    """

    def __init__(self, title: Text, consequences: list[Text]) -> None:
        """Create the dialog.

        Args:
            title: what is being deleted (a Text: it may hold document text).
            consequences: one line per dependent annotation saying what happens to it.
        """
        super().__init__()
        self.title_text = title
        self.consequences = consequences

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(safe_text(self.title_text), markup=False)
            for line in self.consequences:
                yield Label(Text.assemble("  • ", safe_text(line)))
            yield Label(Text("y/enter delete · n/esc keep  (undo with u)"), classes="delete--hint")

    def action_confirm(self) -> None:
        """Delete."""
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Keep everything."""
        self.dismiss(False)
