"""Crash safety: ``kill -9`` at random moments loses no acknowledged action.

A worker process (``worker.py``) annotates through the Store, the code
path the app uses, and acknowledges each action only after the call
returned, i.e. after COMMIT. The parent kills it with SIGKILL after a
random delay, then checks that the database passes ``PRAGMA
integrity_check``, opens, and holds exactly the acknowledged state plus
at most the one action that had committed but not yet been acknowledged.
The next worker carries on with the same database, so recovery after a
kill is exercised too.

``TUI_SOAK_KILLS`` sets the number of kills (``make soak`` runs 1,000).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import time

import pytest

from tests.conftest import SEED
from tests.reliability.ledger import Ledger, actual_rows, integrity, parse_acks, spawn_worker
from tui.core.formats.text import read_document
from tui.core.store import Store

KILLS = int(os.environ.get("TUI_SOAK_KILLS", "50"))
SEED_RNG = int(os.environ.get("TUI_KILL_SEED", "20240607"))


def _wait_ready(proc, out, limit_s: float = 60.0) -> None:
    """Wait until the worker has opened the store (or died trying)."""
    deadline = time.monotonic() + limit_s
    while b"ready\n" not in out.read_bytes():
        if proc.poll() is not None:
            raise AssertionError(f"worker exited early: {proc.stderr.read().decode()}")
        if time.monotonic() > deadline:
            raise AssertionError("worker never became ready")
        time.sleep(0.005)


def test_sigkill_at_random_points_loses_no_acknowledged_action(tmp_path):
    """After each of KILLS SIGKILLs the database is intact and holds every acknowledged action."""
    rng = random.Random(SEED_RNG)
    db = tmp_path / "kill.db"
    with Store(db, annotator="setup") as store:
        store.add_document(read_document(SEED, "basra-offensive"))
    ledger = Ledger("w")
    total_acks = in_flight = undos = early = 0
    for i in range(KILLS):
        out = tmp_path / f"worker-{i}.out"
        proc = spawn_worker(db, "basra-offensive", "w", rng.randrange(1 << 30), 1_000_000, out)
        try:
            if rng.random() < 0.1:
                # Sometimes kill while the worker is still starting or opening the store.
                time.sleep(rng.uniform(0.0, 0.4))
                early += 1
            else:
                _wait_ready(proc, out)
                time.sleep(rng.choice([rng.uniform(0.0, 0.02), rng.uniform(0.0, 0.3)]))
            proc.send_signal(signal.SIGKILL)
            rc = proc.wait()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stderr.close()
        assert rc == -signal.SIGKILL, f"kill {i}: the worker ended by itself ({rc})"
        assert b"done\n" not in out.read_bytes()

        # 1. The file is a sound SQLite database.
        assert integrity(db) == [("ok",)], f"kill {i}"
        # 2. It opens as a tui store and every span still matches its text.
        with Store(db, annotator="checker") as store:
            assert store.check() == [], f"kill {i}"
            # 3. Every acknowledged action is there: replay the acks, allow one in flight.
            acks = parse_acks(out)
            ledger.replay(acks)
            kind = ledger.reconcile(store.conn)
            assert actual_rows(store.conn, "w") == ledger.expected, f"kill {i}: lost or extra rows"
        total_acks += len(acks)
        undos += sum(a.undo for a in acks)
        in_flight += kind != "none"
        out.unlink()
    # The run must have done real work, or it proves nothing.
    assert total_acks >= KILLS, total_acks
    assert undos > 0
    print(f"{KILLS} kills ({early} during start-up), {total_acks} acknowledged actions, "
          f"{undos} undos, {in_flight} kills between COMMIT and acknowledgement")


def test_ledger_catches_a_lost_write(tmp_path):
    """The checker itself fails when an acknowledged row is missing (so the kill test can fail)."""
    db = tmp_path / "lost.db"
    with Store(db, annotator="setup") as store:
        store.add_document(read_document(SEED, "basra-offensive"))
    out = tmp_path / "w.out"
    proc = spawn_worker(db, "basra-offensive", "w", 7, 30, out)
    assert proc.wait(timeout=120) == 0, proc.stderr.read().decode()
    proc.stderr.close()
    acks = parse_acks(out)
    assert len(acks) >= 20
    conn = sqlite3.connect(db)
    try:
        ledger = Ledger("w")
        ledger.replay(acks)
        assert ledger.reconcile(conn) == "none"  # the worker finished: nothing in flight
        assert actual_rows(conn, "w") == ledger.expected
        # Simulate a lost write: one acknowledged row disappears.
        table, ann_id = sorted(ledger.expected)[0]
        conn.execute(f"DELETE FROM {table} WHERE id = ?", (ann_id,))
        conn.commit()
        assert actual_rows(conn, "w") != ledger.expected
        # And a lost log entry is caught by the oplog check.
        conn.execute("DELETE FROM oplog WHERE seq = ?", (acks[-1].seq,))
        conn.commit()
        with pytest.raises(AssertionError):
            _replayed(acks).reconcile(conn)
    finally:
        conn.close()


def _replayed(acks):
    ledger = Ledger("w")
    ledger.replay(acks)
    return ledger
