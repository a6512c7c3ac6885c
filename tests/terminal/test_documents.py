"""Moving between documents and importing from inside the reader, in a real terminal (issue 13).

``>`` / ``<`` open the next / previous document of the library, ``D`` marks the
document done and opens the next one not done, ``I`` imports a file or folder
through the core import workflow and opens it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.app.conftest import SEED, SEED_NAME
from tests.terminal.harness import covers, needs_tmux, wait_db
from tui.core.formats.text import read_document
from tui.core.model import Document
from tui.core.store import Store

pytestmark = needs_tmux

STATUS_ROWS = "SELECT d.name, s.annotator, s.status FROM doc_status s JOIN documents d ON d.id = s.doc_id ORDER BY d.name"


@pytest.fixture
def library_db(tmp_path: Path) -> Path:
    """Three documents in library order: alpha, basra-offensive (the seed article), charlie."""
    path = tmp_path / "library.db"
    with Store(path, annotator="alice") as store:
        store.add_document(Document(name="alpha", text="Alpha report from Mosul.\n"))
        store.add_document(read_document(SEED, SEED_NAME))
        store.add_document(Document(name="charlie", text="Charlie report from Kirkuk.\n"))
    return path


def _db_state(db: Path) -> tuple[list[tuple], int, list[tuple]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return (conn.execute("SELECT name, sha256 FROM documents ORDER BY name").fetchall(),
                conn.execute("SELECT count(*) FROM oplog").fetchone()[0],
                conn.execute("SELECT id FROM spans ORDER BY id").fetchall())
    finally:
        conn.close()


@covers("next-document", "previous-document", "done-next")
def test_next_previous_and_done_then_next(term, library_db):
    """> walks the library's order and says so at the end, < goes back, D sets done and opens the next not done."""
    term.start("--db", library_db, "alpha")
    term.wait_ready("Alpha report from Mosul")
    term.press(">")
    term.wait_ready("Heavy fighting has been raging in Basra")
    term.press(">")
    term.wait_ready("Charlie report from Kirkuk")
    term.press(">")
    term.wait("last document of the library", "the end of the library in the status line")
    assert "Charlie report" in term.screen()
    term.press("<")
    term.wait_ready("Heavy fighting has been raging in Basra")
    term.press("D")
    wait_db(library_db, STATUS_ROWS, lambda r: r == [(SEED_NAME, "alice", "done")], "basra-offensive done")
    term.wait("basra-offensive done · next not done: charlie", "the status line after D")
    assert "Charlie report from Kirkuk" in term.screen()
    term.press("D")  # charlie done: the next one not done is alpha, from the top
    term.wait("charlie done · next not done: alpha")
    assert "Alpha report from Mosul" in term.screen()
    term.press("D")
    term.wait("every document is done")
    wait_db(library_db, STATUS_ROWS, lambda r: [s for _, _, s in r] == ["done"] * 3, "all three done")
    assert term.quit() == 0


@covers("import-document")
def test_import_a_text_file_and_a_brat_pair_from_the_reader(term, library_db, tmp_path):
    """I, a path (completed with tab), enter: the file is imported as `tui FILE` would and opens; a brat .ann too."""
    (tmp_path / "story-from-erbil.txt").write_text("Protests in Erbil on Sunday.\n", encoding="utf-8")
    brat = tmp_path / "brat"
    brat.mkdir()
    (brat / "raid.txt").write_text("Troops raided Najaf at dawn.\n", encoding="utf-8")
    (brat / "raid.ann").write_text("T1\tGPE 14 19\tNajaf\n", encoding="utf-8")
    term.start("--db", library_db, "alpha")
    term.wait_ready("Alpha report from Mosul")
    term.press("I")
    term.wait("Import and open a file or folder", "the import prompt")
    term.type("story-f")
    term.wait("story-from-erbil.txt", "the completion offered")
    term.press("Tab", "Enter")
    term.wait_ready("Protests in Erbil on Sunday")
    term.wait("imported story-from-erbil.txt: 1 document(s) imported")
    wait_db(library_db, "SELECT name FROM documents WHERE name = 'story-from-erbil'", lambda r: len(r) == 1,
            "the imported document")
    term.press("I")
    term.wait("Import and open a file or folder")
    term.type(str(brat / "raid.ann"))
    term.press("Enter")
    term.wait_ready("Troops raided Najaf at dawn")
    term.wait("GPE 1", "the brat annotation in the entities panel")
    wait_db(library_db, "SELECT s.text, s.label FROM spans s JOIN documents d ON d.id = s.doc_id "
            "WHERE d.name = 'raid'", lambda r: r == [("Najaf", "GPE")], "the brat span")
    assert term.quit() == 0


@covers("import-document")
def test_a_bad_file_is_one_sanitised_line_and_changes_nothing(term, library_db, tmp_path):
    """A folder with a good file and one of invalid UTF-8 named with an escape sequence: one line naming it
    (the escape made visible), nothing imported; a missing path likewise."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("A good report.\n", encoding="utf-8")
    (folder / "b\x1b[31mad.txt").write_bytes(b"Good start \xff\xfe then bad.\n")
    before = _db_state(library_db)
    term.start("--db", library_db, "alpha")
    term.wait_ready("Alpha report from Mosul")
    term.press("I")
    term.wait("Import and open a file or folder")
    term.type("in")
    term.press("Enter")
    screen = term.wait(lambda s: "import failed:" in s and "byte" in s, "the error line naming the byte")
    assert "␛[31mad.txt" in screen.replace("▌", "").replace("\n", "").replace(" ", "") or "␛" in screen
    assert "[31m" not in screen.replace("␛[31m", "")  # never interpreted, never shown without its ␛
    assert "Alpha report from Mosul" in screen
    term.press("I")
    term.wait("Import and open a file or folder")
    term.type("no-such-file.txt")
    term.press("Enter")
    term.wait("no-such-file.txt: no such file or folder")
    term.wait_settled()
    assert _db_state(library_db) == before
    assert term.quit() == 0
