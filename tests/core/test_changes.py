"""The typed change set a store action returns (tui.core.store.changes)."""

from __future__ import annotations

from tui.core.model import Document, Span
from tui.core.store import Store


def _store(tmp_path):
    store = Store(tmp_path / "c.db", annotator="ann")
    doc = Document(id="d1", name="d1", text="Basra fell to the army.")
    store.add_document(doc)
    return store, doc


def test_tag_then_retype_is_one_net_change_per_annotation(tmp_path):
    store, doc = _store(tmp_path)
    with store.action("add", doc.id) as tx:
        tx.add(Span(id="s1", doc_id=doc.id, label="GPE", fragments=[(0, 5)], text="Basra",
                         annotator="ann"))
    changes = store.last_change_set.annotations(doc.id, "ann")
    assert [(c.kind, c.id, c.old, c.new.label) for c in changes] == [("spans", "s1", None, "GPE")]
    assert not store.last_change_set.needs_reload(doc.id)
    assert store.last_change_set.annotations(doc.id, "someone else") == []
    store.undo(doc.id)
    undone = store.last_change_set.annotations(doc.id, "ann")
    assert [(c.kind, c.id, c.old.label, c.new) for c in undone] == [("spans", "s1", "GPE", None)]
