"""The store: every kind round-trips, actions are logged, undo/redo survive reopening."""

from __future__ import annotations

import sqlite3

import pytest

from tui.core.errors import InputError, StoreError
from tui.core.model import (
    Argument,
    Attribute,
    Document,
    Equivalence,
    Event,
    Normalization,
    Note,
    Relation,
    Span,
)
from tui.core.store import Store

TEXT = "\ufeffAl-Sadr 👩‍👩‍👧 met 中文 officials in Basra.\r\nThey attacked."


@pytest.fixture
def doc(store):
    d, created = store.add_document(Document(name="n/one", text=TEXT))
    assert created
    return d


def _pos(sub: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(sub, start + 1)
    return start, start + len(sub)


def test_every_kind_round_trips(store, doc, db_path):
    """Each annotation kind is stored and read back equal, after reopening too."""
    per = store.add(Span(doc_id=doc.id, label="PER", fragments=[_pos("Al-Sadr")]))
    gpe = store.add(Span(doc_id=doc.id, label="GPE", fragments=[_pos("Basra")]))
    disc = store.add(Span(doc_id=doc.id, label="ORG", fragments=[_pos("中文"), _pos("officials")]))
    trig = store.add(Span(doc_id=doc.id, label="Meet", fragments=[_pos("met")]))
    ev = store.add(Event(doc_id=doc.id, type="Meet", trigger=trig.id,
                         arguments=[Argument(role="Entity", target=per.id), Argument(role="Place", target=gpe.id)]))
    rel = store.add(Relation(doc_id=doc.id, type="PHYS", arguments=[
        Argument(role="Arg-1", target=per.id), Argument(role="Arg-2", target=gpe.id)]))
    eq = store.add(Equivalence(doc_id=doc.id, type="Coref", members=[per.id, disc.id]))
    att = store.add(Attribute(doc_id=doc.id, target=ev.id, name="Polarity", value="Positive"))
    norm = store.add(Normalization(doc_id=doc.id, target=gpe.id, resource="Wikidata", key="Q48195", label="Basra"))
    note = store.add(Note(doc_id=doc.id, target=per.id, text="\t leading tab and spaces kept "))
    assert disc.text == "中文 officials"
    assert per.text == "Al-Sadr"
    assert per.id and per.created and per.annotator == "alice"

    store.close()
    again = Store(db_path, annotator="alice")
    anns = again.annotations(doc.id)
    by_id = anns.by_id()
    for original in (per, gpe, disc, trig, ev, rel, eq, att, norm, note):
        assert by_id[original.id] == original
    again.close()


def test_span_offsets_are_code_points_with_bom_and_crlf(store, doc):
    """Offsets index the stored text: the BOM counts, CRLF is two characters."""
    start, end = _pos("They")
    span = store.add(Span(doc_id=doc.id, label="PER", fragments=[(start, end)]))
    assert TEXT[start - 2 : start] == "\r\n"
    assert span.text == "They"
    assert store.document(doc.id).text == TEXT


def test_span_past_end_is_refused(store, doc):
    with pytest.raises(InputError):
        store.add(Span(doc_id=doc.id, label="PER", fragments=[(0, len(TEXT) + 1)]))
    assert store.annotations(doc.id).spans == []


def test_same_name_same_text_is_noop_and_different_text_refused(store, doc):
    """Re-adding an identical document changes nothing; a changed text is refused."""
    _, created = store.add_document(Document(name="n/one", text=TEXT))
    assert not created
    with pytest.raises(InputError, match="different text"):
        store.add_document(Document(name="n/one", text=TEXT + "x"))
    assert store.document("n/one").text == TEXT


def test_undo_redo_survive_reopen(store, doc, db_path):
    """Undo and redo work per annotator and document, across a reopen."""
    a = store.add(Span(doc_id=doc.id, label="PER", fragments=[_pos("Al-Sadr")]))
    b = store.add(Span(doc_id=doc.id, label="GPE", fragments=[_pos("Basra")]))
    a.label = "ORG"
    store.update(a)
    store.close()

    s2 = Store(db_path, annotator="alice")
    op = s2.undo(doc.id)
    assert op is not None and op.action.startswith("edit")
    assert s2.get(a.id).label == "PER"
    s2.undo(doc.id)
    assert s2.find(b.id) is None
    s2.close()

    s3 = Store(db_path, annotator="alice")
    s3.redo(doc.id)
    assert s3.get(b.id).label == "GPE"
    s3.redo(doc.id)
    assert s3.get(a.id).label == "ORG"
    assert s3.redo(doc.id) is None
    s3.close()


def test_new_action_clears_redo(store, doc):
    a = store.add(Span(doc_id=doc.id, label="PER", fragments=[_pos("Al-Sadr")]))
    store.undo(doc.id)
    store.add(Span(doc_id=doc.id, label="GPE", fragments=[_pos("Basra")]))
    assert store.redo(doc.id) is None
    assert store.find(a.id) is None


def test_undo_is_per_annotator(db_path, doc, store):
    """Bob's undo does not undo Alice's work."""
    a = store.add(Span(doc_id=doc.id, label="PER", fragments=[_pos("Al-Sadr")]))
    bob = Store(db_path, annotator="bob")
    assert bob.undo(doc.id) is None
    assert bob.get(a.id)
    bob.close()


def test_undo_refuses_when_row_changed_by_someone_else(db_path, doc, store):
    a = store.add(Span(doc_id=doc.id, label="PER", fragments=[_pos("Al-Sadr")]))
    bob = Store(db_path, annotator="bob")
    s = bob.get(a.id)
    s.label = "ORG"
    bob.update(s)
    with pytest.raises(StoreError, match="changed since"):
        store.undo(doc.id)
    assert store.get(a.id).label == "ORG"
    bob.close()


def test_delete_cascades_and_undo_restores_everything(store, doc):
    """Deleting a span removes what depends on it; undo brings all of it back."""
    per = store.add(Span(doc_id=doc.id, label="PER", fragments=[_pos("Al-Sadr")]))
    gpe = store.add(Span(doc_id=doc.id, label="GPE", fragments=[_pos("Basra")]))
    org = store.add(Span(doc_id=doc.id, label="ORG", fragments=[_pos("officials")]))
    trig = store.add(Span(doc_id=doc.id, label="Meet", fragments=[_pos("met")]))
    ev = store.add(Event(doc_id=doc.id, type="Meet", trigger=trig.id,
                         arguments=[Argument(role="Entity", target=per.id), Argument(role="Place", target=gpe.id)]))
    rel = store.add(Relation(doc_id=doc.id, type="PHYS", arguments=[
        Argument(role="Arg-1", target=per.id), Argument(role="Arg-2", target=gpe.id)]))
    eq = store.add(Equivalence(doc_id=doc.id, type="Coref", members=[per.id, gpe.id, org.id]))
    note = store.add(Note(doc_id=doc.id, target=gpe.id, text="x"))
    before = store.annotations(doc.id)

    store.delete(gpe.id)
    after = store.annotations(doc.id)
    ids = after.by_id()
    assert gpe.id not in ids and rel.id not in ids and note.id not in ids
    assert [a.target for a in ids[ev.id].arguments] == [per.id]
    assert ids[eq.id].members == [per.id, org.id]

    store.undo(doc.id)
    assert store.annotations(doc.id) == before


def test_deleting_trigger_deletes_event(store, doc):
    trig = store.add(Span(doc_id=doc.id, label="Attack", fragments=[_pos("attacked")]))
    ev = store.add(Event(doc_id=doc.id, type="Attack", trigger=trig.id))
    att = store.add(Attribute(doc_id=doc.id, target=ev.id, name="Tense", value="Past"))
    store.delete(trig.id)
    assert store.find(ev.id) is None and store.find(att.id) is None


def test_reference_to_missing_annotation_is_refused(store, doc):
    with pytest.raises(Exception, match="missing"):
        store.add(Note(doc_id=doc.id, target="nope", text="x"))


def test_history_lists_actions_on_an_annotation(store, doc):
    a = store.add(Span(doc_id=doc.id, label="PER", fragments=[_pos("Al-Sadr")]))
    a.label = "ORG"
    store.update(a)
    hist = store.history(a.id)
    assert [h.action.split()[0] for h in hist] == ["add", "edit"]
    assert all(h.annotator == "alice" for h in hist)


def test_import_is_one_logged_operation_and_undoable(store):
    from tui.core.model import DocAnnotations

    items = [(Document(name=f"d{i}", text=f"text {i}"), DocAnnotations(
        spans=[Span(label="PER", fragments=[(0, 4)])])) for i in range(3)]
    before = store.conn.execute("SELECT count(*) FROM oplog").fetchone()[0]
    result = store.import_documents(items)
    assert result.documents_added == 3 and result.annotations_added == 3
    assert store.conn.execute("SELECT count(*) FROM oplog").fetchone()[0] == before + 1
    store.undo(None)
    assert store.document_names() == []
    store.redo(None)
    assert store.document_names() == ["d0", "d1", "d2"]
    assert [s.text for s in store.annotations(store.document("d1").id).spans] == ["text"]
    store.undo(None)
    assert store.document_names() == []


def test_import_is_all_or_nothing(store):
    from tui.core.model import DocAnnotations

    items = [
        (Document(name="ok", text="fine"), DocAnnotations()),
        (Document(name="bad", text="short"), DocAnnotations(spans=[Span(label="PER", fragments=[(0, 99)])])),
    ]
    with pytest.raises(InputError):
        store.import_documents(items)
    assert store.document_names() == []


def test_doc_status_per_annotator(store, doc, db_path):
    store.set_doc_status(doc.id, "done")
    bob = Store(db_path, annotator="bob")
    bob.set_doc_status(doc.id, "in-progress")
    assert bob.document(doc.id).status == {"alice": "done", "bob": "in-progress"}
    bob.close()


def test_pragmas(store):
    """WAL, synchronous=FULL (2), foreign keys, a busy timeout."""
    c = store.conn
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert c.execute("PRAGMA synchronous").fetchone()[0] == 2
    assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert c.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_readonly_store_refuses_writes(db_path, store, doc):
    store.close()
    ro = Store(db_path, readonly=True)
    assert ro.document(doc.id).text == TEXT
    with pytest.raises(StoreError, match="read-only"):
        ro.add(Span(doc_id=doc.id, label="PER", fragments=[(1, 3)]))
    ro.close()


def test_not_sqlite_is_refused(tmp_path):
    p = tmp_path / "x.db"
    p.write_bytes(b"this is not a database at all, just text\n" * 10)
    with pytest.raises(StoreError, match="not a SQLite database"):
        Store(p)
    assert p.read_bytes().startswith(b"this is not")


def test_newer_version_is_refused(tmp_path):
    p = tmp_path / "new.db"
    Store(p).close()
    conn = sqlite3.connect(p)
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        Store(p)


def test_check_finds_tampered_rows(store, doc):
    store.add(Span(doc_id=doc.id, label="PER", fragments=[_pos("Al-Sadr")]))
    assert store.check() == []
    store.conn.execute("UPDATE spans SET text = 'XX'")
    store.conn.execute("UPDATE documents SET sha256 = 'abc'")
    problems = store.check()
    assert any("sha256" in p for p in problems)
    assert any("stored text 'XX'" in p for p in problems)


def test_reimport_with_fresh_ids_matches_by_source_id(store):
    """Importing the same file twice (fresh ids, same source ids) adds nothing the second time."""
    from tui.core.model import DocAnnotations
    from tui.core.store import new_id

    def items():
        t1, t2 = new_id(), new_id()
        return [(Document(name="b", text="Alice met Bob"), DocAnnotations(
            spans=[Span(id=t1, source_id="T1", label="PER", fragments=[(0, 5)]),
                   Span(id=t2, source_id="T2", label="PER", fragments=[(10, 13)])],
            equivalences=[Equivalence(id=new_id(), source_id="*1", type="Coref", members=[t1, t2])]))]

    first = store.import_documents(items())
    second = store.import_documents(items())
    assert first.annotations_added == 3
    assert second.annotations_added == 0 and second.annotations_unchanged == 3
    anns = store.annotations(store.document("b").id)
    assert len(anns.spans) == 2 and len(anns.equivalences) == 1


def test_last_changes_describe_each_action_undo_and_redo(store, doc):
    """An incremental reader can follow actions, undo and redo from store.last_changes."""
    a = store.add(Span(doc_id=doc.id, label="PER", fragments=[_pos("Al-Sadr")]))
    assert [(c["table"], c["before"], c["after"]["id"]) for c in store.last_changes] == [("spans", None, a.id)]
    store.undo(doc.id)
    assert [(c["table"], c["before"]["id"], c["after"]) for c in store.last_changes] == [("spans", a.id, None)]
    store.redo(doc.id)
    assert store.last_changes[0]["after"]["label"] == "PER"


def test_new_ids_are_uuid7_and_sorted_in_creation_order():
    """Ids are RFC 9562 version 7 UUIDs; ids made one after another sort in that order."""
    import uuid

    from tui.core.store import new_id

    ids = [new_id() for _ in range(5000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    u = uuid.UUID(ids[0])
    assert u.version == 7 and u.variant == uuid.RFC_4122


def test_annotations_decode_exactly_as_from_row(store, doc):
    """The bulk read (fast path for one fragment, shared strings) gives what from_row gives, row by row."""
    from tui.core.store import COLUMNS, _q, from_row

    store.add(Span(doc_id=doc.id, label="PER", fragments=[_pos("Al-Sadr")]))
    store.add(Span(doc_id=doc.id, label="ORG", fragments=[_pos("中文"), _pos("officials")]))
    trig = store.add(Span(doc_id=doc.id, label="Meet", fragments=[_pos("met")], source_id="T3"))
    odd = store.add(Span(doc_id=doc.id, label="GPE", fragments=[_pos("Basra")]))
    store.add(Event(doc_id=doc.id, type="Meet", trigger=trig.id, arguments=[Argument(role="Place", target=odd.id)]))
    # Fragments written without the spaces json.dumps puts in (an older writer, a hand edit):
    # the fast path must not trust a string it did not make.
    s, e = _pos("Basra")
    store.conn.execute("UPDATE spans SET fragments = ? WHERE id = ?", (f"[[{s},{e}]]", odd.id))
    got = store.annotations(doc.id)
    for kind in ("spans", "events"):
        cols = COLUMNS[kind]
        order = 'start, "end", id' if kind == "spans" else "id"
        rows = store.conn.execute(f"SELECT {', '.join(_q(c) for c in cols)} FROM {kind} ORDER BY {order}")
        expected = [from_row(kind, dict(zip(cols, r, strict=True))) for r in rows]
        assert getattr(got, kind) == expected
        assert all(type(f) is tuple for a in got.spans for f in a.fragments)


def test_document_text_shares_the_read_text_and_follows_changes(store, doc, db_path):
    """Reading a document seeds the text cache with the same string (no second copy);
    a change by this connection or by another one is seen, not the cached text."""
    assert store.has_document(doc.name) and store.has_document(doc.id) and not store.has_document("nope")
    d = store.document(doc.name)
    assert store.document_text(d.id) is d.text  # one copy, not two
    store.replace_document_text(d.id, Document(name=d.name, text=TEXT + " Again."))
    assert store.document_text(d.id) == TEXT + " Again."
    d = store.document(doc.name)
    assert store.document_text(d.id) is d.text
    with Store(db_path, annotator="bob") as other:
        other.replace_document_text(d.id, Document(name=d.name, text=TEXT))
    assert store.document_text(d.id) == TEXT
    # A read inside an action may see the action's own uncommitted text: not cached.
    with pytest.raises(RuntimeError), store.action("edit", d.id) as tx:
        tx.put_row("documents", {**store._row("documents", d.id), "text": "uncommitted"})
        assert store.document(d.id).text == "uncommitted"
        raise RuntimeError("roll back")
    assert store.document_text(d.id) == TEXT


def test_text_read_inside_a_rolled_back_action_is_not_served_afterwards(store, doc):
    """document_text() inside an action sees the action's own text; after a rollback the
    committed text is served again, not what was read inside."""
    d = store.document(doc.name)
    committed = store.document_text(d.id)
    with pytest.raises(RuntimeError), store.action("edit", d.id) as tx:
        tx.put_row("documents", {**store._row("documents", d.id), "text": "uncommitted"})
        assert store.document_text(d.id) == "uncommitted"
        raise RuntimeError("roll back")
    assert store.document_text(d.id) == committed


def test_duplicate_check_of_a_tag_reads_the_spans_at_its_offset_only(store, doc):
    """The check for an identical span (two instances tagging the same words) is an index
    look-up on (doc_id, start), not a scan of every span of the document."""
    store.unique_spans = True
    store.add(Span(doc_id=doc.id, label="PER", fragments=[_pos("Al-Sadr")]))
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        again = store.add(Span(doc_id=doc.id, label="PER", fragments=[_pos("Al-Sadr")]))
    finally:
        store.conn.set_trace_callback(None)
    assert store.last_duplicates == [again.id]
    check = next(s for s in statements if s.startswith("SELECT id FROM spans"))
    plan = " ".join(str(r[-1]) for r in store.conn.execute(f"EXPLAIN QUERY PLAN {check}"))
    assert "spans_doc (doc_id=? AND start=?)" in plan


def test_history_follows_later_actions_undo_and_other_processes(store, doc, db_path):
    """history() asked again for one annotation shows what was done to it since: new
    actions, an undo's state, another process's action; never the actions of others."""
    a = store.add(Span(doc_id=doc.id, label="PER", fragments=[_pos("Al-Sadr")]))
    other = store.add(Span(doc_id=doc.id, label="GPE", fragments=[_pos("Basra")]))
    assert [h.action.split()[0] for h in store.history(a.id)] == ["add"]
    a.label = "ORG"
    store.update(a)
    assert [(h.action.split()[0], h.state) for h in store.history(a.id)] == [("add", "done"), ("edit", "done")]
    store.undo(doc.id)
    assert [(h.action.split()[0], h.state) for h in store.history(a.id)] == [("add", "done"), ("edit", "undone")]
    with Store(db_path, annotator="bob") as bob:
        note = bob.add(Note(doc_id=doc.id, target=a.id, text="check"))
        bob.delete(note.id)
    assert [h.annotator for h in store.history(a.id)] == ["alice", "alice"]  # a note is not the span
    bob_span = store.get(a.id)
    with Store(db_path, annotator="bob") as bob:
        bob_span.label = "GPE"
        bob.update(bob_span)
    assert [(h.annotator, h.state) for h in store.history(a.id)] == [
        ("alice", "done"), ("alice", "undone"), ("bob", "done")]
    assert [h.action.split()[0] for h in store.history(other.id)] == ["add"]


def test_history_asked_again_reads_only_the_newer_entries(store, doc):
    """A second history() of one annotation scans only the log entries added since the first."""
    a = store.add(Span(doc_id=doc.id, label="PER", fragments=[_pos("Al-Sadr")]))
    store.history(a.id)
    store.add(Span(doc_id=doc.id, label="GPE", fragments=[_pos("Basra")]))
    (last,) = store.conn.execute("SELECT max(seq) FROM oplog").fetchone()
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        assert [h.action.split()[0] for h in store.history(a.id)] == ["add"]
    finally:
        store.conn.set_trace_callback(None)
    scans = [s for s in statements if "instr(changes" in s]
    assert scans and all(f"seq > {last - 1}" in s for s in scans)


def test_history_reads_an_imports_long_entry_once_and_again_after_its_undo(store):
    """An import's log entry (every id it inserted) is read by the first history() only;
    later calls search the kept text; its undo, which rewrites the entry, is seen."""
    from tui.core.model import DocAnnotations

    text = "Basra is calm. Iraqi troops left."
    store.import_documents([(Document(name="d", text=text), DocAnnotations(spans=[
        Span(label="GPE", fragments=[(0, 5)]) for _ in range(300)]))])
    doc = store.document("d")
    first, second = store.annotations(doc.id).spans[:2]
    (seq,) = store.conn.execute("SELECT max(seq) FROM oplog").fetchone()
    (op,) = store.history(first.id)
    assert op.seq == seq
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        assert [op.seq for op in store.history(second.id)] == [seq]
    finally:
        store.conn.set_trace_callback(None)
    reads = [s for s in statements if "changes" in s and "CASE WHEN" not in s]
    assert all(f"NOT IN ({seq})" in s for s in reads if "instr(" in s)
    assert not [s for s in reads if "instr(" not in s and f"seq = {seq}" in s]
    assert store.undo(op.doc_id) is not None
    undone = store.history(second.id)
    assert [op.state for op in undone] == ["undone"]
    assert not any("bulk" in change for change in undone[0].changes)  # the rewritten entry
