"""Layers: reading one annotator's layer (and an overlay), and copying from another layer."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from tui.core.model import (
    Argument,
    Attribute,
    DocAnnotations,
    Equivalence,
    Event,
    Normalization,
    Note,
    Relation,
    Span,
)

if TYPE_CHECKING:
    from tui.core.store import Store, _Transaction


def load_layers(store: Store, doc_id: str, layer: str, overlay: str | None) -> tuple[DocAnnotations, DocAnnotations]:
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


def annotator_counts(store: Store, doc_id: str) -> Counter[str]:
    """Annotators with annotations in a document, with how many (rejected left out)."""
    return Counter(a.annotator for a in store.annotations(doc_id).all() if a.status != "rejected")


class _Mine:
    """The target layer, indexed by what makes two annotations the same (so a copy is made once)."""

    def __init__(self, target: DocAnnotations) -> None:
        live = [a for a in target.all() if a.status != "rejected"]
        self.spans: dict[tuple[Any, ...], str] = {}
        self.events: dict[tuple[str, str], Event] = {}
        self.relations: dict[tuple[Any, ...], str] = {}
        self.sets: list[Equivalence] = []
        self.hanging: dict[tuple[Any, ...], str] = {}
        for ann in live:
            self.add(ann)

    def add(self, ann: Any) -> None:
        """Index an annotation of the layer (one just written, too)."""
        if isinstance(ann, Span):
            self.spans[_span_key(ann)] = ann.id
        elif isinstance(ann, Event):
            self.events[(ann.type, ann.trigger)] = ann
        elif isinstance(ann, Relation):
            self.relations[_relation_key(ann)] = ann.id
        elif isinstance(ann, Equivalence):
            self.sets = [e for e in self.sets if e.id != ann.id] + [ann]
        else:
            self.hanging[_hanging_key(ann)] = ann.id


def _span_key(span: Span) -> tuple[Any, ...]:
    return tuple(tuple(f) for f in span.fragments), span.label


def _relation_key(relation: Relation) -> tuple[Any, ...]:
    return relation.type, tuple((a.role, a.target) for a in relation.arguments)


def _hanging_key(ann: Attribute | Normalization | Note) -> tuple[Any, ...]:
    if isinstance(ann, Attribute):
        return "attribute", ann.target, ann.name, ann.value
    if isinstance(ann, Normalization):
        return "normalization", ann.target, ann.resource, ann.key
    return "note", ann.target, ann.type, ann.text


def copy_annotations(tx: _Transaction, source: DocAnnotations, ids: Iterable[str], target: DocAnnotations,
                     origin: str) -> list[str]:
    """Copy annotations of another layer into the current one, inside an open store action.

    What a copied annotation needs comes along (an event's trigger and
    fillers, a relation's arguments); what hangs on it (attributes,
    normalisations, notes) too. Copying is idempotent: what the target layer
    already has is reused, never doubled — a span with the same fragments and
    type, an event of the same type on the same trigger (it gains the
    arguments it lacks), the same relation, a coreference set sharing a
    member (it gains the members it lacks), the same attribute value,
    normalisation or note on the same annotation. So copying twice, or
    copying everything after copying one annotation, adds nothing the second
    time. Copies are accepted, with new ids and the given origin, in the
    store's annotator's layer.

    Args:
        tx: the open store action.
        source: the layer copied from.
        ids: the annotations to copy (spans that are triggers bring their event).
        target: the current layer (for reuse).
        origin: e.g. ``copy:bob``.

    Returns:
        Ids of the new annotations, in order (reused or grown ones are not listed).
    """
    by_id = source.by_id()
    event_of_trigger = {e.trigger: e for e in source.events}
    mine = _Mine(target)
    memo: dict[str, str] = {}
    written: list[str] = []

    def add(new: Any) -> str:
        made = tx.add(new)
        mine.add(made)
        written.append(made.id)
        return str(made.id)

    def copy(ann_id: str) -> str | None:
        if ann_id in memo:
            return memo[ann_id]
        ann = by_id.get(ann_id)
        if ann is None or ann.status == "rejected":
            return None
        found = _copy_one(ann, copy, add, mine, tx, origin)
        if found is not None:
            memo[ann_id] = found
        return found

    wanted = []
    for ann_id in ids:
        wanted.append(ann_id)
        if ann_id in event_of_trigger:
            wanted.append(event_of_trigger[ann_id].id)
    for ann_id in wanted:
        copy(ann_id)
    # What hangs on a copied annotation comes along.
    hanging: list[Attribute | Normalization | Note] = [*source.attributes, *source.normalizations, *source.notes]
    for dep in hanging:
        if dep.target in memo:
            copy(dep.id)
    return written


def _copy_one(ann: Any, copy: Callable[[str], str | None], add: Callable[[Any], str], mine: _Mine,
              tx: _Transaction, origin: str) -> str | None:
    """The id in the target layer of one copied annotation: reused, grown, or new; None when it cannot be."""
    doc_id = ann.doc_id
    if isinstance(ann, Span):
        key = _span_key(ann)
        if key in mine.spans:
            return mine.spans[key]
        return add(Span(label=ann.label, fragments=[(f[0], f[1]) for f in ann.fragments], doc_id=doc_id,
                        origin=origin))
    if isinstance(ann, Event):
        trigger = copy(ann.trigger)
        if trigger is None:
            return None
        args = [Argument(role=a.role, target=t) for a in ann.arguments if (t := copy(a.target)) is not None]
        have = mine.events.get((ann.type, trigger))
        if have is None:
            return add(Event(type=ann.type, trigger=trigger, arguments=args, doc_id=doc_id, origin=origin))
        known = {(a.role, a.target) for a in have.arguments}
        more = [a for a in args if (a.role, a.target) not in known]
        if more:
            mine.add(tx.update(replace(have, arguments=[*have.arguments, *more])))
        return have.id
    if isinstance(ann, Relation):
        args = [Argument(role=a.role, target=t) for a in ann.arguments if (t := copy(a.target)) is not None]
        if len(args) != 2:
            return None
        relation = Relation(type=ann.type, arguments=args, doc_id=doc_id, origin=origin)
        return mine.relations.get(_relation_key(relation)) or add(relation)
    if isinstance(ann, Equivalence):
        members = [m for m in (copy(x) for x in ann.members) if m is not None]
        if len(members) < 2:
            return None
        have_set = next((e for e in mine.sets if e.type == ann.type and set(members) & set(e.members)), None)
        if have_set is None:
            return add(Equivalence(type=ann.type, members=members, doc_id=doc_id, origin=origin))
        missing = [m for m in members if m not in have_set.members]
        if missing:
            mine.add(tx.update(replace(have_set, members=[*have_set.members, *missing])))
        return have_set.id
    target_id = copy(ann.target)
    if target_id is None:
        return None
    new: Attribute | Normalization | Note
    if isinstance(ann, Attribute):
        new = Attribute(target=target_id, name=ann.name, value=ann.value, doc_id=doc_id, origin=origin)
    elif isinstance(ann, Normalization):
        new = Normalization(target=target_id, resource=ann.resource, key=ann.key, label=ann.label,
                            doc_id=doc_id, origin=origin)
    else:
        new = Note(target=target_id, type=ann.type, text=ann.text, doc_id=doc_id, origin=origin)
    return mine.hanging.get(_hanging_key(new)) or add(new)
