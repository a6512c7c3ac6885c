"""What the reader shows of the session: highlights, panels, inspector and the selected annotation.

Attributes down, messages up: the panels and the article view are given
what to draw here and never call the store.
"""

from __future__ import annotations

import gc
from functools import partial
from typing import Any

from tui.app import lifetime
from tui.app.widgets import _text
from tui.app.widgets._text import DEFER_SECONDS, is_large
from tui.app.widgets.article_view import Highlight
from tui.app.widgets.entity_panel import EntityPanel
from tui.app.widgets.event_panel import EventPanel
from tui.app.widgets.inspector_panel import InspectorPanel
from tui.app.widgets.relation_panel import RelationPanel
from tui.core.editing import AnnotationIndex, AnnotationSession, Edit, contains
from tui.core.model import DocAnnotations, Relation, Span
from tui.core.schema import Schema
from tui.core.store.changes import ChangeSet

__all__ = ["DEFER_SECONDS", "DisplayMixin", "overlay_highlights"]


def overlay_highlights(anns: DocAnnotations, schema: Schema) -> list[Highlight]:
    """Highlights for a read-only overlay layer (rejected annotations are left out).

    Args:
        anns: the overlay layer.
        schema: the document's schema (colours and short labels).

    Returns:
        :class:`Highlight` objects with ``overlay=True``.
    """
    triggers = {e.trigger for e in anns.events}
    out = []
    for span in anns.spans:
        if span.status == "rejected":
            continue
        kind = "event" if span.id in triggers else "span"
        out.append(Highlight(
            id=span.id,
            fragments=tuple(tuple(f) for f in span.fragments),
            label=schema.short_label(span.label, kind),
            color=schema.color(span.label, kind),
            pending=span.status == "pending",
            overlay=True,
            kind="trigger" if span.id in triggers else "span",
        ))
    return out


def freeze_heap() -> None:
    """Move every object alive now out of the collector's generations (see :meth:`DisplayMixin._validate_later`)."""
    gc.freeze()


class DisplayMixin:
    """The reader's drawing of its session: highlights, panels, inspector, selection."""

    # -- the session ----------------------------------------------------------------

    def _open_session(self, *, defer_validation: bool = False) -> None:
        """Read the shown layer (and overlay) of the open document into a new session."""
        assert self.doc is not None and self.schema is not None
        # Opening a long document: the article first, the schema check (~0.4 s at
        # 50k annotations) once it is on screen. A pause after the first refresh:
        # when the app starts, that frame is held back (Textual's start-up batch)
        # until after the refresh callbacks ran, so a callback alone would come first.
        session = AnnotationSession(self.store, self.doc.id, self.layer_name(), self.schema,
                                    document=self.doc, overlay=self.overlay_layer, validate=False,
                                    edits_other_layers=self.EDITS_OTHER_LAYERS)
        later = defer_validation and is_large(session.anns, _text.DEFER_CHECK_OVER)
        if not later:
            session.index.validate_all()
        self.session = session
        if later:
            lifetime.after_refresh(self, lifetime.timer, self, DEFER_SECONDS,
                                   partial(self._validate_later, session.index))
        if self.selected_id is not None and self.selected_id not in self.by_id:
            self.selected_id = None

    def _validate_later(self, index: AnnotationIndex) -> None:
        if index is not self.live or index.validated:
            return  # reloaded meanwhile
        index.validate_all()
        self._push_panels()
        # The check and the panels' rebuild (a pause after this) make the rest of a long
        # document's long-lived objects (~100k: problems, rows, labels). Left in the
        # collector's generations, each full collection scans them: 30-40 ms, in the
        # middle of whichever key it falls on. Frozen like the text and its indexes.
        lifetime.timer(self, DEFER_SECONDS * 2, freeze_heap)

    def _visible_spans(self) -> list[Span]:
        return self.live.visible_spans() if self.live is not None else []

    # -- highlights --------------------------------------------------------------------

    def _style_of(self, label: str, kind: str) -> tuple[str, str]:
        assert self.schema is not None
        if self._styles_schema is not self.schema:
            self._styles = {}
            self._styles_schema = self.schema
        style = self._styles.get((label, kind))
        if style is None:
            # Schema lookups are not free; 50k spans share a few dozen labels.
            style = self._styles[(label, kind)] = (
                self.schema.short_label(label, kind), self.schema.color(label, kind))
        return style

    def _highlight(self, span: Span) -> Highlight:
        """How one span of the shown layer is drawn."""
        trigger = span.id in self.event_of_trigger
        label, color = self._style_of(span.label, "event" if trigger else "span")
        return Highlight(
            id=span.id,
            fragments=tuple(map(tuple, span.fragments)),
            label=label,
            color=color,
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
        style_of = self._style_of
        triggers = self.event_of_trigger
        out: list[Highlight] = []
        append = out.append
        for span in self.anns.spans:
            status = span.status
            if status == "rejected":
                continue
            trigger = span.id in triggers
            label, color = style_of(span.label, "event" if trigger else "span")
            frags = span.fragments
            append(Highlight(
                span.id, (tuple(frags[0]),) if len(frags) == 1 else tuple(map(tuple, frags)), label, color,
                status == "pending", False, "trigger" if trigger else "span",
            ))
        return out + overlay_highlights(self.overlay_anns, self.schema)

    def _draw_changes(self, edit: Edit[Any] | None) -> None:
        """Bring the article's highlights up to date: the spans an edit touched, or all of them."""
        if edit is None or edit.spans is None:
            self.view.set_highlights(self._highlights())
            return
        upsert, remove = [], []
        for span_id in edit.spans:
            span = self.by_id.get(span_id)
            if isinstance(span, Span) and span.status != "rejected":
                upsert.append(self._highlight(span))
            else:
                remove.append(span_id)
        if upsert or remove:
            self.view.update_highlights(upsert, remove)

    # -- panels ------------------------------------------------------------------------

    def _push_panels(self) -> None:
        if self.doc is None or self.schema is None:
            return
        self.query_one("#entity-panel", EntityPanel).show(self.doc, self.anns, self.schema)
        # Listing every problem takes ~0.5 ms at 50k annotations: the panel asks when it rebuilds.
        self.query_one("#event-panel", EventPanel).show(self.doc, self.anns, self.schema, lambda: self.problems)
        self.query_one("#relation-panel", RelationPanel).show(self.doc, self.anns, self.schema)
        self._push_inspector()

    def _apply_to_panels(self, changes: ChangeSet) -> None:
        """Show one action's changes in the panels: the rows it touched, nothing else."""
        if self.doc is None or self.live is None:
            return
        diff = changes.annotations(self.doc.id, self.layer_name())
        self.query_one("#entity-panel", EntityPanel).apply_changes(diff, self.live)
        self.query_one("#event-panel", EventPanel).apply_changes(diff, self.live)
        self.query_one("#relation-panel", RelationPanel).apply_changes(diff, self.live)
        self._push_inspector()

    def _inspector_visible(self) -> bool:
        panel = self.query_one("#inspector-panel", InspectorPanel)
        return bool(panel.display and self.query_one("#side-panels").display)

    def _push_inspector(self) -> None:
        if self.doc is None or self.schema is None:
            return
        if self._status_hold:
            # Inside a key's handler: shown once, as the key leaves (StatusMixin._one_status).
            # A tag asks twice (the edit, then the new selection), each a new text to lay out.
            self._inspector_dirty = True
            return
        # At once, on any length: with the live index the inspector looks up what
        # refers to the annotation, and re-lays out the screen only when its height changes.
        self._push_inspector_now()

    def _push_inspector_now(self) -> None:
        self._inspector_dirty = False
        if self.doc is None or self.schema is None or self.live is None or not self.is_attached:
            return
        if not self._inspector_visible():
            self._inspector_key = None  # shown again: redraw then
            return
        ann = self.by_id.get(self.selected_id) if self.selected_id else None
        key = (self.doc.id, self.selected_id, id(ann), self.live.generation, id(self.live))
        if key == self._inspector_key:
            return  # one action reaches here several times; the history query is not free
        self._inspector_key = key
        history = self.store.history(ann.id) if ann is not None else []
        ids = []
        if ann is not None:
            ids.append(ann.id)
            if ann.id in self.event_of_trigger:
                ids.append(self.event_of_trigger[ann.id].id)
        self.query_one("#inspector-panel", InspectorPanel).show(
            ann, self.anns, self.schema, history, self.live.problems_of(ids), by_id=self.by_id,
            index=self.live,
        )

    # -- the selected annotation ---------------------------------------------------------

    def _display_span(self, ann: Any) -> Span | None:
        """The span that shows an annotation in the text (an event's trigger, a relation's first argument...)."""
        return self.live.display_span(ann) if self.live is not None else None

    def watch_selected_id(self, _old: str | None, _new: str | None) -> None:
        self._release_hold()
        if self.is_mounted:
            self._sync_selection()

    def _sync_selection(self) -> None:
        """Draw the selected annotation emphasised and show it in the inspector."""
        span = self._display_span(self.by_id.get(self.selected_id)) if self.selected_id else None
        view = self.view
        new = span.id if span is not None else None
        if view.selected_id != new:
            view.selected_id = new
        if isinstance(self.by_id.get(self.selected_id), Relation):
            self.query_one("#relation-panel", RelationPanel).highlight(self.selected_id)
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

    @staticmethod
    def _contains(span: Span, offset: int) -> bool:
        return contains(span, offset)

    def _span_at(self, offset: int, prefer: tuple[str, ...] = ()) -> Span | None:
        """The entity span under ``offset`` (not a trigger), preferring the given types, then the shortest."""
        return self.live.span_at(offset, prefer) if self.live is not None else None
