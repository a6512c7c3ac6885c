"""The live index of one annotation layer: lists, ids, triggers, referrers, problems.

A long document has tens of thousands of annotations: re-reading them,
re-validating all of them and rebuilding every highlight after each action
costs seconds. :class:`AnnotationIndex` takes the typed change set of an
action, undo or redo (:class:`~tui.core.store.changes.ChangeSet`) and updates
just what it touched. It also answers the reader's questions without SQL:
the span under an offset, an identical span to reuse, the span that shows an
annotation in the text.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Iterable
from typing import Any

from tui.core.model import (
    KINDS,
    Annotation,
    DocAnnotations,
    Equivalence,
    Event,
    Relation,
    Span,
    kind_of,
)
from tui.core.schema import Problem, Schema, validate
from tui.core.store import references
from tui.core.store.changes import ChangeSet, Row

#: How many spans of the same extent are looked at before scanning them all.
_SAME_EXTENT_WINDOW = 64


def order_key(kind: str) -> Callable[[Any], Any]:
    """The sort key of a kind's list, as :meth:`Store.annotations` orders it."""
    if kind == "spans":
        return lambda s: (s.fragments[0][0], s.fragments[-1][1], s.id)
    return lambda a: a.id


def _row_order(kind: str, row: Row) -> Any:
    return (row["start"], row["end"], row["id"]) if kind == "spans" else row["id"]


def contains(span: Span, offset: int) -> bool:
    """Whether ``offset`` is inside one of the span's fragments (or on an empty span)."""
    return any(s <= offset < e for s, e in span.fragments) or (
        span.fragments[-1][1] == offset and span.fragments[-1][0] == offset
    )


class AnnotationIndex:
    """One layer of a document, kept in step with the store's change sets.

    :meth:`apply` updates the lists (same order as :meth:`Store.annotations`),
    the id index, the trigger index, the referrers and the schema problems of
    just the annotations whose problems can have changed: those that changed,
    those that refer to them, and the triggers of changed events. Problems
    are local (an annotation, what it refers to, and whether a span is some
    event's trigger), so this gives what a full :func:`~tui.core.schema.validate`
    gives.
    """

    def __init__(self, anns: DocAnnotations, schema: Schema, *, validate_now: bool = True) -> None:
        """Index a layer and validate it (the full cost, once).

        Args:
            anns: the layer, as :meth:`Store.annotations` returns it.
            schema: the document's schema.
            validate_now: False leaves the problems empty until
                :meth:`validate_all` (a long document opens without waiting for it).
        """
        self.anns = anns
        self.schema = schema
        self.by_id: dict[str, Any] = anns.by_id()
        self.max_extent = max((s.fragments[-1][1] - s.fragments[0][0] for s in anns.spans), default=0)
        """No span reaches further than this from its start (never lowered: spans under an offset
        are looked for this far back, see :func:`tui.core.editing.navigation.spans_at`)."""
        self.event_of_trigger: dict[str, Event] = {e.trigger: e for e in anns.events}
        self.referrers: dict[str, set[str]] = {}
        """Annotation id -> ids of the annotations that refer to it."""
        for kind in KINDS[1:]:
            for ann in getattr(anns, kind):
                for ref in references(kind, ann):
                    self.referrers.setdefault(ref, set()).add(ann.id)
        self.problems_by_id: dict[str, list[Problem]] = {}
        self._problems: list[Problem] | None = None
        self.validated = False
        """Whether :attr:`problems_by_id` holds the problems (see ``validate_now``)."""
        self.generation = 0
        """Bumped by every change applied (views redraw what depends on it only then)."""
        if validate_now:
            self.validate_all()

    # -- questions -------------------------------------------------------------

    def get(self, ann_id: str | None) -> Any:
        """The annotation with this id in the layer, or None."""
        return self.by_id.get(ann_id) if ann_id else None

    def is_trigger(self, span_id: str) -> bool:
        """Whether the span is an event's trigger."""
        return span_id in self.event_of_trigger

    def visible_spans(self) -> list[Span]:
        """The spans drawn in the text (rejected ones are not)."""
        return [s for s in self.anns.spans if s.status != "rejected"]

    def find_span(self, start: int, end: int, label: str) -> Span | None:
        """A live span of exactly one fragment ``(start, end)`` with this label, or None."""
        spans = self.anns.spans
        i = bisect_left(spans, (start, end), key=lambda s: (s.fragments[0][0], s.fragments[-1][1]))
        for s in spans[i:i + _SAME_EXTENT_WINDOW]:
            if (s.fragments[0][0], s.fragments[-1][1]) != (start, end):
                return None
            if s.label == label and s.fragments == [(start, end)] and s.status != "rejected":
                return s
        if len(spans) > i + _SAME_EXTENT_WINDOW:  # a pile of identical extents: look at them all
            for s in spans:
                if s.label == label and s.fragments == [(start, end)] and s.status != "rejected":
                    return s
        return None

    def span_at(self, offset: int, prefer: tuple[str, ...] = ()) -> Span | None:
        """The entity span under ``offset`` (not a trigger), preferring the given types, then the shortest."""
        found = [s for s in self.visible_spans()
                 if s.id not in self.event_of_trigger and contains(s, offset)]
        if not found:
            return None
        found.sort(key=lambda s: (bool(prefer) and s.label not in prefer, s.end - s.start))
        return found[0]

    def display_span(self, ann: Any, depth: int = 0) -> Span | None:
        """The span that shows an annotation in the text (an event's trigger, a relation's first argument...)."""
        if ann is None or depth > 4:
            return None
        if isinstance(ann, Span):
            return ann
        if isinstance(ann, Event):
            trigger = self.by_id.get(ann.trigger)
            return trigger if isinstance(trigger, Span) else None
        if isinstance(ann, Relation):
            return self.display_span(self.by_id.get(ann.arguments[0].target), depth + 1)
        if isinstance(ann, Equivalence):
            return self.display_span(self.by_id.get(ann.members[0]) if ann.members else None, depth + 1)
        target = getattr(ann, "target", None)
        return self.display_span(self.by_id.get(target) if target else None, depth + 1)

    def users_of(self, ann_id: str) -> list[Annotation]:
        """The annotations of the layer that refer to ``ann_id`` directly, in id order."""
        found = [self.by_id[r] for r in self.referrers.get(ann_id, ()) if r in self.by_id]
        return sorted(found, key=lambda a: a.id)

    # -- problems --------------------------------------------------------------

    def validate_all(self) -> None:
        """Check every annotation of the layer against the schema."""
        by_ann: dict[str, list[Problem]] = {}
        for p in validate(self.schema, self.anns):
            by_ann.setdefault(p.annotation_id, []).append(p)
        self.problems_by_id = by_ann
        self._problems = None
        self.validated = True
        self.generation += 1

    @property
    def problems(self) -> list[Problem]:
        """Every schema problem of the layer (grouped by annotation)."""
        if self._problems is None:
            self._problems = [p for ps in self.problems_by_id.values() for p in ps]
        return self._problems

    def problems_of(self, ann_ids: Iterable[str]) -> list[Problem]:
        """The problems of some annotations, in the order asked."""
        return [p for i in ann_ids for p in self.problems_by_id.get(i, ())]

    # -- changes ---------------------------------------------------------------

    def apply(self, changes: ChangeSet, doc_id: str, layer: str,
              overlay: str | None = None) -> set[str] | None:
        """Apply the change set of one action, undo or redo.

        Args:
            changes: e.g. ``store.last_change_set``.
            doc_id: the document indexed.
            layer: the annotator whose layer this is; other annotators' rows are ignored.
            overlay: an overlay layer shown beside it (its rows need a full reload).

        Returns:
            Ids of the spans whose highlight may have changed (changed spans and
            the triggers of changed events), or None when the changes cannot be
            applied here (an import's bulk entries, a changed document or
            schema, the overlay layer): then re-read everything.
        """
        if changes.needs_reload(doc_id, overlay=overlay):
            return None
        net = changes.annotations(doc_id, layer)
        touched: set[str] = set()
        spans: set[str] = set()
        triggers: set[str] = set()
        # Every old row leaves before any new one is inserted, so an object whose
        # sort key moved is gone before the lists are searched for insertion points.
        for change in net:
            touched.add(change.id)
            if change.kind == "spans":
                spans.add(change.id)
            if change.old is not None:
                order = _row_order(change.kind, change.old_row) if change.old_row is not None else None
                self._remove(change.kind, change.old, order)
                if isinstance(change.old, Event):
                    triggers.add(change.old.trigger)
        for change in net:
            if change.new is not None:
                self._add(change.kind, change.new)
                if isinstance(change.new, Event):
                    triggers.add(change.new.trigger)
        for trigger in triggers:
            # The event naming a span as its trigger: the last by id, as a full load has it.
            named = [e for e in (self.by_id.get(r) for r in self.referrers.get(trigger, ()))
                     if isinstance(e, Event) and e.trigger == trigger]
            if named:
                self.event_of_trigger[trigger] = max(named, key=lambda e: e.id)
            else:
                self.event_of_trigger.pop(trigger, None)
        self._revalidate(touched | triggers)
        if net:
            self.generation += 1
        return spans | triggers

    def _remove(self, kind: str, old: Any, order: Any) -> None:
        items = getattr(self.anns, kind)
        i = bisect_left(items, order, key=order_key(kind)) if order is not None else len(items)
        if not (i < len(items) and items[i].id == old.id):
            # The object in the list may have been edited in place by a caller
            # before the action committed (its sort key moved): find it by id.
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
        if new.id in self.by_id:  # already here (should not happen): never list it twice
            self._remove(kind, self.by_id[new.id], None)
        insort(getattr(self.anns, kind), new, key=order_key(kind))
        if kind == "spans":
            self.max_extent = max(self.max_extent, new.fragments[-1][1] - new.fragments[0][0])
        self.by_id[new.id] = new
        for ref in references(kind, new):
            self.referrers.setdefault(ref, set()).add(new.id)

    def _revalidate(self, changed: set[str]) -> None:
        """Re-check the annotations whose problems may depend on ``changed``."""
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
            refs = [ann.id] if kind == "spans" else references(kind, ann)
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
            getattr(sub, kind).sort(key=order_key(kind))
        wanted = {a.id for a in subject}
        for p in validate(self.schema, sub):
            if p.annotation_id in wanted:
                self.problems_by_id.setdefault(p.annotation_id, []).append(p)


#: The name the reader used for it before the editing session existed.
LiveAnnotations = AnnotationIndex
