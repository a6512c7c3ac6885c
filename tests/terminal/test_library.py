"""The library in a real terminal: typing filters and never changes a status (issue 13)."""

from __future__ import annotations

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
    """Three documents: alpha, the seed article (basra-offensive), charlie."""
    path = tmp_path / "library.db"
    with Store(path, annotator="alice") as store:
        store.add_document(Document(name="alpha", text="Alpha report from Mosul.\n"))
        store.add_document(read_document(SEED, SEED_NAME))
        store.add_document(Document(name="charlie", text="Charlie report from Kirkuk.\n"))
    return path


@covers("library", "library-status", "library-open")
def test_typing_in_the_library_filters_and_never_sets_a_status(term, library_db):
    """o, then "basra" typed: the list narrows to one document and no status changes; tab s sets one; enter opens."""
    term.start("--db", library_db, "alpha")
    term.wait_ready("Alpha report")
    term.press("o")
    term.wait("3 of 3 documents")
    term.type("basra")
    term.wait("1 of 3 documents", "the list filtered to basra-offensive")
    term.wait_settled()
    wait_db(library_db, STATUS_ROWS, lambda r: r == [], "no status written by typing")
    term.type("sr")  # letters that are list keys elsewhere: still text here
    term.wait("0 of 3 documents", "the filter holding 'basrasr'")
    term.press("BSpace", "BSpace")
    term.wait("1 of 3 documents")
    term.press("Tab")
    term.wait("s Status", "the list's keys in the footer once the list has the focus")
    term.press("s")
    wait_db(library_db, STATUS_ROWS, lambda r: r == [(SEED_NAME, "alice", "in-progress")],
            "basra-offensive in progress for alice")
    term.wait("in progress")
    term.press("Enter")
    term.wait_ready("Heavy fighting has been raging in Basra")
    assert term.quit() == 0
