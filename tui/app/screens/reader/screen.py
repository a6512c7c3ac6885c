"""The reader: the article, the panels beside it, and every annotation key.

The screen holds the open document and an
:class:`~tui.core.editing.AnnotationSession` (the shown layer, indexed, and
every editing verb). A key that changes something reads the cursor and the
selection, calls one verb (one committed store action) and shows the edit
it returns: the highlights it touched, the panels, one status line
(:mod:`.writing`). The keys are split by subject into mixins: tagging and
events (:mod:`.tagging`), the role prompt (:mod:`.picking`), dialogs on the
selected annotation (:mod:`.dialogs`), search (:mod:`.search`), layers and
teamwork (:mod:`.layers`), drawing (:mod:`.display`); the key list and the
help text are in :mod:`.bindings`. Motions live on the :class:`ArticleView`.
"""

from __future__ import annotations

import gc
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen

from tui.app import lifetime
from tui.app.compositor import BandedCompositor, banded_supported
from tui.app.dialogs.role_prompt import RolePrompt
from tui.app.messages import AnnotationsChanged, OpenDocument
from tui.app.screens.reader.availability import AvailabilityMixin
from tui.app.screens.reader.bindings import FOOTER_PRIORITY, HELP, READER_BINDINGS, TEAM_HELP
from tui.app.screens.reader.describe import describe
from tui.app.screens.reader.dialogs import DialogActionsMixin
from tui.app.screens.reader.display import DisplayMixin
from tui.app.screens.reader.documents import DocumentsMixin
from tui.app.screens.reader.layers import LayersMixin
from tui.app.screens.reader.layout import LayoutMixin
from tui.app.screens.reader.picking import PickingMixin
from tui.app.screens.reader.search import SearchMixin
from tui.app.screens.reader.selecting import SelectingMixin
from tui.app.screens.reader.status import StatusMixin
from tui.app.screens.reader.suggesting import SuggestingMixin
from tui.app.screens.reader.tagging import TaggingMixin
from tui.app.screens.reader.writing import POLL_SECONDS, Verb, WritingMixin
from tui.app.widgets._text import is_large
from tui.app.widgets.article_header import ArticleHeader
from tui.app.widgets.article_view import ArticleView
from tui.app.widgets.entity_panel import EntityPanel
from tui.app.widgets.event_panel import EventPanel
from tui.app.widgets.footer import QuickFooter
from tui.app.widgets.inspector_panel import InspectorPanel
from tui.app.widgets.relation_panel import RelationPanel
from tui.app.widgets.status_line import StatusLine
from tui.core.editing import AnnotationIndex, AnnotationSession, Pick
from tui.core.errors import TuiError
from tui.core.model import DocAnnotations, Document, Event, Span
from tui.core.schema import Problem, Schema
from tui.core.store import gc_paused

if TYPE_CHECKING:
    from tui.app.dialogs.search import SearchQuery

__all__ = ["HELP", "Pick", "ReaderScreen"]


class ReaderScreen(TaggingMixin, PickingMixin, DialogActionsMixin, SearchMixin, LayersMixin, SuggestingMixin,
                   SelectingMixin, LayoutMixin, DisplayMixin, DocumentsMixin, WritingMixin, StatusMixin,
                   AvailabilityMixin, Screen[None]):
    """Read an article and annotate it from the keyboard."""

    HELP = HELP
    BINDINGS = READER_BINDINGS
    FOOTER_PRIORITY = FOOTER_PRIORITY
    EDITS_OTHER_LAYERS = False
    """Whether another annotator's shown layer may be edited here (the review screen's fixes); else read-only."""

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
        self.session: AnnotationSession | None = None
        """The open document's shown layer and its editing verbs."""
        self.search_query: SearchQuery | None = None
        self.hits: list[tuple[int, int]] = []
        self.last_tag: tuple[str, str] | None = None
        """The last tagging action, ``("span", label)`` or ``("event", type)``, for ``.``."""
        self.pick: Pick | None = None
        self.message = ""
        self.shown_layer: str | None = None
        """Whose layer is shown and edited (None: the current annotator's)."""
        self.overlay_layer: str | None = None
        """Another annotator's layer drawn read-only over it, or None."""
        self._binding_state: tuple[Any, ...] = ()
        self._bindings_pending = False
        self._status_hold = 0
        self._status_dirty = False
        self._status_key: tuple[Any, ...] | None = None
        """What the status line shows now (it is not drawn again for the same)."""
        self._stale = False
        """Another screen changed annotations while this one was covered: re-read when shown."""
        self._waiting_writes: list[tuple[str, str, Verb]] = []
        """Actions waiting for another process's write lock: (document id, description, verb), in key order."""
        self._wait_since = 0.0
        self._styles: dict[tuple[str, str], tuple[str, str]] = {}
        self._styles_schema: Schema | None = None
        self._inspector_key: tuple[Any, ...] | None = None
        self._inspector_dirty = False
        """Asked for inside a key's handler: the inspector is shown as the key leaves."""
        self._data_version: int | None = None
        self._last_key = time.monotonic()
        self._last_write = 0.0
        self._last_checkpoint = time.monotonic()

    # -- the session's state, for the mixins and the tests ---------------------------------

    @property
    def live(self) -> AnnotationIndex | None:
        """The shown layer's index (kept in step with every edit), or None before a document opens."""
        return self.session.index if self.session is not None else None

    @property
    def anns(self) -> DocAnnotations:
        """The shown layer's annotations."""
        return self.session.anns if self.session is not None else DocAnnotations()

    @property
    def by_id(self) -> dict[str, Any]:
        """The shown layer's annotations by id."""
        return self.session.index.by_id if self.session is not None else {}

    @property
    def event_of_trigger(self) -> dict[str, Event]:
        """The event of each trigger span of the shown layer."""
        return self.session.index.event_of_trigger if self.session is not None else {}

    @property
    def overlay_anns(self) -> DocAnnotations:
        """The overlay layer (empty without one)."""
        return self.session.overlay_anns if self.session is not None else DocAnnotations()

    @property
    def problems(self) -> list[Problem]:
        """Every schema problem of the shown layer (listed on demand)."""
        return self.session.index.problems if self.session is not None else []

    @property
    def store(self) -> Any:
        """The project store."""
        return self._store if self._store is not None else self.app.store

    @property
    def annotator(self) -> str:
        """Who is working."""
        return str(self.store.annotator)

    def describe(self, ann: Any) -> str:
        """A one-line, sanitised description of an annotation (see :func:`describe.describe`)."""
        return describe(self.live, ann) if self.live is not None else "?"

    # -- structure ------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ArticleHeader(id="article-header")  # a web page's title, site, author, date
        with Horizontal(id="reader-body"):
            with Horizontal(id="article-column"):  # centres the article when it is capped
                yield ArticleView(id="article")
            with Vertical(id="side-panels"):
                yield EntityPanel(id="entity-panel")
                yield EventPanel(id="event-panel")
                yield RelationPanel(id="relation-panel")
                yield InspectorPanel(id="inspector-panel")
        yield RolePrompt(id="role-prompt")
        yield StatusLine(id="status-line")
        yield QuickFooter()

    _view: ArticleView | None = None

    @property
    def view(self) -> ArticleView:
        """The article view (looked up once: the footer's check of ~100 bindings reads it in each)."""
        view = self._view
        if view is None or view.parent is None:
            view = self._view = self.query_one("#article", ArticleView)
        return view

    @property
    def prompt(self) -> RolePrompt:
        """The role prompt."""
        return self.query_one("#role-prompt", RolePrompt)

    def on_mount(self) -> None:
        self._apply_layout()
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
            self._open_session(defer_validation=True)
            self.view.load(doc.text, doc.styles, self._highlights())
        self.query_one(ArticleHeader).show(doc.web_meta())
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
        message.stop()  # handled here: the app must not open it a second time
        self.open_document(message.name)

    def on_annotations_changed(self, message: AnnotationsChanged) -> None:
        """Another screen committed annotations (a copy the app handed on): show them."""
        if not message.forwarded:
            return  # this reader's own: it bubbles on to the app
        message.stop()
        if self.doc is None or (message.doc_id is not None and message.doc_id != self.doc.id):
            return
        if self.app.screen is self and message.changes is not None:
            self._reload(changes=message.changes)
        else:
            self._stale = True

    def on_screen_resume(self) -> None:
        if self._stale and self.doc is not None:
            self._stale = False
            self._reload()

    def on_key(self, event: events.Key) -> None:
        self._last_key = time.monotonic()
        # Type-ahead: mark keys that bubbled through the reader, so the app can hand
        # one to a dialog that opened while it was on its way (see TuiApp.on_key).
        event._tui_via_reader = True  # type: ignore[attr-defined]

    # -- what moved ------------------------------------------------------------------

    @on(ArticleView.CursorMoved)
    def _cursor_moved(self, _event: ArticleView.CursorMoved) -> None:
        if not lifetime.is_live(self):
            return  # a move queued as the screen was dismissed
        # The view's state is read now, not from the message: other moves may have followed it.
        view = self.view
        cursor, selection = view.cursor, view.selection
        with self._one_status():
            if self.pick is not None:
                current = self.by_id.get(self.selected_id) if self.selected_id else None
                if not (isinstance(current, Span) and self._contains(current, cursor)):
                    under = self._span_at(cursor, prefer=self.pick.role.types)
                    self.selected_id = under.id if under is not None else None
                self._show_pick()
            elif selection is None and not self._keeps_selection(cursor):
                self.selected_id = None
            # The message was cleared by the move itself (_moved_now): a key typed since
            # (queued before this message) may have set a new one, which stays.
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

    @on(RelationPanel.RelationChosen)
    def _relation_chosen(self, event: RelationPanel.RelationChosen) -> None:
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
        self._edit_roles(ev.id, ev.type, roles)

    # -- screens and panels --------------------------------------------------------------

    def action_library(self) -> None:
        """Open the library; the chosen document opens here."""
        from tui.app.screens.library import LibraryScreen

        def chosen(name: str | None) -> None:
            if name:
                self.post_message(OpenDocument(name))

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

        self.app.push_screen(HelpScreen(self.help_bindings(), HELP + TEAM_HELP))

    def action_toggle_panel(self, panel_id: str) -> None:
        """Show or hide one of the side panels."""
        panel = self.query_one(f"#{panel_id}")
        panel.display = not panel.display
        if panel.display:
            self._panels_choice = True  # asked for a panel: show it, whatever the width
        self._apply_layout()
        self._after_panels_change()

    def _after_panels_change(self) -> None:
        self._push_inspector()  # not drawn while hidden

    def _say(self, message: str) -> None:
        self.message = message
        self._update_status()

    def action_toggle_labels(self) -> None:
        """Show or hide inline short type labels."""
        view = self.view
        view.show_labels = not view.show_labels

    def action_quit(self) -> None:
        """Quit: everything is already committed."""
        self.app.exit()
