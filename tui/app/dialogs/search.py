"""The search prompt (``/``): plain text by default, with toggles for regex and case.

The prompt counts hits as you type; ``enter`` closes it and the reader
selects the first hit after the cursor.

The toggles are ``ctrl+r`` (regex) and ``ctrl+t`` (case): control keys arrive
distinctly in every terminal (xterm, tmux, the Linux console) and a text field
never inserts them. ``alt+r`` and ``alt+c`` work too where the terminal sends
alt as ESC + letter (tmux, the Linux console): that arrives as ``alt+r`` *with*
the character ``r``, which the focused field would insert, so those bindings
are priority bindings, handled before the field sees the key (issue 13).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
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
        Binding("ctrl+r,alt+r", "toggle_regex", "Regex", tooltip="Toggle regular-expression search.",
                id="search-regex", priority=True),
        Binding("ctrl+t,alt+c", "toggle_case", "Case", tooltip="Toggle case-sensitive search.",
                id="search-case", priority=True),
    ]
    """Keys of the search prompt."""

    DEFAULT_CSS = """
    SearchDialog { align: center bottom; background: transparent; }
    SearchDialog > Vertical {
        width: 100%; height: auto; border-top: solid $primary; background: $panel;
        padding: 0 1; margin-bottom: 2;
    }
    SearchDialog #search-line { height: 1; }
    SearchDialog #search-slash { width: 2; text-style: bold; }
    SearchDialog #search-input { width: 1fr; }
    SearchDialog #search-status { width: 100%; color: $text-muted; }
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
            with Horizontal(id="search-line"):
                yield Label("/", id="search-slash", markup=False)
                # compact: one row, no border. Textual's `Input:focus` sets a tall
                # border that outranks a plain `border: none` and clipped the one
                # text row, so the prompt never showed what was typed (issue 13).
                yield Input(value=self._initial, placeholder="search", id="search-input",
                            compact=True)
            yield Label("", id="search-status", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._update()

    def _query(self) -> SearchQuery:
        return SearchQuery(self.query_one(Input).value, regex=self.regex, case=self.case)

    def _update(self) -> None:
        query = self._query()
        status = Text()
        for key, name, on_ in (("^r", "regex", self.regex), ("^t", "case", self.case)):
            status.append(f"{key} ", style="bold")
            status.append(f"{name} ")
            status.append("on" if on_ else "off", style="bold reverse" if on_ else "")
            status.append("  ")
        if query.pattern:
            try:
                query.compile()
            except re.error as exc:
                status.append(f"bad regex: {exc}", style="bold red")
            else:
                n = len(find_hits(self.text, query, MAX_COUNT))
                more = "+" if n >= MAX_COUNT else ""
                status.append(f"{n}{more} hit{'s' if n != 1 else ''}")
        status.append("  enter search · esc cancel", style="dim")
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
