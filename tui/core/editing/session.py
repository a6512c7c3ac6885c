"""The annotation session: one document, one annotator's layer, and every editing verb.

The reader screen reads the cursor and the selection, calls a verb here and
shows the :class:`~tui.core.editing.results.Edit` it returns. Each verb is
one store action (one transaction, one entry of the operation log); once it
is committed the session applies its change set to the layer's
:class:`~tui.core.editing.index.AnnotationIndex`. Verbs never edit the
indexed objects in place: they write copies, so an action the store refuses
(disk full, another process holding the lock) leaves the index as it was.

A verb raises what the store raises (:class:`~tui.core.store.StoreBusy`
before anything ran, other :class:`~tui.core.errors.TuiError` after a
rollback), :class:`~tui.core.editing.results.NoChange` when it would change
nothing, and :class:`ValueError` for an edit the model refuses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

from tui.core.editing import attributes as attrs
from tui.core.editing.bulk import SEARCH_ORIGIN, HitsTagged, plan_hits
from tui.core.editing.candidates import filler_problem, role_candidates
from tui.core.editing.copying import copy_annotations, load_layers
from tui.core.editing.deleting import consequences, delete_target
from tui.core.editing.index import AnnotationIndex
from tui.core.editing.picking import Pick
from tui.core.editing.results import (
    Consequence,
    Edit,
    IncompatibleFiller,
    NoChange,
    PickPurpose,
    ReadOnlyLayer,
)
from tui.core.model import (
    Argument,
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
from tui.core.schema import AttributeDef, Role, Schema
from tui.core.store.changes import ChangeSet

if TYPE_CHECKING:
    from tui.core.store import Operation, Store, _Transaction

T = TypeVar("T")


@dataclass(frozen=True)
class NewMention:
    """A mention to create while filling a role: its extent and type."""

    start: int
    end: int
    label: str


Target = str | NewMention
"""What fills a role: an existing span's id, or a mention to tag."""


class AnnotationSession:
    """One annotator's layer of one document, indexed, with the verbs that edit it.

    Args:
        store: the project store (writes go into its annotator's layer).
        doc_id: the document.
        annotator: whose layer is shown and indexed (usually the store's annotator).
        schema: the document's schema.
        document: the document, when the caller has read it already.
        overlay: another annotator's layer, read beside it (read-only).
        validate: False leaves the schema check to :meth:`AnnotationIndex.validate_all`.
        edits_other_layers: allow the verbs to edit another annotator's shown layer (review
            fixes them); by default another annotator's layer is read-only.
    """

    def __init__(self, store: Store, doc_id: str, annotator: str, schema: Schema, *,
                 document: Document | None = None, overlay: str | None = None, validate: bool = True,
                 edits_other_layers: bool = False) -> None:
        self.store = store
        self.edits_other_layers = edits_other_layers
        """Whether the verbs may edit another annotator's shown layer (the review screen's fixes)."""
        self.doc = document if document is not None else store.document(doc_id)
        self.annotator = annotator
        self.schema = schema
        self.overlay = overlay if overlay != annotator else None
        self.overlay_anns = DocAnnotations()
        self.index = AnnotationIndex(DocAnnotations(), schema, validate_now=False)
        self._history: tuple[bool | None, bool | None] = (None, None)
        self.reload(validate=validate)

    # -- reading -----------------------------------------------------------------

    @property
    def anns(self) -> DocAnnotations:
        """The layer's annotations (kept current by every verb)."""
        return self.index.anns

    @property
    def text(self) -> str:
        """The document text."""
        return self.doc.text

    @property
    def read_only(self) -> bool:
        """Whether the shown layer is another annotator's and may not be edited here.

        Every verb then raises :class:`ReadOnlyLayer` and writes nothing, undo
        and redo included (they would change the store annotator's own,
        unshown layer); :meth:`copy_from` still copies into the store
        annotator's own layer.
        """
        return self.annotator != self.store.annotator and not self.edits_other_layers

    def _check_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyLayer(self.annotator)

    def reload(self, *, validate: bool = True) -> None:
        """Re-read the layer (and the overlay) from the store and index it afresh."""
        anns, self.overlay_anns = load_layers(self.store, self.doc.id, self.annotator, self.overlay)
        generation = self.index.generation
        self.index = AnnotationIndex(anns, self.schema, validate_now=validate)
        self.index.generation = generation + 1
        self._history = (None, None)

    def can_undo(self) -> bool:
        """Whether the annotator has an action on this document to undo (asked of the store once per change)."""
        undo, redo = self._history
        if undo is None:
            undo = self.store.can_undo(self.doc.id)
            self._history = (undo, redo)
        return undo

    def can_redo(self) -> bool:
        """Whether an undone action can be redone (asked of the store once per change)."""
        undo, redo = self._history
        if redo is None:
            redo = self.store.can_redo(self.doc.id)
            self._history = (undo, redo)
        return redo

    def candidates(self, purpose: PickPurpose, source_id: str, role: Role) -> list[str]:
        """Mentions that may fill a role, best first (see :func:`role_candidates`)."""
        return role_candidates(self.index, self.text, purpose, source_id, role)

    def prepare(self, pick: Pick) -> list[str]:
        """Fill a pick's candidates for its current role; returns them."""
        pick.candidates = self.candidates(pick.purpose, pick.source_id, pick.role)
        pick.cand_index = 0
        return pick.candidates

    def prepare_role(self, pick: Pick) -> bool:
        """Fill an event pick's candidates, skipping each role that has none (issue 14).

        A role with no mention of its types near the trigger is skipped (its
        name is added to ``pick.skipped``, for the prompt to say) and the next
        is prepared, unless ``pick.skip_empty`` is off (a role the analyst chose
        to edit stays, for a new mention); other picks are prepared as
        :meth:`prepare` does.

        Args:
            pick: the prompt's state.

        Returns:
            False when no role is left to offer (the prompt is over).
        """
        while True:
            if self.prepare(pick) or pick.purpose != "role" or not pick.skip_empty:
                return True
            pick.skipped.append(pick.role.name)
            if not pick.advance():
                return False

    def consequences(self, ann_id: str) -> list[Consequence]:
        """What deleting ``ann_id`` does to the annotations that use it."""
        return consequences(self.store, self.index, ann_id)

    def delete_target(self, ann_id: str) -> Any:
        """The annotation a delete of ``ann_id`` removes (an event goes with its trigger), or None."""
        return delete_target(self.index, self.index.get(ann_id))

    def attribute_target(self, ann_id: str) -> Any:
        """Where the attributes of ``ann_id`` sit (a trigger's on its event), or None."""
        return attrs.attribute_target(self.index, self.index.get(ann_id))

    def applicable_attributes(self, ann: Any) -> list[AttributeDef]:
        """The schema's attributes that may sit on ``ann``."""
        return attrs.applicable_attributes(self.schema, self.index, ann)

    def attribute_values(self, ann_id: str) -> dict[str, bool | str | None]:
        """The attribute values on an annotation: True for a binary one, the value otherwise."""
        return {name: (a.value if a.value is not None else True)
                for name, a in attrs.current_attributes(self.index, ann_id).items()}

    def note_of(self, ann_id: str) -> Note | None:
        """The first note on an annotation, or None."""
        return next((n for n in self.anns.notes if n.target == ann_id), None)

    def normalization_of(self, ann_id: str) -> Normalization | None:
        """The first normalisation of an annotation, or None."""
        return next((n for n in self.anns.normalizations if n.target == ann_id), None)

    # -- running -----------------------------------------------------------------

    def run(self, description: str, work: Callable[[_Transaction], T]) -> Edit[T]:
        """Run ``work(tx)`` as one store action and bring the index up to date.

        Args:
            description: the logged action.
            work: what to write, given the open action.

        Returns:
            The edit: ``work``'s value and the action's change set.

        Raises:
            ReadOnlyLayer: the shown layer is another annotator's (see :attr:`read_only`).
        """
        self._check_writable()
        return self._run(description, work)

    def _run(self, description: str, work: Callable[[_Transaction], T]) -> Edit[T]:
        store = self.store
        previous = store.last_changes
        with store.action(description, self.doc.id) as tx:
            value = work(tx)
        if store.last_changes is previous:
            # Nested in an enclosing action: its rows are not recorded yet.
            self.reload()
            return Edit(description, value, ChangeSet(), None)
        return self._applied(description, value, store.last_change_set, tuple(store.last_duplicates))

    def _applied(self, description: str, value: T, changes: ChangeSet, duplicates: tuple[str, ...] = (),
                 history: tuple[bool | None, bool | None] = (True, False)) -> Edit[T]:
        spans = self.index.apply(changes, self.doc.id, self.annotator, self.overlay) if changes else set()
        if spans is None:
            self.reload()
        if changes:
            self._history = history
        return Edit(description, value, changes, None if spans is None else frozenset(spans), duplicates)

    def undo(self) -> Edit[Operation | None]:
        """Undo the annotator's last action on this document (value None: nothing to undo)."""
        self._check_writable()
        op = self.store.undo(self.doc.id)
        if op is None:
            return Edit("nothing to undo", None)
        return self._applied(op.action, op, self.store.last_change_set, history=(None, True))

    def redo(self) -> Edit[Operation | None]:
        """Redo the last undone action on this document (value None: nothing to redo)."""
        self._check_writable()
        op = self.store.redo(self.doc.id)
        if op is None:
            return Edit("nothing to redo", None)
        return self._applied(op.action, op, self.store.last_change_set, history=(True, None))

    def _span(self, span_id: str) -> Span:
        span = self.index.get(span_id)
        if not isinstance(span, Span):
            raise ValueError(f"no span {span_id} in this layer")
        return span

    def _event(self, event_id: str) -> Event:
        event = self.index.get(event_id)
        if not isinstance(event, Event):
            raise ValueError(f"no event {event_id} in this layer")
        return event

    def _new_span(self, tx: _Transaction, start: int, end: int, label: str) -> Span:
        span: Span = tx.add(Span(label=label, fragments=[(start, end)], doc_id=self.doc.id))
        return span

    # -- spans -------------------------------------------------------------------

    def tag(self, start: int, end: int, label: str) -> Edit[Span]:
        """Tag ``text[start:end]`` with a span type; an identical live span is reused, not doubled."""
        self._check_writable()
        existing = self.index.find_span(start, end, label)
        if existing is not None:
            return Edit(f"already tagged {label}", existing, reused=True)
        return self.run(f"tag {label} {self.text[start:end]}",
                        lambda tx: self._new_span(tx, start, end, label))

    def tag_hits(self, hits: Iterable[tuple[int, int]], label: str, *, pending: bool,
                 event: bool = False) -> Edit[HitsTagged]:
        """Tag every hit of a search with ``label``, as one action (one undo step).

        Hits already tagged with that type, inside a longer span, or (``pending``)
        rejected before as that type are left out (:func:`~tui.core.editing.bulk.plan_hits`).
        An event type makes events with no arguments, never bare triggers.

        Args:
            hits: ``(start, end)`` of each hit.
            label: a span type or an event type of the schema.
            pending: make pending suggestions (origin ``suggestion:search``) for review,
                instead of accepted annotations.
            event: ``label`` is an event type (a schema may give a span type and an
                event type one name, as ACE's ``Sentence``): make events.

        Returns:
            The edit; its value counts what was tagged and skipped (no action when nothing is to tag).
        """
        self._check_writable()
        if (self.schema.event_type(label) if event else self.schema.span_type(label)) is None:
            raise ValueError(f"no {'event' if event else 'span'} type {label} in the schema")
        plan = plan_hits(self.index, hits, label, pending=pending, event=event)
        result = HitsTagged(todo=plan.todo, already=plan.already, inside=plan.inside,
                            rejected=plan.rejected, overlapping=plan.overlapping)
        what = f"{'suggest' if pending else 'tag'} {label} on {len(plan.todo)} search hits"
        if not plan.todo:
            return Edit(what, result, reused=True)
        status, origin = ("pending", SEARCH_ORIGIN) if pending else ("accepted", "manual")

        def work(tx: _Transaction) -> HitsTagged:
            for start, end in plan.todo:
                span = tx.add(Span(label=label, fragments=[(start, end)], doc_id=self.doc.id,
                                   origin=origin, status=status))
                result.ids.append(span.id)
                if event:
                    ev = tx.add(Event(type=label, trigger=span.id, doc_id=self.doc.id,
                                      origin=origin, status=status))
                    result.events.append(ev.id)
            return result

        return self.run(what, work)

    def retype(self, span_id: str, label: str) -> Edit[Span]:
        """Give a span another type (not a trigger: retype its event instead)."""
        span = self._span(span_id)
        if self.index.is_trigger(span.id):
            raise ValueError("this is an event trigger: change the event's type instead")
        if span.label == label:
            raise NoChange(f"already {label}")
        new = replace(span, label=label)
        return self.run(f"retype {span.label} → {label} {span.text}", lambda tx: tx.update(new))

    def respan(self, span_id: str, start: int, end: int) -> Edit[Span]:
        """Move a span to ``(start, end)``, keeping its id, attributes and the arguments that use it."""
        span = self._span(span_id)
        new = replace(span, fragments=[(start, end)])
        return self.run(f"re-span {span.label} {self.text[start:end]}", lambda tx: tx.update(new))

    def add_fragment(self, span_id: str, start: int, end: int) -> Edit[Span]:
        """Add ``(start, end)`` as another fragment of a span (a discontinuous span)."""
        span = self._span(span_id)
        new = replace(span, fragments=[*span.fragments, (start, end)])
        return self.run(f"add fragment to {span.label} {span.text}", lambda tx: tx.update(new))

    # -- events ------------------------------------------------------------------

    def create_event(self, start: int, end: int, type_name: str) -> Edit[Event]:
        """Make ``text[start:end]`` the trigger of a new event of ``type_name`` (no roles yet)."""
        def work(tx: _Transaction) -> Event:
            trigger = self._new_span(tx, start, end, type_name)
            event: Event = tx.add(Event(type=type_name, trigger=trigger.id, doc_id=self.doc.id))
            return event

        return self.run(f"event {type_name} {self.text[start:end]}", work)

    def retype_event(self, event_id: str, type_name: str) -> Edit[Event]:
        """Give an event (and its trigger's label) another type."""
        event = self._event(event_id)
        if event.type == type_name:
            raise NoChange(f"already {type_name}")
        trigger = self.index.get(event.trigger)
        new = replace(event, type=type_name)

        def work(tx: _Transaction) -> Event:
            old = trigger if isinstance(trigger, Span) else self.store.get(event.trigger)
            if isinstance(old, Span):  # a trigger always is; the check narrows the store's union
                tx.update(replace(old, label=type_name))
            updated: Event = tx.update(new)
            return updated

        return self.run(f"retype event {event.type} → {type_name}", work)

    def _target_id(self, tx: _Transaction, target: Target) -> str:
        if isinstance(target, NewMention):
            return self._new_span(tx, target.start, target.end, target.label).id
        return target

    def _target_label(self, target: Target) -> str | None:
        if isinstance(target, NewMention):
            return target.label
        found = self.index.get(target)
        return found.label if isinstance(found, Span) else found.type if isinstance(found, Event) else None

    def filler_problem(self, role: Role, target: Target) -> str | None:
        """Why ``target`` cannot fill ``role`` (its type is not allowed), or None (see :func:`filler_problem`)."""
        label = self._target_label(target)
        if label is None:
            return None
        return filler_problem(role, label, self._target_text(target))

    def _check_filler(self, role: Role | None, target: Target) -> None:
        problem = self.filler_problem(role, target) if role is not None else None
        if problem is not None:
            raise IncompatibleFiller(problem)

    def _target_text(self, target: Target) -> str:
        if isinstance(target, NewMention):
            return self.text[target.start:target.end]
        found = self.index.get(target)
        return found.text if isinstance(found, Span) else target

    def fill_role(self, event_id: str, role: str, target: Target) -> Edit[str]:
        """Add an argument to an event: an existing mention or a new one, in one action.

        Returns:
            The edit; its value is the filler's id.

        Raises:
            IncompatibleFiller: the filler's type is not one the role allows (nothing written).
        """
        event = self._event(event_id)
        et = self.schema.event_type(event.type)
        self._check_filler(et.role(role) if et is not None else None, target)

        def work(tx: _Transaction) -> str:
            tid = self._target_id(tx, target)
            tx.update(replace(event, arguments=[*event.arguments, Argument(role=role, target=tid)]))
            return tid

        return self.run(f"{event.type} {role} = {self._target_text(target)}", work)

    def skip_role(self, pick: Pick) -> bool:
        """Leave the pick's current role empty and go to the next one (nothing is written).

        Returns:
            False when it was the last role (the pick is over); otherwise the
            next role's candidates are ready.
        """
        if not pick.advance():
            return False
        self.prepare(pick)
        return True

    def missing_roles(self, event_id: str) -> list[str]:
        """The messages of the event's missing mandatory roles."""
        return [p.message for p in self.index.problems_by_id.get(event_id, ()) if p.kind == "missing-role"]

    # -- relations and coreference --------------------------------------------------

    def relate(self, source_id: str, type_name: str, target: Target) -> Edit[Relation]:
        """A relation of ``type_name`` from a mention to another (existing or new)."""
        rt = self.schema.relation_type(type_name)
        roles = (rt.args[0].name, rt.args[1].name) if rt else ("Arg-1", "Arg-2")
        self._check_filler(rt.args[1] if rt is not None else None, target)

        def work(tx: _Transaction) -> Relation:
            tid = self._target_id(tx, target)
            relation: Relation = tx.add(Relation(type=type_name, doc_id=self.doc.id, arguments=[
                Argument(role=roles[0], target=source_id), Argument(role=roles[1], target=tid),
            ]))
            return relation

        return self.run(f"relation {type_name} → {self._target_text(target)}", work)

    def corefer(self, source_id: str, type_name: str, target: Target) -> Edit[Equivalence]:
        """Put two mentions in one set: a new set, a grown set, or two sets merged.

        Raises:
            ValueError: they are in the same set already (nothing written).
        """
        return self.run(f"coreference {self._target_text(target)}",
                        lambda tx: self._merge_sets(tx, type_name, source_id, self._target_id(tx, target)))

    def _merge_sets(self, tx: _Transaction, type_name: str, a: str, b: str) -> Equivalence:
        # accepted sets only: a rejected (or still pending) suggested link is no chain to grow
        sets = [e for e in self.anns.equivalences
                if e.type == type_name and e.status == "accepted" and (a in e.members or b in e.members)]
        if not sets:
            made: Equivalence = tx.add(Equivalence(type=type_name, members=[a, b], doc_id=self.doc.id))
            return made
        first = sets[0]
        members = list(first.members)
        for eq in sets[1:]:
            members += [m for m in eq.members if m not in members]
        members += [m for m in (a, b) if m not in members]
        if len(sets) == 1 and members == first.members:
            raise ValueError("already in the same coreference set")
        for eq in sets[1:]:
            tx.delete(eq.id)
        merged: Equivalence = tx.update(replace(first, members=members))
        return merged

    # -- attributes, notes, normalisations ---------------------------------------------

    def set_attributes(self, ann_id: str, values: Mapping[str, bool | str | None]) -> Edit[list[attrs.AttributeOp]]:
        """Give an annotation these attribute values (see :func:`attributes.attribute_ops`).

        Raises:
            NoChange: the values are the ones it has.
        """
        ann = self.index.get(ann_id)
        if ann is None:
            raise ValueError(f"no annotation {ann_id} in this layer")
        ops = attrs.attribute_ops(ann, self.applicable_attributes(ann),
                                  attrs.current_attributes(self.index, ann_id), values)
        if not ops:
            raise NoChange("attributes unchanged")

        def work(tx: _Transaction) -> list[attrs.AttributeOp]:
            for op, a in ops:
                if op == "add":
                    tx.add(a)
                elif op == "update":
                    tx.update(a)
                else:
                    tx.delete(a.id)
            return ops

        return self.run(f"attributes {attrs.summary(ops)}", work)

    def set_note(self, ann_id: str, text: str) -> Edit[Note | None]:
        """Write, change or (empty text) remove the note on an annotation.

        Raises:
            NoChange: the note already says that (or there is none to remove).
        """
        ann = self.index.get(ann_id)
        if ann is None:
            raise ValueError(f"no annotation {ann_id} in this layer")
        current = self.note_of(ann_id)
        if (current is None and not text) or (current is not None and text == current.text):
            raise NoChange("note unchanged")

        def work(tx: _Transaction) -> Note | None:
            if current is None:
                made: Note = tx.add(Note(target=ann.id, text=text, doc_id=ann.doc_id))
                return made
            if not text:
                tx.delete(current.id)
                return None
            changed: Note = tx.update(replace(current, text=text))
            return changed

        return self.run("remove note" if not text else f"note {text}", work)

    def normalise(self, ann_id: str, resource: str, key: str, label: str = "") -> Edit[Normalization]:
        """Link an annotation to a knowledge-base entry (replacing its link, if any)."""
        ann = self.index.get(ann_id)
        if ann is None:
            raise ValueError(f"no annotation {ann_id} in this layer")
        current = self.normalization_of(ann_id)

        def work(tx: _Transaction) -> Normalization:
            if current is None:
                made: Normalization = tx.add(Normalization(target=ann.id, resource=resource, key=key, label=label,
                                                           doc_id=ann.doc_id))
                return made
            changed: Normalization = tx.update(replace(current, resource=resource, key=key, label=label))
            return changed

        return self.run(f"normalise {resource}:{key}", work)

    def remove_normalisation(self, ann_id: str) -> Edit[list[Any]]:
        """Remove an annotation's link to a knowledge base.

        Raises:
            NoChange: it has none.
        """
        current = self.normalization_of(ann_id)
        if current is None:
            raise NoChange("no normalisation")
        return self.run("remove normalisation", lambda tx: tx.delete(current.id))

    # -- deleting and copying ------------------------------------------------------------

    def delete(self, ann_id: str, *, description: str | None = None) -> Edit[list[Any]]:
        """Delete an annotation (an event: with its trigger) and what depends on it.

        Returns:
            The edit; its value lists every annotation deleted or changed, the asked-for one first.
        """
        ann = self.delete_target(ann_id)
        if ann is None:
            raise ValueError(f"no annotation {ann_id} in this layer")
        what = description or f"delete {kind_of(ann)[:-1]} {getattr(ann, 'text', '') or ann.id}"
        target_id: str = ann.id
        return self.run(what, lambda tx: tx.delete(target_id))

    def copy_from(self, source: DocAnnotations, ids: Iterable[str], who: str, *,
                  verb: str = "copy") -> Edit[list[str]]:
        """Copy annotations of another annotator's layer into the store annotator's layer (one action).

        Args:
            source: the other layer (e.g. :attr:`overlay_anns`).
            ids: what to copy (see :func:`copy_annotations`).
            who: whose layer it is (the copies' origin is ``copy:<who>``).
            verb: the logged verb (``copy``, ``copy all``).

        Returns:
            The edit; its value lists the new annotations' ids (reused spans are not listed).
        """
        wanted = list(ids)
        mine = self.store.annotator

        def work(tx: _Transaction) -> list[str]:
            # What the copies are compared with: the store annotator's own layer, read
            # inside the action (it is not the shown one when another layer is viewed).
            target = self.anns if self.annotator == mine else self.store.annotations(self.doc.id, annotators=[mine])
            return copy_annotations(tx, source, wanted, target, f"copy:{who}")

        # Copies go into the store annotator's own layer: allowed while another is viewed.
        return self._run(f"{verb} from {who} ({len(wanted)})", work)
