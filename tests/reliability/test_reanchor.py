"""Source changes: re-importing a changed file keeps annotations on the right text."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import db_snapshot
from tui.cli.main import cli
from tui.core.model import KINDS, Argument, Document, Event, Span
from tui.core.store import Store
from tui.core.text import reanchor
from tui.core.text.reanchor import (
    ORPHAN_NOTE,
    TextQuote,
    find_quote,
    orphans,
    quote_for,
    reanchor_spans,
)

OLD = (
    "Coalition forces attacked Basra on Monday.\n"
    "The army said the attack on Basra was over by noon.\n"
    "Residents of Basra fled north.\n"
)


@pytest.fixture
def doc(store):
    d, _ = store.add_document(Document(name="basra", text=OLD))
    return d


def tag(store, doc, needle: str, label: str = "GPE", nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(needle, start + 1)
    return store.add(Span(doc_id=doc.id, label=label, fragments=[(start, start + len(needle))]))


def spans_by_id(store, doc_id):
    return {s.id: s for s in store.annotations(doc_id).spans}


def test_quote_selector_has_prefix_exact_suffix():
    """quote_for gives the W3C text-quote selector with up to 32 characters each side."""
    text = "x" * 40 + "Basra" + "y" * 40
    assert quote_for(text, (40, 45)) == TextQuote("x" * 32, "Basra", "y" * 32)
    assert quote_for("Basra fell", (0, 5)) == TextQuote("", "Basra", " fell")


def test_inserted_line_shifts_every_span(store, doc):
    """A line added on top moves every span by its length, text for text."""
    spans = [tag(store, doc, "Basra", nth=i) for i in range(3)] + [tag(store, doc, "Coalition forces", "ORG")]
    new = "BREAKING NEWS\n" + OLD
    report = store.replace_document_text("basra", Document(name="basra", text=new))
    assert len(report.moved) == 4 and not report.orphans and not report.unchanged
    after = spans_by_id(store, doc.id)
    for s in spans:
        moved = after[s.id]
        assert moved.text == s.text
        assert moved.fragments == [(s.start + len("BREAKING NEWS\n"), s.end + len("BREAKING NEWS\n"))]
    assert store.document("basra").text == new
    assert store.check() == []


def test_edit_inside_the_line_moves_span_by_its_quote(store, doc):
    """Words inserted in the same sentence: the span is found again by its text and context."""
    s = tag(store, doc, "Basra", nth=1)  # "the attack on Basra was over"
    new = OLD.replace("The army said the attack", "The British army said on Tuesday that the attack")
    report = store.replace_document_text("basra", Document(name="basra", text=new))
    assert [m.status for m in report.moves] == ["moved"]
    moved = store.get(s.id)
    assert moved.text == "Basra"
    assert new[moved.start - len("attack on ") : moved.end] == "attack on Basra"


def test_context_picks_the_right_occurrence_among_several(store, doc):
    """'Basra' occurs three times in a changed text; the context decides which one is ours."""
    s = tag(store, doc, "Basra", nth=2)  # "Residents of Basra fled north."
    new = OLD.replace("Residents of Basra fled north.", "Many residents of Basra fled north on foot.")
    new = new.replace("Coalition", "Allied")
    moved = reanchor_spans(OLD, new, [store.get(s.id)])[0]
    assert moved.status == "moved"
    start = moved.new_fragments[0][0]
    assert new[start - len("residents of ") : start + len("Basra fled")] == "residents of Basra fled"


def test_lost_text_becomes_an_orphan_that_keeps_its_links(store, doc):
    """Deleted text: the span stays (zero-width), keeps its events, and gets an Orphan note."""
    target = tag(store, doc, "Residents of Basra", "PER")
    trigger = tag(store, doc, "attacked", "Conflict:Attack")
    event = store.add(Event(doc_id=doc.id, type="Conflict:Attack", trigger=trigger.id,
                            arguments=[Argument(role="Target", target=target.id)]))
    new = OLD.replace("Residents of Basra fled north.\n", "Nobody left the city.\n")
    report = store.replace_document_text("basra", Document(name="basra", text=new))
    [orphan] = report.orphans
    assert orphan.span_id == target.id and orphan.reason == "text not found"
    kept = store.get(target.id)
    assert kept.label == "PER" and kept.status == "accepted"
    assert kept.fragments[0][0] == kept.fragments[0][1]  # zero-width, where the line used to start
    assert kept.start == new.index("Nobody")
    assert kept.text == ""
    assert store.get(event.id).arguments == [Argument(role="Target", target=target.id)]
    [(span, note)] = orphans(store, doc.id)
    assert span.id == target.id and note.type == ORPHAN_NOTE
    info = json.loads(note.text)
    assert info["old_text"] == "Residents of Basra" and info["reason"] == "text not found"
    assert info["old_fragments"] == [list(target.fragments[0])]
    assert info["suffix"].startswith(" fled north.")
    assert store.check() == []


def test_ambiguous_anchor_is_an_orphan_not_a_guess(store, doc):
    """Two equally good places for a span: it is orphaned, with the reason, not moved to one of them."""
    s = tag(store, doc, "the attack", "Conflict:Attack")
    line = "The army said the attack on Basra was over by noon.\n"
    new = OLD.replace(line, "Officials said the attack had ended.\nWitnesses said the attack had ended.\n")
    [move] = store.replace_document_text("basra", Document(name="basra", text=new)).moves
    assert move.status == "orphan" and move.reason.startswith("ambiguous: 2 places match")
    assert store.get(s.id).text == ""


def test_short_unique_text_with_new_context_is_not_trusted(store):
    """A two-letter span found once but in a different context is orphaned, not moved."""
    d, _ = store.add_document(Document(name="short", text="Yesterday he said the war was over.\n"))
    s = store.add(Span(doc_id=d.id, label="PER", fragments=[(10, 12)]))
    new = "Completely different words now; he left.\n"
    assert new.count("he") == 1
    [move] = store.replace_document_text("short", Document(name="short", text=new)).moves
    assert move.status == "orphan" and "too short" in move.reason
    assert store.get(s.id).label == "PER"


def test_discontinuous_span_moves_every_fragment(store, doc):
    """A two-fragment span moves as a whole; its text copy is unchanged."""
    a = OLD.index("Coalition")
    b = OLD.index("Basra")
    s = store.add(Span(doc_id=doc.id, label="ORG", fragments=[(a, a + 9), (b, b + 5)]))
    new = OLD.replace("Coalition forces attacked", "Coalition ground forces heavily attacked")
    move = store.replace_document_text("basra", Document(name="basra", text=new)).moves[0]
    assert move.status == "moved"
    moved = store.get(s.id)
    assert moved.text == "Coalition Basra"
    assert [new[x:y] for x, y in moved.fragments] == ["Coalition", "Basra"]


def test_update_is_one_undoable_action(store, doc):
    """Undo restores the old text and every old offset; redo re-applies the update."""
    spans = [tag(store, doc, "Basra", nth=i) for i in range(3)] + [tag(store, doc, "Residents", "PER")]
    before = db_snapshot(store.path)
    new = "Update:\n" + OLD.replace("Residents of Basra", "People")
    store.replace_document_text("basra", Document(name="basra", text=new))
    changed = db_snapshot(store.path)
    assert changed != before
    op = store.undo(doc.id)
    assert op.action == "update text of basra"
    after_undo = db_snapshot(store.path)
    tables = (*KINDS, "documents", "doc_status")
    assert {t: after_undo[t] for t in tables} == {t: before[t] for t in tables}
    assert [store.get(s.id).fragments for s in spans] == [s.fragments for s in spans]
    store.redo(doc.id)
    assert store.document("basra").text == new
    assert store.check() == []


def test_same_text_changes_nothing(store, doc):
    """Replacing a text by itself is not an action."""
    tag(store, doc, "Basra")
    before = db_snapshot(store.path)
    report = store.replace_document_text("basra", Document(name="basra", text=OLD))
    assert not report.text_changed and report.moves == []
    assert db_snapshot(store.path) == before


def test_second_update_keeps_one_orphan_note(store, doc):
    """An orphan that stays lost through two updates keeps a single Orphan note."""
    tag(store, doc, "Residents of Basra", "PER")
    v2 = OLD.replace("Residents of Basra", "Locals")
    store.replace_document_text("basra", Document(name="basra", text=v2))
    store.replace_document_text("basra", Document(name="basra", text=v2 + "More news.\n"))
    assert len(orphans(store, doc.id)) == 1
    assert len(store.annotations(doc.id).notes) == 1


# -- CLI -------------------------------------------------------------------------


def test_cli_import_update_reports_moved_and_orphaned(tmp_path):
    """`tui import --update` moves spans, lists orphans (text made inert), and exits 0."""
    db = tmp_path / "a.db"
    src = tmp_path / "basra.txt"
    src.write_text(OLD + "Bell\x07 here.\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["--db", str(db), "import", str(src)]).exit_code == 0
    with Store(db, annotator="alice") as store:
        d = store.document("basra")
        kept = tag(store, d, "Basra", nth=2)
        lost = tag(store, d, "Bell\x07", "PER")
    src.write_text("Intro.\n" + OLD, encoding="utf-8")
    refused = CliRunner().invoke(cli, ["--db", str(db), "import", str(src)])
    assert refused.exit_code == 1 and "--update" in refused.output
    r = CliRunner().invoke(cli, ["--db", str(db), "import", "--update", str(src)])
    assert r.exit_code == 0, r.output
    assert "basra: text updated; 0 span(s) in place, 1 moved, 1 orphaned" in r.output
    orphan_line = [line for line in r.output.splitlines() if "orphan PER" in line]
    assert len(orphan_line) == 1
    assert "'Bell\\\\u0007'" in orphan_line[0] and "\x07" not in r.output
    with Store(db, annotator="alice") as store:
        assert store.get(kept.id).text == "Basra"
        assert store.get(lost.id).text == ""
    again = CliRunner().invoke(cli, ["--db", str(db), "import", "--update", str(src)])
    assert again.exit_code == 0 and "text updated" not in again.output


# -- property ------------------------------------------------------------------------

WORDS = [f"w{i:03d}" for i in range(400)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    picks=st.lists(st.integers(0, 79), min_size=1, max_size=12, unique=True),
    edits=st.lists(
        st.tuples(st.integers(0, 79), st.sampled_from(["insert", "delete", "newline"])),
        min_size=1, max_size=6,
        # one edit per word: two edits of the same word could cancel out (insert then
        # delete leaves the text unchanged) or delete past the end of the list
        unique_by=lambda edit: edit[0],
    ),
)
def test_spans_away_from_edits_keep_their_text(picks, edits):
    """Random word-level edits: spans on untouched words move to the same word; none is lost."""
    words = WORDS[:80]
    text = " ".join(words) + "\n"
    touched = set()
    new_words = list(words)
    for i, op in sorted(edits, reverse=True):
        touched.add(words[i])
        if op == "insert":
            new_words.insert(i, "new")
        elif op == "delete":
            new_words.pop(i)
        else:
            new_words[i] = new_words[i] + "\n"
    new = " ".join(new_words) + "\n"
    store = Store(":memory:", annotator="p")
    try:
        d, _ = store.add_document(Document(name="d", text=text))
        ids = {}
        for i in picks:
            start = text.index(words[i])
            ids[words[i]] = store.add(Span(doc_id=d.id, label="X", fragments=[(start, start + 4)])).id
        report = store.replace_document_text("d", Document(name="d", text=new))
        assert len(report.moves) == len(picks)
        for word, sid in ids.items():
            span = store.get(sid)
            deleted = word not in new.replace("\n", " ").split(" ")
            if deleted:
                assert span.text == "" and any(m.span_id == sid for m in report.orphans)
            else:
                assert span.text == word  # unique words: always found, never moved elsewhere
        assert store.check() == []
    finally:
        store.close()


def test_find_quote_reasons():
    """find_quote explains why it gave up: not found, or ambiguous."""
    q = TextQuote("the ", "army", " said")
    assert find_quote("no such thing", q) == (None, "text not found")
    pos, reason = find_quote("an army here and an army there", q)
    assert pos is None and reason.startswith("ambiguous: 2 places")
    assert find_quote("then the army said so, not the navy", q)[0] == 9
    assert reanchor.MIN_SCORE > 0 and reanchor.MIN_MARGIN > 0


def test_moved_paragraph_takes_its_spans_along(store, doc):
    """A line moved to the end of the article: its spans follow it, the others stay put."""
    first = tag(store, doc, "Coalition forces", "ORG")
    last = tag(store, doc, "Residents of Basra", "PER")
    lines = OLD.splitlines(keepends=True)
    new = lines[1] + lines[2] + lines[0]
    store.replace_document_text("basra", Document(name="basra", text=new))
    assert store.get(first.id).start == new.index("Coalition forces")
    assert store.get(last.id).start == new.index("Residents of Basra")
    assert store.check() == []
