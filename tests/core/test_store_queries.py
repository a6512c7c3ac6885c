"""The store's typed queries for search, statistics, agreement, adjudication, review and merge,
and the change set the store records natively (tui.core.store)."""

from __future__ import annotations

from tui.core.model import DocAnnotations, Document, Span
from tui.core.store import Store
from tui.core.store.changes import ChangeSet, RowChange
from tui.core.store.counts import AnnotationCount, DocStatus
from tui.core.store.search import SpanRow, TextMatch


def _corpus(store: Store) -> tuple[Document, Document]:
    """Two documents: alice and bob tag the first, carol the second (one span rejected)."""
    a = Document(id="da", name="a", text="Basra fell to the army in Basra.")
    b = Document(id="db", name="b", text="Baghdad was quiet.")
    store.import_documents([
        (a, DocAnnotations(spans=[
            Span(id="s1", label="GPE", fragments=[(0, 5)], annotator="alice"),
            Span(id="s2", label="GPE", fragments=[(26, 31)], annotator="bob"),
            Span(id="s3", label="ORG", fragments=[(18, 22)], annotator="bob", status="pending"),
        ])),
        (b, DocAnnotations(spans=[
            Span(id="s4", label="GPE", fragments=[(0, 7)], annotator="carol", status="rejected"),
        ])),
    ])
    return a, b


def test_change_set_is_recorded_once_per_action_undo_and_redo(store):
    """The store keeps the change set the transaction built: the same object on every read,
    replaced by the next action, undo or redo; the log form (last_changes) stays in step."""
    a, _ = _corpus(store)
    assert store.last_change_set.bulk and store.last_change_set.rows == ()  # the import
    span = store.add(Span(doc_id=a.id, label="LOC", fragments=[(14, 17)]))
    first = store.last_change_set
    assert store.last_change_set is first
    assert first == ChangeSet((RowChange("spans", None, store.last_changes[0]["after"]),))
    assert first.rows[0].after["id"] == span.id  # type: ignore[index]
    store.undo(a.id)
    undone = store.last_change_set
    assert undone is not first and undone.rows[0].before["id"] == span.id  # type: ignore[index]
    assert undone.rows[0].after is None
    store.redo(a.id)
    assert store.last_change_set.rows[0].after["id"] == span.id  # type: ignore[index]
    assert [c["table"] for c in store.last_changes] == ["spans"]


def test_operation_change_set_types_the_logged_rows(store):
    a, _ = _corpus(store)
    store.add(Span(id="s9", doc_id=a.id, label="LOC", fragments=[(14, 17)]))
    op = store.operations(a.id, limit=1)[0]
    assert [(r.table, r.before, r.after["id"]) for r in op.change_set.rows] == [  # type: ignore[index]
        ("spans", None, "s9")]


def test_span_annotators_and_documents_with_spans(store):
    a, b = _corpus(store)
    assert store.span_annotators() == ["alice", "bob"]  # carol's only span is rejected
    assert store.span_annotators(a.id, exclude="alice") == ["bob"]
    assert store.span_annotators(b.id, status="rejected") == ["carol"]
    assert store.documents_with_spans_of(["carol"]) == {b.id}
    assert store.documents_with_spans_of(["alice", "bob"]) == {a.id}


def test_annotation_counts_and_statuses(store):
    a, b = _corpus(store)
    store.set_doc_status(a.id, "done", "bob")
    counts = store.annotation_counts()
    origin = store.get("s2").origin
    assert AnnotationCount("spans", a.id, "GPE", "bob", "accepted", origin, 1) in counts
    assert sum(c.total for c in counts) == 4
    assert {c.doc_id for c in store.annotation_counts([b.id])} == {b.id}
    assert store.doc_statuses() == [DocStatus(a.id, "bob", "done")]
    assert store.document_names_by_id() == {a.id: "a", b.id: "b"}


def test_last_done_seq_follows_undo(store):
    a, _ = _corpus(store)
    assert store.last_done_seq(a.id) is None  # the import is not an action on one document
    store.add(Span(doc_id=a.id, label="LOC", fragments=[(14, 17)]))
    seq = store.last_done_seq(a.id)
    assert seq == store.operations(a.id, limit=1)[0].seq
    store.undo(a.id)
    assert store.last_done_seq(a.id) is None
    assert store.last_done_seq(a.id, "bob") is None


def test_search_queries_are_typed_and_retry_unparsable_queries(store):
    a, b = _corpus(store)
    assert store.match_documents("basra") == [TextMatch(a.id, "a", a.text)]
    assert store.match_documents("basra", [b.id]) == []
    assert store.match_documents("army.") == [TextMatch(a.id, "a", a.text)]  # FTS5 syntax error: quoted
    marked = store.highlight(a.id, "army", "<", ">")
    assert marked == "Basra fell to the <army> in Basra."
    rows = store.span_rows(labels=["GPE"], statuses=["accepted"])
    assert [r.id for r in rows] == ["s1", "s2"] and isinstance(rows[0], SpanRow)
    assert rows[0] == SpanRow("s1", a.id, "a", "GPE", 0, 5, "alice", "accepted", "Basra")
    assert store.match_texts("basr*", ["Basra", "army", "in Basra"]) == {0, 2}


def test_text_of_leaves_the_open_documents_cache_alone(store):
    a, b = _corpus(store)
    store.document_text(a.id)
    assert store.text_of(b.id) == b.text
    assert set(store._texts) == {a.id}


def test_merge_from_an_open_database(tmp_path, store):
    _corpus(store)
    other = Store(tmp_path / "other.db", annotator="dan")
    try:
        other.import_documents([(store.document("a"), DocAnnotations()), (store.document("b"), DocAnnotations())])
        doc = other.document("a")
        other.add(Span(id="s7", doc_id=doc.id, label="LOC", fragments=[(14, 17)]))
        assert other.format_version() == store.format_version()
        report = store.merge_from([("other.db", other)], "merge other.db")
    finally:
        other.close()
    assert (report.documents_matched, report.annotations_added, report.annotations_identical) == (2, 1, 0)
    assert report.per_annotator == {"dan": 1} and report.conflicts == []
    assert store.find("s7") is not None
    assert store.operations(limit=1)[0].action == "merge other.db"


def test_next_document_follows_the_library_order_and_skips_done(tmp_path):
    """next_document walks names in the library's order, stops at the ends, and can skip this annotator's done ones."""
    from tui.core.model import Document
    from tui.core.store import Store

    with Store(tmp_path / "n.db", annotator="alice") as store:
        for name in ("b", "a", "d", "c"):
            store.add_document(Document(name=name, text=f"{name}\n"))
        assert [store.next_document(n) for n in ("a", "b", "c", "d")] == ["b", "c", "d", None]
        assert [store.next_document(n, backwards=True) for n in ("a", "b", "d")] == [None, "a", "c"]
        assert store.next_document("") == "a"
        store.set_doc_status(store.document("b").id, "done")
        store.set_doc_status(store.document("c").id, "in-progress")
        store.set_doc_status(store.document("d").id, "done", annotator="bob")
        assert store.next_document("a", unless_status="done") == "c"
        assert store.next_document("c", unless_status="done") == "d"  # bob's done is not alice's
        assert store.next_document("c", unless_status="done", annotator="bob") is None
        assert store.next_document("", unless_status="done") == "a"
