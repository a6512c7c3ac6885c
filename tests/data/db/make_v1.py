"""Build ``v1.db``: a database of schema version 1 (before migration 2), with data.

Run once when migration 2 was written; kept to show how the file was made:
    python tests/data/db/make_v1.py
"""

import json
import sqlite3
from pathlib import Path

from tui.core.store.migrations import _v1
from tui.core.text.offsets import sha256_text

HERE = Path(__file__).parent
TEXT = "Iraqi troops attacked militias in Basra.\r\n👩‍👩‍👧 中文\n"


def main() -> None:
    path = HERE / "v1.db"
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    _v1(conn)
    conn.execute("PRAGMA user_version = 1")
    t = "2026-01-01T00:00:00.000Z"
    conn.execute(
        "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?)",
        ("doc-1", "v1-article", TEXT, sha256_text(TEXT), "ace2005", "{}", None, "[]", t, t),
    )
    spans = [("span-1", "GPE", 0, 5), ("span-2", "GPE", 34, 39), ("span-3", "Attack", 13, 21)]
    for sid, label, s, e in spans:
        conn.execute(
            "INSERT INTO spans VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (sid, "doc-1", label, s, e, json.dumps([[s, e]]), TEXT[s:e], None, "alice", "manual", "accepted", t, t),
        )
    conn.execute(
        "INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        ("event-1", "doc-1", "Attack", "span-3", json.dumps([{"role": "Place", "target": "span-2"}]),
         None, "alice", "manual", "accepted", t, t),
    )
    conn.execute(
        "INSERT INTO oplog (doc_id, annotator, time, action, state, changes) VALUES (?,?,?,?,?,?)",
        ("doc-1", "alice", t, "add GPE Basra", "done", json.dumps([{"table": "spans", "before": None, "after": {
            "id": "span-2", "doc_id": "doc-1", "label": "GPE", "start": 34, "end": 39, "fragments": "[[34, 39]]",
            "text": "Basra", "source_id": None, "annotator": "alice", "origin": "manual", "status": "accepted",
            "created": t, "modified": t}}])),
    )
    conn.close()


if __name__ == "__main__":
    main()
