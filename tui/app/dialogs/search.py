"""The search prompt (``/``): plain text by default, with toggles for regex, case and whole words.

The prompt counts hits as you type; ``enter`` closes it and the reader
selects the first hit after the cursor. Matching is :mod:`tui.core.text.find`:
smart case by default (insensitive unless the query has a capital).

The toggles are ``ctrl+r`` (regex), ``ctrl+t`` (case: smart, on, off) and
``ctrl+o`` (whole words): control keys arrive distinctly in every terminal
(xterm, tmux, the Linux console) and a text field never inserts them (Textual's
``Input`` binds ``ctrl+w``, ``ctrl+u``, ``ctrl+k``...; not ``ctrl+o``). ``alt+r``,
``alt+c`` and ``alt+w`` work too where the terminal sends
alt as ESC + letter (tmux, the Linux console): that arrives as ``alt+r`` *with*
the character ``r``, which the focused field would insert, so those bindings
are priority bindings, handled before the field sees the key (issue 13).
"""

from __future__ import annotations

import re

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from tui.app.dialogs.common import TypeAheadMixin
from tui.core.text.find import SearchQuery, find_hits

__all__ = ["MAX_COUNT", "SearchDialog", "SearchQuery", "find_hits"]

#: Hits counted live in the prompt are capped so typing stays fast on huge texts.
MAX_COUNT = 10_000


class _QueryInput(Input):
    """The prompt's input: a key that comes after the enter that closes the prompt is the reader's.

    Enter submits through a message, so a key typed right after it (``/Basra``
    enter ``3``) would reach this input before the prompt closes and search
    for "Basra3". From the enter on, keys go to the app's type-ahead queue and
    are replayed to the screen below once the prompt is gone.
    """

    async def _on_key(self, event: events.Key) -> None:
        screen = self.screen
        if getattr(screen, "_tui_closing", False):
            event.stop()
            event.prevent_default()
            self.app._queue_key(events.Key(event.key, event.character))  # type: ignore[attr-defined]
            return
        if event.key == "enter" and isinstance(screen, SearchDialog) and screen.closes_on_submit():
            screen._tui_closing = True
        await super()._on_key(event)


class SearchDialog(TypeAheadMixin, ModalScreen[SearchQuery | None]):
    """A one-line search prompt at the bottom of the screen.

    Dismisses with a :class:`SearchQuery`, or None when cancelled.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close the prompt without searching.",
                id="search-cancel"),
        Binding("ctrl+r,alt+r", "toggle_regex", "Regex", tooltip="Toggle regular-expression search.",
                id="search-regex", priority=True),
        Binding("ctrl+t,alt+c", "toggle_case", "Case",
                tooltip="Case: smart (sensitive only when the query has a capital), on, off.",
                id="search-case", priority=True),
        Binding("ctrl+o,alt+w", "toggle_word", "Whole word", tooltip="Toggle whole-word search.",
                id="search-word", priority=True),
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
        self.case = previous.case if previous else None
        self.word = previous.word if previous else False
        self._initial = previous.pattern if previous else ""

    def compose(self) -> ComposeResult:
        with Vertical():
            with Horizontal(id="search-line"):
                yield Label("/", id="search-slash", markup=False)
                # compact: one row, no border. Textual's `Input:focus` sets a tall
                # border that outranks a plain `border: none` and clipped the one
                # text row, so the prompt never showed what was typed (issue 13).
                yield _QueryInput(value=self._initial, placeholder="search", id="search-input",
                            compact=True)
            yield Label("", id="search-status", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._update()

    def _query(self) -> SearchQuery:
        return SearchQuery(self.query_one(Input).value, regex=self.regex, case=self.case, word=self.word)

    def _update(self) -> None:
        query = self._query()
        status = Text()
        case = "smart" if self.case is None else "on" if self.case else "off"
        for key, name, state in (("^r", "regex", "on" if self.regex else "off"), ("^t", "case", case),
                                 ("^o", "word", "on" if self.word else "off")):
            status.append(f"{key} ", style="bold")
            status.append(f"{name} ")
            status.append(state, style="bold reverse" if state != "off" else "")
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

    def closes_on_submit(self) -> bool:
        """Whether enter closes the prompt now (not with a regex that does not compile)."""
        query = self._query()
        if query.pattern and query.regex:
            try:
                query.compile()
            except re.error:
                return False
        return True

    @on(Input.Submitted, "#search-input")
    def _submit(self) -> None:
        if not self.closes_on_submit():
            self.app.bell()
            return
        query = self._query()
        self.dismiss(query if query.pattern else None)

    def action_toggle_regex(self) -> None:
        """Switch between plain-text and regular-expression search."""
        self.regex = not self.regex
        self._update()

    def action_toggle_case(self) -> None:
        """Cycle case sensitivity: smart, on (sensitive), off (insensitive)."""
        self.case = True if self.case is None else False if self.case else None
        self._update()

    def action_toggle_word(self) -> None:
        """Switch whole-word search."""
        self.word = not self.word
        self._update()

    def action_cancel(self) -> None:
        """Close without searching."""
        self.dismiss(None)
