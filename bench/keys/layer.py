"""The analyst's layer in the database, read-only: what the keys have made so far.

The analyst checks each step here (a tag, a filled role, a chain) and reads the
pending suggestions it reviews. Every query opens its own read-only connection
(the app writes to the same file meanwhile) through :meth:`Layer.rows`.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from bench.keys.gold import SpanKey


class Layer:
    """Read-only queries on one annotator's layer of one document (a mixin of ``Analyst``).

    The class using it sets ``db``, ``annotator`` and ``doc_id`` (found with
    :meth:`rows` from the document's name).
    """

    db: Path
    doc_id: str
    annotator: str

    def rows(self, sql: str, *params: object) -> list[Any]:
        """The rows of one query, on a read-only connection of its own."""
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=10)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def spans(self, status: str | None = None) -> dict[str, tuple[int, int, str, str]]:
        """This layer's spans: id -> (start, end, label, status)."""
        rows = self.rows("SELECT id, start, \"end\", label, status FROM spans WHERE doc_id = ? AND "
                         "annotator = ?", self.doc_id, self.annotator)
        return {i: (s, e, lab, st) for i, s, e, lab, st in rows if status is None or st == status}

    def accepted(self) -> set[SpanKey]:
        return {(s, e, lab) for s, e, lab, _ in self.spans("accepted").values()}

    def pending_links(self) -> list[tuple[tuple[int, int], tuple[int, int]]]:
        """The pending coreference links of the layer: ``(first member, mention)`` extents."""
        spans = {i: (s, e) for i, (s, e, _l, _st) in self.spans().items()}
        rows = self.rows("SELECT members FROM equivalences WHERE doc_id = ? AND annotator = ? "
                         "AND status = 'pending'", self.doc_id, self.annotator)
        out = []
        for (members,) in rows:
            ids = json.loads(members)
            if len(ids) == 2 and all(m in spans for m in ids):
                out.append((spans[ids[0]], spans[ids[1]]))
        return out

    def pending_events(self) -> dict[tuple[int, int], str]:
        """The layer's pending events: trigger extent -> type."""
        spans = {i: (s, e) for i, (s, e, _l, _st) in self.spans().items()}
        rows = self.rows("SELECT type, trigger FROM events WHERE doc_id = ? AND annotator = ? "
                         "AND status = 'pending'", self.doc_id, self.annotator)
        return {spans[t]: typ for typ, t in rows if t in spans}

    def layer_events(self) -> set[tuple[str, int, int]]:
        """The layer's accepted events: (type, trigger start, trigger end)."""
        spans = {i: (s, e) for i, (s, e, _l, _st) in self.spans().items()}
        rows = self.rows("SELECT type, trigger FROM events WHERE doc_id = ? AND annotator = ? "
                         "AND status = 'accepted'", self.doc_id, self.annotator)
        return {(typ, *spans[t]) for typ, t in rows if t in spans}

    def layer_state(self) -> tuple[dict[str, tuple[int, int, str]], set[str], dict[tuple[int, int], set[str]],
                                   list[set[str]]]:
        """Visible spans (id -> start, end, label), trigger ids, each trigger's fillers, accepted chains."""
        events = self.rows("SELECT trigger, arguments FROM events WHERE doc_id = ? AND annotator = ? "
                           "AND status != 'rejected'", self.doc_id, self.annotator)
        chains = self.rows("SELECT members FROM equivalences WHERE doc_id = ? AND annotator = ? "
                           "AND status = 'accepted'", self.doc_id, self.annotator)
        spans = {i: (s, e, lab) for i, (s, e, lab, st) in self.spans().items() if st != "rejected"}
        triggers = {t for t, _ in events}
        fillers = {spans[t][:2]: {a["target"] for a in json.loads(args)} for t, args in events if t in spans}
        return spans, triggers, fillers, [set(json.loads(m)) for (m,) in chains]

    def event_args(self, s: int, e: int) -> set[tuple[str, int, int]]:
        """The arguments of the layer's event on the trigger ``[s, e)``, in gold terms."""
        spans = {i: (a, b) for i, (a, b, _l, st) in self.spans().items() if st != "rejected"}
        rows = self.rows("SELECT trigger, arguments FROM events WHERE doc_id = ? AND annotator = ? "
                         "AND status != 'rejected'", self.doc_id, self.annotator)
        for trigger, args in rows:
            if spans.get(trigger) == (s, e):
                return {(a["role"], *spans[a["target"]]) for a in json.loads(args) if a["target"] in spans}
        return set()
