"""The review queue: document order, accept / reject / skip / back, each decision logged."""

from __future__ import annotations

import pytest

from tests.conftest import SEED
from tui.core.errors import TuiError
from tui.core.model import Argument, Document, Event, Span
from tui.core.review.queue import ReviewQueue
from tui.core.review.suggest import suggest


def add_doc(store, name, text):
    doc, _ = store.add_document(Document(name=name, text=text))
    return doc


def statuses(store, doc):
    return [(s.fragments[0][0], s.status) for s in store.annotations(doc.id).spans]


def review_ops(store):
    return [op for op in store.operations(limit=1000) if op.action.startswith("review:")]


def test_queue_walks_pending_in_document_order_across_documents(store):
    """Items come by document name then position; accepted annotations are not queued."""
    b = add_doc(store, "b", "Basra Basra")
    a = add_doc(store, "a", "Iraq and Basra")
    store.add(Span(label="GPE", fragments=[(6, 11)], doc_id=b.id, status="pending"))
    store.add(Span(label="GPE", fragments=[(0, 5)], doc_id=b.id, status="pending"))
    store.add(Span(label="GPE", fragments=[(9, 14)], doc_id=a.id, status="pending"))
    store.add(Span(label="GPE", fragments=[(0, 4)], doc_id=a.id))  # accepted: not in the queue
    q = ReviewQueue(store)
    assert [(it.doc_name, it.start) for it in q.items] == [("a", 9), ("b", 0), ("b", 6)]
    assert q.progress == (0, 3)
    only_b = ReviewQueue(store, ["b"])
    assert [it.start for it in only_b.items] == [0, 6]


def test_accept_reject_skip_write_statuses_and_count(store):
    """accept/reject are logged actions setting the status; skip writes nothing."""
    doc = add_doc(store, "d", "one two three four")
    for s, e in [(0, 3), (4, 7), (8, 13), (14, 18)]:
        store.add(Span(label="X", fragments=[(s, e)], doc_id=doc.id, status="pending"))
    q = ReviewQueue(store)
    q.accept()
    q.reject()
    q.skip()
    assert q.current.start == 14
    q.accept()
    assert q.finished and q.current is None and q.progress == (4, 4)
    assert dict(q.counts) == {"accept": 2, "reject": 1, "skip": 1}
    assert statuses(store, doc) == [(0, "accepted"), (4, "rejected"), (8, "pending"), (14, "accepted")]
    # newest first: the skip wrote nothing
    assert [op.action for op in review_ops(store)] == [
        "review: accept X", "review: reject X", "review: accept X"]
    with pytest.raises(TuiError, match="finished"):
        q.accept()


def test_back_undoes_previous_decision_with_store_undo(store):
    """back() undoes the last decision through the log (state undone) and returns to its item."""
    doc = add_doc(store, "d", "one two")
    store.add(Span(label="X", fragments=[(0, 3)], doc_id=doc.id, status="pending"))
    store.add(Span(label="X", fragments=[(4, 7)], doc_id=doc.id, status="pending"))
    q = ReviewQueue(store)
    q.accept()
    q.skip()
    item = q.back()  # back over the skip: nothing to undo
    assert item.start == 4 and q.counts["skip"] == 0
    item = q.back()  # back over the accept: undone
    assert item.start == 0 and q.counts["accept"] == 0 and q.position == 0
    assert statuses(store, doc) == [(0, "pending"), (4, "pending")]
    assert store.operations(limit=1)[0].state == "undone"
    assert q.back() is None
    q.reject()
    assert statuses(store, doc)[0] == (0, "rejected")


def test_back_after_other_work_redecides_with_a_new_action(store):
    """When the decision is no longer the latest action, back restores the status by a new action."""
    doc = add_doc(store, "d", "one two")
    store.add(Span(label="X", fragments=[(0, 3)], doc_id=doc.id, status="pending"))
    q = ReviewQueue(store)
    q.accept()
    store.add(Span(label="Y", fragments=[(4, 7)], doc_id=doc.id))  # another action in between
    q.back()
    assert statuses(store, doc) == [(0, "pending"), (4, "accepted")]
    assert store.operations(limit=1)[0].action == "review: back"
    # the in-between work is untouched
    assert [s.label for s in store.annotations(doc.id).spans] == ["X", "Y"]


def test_reader_undo_reverts_a_review_decision(store):
    """Decisions are ordinary logged actions: the reader's undo reverts them."""
    doc = add_doc(store, "d", "one")
    store.add(Span(label="X", fragments=[(0, 3)], doc_id=doc.id, status="pending"))
    ReviewQueue(store).reject()
    assert statuses(store, doc) == [(0, "rejected")]
    store.undo(doc.id)
    assert statuses(store, doc) == [(0, "pending")]


def test_event_is_decided_with_its_pending_trigger(store):
    """A pending event and its pending trigger are one item, accepted together."""
    doc = add_doc(store, "d", "Troops attacked Basra")
    troops = store.add(Span(label="PER", fragments=[(0, 6)], doc_id=doc.id))
    trig = store.add(Span(label="Attack", fragments=[(7, 15)], doc_id=doc.id, status="pending"))
    ev = store.add(Event(type="Attack", trigger=trig.id, doc_id=doc.id, status="pending",
                         arguments=[Argument(role="Attacker", target=troops.id)]))
    q = ReviewQueue(store)
    assert [(it.kind, it.ann_id, it.trigger_id) for it in q.items] == [("events", ev.id, trig.id)]
    q.accept()
    assert store.get(ev.id).status == "accepted" and store.get(trig.id).status == "accepted"
    q.back()
    assert store.get(ev.id).status == "pending" and store.get(trig.id).status == "pending"


def test_fixed_type_before_accept_and_deleted_item(store):
    """An item relabelled in the reader is accepted as fixed; a deleted one is passed as a skip."""
    doc = add_doc(store, "d", "one two")
    a = store.add(Span(label="X", fragments=[(0, 3)], doc_id=doc.id, status="pending"))
    b = store.add(Span(label="X", fragments=[(4, 7)], doc_id=doc.id, status="pending"))
    q = ReviewQueue(store, origin_prefix=None)
    a.label = "Y"
    store.update(a)
    q.accept()
    assert (store.get(a.id).label, store.get(a.id).status) == ("Y", "accepted")
    store.delete(b.id)
    q.accept()
    assert q.counts["skip"] == 1 and q.counts["accept"] == 1


def test_hundred_suggestions_on_the_seed_one_decision_each(store):
    """A reviewer goes through 100 suggestions with one call each; every decision is recorded."""
    from tui.core.formats.text import read_document

    doc, _ = store.add_document(read_document(SEED, "basra-offensive"))
    words = sorted({w for w in doc.text.split() if w.isalpha() and len(w) > 3})
    suggest(store, "gazetteer", gazetteer={w: "MISC" for w in words})
    q = ReviewQueue(store, origin_prefix="suggestion:")
    assert q.total >= 100
    for n in range(100):
        q.decide("accept" if n % 3 else "reject")
    assert q.progress == (100, q.total)
    assert len(review_ops(store)) == 100
    decided = [s for s in store.annotations(doc.id).spans if s.status != "pending"]
    assert len(decided) == 100
    assert sum(s.status == "rejected" for s in decided) == q.counts["reject"] == 34


def test_unknown_decision(store):
    add_doc(store, "d", "x")
    with pytest.raises(TuiError, match="unknown decision"):
        ReviewQueue(store).decide("maybe")
