"""Wire copy in a real terminal: one paragraph a line, possessives (issue 13, item 13)."""

from __future__ import annotations

from tests.terminal.harness import covers, needs_tmux, wait_db

pytestmark = needs_tmux


@covers("paragraph-next", "paragraph-prev", "word-next", "tag-1")
def test_paragraph_keys_and_possessive_on_the_seed(term, seed_db):
    """``}`` steps line by line through the seed article (no blank lines), ``{`` back; ``1`` on Sadr's tags "Sadr"."""
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting has been raging in Basra")
    term.wait("1:1", "the cursor at 1:1")
    term.press("}")
    term.wait("2:1", "the cursor at the start of the second paragraph (line)")
    term.press("}")
    term.wait("3:1", "the cursor at the start of the third line")
    term.press("{")
    term.wait("2:1", "back at the second line")
    for _ in range(6):
        term.press("}")
    term.wait("8:1", "the cursor on line 8 (He said Sadr's group...)")
    term.press("w", "w")
    term.wait("8:9", "the cursor on Sadr's")
    term.press("1")
    rows = wait_db(seed_db, "SELECT text, label FROM spans", lambda r: len(r) == 1, "one span")
    assert rows == [("Sadr", "PER")]
    term.wait("PER 1", "the mention in the entities panel")
    assert term.quit() == 0
