"""The import prompt (``I`` in the reader): the path of a file or folder to import and open.

Typing offers the first matching file or folder as a suggestion (greyed after
the cursor); ``tab`` (or ``right`` at the end) takes it. ``enter`` dismisses
with the typed text; the reader checks it and imports it through the core
import workflow, as ``tui FILE`` does.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label

from tui.app.dialogs.common import TypeAheadMixin
from tui.app.safe import safe
from tui.core.workflows.importing import complete_path


class PathSuggester(Suggester):
    """Suggests the first file or folder that completes the typed path (names shown safely only)."""

    def __init__(self, cwd: Path | None = None) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.cwd = cwd

    async def get_suggestion(self, value: str) -> str | None:
        # A name with control characters or markup-looking bytes is never put in the field.
        return complete_path(value, self.cwd, shown=lambda name: safe(name) == name)


class ImportDialog(TypeAheadMixin, ModalScreen[str | None]):
    """Ask for a file or folder to import. Dismisses with the typed path, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without importing.", id="import-cancel"),
        Binding("tab", "complete", "Complete", tooltip="Take the suggested completion of the path.",
                id="import-complete"),
    ]
    """Keys of the prompt (enter imports)."""

    DEFAULT_CSS = """
    ImportDialog { align: center middle; }
    ImportDialog > Vertical {
        width: 90; max-width: 95%; height: auto;
        border: round $primary; background: $panel; padding: 0 1;
    }
    ImportDialog .import--hint { color: $text-muted; }
    """

    def __init__(self, cwd: Path | None = None) -> None:
        """Create the prompt.

        Args:
            cwd: the folder relative paths start from (default: the current folder).
        """
        super().__init__()
        self.cwd = cwd

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("Import and open a file or folder (text, Markdown, web page, brat .ann, JSONL...) or a URL"))
            yield Input(placeholder="path or https://…", id="import-path", suggester=PathSuggester(self.cwd))
            yield Label(Text("tab completes · enter imports · esc cancels"), classes="import--hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def action_complete(self) -> None:
        """Take the suggestion shown after the cursor."""
        field = self.query_one(Input)
        field.cursor_position = len(field.value)
        field.action_cursor_right()  # at the end, the Input takes its suggestion

    @on(Input.Submitted, "#import-path")
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """Close without importing."""
        self.dismiss(None)
