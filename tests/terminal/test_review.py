"""Review in a real terminal: entered and left every way there is, with another process writing, no traceback.

One app, several sessions: ``r`` in the reader and ``r`` in the library (after
``tab``); left with ``escape``, ``q``, by finishing every item, after the refused
library key and ``?``; ``u`` in the reader after a review; another process
deciding and deleting suggestions while the review is open. The screen never
shows a traceback, the app keeps running, and the database passes ``tui check``.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from tests.app.test_review_screen import add_suggestions
from tests.terminal.harness import ROOT, covers, needs_tmux, wait_db
from tui.core.store import Store

pytestmark = needs_tmux

PENDING = "SELECT count(*) FROM spans WHERE status = 'pending'"
DECIDED = "SELECT count(*) FROM spans WHERE status != 'pending'"

OTHER_PROCESS = """
import sys
from tui.core.store import Store
db, what = sys.argv[1], sys.argv[2]
with Store(db, annotator="alice") as store:
    doc = store.document("basra-offensive")
    pending = [s for s in store.annotations(doc.id).spans if s.status == "pending"]
    span = pending[0]
    with store.action("other " + what, doc.id) as tx:
        if what == "delete":
            tx.delete(span.id)
        else:
            span.status = "accepted"
            tx.update(span)
"""


def other_process(db, what: str) -> None:
    """Another process decides on (or deletes) the first pending suggestion."""
    subprocess.run([sys.executable, "-c", OTHER_PROCESS, str(db), what], check=True, cwd=ROOT, timeout=60)


def count(db, query: str) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(query).fetchone()[0]
    finally:
        conn.close()


def in_review(screen: str) -> bool:
    return "REVIEW" in screen


def back_in_reader(screen: str) -> bool:
    return "REVIEW" not in screen and "NORMAL" in screen


@covers("review", "library-review", "review-accept", "review-reject", "review-skip", "review-back",
        "review-close", "review-quit", "undo")
def test_review_entered_and_left_every_way_without_a_traceback(term, seed_db):
    """Six sessions over 12 suggestions, each left another way, one with another process writing under it."""
    add_suggestions(seed_db, 12)
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting has been raging in Basra")

    # 1. r in the reader, a decision of each kind, escape.
    term.press("r")
    term.wait(lambda s: "REVIEW" in s and "0/12" in s, "review of 12 items")
    term.press("a")
    wait_db(seed_db, DECIDED, lambda r: r == [(1,)], "one accepted")
    term.press("x")
    wait_db(seed_db, DECIDED, lambda r: r == [(2,)], "one rejected")
    term.press("Space", "BSpace")
    term.wait("2/12")
    term.press("Escape")
    term.wait(back_in_reader, "the reader after escape")

    # 2. r in the library (after tab), q.
    term.press("o")
    term.wait("1 of 1 documents")
    term.press("Tab")
    term.wait("s Status", "the list's keys")
    term.press("r")
    term.wait(in_review, "review from the library")
    term.press("a")
    wait_db(seed_db, DECIDED, lambda r: r == [(3,)], "a third decision")
    term.press("q")
    term.wait("1 of 1 documents", "back in the library after q")
    term.press("Escape")
    term.wait(back_in_reader, "the reader")

    # 3. another process accepts one and deletes one while the review is open; the review goes on.
    term.press("r")
    term.wait(in_review)
    other_process(seed_db, "accept")
    other_process(seed_db, "delete")
    term.press("a", "x")
    term.wait_settled()
    term.assert_no_traceback()
    # 4. the library key is refused in review; help opens and closes; escape ends it.
    term.press("o")
    term.wait_settled()
    assert in_review(term.screen())
    term.press("?")
    term.wait("Help: keys and how-to", "the review's help")
    term.press("Escape")
    term.wait_gone("Help: keys and how-to")
    term.wait(in_review)
    term.press("Escape")
    term.wait(back_in_reader)

    # 5. finish every item, then escape; u in the reader afterwards.
    term.press("r")
    term.wait(in_review)
    for _ in range(12):
        if count(seed_db, PENDING) == 0:
            break
        before = count(seed_db, PENDING)
        term.press("a")
        wait_db(seed_db, PENDING, lambda r, b=before: r[0][0] < b, "one fewer pending")
    term.wait("review finished", "the finished review")
    term.press("Escape")
    term.wait(back_in_reader)
    term.press("u")
    wait_db(seed_db, PENDING, lambda r: r == [(1,)], "the last accept undone in the reader")

    # 6. the undone item reviews again; escape.
    term.press("r")
    term.wait(lambda s: in_review(s) and "0/1" in s, "a review of the one item")
    term.press("Escape")
    term.wait(back_in_reader)

    term.assert_no_traceback()
    assert term.quit() == 0
    with Store(seed_db, annotator="alice") as store:
        assert store.check() == []
