"""The review queue: walk pending annotations and decide each with one key.

UI-free: the reader's review mode and scripts drive a :class:`ReviewQueue`.
Items are the pending annotations of one document or of the corpus, in
document order (documents by name, then by position in the text). An event
and its pending trigger span are one item; so are a suggested span and the
pending normalisation its source proposed with it (``suggest --source
places``), same origin: one key accepts or rejects the place and its id. Accept and reject are ordinary
logged store actions (undo works from the reader too); skip writes nothing;
back undoes the previous decision (:meth:`Store.undo` when it is still the
latest action, else a new action restoring the statuses) and returns to it.

A bulk decision (:meth:`ReviewQueue.decide_many`) accepts or rejects, as one
logged action, the current item and every undecided item of its document
with the same text and label (``text``), the same label (``label``) or
all of them (``document``); ``back`` takes it back as one step. A pending
coreference link (``suggest --source coref``) is accepted by adding its
mention to the chain (:func:`tui.core.review.coref.accept_link`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tui.core.errors import TuiError
from tui.core.model import KINDS, Equivalence, Event, Span
from tui.core.review import coref

DECISIONS = ("accept", "reject", "skip")
#: Bulk scopes: same text and label, same label, every remaining item of the document.
BULK_SCOPES = ("text", "label", "document")
_STATUS = {"accept": "accepted", "reject": "rejected"}


@dataclass
class ReviewItem:
    """One thing to decide: an annotation (an event carries its trigger along)."""

    doc_id: str
    doc_name: str
    kind: str
    ann_id: str
    start: int
    """Position in the text, for ordering and for the reader to scroll to."""
    end: int
    label: str
    annotator: str
    origin: str
    trigger_id: str | None = None
    """For an event: its trigger span, decided with it when pending."""
    companions: list[str] = field(default_factory=list)
    """For a suggested span: the pending normalisations of the same origin, decided with it."""
    text: str = ""
    """The words: a span's text, an event's trigger text, a coreference link's mention."""


@dataclass
class _Decision:
    index: int
    """The current item when the decision was made."""
    decision: str
    doc_id: str
    seq: int | None
    """The oplog entry written, None for skip."""
    before: dict[str, str]
    """Annotation id -> status before the decision."""
    indices: list[int] = field(default_factory=list)
    """Every item the decision decided (one, or a bulk decision's many)."""
    merged: list[coref.Merged] = field(default_factory=list)
    """Coreference links accepted into their chains (restored by hand when the log cannot undo)."""


class ReviewQueue:
    """Pending annotations in document order, with accept / reject / skip / back.

    Args:
        store: the store; decisions are logged under ``store.annotator``.
        docs: document names (default: every document).
        annotators: only these annotators' annotations (default: all layers).
        origin_prefix: only annotations whose origin starts with this
            (``"suggestion:"`` for suggestions only).
        kinds: annotation kinds to review (default: all).
    """

    def __init__(
        self,
        store: Any,
        docs: list[str] | None = None,
        *,
        annotators: list[str] | None = None,
        origin_prefix: str | None = None,
        kinds: tuple[str, ...] = KINDS,
    ) -> None:
        self.store = store
        self.docs = docs
        self.annotators = annotators
        self.origin_prefix = origin_prefix
        self.kinds = kinds
        self.items: list[ReviewItem] = []
        """The queue, fixed when built (call :meth:`reload` to pick up new items)."""
        self.position = 0
        """Index of the current item: every item before it is decided."""
        self.states: list[str | None] = []
        """Per item: its decision, or None while undecided."""
        self.counts: Counter = Counter({d: 0 for d in DECISIONS})
        """Decisions made so far, per decision."""
        self._log: list[_Decision] = []
        self.reload()

    # -- building ----------------------------------------------------------

    def reload(self) -> None:
        """Rebuild the queue from the store and start from its beginning."""
        names = self.docs or self.store.document_names()
        self.items = []
        for name in names:
            doc = self.store.document(name)
            self.items.extend(self._doc_items(doc))
        self.states = [None] * len(self.items)
        self.position = 0
        self.counts = Counter({d: 0 for d in DECISIONS})
        self._log = []

    def _doc_items(self, doc: Any) -> list[ReviewItem]:
        anns = self.store.annotations(doc.id, annotators=self.annotators)
        by_id = anns.by_id()
        pos: dict[str, tuple[int, int]] = {s.id: (s.fragments[0][0], s.fragments[-1][1]) for s in anns.spans}

        def where(ann_id: str, depth: int = 0) -> tuple[int, int]:
            if ann_id in pos:
                return pos[ann_id]
            ann = by_id.get(ann_id)
            if ann is None or depth > 5:
                return (len(doc.text), len(doc.text))
            refs = ann.references()
            spots = [where(r, depth + 1) for r in refs] or [(len(doc.text), len(doc.text))]
            return min(spots)

        pending_triggers = {
            e.trigger for e in anns.events if e.status == "pending"
        }
        # A suggestion's own pending links (same origin) go with its span when spans are reviewed.
        companions: dict[str, list[str]] = {}
        if "spans" in self.kinds:
            origins = {s.id: s.origin for s in anns.spans if s.status == "pending"}
            for n in anns.normalizations:
                if (n.status == "pending" and n.origin.startswith("suggestion:")
                        and origins.get(n.target) == n.origin):
                    companions.setdefault(n.target, []).append(n.id)
        carried = {i for ids in companions.values() for i in ids}
        items: list[ReviewItem] = []
        for kind in self.kinds:
            for ann in getattr(anns, kind):
                if ann.status != "pending":
                    continue
                if self.origin_prefix and not ann.origin.startswith(self.origin_prefix):
                    continue
                if kind == "spans" and ann.id in pending_triggers and "events" in self.kinds:
                    continue  # decided with its event
                if ann.id in carried:
                    continue  # decided with its span
                start, end = where(ann.id)
                words = _words(ann, by_id)
                if coref.is_link_suggestion(ann):
                    start, end = pos.get(ann.members[1], (start, end))  # at the mention
                trigger = None
                if kind == "events":
                    trig = by_id.get(ann.trigger)
                    trigger = ann.trigger if trig is not None and trig.status == "pending" else None
                items.append(ReviewItem(
                    doc_id=doc.id, doc_name=doc.name, kind=kind, ann_id=ann.id, start=start, end=end,
                    label=ann.display_label, annotator=ann.annotator, origin=ann.origin,
                    trigger_id=trigger, companions=companions.get(ann.id, []) if kind == "spans" else [],
                    text=words,
                ))
        order = {k: i for i, k in enumerate(KINDS)}
        items.sort(key=lambda it: (it.start, it.end, order[it.kind], it.ann_id))
        return items

    # -- state -------------------------------------------------------------

    @property
    def total(self) -> int:
        """Number of items in the queue."""
        return len(self.items)

    @property
    def done(self) -> int:
        """Items decided (accepted, rejected or skipped) so far."""
        return sum(1 for s in self.states if s is not None)

    @property
    def progress(self) -> tuple[int, int]:
        """``(done, total)`` for a progress bar."""
        return (self.done, self.total)

    @property
    def finished(self) -> bool:
        return self.position >= len(self.items)

    @property
    def current(self) -> ReviewItem | None:
        """The item to decide now, or None when the queue is finished."""
        return None if self.finished else self.items[self.position]

    # -- decisions ---------------------------------------------------------

    def decide(self, decision: str) -> ReviewItem | None:
        """Accept, reject or skip the current item and move to the next.

        An annotation edited since the queue was built (type or boundaries
        fixed in the reader) is decided as it is now; one deleted since is
        passed over as a skip.

        Args:
            decision: ``accept``, ``reject`` or ``skip``.

        Returns:
            The next item, or None when the queue is finished.

        Raises:
            TuiError: an unknown decision, or the queue is finished.
        """
        if decision not in DECISIONS:
            raise TuiError(f"unknown decision {decision!r} (one of: {', '.join(DECISIONS)})")
        item = self.current
        if item is None:
            raise TuiError("the review queue is finished")
        if self.store.find(item.ann_id) is None:
            decision = "skip"
        return self._decide([self.position], decision, f"review: {decision} {item.label}")

    def bulk_matches(self, scope: str) -> list[int]:
        """The undecided items a bulk decision of ``scope`` would decide, the current one first.

        Args:
            scope: ``text`` (same kind, label and text), ``label`` (same kind and
                label) or ``document`` (every undecided item), always in the
                current item's document.

        Returns:
            Item indices; empty when the queue is finished.
        """
        if scope not in BULK_SCOPES:
            raise TuiError(f"unknown scope {scope!r} (one of: {', '.join(BULK_SCOPES)})")
        item = self.current
        if item is None:
            return []
        out = [self.position]
        for i in range(self.position + 1, len(self.items)):
            other = self.items[i]
            if self.states[i] is not None or other.doc_id != item.doc_id:
                continue
            if scope != "document" and (other.kind != item.kind or other.label != item.label):
                continue
            if scope == "text" and other.text != item.text:
                continue
            out.append(i)
        return out

    def decide_many(self, decision: str, scope: str) -> ReviewItem | None:
        """Accept or reject the current item and its matches (:meth:`bulk_matches`) as one action.

        Items deleted since the queue was built are passed over as skips.
        :meth:`back` takes the whole decision back in one step.

        Args:
            decision: ``accept`` or ``reject``.
            scope: one of :data:`BULK_SCOPES`.

        Returns:
            The next undecided item, or None when the queue is finished.

        Raises:
            TuiError: another decision, an unknown scope, or the queue is finished.
        """
        if decision not in _STATUS:
            raise TuiError(f"a bulk decision accepts or rejects, not {decision!r}")
        item = self.current
        if item is None:
            raise TuiError("the review queue is finished")
        indices = self.bulk_matches(scope)
        return self._decide(indices, decision, f"review: {decision} {len(indices)} × {item.label}")

    def _decide(self, indices: list[int], decision: str, description: str) -> ReviewItem | None:
        """Decide the items at ``indices`` (the current one first) in one store action."""
        item = self.items[indices[0]]
        seq = None
        before: dict[str, str] = {}
        merged: list[coref.Merged] = []
        if decision != "skip":
            status = _STATUS[decision]
            changed = False
            with self.store.action(description, item.doc_id) as tx:
                for i in indices:
                    for t in self._targets(self.items[i]):
                        before[t.id] = t.status
                        if t.status == status:
                            continue
                        changed = True
                        if status == "accepted" and coref.is_link_suggestion(t):
                            done = coref.accept_link(tx, t)
                            if done is not None:
                                merged.append(done)
                        else:
                            t.status = status
                            tx.update(t)
            # Nothing changed means nothing was logged: there is nothing to undo.
            seq = self._last_seq(item.doc_id) if changed else None
        self._log.append(_Decision(self.position, decision, item.doc_id, seq, before, list(indices), merged))
        for i in indices:
            self.states[i] = decision
        self.counts[decision] += len(indices)
        self._advance()
        return self.current

    def _targets(self, item: ReviewItem) -> list[Any]:
        """The annotations an item's decision sets: itself, its pending trigger and companions."""
        ann = self.store.find(item.ann_id)
        if ann is None:
            return []
        targets = [ann]
        for other_id in ([item.trigger_id] if item.trigger_id else []) + item.companions:
            other = self.store.find(other_id)
            if other is not None and other.status == "pending":
                targets.append(other)
        return targets

    def _advance(self) -> None:
        while self.position < len(self.items) and self.states[self.position] is not None:
            self.position += 1

    def accept(self) -> ReviewItem | None:
        """Accept the current item (see :meth:`decide`)."""
        return self.decide("accept")

    def reject(self) -> ReviewItem | None:
        """Reject the current item (see :meth:`decide`)."""
        return self.decide("reject")

    def skip(self) -> ReviewItem | None:
        """Leave the current item pending and move on (see :meth:`decide`)."""
        return self.decide("skip")

    def back(self) -> ReviewItem | None:
        """Take back the previous decision and make its item current again.

        An accept or reject is undone with :meth:`Store.undo` when it is
        still the reviewer's latest action on that document; otherwise the
        statuses it changed are restored by a new logged action.

        Returns:
            The item to decide again, or None when there was no decision.
        """
        if not self._log:
            return None
        last = self._log.pop()
        if last.seq is not None:
            if self._last_seq(last.doc_id) == last.seq:
                self.store.undo(last.doc_id)
            else:
                with self.store.action("review: back", last.doc_id) as tx:
                    for done in last.merged:
                        coref.restore_link(tx, done)
                    for ann_id, status in last.before.items():
                        ann = self.store.find(ann_id)
                        if ann is not None and ann.status != status:
                            ann.status = status
                            tx.update(ann)
        for i in last.indices:
            self.states[i] = None
        self.counts[last.decision] -= len(last.indices)
        self.position = last.index
        return self.current

    def _last_seq(self, doc_id: str) -> int | None:
        return self.store.last_done_seq(doc_id)


def _words(ann: Any, by_id: dict[str, Any]) -> str:
    """The text an item stands for: a span's, an event's trigger's, a coreference link's mention's."""
    if isinstance(ann, Span):
        return ann.text
    if isinstance(ann, Event):
        trigger = by_id.get(ann.trigger)
        return trigger.text if isinstance(trigger, Span) else ""
    if isinstance(ann, Equivalence) and ann.members:
        mention = by_id.get(ann.members[-1])
        return mention.text if isinstance(mention, Span) else ""
    return ""
