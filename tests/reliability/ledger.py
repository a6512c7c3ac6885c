"""The parent's side of the worker protocol: replay acknowledgements, compare with the database."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.core.model import KINDS
from tui.core.store import COLUMNS, _q

ROOT = Path(__file__).resolve().parents[2]

Key = tuple[str, str]


@dataclass
class Ack:
    """One acknowledged action: the worker's step, its oplog seq and the committed changes."""

    n: int
    seq: int
    changes: list[list[Any]]
    undo: bool = False


def parse_acks(path: Path) -> list[Ack]:
    """Complete ``ack`` lines of a worker's output; a line cut off by the kill is not an ack."""
    acks = []
    data = path.read_bytes().decode("utf-8")
    lines = data.split("\n")
    for line in lines[:-1]:  # the last piece has no newline: never acknowledged
        if line.startswith("ack "):
            _, n, seq, what, payload = line.split(" ", 4)
            acks.append(Ack(int(n), int(seq), json.loads(payload), undo=what == "undo"))
    return acks


def apply(expected: dict[Key, dict], changes: list[list[Any]]) -> None:
    """Apply ``[table, id, row-or-None]`` changes to an expected state."""
    for table, key, row in changes:
        if table not in KINDS:
            continue
        if row is None:
            expected.pop((table, key), None)
        else:
            expected[(table, key)] = row


def actual_rows(conn: sqlite3.Connection, annotator: str | None = None) -> dict[Key, dict]:
    """Every annotation row in the database (of one annotator), keyed by (table, id)."""
    out: dict[Key, dict] = {}
    for table in KINDS:
        cols = COLUMNS[table]
        sql = f"SELECT {', '.join(_q(c) for c in cols)} FROM {table}"
        params: tuple = ()
        if annotator is not None:
            sql += " WHERE annotator = ?"
            params = (annotator,)
        for r in conn.execute(sql, params):
            row = dict(zip(cols, r, strict=True))
            out[(table, row["id"])] = row
    return out


def op_states(conn: sqlite3.Connection, annotator: str) -> dict[int, tuple[str, list]]:
    """The annotator's oplog: seq -> (state, changes)."""
    return {
        seq: (state, json.loads(changes))
        for seq, state, changes in conn.execute(
            "SELECT seq, state, changes FROM oplog WHERE annotator = ? ORDER BY seq", (annotator,)
        )
    }


def forward(changes: list[dict]) -> list[list[Any]]:
    """Oplog changes as ``[table, id, row-after]``."""
    return [[c["table"], (c["before"] or c["after"]).get("id"), c["after"]] for c in changes]


def backward(changes: list[dict]) -> list[list[Any]]:
    """Oplog changes undone, as ``[table, id, row-before]``."""
    return [[c["table"], (c["before"] or c["after"]).get("id"), c["before"]] for c in reversed(changes)]


@dataclass
class Ledger:
    """What one annotator's acknowledgements say the database must hold."""

    annotator: str
    expected: dict[Key, dict] = field(default_factory=dict)
    states: dict[int, str] = field(default_factory=dict)
    """The annotator's oplog entries: seq -> done / undone / discarded."""

    def replay(self, acks: list[Ack]) -> None:
        """Apply acknowledged actions in order."""
        for ack in acks:
            apply(self.expected, ack.changes)
            if ack.undo:
                assert self.states.get(ack.seq) == "done", f"undo of {ack.seq} that was not done"
                self.states[ack.seq] = "undone"
            else:
                self._new_action(ack.seq)

    def _new_action(self, seq: int) -> None:
        # A new action discards the redo stack (the worker works on one document).
        for s, st in self.states.items():
            if st == "undone":
                self.states[s] = "discarded"
        self.states[seq] = "done"

    def reconcile(self, conn: sqlite3.Connection) -> str:
        """Account for the one action that may have committed without being acknowledged.

        Returns:
            ``"none"``, ``"action"`` or ``"undo"``: what was in flight at the kill.

        Raises:
            AssertionError: the database holds anything else than the
                acknowledged state plus at most one unacknowledged action.
        """
        ops = op_states(conn, self.annotator)
        new = sorted(set(ops) - set(self.states))
        flipped = [s for s, st in self.states.items() if ops.get(s, (None,))[0] != st]
        in_flight = "none"
        if new:
            assert len(new) == 1, f"{len(new)} unacknowledged actions committed: {new}"
            seq = new[0]
            assert ops[seq][0] == "done", ops[seq][0]
            assert seq > max(self.states, default=0)
            apply(self.expected, forward(ops[seq][1]))
            self._new_action(seq)
            in_flight = "action"
        elif flipped:
            assert len(flipped) == 1 and ops.get(flipped[0], ("missing",))[0] == "undone", (
                f"oplog states differ from the acknowledged ones: {flipped}"
            )
            seq = flipped[0]
            apply(self.expected, backward(ops[seq][1]))
            self.states[seq] = "undone"
            in_flight = "undo"
        assert {s: st for s, (st, _) in ops.items()} == self.states
        return in_flight


def integrity(path: Path) -> list[tuple]:
    """``PRAGMA integrity_check`` on a fresh connection (which also recovers the WAL)."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()


def spawn_worker(db: Path, doc: str, annotator: str, seed: int, actions: int, out: Path) -> subprocess.Popen:
    """Start ``tests/reliability/worker.py`` with its output going to a file."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with open(out, "wb") as fh:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.worker", str(db), doc, annotator, str(seed), str(actions)],
            stdout=fh, stderr=subprocess.PIPE, cwd=ROOT, env=env,
        )
