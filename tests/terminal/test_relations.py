"""Relations in a real terminal: the relations panel (f5), choosing a relation there, a note on it,
deleting it (the panel follows), and the inspector showing it."""

from __future__ import annotations

from pathlib import Path

from tests.app.conftest import SEED, SEED_NAME
from tests.terminal.harness import covers, needs_tmux, wait_db
from tui.core.formats.text import read_document
from tui.core.model import Argument, Relation, Span
from tui.core.store import Store

pytestmark = needs_tmux

TEXT = read_document(SEED, SEED_NAME).text
BASRA = TEXT.index("Basra")
ROW = "Basra —PHYS→ Heavy"


def _db(tmp_path: Path) -> tuple[Path, str]:
    """The seed article with Heavy (PER), Basra (GPE) and a PHYS relation Basra → Heavy; the relation's id."""
    path = tmp_path / "relations.db"
    with Store(path, annotator="alice") as store:
        doc, _ = store.add_document(read_document(SEED, SEED_NAME))
        with store.action("set up", doc.id) as tx:
            heavy = tx.add(Span(label="PER", fragments=[(0, 5)], doc_id=doc.id))
            basra = tx.add(Span(label="GPE", fragments=[(BASRA, BASRA + 5)], doc_id=doc.id))
            rel = tx.add(Relation(type="PHYS", doc_id=doc.id, arguments=[
                Argument(role="Arg1", target=basra.id), Argument(role="Arg2", target=heavy.id)]))
    return path, rel.id


@covers("toggle-relations", "toggle-entities", "toggle-events", "focus-next", "note", "delete", "delete-confirm")
def test_relations_panel_choose_note_delete(term, tmp_path):
    db, rel_id = _db(tmp_path)
    term.start("--db", db)
    term.wait_ready("Heavy fighting")
    term.wait("Relations 1", "the relations panel's header")
    term.wait(ROW, "the relation's row")
    term.press("F5")
    term.wait_gone("Relations 1", "f5 hiding the panel")
    term.press("F5")
    term.wait(ROW, "f5 showing it again")
    # Only the relations panel left beside the article (and the inspector): tab reaches it.
    term.press("F2")
    term.wait_gone("Entities", "f2 hiding the entities panel")
    term.press("F3")
    term.wait_gone("Events 0", "f3 hiding the events panel")
    term.press("Tab", "Down", "Enter")
    term.wait(lambda s: "PHYS relation" in term.status(), "the relation selected from the panel")
    term.wait(lambda s: "Arguments" in s and "Arg1" in s, "the inspector showing the relation's arguments")
    term.press(":")
    term.wait("Note on PHYS relation", "the note dialog on the relation")
    term.type("checked twice")
    term.press("Enter")
    wait_db(db, "SELECT target, text FROM notes", lambda r: r == [(rel_id, "checked twice")],
            "the note on the relation")
    term.wait_gone("Note on PHYS relation", "the dialog closed")
    term.press("d")
    term.wait("Delete PHYS relation", "the delete asking first (the note goes with it)")
    term.press("y")
    wait_db(db, "SELECT id FROM relations", lambda r: r == [], "the relation deleted")
    term.wait("Relations 0", "the panel following the delete")
    term.wait_gone(ROW, "the row gone")
    assert len(wait_db(db, "SELECT id FROM spans", lambda r: len(r) == 2, "both arguments kept")) == 2
    assert term.quit() == 0
