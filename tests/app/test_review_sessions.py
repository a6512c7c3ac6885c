"""Review never crashes: 100 scripted review sessions, entered and left every way there is (issue 13).

Each session (seeded, so a failure replays) enters review from the reader
(``r``) or from the library (``o``, ``tab``, ``r``), makes random decisions
and fixes (accept, reject, skip, back, undo, redo, retype, delete, moves, a
dialog opened and closed, another connection deciding, deleting or adding
items under it), and leaves one way: ``escape``, ``q``, finishing every item,
the library key (refused while reviewing), help, or ``u`` in the reader after
the review. After each session: no exception in the app, the reader is back,
and the database passes ``tui check`` and SQLite's integrity check.
"""

from __future__ import annotations

import random
import re
import sqlite3

import pytest

from tests.app.conftest import TRICKY_NAME, TRICKY_TEXT
from tui.app.app import make_app
from tui.app.screens.library import LibraryScreen
from tui.app.screens.reader import ReaderScreen
from tui.app.screens.review import ReviewScreen
from tui.core.model import Document, Span
from tui.core.store import Store

#: A second short article (short articles keep 100 sessions quick: the review is what is tested).
WIRE_NAME = "wire"
WIRE_TEXT = ("Iraqi troops launched a dawn offensive against militias in Basra on Tuesday.\n"
             "Officials said fighting spread to Baghdad and Kut, and curfews were imposed.\n")
SESSIONS = 100
SEED = 13
SIZE = (100, 30)
ENTRIES = ("reader", "library")
EXITS = ("escape", "q", "finish", "library-key", "help", "undo-after", "other-writer")
KEYS = ("a", "x", "space", "backspace", "u", "ctrl+r", "1", "3", "j", "w", "right_square_bracket",
        "left_square_bracket", "d", "dialog", "other-decides", "other-deletes", "other-adds",
        "greater_than_sign", "less_than_sign", "D", "I")  # the document keys are refused while reviewing


def _words(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\b[A-Za-z]{4,}\b", text)]


def suggest(path, rng: random.Random, n: int, *, annotator: str = "alice") -> None:
    """Another connection adds ``n`` pending suggestions on random words of random documents."""
    with Store(path, annotator=annotator) as store:
        for name in rng.sample([WIRE_NAME, TRICKY_NAME], 2):
            doc = store.document(name)
            words = rng.sample(_words(doc.text), min(n, len(_words(doc.text))))
            with store.action("suggest test", doc.id) as tx:
                for start, end in words:
                    tx.add(Span(label=rng.choice(["ORG", "GPE", "PER"]), fragments=[(start, end)], doc_id=doc.id,
                                status="pending", origin="suggestion:test"))


def other_writes(path, rng: random.Random, what: str) -> None:
    """Another connection decides on, deletes or adds a pending suggestion behind the review's back."""
    if what == "other-adds":
        suggest(path, rng, 1)
        return
    with Store(path, annotator="alice") as store:
        pending = [s for name in (WIRE_NAME, TRICKY_NAME)
                   for s in store.annotations(store.document(name).id).spans if s.status == "pending"]
        if not pending:
            return
        span = rng.choice(pending)
        with store.action(f"other {what}", span.doc_id) as tx:
            if what == "other-deletes":
                tx.delete(span.id)
            else:
                span.status = rng.choice(["accepted", "rejected"])
                tx.update(span)


def assert_consistent(path) -> None:
    """The database holds together: texts, spans, references, SQLite's own check."""
    with Store(path, annotator="alice") as store:
        assert store.check() == []
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


async def settle(pilot) -> None:
    """Let the messages a key or another connection caused be handled (pilot.press already waits for idle)."""
    await pilot.pause()


async def enter(pilot, how: str) -> bool:
    """Enter review; False when there was nothing to review (the reader said so)."""
    app = pilot.app
    if how == "library":
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("tab", "r")
    else:
        await pilot.press("r")
    await settle(pilot)
    if isinstance(app.screen, LibraryScreen):  # nothing pending: the library says so and stays
        await pilot.press("escape")
        await settle(pilot)
        return False
    return isinstance(app.screen, ReviewScreen)


async def leave(pilot, how: str, rng: random.Random, db) -> None:
    app = pilot.app
    if how == "finish":
        for _ in range(200):
            screen = app.screen
            if not isinstance(screen, ReviewScreen) or screen.queue.finished:
                break
            await pilot.press("a")
    elif how == "library-key" and isinstance(app.screen, ReviewScreen):
        await pilot.press("o")  # refused while reviewing: review stays
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
    elif how == "help":
        await pilot.press("question_mark")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
    elif how == "other-writer":
        other_writes(db, rng, rng.choice(["other-decides", "other-deletes", "other-adds"]))
        await settle(pilot)
    key = "q" if how == "q" else "escape"
    for _ in range(5):  # escape first clears a selection or ends role filling
        if not isinstance(app.screen, ReviewScreen):
            break
        await pilot.press(key)
    await settle(pilot)
    if isinstance(app.screen, LibraryScreen):  # entered from the library: back to it, then to the reader
        await pilot.press("escape")
        await settle(pilot)
    assert isinstance(app.screen, ReaderScreen) and not isinstance(app.screen, ReviewScreen), app.screen
    if how == "undo-after":
        await pilot.press("u", "u")
        await settle(pilot)


async def act(pilot, key: str, rng: random.Random, db) -> None:
    if key.startswith("other-"):
        other_writes(db, rng, key)
    elif key == "dialog":
        await pilot.press(rng.choice(["t", "A", "colon", "slash"]))
        await settle(pilot)
        await pilot.press("escape")
    else:
        await pilot.press(key)
    if not isinstance(pilot.app.screen, ReaderScreen):  # a dialog a key opened (delete's confirmation...)
        await pilot.press("escape")
        await settle(pilot)


@pytest.fixture
def two_db(tmp_path):
    """Two short articles: the tricky one (markup lookalikes, an escape, CRLF, emoji, wide) and a wire story."""
    path = tmp_path / "two.db"
    with Store(path, annotator="alice") as store:
        store.add_document(Document(name=TRICKY_NAME, text=TRICKY_TEXT))
        store.add_document(Document(name=WIRE_NAME, text=WIRE_TEXT))
    return path


@pytest.mark.parametrize("first", range(0, SESSIONS, 25))
async def test_review_sessions_never_crash(two_db, first):
    """25 sessions per app (100 in all), each entered and left a seeded random way: no exception, a sound database."""
    tricky_db = two_db
    rng = random.Random(SEED * 1000 + first)
    entered = 0
    app = make_app(tricky_db, annotator="alice", document=WIRE_NAME)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for n in range(first, first + 25):
            entry, exit_way = ENTRIES[n % 2], EXITS[n % len(EXITS)]
            suggest(tricky_db, rng, rng.randint(1, 4))
            await settle(pilot)
            if not await enter(pilot, entry):
                continue
            entered += 1
            for key in rng.choices(KEYS, k=rng.randint(0, 10)):
                if not isinstance(app.screen, ReviewScreen):
                    break  # an action ended it (e.g. finishing with the last item, then escape)
                await act(pilot, key, rng, tricky_db)
            await leave(pilot, exit_way, rng, tricky_db)
            assert app._exception is None, f"session {n} ({entry} -> {exit_way}): {app._exception!r}"
            assert app.is_running
            assert_consistent(tricky_db)
    assert app._exception is None
    assert entered >= 20, f"only {entered} of 25 sessions found something to review"
