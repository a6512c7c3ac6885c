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
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tui.core.errors import TuiError
from tui.core.model import KINDS

DECISIONS = ("accept", "reject", "skip")
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


@dataclass
class _Decision:
    index: int
    decision: str
    doc_id: str
    seq: int | None
    """The oplog entry written, None for skip."""
    before: dict[str, str]
    """Annotation id -> status before the decision."""


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
        """Index of the current item; equals the number of decisions made."""
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
                trigger = None
                if kind == "events":
                    trig = by_id.get(ann.trigger)
                    trigger = ann.trigger if trig is not None and trig.status == "pending" else None
                items.append(ReviewItem(
                    doc_id=doc.id, doc_name=doc.name, kind=kind, ann_id=ann.id, start=start, end=end,
                    label=ann.display_label, annotator=ann.annotator, origin=ann.origin,
                    trigger_id=trigger, companions=companions.get(ann.id, []) if kind == "spans" else [],
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
        return self.position

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
        ann = self.store.find(item.ann_id)
        if ann is None:
            decision = "skip"
        seq = None
        before: dict[str, str] = {}
        if decision != "skip":
            status = _STATUS[decision]
            targets = [ann]
            if item.trigger_id:
                trig = self.store.find(item.trigger_id)
                if trig is not None and trig.status == "pending":
                    targets.append(trig)
            for other_id in item.companions:
                other = self.store.find(other_id)
                if other is not None and other.status == "pending":
                    targets.append(other)
            changed = False
            with self.store.action(f"review: {decision} {item.label}", item.doc_id) as tx:
                for t in targets:
                    before[t.id] = t.status
                    if t.status != status:
                        t.status = status
                        tx.update(t)
                        changed = True
            # Nothing changed means nothing was logged: there is nothing to undo.
            seq = self._last_seq(item.doc_id) if changed else None
        self._log.append(_Decision(self.position, decision, item.doc_id, seq, before))
        self.counts[decision] += 1
        self.position += 1
        return self.current

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
                    for ann_id, status in last.before.items():
                        ann = self.store.find(ann_id)
                        if ann is not None and ann.status != status:
                            ann.status = status
                            tx.update(ann)
        self.counts[last.decision] -= 1
        self.position = last.index
        return self.current

    def _last_seq(self, doc_id: str) -> int | None:
        return self.store.last_done_seq(doc_id)
