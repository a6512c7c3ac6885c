"""The harness itself, on the simplest loop: open, move, tag, quit — checked on screen and in the database."""

from __future__ import annotations

from tests.app.conftest import SEED_NAME, db_annotations
from tests.terminal.harness import covers, needs_tmux, wait_db

pytestmark = needs_tmux


@covers("word-next", "tag-3", "quit")
def test_tag_a_word_and_quit(term, seed_db):
    """``w`` x6 reaches Basra, ``3`` tags it GPE (entities panel + database), ``q`` exits 0."""
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting has been raging in Basra")
    term.wait("1:1", "the cursor at 1:1")
    term.press("w", "w", "w", "w", "w", "w")
    term.wait("1:35", "the cursor on Basra (line 1, column 35)")
    term.press("3")
    term.wait("GPE 1", "Basra in the entities panel")
    wait_db(seed_db, "SELECT text, label, annotator FROM spans", lambda r: len(r) == 1,
            "one span")
    assert term.quit() == 0
    spans = db_annotations(seed_db, SEED_NAME).spans
    assert [(s.text, s.label, s.annotator) for s in spans] == [("Basra", "GPE", "alice")]


@covers("toggle-visual", "clear-selection")
def test_a_lone_escape_arrives(term, seed_db):
    """``v`` starts a selection, ``w`` extends it, a lone ESC (after tmux's escape-time) clears it."""
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting")
    term.press("v")
    term.wait("VISUAL", "visual mode in the status line")
    term.press("w")
    term.wait("1:7", "the cursor on the second word")
    term.press("Escape")
    term.wait(lambda s: "NORMAL" in s and "VISUAL" not in s, "normal mode after escape")
    assert term.quit() == 0
