"""Layers: reading one annotator's layer (and an overlay), and copying from another layer."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
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


def copy_annotations(tx: _Transaction, source: DocAnnotations, ids: Iterable[str], target: DocAnnotations,
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
        Ids of the new annotations, in order (reused spans are not listed).
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
            new = Span(label=ann.label, fragments=[(f[0], f[1]) for f in ann.fragments], doc_id=doc_id,
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
        new_id: str = tx.add(new).id
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
    hanging: list[Attribute | Normalization | Note] = [*source.attributes, *source.normalizations, *source.notes]
    for dep in hanging:
        if dep.target in memo:
            copy(dep.id)
    return written
