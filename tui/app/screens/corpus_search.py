"""Corpus search: full-text search over every document, or over annotations, with keyword in context.

Type a query (FTS5 syntax or plain words) and press ``enter``: the hits
are listed, each as ``document  left [match] right``. ``ctrl+t`` (or
``alt+a``, a priority binding so that the focused field does not insert the
``a`` a terminal sends with it) switches between document text and annotations; in annotation mode three filters
(types, annotators, statuses, comma-separated) narrow the spans and the
query may be empty. ``enter`` on a hit dismisses with the
:class:`tui.core.search.Hit`; the reader opens it with the hit selected.
Everything shown from documents is sanitised ``Text``, never markup.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Checkbox, Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.app.safe import safe
from tui.core.errors import TuiError
from tui.core.search import Hit, search

#: Hits listed at most (the status line says when there are more).
LIMIT = 1000
#: Characters of context either side of a hit.
CONTEXT = 40


def split_list(value: str) -> list[str] | None:
    """Comma- or space-separated names, or None when empty."""
    names = [v for v in value.replace(",", " ").split() if v]
    return names or None


def kwic_text(hit: Hit, context: int = CONTEXT) -> Text:
    """One result line: ``document  …left [match] right…`` (sanitised, never markup).

    Args:
        hit: the hit.
        context: the width the left context is padded to.

    Returns:
        The line as ``Text`` with the match emphasised.
    """
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(safe(hit.doc_name, limit=28).ljust(28), style="bold cyan")
    text.append("  ")
    if hit.annotation_id is not None:
        text.append(f"{safe(hit.label or '', limit=10):<10} ", style="bold")
        text.append(f"{safe(hit.annotator or '', limit=10):<10} {hit.status or '':<8} ", style="dim")
    text.append(safe(hit.left, limit=None).rjust(context), style="dim")
    text.append(safe(hit.match, limit=60), style="bold reverse")
    text.append(safe(hit.right, limit=None), style="dim")
    return text


class CorpusSearchScreen(Screen[Hit | None]):
    """Search the corpus; dismisses with the chosen hit, or None."""

    DEFAULT_CSS = """
    CorpusSearchScreen { layout: vertical; }
    CorpusSearchScreen #search-title { height: 1; padding: 0 1; background: $panel; }
    CorpusSearchScreen #search-query { margin: 0 1; }
    CorpusSearchScreen #search-filters { height: auto; margin: 0 1; }
    CorpusSearchScreen #search-filters Input { width: 1fr; }
    CorpusSearchScreen #search-filters.-hidden Input { display: none; }
    CorpusSearchScreen #search-results { height: 1fr; }
    CorpusSearchScreen #search-status { height: 1; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("escape", "close", "Back", id="corpus-search-close",
                tooltip="Back to the reader without opening anything."),
        Binding("ctrl+t,alt+a", "toggle_annotations", "Docs/annotations", id="corpus-search-mode",
                priority=True,
                tooltip="Search document text, or annotations (with type, annotator, status filters)."),
        Binding("ctrl+f", "focus_query", "Query", id="corpus-search-query", show=False,
                tooltip="Back to the query field."),
    ]
    """Keys of the search screen (tab moves between the fields and the list)."""

    HELP = """\
### Corpus search
Type words (or an FTS5 query: `"basra offensive"`, `bas*`, `a OR b`) and
press `enter`. `ctrl+t` (or `alt+a`) searches annotations instead of text; then the
type, annotator and status fields filter them (comma-separated) and the
query may be empty. `enter` on a hit opens it in the reader, selected.
"""

    def __init__(self, query: str = "", *, store: Any = None) -> None:
        """Create the screen.

        Args:
            query: a query to start with.
            store: the store (default: the app's).
        """
        super().__init__()
        self._store = store
        self.initial = query
        self.hits: list[Hit] = []
        """The hits listed, in list order."""

    @property
    def store(self) -> Any:
        """The project store."""
        return self._store if self._store is not None else self.app.store  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Static(Text("Corpus search", style="bold"), id="search-title")
        yield Input(self.initial, placeholder="search every document (enter)", id="search-query")
        with Horizontal(id="search-filters", classes="-hidden"):
            yield Checkbox("annotations", id="search-annotations")
            yield Input(placeholder="types, e.g. PER,GPE", id="search-types")
            yield Input(placeholder="annotators", id="search-annotators")
            yield Input(placeholder="statuses: accepted,pending,rejected", id="search-statuses")
        yield OptionList(id="search-results")
        yield Static(Text(""), id="search-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#search-query", Input).focus()
        if self.initial:
            self.run_search()

    # -- searching ------------------------------------------------------------------

    @property
    def annotations_mode(self) -> bool:
        """Whether annotations (spans) are searched instead of document text."""
        return self.query_one("#search-annotations", Checkbox).value

    def run_search(self) -> None:
        """Search with the current fields and list the hits."""
        query = self.query_one("#search-query", Input).value
        status = self.query_one("#search-status", Static)
        results = self.query_one("#search-results", OptionList)
        kwargs: dict[str, Any] = {}
        if self.annotations_mode:
            kwargs = {
                "annotations": True,
                "types": split_list(self.query_one("#search-types", Input).value),
                "annotators": split_list(self.query_one("#search-annotators", Input).value),
                "statuses": split_list(self.query_one("#search-statuses", Input).value),
            }
        elif not query.strip():
            status.update(Text("type a query, then enter"))
            return
        try:
            hits = search(self.store, query, context=CONTEXT, limit=LIMIT + 1, **kwargs)
        except TuiError as exc:
            self.hits = []
            results.clear_options()
            status.update(Text(safe(str(exc), limit=120), style="red"))
            return
        more = len(hits) > LIMIT
        self.hits = hits[:LIMIT]
        results.clear_options()
        results.add_options([Option(kwic_text(h)) for h in self.hits])
        docs = len({h.doc_id for h in self.hits})
        what = "annotation" if self.annotations_mode else "hit"
        status.update(Text(
            f"{len(self.hits)}{'+' if more else ''} {what}(s) in {docs} document(s)"
            + (" · enter opens · tab to the list" if self.hits else "")
        ))
        if self.hits:
            results.highlighted = 0

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.run_search()
        if self.hits:
            self.query_one("#search-results", OptionList).focus()

    @on(Checkbox.Changed, "#search-annotations")
    def _mode_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self._show_mode()

    def _show_mode(self) -> None:
        filters = self.query_one("#search-filters")
        filters.set_class(not self.annotations_mode, "-hidden")
        self.query_one("#search-query", Input).placeholder = (
            "search annotation text (may be empty), enter" if self.annotations_mode
            else "search every document (enter)")
        self.run_search()

    @on(OptionList.OptionSelected, "#search-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.hits):
            self.dismiss(self.hits[event.option_index])

    def on_key(self, event: Any) -> None:
        # down from the query goes to the list, as in a browser's search box.
        if event.key == "down" and isinstance(self.focused, Input) and self.hits:
            event.stop()
            self.query_one("#search-results", OptionList).focus()

    # -- actions -----------------------------------------------------------------------

    def action_toggle_annotations(self) -> None:
        """Switch between searching document text and annotations."""
        box = self.query_one("#search-annotations", Checkbox)
        box.value = not box.value

    def action_focus_query(self) -> None:
        """Move the focus to the query field."""
        self.query_one("#search-query", Input).focus()

    def action_close(self) -> None:
        """Back without opening anything."""
        self.dismiss(None)
