"""The search prompt (``/``): plain text by default, with toggles for regex and case.

The prompt counts hits as you type; ``enter`` closes it and the reader
selects the first hit after the cursor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from tui.app.dialogs.common import TypeAheadMixin

#: Hits counted live in the prompt are capped so typing stays fast on huge texts.
MAX_COUNT = 10_000


@dataclass(frozen=True)
class SearchQuery:
    """What to look for in the document."""

    pattern: str
    regex: bool = False
    case: bool = False
    """Case sensitive when True."""

    def compile(self) -> re.Pattern[str]:
        """Return the compiled pattern.

        Returns:
            A pattern for plain text (escaped) or the regular expression.

        Raises:
            re.error: the regular expression is invalid.
        """
        flags = 0 if self.case else re.IGNORECASE
        return re.compile(self.pattern if self.regex else re.escape(self.pattern), flags)


def find_hits(text: str, query: SearchQuery, limit: int | None = None) -> list[tuple[int, int]]:
    """Every non-empty match of ``query`` in ``text`` as ``(start, end)`` code-point offsets.

    Args:
        text: the document text.
        query: the search.
        limit: stop after this many hits (None: all).

    Returns:
        Hits in text order; empty when the pattern is empty or invalid.
    """
    if not query.pattern:
        return []
    try:
        pattern = query.compile()
    except re.error:
        return []
    hits: list[tuple[int, int]] = []
    for m in pattern.finditer(text):
        if m.end() > m.start():
            hits.append((m.start(), m.end()))
            if limit is not None and len(hits) >= limit:
                break
    return hits


class SearchDialog(TypeAheadMixin, ModalScreen[SearchQuery | None]):
    """A one-line search prompt at the bottom of the screen.

    Dismisses with a :class:`SearchQuery`, or None when cancelled.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close the prompt without searching.",
                id="search-cancel"),
        Binding("alt+r", "toggle_regex", "Regex", tooltip="Toggle regular-expression search.",
                id="search-regex"),
        Binding("alt+c", "toggle_case", "Case", tooltip="Toggle case-sensitive search.",
                id="search-case"),
    ]
    """Keys of the search prompt."""

    DEFAULT_CSS = """
    SearchDialog { align: center bottom; background: transparent; }
    SearchDialog > Vertical {
        width: 100%; height: auto; border-top: solid $primary; background: $panel;
        padding: 0 1; margin-bottom: 2;
    }
    SearchDialog Input { border: none; height: 1; padding: 0; }
    SearchDialog #search-status { color: $text-muted; }
    """

    def __init__(self, text: str, previous: SearchQuery | None = None) -> None:
        """Create the prompt.

        Args:
            text: the document text, to count hits as the user types.
            previous: the last search, to start from.
        """
        super().__init__()
        self.text = text
        self.regex = previous.regex if previous else False
        self.case = previous.case if previous else False
        self._initial = previous.pattern if previous else ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Input(value=self._initial, placeholder="search", id="search-input")
            yield Label("", id="search-status", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._update()

    def _query(self) -> SearchQuery:
        return SearchQuery(self.query_one(Input).value, regex=self.regex, case=self.case)

    def _update(self) -> None:
        query = self._query()
        status = Text()
        status.append("/ ", style="bold")
        status.append(f"[alt+r] regex {'on' if self.regex else 'off'}  ")
        status.append(f"[alt+c] case {'on' if self.case else 'off'}  ")
        if query.pattern:
            try:
                query.compile()
            except re.error as exc:
                status.append(f"bad regex: {exc}", style="bold red")
            else:
                n = len(find_hits(self.text, query, MAX_COUNT))
                more = "+" if n >= MAX_COUNT else ""
                status.append(f"{n}{more} hit{'s' if n != 1 else ''}")
        status.append("  · enter search · esc cancel", style="dim")
        self.query_one("#search-status", Label).update(status)

    @on(Input.Changed, "#search-input")
    def _changed(self) -> None:
        self._update()

    @on(Input.Submitted, "#search-input")
    def _submit(self) -> None:
        query = self._query()
        if query.pattern and query.regex:
            try:
                query.compile()
            except re.error:
                self.app.bell()
                return
        self.dismiss(query if query.pattern else None)

    def action_toggle_regex(self) -> None:
        """Switch between plain-text and regular-expression search."""
        self.regex = not self.regex
        self._update()

    def action_toggle_case(self) -> None:
        """Switch case sensitivity."""
        self.case = not self.case
        self._update()

    def action_cancel(self) -> None:
        """Close without searching."""
        self.dismiss(None)
