"""Merging databases: documents by name+sha256, annotations by id, conflicts never overwrite."""

from __future__ import annotations

import pytest

from tests.conftest import db_snapshot
from tui.core.errors import StoreError
from tui.core.model import Document, Span
from tui.core.review.merge import merge
from tui.core.store import Store


@pytest.fixture
def other(tmp_path, store):
    """bob's database: the same document (same text), a new one, and a clashing one."""
    store.add_document(Document(name="shared", text="Sadr met Maliki in Basra."))
    store.add_document(Document(name="clash", text="our version"))
    path = tmp_path / "bob.db"
    s = Store(path, annotator="bob")
    s.add_document(Document(name="shared", text="Sadr met Maliki in Basra."))
    s.add_document(Document(name="new", text="Only bob has this."))
    s.add_document(Document(name="clash", text="bob's version"))
    doc = s.document("shared")
    s.add(Span(label="PER", fragments=[(0, 4)], doc_id=doc.id))
    s.add(Span(label="GPE", fragments=[(19, 24)], doc_id=doc.id, status="pending", origin="suggestion:x"))
    s.add(Span(label="PER", fragments=[(0, 4)], doc_id=s.document("new").id))
    s.add(Span(label="LOC", fragments=[(0, 3)], doc_id=s.document("clash").id))
    s.set_doc_status(doc.id, "done")
    s.close()
    return path


def test_merge_brings_new_work_keeping_annotators_and_ids(store, other):
    """New documents and annotations arrive with ids, annotator, origin and status kept."""
    report = merge(store, [other])
    assert (report.documents_added, report.documents_matched, report.annotations_added) == (1, 1, 3)
    assert report.per_annotator == {"bob": 3}
    shared = store.document("shared")
    spans = store.annotations(shared.id).spans
    assert [(s.text, s.annotator, s.status, s.origin) for s in spans] == [
        ("Sadr", "bob", "accepted", "manual"), ("Basra", "bob", "pending", "suggestion:x")]
    theirs = Store(other, readonly=True)
    assert {s.id for s in spans} == {s.id for s in theirs.annotations(theirs.document("shared").id).spans}
    theirs.close()
    assert shared.status == {"bob": "done"}
    assert store.document("new").text == "Only bob has this."
    (conflict,) = report.conflicts
    assert str(conflict).startswith(f"{other}: document clash: text differs (sha256 ")
    assert str(conflict).endswith(f"{store.document('clash').sha256[:12]} here); skipped with its annotations")
    assert store.annotations(store.document("clash").id).spans == []


def test_merge_again_is_identical_and_changed_annotation_is_a_conflict(store, other):
    """A second merge adds nothing; an annotation changed here is reported, never overwritten."""
    merge(store, [other])
    span = store.annotations(store.document("shared").id).spans[0]
    span.label = "ORG"
    store.update(span)
    report = merge(store, [other])
    assert report.annotations_added == 0 and report.annotations_identical == 2
    conflicts = [c for c in report.conflicts if c.kind == "spans"]
    assert len(conflicts) == 1 and conflicts[0].key == span.id
    assert "label" in conflicts[0].reason and "kept this database's version" in conflicts[0].reason
    assert store.get(span.id).label == "ORG"


def test_merge_is_one_action_undone_at_once(store, other):
    """The merge is one logged action: undo removes everything it brought."""
    before = db_snapshot(store.path)
    merge(store, [other])
    assert store.undo(None) is not None
    after = db_snapshot(store.path)
    assert after["spans"] == before["spans"] and after["documents"] == before["documents"]


def test_merge_missing_or_self_or_not_a_database(store, tmp_path, other):
    """Bad inputs raise before anything is written."""
    before = db_snapshot(store.path)
    with pytest.raises(StoreError, match="no such database"):
        merge(store, [other, tmp_path / "missing.db"])
    with pytest.raises(StoreError, match="being merged into"):
        merge(store, [store.path])
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not sqlite at all, sorry")
    with pytest.raises(StoreError):
        merge(store, [junk])
    assert db_snapshot(store.path) == before


def test_merge_old_version_database(store, tmp_path):
    """An older database is migrated in a temporary copy; the file itself is untouched."""
    import shutil

    from tests.conftest import DATA

    path = tmp_path / "v1.db"
    shutil.copy(DATA / "db" / "v1.db", path)
    before = db_snapshot(path)
    report = merge(store, [path])
    assert report.documents_added == 1 and report.annotations_added == 4
    assert db_snapshot(path) == before
    assert [h.text for h in store.annotations(store.document("v1-article").id).spans] == ["Iraqi", "attacked", "Basra"]
