"""Issue 14 in a real terminal: `a` runs the default suggestion sources and opens the review;
`A` / `X` decide in bulk through the one-line chooser; a bulk decision is one step back and one undo."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from pathlib import Path

from tests.app.conftest import SEED_NAME
from tests.terminal.harness import covers, needs_tmux, wait_db
from tui.core.model import Equivalence, Span
from tui.core.review.suggest import suggest
from tui.core.schema import SuggestDefaults, preset
from tui.core.store import Store

pytestmark = needs_tmux

PENDING_BASRA = "SELECT status, count(*) FROM spans WHERE text = 'Basra' AND label = 'GPE' GROUP BY status"
PENDING = "SELECT count(*) FROM spans WHERE status = 'pending'"


def _at(text: str, needle: str, nth: int) -> int:
    return [m.start() for m in re.finditer(rf"(?<!\w){re.escape(needle)}(?!\w)", text)][nth]


def _chain(db: Path) -> tuple[str, str]:
    """A PER chain of the two "Moqtada al-Sadr" mentions and an unlinked PER "Sadr"; returns (chain, Sadr).

    The document's schema is ACE 2005 with the `[suggest]` sources places, propagate and coref
    (the lexicon source, which the preset runs too, has its own test in test_lexicon_review.py):
    the review then walks the places, the propagated name and the link, as the steps below expect.
    """
    with Store(db, annotator="alice") as store:
        doc = store.document(SEED_NAME)
        store.save_schema(dataclasses.replace(preset(doc.schema), source="",
                                              suggest=SuggestDefaults(("places", "propagate", "coref"))))
        with store.action("tag", doc.id) as tx:
            spans = []
            for needle, nth in (("Moqtada al-Sadr", 0), ("Moqtada Al-Sadr", 0), ("Sadr", 3)):
                start = _at(doc.text, needle, nth)
                spans.append(tx.add(Span(label="PER", fragments=[(start, start + len(needle))], doc_id=doc.id)))
            chain = tx.add(Equivalence(type="Coref", members=[spans[0].id, spans[1].id], doc_id=doc.id))
        return chain.id, spans[2].id


def rows(db: Path, query: str) -> list:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(query).fetchall()
    finally:
        conn.close()


def members(db: Path, chain_id: str) -> list[str]:
    import json

    found = rows(db, f"SELECT members FROM equivalences WHERE id = '{chain_id}'")
    return json.loads(found[0][0]) if found else []


@covers("suggest-defaults", "review-accept-all", "review-reject-all", "bulk-text", "bulk-label", "review-accept",
        "undo")
def test_a_suggests_from_the_schema_defaults_and_bulk_review_links_the_coref(term, seed_db):
    """`a`: places, propagate and coref run (counts shown), review opens; `A t`, `X l`, `a` on the coref link;
    in the reader `u` takes back the link, then the whole bulk reject in one step."""
    chain_id, sadr_id = _chain(seed_db)
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting has been raging in Basra")
    term.press("a")
    screen = term.wait(lambda s: "REVIEW" in s and "coref 1" in s, "the review opened, with the per-source counts")
    places = rows(seed_db, "SELECT count(*) FROM spans WHERE status = 'pending' AND origin = 'suggestion:places'")[0][0]
    assert places > 6
    assert f"places {places}" in screen.replace("\n", " ")
    assert "coref 1" in term.status(), "the review's status line says what each source made"
    assert rows(seed_db, "SELECT count(*) FROM equivalences WHERE status = 'pending'") == [(1,)]
    basra = dict(rows(seed_db, PENDING_BASRA))["pending"]
    assert basra == 6

    # A: the chooser counts the same text; t accepts them all in one action.
    term.press("A")
    term.wait(lambda s: "accept all:" in s and f"Basra” GPE ({basra})" in s, "the bulk chooser with the count")
    term.press("t")
    wait_db(seed_db, PENDING_BASRA, lambda r: r == [("accepted", basra)], "every Basra accepted")
    assert rows(seed_db, "SELECT count(*) FROM oplog WHERE action LIKE 'review: accept%'") == [(1,)]

    # X l: every remaining GPE rejected. Then the propagated PER "Sadr" (A l), and the coref link is left.
    term.wait_gone("accept all:")
    term.press("X")
    term.wait("reject all:", "the reject chooser")
    term.press("l")
    term.wait(lambda s: "PER “Sadr”" in s and "reject all:" not in s, "the propagated Sadr next")
    gpe_left = rows(seed_db, "SELECT count(*) FROM spans WHERE status = 'pending' AND label = 'GPE'")
    assert gpe_left == [(0,)]
    propagated = rows(seed_db, "SELECT count(*) FROM spans WHERE origin = 'suggestion:propagate'")[0][0]
    term.press("A")
    term.wait(f"every PER ({propagated})", "the chooser's count of PER")
    term.press("l")
    term.wait("add “Sadr” to chain “Moqtada al-Sadr”", "the coreference suggestion, described")
    term.press("a")
    wait_db(seed_db, "SELECT count(*) FROM equivalences", lambda r: r == [(1,)], "the link merged into the chain")
    assert members(seed_db, chain_id)[-1] == sadr_id
    term.wait("review finished")

    # In the reader, u undoes the link, then the bulk reject as one step.
    term.press("Escape")
    term.wait(lambda s: "REVIEW" not in s and "NORMAL" in s, "the reader")
    rejected = rows(seed_db, "SELECT count(*) FROM spans WHERE status = 'rejected'")[0][0]
    assert rejected > 0
    term.press("u")
    wait_db(seed_db, "SELECT count(*) FROM equivalences WHERE status = 'pending'", lambda r: r == [(1,)],
            "the link pending again")
    term.press("u")
    wait_db(seed_db, "SELECT count(*) FROM spans WHERE origin = 'suggestion:propagate' AND status = 'pending'",
            lambda r: r == [(propagated,)], "the bulk accept of PER undone in one step")
    assert rows(seed_db, "SELECT count(*) FROM spans WHERE status = 'rejected'") == [(rejected,)]
    term.press("u")
    wait_db(seed_db, "SELECT count(*) FROM spans WHERE status = 'rejected'", lambda r: r == [(0,)],
            "every bulk-rejected suggestion pending again, in one undo")
    term.assert_no_traceback()
    assert term.quit() == 0
    with Store(seed_db, annotator="alice") as store:
        assert store.check() == []


@covers("review-reject-all", "review-accept-all", "bulk-text", "bulk-document", "bulk-cancel", "review-back",
        "review-close")
def test_bulk_chooser_cancels_goes_back_in_one_step_and_ends_the_review_cleanly(term, seed_db):
    """`X escape` decides nothing; `X X` rejects the same text; backspace takes it all back;
    `A enter` accepts it; `A d` accepts the rest and the review ends; escape leaves it."""
    with Store(seed_db, annotator="alice") as store:
        suggest(store, "places", docs=[SEED_NAME])
    total = rows(seed_db, PENDING)[0][0]
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting has been raging in Basra")
    term.press("r")
    term.wait(lambda s: "REVIEW" in s and f"0/{total}" in s, "the review")
    term.press("X")
    term.wait("reject all:")
    term.press("Escape")
    term.wait_gone("reject all:")
    term.wait_settled()
    assert rows(seed_db, PENDING) == [(total,)]
    term.press("X")
    term.wait("reject all:")
    term.press("X")
    wait_db(seed_db, PENDING_BASRA, lambda r: r == [("rejected", 6)], "every Basra rejected")
    term.wait(f"6/{total}")
    term.press("BSpace")
    wait_db(seed_db, PENDING_BASRA, lambda r: r == [("pending", 6)], "back: all six pending again")
    term.wait(f"0/{total}")
    term.press("A")
    term.wait("accept all:")
    term.press("Enter")
    wait_db(seed_db, PENDING_BASRA, lambda r: r == [("accepted", 6)], "enter: every Basra accepted")
    term.wait_gone("accept all:")
    term.press("A")
    term.wait(lambda s: "accept all:" in s and f"in this document ({total - 6})" in s, "the document's count")
    term.press("d")
    wait_db(seed_db, PENDING, lambda r: r == [(0,)], "every suggestion accepted")
    term.wait("review finished")
    term.press("Escape")
    term.wait(lambda s: "REVIEW" not in s and "NORMAL" in s, "the reader")
    term.assert_no_traceback()
    assert term.quit() == 0
