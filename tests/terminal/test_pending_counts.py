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


@covers("library")
def test_library_counts_are_my_layer_with_pending_apart(term, seed_db):
    """Bob's two spans are not in alice's library counts; her pending suggestion is under Pending, not Spans."""
    from tests.app.conftest import SEED_NAME
    from tui.core.model import Span
    from tui.core.store import Store

    with Store(seed_db, annotator="bob") as store:
        doc = store.document(SEED_NAME)
        with store.action("tag", doc.id) as tx:
            for word in ("troops", "militias"):
                at = doc.text.index(word)
                tx.add(Span(label="PER", fragments=[(at, at + len(word))], doc_id=doc.id))
    with Store(seed_db, annotator="alice") as store:
        doc = store.document(SEED_NAME)
        at = doc.text.index("Basra")
        with store.action("tag", doc.id) as tx:
            tx.add(Span(label="GPE", fragments=[(at, at + 5)], doc_id=doc.id))
            at = doc.text.index("Basra", at + 1)
            tx.add(Span(label="GPE", fragments=[(at, at + 5)], doc_id=doc.id, status="pending"))
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting has been raging in Basra")
    term.press(binding_key("library"))
    screen = term.wait(lambda s: "Pending" in s and "Chars" in s, "the library table")
    [row] = [line for line in screen.split("\n") if SEED_NAME in line]
    cells = row.split()
    # Document, status, Spans Events Rels Coref Attrs Norms Notes Pending Chars
    numbers = [c for c in cells if c.isdigit()]
    assert numbers[:8] == ["1", "0", "0", "0", "0", "0", "0", "1"], row
    term.press("Escape")
    term.wait_ready("Heavy fighting has been raging in Basra")
    assert term.quit() == 0
