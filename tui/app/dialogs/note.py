"""The note dialog (``:``): free text on the selected annotation.

An empty note removes the existing one. A note that cannot be edited on one
line safely (it holds newlines or control characters, e.g. from an import)
is shown read-only above the field, and what is typed replaces it.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from tui.app.dialogs.common import TypeAheadMixin
from tui.app.safe import safe, safe_text


class NoteDialog(TypeAheadMixin, ModalScreen[str | None]):
    """Write or edit a note. Dismisses with the text ("" removes it), or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without saving.", id="note-cancel"),
    ]
    """Keys of the dialog (enter saves)."""

    DEFAULT_CSS = """
    NoteDialog { align: center middle; }
    NoteDialog > Vertical {
        width: 80; max-width: 95%; height: auto;
        border: round $primary; background: $panel; padding: 0 1;
    }
    NoteDialog .note--hint, NoteDialog .note--old { color: $text-muted; }
    """

    def __init__(self, title: Text, current: str = "") -> None:
        """Create the dialog.

        Args:
            title: what the note is on (a Text: it may hold document text).
            current: the existing note's text.
        """
        super().__init__()
        self.title_text = title
        self.current = current
        # Only a note that round-trips through a one-line field unchanged is editable in place.
        self.editable = safe(current, limit=None) == current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(safe_text(self.title_text), markup=False)
            if self.current and not self.editable:
                yield Label(Text.assemble("current: ", safe_text(self.current, limit=200)),
                            classes="note--old")
            yield Input(value=self.current if self.editable else "", placeholder="note",
                        id="note-input")
            yield Label(Text("enter save (empty removes the note) · esc cancel"), classes="note--hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#note-input")
    def _submit(self, event: Input.Submitted) -> None:
        if not event.value and self.current and not self.editable:
            # An empty field over a read-only note means "keep it", not "remove".
            self.dismiss(None)
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)
