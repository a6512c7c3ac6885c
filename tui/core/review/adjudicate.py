"""Adjudication: walk the disagreements between annotators and build a gold layer.

An *item* is a place in a document where layers can differ:

- a span item: one set of fragments (spans that are triggers of the layer's
  events are left to their event);
- an event item: one trigger position, compared by event type and
  arguments (role, filler fragments and label);
- a relation item: one unordered pair of argument positions, compared by
  type, roles and direction.

Each annotator has a *version* of an item (possibly none). Layers agree on
an item when every annotator has the same, non-empty version. Taking a
version copies those annotations into the target layer (annotator
``gold`` by default) with new ids and origin ``adjudication``, together
with what they need (trigger and filler spans) and what hangs on them
(attributes, normalisations, notes). Taking *none* writes rejected copies,
so the decision is recorded and undoable like any other; the spans such a
rejected event or relation needs are marked ``adjudication:support`` and do
not count as decisions on their own positions. An item is resolved when
the target layer has a (non-support) annotation there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tui.core.errors import TuiError
from tui.core.model import (
    Argument,
    Attribute,
    DocAnnotations,
    Event,
    Normalization,
    Note,
    Relation,
    Span,
)

ORIGIN = "adjudication"
SUPPORT = "adjudication:support"
TARGET = "gold"

Frags = tuple[tuple[int, int], ...]


@dataclass
class Version:
    """One annotator's version of an item: the annotations and a comparable signature."""

    annotator: str
    ann_ids: list[str]
    signature: tuple
    summary: str
    """Short human-readable form, e.g. ``PER`` or ``Attack Attacker=troops Place=Basra``."""


@dataclass
class Item:
    """A place where layers may differ, with each annotator's version."""

    kind: str
    """``span``, ``event`` or ``relation``."""
    doc_id: str
    key: tuple
    start: int
    end: int
    text: str
    versions: dict[str, Version] = field(default_factory=dict)
    """Annotator -> version; annotators with nothing there are absent."""
    annotators: list[str] = field(default_factory=list)
    resolved: bool = False
    """The target layer already decided this place."""
    gold: str = ""
    """Summary of the target layer's decision, when resolved."""

    @property
    def agreed(self) -> bool:
        """Every annotator has the same, non-empty version."""
        sigs = {v.signature for v in self.versions.values()}
        return len(self.versions) == len(self.annotators) and len(sigs) == 1

    def summary_of(self, annotator: str) -> str:
        v = self.versions.get(annotator)
        return v.summary if v else "-"


def _frags(span: Span) -> Frags:
    return tuple((start, end) for start, end in span.fragments)


class _Index:
    """One layer of one document, indexed by item key."""

    def __init__(self, anns: DocAnnotations) -> None:
        self.anns = anns
        self.by_id = anns.by_id()
        self.spans = {s.id: s for s in anns.spans}
        self.events_by_id = {e.id: e for e in anns.events}
        triggers = {e.trigger for e in anns.events}
        self.items: dict[tuple, list[Any]] = {}
        for s in anns.spans:
            if s.id not in triggers:
                self.items.setdefault(("span", _frags(s)), []).append(s)
        for e in anns.events:
            trig = self.spans.get(e.trigger)
            if trig is not None:
                self.items.setdefault(("event", _frags(trig)), []).append(e)
        for r in anns.relations:
            a, b = (self.position(x.target) for x in r.arguments)
            if a is not None and b is not None:
                self.items.setdefault(("relation", tuple(sorted((a, b)))), []).append(r)

    def position(self, ann_id: str) -> Frags | None:
        """Fragments standing for an annotation: a span's own, an event's trigger's."""
        if ann_id in self.spans:
            return _frags(self.spans[ann_id])
        ev = self.events_by_id.get(ann_id)
        if ev is not None and ev.trigger in self.spans:
            return _frags(self.spans[ev.trigger])
        return None

    def label(self, ann_id: str) -> str:
        ann = self.by_id.get(ann_id)
        return ann.type_name if ann is not None else ""

    def signature(self, ann: Any) -> tuple:
        if isinstance(ann, Span):
            return (ann.label,)
        if isinstance(ann, Event):
            args = tuple(sorted((a.role, self.position(a.target) or (), self.label(a.target))
                                for a in ann.arguments))
            return (ann.type, args)
        (a1, a2) = ann.arguments
        return (ann.type, a1.role, self.position(a1.target), a2.role, self.position(a2.target))

    def summary(self, anns: list[Any], text: str) -> str:
        parts = []
        for ann in anns:
            if isinstance(ann, Span):
                parts.append(ann.label)
            elif isinstance(ann, Event):
                args = " ".join(f"{a.role}={_cover(text, self.position(a.target))}" for a in ann.arguments)
                parts.append(f"{ann.type} {args}".strip())
            else:
                (a1, a2) = ann.arguments
                parts.append(f"{ann.type} {a1.role}={_cover(text, self.position(a1.target))} "
                             f"{a2.role}={_cover(text, self.position(a2.target))}")
        return " | ".join(sorted(parts))


def _cover(text: str, frags: Frags | None) -> str:
    if not frags:
        return "?"
    return " ".join(text[s:e] for s, e in frags)


def items(
    store: Any, doc: str, annotators: list[str], *, target: str = TARGET,
    statuses: Iterable[str] = ("accepted",),
) -> list[Item]:
    """Every item of a document where any of the annotators has something, in text order.

    Args:
        store: the store.
        doc: document name or id.
        annotators: two or more layers to compare.
        target: the layer decisions go into (its state marks items resolved).
        statuses: which annotations of the compared layers count.

    Returns:
        The items, agreed and not, each marked resolved or not.
    """
    names = list(dict.fromkeys(annotators))
    if len(names) < 2:
        raise TuiError("adjudication needs at least two different annotators (--annotators A,B)")
    if target in names:
        raise TuiError(f"the target layer {target!r} cannot be one of the compared annotators")
    d = store.document(doc)
    layers = {a: _Index(store.annotations(d.id, annotators=[a], statuses=list(statuses))) for a in names}
    gold = _Index(store.annotations(d.id, annotators=[target]))
    keys: dict[tuple, None] = {}
    for layer in layers.values():
        keys.update(dict.fromkeys(layer.items))
    out: list[Item] = []
    for key in keys:
        kind = key[0]
        frags = key[1] if kind != "relation" else (key[1][0] + key[1][1])
        start = min(s for s, _ in frags)
        end = max(e for _, e in frags)
        item = Item(kind=kind, doc_id=d.id, key=key, start=start, end=end,
                    text=_cover(d.text, key[1]) if kind != "relation"
                    else f"{_cover(d.text, key[1][0])} ~ {_cover(d.text, key[1][1])}",
                    annotators=names)
        for a, layer in layers.items():
            anns = layer.items.get(key)
            if anns:
                item.versions[a] = Version(
                    annotator=a, ann_ids=[x.id for x in anns],
                    signature=tuple(sorted(layer.signature(x) for x in anns)),
                    summary=layer.summary(anns, d.text),
                )
        decided = [x for x in gold.items.get(key, []) if x.origin != SUPPORT]
        if decided:
            item.resolved = True
            accepted = [x for x in decided if x.status == "accepted"]
            item.gold = gold.summary(accepted, d.text) if accepted else "(none)"
        out.append(item)
    order = {"span": 0, "event": 1, "relation": 2}
    out.sort(key=lambda it: (it.start, it.end, order[it.kind], repr(it.key)))
    return out


def disagreements(store: Any, doc: str, annotators: list[str], *, target: str = TARGET,
                  statuses: Iterable[str] = ("accepted",)) -> list[Item]:
    """Items the annotators do not agree on and the target layer has not decided yet.

    Args:
        store: the store.
        doc: document name or id.
        annotators: the layers to compare.
        target: the target layer.
        statuses: which annotations of the compared layers count.

    Returns:
        The remaining disagreements, in text order (their count is what is left to do).
    """
    return [it for it in items(store, doc, annotators, target=target, statuses=statuses)
            if not it.agreed and not it.resolved]


def take(store: Any, item: Item, choice: str, *, target: str = TARGET) -> list[str]:
    """Decide an item: take one annotator's version, all versions, or none.

    Args:
        store: the store; one logged action (part of the enclosing one, if any).
        item: the item, from :func:`items` or :func:`disagreements`.
        choice: an annotator's name, ``all`` or ``none``. Taking an
            annotator who has nothing there means the target has nothing.
        target: the layer written to.

    Returns:
        Ids of the target-layer annotations written or changed.

    Raises:
        TuiError: a choice that is none of the item's annotators, all, none.
    """
    if choice not in ("all", "none") and choice not in item.annotators:
        raise TuiError(f"cannot take {choice!r}: choose one of {', '.join(item.annotators)}, all or none")
    versions = list(item.versions.values())
    if choice == "all":
        chosen, status = versions, "accepted"
    elif choice == "none" or choice not in item.versions:
        chosen, status = versions, "rejected"
    else:
        chosen, status = [item.versions[choice]], "accepted"
    with store.action(f"adjudicate {item.kind} {item.text[:30]} <- {choice}", item.doc_id) as tx:
        copier = _Copier(store, tx, item.doc_id, target)
        seen: set[tuple] = set()
        written: list[str] = []
        for version in chosen:
            layer = _Index(store.annotations(item.doc_id, annotators=[version.annotator]))
            for ann_id in version.ann_ids:
                ann = layer.by_id[ann_id]
                sig = layer.signature(ann)
                if sig in seen:
                    continue  # the same decision from two annotators: one copy
                seen.add(sig)
                written.append(copier.copy(ann, layer, status, ORIGIN))
        return written


def auto(store: Any, doc: str, annotators: list[str], *, target: str = TARGET,
         statuses: Iterable[str] = ("accepted",)) -> tuple[int, list[Item]]:
    """Take every item all annotators agree on into the target layer, as one action.

    Args:
        store: the store.
        doc: document name or id.
        annotators: the layers to compare.
        target: the target layer.
        statuses: which annotations of the compared layers count.

    Returns:
        How many items were taken, and the disagreements left.
    """
    todo = [it for it in items(store, doc, annotators, target=target, statuses=statuses)
            if it.agreed and not it.resolved]
    if todo:
        with store.action(f"adjudicate: take {len(todo)} agreed item(s)", todo[0].doc_id):
            for it in todo:
                take(store, it, it.annotators[0], target=target)
    return len(todo), disagreements(store, doc, annotators, target=target, statuses=statuses)


class _Copier:
    """Copies annotations into the target layer within one transaction, reusing what is there."""

    def __init__(self, store: Any, tx: Any, doc_id: str, target: str) -> None:
        self.store = store
        self.tx = tx
        self.doc_id = doc_id
        self.target = target
        self.memo: dict[str, str] = {}

    def _gold(self) -> _Index:
        # Re-read each time: earlier copies of this action must be found.
        return _Index(self.store.annotations(self.doc_id, annotators=[self.target]))

    def copy(self, ann: Any, layer: _Index, status: str, origin: str) -> str:
        if ann.id in self.memo:
            return self.memo[ann.id]
        gold = self._gold()
        support_status = status
        support_origin = origin if status == "accepted" else SUPPORT
        if isinstance(ann, Span):
            new_id = self._span(ann, gold, status, origin)
        elif isinstance(ann, Event):
            trigger = self.copy(layer.by_id[ann.trigger], layer, support_status, support_origin)
            args = [Argument(role=a.role, target=self.copy(layer.by_id[a.target], layer, support_status,
                                                           support_origin))
                    for a in ann.arguments if a.target in layer.by_id]
            new = Event(type=ann.type, trigger=trigger, arguments=args, doc_id=self.doc_id,
                        annotator=self.target, origin=origin, status=status, source_id=ann.source_id)
            new_id = self._reuse_or_add(new, gold, layer_sig=layer.signature(ann))
        else:
            args = [Argument(role=a.role, target=self.copy(layer.by_id[a.target], layer, support_status,
                                                           support_origin))
                    for a in ann.arguments]
            relation = Relation(type=ann.type, arguments=args, doc_id=self.doc_id,
                                annotator=self.target, origin=origin, status=status,
                                source_id=ann.source_id)
            new_id = self._reuse_or_add(relation, gold, layer_sig=layer.signature(ann))
        self.memo[ann.id] = new_id
        if status == "accepted":
            self._dependents(ann, layer, new_id)
        return new_id

    def _span(self, span: Span, gold: _Index, status: str, origin: str) -> str:
        for g in gold.anns.spans:
            if _frags(g) == _frags(span) and g.label == span.label:
                # Reuse it; a real decision overrides a support or rejected copy.
                stronger = (g.status != "accepted" and status == "accepted") or (
                    g.origin == SUPPORT and origin != SUPPORT)
                if stronger:
                    g.status, g.origin = status, origin
                    self.tx.update(g)
                return g.id
        new = Span(label=span.label, fragments=list(span.fragments), doc_id=self.doc_id,
                   annotator=self.target, origin=origin, status=status, source_id=span.source_id)
        return self.tx.add(new).id

    def _reuse_or_add(self, new: Any, gold: _Index, layer_sig: tuple) -> str:
        kind = new.KIND
        for g in getattr(gold.anns, kind):
            if gold.signature(g) == layer_sig and _position_key(gold, g) == _position_key_new(gold, new, self.store):
                if g.status != new.status and new.status == "accepted":
                    g.status, g.origin = new.status, new.origin
                    self.tx.update(g)
                return g.id
        return self.tx.add(new).id

    def _dependents(self, ann: Any, layer: _Index, new_id: str) -> None:
        for a in layer.anns.attributes:
            if a.target == ann.id:
                self.tx.add(Attribute(target=new_id, name=a.name, value=a.value, doc_id=self.doc_id,
                                      annotator=self.target, origin=ORIGIN, status="accepted"))
        for n in layer.anns.normalizations:
            if n.target == ann.id:
                self.tx.add(Normalization(target=new_id, resource=n.resource, key=n.key, label=n.label,
                                          doc_id=self.doc_id, annotator=self.target, origin=ORIGIN,
                                          status="accepted"))
        for note in layer.anns.notes:
            if note.target == ann.id:
                self.tx.add(Note(target=new_id, type=note.type, text=note.text, doc_id=self.doc_id,
                                 annotator=self.target, origin=ORIGIN, status="accepted"))


def _position_key(index: _Index, ann: Any) -> Any:
    if isinstance(ann, Event):
        return index.position(ann.trigger)
    return tuple(sorted(index.position(a.target) or () for a in ann.arguments))


def _position_key_new(index: _Index, ann: Any, store: Any) -> Any:
    """Position of an annotation not yet in the index (its references are)."""
    def pos(ann_id: str) -> Frags | None:
        found = index.position(ann_id)
        if found is not None:
            return found
        other = store.find(ann_id)
        if isinstance(other, Span):
            return _frags(other)
        if isinstance(other, Event):
            trig = store.find(other.trigger)
            return _frags(trig) if trig is not None else None
        return None

    if isinstance(ann, Event):
        return pos(ann.trigger)
    return tuple(sorted(pos(a.target) or () for a in ann.arguments))
