"""The library: every document with its status for the annotator and its counts.

Pushed from the reader with ``o``; ``enter`` dismisses with the chosen
document's name (the reader opens it in the callback), ``escape`` with
None. The filter ``Input`` has the focus when the library opens and narrows
the list as you type; ``up``/``down`` move the list's cursor from there and
``enter`` opens. The list's single-letter keys (``s`` cycles the document's
status, one logged store action per press; ``r`` reviews; ``q`` goes back)
act only once the list has the focus (``tab``): a key the filter would take
as text never does anything else while it has the focus (issue 13: typing
"basra" changed a status on the ``s``).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from tui.app.messages import StartReview
from tui.app.safe import safe, safe_text
from tui.app.widgets.article_header import ArticleHeader
from tui.core.errors import TuiError
from tui.core.model import DOC_STATUSES

#: Columns: (key, heading); count columns are kinds of DocumentInfo.counts.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Document"),
    ("status", "Status"),
    ("spans", "Spans"),
    ("events", "Events"),
    ("relations", "Rels"),
    ("equivalences", "Coref"),
    ("attributes", "Attrs"),
    ("normalizations", "Norms"),
    ("notes", "Notes"),
    ("pending", "Pending"),
    ("length", "Chars"),
)
STATUS_STYLE = {"new": "dim", "in-progress": "bold yellow", "done": "bold green"}
STATUS_TEXT = {"new": "new", "in-progress": "in progress", "done": "done"}


def matches(name: str, query: str) -> bool:
    """Whether a document name matches the filter: every word of it, case-insensitive.

    Args:
        name: the document's name.
        query: what the user typed.

    Returns:
        True when each whitespace-separated word of ``query`` occurs in ``name``.
    """
    low = name.casefold()
    return all(word in low for word in query.casefold().split())


class LibraryScreen(Screen[str | None]):
    """Every document with its status and counts; filter, set status, open.

    Dismisses with the chosen document's name, or None when closed.
    """

    DEFAULT_CSS = """
    LibraryScreen {
        layout: vertical;
    }
    LibraryScreen > #library-title {
        height: 1;
        padding: 0 1;
        background: $panel;
    }
    LibraryScreen > #library-filter {
        margin: 0 1;
    }
    LibraryScreen > #library-table {
        height: 1fr;
    }
    """

    BINDINGS = [
        Binding("enter", "open_document", "Open", tooltip="Open the document under the cursor", id="library-open"),
        Binding("s", "cycle_status", "Status", tooltip="Cycle the status: new, in progress, done", id="library-status"),
        Binding("slash", "focus_filter", "Filter", tooltip="Filter documents by name", id="library-filter"),
        Binding("escape,q", "close", "Back", tooltip="Back to the reader", id="library-close"),
        Binding("r", "review", "Review", id="library-review",
                tooltip="Review the pending suggestions of the listed documents, from the one under the cursor"),
    ]
    """Keys of the library (the table's arrows and page keys move the cursor)."""

    HELP = """\
### Library
Every document with its status for you and its annotation counts.
The line under the list shows a web page's title, site, author, date and URL.
Type to narrow the list by name or title (the filter has the focus when the library opens;
`up`/`down` move through the list, `enter` opens the document). `tab` moves
to the list, where `s` cycles the status (new → in progress → done), `r`
reviews, `enter` opens and `/` goes back to the filter; `escape` goes back.
"""

    def __init__(
        self,
        current: str | None = None,
        *,
        store: Any = None,
        annotator: str | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """Build the screen.

        Args:
            current: the name of the open document (the cursor starts on it).
            store: the store to list from; default ``self.app.store``.
            annotator: whose status to show and set; default the app's annotator.
        """
        super().__init__(name=name, id=id, classes=classes)
        self.current = current
        self._store = store
        self._annotator = annotator
        self.infos: list[Any] = []
        self._reviewing = False
        """Every document (``DocumentInfo``), as last read from the store."""
        self.shown: list[Any] = []
        """The documents the filter lets through, in table order."""

    @property
    def store(self) -> Any:
        """The store this screen lists and sets statuses in."""
        return self._store if self._store is not None else self.app.store  # type: ignore[attr-defined]

    @property
    def annotator(self) -> str:
        """Whose status the screen shows and sets."""
        if self._annotator:
            return self._annotator
        return getattr(self.app, "annotator", None) or self.store.annotator

    def compose(self) -> ComposeResult:
        yield Static(Text("Library", style="bold"), id="library-title")
        yield Input(placeholder="Filter by name", id="library-filter")
        table: DataTable[Any] = DataTable(id="library-table", cursor_type="row", zebra_stripes=True)
        for key, heading in COLUMNS:
            table.add_column(Text(heading, style="bold"), key=key)
        yield table
        yield ArticleHeader(with_url=True, id="library-detail")  # a web page's title, site, date, URL
        yield Footer()

    def on_mount(self) -> None:
        self.reload(keep=self.current)
        self.query_one("#library-filter", Input).focus()

    # -- data -------------------------------------------------------------------

    def reload(self, keep: str | None = None) -> None:
        """Read the documents from the store and redraw the table.

        Args:
            keep: a document name to put the cursor on (default: the one under it).
        """
        self.infos = self.store.documents(self.annotator)  # counts of your layer, like the status
        self._fill(keep if keep is not None else self._cursor_name())

    def _cursor_name(self) -> str | None:
        table = self.query_one("#library-table", DataTable)
        if not self.shown or table.cursor_row < 0 or table.cursor_row >= len(self.shown):
            return None
        return self.shown[table.cursor_row].name

    def _fill(self, keep: str | None) -> None:
        table = self.query_one("#library-table", DataTable)
        query = self.query_one("#library-filter", Input).value
        self.shown = [i for i in self.infos if matches(safe(i.name) + " " + safe(i.web.get("title", "")), query)]
        table.clear()
        for info in self.shown:
            status = info.status.get(self.annotator, "new")
            name = safe_text(info.name, limit=60)
            if info.name == self.current:
                name = Text("▶ ", style="bold") + name
            cells: list[Any] = [name, Text(STATUS_TEXT.get(status, status), style=STATUS_STYLE.get(status, ""))]
            for key, _ in COLUMNS[2:]:
                if key == "pending":
                    n = info.by_status.get("pending", 0)
                elif key == "length":
                    n = info.length
                else:
                    n = info.counts.get(key, 0)
                cells.append(Text(str(n), style="" if n else "dim", justify="right"))
            table.add_row(*cells, key=info.id)
        title = Text.assemble(
            ("Library ", "bold"),
            (f"{len(self.shown)} of {len(self.infos)} documents", ""),
            (" · status and counts (accepted; pending apart) for ", "dim"),
        )
        title.append_text(safe_text(self.annotator, style="bold"))
        self.query_one("#library-title", Static).update(title)
        for row, info in enumerate(self.shown):
            if info.name == keep:
                table.move_cursor(row=row, animate=False)
                break
        self._show_detail()

    def _show_detail(self) -> None:
        """The detail line: the web metadata of the document under the cursor (hidden when it has none)."""
        table = self.query_one("#library-table", DataTable)
        row = table.cursor_row
        info = self.shown[row] if self.shown and 0 <= row < len(self.shown) else None
        self.query_one("#library-detail", ArticleHeader).show(info.web if info is not None else {})

    @on(DataTable.RowHighlighted, "#library-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    # -- actions ----------------------------------------------------------------

    @on(Input.Changed, "#library-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._fill(self._cursor_name())

    @on(Input.Submitted, "#library-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_open_document()

    def on_key(self, event: Any) -> None:
        # up and down in the filter move the list's cursor, as in a picker.
        if event.key in ("up", "down") and isinstance(self.focused, Input):
            event.stop()
            table = self.query_one("#library-table", DataTable)
            table.move_cursor(row=table.cursor_row + (1 if event.key == "down" else -1), animate=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The list's letter keys are off (hidden) while the filter, which takes them as text, has the focus."""
        if action in ("cycle_status", "review", "focus_filter") and isinstance(self.focused, Input):
            return False
        return True

    def on_descendant_focus(self, _event: Any) -> None:
        self.refresh_bindings()  # the footer shows the list's keys only while the list has the focus

    @on(DataTable.RowSelected, "#library-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_document()

    def action_open_document(self) -> None:
        """Dismiss with the name of the document under the cursor."""
        name = self._cursor_name()
        if name is not None:
            self.dismiss(name)

    def action_cycle_status(self) -> None:
        """Set the next status of the document under the cursor (one store action)."""
        table = self.query_one("#library-table", DataTable)
        if not self.shown or not 0 <= table.cursor_row < len(self.shown):
            return
        info = self.shown[table.cursor_row]
        status = info.status.get(self.annotator, "new")
        nxt = DOC_STATUSES[(DOC_STATUSES.index(status) + 1) % len(DOC_STATUSES)] if status in DOC_STATUSES else "new"
        try:
            self.store.set_doc_status(info.id, nxt, self.annotator)
        except TuiError as exc:  # the lock held by another process, a full disk, read-only
            self.notify(f"not saved: {safe(str(exc), limit=120)}", severity="error", markup=False)
            return
        self.reload(keep=info.name)
        self.notify(f"{safe(info.name, limit=60)}: {STATUS_TEXT[nxt]}", markup=False)

    def action_focus_filter(self) -> None:
        """Move the focus to the filter box."""
        self.query_one("#library-filter", Input).focus()

    def action_review(self) -> None:
        """Review the pending suggestions of the listed documents, from the one under the cursor."""
        names = [i.name for i in self.shown]
        row = self.query_one("#library-table", DataTable).cursor_row
        if 0 < row < len(names):
            names = names[row:] + names[:row]
        if not names:
            self.notify("nothing to review: no pending suggestions in these documents", markup=False)
            return
        self._reviewing = True
        self.post_message(StartReview(names))  # the app starts it; the list is re-read when shown again

    def on_screen_resume(self) -> None:
        if self._reviewing:
            self._reviewing = False
            self.reload()

    def action_close(self) -> None:
        """Back to the reader without opening anything."""
        self.dismiss(None)
