"""Reader keys for teamwork: layers and overlays, copying, review, propagation, corpus search, stats, adjudication.

The reader shows one annotator's layer (``shown_layer``, default the
current annotator) and may overlay another one read-only
(``overlay_layer``); the session reads both. ``y`` copies the overlay
annotation under the cursor into the current annotator's layer, ``Y`` the
whole overlay (one logged action each, origin ``copy:<annotator>``).

Screens that are readers themselves (review) are started by the app, from a
:class:`~tui.app.messages.StartReview` message: no screen imports another
that imports it back.
"""

from __future__ import annotations

from typing import Any

from tui.app.messages import StartReview
from tui.app.safe import safe
from tui.app.screens.reader.readonly import editing, key_of
from tui.core.editing import annotator_counts
from tui.core.errors import TuiError
from tui.core.model import DocAnnotations, Event, Span


class LayersMixin:
    """The reader's layer, copy, review, propagation, corpus search, stats and adjudication actions."""

    def layer_name(self) -> str:
        """The annotator whose layer is shown."""
        return self.shown_layer or self.annotator

    def layer_status(self) -> str:
        """Who is working, and which layers are shown, for the status line."""
        who = self.annotator
        text = who if self.layer_name() == who else f"{who} viewing {self.layer_name()}"
        if self.session is not None and self.session.read_only:
            text += " (read-only)"
        if self.overlay_layer:
            text += f" +{self.overlay_layer}"
        return text

    # -- review ----------------------------------------------------------------------

    def action_review_start(self) -> None:
        """Review the pending items of this document, one key per decision (the app starts it)."""
        if self.doc is not None:
            self.post_message(StartReview([self.doc.name]))

    # -- propagation ---------------------------------------------------------------------

    @editing
    def action_propagate(self) -> None:
        """Suggest the selected span (or event) on every other whole-word occurrence of its text.

        A trigger (or its event) is suggested as pending events of its type, with no
        arguments (brat refuses a bare span with an event type); never inside a
        longer annotated span.
        """
        from tui.core.review.suggest import propagate_span

        selected = self.by_id.get(self.selected_id) if self.selected_id else None
        if isinstance(selected, Event):
            selected = self.by_id.get(selected.trigger)
        if not isinstance(selected, Span):
            self.notify("select a span or an event first (] / [ or click)", severity="warning",
                        markup=False)
            return
        try:
            result = propagate_span(self.store, selected.id)
        except TuiError as exc:
            self.notify(f"not propagated: {exc}", severity="error", markup=False)
            return
        kind = "event(s)" if result.events else "suggestion(s)"
        message = (f"propagated {safe(selected.label, limit=30)} “{safe(selected.text, limit=40)}”: "
                   f"{result.added} pending {kind}"
                   + (f", {result.existing} already there" if result.existing else "")
                   + (f", {result.rejected} rejected before" if result.rejected else "")
                   + (f", {result.inside} inside longer annotations" if result.inside else ""))
        self._reload(message)
        self.notify(message, markup=False)

    # -- layers -----------------------------------------------------------------------------

    def action_layers(self) -> None:
        """Pick whose layer to view and which layer to overlay read-only."""
        if self.doc is None:
            return
        from tui.app.dialogs.picker import PickerDialog, PickerItem

        counts = annotator_counts(self.store, self.doc.id)
        me = self.annotator
        names = sorted(set(counts) | {me})
        shown = self.layer_name()
        items = [
            PickerItem(f"view\t{a}", f"view {safe(a, limit=40)}",
                       detail=("shown · " if a == shown else "") + f"{counts.get(a, 0)} annotation(s)")
            for a in names
        ]
        items += [
            PickerItem(f"overlay\t{a}", f"overlay {safe(a, limit=40)}",
                       detail=("on · " if a == self.overlay_layer else "") + f"read-only, {counts.get(a, 0)}")
            for a in names if a != shown
        ]
        if self.overlay_layer:
            items.append(PickerItem("overlay\t", "no overlay"))

        def chosen(value: str | None) -> None:
            if not value:
                return
            what, _, who = value.partition("\t")
            if what == "view":
                self.shown_layer = None if who == me else who
                if self.overlay_layer == who:
                    self.overlay_layer = None
            else:
                self.overlay_layer = who or None
            self.selected_id = None
            self._reload(f"layer {safe(self.layer_name(), limit=30)}"
                         + (f", overlay {safe(self.overlay_layer, limit=30)}" if self.overlay_layer else ""))

        self.app.push_screen(
            PickerDialog("Layers: view one, overlay another (read-only)", items), chosen)

    def _copy_source(self) -> tuple[DocAnnotations, str]:
        """What ``y`` and ``Y`` copy from: the viewed layer when it is another's (read-only), else the overlay."""
        if self.session is not None and self.session.read_only:
            return self.anns, self.layer_name()
        return self.overlay_anns, self.overlay_layer or ""

    def overlay_ids_at(self) -> list[str]:
        """The copy source's spans under the cursor, or overlapping the selection (its selected annotation first)."""
        source, _ = self._copy_source()
        view = self.view
        sel = view.selection
        lo, hi = sel if sel is not None else (view.cursor, view.cursor + 1)
        ids = [s.id for s in source.spans
               if s.status != "rejected" and any(a < hi and lo < b for a, b in s.fragments)]
        if self.selected_id and source is self.anns and self.selected_id in self.by_id:
            ids = [self.selected_id] + [i for i in ids if i != self.selected_id]
        return ids

    def action_copy_overlay(self) -> None:
        """Copy the annotation(s) under the cursor from the overlay (or the viewed layer) into yours (one action)."""
        ids = self.overlay_ids_at()
        if not ids:
            self.notify(f"no annotation to copy here ({key_of(self, 'layers')} chooses a layer or an overlay)",
                        markup=False)
            return
        self._copy(ids, "copy")

    def action_copy_overlay_all(self) -> None:
        """Copy every annotation of the overlay (or the viewed layer) into your layer (one action)."""
        source, _ = self._copy_source()
        ids = [a.id for a in source.all()]
        if not ids:
            self.notify(f"nothing to copy ({key_of(self, 'layers')} chooses a layer or an overlay)", markup=False)
            return
        self._copy(ids, "copy all")

    def _copy(self, ids: list[str], verb: str) -> None:
        source, who = self._copy_source()
        if self.layer_name() != self.annotator and not self.session.read_only:
            self.notify(f"copies go into your own layer: view it first ({key_of(self, 'layers')})",
                        severity="warning", markup=False)
            return
        edit = self._perform(f"{verb} from {who} ({len(ids)})",
                             lambda: self.session.copy_from(source, ids, who, verb=verb))
        if edit is not None:
            added = len(edit.value)
            message = (f"copied {added} annotation(s) from {safe(who, limit=30)} into your layer"
                       if added or edit.changes else
                       f"nothing to copy: your layer has it all already ({safe(who, limit=30)})")
            self.message = message
            self._update_status()
            self.notify(message, markup=False)

    # -- other screens -------------------------------------------------------------------------

    def action_corpus_search(self) -> None:
        """Search the corpus; the chosen hit opens here, selected."""
        from tui.app.screens.corpus_search import CorpusSearchScreen

        self.app.push_screen(CorpusSearchScreen(), self.open_hit)

    def open_hit(self, hit: Any) -> None:
        """Open a corpus search hit: its document, with the hit selected.

        Args:
            hit: a :class:`tui.core.search.Hit`, or None (nothing chosen).
        """
        if hit is None:
            return
        if self.doc is None or self.doc.id != hit.doc_id:
            self.open_document(hit.doc_name)
        if self.doc is None or self.doc.id != hit.doc_id:
            return
        if hit.annotation_id is not None and hit.annotator and hit.annotator != self.layer_name():
            self.shown_layer = None if hit.annotator == self.annotator else hit.annotator
            self._reload()
        if hit.annotation_id is not None and hit.annotation_id in self.by_id:
            self._select(hit.annotation_id)
        else:
            self.selected_id = None
            self.view.select(hit.start, hit.end)
        self.view.focus()

    def action_stats(self) -> None:
        """Show agreement and counts for this document (c switches to the corpus)."""
        from tui.app.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen(self.doc.name if self.doc else None))

    def action_adjudicate(self) -> None:
        """Walk the disagreements between this document's annotators into the gold layer."""
        if self.doc is None:
            return
        from tui.app.screens.adjudicate import AdjudicationScreen, default_annotators

        names = default_annotators(self.store, self.doc.id)
        if len(names) < 2:
            self.notify("adjudication needs two annotators' layers in this document", severity="warning",
                        markup=False)
            return

        def done(_result: Any) -> None:
            self._reload()

        self.app.push_screen(AdjudicationScreen(self.doc.name, names), done)
