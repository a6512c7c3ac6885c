"""Counts in a real terminal (issue 13, item 13): pending suggestions are not counted as mentions."""

from __future__ import annotations

from tests.terminal.harness import covers, needs_tmux, wait_db
from tests.terminal.keys import binding_key

pytestmark = needs_tmux


@covers("word-next", "tag-3", "propagate")
def test_propagated_suggestions_are_counted_apart(term, seed_db):
    """Tag Basra GPE, P: the panel says 1 mention and the suggestions as pending, per type too."""
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting has been raging in Basra")
    term.press(*["w"] * 6)
    term.wait("1:35", "the cursor on Basra")
    term.press("3")
    term.wait("GPE 1", "Basra tagged")
    rows = wait_db(seed_db, "SELECT count(*) FROM spans", lambda r: r == [(1,)], "one span")
    term.press(binding_key("propagate"))
    rows = wait_db(seed_db, "SELECT count(*) FROM spans WHERE status = 'pending'", lambda r: r[0][0] > 0,
                   "pending suggestions")
    n = rows[0][0]
    term.wait(f"Entities 1 mention · {n} pending", "the header counts suggestions apart")
    term.wait(f"GPE 1 +{n}?", "the type's count too")
    assert term.quit() == 0
