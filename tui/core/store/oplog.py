"""The operation log: undo, redo and the history of an annotation."""

from __future__ import annotations

import json
from typing import Any

from tui.core.errors import StoreError
from tui.core.store.changes import ChangeSet, RowChange
from tui.core.store.database import Database
from tui.core.store.results import Operation
from tui.core.store.rows import LogEntry, _key

#: Log entries longer than this (characters of their changes) are kept in memory by
#: :meth:`OperationLog.history` once read: an import's entry, which lists every id it inserted.
LONG_ENTRY = 4096
#: At most this many ids made by one action are noted as new (see ``_note_minted``).
MINTED_NOTED = 64


class OperationLog(Database):
    """Undo and redo across restarts, and what was done to an annotation."""

    def _last_op(self, state: str, annotator: str, doc_id: str | None, newest: bool) -> Operation | None:
        doc_clause = "doc_id IS ?" if doc_id is None else "doc_id = ?"
        row = self.conn.execute(
            f"SELECT seq, doc_id, annotator, time, action, state, changes FROM oplog "
            f"WHERE annotator = ? AND {doc_clause} AND state = ? "
            f"ORDER BY seq {'DESC' if newest else 'ASC'} LIMIT 1",
            (annotator, doc_id, state),
        ).fetchone()
        return _op(row) if row else None

    def last_done_seq(self, doc_id: str, annotator: str | None = None) -> int | None:
        """The log number of the annotator's latest action on the document not undone, or None."""
        row = self.conn.execute(
            "SELECT max(seq) FROM oplog WHERE annotator = ? AND doc_id = ? AND state = 'done'",
            (annotator or self.annotator, doc_id),
        ).fetchone()
        return row[0] if row else None

    def can_undo(self, doc_id: str | None, annotator: str | None = None) -> bool:
        return self._last_op("done", annotator or self.annotator, doc_id, True) is not None

    def can_redo(self, doc_id: str | None, annotator: str | None = None) -> bool:
        return self._last_op("undone", annotator or self.annotator, doc_id, False) is not None

    def undo(self, doc_id: str | None, annotator: str | None = None) -> Operation | None:
        """Undo the annotator's latest action on the document (None: global actions).

        Returns:
            The undone operation, or None when there is nothing to undo.

        Raises:
            StoreError: a row the action wrote was changed since by another
                action (of another annotator or process); nothing is undone.
        """
        who = annotator or self.annotator
        with self.write() as conn:
            op = self._last_op("done", who, doc_id, True)
            if op is None:
                return None
            if any("bulk" in ch for ch in op.changes):
                op.changes = self._materialise(op.changes)
                conn.execute("UPDATE oplog SET changes = ? WHERE seq = ?",
                             (json.dumps(op.changes, ensure_ascii=False, separators=(",", ":")), op.seq))
            self._apply(op.changes, reverse=True)
            conn.execute("UPDATE oplog SET state = 'undone' WHERE seq = ?", (op.seq,))
            undone = [RowChange(c["table"], c["after"], c["before"]) for c in reversed(op.changes)]
            self._remember(ChangeSet(tuple(undone)),
                           [{"table": r.table, "before": r.before, "after": r.after} for r in undone])
        self._schemas.clear()
        return op

    def redo(self, doc_id: str | None, annotator: str | None = None) -> Operation | None:
        """Redo the annotator's most recently undone action on the document."""
        who = annotator or self.annotator
        with self.write() as conn:
            op = self._last_op("undone", who, doc_id, False)
            if op is None:
                return None
            self._apply(op.changes, reverse=False)
            conn.execute("UPDATE oplog SET state = 'done' WHERE seq = ?", (op.seq,))
            redone = [RowChange(c["table"], c["before"], c["after"]) for c in op.changes if "bulk" not in c]
            bulk = len(redone) < len(op.changes)
            self._remember(ChangeSet(tuple(redone), bulk), list(op.changes))
        self._schemas.clear()
        return op

    def _materialise(self, changes: list[LogEntry]) -> list[LogEntry]:
        """Expand key-only bulk entries into full rows (read before they are undone)."""
        out: list[LogEntry] = []
        for ch in changes:
            if "bulk" not in ch:
                out.append(ch)
                continue
            for key in ch["bulk"]:
                row = self._row(ch["table"], key)
                if row is None:
                    raise StoreError(f"cannot undo: {ch['table']} {key} was deleted since")
                out.append({"table": ch["table"], "before": None, "after": row})
        return out

    def _apply(self, changes: list[LogEntry], *, reverse: bool) -> None:
        """Write an operation's rows back (undo) or again (redo), refusing rows changed since."""
        seq = reversed(changes) if reverse else changes
        for ch in seq:
            table = ch["table"]
            before, after = (ch["after"], ch["before"]) if reverse else (ch["before"], ch["after"])
            key = _key(table, before or after)
            current = self._row(table, key)
            if current != before:
                raise StoreError(
                    f"cannot {'undo' if reverse else 'redo'}: {table} {key} was changed since"
                )
            if after is None:
                self._delete_row(table, key)
            elif before is None:
                self._insert_row(table, after)
            else:
                self._update_row(table, after)

    def history(self, ann_id: str) -> list[Operation]:
        """Every logged action that touched the annotation, oldest first."""
        # The reader asks on every selection change. instr() is an exact, case-sensitive
        # substring test (LIKE would also treat % and _ in an id as wildcards).
        #
        # Scanning the whole log for every call reads every entry, and an import's
        # entry lists every id it inserted: megabytes on a long document, 3-6 ms per
        # selection. So, outside a transaction (where nothing read can be rolled back):
        # - the entries are read once as they appear (_log_entries_since): the long
        #   ones are kept in memory, their text searched in Python, never read again;
        # - the short entries mentioning an id are remembered with the last entry
        #   scanned for it, and the next call for that id scans only newer ones.
        # Entries are never deleted; the only rewrite (an undo expanding an import's
        # bulk keys into rows) keeps every id the entry had and changes its state, so
        # a kept text whose state changed is read again.
        needle = f'"{ann_id}"'
        conn = self.conn
        if conn.in_transaction:
            seqs = [r[0] for r in conn.execute(
                "SELECT seq FROM oplog WHERE instr(changes, ?) > 0 ORDER BY seq", (needle,))]
            return self._operations_of(ann_id, seqs)
        long = self._log_entries_since()
        upto = self._log_scanned
        scanned, short = self._history_seen.get(ann_id, (0, ()))
        skip = [seq for seq in long if seq > scanned]
        found = tuple(r[0] for r in conn.execute(
            "SELECT seq FROM oplog WHERE seq > ? AND seq <= ? "
            f"AND seq NOT IN ({', '.join('?' * len(skip))}) AND instr(changes, ?) > 0",
            (scanned, upto, *skip, needle)))
        short += found
        self._history_seen[ann_id] = (upto, short)
        # An id made by a logged action is in no entry before it: an import's entry on a
        # long document is megabytes to search, and a tag selects the span it made.
        first = self._minted_at.get(ann_id, 0)
        return self._operations_of(ann_id, sorted({
            *short, *(seq for seq, (_, text) in long.items() if seq >= first and needle in text)}))

    def _note_minted(self, seq: int, ann_ids: list[str]) -> None:
        """Ids made by the action logged as ``seq``: no entry before it names them, so :meth:`history` starts there.

        A new annotation is selected as soon as it is made, and its history would
        otherwise scan the whole log for an id that cannot be in it. Only for a
        few ids at once (an action that makes thousands is not followed by their
        selection).
        """
        if len(ann_ids) <= MINTED_NOTED:
            seen, minted = self._history_seen, self._minted_at
            for ann_id in ann_ids:
                seen.setdefault(ann_id, (seq - 1, ()))
                minted.setdefault(ann_id, seq)

    def _log_entries_since(self) -> dict[int, tuple[str, str]]:
        """The long log entries (``seq -> (state, changes)``), after reading the entries added since last time."""
        long = self._long_entries
        for seq, state, text in self.conn.execute(
            "SELECT seq, state, CASE WHEN length(changes) > ? THEN changes END FROM oplog WHERE seq > ? ORDER BY seq",
            (LONG_ENTRY, self._log_scanned),
        ):
            if text is not None:
                long[seq] = (state, text)
            self._log_scanned = seq
        return long

    def _operations_of(self, ann_id: str, seqs: list[int]) -> list[Operation]:
        """The operations among the log entries ``seqs`` whose changes touch ``ann_id``, in order."""
        if not seqs:
            return []
        conn, long, cache = self.conn, self._long_entries, self._history_cache
        ops = []
        for seq, doc_id, annotator, when, action, state in conn.execute(
            "SELECT seq, doc_id, annotator, time, action, state FROM oplog "
            f"WHERE seq IN ({', '.join('?' * len(seqs))}) ORDER BY seq", seqs,
        ):
            kept = long.get(seq)
            if kept is not None and kept[0] != state:  # undone or redone: maybe rewritten
                text = conn.execute("SELECT changes FROM oplog WHERE seq = ?", (seq,)).fetchone()[0]
                long[seq] = kept = (state, text)
            text = kept[1] if kept is not None else \
                conn.execute("SELECT changes FROM oplog WHERE seq = ?", (seq,)).fetchone()[0]
            # Decoding an import's entry costs more than finding it: kept, by (seq, length).
            changes = cache.get((seq, len(text)))
            if changes is None:
                changes = json.loads(text)
                if len(text) > LONG_ENTRY:
                    cache[(seq, len(text))] = changes
            if any(ann_id in c["bulk"] if "bulk" in c else _key(c["table"], c["before"] or c["after"]) == ann_id
                   for c in changes):
                ops.append(Operation(seq=seq, doc_id=doc_id, annotator=annotator, time=when,
                                     action=action, state=state, changes=changes))
        return ops

    def operations(self, doc_id: str | None = None, limit: int = 100) -> list[Operation]:
        """The latest logged actions (of one document, or all), newest first."""
        sql = "SELECT seq, doc_id, annotator, time, action, state, changes FROM oplog"
        params: tuple[str, ...] = ()
        if doc_id is not None:
            sql += " WHERE doc_id = ?"
            params = (doc_id,)
        sql += " ORDER BY seq DESC LIMIT ?"
        return [_op(r) for r in self.conn.execute(sql, (*params, limit))]


def _op(row: tuple[Any, ...]) -> Operation:
    """An operation from its oplog row (changes decoded)."""
    return Operation(
        seq=row[0], doc_id=row[1], annotator=row[2], time=row[3], action=row[4], state=row[5],
        changes=json.loads(row[6]),
    )
