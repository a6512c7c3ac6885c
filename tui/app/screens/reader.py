"""The reader: the article, the panels beside it, and every annotation key.

The screen owns the document, its annotations and its schema. Each key
that changes something is one store action, committed before the screen
shows its result; then the screen reloads the annotations, recomputes the
highlights and pushes them down to the article view and the panels
(attributes down, messages up: widgets never call the store).

Motions live on the :class:`ArticleView`; the tagging keys live here.
"""

from __future__ import annotations

import gc
import sqlite3
import time
from bisect import bisect_left
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer

from tui.app import lifetime
from tui.app.compositor import BandedCompositor, banded_supported
from tui.app.dialogs.role_prompt import RolePrompt
from tui.app.messages import AnnotationsChanged, OpenDocument
from tui.app.reader_extras import (
    EXTRA_BINDINGS,
    EXTRA_HELP,
    LiveAnnotations,
    ReaderExtrasMixin,
    load_layers,
    overlay_highlights,
)
from tui.app.safe import safe
from tui.app.widgets import _text
from tui.app.widgets._text import DEFER_SECONDS, is_large
from tui.app.widgets.article_view import ArticleView, Highlight
from tui.app.widgets.entity_panel import EntityPanel
from tui.app.widgets.event_panel import EventPanel
from tui.app.widgets.footer import QuickFooter
from tui.app.widgets.inspector_panel import InspectorPanel
from tui.app.widgets.status_line import StatusLine
from tui.core.errors import TuiError
from tui.core.model import (
    Argument,
    Attribute,
    DocAnnotations,
    Document,
    Equivalence,
    Event,
    Normalization,
    Note,
    Relation,
    Span,
    kind_of,
)
from tui.core.schema import AttributeDef, Problem, Role, Schema
from tui.core.store import StoreBusy, gc_paused
from tui.core.text import layout

if TYPE_CHECKING:
    from tui.app.dialogs.attributes import AttributeValues
    from tui.app.dialogs.normalization import NormalizationInput
    from tui.app.dialogs.search import SearchQuery

#: Candidates offered outside the sentence when the sentence has none.
MAX_FAR_CANDIDATES = 50
#: How often the reader looks for changes other processes made to the database (s).
POLL_SECONDS = 1.0
#: After this long without a key, the reader checkpoints the WAL (s): the app's
#: connection has autocheckpoint off, so no keystroke ever waits for one.
IDLE_CHECKPOINT_SECONDS = 2.0
#: Checkpoint at least this often while idle, even when the reader wrote nothing (s).
CHECKPOINT_EVERY_SECONDS = 60.0
#: While another process holds the write lock, a waiting action is tried again this often (s).
WRITE_RETRY_SECONDS = 0.2
#: A waiting action is given up (and reported not saved) after this long (s).
WRITE_WAIT_SECONDS = 30.0
#: The status line while an action waits for another process's write lock.
WAITING_MESSAGE = "waiting for the database: another process is writing…"

HELP = """\
## Reading and annotating

- **Move** with the arrows or `h j k l`, by word `w b e`, sentence `( )`,
  paragraph `{ }`, page, and `g`/`G` to the start/end.
- **Select** with `v` then motions (or shift+arrows); `escape` clears.
  With no selection, a tagging key acts on the **word under the cursor**.
- **Tag** with `1`-`9` (the schema's first nine span types) or `t` and the
  type's hotkey (`t` `p` = PER). With an annotation selected (`]`/`[`), a tag
  key **retypes** it; `=` re-spans it to the selection, `+` adds the selection
  as another fragment.
- **Events**: `E` on the trigger word, pick the event type, then fill each
  role: `tab`/`shift+tab` cycle candidates, `enter` fills, a selection plus a
  tag key makes a new mention for the role, `s` skips, `escape` finishes.
- `R` relation, `C` coreference, `A` attributes, `:` note, `@` normalisation,
  all on the selected annotation. `d` deletes it (what depends on it is listed).
- `u` undo, `ctrl+r` redo. Everything is saved as you go: there is no save key.
- `/` searches (`alt+r` regex, `alt+c` case), `n`/`N` next/previous hit, `.`
  repeats the last tag on the next hit.
"""


@dataclass
class Pick:
    """A target being picked in the role prompt: event roles, a relation target or a coref partner."""

    purpose: str
    """``role``, ``relation`` or ``coref``."""
    source_id: str
    """The event (role), or the span the relation / coreference starts from."""
    type_name: str
    """Event type, relation type or equivalence type."""
    roles: list[Role]
    """Roles to fill in order (one pseudo-role for relation and coref)."""
    role_index: int = 0
    candidates: list[str] = field(default_factory=list)
    cand_index: int = 0

    @property
    def role(self) -> Role:
        """The role being filled."""
        return self.roles[self.role_index]


def _cardinality(card: str) -> str:
    return {"1": "exactly one", "?": "optional", "*": "any number", "+": "at least one"}.get(card, card)


class ReaderScreen(ReaderExtrasMixin, Screen[None]):
    """Read an article and annotate it from the keyboard."""

    HELP = HELP

    BINDINGS = [
        *[
            Binding(str(n), f"tag({n})", f"Tag type {n}", show=False, id=f"tag-{n}",
                    tooltip=f"Tag the selection (or the word under the cursor) with span type {n} "
                            "of the schema; retypes a selected annotation.")
            for n in range(1, 10)
        ],
        Binding("t", "tag_type", "Tag", id="tag-type",
                tooltip="Pick a span type (its hotkey picks at once) and tag the selection or word."),
        Binding("E", "event", "Event", id="event",
                tooltip="Make the selection (or word) an event trigger, pick the type, fill its roles."),
        Binding("R", "relation", "Relation", id="relation",
                tooltip="A relation from the selected annotation: pick the type, then the target."),
        Binding("C", "coreference", "Coref", id="coreference",
                tooltip="Put the selected mention in a coreference set with another mention."),
        Binding("A", "attributes", "Attrs", id="attributes",
                tooltip="Edit the attributes of the selected annotation."),
        Binding("colon", "note", "Note", id="note", tooltip="Write a note on the selected annotation."),
        Binding("at", "normalization", "Norm", id="normalization", show=False,
                tooltip="Link the selected annotation to a knowledge-base entry (resource:key)."),
        Binding("equals_sign", "respan", "Re-span", id="respan", show=False,
                tooltip="Move the selected annotation to the current selection (keeps id, attributes, arguments)."),
        Binding("plus", "add_fragment", "Add fragment", id="add-fragment", show=False,
                tooltip="Add the selection as another fragment of the selected span."),
        Binding("full_stop", "repeat_tag", "Repeat", id="repeat-tag", show=False,
                tooltip="Repeat the last tagging action on the next search hit."),
        Binding("right_square_bracket", "next_annotation", "Next ann.", id="next-annotation",
                show=False, tooltip="Select the next annotation."),
        Binding("left_square_bracket", "previous_annotation", "Prev ann.", id="previous-annotation",
                show=False, tooltip="Select the previous annotation."),
        Binding("d,delete", "delete", "Delete", id="delete",
                tooltip="Delete the selected annotation (what uses it is listed first)."),
        Binding("u,ctrl+z", "undo", "Undo", id="undo", tooltip="Undo your last action on this document."),
        Binding("ctrl+r,ctrl+y", "redo", "Redo", id="redo", show=False,
                tooltip="Redo the last undone action."),
        Binding("slash", "search", "Search", id="search",
                tooltip="Search the article (plain text; alt+r regex, alt+c case)."),
        Binding("n", "search_next", "Next hit", id="search-next", show=False,
                tooltip="Select the next search hit."),
        Binding("N", "search_previous", "Prev hit", id="search-previous", show=False,
                tooltip="Select the previous search hit."),
        Binding("o", "library", "Library", id="library", tooltip="Open the library of documents."),
        Binding("question_mark,f1", "help", "Help", id="help", tooltip="Every key, and how to annotate."),
        Binding("f2", "toggle_panel('entity-panel')", "Entities", id="toggle-entities", show=False,
                tooltip="Show or hide the entities panel."),
        Binding("f3", "toggle_panel('event-panel')", "Events", id="toggle-events", show=False,
                tooltip="Show or hide the events panel."),
        Binding("f4", "toggle_panel('inspector-panel')", "Inspector", id="toggle-inspector",
                show=False, tooltip="Show or hide the inspector panel."),
        Binding("L", "toggle_labels", "Labels", id="toggle-labels", show=False,
                tooltip="Show or hide the short type labels inline (e.g. Basra[GPE])."),
        Binding("q", "quit", "Quit", id="quit", tooltip="Quit (everything is already saved)."),
        *EXTRA_BINDINGS,
        # The role prompt's keys: priority so they win over the view's escape and the
        # screen's focus keys, but only enabled while the prompt is open.
        Binding("tab", "pick_cycle(1)", "Next candidate", id="role-next", show=False, priority=True,
                tooltip="Next candidate mention for the role."),
        Binding("shift+tab", "pick_cycle(-1)", "Previous candidate", id="role-previous", show=False,
                priority=True, tooltip="Previous candidate mention for the role."),
        Binding("enter", "pick_fill", "Fill role", id="role-fill", show=False, priority=True,
                tooltip="Fill the role with the selected candidate."),
        Binding("s", "pick_skip", "Skip role", id="role-skip", show=False, priority=True,
                tooltip="Skip this role."),
        Binding("escape", "pick_done", "Done", id="role-done", show=False, priority=True,
                tooltip="Stop filling roles (the event stays; missing mandatory roles are flagged)."),
        # Declaring tab here hides Screen's own tab binding, so focus moving is declared again.
        Binding("tab", "app.focus_next", "Focus next", id="focus-next", show=False,
                tooltip="Move the focus between the reader and the panels."),
        Binding("shift+tab", "app.focus_previous", "Focus previous", id="focus-previous",
                show=False, tooltip="Move the focus back between the panels and the reader."),
    ]
    """Tagging, editing and navigation keys of the reader (motions are on the article view)."""

    selected_id: reactive[str | None] = reactive(None, bindings=True, repaint=False)
    """The selected annotation (span, event, relation, ...), or None."""

    def __init__(self, document: str | None = None, *, store: Any = None) -> None:
        """Create the reader.

        Args:
            document: the name (or id) of the document to open; None opens nothing.
            store: the store (default: the app's).
        """
        super().__init__()
        # Repaint the cursor's rows and the status line without the side panels between them.
        if banded_supported():
            self._compositor = BandedCompositor()
        self._store = store
        self.document_name = document
        self.doc: Document | None = None
        self.schema: Schema | None = None
        self.anns = DocAnnotations()
        self.by_id: dict[str, Any] = {}
        self.event_of_trigger: dict[str, Event] = {}
        self.problems: list[Problem] = []
        self.search_query: SearchQuery | None = None
        self.hits: list[tuple[int, int]] = []
        self.last_tag: tuple[str, str] | None = None
        """The last tagging action, ``("span", label)`` or ``("event", type)``, for ``.``."""
        self.pick: Pick | None = None
        self.message = ""
        self._binding_state: tuple = ()
        self._bindings_pending = False
        self._waiting_writes: list[tuple[str, str, Callable[[Any], Any]]] = []
        """Actions waiting for another process's write lock: (document id, description, work), in key order."""
        self._wait_since = 0.0
        self.shown_layer: str | None = None
        """Whose layer is shown and edited (None: the current annotator's)."""
        self.overlay_layer: str | None = None
        """Another annotator's layer drawn read-only over it, or None."""
        self.overlay_anns = DocAnnotations()
        self.live: LiveAnnotations | None = None
        """The shown layer with its indexes and problems, updated from each action's row changes."""
        self._styles: dict[tuple[str, str], tuple[str, str]] = {}
        self._styles_schema: Schema | None = None
        self._generation = 0
        """Bumped whenever the annotations change (the inspector redraws only then)."""
        self._inspector_key: tuple | None = None
        self._inspector_timer: Timer | None = None
        self._data_version: int | None = None
        self._last_key = time.monotonic()
        self._last_write = 0.0
        self._last_checkpoint = time.monotonic()

    @property
    def problems(self) -> list[Problem]:
        """Every schema problem of the shown layer (from the live state, listed on demand)."""
        return self.live.problems if self.live is not None else self._problems

    @problems.setter
    def problems(self, value: list[Problem]) -> None:
        self._problems = value

    # -- structure ------------------------------------------------------------

    @property
    def store(self) -> Any:
        """The project store."""
        return self._store if self._store is not None else self.app.store

    @property
    def annotator(self) -> str:
        """Who is working."""
        return self.store.annotator

    def compose(self) -> ComposeResult:
        with Horizontal(id="reader-body"):
            yield ArticleView(id="article")
            with Vertical(id="side-panels"):
                yield EntityPanel(id="entity-panel")
                yield EventPanel(id="event-panel")
                yield InspectorPanel(id="inspector-panel")
        yield RolePrompt(id="role-prompt")
        yield StatusLine(id="status-line")
        yield QuickFooter()

    @property
    def view(self) -> ArticleView:
        """The article view."""
        return self.query_one("#article", ArticleView)

    @property
    def prompt(self) -> RolePrompt:
        """The role prompt."""
        return self.query_one("#role-prompt", RolePrompt)

    def on_mount(self) -> None:
        self.view.focus()
        # The position in the status line is drawn in the same frame as the cursor.
        self.view.on_moved = self._moved_now
        lifetime.interval(self, POLL_SECONDS, self.poll_store, name="poll-store")
        if self.document_name:
            self.open_document(self.document_name)
        else:
            self.view.load("", [], [])
            self.message = "no documents: import one with `tui import FILE`"
            self._update_status()

    # -- opening ----------------------------------------------------------------

    def open_document(self, name: str) -> None:
        """Load a document into the reader and remember it as the last opened one.

        Args:
            name: the document's name or id.
        """
        try:
            doc = self.store.document(name)
            schema = self.store.schema(doc.schema)
        except TuiError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self._end_pick(report=False)
        self.doc = doc
        self.document_name = doc.name
        self.schema = schema
        self.selected_id = None
        self.search_query = None
        self.hits = []
        self.last_tag = None
        with gc_paused():  # loading makes ~300k objects and no garbage
            self._load_annotations(defer_validation=True)
            self.view.load(doc.text, doc.styles, self._highlights())
        self.view.set_search_hits([])
        self.view.selected_id = None
        try:
            self.store.set_setting(f"last_document:{self.annotator}", doc.name)
        except TuiError:
            pass  # only a convenience: a busy or read-only database must not stop the opening
        self.message = ""
        if is_large(self.anns):
            # Their rebuild waits for a pause anyway; the pause starts after the
            # first refresh, so it never delays the article's first frame.
            lifetime.after_refresh(self, self._push_panels)
        else:
            self._push_panels()
        self._update_status()
        self.refresh_bindings()
        # A loaded document lives as long as the screen: keep it out of the GC's scans.
        gc.freeze()

    def on_open_document(self, message: OpenDocument) -> None:
        self.open_document(message.name)

    def on_key(self, event: events.Key) -> None:
        self._last_key = time.monotonic()
        # Type-ahead: mark keys that bubbled through the reader, so the app can hand
        # one to a dialog that opened while it was on its way (see TuiApp.on_key).
        event._tui_via_reader = True  # type: ignore[attr-defined]

    # -- data -> view ---------------------------------------------------------------

    def _load_annotations(self, *, defer_validation: bool = False) -> None:
        assert self.doc is not None and self.schema is not None
        self.anns, self.overlay_anns = load_layers(self.store, self.doc.id, self.layer_name(), self.overlay_layer)
        # Opening a long document: the article first, the schema check (~0.4 s at
        # 50k annotations) once it is on screen. A pause after the first refresh:
        # when the app starts, that frame is held back (Textual's start-up batch)
        # until after the refresh callbacks ran, so a callback alone would come first.
        later = defer_validation and is_large(self.anns, _text.DEFER_CHECK_OVER)
        self.live = LiveAnnotations(self.anns, self.schema, validate_now=not later)
        if later:
            lifetime.after_refresh(self, lifetime.timer, self, DEFER_SECONDS, partial(self._validate_later, self.live))
        # The live state's dicts are updated in place, so these stay current.
        self.by_id = self.live.by_id
        self.event_of_trigger = self.live.event_of_trigger
        self.problems = self.live.problems
        self._generation += 1
        if self.selected_id is not None and self.selected_id not in self.by_id:
            self.selected_id = None

    def _validate_later(self, live: LiveAnnotations) -> None:
        if live is not self.live or live.validated:
            return  # reloaded meanwhile
        live.validate_all()
        self.problems = live.problems
        self._generation += 1
        self._push_panels()

    def _visible_spans(self) -> list[Span]:
        return [s for s in self.anns.spans if s.status != "rejected"]

    def _highlight(self, span: Span) -> Highlight:
        """How one span of the shown layer is drawn."""
        assert self.schema is not None
        trigger = span.id in self.event_of_trigger
        kind = "event" if trigger else "span"
        if self._styles_schema is not self.schema:
            self._styles = {}
            self._styles_schema = self.schema
        style = self._styles.get((span.label, kind))
        if style is None:
            # Schema lookups are not free; 50k spans share a few dozen labels.
            style = self._styles[(span.label, kind)] = (
                self.schema.short_label(span.label, kind), self.schema.color(span.label, kind))
        return Highlight(
            id=span.id,
            fragments=tuple(map(tuple, span.fragments)),
            label=style[0],
            color=style[1],
            pending=span.status == "pending",
            overlay=False,
            kind="trigger" if trigger else "span",
        )

    def _highlights(self) -> list[Highlight]:
        """Every highlight of the shown layer and the overlay: :meth:`_highlight` of each span, in bulk.

        Opening a long document draws 50k spans: the per-span lookups are
        hoisted out of the loop and the styles shared (same result as
        :meth:`_highlight`, which a test checks).
        """
        assert self.schema is not None
        if self._styles_schema is not self.schema:
            self._styles = {}
            self._styles_schema = self.schema
        styles = self._styles
        schema = self.schema
        triggers = self.event_of_trigger
        out: list[Highlight] = []
        append = out.append
        for span in self.anns.spans:
            status = span.status
            if status == "rejected":
                continue
            trigger = span.id in triggers
            kind = "event" if trigger else "span"
            style = styles.get((span.label, kind))
            if style is None:
                style = styles[(span.label, kind)] = (
                    schema.short_label(span.label, kind), schema.color(span.label, kind))
            frags = span.fragments
            append(Highlight(
                span.id, (tuple(frags[0]),) if len(frags) == 1 else tuple(map(tuple, frags)), style[0], style[1],
                status == "pending", False, "trigger" if trigger else "span",
            ))
        return out + overlay_highlights(self.overlay_anns, self.schema)

    def _reload(self, message: str | None = None, *, changes: list[dict[str, Any]] | None = None) -> None:
        """Bring the annotations up to date after a committed action and push them everywhere.

        Args:
            message: for the status line.
            changes: the rows the action wrote (``store.last_changes``): only
                those are applied; None (or changes that cannot be applied
                one by one, like an import) re-reads everything.
        """
        if self.doc is None:
            return
        spans = None
        if changes is not None and self.live is not None:
            self._last_write = time.monotonic()
            spans = self.live.apply(changes, self.doc.id, self.layer_name(), self.overlay_layer)
        if spans is None:
            self._load_annotations()
            self.view.set_highlights(self._highlights())
        else:
            # (self.problems reads the live state: the list is rebuilt only when asked for)
            self._generation += 1
            if self.selected_id is not None and self.selected_id not in self.by_id:
                self.selected_id = None
            upsert, remove = [], []
            for span_id in spans:
                span = self.by_id.get(span_id)
                if isinstance(span, Span) and span.status != "rejected":
                    upsert.append(self._highlight(span))
                else:
                    remove.append(span_id)
            self.view.update_highlights(upsert, remove)
        if message is not None:
            self.message = message
        if spans is None:
            self._push_panels()
        else:
            self._apply_to_panels(changes or [])
        self._sync_selection()
        self._update_status()
        self.refresh_bindings()

    # -- other processes ------------------------------------------------------------

    def poll_store(self) -> None:
        """Re-read the document when another process changed the database; checkpoint when idle.

        Runs every :data:`POLL_SECONDS`. ``PRAGMA data_version`` changes only
        when another connection commits, so this costs one tiny query a tick.
        """
        try:
            version = self.store.data_version()
        except (sqlite3.Error, AttributeError):
            return  # the store is closed: the app is shutting down
        seen, self._data_version = self._data_version, version
        if seen is not None and version != seen and self.doc is not None:
            self._reload_external()
            return
        now = time.monotonic()
        if now - self._last_key >= IDLE_CHECKPOINT_SECONDS and (
            self._last_write > self._last_checkpoint
            or now - self._last_checkpoint >= CHECKPOINT_EVERY_SECONDS
        ):
            try:
                self.store.checkpoint()
            except sqlite3.Error:
                return  # busy: the next idle tick tries again
            self._last_checkpoint = time.monotonic()

    def _reload_external(self) -> None:
        """Show what another process wrote: the document (if its text changed) or its annotations."""
        assert self.doc is not None
        try:
            doc = self.store.document(self.doc.id)
        except TuiError:
            self.notify(f"{safe(self.doc.name, limit=60)} was removed by another process", severity="warning",
                        markup=False)
            return
        if doc.sha256 != self.doc.sha256:
            cursor = self.view.cursor
            self.open_document(doc.id)
            self.view.move_to(min(cursor, len(doc.text)))
            self.view.scroll_to_offset(self.view.cursor)
            self.message = "the text was changed by another process: reloaded"
            self._update_status()
            return
        self._reload("changed by another process: reloaded")

    def _push_panels(self) -> None:
        if self.doc is None or self.schema is None:
            return
        self.query_one("#entity-panel", EntityPanel).show(self.doc, self.anns, self.schema)
        # Listing every problem takes ~0.5 ms at 50k annotations: the panel asks when it rebuilds.
        self.query_one("#event-panel", EventPanel).show(self.doc, self.anns, self.schema, lambda: self.problems)
        self._push_inspector()

    def _apply_to_panels(self, changes: list[dict[str, Any]]) -> None:
        """Show one action's changes in the panels: the rows it touched, nothing else."""
        if self.doc is None or self.live is None:
            return
        from tui.core.store.changes import ChangeSet

        diff = ChangeSet.from_log(changes).annotations(self.doc.id, self.layer_name())
        self.query_one("#entity-panel", EntityPanel).apply_changes(diff, self.live)
        self.query_one("#event-panel", EventPanel).apply_changes(diff, self.live)
        self._push_inspector()

    def _inspector_visible(self) -> bool:
        panel = self.query_one("#inspector-panel", InspectorPanel)
        return bool(panel.display and self.query_one("#side-panels").display)

    def _push_inspector(self) -> None:
        if self.doc is None or self.schema is None:
            return
        # At once, on any length: with the live index the inspector looks up what
        # refers to the annotation, and re-lays out the screen only when its height changes.
        self._push_inspector_now()

    def _push_inspector_now(self) -> None:
        self._inspector_timer = None
        if self.doc is None or self.schema is None or not self.is_attached:
            return
        if not self._inspector_visible():
            self._inspector_key = None  # shown again: redraw then
            return
        ann = self.by_id.get(self.selected_id) if self.selected_id else None
        key = (self.doc.id, self.selected_id, id(ann), self._generation)
        if key == self._inspector_key:
            return  # one action reaches here several times; the history query is not free
        self._inspector_key = key
        history = self.store.history(ann.id) if ann is not None else []
        ids = []
        if ann is not None:
            ids.append(ann.id)
            if ann.id in self.event_of_trigger:
                ids.append(self.event_of_trigger[ann.id].id)
        by_ann = self.live.problems_by_id if self.live is not None else {}
        problems = [p for i in ids for p in by_ann.get(i, ())]
        self.query_one("#inspector-panel", InspectorPanel).show(
            ann, self.anns, self.schema, history, problems, by_id=self.by_id, index=self.live
        )

    def _display_span(self, ann: Any, depth: int = 0) -> Span | None:
        """The span that shows an annotation in the text (an event's trigger, a relation's first argument...)."""
        if ann is None or depth > 4:
            return None
        if isinstance(ann, Span):
            return ann
        if isinstance(ann, Event):
            return self.by_id.get(ann.trigger)
        if isinstance(ann, Relation):
            return self._display_span(self.by_id.get(ann.arguments[0].target), depth + 1)
        if isinstance(ann, Equivalence):
            return self._display_span(self.by_id.get(ann.members[0]) if ann.members else None, depth + 1)
        target = getattr(ann, "target", None)
        return self._display_span(self.by_id.get(target) if target else None, depth + 1)

    def watch_selected_id(self, _old: str | None, _new: str | None) -> None:
        if self.is_mounted:
            self._sync_selection()

    def _sync_selection(self) -> None:
        """Draw the selected annotation emphasised and show it in the inspector."""
        span = self._display_span(self.by_id.get(self.selected_id)) if self.selected_id else None
        view = self.view
        new = span.id if span is not None else None
        if view.selected_id != new:
            view.selected_id = new
        self._push_inspector()
        self._update_status()

    def _select(self, ann_id: str | None, *, move: bool = True) -> None:
        """Select an annotation and bring the cursor to it."""
        self.selected_id = ann_id
        if ann_id is None or not move:
            return
        span = self._display_span(self.by_id.get(ann_id))
        if span is not None:
            view = self.view
            if view.selection is not None:
                view.clear_selection()
            view.move_to(span.start)
            view.scroll_to_offset(span.start)

    # -- status line ---------------------------------------------------------

    def _mode(self) -> str:
        if self.pick is not None:
            if self.pick.purpose == "role":
                return f"ROLE {self.pick.role.name}"
            return "RELATION target" if self.pick.purpose == "relation" else "COREF"
        return "VISUAL" if self.view.selection is not None else "NORMAL"

    def _update_status(self) -> None:
        if not self.is_mounted:
            return
        view = self.view
        if self.doc is None:
            self.message = "no documents: import one with `tui import FILE`"
        text = self.doc.text if self.doc else ""
        cursor = min(view.cursor, len(text))
        # A bisect over the view's line starts: counting newlines from the top is
        # O(offset), milliseconds at the end of a long article, on every key.
        line, column = view.line_column(cursor)
        sel = view.selection
        # The status line sanitises and shortens it; cap what is copied on huge selections.
        sel_text = text[sel[0]:min(sel[1], sel[0] + 1000)] if sel else None
        self.query_one("#status-line", StatusLine).show(
            document=self.doc.name if self.doc else "(no document)",
            cursor=cursor,
            line=line,
            column=column,
            selection_text=sel_text,
            mode=self._mode(),
            annotator=self.layer_status(),
            message=self.message or (WAITING_MESSAGE if self._waiting_writes else ""),
        )

    def _moved_now(self) -> None:
        """The cursor or selection just moved: show the status line as the move leaves it.

        A move clears the last action's message (``_cursor_moved`` does, once
        the message arrives); clearing it here too keeps an action that
        moves the cursor (tagging clears the selection) from drawing its
        message in one frame and the cleared line in a second frame.
        """
        self.message = ""
        self._update_status()

    def refresh_bindings(self) -> None:
        """Ask the footer to update once, after the current handler, however often asked.

        One key asks several times (a tag: the action's reload, the new selection,
        the cleared selection), and each answer makes the footer work out Textual's
        active bindings (~0.4 ms). The request is published once, after the handler,
        and the state it reflects is recorded so the cursor-moved handler that
        follows an action does not ask again for the same state.
        """
        if self._bindings_pending or not lifetime.is_live(self):
            # Textual asks a dismissed screen too (its focus changes as its widgets go).
            return
        self._bindings_pending = True
        lifetime.next_tick(self, self._publish_bindings)

    def _publish_bindings(self) -> None:
        self._bindings_pending = False
        self._binding_state = self._availability()
        super().refresh_bindings()

    def _availability(self) -> tuple:
        view = self.view
        return (
            view.selection is not None,
            view.target_range() is not None,
            self.selected_id,
            bool(self.hits),
            self.pick is not None,
        )

    @on(ArticleView.CursorMoved)
    def _cursor_moved(self, _event: ArticleView.CursorMoved) -> None:
        if not lifetime.is_live(self):
            return  # a move queued as the screen was dismissed
        # The view's state is read now, not from the message: other moves may have followed it.
        view = self.view
        cursor, selection = view.cursor, view.selection
        if self.pick is not None:
            current = self.by_id.get(self.selected_id) if self.selected_id else None
            if not (isinstance(current, Span) and self._contains(current, cursor)):
                under = self._span_at(cursor, prefer=self.pick.role.types)
                self.selected_id = under.id if under is not None else None
            self._show_pick()
        elif self.selected_id is not None and selection is None:
            span = self._display_span(self.by_id.get(self.selected_id))
            if span is None or not self._contains(span, cursor):
                self.selected_id = None
        self.message = ""
        self._update_status()
        state = self._availability()
        if state != self._binding_state:
            self._binding_state = state
            self.refresh_bindings()

    @on(ArticleView.HighlightClicked)
    def _highlight_clicked(self, event: ArticleView.HighlightClicked) -> None:
        if event.id in self.by_id:
            self.selected_id = event.id
            if self.pick is not None:
                self._show_pick()

    @on(EntityPanel.MentionChosen)
    def _mention_chosen(self, event: EntityPanel.MentionChosen) -> None:
        self._select(event.id)

    @on(EventPanel.AnnotationChosen)
    def _annotation_chosen(self, event: EventPanel.AnnotationChosen) -> None:
        self._select(event.id)

    @on(EventPanel.ArgumentEditRequested)
    def _argument_edit(self, event: EventPanel.ArgumentEditRequested) -> None:
        ev = self.by_id.get(event.event_id)
        if not isinstance(ev, Event) or self.schema is None:
            return
        et = self.schema.event_type(ev.type)
        if et is None:
            self.notify(f"unknown event type {ev.type}", severity="warning", markup=False)
            return
        roles = list(et.roles)
        if event.role is not None:
            roles = [r for r in roles if r.name == event.role] or roles
        self.view.focus()
        self._start_pick(Pick("role", ev.id, ev.type, roles))

    @staticmethod
    def _contains(span: Span, offset: int) -> bool:
        return any(s <= offset < e for s, e in span.fragments) or (
            span.fragments[-1][1] == offset and span.fragments[-1][0] == offset
        )

    def _span_at(self, offset: int, prefer: tuple[str, ...] = ()) -> Span | None:
        """The entity span under ``offset`` (not a trigger), preferring the given types, then the shortest."""
        found = [
            s for s in self._visible_spans()
            if s.id not in self.event_of_trigger and self._contains(s, offset)
        ]
        if not found:
            return None
        found.sort(key=lambda s: (bool(prefer) and s.label not in prefer, s.end - s.start))
        return found[0]

    # -- bindings state ---------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action.startswith("pick_"):
            if self.pick is None:
                return False  # let tab, enter and escape do their usual work
            if action == "pick_skip":
                return self.pick.purpose == "role"
            return True
        if self.doc is None and action not in ("quit", "library", "help", "toggle_panel",
                                               "toggle_labels"):
            return None
        return True if self._can(action, parameters) else None

    def _can(self, action: str, parameters: tuple[object, ...]) -> bool:
        """Whether a reader action can act right now (False: shown dimmed)."""
        picking = self.pick is not None
        selected = self.by_id.get(self.selected_id) if self.selected_id else None
        view = self.view
        if action == "tag":
            n = int(parameters[0]) if parameters else 1  # type: ignore[call-overload]
            if self.schema is None or n > len(self.schema.span_types):
                return False
            return picking or isinstance(selected, Span) or view.target_range() is not None
        if action == "tag_type":
            return picking or isinstance(selected, Span) or view.target_range() is not None
        if picking and action in ("event", "relation", "coreference", "attributes", "note",
                                  "normalization", "respan", "add_fragment", "repeat_tag",
                                  "delete", "library"):
            return False
        if action == "event":
            return isinstance(selected, Event | Span) or view.target_range() is not None
        if action in ("relation", "coreference"):
            return isinstance(selected, Span) and selected.id not in self.event_of_trigger
        if action in ("attributes", "note", "normalization", "delete"):
            return selected is not None
        if action in ("respan", "add_fragment"):
            return isinstance(selected, Span) and view.selection is not None
        if action == "repeat_tag":
            return self.last_tag is not None and bool(self.hits)
        if action in ("search_next", "search_previous"):
            return bool(self.hits)
        if action == "undo":
            return self.doc is not None and self.store.can_undo(self.doc.id)
        if action == "redo":
            return self.doc is not None and self.store.can_redo(self.doc.id)
        return True

    # -- committing ------------------------------------------------------------------

    @contextmanager
    def _action(self, description: str) -> Iterator[Any]:
        """One user action: one store transaction, committed on exit."""
        assert self.doc is not None
        with self.store.action(description, self.doc.id) as tx:
            yield tx

    def _run(self, description: str, work: Callable[[Any], Any]) -> Any:
        """Run ``work(tx)`` as one committed action, then refresh everything.

        When another process holds the write lock the action waits its turn:
        it is tried again every :data:`WRITE_RETRY_SECONDS` on a timer (keys
        keep working meanwhile; later actions queue behind it, in order), and
        reported not saved after :data:`WRITE_WAIT_SECONDS`.

        Returns:
            What ``work`` returned, or None when the store refused (a notification
            says why) or the action waits for the lock.
        """
        assert self.doc is not None
        if self._waiting_writes:
            self._waiting_writes.append((self.doc.id, description, work))
            self._show_waiting()
            return None
        try:
            return self._attempt(description, work)
        except StoreBusy:
            self._waiting_writes.append((self.doc.id, description, work))
            self._wait_since = time.monotonic()
            lifetime.timer(self, WRITE_RETRY_SECONDS, self._retry_writes, name="retry-writes")
            self._show_waiting()
            return None

    def _attempt(self, description: str, work: Callable[[Any], Any]) -> Any:
        """One try of :meth:`_run`'s action; :class:`StoreBusy` propagates (nothing ran)."""
        previous = self.store.last_changes
        try:
            with self._action(description) as tx:
                result = work(tx)
        except StoreBusy:
            raise
        except (TuiError, ValueError) as exc:
            # Disk full, read-only file, a refused edit: rolled back, the screen re-read
            # from the database, so both agree; the app goes on.
            self.notify(f"not saved: {exc}", severity="error", markup=False)
            self._reload()
            return None
        duplicates = self.store.last_duplicates
        # The rows this action wrote; when it ran inside another action (nested), the
        # store has not recorded them yet: re-read everything.
        changes = self.store.last_changes
        self._reload(safe(description, limit=80), changes=None if changes is previous else changes)
        if duplicates and not changes:
            self.message = "already tagged: the same words have this label (another instance added it)"
            self._update_status()
            self.notify(self.message, severity="warning", markup=False)
        if self.doc is not None:
            self.post_message(AnnotationsChanged(self.doc.id, description))
        return result

    def _show_waiting(self) -> None:
        """Say what the queued actions wait for (the status line, until they ran)."""
        n = len(self._waiting_writes)
        self.message = WAITING_MESSAGE + (f" ({n} actions waiting)" if n > 1 else "")
        self._update_status()

    def _retry_writes(self) -> None:
        """Try the waiting actions again, in order; give them up after :data:`WRITE_WAIT_SECONDS`."""
        while self._waiting_writes:
            doc_id, description, work = self._waiting_writes[0]
            if self.doc is None or self.doc.id != doc_id:
                self._waiting_writes.pop(0)
                self.notify(f"not saved: {safe(description, limit=80)}: another document was opened while it waited",
                            severity="error", markup=False)
                continue
            try:
                self._attempt(description, work)
            except StoreBusy as exc:
                if time.monotonic() - self._wait_since < WRITE_WAIT_SECONDS:
                    self._show_waiting()
                    lifetime.timer(self, WRITE_RETRY_SECONDS, self._retry_writes, name="retry-writes")
                    return
                lost = [d for _, d, _ in self._waiting_writes]
                self._waiting_writes.clear()
                self.message = f"not saved: {exc}"
                self._update_status()
                self.notify(f"not saved ({len(lost)} actions): {exc}", severity="error", markup=False)
                return
            self._waiting_writes.pop(0)
            self._wait_since = time.monotonic()

    # -- describing --------------------------------------------------------------

    def describe(self, ann: Any) -> str:
        """A one-line, sanitised description of an annotation for prompts and notifications."""
        # every part is data (labels and type names come from schemas and files too)
        if isinstance(ann, Span):
            kind = "trigger" if ann.id in self.event_of_trigger else safe(ann.label, limit=30)
            return f"{kind} “{safe(ann.text, limit=40)}”"
        if isinstance(ann, Event):
            trigger = self.by_id.get(ann.trigger)
            return f"{safe(ann.type, limit=30)} event “{safe(trigger.text, limit=40) if trigger else '?'}”"
        if isinstance(ann, Relation):
            a, b = (self.by_id.get(x.target) for x in ann.arguments)
            return (f"{safe(ann.type, limit=30)} relation {self.describe(a) if a else '?'} → "
                    f"{self.describe(b) if b else '?'}")
        if isinstance(ann, Equivalence):
            return f"{safe(ann.type, limit=30)} set of {len(ann.members)}"
        if isinstance(ann, Attribute):
            return f"attribute {safe(ann.name, limit=30)}" + (
                f"={safe(ann.value, limit=30)}" if ann.value is not None else "")
        if isinstance(ann, Normalization):
            return f"normalisation {safe(ann.resource, limit=20)}:{safe(ann.key, limit=30)}"
        if isinstance(ann, Note):
            return f"note “{safe(ann.text, limit=40)}”"
        return kind_of(ann)[:-1]

    # -- tagging -------------------------------------------------------------------

    def _span_types(self) -> list[Any]:
        return list(self.schema.span_types) if self.schema else []

    def action_tag(self, n: int) -> None:
        """Tag with the schema's n-th span type (1-based)."""
        types = self._span_types()
        if not 1 <= n <= len(types):
            self.app.bell()
            return
        self.tag_label(types[n - 1].name)

    def action_tag_type(self) -> None:
        """Pick a span type in a fuzzy list (its hotkey picks at once), then tag."""
        from tui.app.dialogs.picker import PickerDialog, PickerItem

        items = [
            PickerItem(t.name, t.name, t.hotkey, detail=f"{t.label} · {t.kind}", color=t.color)
            for t in self._span_types()
        ]

        def chosen(label: str | None) -> None:
            if label:
                self.tag_label(label)

        self.app.push_screen(PickerDialog("Tag as…", items), chosen)

    def tag_label(self, label: str) -> None:
        """Tag (or retype) with a span label, as the keys 1-9 and the picker do.

        With a role prompt open, the new mention also fills the role. With a
        span selected and no other text selected, the span is retyped.
        Otherwise the selection (or the word under the cursor) is tagged.

        Args:
            label: the span type's name.
        """
        if self.doc is None:
            return
        view = self.view
        if self.pick is not None:
            self._pick_new_mention(label)
            return
        selected = self.by_id.get(self.selected_id) if self.selected_id else None
        sel = view.selection
        if isinstance(selected, Span) and sel is None and not self._contains(selected, view.cursor):
            # Keys typed in a burst: the cursor has left the selected span but the
            # CursorMoved message that deselects it is still queued. Read the view now.
            self.selected_id = None
            selected = None
        if isinstance(selected, Span) and (sel is None or sel == (selected.start, selected.end)):
            self._retype(selected, label)
            return
        target = view.target_range()
        if target is None:
            self.notify("nothing to tag: select text or move onto a word", severity="warning")
            return
        self._tag_range(target, label)

    def _find_span(self, start: int, end: int, label: str) -> Span | None:
        # Spans are ordered by (start, end, id): look where (start, end) would be.
        spans = self.anns.spans
        i = bisect_left(spans, (start, end), key=lambda s: (s.fragments[0][0], s.fragments[-1][1]))
        for s in spans[i:i + 64]:
            if (s.fragments[0][0], s.fragments[-1][1]) != (start, end):
                break
            if s.label == label and s.fragments == [(start, end)] and s.status != "rejected":
                return s
        else:
            if len(spans) > i + 64:  # a pile of identical extents: look at them all
                for s in spans:
                    if s.label == label and s.fragments == [(start, end)] and s.status != "rejected":
                        return s
        return None

    def _tag_range(self, target: tuple[int, int], label: str) -> Span | None:
        start, end = target
        existing = self._find_span(start, end, label)
        if existing is not None:
            self.view.clear_selection()
            self._select(existing.id)
            self.notify(f"already tagged: {self.describe(existing)}", markup=False)
            return existing
        text = self.doc.text[start:end] if self.doc else ""
        span = self._run(
            f"tag {label} {text}",
            lambda tx: tx.add(Span(label=label, fragments=[(start, end)], doc_id=self.doc.id)),
        )
        if span is not None:
            self.last_tag = ("span", label)
            self.view.clear_selection()
            self.selected_id = span.id
        return span

    def _retype(self, span: Span, label: str) -> None:
        if span.id in self.event_of_trigger:
            self.notify("this is an event trigger: press E to change the event type", severity="warning")
            return
        if span.label == label:
            self.notify(f"already {label}", markup=False)
            return
        old = span.label

        def work(tx: Any) -> Any:
            span.label = label
            return tx.update(span)

        if self._run(f"retype {old} → {label} {span.text}", work) is not None:
            self.last_tag = ("span", label)
            self.selected_id = span.id

    def action_respan(self) -> None:
        """Move the selected span to the current selection, keeping its id, attributes and arguments."""
        span = self.by_id.get(self.selected_id) if self.selected_id else None
        sel = self.view.selection
        if not isinstance(span, Span) or sel is None:
            return

        def work(tx: Any) -> Any:
            span.fragments = [sel]
            return tx.update(span)

        if self._run(f"re-span {span.label} {self.doc.text[sel[0]:sel[1]]}", work) is not None:
            self.view.clear_selection()
            self._select(span.id)

    def action_add_fragment(self) -> None:
        """Add the selection as another fragment of the selected span (a discontinuous span)."""
        span = self.by_id.get(self.selected_id) if self.selected_id else None
        sel = self.view.selection
        if not isinstance(span, Span) or sel is None:
            return

        def work(tx: Any) -> Any:
            span.fragments = [*span.fragments, sel]
            return tx.update(span)

        if self._run(f"add fragment to {span.label} {span.text}", work) is not None:
            self.view.clear_selection()
            self._select(span.id)

    def action_repeat_tag(self) -> None:
        """Apply the last tagging action to the next search hit."""
        if self.last_tag is None or not self.hits:
            return
        hit = self._next_hit(1)
        if hit is None:
            return
        kind, name = self.last_tag
        self.selected_id = None
        self.view.select(*hit)
        if kind == "span":
            self._tag_range(hit, name)
        else:
            self._create_event(hit, name, fill_roles=False)

    # -- events -----------------------------------------------------------------

    def action_event(self) -> None:
        """Make the selection (or word) a trigger, pick the event type, then fill its roles."""
        if self.doc is None or self.schema is None:
            return
        selected = self.by_id.get(self.selected_id) if self.selected_id else None
        view = self.view
        if view.selection is None:
            event = selected if isinstance(selected, Event) else (
                self.event_of_trigger.get(selected.id) if isinstance(selected, Span) else None
            )
            if event is not None:
                self._pick_event_type(f"Change the type of {self.describe(event)}",
                                      lambda t: self._retype_event(event, t))
                return
        target = view.target_range()
        if target is None:
            self.notify("select the trigger (or move onto its word) first", severity="warning")
            return
        self._pick_event_type(
            f"Event on “{safe(self.doc.text[target[0]:target[1]], limit=40)}”",
            lambda t: self._create_event(target, t, fill_roles=True),
        )

    def _pick_event_type(self, title: str, then: Callable[[str], None]) -> None:
        from tui.app.dialogs.picker import PickerDialog, PickerItem

        assert self.schema is not None
        items = [
            PickerItem(t.name, t.name, t.hotkey, detail=f"{t.label} · {t.group or ''}", color=t.color)
            for t in self.schema.event_types
        ]

        def chosen(name: str | None) -> None:
            if name:
                then(name)

        self.app.push_screen(PickerDialog(title, items), chosen)

    def _create_event(self, target: tuple[int, int], type_name: str, *, fill_roles: bool) -> None:
        assert self.doc is not None and self.schema is not None
        start, end = target

        def work(tx: Any) -> Event:
            trigger = tx.add(Span(label=type_name, fragments=[(start, end)], doc_id=self.doc.id))
            return tx.add(Event(type=type_name, trigger=trigger.id, doc_id=self.doc.id))

        event = self._run(f"event {type_name} {self.doc.text[start:end]}", work)
        if event is None:
            return
        self.last_tag = ("event", type_name)
        self.view.clear_selection()
        self.selected_id = event.id
        et = self.schema.event_type(type_name)
        if fill_roles and et is not None and et.roles:
            self._start_pick(Pick("role", event.id, type_name, list(et.roles)))

    def _retype_event(self, event: Event, type_name: str) -> None:
        if type_name == event.type:
            return

        def work(tx: Any) -> Any:
            trigger = self.store.get(event.trigger)
            trigger.label = type_name
            tx.update(trigger)
            event.type = type_name
            return tx.update(event)

        self._run(f"retype event {event.type} → {type_name}", work)

    # -- picking targets: event roles, relation targets, coreference ------------------

    def _anchor(self, pick: Pick) -> Span | None:
        source = self.by_id.get(pick.source_id)
        return self._display_span(source)

    def _candidates(self, pick: Pick) -> list[str]:
        """Mentions for the current role: in the anchor's sentence, compatible types first."""
        assert self.doc is not None
        anchor = self._anchor(pick)
        if anchor is None:
            return []
        text = self.doc.text
        s0, _ = layout.sentence_bounds(text, anchor.start)
        _, s1 = layout.sentence_bounds(text, max(anchor.end - 1, anchor.start))
        exclude = {anchor.id, pick.source_id}
        source = self.by_id.get(pick.source_id)
        if pick.purpose == "role" and isinstance(source, Event):
            exclude |= {a.target for a in source.arguments if a.role == pick.role.name}
        if pick.purpose == "coref":
            for eq in self.anns.equivalences:
                if pick.source_id in eq.members:
                    exclude |= set(eq.members)
        types = pick.role.types
        pool = [
            s for s in self._visible_spans()
            if s.id not in exclude and s.id not in self.event_of_trigger
        ]
        near = [s for s in pool if s.start < s1 and s.end > s0]
        compatible = [s for s in near if not types or s.label in types]
        others = [s for s in near if types and s.label not in types]
        ordered = compatible + others
        if not ordered:
            far = [s for s in pool if not types or s.label in types]
            far.sort(key=lambda s: abs(s.start - anchor.start))
            ordered = far[:MAX_FAR_CANDIDATES]
        return [s.id for s in ordered]

    def _start_pick(self, pick: Pick) -> None:
        self.pick = pick
        self._prepare_role()

    def _prepare_role(self) -> None:
        """Compute the candidates of the current role and select the first."""
        pick = self.pick
        assert pick is not None
        pick.candidates = self._candidates(pick)
        pick.cand_index = 0
        if pick.candidates:
            self._select(pick.candidates[0])
        else:
            self.selected_id = None
        self._show_pick()
        self.refresh_bindings()

    def _show_pick(self) -> None:
        pick = self.pick
        if pick is None or self.schema is None:
            return
        role = pick.role
        current = self.by_id.get(self.selected_id) if self.selected_id else None
        if pick.purpose == "role":
            title = f"{pick.type_name} event · role {pick.role_index + 1}/{len(pick.roles)}"
            keys = ("tab/shift+tab candidate · enter fill · select + 1-9/t new mention · "
                    "s skip · esc done")
        elif pick.purpose == "relation":
            title = f"{pick.type_name} relation from {self.describe(self.by_id.get(pick.source_id))}"
            keys = "tab/shift+tab candidate · enter choose · select + 1-9/t new mention · esc cancel"
        else:
            title = f"Coreference with {self.describe(self.by_id.get(pick.source_id))}"
            keys = "tab/shift+tab candidate · enter choose · select + 1-9/t new mention · esc cancel"
        detail = "|".join(role.types) or "any type"
        if pick.purpose == "role":
            detail += f", {_cardinality(role.cardinality)}"
        position = (0, 0)
        if isinstance(current, Span) and current.id in pick.candidates:
            position = (pick.candidates.index(current.id), len(pick.candidates))
        self.prompt.open(
            title=title,
            role=role.name,
            detail=detail,
            candidate_text=current.text if isinstance(current, Span) else None,
            candidate_label=current.label if isinstance(current, Span) else None,
            position=position,
            keys=keys,
        )
        self._update_status()

    def action_pick_cycle(self, delta: int) -> None:
        """Select the next (or previous) candidate mention."""
        pick = self.pick
        if pick is None:
            return
        if not pick.candidates:
            self.app.bell()
            return
        current = self.selected_id
        if current in pick.candidates:
            pick.cand_index = (pick.candidates.index(current) + delta) % len(pick.candidates)
        else:
            pick.cand_index = 0 if delta > 0 else len(pick.candidates) - 1
        self._select(pick.candidates[pick.cand_index])
        self._show_pick()

    def _pick_target(self) -> Span | None:
        pick = self.pick
        assert pick is not None
        current = self.by_id.get(self.selected_id) if self.selected_id else None
        anchor = self._anchor(pick)
        if isinstance(current, Span) and current.id not in self.event_of_trigger and (
            anchor is None or current.id != anchor.id
        ):
            return current
        under = self._span_at(self.view.cursor, prefer=pick.role.types)
        if under is not None and (anchor is None or under.id != anchor.id):
            return under
        return None

    def action_pick_fill(self) -> None:
        """Fill the role (or choose the relation/coreference target) with the selected candidate."""
        if self.pick is None:
            return
        target = self._pick_target()
        if target is None:
            self.notify("no candidate: tab to one, or select text and press a tag key",
                        severity="warning")
            return
        self._fill(target, None)

    def _pick_new_mention(self, label: str) -> None:
        """Tag the selection (or word) and fill the current role with the new mention, in one action."""
        pick = self.pick
        assert pick is not None and self.doc is not None
        target = self.view.target_range()
        if target is None:
            self.notify("select the mention (or move onto its word) first", severity="warning")
            return
        existing = self._find_span(target[0], target[1], label)
        if existing is not None:
            self._fill(existing, None)
        else:
            self._fill(None, (target, label))

    def _fill(self, target: Span | None, new: tuple[tuple[int, int], str] | None) -> None:
        """Write one pick: fill a role, add a relation, or join a coreference set (one action)."""
        pick = self.pick
        assert pick is not None and self.doc is not None and self.schema is not None
        doc_id = self.doc.id

        def target_id(tx: Any) -> str:
            if target is not None:
                return target.id
            assert new is not None
            (start, end), label = new
            return tx.add(Span(label=label, fragments=[(start, end)], doc_id=doc_id)).id

        what = target.text if target is not None else self.doc.text[new[0][0]:new[0][1]]  # type: ignore[index]
        if pick.purpose == "role":
            role = pick.role.name

            def work(tx: Any) -> Any:
                tid = target_id(tx)
                event = self.store.get(pick.source_id)
                event.arguments = [*event.arguments, Argument(role=role, target=tid)]
                tx.update(event)
                return tid

            if self._run(f"{pick.type_name} {role} = {what}", work) is not None:
                self.view.clear_selection()
                self._advance_role()
        elif pick.purpose == "relation":
            rt = self.schema.relation_type(pick.type_name)
            roles = (rt.args[0].name, rt.args[1].name) if rt else ("Arg-1", "Arg-2")

            def work(tx: Any) -> Any:
                tid = target_id(tx)
                return tx.add(Relation(type=pick.type_name, doc_id=doc_id, arguments=[
                    Argument(role=roles[0], target=pick.source_id), Argument(role=roles[1], target=tid),
                ]))

            relation = self._run(f"relation {pick.type_name} → {what}", work)
            if relation is not None:
                self._end_pick(report=False)
                self.view.clear_selection()
                self.selected_id = relation.id
        else:
            source_id = pick.source_id

            def work(tx: Any) -> Any:
                tid = target_id(tx)
                return self._merge_coref(tx, pick.type_name, source_id, tid)

            result = self._run(f"coreference {what}", work)
            if result is not None:
                self._end_pick(report=False)
                self.view.clear_selection()
                self.selected_id = source_id

    def _merge_coref(self, tx: Any, type_name: str, a: str, b: str) -> Equivalence:
        """Put ``a`` and ``b`` in one set: a new set, a grown set, or two sets merged."""
        sets = [e for e in self.store.annotations(self.doc.id).equivalences
                if e.type == type_name and (a in e.members or b in e.members)]
        if not sets:
            return tx.add(Equivalence(type=type_name, members=[a, b], doc_id=self.doc.id))
        first = sets[0]
        members = list(first.members)
        for eq in sets[1:]:
            members += [m for m in eq.members if m not in members]
        members += [m for m in (a, b) if m not in members]
        if len(sets) == 1 and members == first.members:
            raise ValueError("already in the same coreference set")
        for eq in sets[1:]:
            tx.delete(eq.id)
        first.members = members
        return tx.update(first)

    def action_pick_skip(self) -> None:
        """Skip the current role."""
        if self.pick is not None and self.pick.purpose == "role":
            self._advance_role()

    def _advance_role(self) -> None:
        pick = self.pick
        assert pick is not None
        if pick.role_index + 1 >= len(pick.roles):
            self._end_pick(report=True)
            return
        pick.role_index += 1
        self._prepare_role()

    def action_pick_done(self) -> None:
        """Stop picking: the event stays (missing mandatory roles are flagged); a relation or
        coreference not yet chosen is cancelled."""
        self._end_pick(report=True)

    def _end_pick(self, *, report: bool) -> None:
        pick = self.pick
        if pick is None:
            return
        self.pick = None
        if self.is_mounted:
            self.prompt.close()
        if pick.purpose == "role" and report and self.schema is not None:
            event = self.by_id.get(pick.source_id)
            if isinstance(event, Event):
                self.selected_id = event.id
                missing = [
                    p.message for p in self.problems
                    if p.annotation_id == event.id and p.kind == "missing-role"
                ]
                if missing:
                    self.notify("; ".join(missing), title="Missing mandatory roles",
                                severity="warning", markup=False)
        elif report:
            self.notify(f"{pick.purpose} cancelled", markup=False)
        if self.is_mounted:
            self._update_status()
            self.refresh_bindings()

    # -- relations and coreference ------------------------------------------------------

    def action_relation(self) -> None:
        """Start a relation from the selected mention: pick the type, then the target."""
        from tui.app.dialogs.picker import PickerDialog, PickerItem

        source = self.by_id.get(self.selected_id) if self.selected_id else None
        if not isinstance(source, Span) or self.schema is None:
            return
        fits = [rt for rt in self.schema.relation_types
                if not rt.args[0].types or source.label in rt.args[0].types]
        rest = [rt for rt in self.schema.relation_types if rt not in fits]
        items = [
            PickerItem(rt.name, rt.name, rt.hotkey,
                       detail=f"{'|'.join(rt.args[0].types) or 'any'} → {'|'.join(rt.args[1].types) or 'any'}",
                       color=rt.color)
            for rt in fits + rest
        ]

        def chosen(name: str | None) -> None:
            if not name or self.schema is None:
                return
            rt = self.schema.relation_type(name)
            role = rt.args[1] if rt is not None else Role("Arg-2")
            self._start_pick(Pick("relation", source.id, name, [role]))

        self.app.push_screen(PickerDialog(f"Relation from {self.describe(source)}", items), chosen)

    def action_coreference(self) -> None:
        """Pick another mention to share a coreference set with the selected one."""
        source = self.by_id.get(self.selected_id) if self.selected_id else None
        if not isinstance(source, Span) or self.schema is None:
            return
        type_name = self.schema.equivalence_types[0] if self.schema.equivalence_types else "Coref"
        self._start_pick(Pick("coref", source.id, type_name, [Role(type_name, (source.label,), "*")]))

    # -- attributes, notes, normalisations --------------------------------------------------

    def _attribute_target(self) -> Any:
        ann = self.by_id.get(self.selected_id) if self.selected_id else None
        if isinstance(ann, Span) and ann.id in self.event_of_trigger:
            return self.event_of_trigger[ann.id]  # ACE attributes sit on the event
        return ann

    def applicable_attributes(self, ann: Any) -> list[AttributeDef]:
        """The schema's attributes that may sit on ``ann``, in schema order."""
        if self.schema is None or ann is None:
            return []
        kind = kind_of(ann)[:-1]
        tokens = {kind}
        type_name = getattr(ann, "label", None) or getattr(ann, "type", None)
        if type_name:
            tokens.add(type_name)
        if isinstance(ann, Span):
            if ann.id in self.event_of_trigger:
                tokens.add("trigger")
            else:
                st = self.schema.span_type(ann.label)
                if st is not None:
                    tokens.add(st.kind)
        return [d for d in self.schema.attributes if set(d.targets) & tokens]

    def action_attributes(self) -> None:
        """Edit the attributes of the selected annotation."""
        from tui.app.dialogs.attributes import AttributesDialog

        ann = self._attribute_target()
        if ann is None:
            return
        defs = self.applicable_attributes(ann)
        if not defs:
            self.notify(f"no attributes apply to {self.describe(ann)}", markup=False)
            return
        existing = {a.name: a for a in self.anns.attributes if a.target == ann.id}
        values: AttributeValues = {}
        for d in defs:
            if d.name in existing:
                values[d.name] = existing[d.name].value if d.values else True
        title = Text(f"Attributes of {self.describe(ann)}")

        def chosen(result: AttributeValues | None) -> None:
            if result is None:
                return
            self._save_attributes(ann, defs, existing, result)

        self.app.push_screen(AttributesDialog(title, defs, values), chosen)

    def _save_attributes(self, ann: Any, defs: list[AttributeDef], existing: dict[str, Attribute],
                         result: AttributeValues) -> None:
        changes = []
        for d in defs:
            new = result.get(d.name)
            old = existing.get(d.name)
            if not d.values:
                if new and old is None:
                    changes.append(("add", Attribute(target=ann.id, name=d.name, value=None,
                                                     doc_id=ann.doc_id)))
                elif not new and old is not None:
                    changes.append(("delete", old))
            elif new is None and old is not None:
                changes.append(("delete", old))
            elif new is not None and old is None:
                changes.append(("add", Attribute(target=ann.id, name=d.name, value=str(new),
                                                 doc_id=ann.doc_id)))
            elif new is not None and old is not None and old.value != new:
                old.value = str(new)
                changes.append(("update", old))
        if not changes:
            self.message = "attributes unchanged"
            self._update_status()
            return
        summary = ", ".join(
            f"{a.name}" + ("" if op == "delete" or a.value is None else f"={a.value}")
            + (" removed" if op == "delete" else "")
            for op, a in changes
        )

        def work(tx: Any) -> Any:
            for op, a in changes:
                if op == "add":
                    tx.add(a)
                elif op == "update":
                    tx.update(a)
                else:
                    tx.delete(a.id)
            return True

        self._run(f"attributes {summary}", work)

    def action_note(self) -> None:
        """Write or edit the note on the selected annotation."""
        from tui.app.dialogs.note import NoteDialog

        ann = self.by_id.get(self.selected_id) if self.selected_id else None
        if ann is None:
            return
        current = next((n for n in self.anns.notes if n.target == ann.id), None)

        def chosen(text: str | None) -> None:
            if text is None:
                return
            if current is None and not text:
                return
            if current is not None and text == current.text:
                return

            def work(tx: Any) -> Any:
                if current is None:
                    return tx.add(Note(target=ann.id, text=text, doc_id=ann.doc_id))
                if not text:
                    return tx.delete(current.id)
                current.text = text
                return tx.update(current)

            what = "remove note" if not text else f"note {text}"
            self._run(what, work)

        self.app.push_screen(
            NoteDialog(Text(f"Note on {self.describe(ann)}"), current.text if current else ""), chosen
        )

    def action_normalization(self) -> None:
        """Link the selected annotation to a knowledge-base entry."""
        from tui.app.dialogs.normalization import NormalizationDialog

        ann = self.by_id.get(self.selected_id) if self.selected_id else None
        if ann is None:
            return
        current = next((n for n in self.anns.normalizations if n.target == ann.id), None)

        def chosen(result: NormalizationInput | None) -> None:
            if result is None:
                return
            if result.remove:
                if current is not None:
                    self._run("remove normalisation", lambda tx: tx.delete(current.id))
                return

            def work(tx: Any) -> Any:
                if current is None:
                    return tx.add(Normalization(target=ann.id, resource=result.resource,
                                                key=result.key, label=result.label,
                                                doc_id=ann.doc_id))
                current.resource, current.key, current.label = result.resource, result.key, result.label
                return tx.update(current)

            self._run(f"normalise {result.resource}:{result.key}", work)

        dialog = NormalizationDialog(
            Text(f"Normalise {self.describe(ann)}"),
            current.resource if current else "", current.key if current else "",
            current.label if current else "",
        )
        self.app.push_screen(dialog, chosen)

    # -- navigating annotations ----------------------------------------------------------

    def _ordered_spans(self) -> list[Span]:
        return sorted(self._visible_spans(), key=lambda s: (s.start, s.end, s.id))

    def action_next_annotation(self) -> None:
        """Select the next annotation in the text."""
        spans = self._ordered_spans()
        if not spans:
            return
        current = self._display_span(self.by_id.get(self.selected_id)) if self.selected_id else None
        if current is not None:
            key = (current.start, current.end, current.id)
            nxt = next((s for s in spans if (s.start, s.end, s.id) > key), spans[0])
        else:
            cursor = self.view.cursor
            nxt = next((s for s in spans if s.start >= cursor), spans[0])
        self._select(nxt.id)
        if self.pick is not None:
            self._show_pick()

    def action_previous_annotation(self) -> None:
        """Select the previous annotation in the text."""
        spans = self._ordered_spans()
        if not spans:
            return
        current = self._display_span(self.by_id.get(self.selected_id)) if self.selected_id else None
        if current is not None:
            key = (current.start, current.end, current.id)
            prev = next((s for s in reversed(spans) if (s.start, s.end, s.id) < key), spans[-1])
        else:
            cursor = self.view.cursor
            prev = next((s for s in reversed(spans) if s.start < cursor), spans[-1])
        self._select(prev.id)
        if self.pick is not None:
            self._show_pick()

    # -- deleting ---------------------------------------------------------------------

    def consequences(self, ann_id: str) -> list[Text]:
        """What deleting ``ann_id`` does to the annotations that use it, one line each."""
        lines: list[Text] = []
        seen = {ann_id}

        def walk(target_id: str, deps: list[Any]) -> None:
            for dep in deps:
                if dep.id in seen:
                    continue
                seen.add(dep.id)
                desc = self.describe(dep)
                if isinstance(dep, Event) and dep.trigger == target_id:
                    lines.append(Text(f"{desc} will be deleted (this is its trigger)"))
                    walk(dep.id, self._direct_dependents(dep.id))
                elif isinstance(dep, Event):
                    roles = ", ".join(safe(a.role, limit=30) for a in dep.arguments if a.target == target_id)
                    lines.append(Text(f"{desc} loses its {roles} argument"))
                elif isinstance(dep, Relation):
                    lines.append(Text(f"{desc} will be deleted"))
                    walk(dep.id, self._direct_dependents(dep.id))
                elif isinstance(dep, Equivalence):
                    if len(dep.members) > 2:
                        lines.append(Text(f"it leaves the {desc}"))
                    else:
                        lines.append(Text(f"the {desc} will be deleted"))
                else:
                    lines.append(Text(f"{desc} will be deleted"))

        walk(ann_id, self.store.dependents(ann_id))
        return lines

    def _direct_dependents(self, ann_id: str) -> list[Any]:
        from tui.core.store import references

        return [a for a in self.anns.all()
                if a.id != ann_id and ann_id in references(kind_of(a), a)]

    def action_delete(self) -> None:
        """Delete the selected annotation; when others use it, say what happens and ask first."""
        from tui.app.dialogs.confirm_delete import ConfirmDeleteDialog

        ann = self.by_id.get(self.selected_id) if self.selected_id else None
        if ann is None:
            return
        if isinstance(ann, Event):
            ann = self.by_id.get(ann.trigger, ann)  # an event goes with its trigger
        description = f"delete {self.describe(ann)}"
        target_id = ann.id

        def delete() -> None:
            if self._run(description, lambda tx: tx.delete(target_id)) is not None:
                self.selected_id = None

        consequences = self.consequences(target_id)
        if not consequences:
            delete()
            return

        def confirmed(ok: bool | None) -> None:
            if ok:
                delete()

        self.app.push_screen(
            ConfirmDeleteDialog(Text(f"Delete {self.describe(ann)}?"), consequences), confirmed
        )

    # -- undo / redo -----------------------------------------------------------------

    def action_undo(self) -> None:
        """Undo your last action on this document."""
        self._undo_redo(undo=True)

    def action_redo(self) -> None:
        """Redo your last undone action on this document."""
        self._undo_redo(undo=False)

    def _undo_redo(self, *, undo: bool) -> None:
        if self.doc is None:
            return
        self._end_pick(report=False)
        try:
            op = self.store.undo(self.doc.id) if undo else self.store.redo(self.doc.id)
        except TuiError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        word = "Undone" if undo else "Redone"
        if op is None:
            self.notify(f"nothing to {'undo' if undo else 'redo'}", markup=False)
            return
        message = f"{word}: {safe(op.action, limit=80)}"
        self._reload(message, changes=self.store.last_changes)
        self.notify(message, markup=False)
        self.post_message(AnnotationsChanged(self.doc.id, message))

    # -- search ------------------------------------------------------------------------

    def action_search(self) -> None:
        """Open the search prompt."""
        from tui.app.dialogs.search import SearchDialog, find_hits

        if self.doc is None:
            return

        def chosen(query: SearchQuery | None) -> None:
            self.view.focus()
            if query is None:
                return
            self.search_query = query
            self.hits = find_hits(self.doc.text, query) if self.doc else []
            self.view.set_search_hits(self.hits)
            if not self.hits:
                self.notify(f"not found: {safe(query.pattern, limit=40)}", severity="warning", markup=False)
                self.refresh_bindings()
                return
            cursor = self.view.cursor
            hit = next((h for h in self.hits if h[0] >= cursor), self.hits[0])
            self._show_hit(hit)

        self.app.push_screen(SearchDialog(self.doc.text, self.search_query), chosen)

    def _next_hit(self, direction: int) -> tuple[int, int] | None:
        if not self.hits:
            return None
        view = self.view
        sel = view.selection
        ref = sel[0] if sel is not None else view.cursor
        if direction > 0:
            if sel is None:
                return next((h for h in self.hits if h[0] >= ref), self.hits[0])
            return next((h for h in self.hits if h[0] > ref), self.hits[0])
        return next((h for h in reversed(self.hits) if h[0] < ref), self.hits[-1])

    def _show_hit(self, hit: tuple[int, int]) -> None:
        self.selected_id = None
        self.view.select(*hit)
        index = self.hits.index(hit) + 1 if hit in self.hits else 0
        self.message = f"hit {index}/{len(self.hits)}"
        self._update_status()
        self.refresh_bindings()

    def action_search_next(self) -> None:
        """Select the next search hit."""
        hit = self._next_hit(1)
        if hit is not None:
            self._show_hit(hit)

    def action_search_previous(self) -> None:
        """Select the previous search hit."""
        hit = self._next_hit(-1)
        if hit is not None:
            self._show_hit(hit)

    # -- screens and panels --------------------------------------------------------------

    def action_library(self) -> None:
        """Open the library; the chosen document opens here."""
        from tui.app.screens.library import LibraryScreen

        def chosen(name: str | None) -> None:
            if name:
                self.open_document(name)

        self.app.push_screen(LibraryScreen(self.doc.name if self.doc else None), chosen)

    def help_bindings(self) -> list[Any]:
        """The live bindings for the help screen, tag keys described with their type names."""
        types = self._span_types()
        out = []
        for active in self.active_bindings.values():
            b = active.binding
            if b.id and b.id.startswith("tag-") and b.id[4:].isdigit():
                n = int(b.id[4:])
                if n <= len(types):
                    b = replace(b, description=f"Tag {types[n - 1].name}")
                    active = active._replace(binding=b)
            out.append(active)
        return out

    def action_help(self) -> None:
        """Show every key of this screen and a short how-to."""
        from tui.app.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.help_bindings(), HELP + EXTRA_HELP))

    def action_toggle_panel(self, panel_id: str) -> None:
        """Show or hide one of the side panels."""
        panel = self.query_one(f"#{panel_id}")
        panel.display = not panel.display
        side = self.query_one("#side-panels")
        side.display = any(child.display for child in side.children)
        self._push_inspector()  # not drawn while hidden

    def action_toggle_labels(self) -> None:
        """Show or hide inline short type labels."""
        view = self.view
        view.show_labels = not view.show_labels

    def action_quit(self) -> None:
        """Quit: everything is already committed."""
        self.app.exit()
