"""Another annotator's layer in a real terminal: read-only, said so, copied with y (issue 13, items 5 and 13)."""

from __future__ import annotations

from pathlib import Path

from tests.app.conftest import SEED_NAME
from tests.terminal.harness import covers, needs_tmux, wait_db
from tests.terminal.keys import binding_key
from tui.core.editing import AnnotationSession
from tui.core.store import Store

pytestmark = needs_tmux

SPANS = "SELECT annotator, text, label FROM spans ORDER BY annotator, start"


def _bob_tags(db: Path) -> None:
    """Bob's layer: Basra (GPE) and troops (PER), with a note on Basra."""
    with Store(db, annotator="bob") as store:
        doc = store.document(SEED_NAME)
        bob = AnnotationSession(store, doc.id, "bob", store.schema(doc.schema))
        text = doc.text
        basra = bob.tag(text.index("Basra"), text.index("Basra") + 5, "GPE").value
        bob.tag(text.index("troops"), text.index("troops") + 6, "PER")
        bob.set_note(basra.id, "the city")


def _rows(db: Path) -> list[tuple[str, ...]]:
    return wait_db(db, SPANS, lambda r: True, "the spans")


def _view_bob(term) -> None:
    term.press(binding_key("layers"))
    term.wait("view bob", "the layers chooser")
    term.type("view bob")
    term.wait_settled()
    term.press("Enter")
    term.wait("alice viewing bob (read-only)", "bob's layer shown, read-only (status line)")


@covers("layers", "next-annotation", "delete", "tag-3", "note", "undo", "copy-overlay")
def test_another_layer_is_read_only_and_y_copies_into_mine(term, seed_db):
    """Viewing bob's layer: d, 3, :, u are refused with a message naming the layer; the DB is unchanged; y copies."""
    _bob_tags(seed_db)
    before = _rows(seed_db)
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting has been raging in Basra")
    _view_bob(term)
    term.wait("PER 1", "bob's mentions in the entities panel")
    term.press(binding_key("next-annotation"))
    term.wait(lambda s: "“Basra”" in s, "bob's Basra selected (inspector)")
    for key in (binding_key("delete"), "3", binding_key("note"), binding_key("undo")):
        term.press(key)
        term.wait("bob's layer is read-only", f"the refusal of {key}")
        term.wait("view alice to edit yours", "how to go back to mine")
        assert "alice viewing bob" in term.wait_settled(), "a dialog opened or the layer changed"
    assert _rows(seed_db) == before, "a refused key changed the database"
    term.press(binding_key("copy-overlay"))
    term.wait("into your layer", "the copy reported")
    rows = wait_db(seed_db, SPANS, lambda r: any(a == "alice" for a, _, _ in r), "alice's copy")
    assert [r for r in rows if r[0] == "alice"] == [("alice", "Basra", "GPE")]
    assert [r for r in rows if r[0] == "bob"] == [r for r in before if r[0] == "bob"]
    notes = wait_db(seed_db, "SELECT annotator, text FROM notes ORDER BY annotator", lambda r: len(r) == 2,
                    "the note copied along")
    assert notes == [("alice", "the city"), ("bob", "the city")]
    assert term.quit() == 0


@covers("layers", "copy-overlay-all")
def test_copy_all_twice_adds_nothing(term, seed_db):
    """Y copies bob's whole layer into mine once; Y again says there is nothing to copy and writes nothing."""
    _bob_tags(seed_db)
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting has been raging in Basra")
    _view_bob(term)
    term.press(binding_key("copy-overlay-all"))
    term.wait("copied 3 annotation(s) from bob", "the first copy")
    rows = wait_db(seed_db, SPANS, lambda r: sum(a == "alice" for a, _, _ in r) == 2, "alice's two spans")
    term.press(binding_key("copy-overlay-all"))
    term.wait("your layer has it all already", "the second copy adds nothing")
    assert _rows(seed_db) == rows
    notes = wait_db(seed_db, "SELECT count(*) FROM notes WHERE annotator = 'alice'", lambda r: True, "notes")
    assert notes == [(1,)]
    assert term.quit() == 0
