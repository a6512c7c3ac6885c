"""Build ``v3.db``: a database of schema version 3 (before migration 4, the log without AUTOINCREMENT).

Run once when migration 4 was written; kept to show how the file was made:
    python tests/data/db/make_v3.py
"""

import json
import sqlite3
from pathlib import Path

from tui.core.store.migrations import _v1, _v2, _v3
from tui.core.text.offsets import sha256_text

HERE = Path(__file__).parent
TEXT = "Iraqi troops attacked militias in Basra.\r\n👩‍👩‍👧 中文 Basra again\n"


def main() -> None:
    path = HERE / "v3.db"
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    _v1(conn)
    _v2(conn)
    _v3(conn)
    conn.execute("PRAGMA user_version = 3")
    t = "2026-01-01T00:00:00.000Z"
    conn.execute(
        "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?)",
        ("doc-1", "v3-first", TEXT, sha256_text(TEXT), "ace2005", "{}", None, "[]", t, t),
    )
    for seq, (sid, label, s, e) in enumerate(
        [("span-1", "GPE", 0, 5), ("span-2", "GPE", 34, 39), ("span-3", "Attack", 13, 21)], 1
    ):
        row = {"id": sid, "doc_id": "doc-1", "label": label, "start": s, "end": e,
               "fragments": json.dumps([[s, e]]), "text": TEXT[s:e], "source_id": None,
               "annotator": "alice", "origin": "manual", "status": "accepted", "created": t,
               "modified": t}
        conn.execute(f"INSERT INTO spans VALUES ({','.join('?' * len(row))})", list(row.values()))
        conn.execute(
            "INSERT INTO oplog (doc_id, annotator, time, action, state, changes) VALUES (?,?,?,?,?,?)",
            ("doc-1", "alice", t, f"tag {label}", "done",
             json.dumps([{"table": "spans", "before": None, "after": row}])),
        )
    conn.execute("INSERT INTO settings VALUES ('last_document:alice', 'v3-first')")
    conn.close()


if __name__ == "__main__":
    main()
