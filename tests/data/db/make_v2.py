"""Build ``v2.db``: a database of schema version 2 (before migration 3, full-text search), with data.

Run once when migration 3 was written; kept to show how the file was made:
    python tests/data/db/make_v2.py
"""

import json
import sqlite3
from pathlib import Path

from tui.core.store.migrations import _v1, _v2
from tui.core.text.offsets import sha256_text

HERE = Path(__file__).parent
TEXTS = {
    "v2-first": "Iraqi troops attacked militias in Basra.\r\n👩‍👩‍👧 中文 Basra again\n",
    "v2-second": "Nothing about that city here, only Baghdad.\n",
}


def main() -> None:
    path = HERE / "v2.db"
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    _v1(conn)
    _v2(conn)
    conn.execute("PRAGMA user_version = 2")
    t = "2026-01-01T00:00:00.000Z"
    for n, (name, text) in enumerate(TEXTS.items(), 1):
        conn.execute(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?)",
            (f"doc-{n}", name, text, sha256_text(text), "ace2005", "{}", None, "[]", t, t),
        )
    text = TEXTS["v2-first"]
    spans = [("span-1", "GPE", 0, 5), ("span-2", "GPE", 34, 39), ("span-3", "Attack", 13, 21)]
    for sid, label, s, e in spans:
        conn.execute(
            "INSERT INTO spans VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (sid, "doc-1", label, s, e, json.dumps([[s, e]]), text[s:e], None, "alice", "manual", "accepted", t, t),
        )
    conn.execute("INSERT INTO settings VALUES ('last_document', 'v2-first')")
    conn.close()


if __name__ == "__main__":
    main()
