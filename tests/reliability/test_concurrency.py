"""Two processes on one database: no lost write, no "database is locked", each sees the other."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from tests.conftest import SEED
from tests.reliability.ledger import Ledger, actual_rows, integrity, parse_acks, spawn_worker
from tui.core.formats.text import read_document
from tui.core.model import Document, Span
from tui.core.store import Store

ACTIONS = 1000  # per worker and scenario: 4,000 actions in all


@pytest.mark.parametrize("same_document", [True, False], ids=["same-document", "different-documents"])
def test_two_processes_lose_nothing_and_see_each_other(tmp_path, same_document):
    """Two annotators in two processes: every acknowledged action of both is in the database."""
    db = tmp_path / "team.db"
    with Store(db, annotator="setup") as store:
        store.add_document(read_document(SEED, "basra-offensive"))
        store.add_document(Document(name="other", text=SEED.read_text(encoding="utf-8")))
    docs = {"a": "basra-offensive", "b": "basra-offensive" if same_document else "other"}
    reader = Store(db, annotator="reader")  # a long-lived connection, like an open app
    try:
        version = reader.data_version()
        outs = {who: tmp_path / f"{who}.out" for who in docs}
        procs = {
            who: spawn_worker(db, docs[who], who, seed, ACTIONS, outs[who])
            for who, seed in (("a", 1), ("b", 2))
        }
        changed_while_running = False
        while any(p.poll() is None for p in procs.values()):
            if reader.data_version() != version:
                changed_while_running = True
            time.sleep(0.02)
        for who, proc in procs.items():
            err = proc.stderr.read().decode()
            proc.stderr.close()
            assert proc.returncode == 0, f"worker {who} failed: {err}"
            assert "locked" not in err and "busy" not in err and err == "", err
            assert outs[who].read_bytes().endswith(b"done\n")
        assert changed_while_running
        assert integrity(db) == [("ok",)]

        # No lost write: each annotator's rows are exactly what its acknowledgements say.
        ledgers = {}
        for who in docs:
            acks = parse_acks(outs[who])
            assert len(acks) > ACTIONS * 0.8
            ledgers[who] = Ledger(who)
            ledgers[who].replay(acks)
            assert ledgers[who].reconcile(reader.conn) == "none"
            assert actual_rows(reader.conn, who) == ledgers[who].expected, who

        # The reader notices the other processes' commits and sees all their work on re-reading.
        assert reader.data_version() != version
        seen = {}
        for name in set(docs.values()):
            anns = reader.annotations(reader.document(name).id)
            for a in anns.all():
                seen[(type(a).__name__, a.id)] = a.annotator
        assert {who for who in seen.values()} == set(docs)
        assert len(seen) == sum(len(led.expected) for led in ledgers.values())
        assert reader.check() == []
    finally:
        reader.close()


def test_data_version_changes_when_another_connection_writes(db_path):
    """data_version() moves on another connection's commit, not on our own or on reads."""
    with Store(db_path, annotator="alice") as mine, Store(db_path, annotator="bob") as theirs:
        doc, _ = mine.add_document(Document(name="d", text="Alice met Bob in Basra."))
        v0 = mine.data_version()
        mine.annotations(doc.id)
        assert mine.data_version() == v0
        mine.add(Span(doc_id=doc.id, label="PER", fragments=[(0, 5)]))
        assert mine.data_version() == v0  # our own write: we know about it already
        theirs.add(Span(doc_id=doc.id, label="PER", fragments=[(10, 13)]))
        v1 = mine.data_version()
        assert v1 != v0
        assert [s.text for s in mine.annotations(doc.id).spans] == ["Alice", "Bob"]
        theirs.undo(doc.id)  # an undo changes rows without adding a log entry
        assert mine.data_version() != v1
        assert [s.text for s in mine.annotations(doc.id).spans] == ["Alice"]


def test_writer_waits_for_a_held_lock_instead_of_failing(db_path):
    """A write lock held by another connection delays an action; it never fails with 'locked'."""
    with Store(db_path, annotator="alice") as store:
        doc, _ = store.add_document(Document(name="d", text="Alice met Bob in Basra."))
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO settings(key, value) VALUES ('held', '1')")
        done = threading.Event()
        result = {}

        def tag() -> None:
            try:
                result["span"] = store.add(Span(doc_id=doc.id, label="PER", fragments=[(0, 5)]))
            except Exception as exc:  # noqa: BLE001 - reported below
                result["error"] = exc
            done.set()

        worker = threading.Thread(target=tag)
        worker.start()
        # While the lock is held the action cannot have committed.
        assert not done.wait(0.3)
        assert "span" not in result and "error" not in result
        other.execute("COMMIT")
        other.close()
        worker.join(60)
        assert "error" not in result, result.get("error")
        assert store.get(result["span"].id).text == "Alice"
        assert store.get_setting("held") == "1"
