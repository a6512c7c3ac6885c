"""The app keeps going when a write fails or waits: a message, nothing half-applied, nothing lost.

Real failures, no mocks: a full disk is SQLite's ``max_page_count`` reached
(the same SQLITE_FULL a full file system gives; a subprocess with a lowered
RLIMIT_FSIZE checks the real thing), a read-only database is ``query_only``,
the lock is held by a second process in ``BEGIN IMMEDIATE``.
"""

from __future__ import annotations

import subprocess
import sys

from tests.app.conftest import db_annotations, goto_text, reader_of
from tui.app.app import make_app
from tui.app.screens.reader import writing as reader_mod
from tui.core.model import Span
from tui.core.store import Store

SIZE = (160, 50)


def _fill_disk(store: Store) -> None:
    """Make the database full: no page may be added (SQLITE_FULL on the next write that needs one)."""
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")


async def _tag_words_until_full(pilot, words: list[str]) -> int:
    """Tag words with 1 until one is refused; returns how many landed."""
    screen = reader_of(pilot.app)
    for n, word in enumerate(words):
        before = len(screen.anns.spans)
        await goto_text(pilot, word)
        await pilot.press("1")
        await pilot.pause()
        if len(screen.anns.spans) == before:
            return n
    return len(words)


async def test_disk_full_while_tagging_is_a_message_and_the_app_goes_on(seed_db):
    """A tag refused by a full disk: a message, no span on screen or in the database, the app running."""
    words = ["Heavy", "fighting", "raging", "Basra", "following", "major", "thousands", "Iraqi", "troops"] * 3
    async with make_app(seed_db).run_test(size=SIZE, notifications=True) as pilot:
        screen = reader_of(pilot.app)
        _fill_disk(pilot.app.store)
        landed = await _tag_words_until_full(pilot, words)
        assert landed < len(words), "the database never filled up"
        # Screen and database agree: what is shown is what was committed.
        assert {s.id for s in screen.anns.spans} == {s.id for s in db_annotations(seed_db).spans}
        notes = [n.message for n in pilot.app._notifications]
        assert any("not saved" in m and "disk is full" in m for m in notes), notes
        # The app still works: cursor keys move, and with room again the tag lands.
        cursor = screen.view.cursor
        await pilot.press("l")
        assert screen.view.cursor == cursor + 1
        pilot.app.store.conn.execute("PRAGMA max_page_count = 1073741823")
        await goto_text(pilot, "Basra")
        await pilot.press("2")
        await pilot.pause()
        assert len(db_annotations(seed_db).spans) == landed + 1
    assert pilot.app._exception is None and pilot.app.return_code in (None, 0)


async def test_read_only_database_refuses_a_tag_with_a_message(seed_db):
    """A database that turned read-only: the tag is not applied, a message says so, undo still answers."""
    async with make_app(seed_db).run_test(size=SIZE, notifications=True) as pilot:
        screen = reader_of(pilot.app)
        pilot.app.store.conn.execute("PRAGMA query_only = 1")
        await goto_text(pilot, "Basra")
        await pilot.press("1")
        await pilot.pause()
        assert screen.anns.spans == [] and db_annotations(seed_db).spans == []
        assert any("not saved" in n.message for n in pilot.app._notifications)
        await pilot.press("u")  # nothing to undo; must not crash either
        await pilot.pause()
    assert pilot.app._exception is None


HOLD_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


async def test_lock_held_by_another_process_the_app_waits_responsive_then_saves(seed_db, monkeypatch):
    """Another process writes: the tag waits (said on the status line), cursor keys work, it lands after."""
    monkeypatch.setattr(reader_mod, "WRITE_RETRY_SECONDS", 0.05)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(seed_db)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        async with make_app(seed_db).run_test(size=SIZE) as pilot:
            screen = reader_of(pilot.app)
            await goto_text(pilot, "Basra")
            assert holder.stdout.readline().strip() == "locked"
            await pilot.press("1")
            await pilot.pause()
            assert screen.anns.spans == []
            status = str(screen.query_one("#status-line").render())
            assert "waiting for the database" in status, status
            # Responsive: the cursor moves while the action waits.
            cursor = screen.view.cursor
            await pilot.press("l", "l")
            assert screen.view.cursor == cursor + 2
            await pilot.pause(0.2)
            assert db_annotations(seed_db).spans == []
            holder.stdin.write("\n")
            holder.stdin.flush()
            holder.wait(timeout=10)
            for _ in range(50):
                await pilot.pause(0.05)
                if screen.anns.spans:
                    break
            assert [s.text for s in screen.anns.spans] == ["Basra"]
            assert "waiting" not in str(screen.query_one("#status-line").render())
        assert [s.text for s in db_annotations(seed_db).spans] == ["Basra"]
    finally:
        holder.kill()
        holder.wait()


async def test_lock_held_past_the_wait_says_not_saved(seed_db, monkeypatch):
    """A lock held past the wait: "not saved", nothing written, the app still running."""
    monkeypatch.setattr(reader_mod, "WRITE_RETRY_SECONDS", 0.02)
    monkeypatch.setattr(reader_mod, "WRITE_WAIT_SECONDS", 0.2)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(seed_db)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        async with make_app(seed_db).run_test(size=SIZE, notifications=True) as pilot:
            screen = reader_of(pilot.app)
            await goto_text(pilot, "Basra")
            assert holder.stdout.readline().strip() == "locked"
            await pilot.press("1")
            for _ in range(40):
                await pilot.pause(0.05)
                if not screen._waiting_writes:
                    break
            assert not screen._waiting_writes
            assert any("not saved" in n.message and "another process is writing" in n.message
                       for n in pilot.app._notifications)
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=10)
        assert db_annotations(seed_db).spans == []
    finally:
        holder.kill()
        holder.wait()


async def test_two_instances_of_one_annotator_do_not_tag_the_same_words_twice(seed_db):
    """Two apps of alice tag the same word with the same type: one span, the second says already tagged."""
    async with make_app(seed_db, annotator="alice").run_test(size=SIZE, notifications=True) as pilot:
        with Store(seed_db, annotator="alice") as other:
            # The other instance tagged "Basra" first (as the app would: unique spans on).
            other.unique_spans = True
            doc = other.document("basra-offensive")
            start = doc.text.index("Basra")
            label = reader_of(pilot.app).schema.span_types[0].name
            other.add(Span(label=label, fragments=[(start, start + 5)], doc_id=doc.id))
        screen = reader_of(pilot.app)
        screen.view.move_to(start)
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        spans = db_annotations(seed_db).spans
        assert [(s.label, s.fragments) for s in spans] == [(label, [(start, start + 5)])]
        assert any("already tagged" in n.message for n in pilot.app._notifications)
    assert pilot.app._exception is None
