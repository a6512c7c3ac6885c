"""Bulk review: one decision for every pending item of the document with the same text and label,
the same label, or all of them; one logged action, taken back in one step."""

from __future__ import annotations

import pytest

from tui.core.errors import TuiError
from tui.core.model import Document, Normalization, Span
from tui.core.review.queue import ReviewQueue


def pending(store, doc, start, end, label, origin="suggestion:test"):
    return store.add(Span(label=label, fragments=[(start, end)], doc_id=doc.id, status="pending", origin=origin))


@pytest.fixture
def doc(store):
    # 0 Basra 6 Iraq 11 Basra 17 Iraq 22 Sadr 27 Basra
    d, _ = store.add_document(Document(name="d", text="Basra Iraq Basra Iraq Sadr Basra"))
    return d


def status_at(store, doc):
    return {(s.start, s.label): s.status for s in store.annotations(doc.id).spans}


def test_bulk_accept_same_text_and_label_is_one_action_and_one_back(store, doc):
    """`text` decides the current item and the later ones with the same words and label, in one action."""
    pending(store, doc, 0, 5, "GPE")
    pending(store, doc, 6, 10, "GPE")
    pending(store, doc, 11, 16, "GPE")
    pending(store, doc, 27, 32, "LOC")  # same words, another label: left pending
    pending(store, doc, 27, 32, "GPE")
    q = ReviewQueue(store)
    assert len(q.bulk_matches("text")) == 3
    ops_before = len(store.operations(limit=1000))
    nxt = q.decide_many("accept", "text")
    assert len(store.operations(limit=1000)) == ops_before + 1
    assert nxt.start == 6 and q.done == 3 and q.counts["accept"] == 3
    assert status_at(store, doc) == {(0, "GPE"): "accepted", (6, "GPE"): "pending", (11, "GPE"): "accepted",
                                     (27, "GPE"): "accepted", (27, "LOC"): "pending"}
    q.accept()  # Iraq
    assert q.current.start == 27 and q.current.label == "LOC"
    q.back()
    q.back()  # the bulk decision, in one step
    assert q.position == 0 and q.done == 0 and q.counts["accept"] == 0
    assert set(status_at(store, doc).values()) == {"pending"}


def test_bulk_reject_label_and_document_scopes(store, doc):
    """`label` takes every undecided item of that label; `document` every undecided item."""
    pending(store, doc, 0, 5, "GPE")
    pending(store, doc, 6, 10, "GPE")
    pending(store, doc, 22, 26, "PER")
    pending(store, doc, 27, 32, "GPE")
    q = ReviewQueue(store)
    assert len(q.bulk_matches("label")) == 3 and len(q.bulk_matches("document")) == 4
    q.decide_many("reject", "label")
    assert q.current.label == "PER" and q.counts["reject"] == 3
    assert q.decide_many("accept", "document") is None
    assert q.finished and q.progress == (4, 4)
    assert status_at(store, doc)[(22, "PER")] == "accepted"


def test_bulk_stays_in_the_current_document(store, doc):
    """Another document's items are never decided by a bulk decision."""
    other, _ = store.add_document(Document(name="e", text="Basra"))
    pending(store, doc, 0, 5, "GPE")
    pending(store, other, 0, 5, "GPE")
    q = ReviewQueue(store)
    assert q.bulk_matches("text") == [0]
    q.decide_many("accept", "document")
    assert q.current.doc_name == "e"
    assert store.annotations(other.id).spans[0].status == "pending"


def test_bulk_carries_companions_and_store_undo_takes_it_back_in_one_step(store, doc):
    """A suggestion's pending normalisation goes with it; the reader's undo undoes the whole bulk."""
    a = pending(store, doc, 0, 5, "GPE", origin="suggestion:places")
    b = pending(store, doc, 11, 16, "GPE", origin="suggestion:places")
    for s in (a, b):
        store.add(Normalization(target=s.id, resource="geonames", key="99062", label="Basra", doc_id=doc.id,
                                status="pending", origin="suggestion:places"))
    q = ReviewQueue(store)
    assert q.total == 2
    q.decide_many("accept", "text")
    anns = store.annotations(doc.id)
    assert {x.status for x in anns.spans} | {n.status for n in anns.normalizations} == {"accepted"}
    store.undo(doc.id)
    anns = store.annotations(doc.id)
    assert {x.status for x in anns.spans} | {n.status for n in anns.normalizations} == {"pending"}


def test_bulk_refuses_skip_and_unknown_scope(store, doc):
    """Only accept and reject can be bulk decisions; scopes are text, label, document."""
    pending(store, doc, 0, 5, "GPE")
    q = ReviewQueue(store)
    with pytest.raises(TuiError):
        q.decide_many("skip", "text")
    with pytest.raises(TuiError):
        q.bulk_matches("corpus")
