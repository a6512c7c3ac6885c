"""Adjudication: walk the disagreements between annotators and decide each into a gold layer.

The list on the left holds the disagreements still open in the document
(:func:`tui.core.review.adjudicate.disagreements`: spans, event types and
arguments, relations); the right side shows the current one in context and
each annotator's version, numbered. ``1``-``9`` take that annotator's
version, ``+`` takes them all, ``0`` takes none (recorded as rejected), into
the target layer (``gold`` by default); each is one logged action
(:func:`tui.core.review.adjudicate.take`), ``u`` undoes it. ``a`` first takes every
item all annotators agree on. The count of what remains is always shown.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from tui.app.safe import safe
from tui.core.errors import TuiError
from tui.core.review.adjudicate import TARGET, Item, auto, disagreements, take

#: Characters of context either side of the item.
CONTEXT = 60


def default_annotators(store: Any, doc_id: str, target: str = TARGET) -> list[str]:
    """Annotators with accepted annotations in a document, except the target layer.

    Args:
        store: the store.
        doc_id: the document.
        target: the gold layer (left out).

    Returns:
        Sorted annotator names.
    """
    return store.span_annotators(doc_id, status="accepted", exclude=target)


class AdjudicationScreen(Screen[None]):
    """Decide each disagreement between annotators into the target layer, one key each."""

    DEFAULT_CSS = """
    AdjudicationScreen { layout: vertical; }
    AdjudicationScreen #adjudicate-title { height: 1; padding: 0 1; background: $panel; }
    AdjudicationScreen #adjudicate-body { height: 1fr; }
    AdjudicationScreen #adjudicate-items { width: 50; height: 1fr; }
    AdjudicationScreen #adjudicate-detail-scroll { width: 1fr; height: 1fr; padding: 0 1; }
    """

    BINDINGS = [
        *[
            Binding(str(n), f"take({n})", "Take" if n == 1 else f"Take {n}", show=n == 1, id=f"adjudicate-take-{n}",
                    priority=True, key_display="1-9" if n == 1 else None,
                    tooltip=f"Take annotator {n}'s version into the target layer.")
            for n in range(1, 10)
        ],
        Binding("plus", "take_all", "Take all", id="adjudicate-take-all", priority=True,
                tooltip="Take every annotator's version into the target layer."),
        Binding("0", "take_none", "None", id="adjudicate-take-none", priority=True,
                tooltip="Take no version: the target layer records a rejection."),
        Binding("a", "auto", "Take agreed", id="adjudicate-auto", show=False,
                tooltip="Take every item all annotators agree on (one action)."),
        Binding("u", "undo", "Undo", id="adjudicate-undo", tooltip="Undo your last decision."),
        Binding("escape,q", "close", "Back", id="adjudicate-close", tooltip="Back to the reader."),
    ]
    """Decision keys (priority: they work with the list focused); up/down move in the list."""

    HELP = """\
### Adjudication
The list holds the disagreements still open; the right side shows each
annotator's version. `1`-`9` take that annotator's version, `+` all, `0`
none, into the target layer (`gold`). `a` takes everything the annotators
agree on. `u` undoes, `escape` goes back.
"""

    def __init__(self, document: str, annotators: list[str], *, target: str = TARGET,
                 store: Any = None) -> None:
        """Create the screen.

        Args:
            document: the document's name or id.
            annotators: the layers to compare (two or more).
            target: the layer decisions go into.
            store: the store (default: the app's).
        """
        super().__init__()
        self._store = store
        self.document = document
        self.annotators = list(annotators)
        self.target = target
        self.items: list[Item] = []
        """The open disagreements, in text order."""
        self.position = 0
        self.decided = 0
        self.text = ""

    @property
    def store(self) -> Any:
        """The project store."""
        return self._store if self._store is not None else self.app.store  # type: ignore[attr-defined]

    @property
    def current(self) -> Item | None:
        """The disagreement shown, or None when none is left."""
        return self.items[self.position] if 0 <= self.position < len(self.items) else None

    def compose(self) -> ComposeResult:
        yield Static(Text(""), id="adjudicate-title")
        with Horizontal(id="adjudicate-body"):
            yield OptionList(id="adjudicate-items")
            with VerticalScroll(id="adjudicate-detail-scroll"):
                yield Static(Text(""), id="adjudicate-detail")
        yield Footer()

    def on_mount(self) -> None:
        doc = self.store.document(self.document)
        self.doc_id = doc.id
        self.text = doc.text
        self.reload()
        self.query_one("#adjudicate-items", OptionList).focus()

    # -- data ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read the open disagreements, keep the position, redraw."""
        try:
            self.items = disagreements(self.store, self.document, self.annotators, target=self.target)
        except TuiError as exc:
            self.notify(str(exc), severity="error", markup=False)
            self.items = []
        self.position = min(self.position, max(len(self.items) - 1, 0))
        options = self.query_one("#adjudicate-items", OptionList)
        options.clear_options()
        options.add_options([Option(self._item_line(it)) for it in self.items])
        if self.items:
            options.highlighted = self.position
        self._draw()

    def _item_line(self, item: Item) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"{item.kind:<9}", style="dim")
        text.append(safe(item.text, limit=38))
        return text

    def _draw(self) -> None:
        names = ", ".join(safe(a, limit=20) for a in self.annotators)
        title = Text.assemble(
            ("Adjudicate ", "bold"), safe(self.document, limit=40),
            (f" · {names} → {safe(self.target, limit=20)} · ", "dim"),
            (f"{len(self.items)} remaining", "bold"),
            (f" · {self.decided} decided", "dim"),
        )
        self.query_one("#adjudicate-title", Static).update(title)
        self.query_one("#adjudicate-detail", Static).update(self.detail())

    def detail(self) -> Text:
        """The current disagreement: its context and every annotator's version, numbered."""
        item = self.current
        out = Text()
        if item is None:
            out.append("No disagreement left", style="bold green")
            out.append(f": every item is agreed or decided in {safe(self.target, limit=20)}.\n"
                       "escape goes back; u undoes the last decision.\n")
            return out
        out.append(f"{item.kind} {self.position + 1}/{len(self.items)}\n\n", style="bold")
        start, end = item.start, item.end
        out.append("…" + safe(self.text[max(0, start - CONTEXT):start], limit=None), style="dim")
        out.append(safe(self.text[start:end], limit=200), style="bold reverse")
        out.append(safe(self.text[end:end + CONTEXT], limit=None) + "…\n\n", style="dim")
        for n, who in enumerate(self.annotators[:9], 1):
            out.append(f" {n} ", style="bold reverse")
            out.append(f" {safe(who, limit=20):<20} ", style="bold")
            version = item.versions.get(who)
            if version is None:
                out.append("(nothing here)\n", style="dim italic")
            else:
                out.append(safe(version.summary, limit=200) + "\n")
        out.append("\n + ", style="bold reverse")
        out.append(" take all    ")
        out.append(" 0 ", style="bold reverse")
        out.append(" take none    ")
        out.append("u undo · a take everything agreed · escape back\n", style="dim")
        return out

    @on(OptionList.OptionHighlighted, "#adjudicate-items")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.items) and event.option_index != self.position:
            self.position = event.option_index
            self._draw()

    # -- decisions ----------------------------------------------------------------------------

    def _take(self, choice: str) -> None:
        item = self.current
        if item is None:
            self.app.bell()
            return
        try:
            take(self.store, item, choice, target=self.target)
        except TuiError as exc:
            self.notify(f"not saved: {exc}", severity="error", markup=False)
            return
        self.decided += 1
        self.reload()

    def action_take(self, n: int) -> None:
        """Take annotator n's version (1-based)."""
        if not 1 <= n <= min(len(self.annotators), 9):
            self.app.bell()
            return
        self._take(self.annotators[n - 1])

    def action_take_all(self) -> None:
        """Take every annotator's version."""
        self._take("all")

    def action_take_none(self) -> None:
        """Take no version (a rejection is recorded in the target layer)."""
        self._take("none")

    def action_auto(self) -> None:
        """Take every item all annotators agree on, as one action."""
        try:
            n, _rest = auto(self.store, self.document, self.annotators, target=self.target)
        except TuiError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify(f"took {n} agreed item(s) into {safe(self.target, limit=20)}", markup=False)
        self.reload()

    def action_undo(self) -> None:
        """Undo your last action on this document."""
        try:
            op = self.store.undo(self.doc_id)
        except TuiError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if op is None:
            self.notify("nothing to undo", markup=False)
            return
        self.decided = max(0, self.decided - 1)
        self.notify(f"Undone: {safe(op.action, limit=80)}", markup=False)
        self.reload()

    def action_close(self) -> None:
        """Back to the reader."""
        self.dismiss(None)
