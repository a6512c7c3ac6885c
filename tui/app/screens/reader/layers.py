"""Reader keys for review and teamwork: review mode, propagation, layers, search, stats, adjudication.

:class:`ReaderExtrasMixin` is mixed into :class:`~tui.app.screens.reader.ReaderScreen`;
its keys are :data:`EXTRA_BINDINGS` (Textual reads ``BINDINGS`` only from
widget classes, so the reader splices them into its own list). The mixin
uses the reader's state (``doc``, ``anns``, ``by_id``, ``selected_id``,
``view``) and its ``_run`` / ``_reload`` to commit and refresh.

Layers: the reader shows one annotator's layer (``shown_layer``, default the
current annotator) and may overlay another one read-only (``overlay_layer``);
:func:`load_layers` reads both and :func:`overlay_highlights` draws the
overlay. ``y`` copies the overlay annotation under the cursor into the
current annotator's layer, ``Y`` copies the whole overlay (one logged
action each, origin ``copy:<annotator>``).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Iterable
from typing import Any

from textual.binding import Binding

from tui.app.safe import safe
from tui.core.errors import TuiError
from tui.core.model import (
    KINDS,
    Argument,
    Attribute,
    DocAnnotations,
    Equivalence,
    Event,
    Normalization,
    Note,
    Relation,
    Span,
    kind_of,
)

EXTRA_BINDINGS = [
    Binding("r", "review_start", "Review", id="review",
            tooltip="Walk the pending suggestions of this document: a accept, x reject, space skip, "
                    "backspace back."),
    Binding("P", "propagate", "Propagate", id="propagate", show=False,
            tooltip="Suggest the selected span's type on every other whole-word occurrence of its text."),
    Binding("ctrl+l", "layers", "Layers", id="layers", show=False,
            tooltip="Choose whose layer to view, and another layer to overlay read-only."),
    Binding("y", "copy_overlay", "Copy overlay", id="copy-overlay", show=False,
            tooltip="Copy the overlay annotation under the cursor into your layer."),
    Binding("Y", "copy_overlay_all", "Copy all overlay", id="copy-overlay-all", show=False,
            tooltip="Copy every annotation of the overlay layer into your layer."),
    Binding("ctrl+f", "corpus_search", "Corpus search", id="corpus-search", show=False,
            tooltip="Search every document and annotation; enter opens a hit here."),
    Binding("S", "stats", "Stats", id="stats", show=False,
            tooltip="Agreement between the annotators of this document, and counts, with bar charts."),
    Binding("J", "adjudicate", "Adjudicate", id="adjudicate", show=False,
            tooltip="Walk the disagreements between annotators and build the gold layer."),
]
"""Keys added to the reader by issue 5 (review, suggestions, layers, search, agreement)."""

EXTRA_HELP = """\

## Review and teamwork

- `r` **reviews** the pending suggestions: `a` accept, `x` reject, `space`
  skip, `backspace` back; tag keys and `=` fix an item before accepting;
  `escape` ends the review.
- `P` **propagates** the selected span to every other occurrence of its text
  (as suggestions).
- `ctrl+l` chooses whose **layer** to view and which to overlay (read-only);
  `y` copies the overlay annotation under the cursor into your layer, `Y` all.
- `ctrl+f` **searches the corpus**, `S` shows **agreement** and counts, `J`
  **adjudicates** disagreements into the `gold` layer.
"""


# -- layers ---------------------------------------------------------------------------


def load_layers(store: Any, doc_id: str, layer: str, overlay: str | None) -> tuple[DocAnnotations, DocAnnotations]:
    """Read the shown layer and the overlay layer of a document.

    Args:
        store: the store.
        doc_id: the document.
        layer: the annotator whose layer is shown (and edited).
        overlay: the annotator whose layer is drawn read-only, or None.

    Returns:
        ``(shown, overlay)`` annotations; the overlay is empty when None.
    """
    shown = store.annotations(doc_id, annotators=[layer])
    if overlay is None or overlay == layer:
        return shown, DocAnnotations()
    return shown, store.annotations(doc_id, annotators=[overlay])


def overlay_highlights(anns: DocAnnotations, schema: Any) -> list[Any]:
    """Highlights for a read-only overlay layer (rejected annotations are left out).

    Args:
        anns: the overlay layer.
        schema: the document's schema (colours and short labels).

    Returns:
        :class:`Highlight` objects with ``overlay=True``.
    """
    from tui.app.widgets.article_view import Highlight

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


def doc_annotators(store: Any, doc_id: str) -> Counter:
    """Annotators with annotations in a document, with how many (rejected left out)."""
    return Counter(a.annotator for a in store.annotations(doc_id).all() if a.status != "rejected")


def copy_annotations(tx: Any, source: DocAnnotations, ids: Iterable[str], target: DocAnnotations,
                     origin: str) -> list[str]:
    """Copy annotations of another layer into the current one, inside an open store action.

    What a copied annotation needs comes along (an event's trigger and
    fillers, a relation's arguments); what hangs on it (attributes,
    normalisations, notes) too. A span the target layer already has (same
    fragments and type) is reused, not duplicated. Copies are accepted, with
    new ids and the given origin, in the store's annotator's layer.

    Args:
        tx: the open store action.
        source: the layer copied from.
        ids: the annotations to copy (spans that are triggers bring their event).
        target: the current layer (for reuse).
        origin: e.g. ``copy:bob``.

    Returns:
        Ids written (new or reused), in order.
    """
    by_id = source.by_id()
    event_of_trigger = {e.trigger: e for e in source.events}
    have = {(tuple(tuple(f) for f in s.fragments), s.label): s.id
            for s in target.spans if s.status != "rejected"}
    memo: dict[str, str] = {}
    written: list[str] = []

    def copy(ann_id: str) -> str | None:
        if ann_id in memo:
            return memo[ann_id]
        ann = by_id.get(ann_id)
        if ann is None or ann.status == "rejected":
            return None
        doc_id = ann.doc_id
        new: Any
        if isinstance(ann, Span):
            key = (tuple(tuple(f) for f in ann.fragments), ann.label)
            if key in have:
                memo[ann_id] = have[key]
                return have[key]
            new = Span(label=ann.label, fragments=[tuple(f) for f in ann.fragments], doc_id=doc_id,
                       origin=origin)
        elif isinstance(ann, Event):
            trigger = copy(ann.trigger)
            if trigger is None:
                return None
            args = [Argument(role=a.role, target=t) for a in ann.arguments
                    if (t := copy(a.target)) is not None]
            new = Event(type=ann.type, trigger=trigger, arguments=args, doc_id=doc_id, origin=origin)
        elif isinstance(ann, Relation):
            args = [Argument(role=a.role, target=t) for a in ann.arguments
                    if (t := copy(a.target)) is not None]
            if len(args) != 2:
                return None
            new = Relation(type=ann.type, arguments=args, doc_id=doc_id, origin=origin)
        elif isinstance(ann, Equivalence):
            members = [m for m in (copy(x) for x in ann.members) if m is not None]
            if len(members) < 2:
                return None
            new = Equivalence(type=ann.type, members=members, doc_id=doc_id, origin=origin)
        else:
            target_id = copy(ann.target)
            if target_id is None:
                return None
            if isinstance(ann, Attribute):
                new = Attribute(target=target_id, name=ann.name, value=ann.value, doc_id=doc_id, origin=origin)
            elif isinstance(ann, Normalization):
                new = Normalization(target=target_id, resource=ann.resource, key=ann.key, label=ann.label,
                                    doc_id=doc_id, origin=origin)
            else:
                new = Note(target=target_id, type=ann.type, text=ann.text, doc_id=doc_id, origin=origin)
        new_id = tx.add(new).id
        memo[ann_id] = new_id
        written.append(new_id)
        return new_id

    wanted = []
    for ann_id in ids:
        wanted.append(ann_id)
        if ann_id in event_of_trigger:
            wanted.append(event_of_trigger[ann_id].id)
    for ann_id in wanted:
        copy(ann_id)
    # What hangs on a copied annotation comes along.
    for dep in (*source.attributes, *source.normalizations, *source.notes):
        if dep.target in memo:
            copy(dep.id)
    return written


def refresh_readers(app: Any, *, skip: Any = None) -> None:
    """Re-read the annotations of every reader on the screen stack (after another screen wrote).

    Args:
        app: the app.
        skip: a screen not to refresh (the one that is closing).
    """
    from tui.app.screens.reader import ReaderScreen

    for screen in app.screen_stack:
        if isinstance(screen, ReaderScreen) and screen is not skip and screen.doc is not None:
            screen._reload()


# -- incremental updates ----------------------------------------------------------------


def _order_key(kind: str) -> Any:
    """The sort key of a kind's list, as :meth:`Store.annotations` orders it."""
    if kind == "spans":
        return lambda s: (s.fragments[0][0], s.fragments[-1][1], s.id)
    return lambda a: a.id


def _row_order(kind: str, row: dict[str, Any]) -> Any:
    return (row["start"], row["end"], row["id"]) if kind == "spans" else row["id"]


class LiveAnnotations:
    """One layer of a document, kept in step with the store's row changes.

    A long document has tens of thousands of annotations: re-reading them,
    re-validating all of them and rebuilding every highlight after each
    action costs seconds. :meth:`apply` takes ``store.last_changes`` (the rows
    an action, undo or redo wrote) and updates the lists (same order as
    :meth:`Store.annotations`), the id index, the trigger index and the
    schema problems of just the annotations whose problems can have changed:
    those that changed, those that refer to them, and the triggers of changed
    events. Problems are local (an annotation, what it refers to, and whether
    a span is some event's trigger), so this gives what a full
    :func:`~tui.core.schema.validate` gives.
    """

    def __init__(self, anns: DocAnnotations, schema: Any, *, validate_now: bool = True) -> None:
        """Index a layer and validate it (the full cost, once).

        Args:
            anns: the layer, as :meth:`Store.annotations` returns it.
            schema: the document's schema.
            validate_now: False leaves the problems empty until
                :meth:`validate_all` (a long document opens without waiting for it).
        """
        from tui.core.store import references

        self.anns = anns
        self.schema = schema
        self.by_id: dict[str, Any] = anns.by_id()
        self.event_of_trigger: dict[str, Event] = {e.trigger: e for e in anns.events}
        self.referrers: dict[str, set[str]] = {}
        """Annotation id -> ids of the annotations that refer to it."""
        for kind in ("events", "relations", "equivalences", "attributes", "normalizations", "notes"):
            for ann in getattr(anns, kind):
                for ref in references(kind, ann):
                    self.referrers.setdefault(ref, set()).add(ann.id)
        self.problems_by_id: dict[str, list[Any]] = {}
        self._problems: list[Any] | None = None
        self.validated = False
        """Whether :attr:`problems_by_id` holds the problems (see ``validate_now``)."""
        if validate_now:
            self.validate_all()

    def validate_all(self) -> None:
        """Check every annotation of the layer against the schema."""
        from tui.core.schema import validate

        by_ann: dict[str, list[Any]] = {}
        for p in validate(self.schema, self.anns):
            by_ann.setdefault(p.annotation_id, []).append(p)
        self.problems_by_id = by_ann
        self._problems = None
        self.validated = True

    @property
    def problems(self) -> list[Any]:
        """Every schema problem of the layer (grouped by annotation)."""
        if self._problems is None:
            self._problems = [p for ps in self.problems_by_id.values() for p in ps]
        return self._problems

    def apply(self, changes: list[dict[str, Any]], doc_id: str, layer: str,
              overlay: str | None = None) -> set[str] | None:
        """Apply the row changes of one action, undo or redo.

        Args:
            changes: ``store.last_changes``.
            doc_id: the document shown.
            layer: the annotator whose layer this is; other annotators' rows are ignored.
            overlay: an overlay layer shown beside it (its rows need a full reload).

        Returns:
            Ids of the spans whose highlight may have changed (changed spans and
            the triggers of changed events), or None when the changes cannot be
            applied here (an import's bulk entries, a changed document or
            schema, the overlay layer): then re-read everything.
        """
        from tui.core.store import from_row

        rows: list[tuple[str, dict[str, Any] | None, dict[str, Any] | None]] = []

        def mine(row: dict[str, Any] | None) -> dict[str, Any] | None:
            if row is None or row.get("doc_id") != doc_id:
                return None
            who = row.get("annotator")
            if who == layer:
                return row
            if overlay is not None and who == overlay:
                raise LookupError(who)
            return None

        try:
            for ch in changes:
                if "bulk" in ch:
                    return None
                table = ch.get("table")
                if table not in KINDS:
                    if table in ("documents", "schemas"):
                        return None
                    continue  # doc_status, settings: nothing the layer shows
                before, after = mine(ch.get("before")), mine(ch.get("after"))
                if before is not None or after is not None:
                    rows.append((table, before, after))
        except LookupError:
            return None

        # The net change of each annotation (an action may write a row twice): its
        # row before the action and after it. Every old row leaves before any new one
        # is inserted, so objects edited in place before the commit (their sort key
        # moved) are gone before the lists are searched for insertion points.
        net: dict[tuple[str, str], list[Any]] = {}
        for kind, before, after in rows:
            key = (kind, (before or after)["id"])  # type: ignore[index]
            if key in net:
                net[key][1] = after
            else:
                net[key] = [before, after]
        touched: set[str] = set()
        spans: set[str] = set()
        triggers: set[str] = set()
        for (kind, ann_id), (before, _after) in net.items():
            touched.add(ann_id)
            if kind == "spans":
                spans.add(ann_id)
            if before is not None:
                old = from_row(kind, before)
                self._remove(kind, old, _row_order(kind, before))
                if kind == "events":
                    triggers.add(old.trigger)
        for (kind, _ann_id), (_before, after) in net.items():
            if after is not None:
                new = from_row(kind, after)
                self._add(kind, new)
                if kind == "events":
                    triggers.add(new.trigger)
        for trigger in triggers:
            # The event naming a span as its trigger: the last by id, as a full load has it.
            named = [e for e in (self.by_id.get(r) for r in self.referrers.get(trigger, ()))
                     if isinstance(e, Event) and e.trigger == trigger]
            if named:
                self.event_of_trigger[trigger] = max(named, key=lambda e: e.id)
            else:
                self.event_of_trigger.pop(trigger, None)
        self._revalidate(touched | triggers)
        return spans | triggers

    def _remove(self, kind: str, old: Any, order: Any) -> None:
        from tui.core.store import references

        items = getattr(self.anns, kind)
        key = _order_key(kind)
        i = bisect_left(items, order, key=key) if order is not None else len(items)
        if not (i < len(items) and items[i].id == old.id):
            # The object in the list may have been edited in place before the action
            # committed (its sort key moved): find it by id.
            i = next((n for n, a in enumerate(items) if a.id == old.id), -1)
        if i >= 0:
            del items[i]
        self.by_id.pop(old.id, None)
        for ref in references(kind, old):
            refs = self.referrers.get(ref)
            if refs is not None:
                refs.discard(old.id)
                if not refs:
                    del self.referrers[ref]

    def _add(self, kind: str, new: Any) -> None:
        from tui.core.store import references

        if new.id in self.by_id:  # already here (should not happen): never list it twice
            self._remove(kind, self.by_id[new.id], None)
        insort(getattr(self.anns, kind), new, key=_order_key(kind))
        self.by_id[new.id] = new
        for ref in references(kind, new):
            self.referrers.setdefault(ref, set()).add(new.id)

    def _revalidate(self, changed: set[str]) -> None:
        """Re-check the annotations whose problems may depend on ``changed``."""
        from tui.core.schema import validate
        from tui.core.store import references

        if not self.validated:
            return  # validate_all() will see the current state
        affected = set(changed)
        for ann_id in changed:
            affected |= self.referrers.get(ann_id, set())
        for ann_id in affected:
            self.problems_by_id.pop(ann_id, None)
        self._problems = None
        subject = [self.by_id[a] for a in affected if a in self.by_id]
        if not subject:
            return
        # What validating them needs: what they refer to, and the events that make a
        # span (or an attribute's target) a trigger.
        context: dict[str, Any] = {a.id: a for a in subject}
        for ann in subject:
            kind = kind_of(ann)
            refs = references(kind, ann)
            if kind == "spans":
                refs = [ann.id]
            for ref in refs:
                target = self.by_id.get(ref)
                if target is not None:
                    context.setdefault(ref, target)
                for user in self.referrers.get(ref, ()):
                    other = self.by_id.get(user)
                    if isinstance(other, Event) and other.trigger == ref:
                        context.setdefault(user, other)
        sub = DocAnnotations()
        for ann in context.values():
            getattr(sub, kind_of(ann)).append(ann)
        for kind in KINDS:
            getattr(sub, kind).sort(key=_order_key(kind))
        wanted = {a.id for a in subject}
        for p in validate(self.schema, sub):
            if p.annotation_id in wanted:
                self.problems_by_id.setdefault(p.annotation_id, []).append(p)


# -- the mixin ------------------------------------------------------------------------------


class ReaderExtrasMixin:
    """The reader's review, propagation, layer, corpus search, stats and adjudication actions."""

    shown_layer: str | None
    overlay_layer: str | None
    overlay_anns: DocAnnotations

    def layer_name(self) -> str:
        """The annotator whose layer is shown."""
        return self.shown_layer or self.annotator

    def layer_status(self) -> str:
        """Who is working, and which layers are shown, for the status line."""
        who = self.annotator
        text = who if self.layer_name() == who else f"{who} viewing {self.layer_name()}"
        if self.overlay_layer:
            text += f" +{self.overlay_layer}"
        return text

    # -- review ----------------------------------------------------------------------

    def action_review_start(self) -> None:
        """Review the pending items of this document, one key per decision."""
        if self.doc is None:
            return
        from tui.app.screens.review import ReviewScreen
        from tui.core.review.queue import ReviewQueue

        queue = ReviewQueue(self.store, [self.doc.name])
        if queue.total == 0:
            self.notify("nothing to review: this document has no pending suggestions",
                        markup=False)
            return

        def done(_result: Any) -> None:
            self._reload()

        self.app.push_screen(ReviewScreen(queue), done)

    # -- propagation ---------------------------------------------------------------------

    def action_propagate(self) -> None:
        """Suggest the selected span on every other whole-word occurrence of its text."""
        from tui.core.review.suggest import propagate_span

        selected = self.by_id.get(self.selected_id) if self.selected_id else None
        if not isinstance(selected, Span) or selected.id in self.event_of_trigger:
            self.notify("select an entity span first (] / [ or click)", severity="warning",
                        markup=False)
            return
        try:
            result = propagate_span(self.store, selected.id)
        except TuiError as exc:
            self.notify(f"not propagated: {exc}", severity="error", markup=False)
            return
        message = (f"propagated {selected.label} “{safe(selected.text, limit=40)}”: {result.added} suggestion(s)"
                   + (f", {result.existing} already there" if result.existing else "")
                   + (f", {result.rejected} rejected before" if result.rejected else ""))
        self._reload(message)
        self.notify(message, markup=False)

    # -- layers -----------------------------------------------------------------------------

    def action_layers(self) -> None:
        """Pick whose layer to view and which layer to overlay read-only."""
        if self.doc is None:
            return
        from tui.app.dialogs.picker import PickerDialog, PickerItem

        counts = doc_annotators(self.store, self.doc.id)
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

    def overlay_ids_at(self) -> list[str]:
        """Overlay spans under the cursor, or overlapping the selection."""
        view = self.view
        sel = view.selection
        lo, hi = sel if sel is not None else (view.cursor, view.cursor + 1)
        return [s.id for s in self.overlay_anns.spans
                if s.status != "rejected" and any(a < hi and lo < b for a, b in s.fragments)]

    def action_copy_overlay(self) -> None:
        """Copy the overlay annotation(s) under the cursor into your layer (one action)."""
        ids = self.overlay_ids_at()
        if not ids:
            self.notify("no overlay annotation here (ctrl+l chooses an overlay)", markup=False)
            return
        self._copy(ids, "copy")

    def action_copy_overlay_all(self) -> None:
        """Copy every annotation of the overlay layer into your layer (one action)."""
        ids = [a.id for a in self.overlay_anns.all()]
        if not ids:
            self.notify("no overlay layer (ctrl+l chooses one)", markup=False)
            return
        self._copy(ids, "copy all")

    def _copy(self, ids: list[str], verb: str) -> None:
        who = self.overlay_layer or ""
        me = self.annotator
        if self.layer_name() != me:
            self.notify("copies go into your own layer: view it first (ctrl+l)", severity="warning",
                        markup=False)
            return
        source = self.overlay_anns
        target = self.anns
        written = self._run(
            f"{verb} from {who} ({len(ids)})",
            lambda tx: copy_annotations(tx, source, ids, target, f"copy:{who}"),
        )
        if written is not None:
            self.notify(f"copied {len(written)} annotation(s) from {safe(who, limit=30)}", markup=False)

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
