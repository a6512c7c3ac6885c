"""Corpus search: FTS5 over documents and spans, KWIC with code-point offsets, kept in sync."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.conftest import DATA, SEED, db_snapshot
from tui.core.errors import InputError
from tui.core.model import Document, Span
from tui.core.search import format_hit, printable, search
from tui.core.store import Store, migrations


def add_doc(store, name, text):
    doc, _ = store.add_document(Document(name=name, text=text))
    return doc


def test_document_search_kwic_offsets_are_code_points(store):
    """Hits give left/match/right and offsets that index the text, also after emoji and CRLF."""
    text = "👩‍👩‍👧 Families fled.\r\nIn Basra, basra's markets closed; Basran traders left."
    add_doc(store, "emoji", text)
    hits = search(store, "basra", context=10)
    expected = [m.start() for m in re.finditer(r"(?i)(?<!\w)basra(?!\w)", text)]
    assert [h.start for h in hits] == expected and len(expected) == 2
    for h in hits:
        assert text[h.start:h.end] == h.match and h.match.lower() == "basra"
        assert h.left == text[max(0, h.start - 10):h.start] and h.right == text[h.end:h.end + 10]
        assert h.doc_name == "emoji" and h.annotation_id is None


def test_phrase_prefix_boolean_and_doc_filter(store):
    """FTS5 syntax works: phrases are one hit, prefixes match, --doc restricts."""
    seed = SEED.read_text(encoding="utf-8")
    add_doc(store, "seed", seed)
    add_doc(store, "other", "A Basra offensive, again. Basrawi.")
    phrase = search(store, '"Basra offensive"')
    assert [(h.doc_name, h.match) for h in phrase] == [("other", "Basra offensive")]
    prefix = search(store, "basra*", docs=["other"])
    assert [h.match for h in prefix] == ["Basra", "Basrawi"]
    both = search(store, "militias AND Sadr", docs=["seed"])
    assert {h.match.lower() for h in both} == {"militias", "sadr"}
    assert search(store, "militias AND zebra") == []
    assert len(search(store, "basra", limit=3)) == 3


def test_free_text_that_is_not_fts_syntax_is_searched_word_by_word(store):
    """'Al-Maliki' or 'Basra.' are not FTS5 syntax errors for the user."""
    text = SEED.read_text(encoding="utf-8")
    add_doc(store, "seed", text)
    hits = search(store, "Al-Maliki")
    assert [text[h.start:h.end] for h in hits] == ["Al-Maliki"] * text.count("Al-Maliki")
    assert search(store, "Basra.")
    with pytest.raises(InputError, match="empty search query"):
        search(store, "  ")


def test_annotation_search_by_text_type_annotator_status(store):
    """Annotations are found by text and filtered by type, annotator and status."""
    doc = add_doc(store, "d", "Sadr met Maliki in Basra; Sadr left Basra.")
    store.add(Span(label="PER", fragments=[(0, 4)], doc_id=doc.id))
    store.add(Span(label="PER", fragments=[(26, 30)], doc_id=doc.id, annotator="bob", status="pending"))
    store.add(Span(label="GPE", fragments=[(19, 24)], doc_id=doc.id))
    store.add(Span(label="LOC", fragments=[(36, 41)], doc_id=doc.id, annotator="bob"))
    assert [(h.start, h.label) for h in search(store, "sadr", annotations=True)] == [(0, "PER"), (26, "PER")]
    assert [h.start for h in search(store, "sadr", annotators=["bob"])] == [26]
    assert [h.start for h in search(store, "", types=["GPE", "LOC"])] == [19, 36]
    assert [h.start for h in search(store, "", statuses=["pending"])] == [26]
    hit = search(store, "basra", types=["LOC"])[0]
    assert (hit.match, hit.annotator, hit.status, hit.left[-5:]) == ("Basra", "bob", "accepted", "left ")


def test_annotation_search_follows_every_write_path(store):
    """Add, edit, delete, undo and redo are seen by the next annotation search."""
    doc = add_doc(store, "d", "Sadr met Maliki.")
    span = store.add(Span(label="PER", fragments=[(0, 4)], doc_id=doc.id))
    assert len(search(store, "sadr", annotations=True)) == 1
    span.fragments = [(9, 15)]
    store.update(span)
    assert search(store, "sadr", annotations=True) == []
    assert [h.match for h in search(store, "maliki", annotations=True)] == ["Maliki"]
    store.undo(doc.id)
    assert [h.match for h in search(store, "sadr", annotations=True)] == ["Sadr"]
    store.redo(doc.id)
    store.delete(span.id)
    assert search(store, "maliki", annotations=True) == []
    store.undo(doc.id)
    assert len(search(store, "maliki", annotations=True)) == 1
    store.conn.execute("INSERT INTO documents_fts(documents_fts) VALUES('integrity-check')")


def test_document_index_follows_undo_of_an_import(store):
    """Undoing the import of a document removes it from the index (triggers on every path)."""
    add_doc(store, "keep", "alpha")
    add_doc(store, "gone", "alpha beta")
    assert [h.doc_name for h in search(store, "alpha")] == ["gone", "keep"]
    store.undo(None)
    assert [h.doc_name for h in search(store, "alpha")] == ["keep"] and search(store, "beta") == []
    store.redo(None)
    assert [h.doc_name for h in search(store, "beta")] == ["gone"]
    store.conn.execute("INSERT INTO documents_fts(documents_fts) VALUES('integrity-check')")


def test_index_survives_vacuum(store):
    """VACUUM cannot detach the index: it is keyed by an INTEGER PRIMARY KEY, not implicit rowids."""
    docs = [add_doc(store, f"d{i}", f"word{i} shared") for i in range(5)]
    for d in docs[:3]:
        store.conn.execute("DELETE FROM documents WHERE id = ?", (d.id,))
    store.conn.execute("VACUUM")
    assert [h.doc_name for h in search(store, "shared")] == ["d3", "d4"]
    assert [h.match for h in search(store, "word4")] == ["word4"]


def test_printable_and_format_hit_never_emit_control_characters(store):
    """Context with ESC, BEL, bidi overrides and newlines is shown escaped, on one line."""
    add_doc(store, "evil", "ok\x1b[31mRED\x07 \u202eBasra\u202c\nnext line")
    (hit,) = search(store, "basra")
    line = format_hit(hit)
    assert "\x1b" not in line and "\x07" not in line and "\u202e" not in line and "\n" not in line
    assert "\\x1b[31mRED\\x07 \\u202e[Basra]" in line.replace(" [", "[")
    assert printable("a\tb\r\n") == "a\\tb\\r\\n"


def test_v2_database_migrates_and_is_searchable(tmp_path):
    """A version-2 file gains the search index over its existing documents and spans."""
    path = tmp_path / "old.db"
    shutil.copy(DATA / "db" / "v2.db", path)
    before = db_snapshot(path)
    store = Store(path, annotator="alice")
    try:
        assert migrations.user_version(store.conn) == migrations.VERSION
        assert store.backup is not None and db_snapshot(store.backup) == before
        hits = search(store, "basra")
        assert [(h.doc_name, h.match) for h in hits] == [("v2-first", "Basra"), ("v2-first", "Basra")]
        text = store.document("v2-first").text
        assert [text[h.start:h.end] for h in hits] == ["Basra", "Basra"]
        assert [h.annotation_id for h in search(store, "basra", annotations=True)] == ["span-2"]
        assert [h.doc_name for h in search(store, "baghdad")] == ["v2-second"]
        assert store.get_setting("last_document") == "v2-first"
    finally:
        store.close()


@pytest.mark.parametrize("query", ["basra", '"Basra offensive" OR militia*', "Al-Maliki", "sadr NOT zebra"])
def test_long_documents_are_located_like_fts5_highlights(store, monkeypatch, query):
    """Past HIGHLIGHT_MAX, hits are located by the query's terms, at the same offsets as highlight()."""
    import tui.core.search as search_mod

    add_doc(store, "seed", SEED.read_text(encoding="utf-8"))
    by_fts = [(h.start, h.end) for h in search(store, query)]
    monkeypatch.setattr(search_mod, "HIGHLIGHT_MAX", 10)
    by_terms = [(h.start, h.end) for h in search(store, query)]
    assert by_terms == by_fts and by_fts
