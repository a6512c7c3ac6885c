"""One action's transaction: its row writes and its entry in the operation log."""

from __future__ import annotations

import json
import sqlite3
from typing import Protocol

import tui.core.store.ids as ids
from tui.core.errors import NotFound
from tui.core.model import Annotation, Equivalence, Event, Relation, Span, kind_of
from tui.core.store.changes import ChangeSet, RowChange
from tui.core.store.rows import (
    _PK,
    A,
    Key,
    LogEntry,
    RowDict,
    RowTuple,
    _key,
    _q,
    references,
    to_row,
)


class TransactionHost(Protocol):
    """What a transaction asks of the store that runs it (:class:`tui.core.store.Store`).

    A protocol, not the class: the store's parts build on the transaction, so naming
    the class here would make the store package import itself.
    """

    conn: sqlite3.Connection
    annotator: str
    unique_spans: bool

    def _row(self, table: str, key: Key) -> RowDict | None: ...
    def _insert_row(self, table: str, row: RowDict) -> None: ...
    def _update_row(self, table: str, row: RowDict) -> None: ...
    def _delete_row(self, table: str, key: Key) -> None: ...
    def _prepare_span(self, span: Span, text: str) -> None: ...
    def document_text(self, doc_id: str) -> str: ...
    def find(self, ann_id: str) -> Annotation | None: ...
    def get(self, ann_id: str) -> Annotation: ...
    def referrers(self, doc_id: str, ann_id: str) -> list[tuple[str, Annotation]]: ...
    def _note_minted(self, seq: int, ann_ids: list[str]) -> None: ...


class _Transaction:
    """Collects the row changes of one action and logs them on finish."""

    def __init__(self, store: TransactionHost, description: str, doc_id: str | None) -> None:
        self.store = store
        self.description = description
        self.doc_id = doc_id
        self.rows: list[RowChange] = []
        """The rows written, in order (bulk inserts aside): the action's change set."""
        self.duplicates: list[str] = []
        """Ids of spans an :meth:`add` found already there (same annotator, label and words): not added."""
        self.stamp = ids.now()
        self._text_cache: dict[str, str] = {}
        self.bulk = False
        """When set (imports), inserted rows are logged by key only; undo reads them back."""
        self._bulk_keys: dict[str, list[Key]] = {}
        self.minted: list[str] = []
        """Ids :meth:`add` made: no earlier log entry can name them (see ``Store.history``)."""

    # raw rows

    def insert_rows(self, table: str, rows: list[RowDict]) -> None:
        """Insert rows of ``table`` (each with the same columns), logged."""
        if not rows:
            return
        cols = list(rows[0])
        self.store.conn.executemany(
            f"INSERT INTO {table} ({', '.join(_q(c) for c in cols)}) "
            f"VALUES ({', '.join('?' * len(cols))})",
            [[r[c] for c in cols] for r in rows],
        )
        if self.bulk:
            self._bulk_keys.setdefault(table, []).extend(_key(table, r) for r in rows)
        else:
            self.rows.extend(RowChange(table, None, r) for r in rows)

    def insert_values(self, table: str, cols: tuple[str, ...], rows: list[RowTuple]) -> None:
        """:meth:`insert_rows` for rows given as tuples in ``cols`` order (imports)."""
        if not rows:
            return
        self.store.conn.executemany(
            f"INSERT INTO {table} ({', '.join(_q(c) for c in cols)}) VALUES ({', '.join('?' * len(cols))})", rows)
        if self.bulk and _PK.get(table, ("id",)) == ("id",) and cols[0] == "id":
            self._bulk_keys.setdefault(table, []).extend([r[0] for r in rows])
        elif self.bulk:
            self._bulk_keys.setdefault(table, []).extend(_key(table, dict(zip(cols, r, strict=True))) for r in rows)
        else:
            self.rows.extend(RowChange(table, None, dict(zip(cols, r, strict=True))) for r in rows)

    def put_row(self, table: str, row: RowDict) -> None:
        """Insert a row, or replace the row with its key, logged."""
        before = self.store._row(table, _key(table, row))
        if before is None:
            self.store._insert_row(table, row)
        else:
            self.store._update_row(table, row)
        self.rows.append(RowChange(table, before, row))

    def delete_row(self, table: str, key: Key) -> None:
        """Delete the row with this key (nothing when there is none), logged."""
        before = self.store._row(table, key)
        if before is None:
            return
        self.store._delete_row(table, key)
        self.rows.append(RowChange(table, before, None))

    def _text(self, doc_id: str) -> str:
        if doc_id not in self._text_cache:
            self._text_cache[doc_id] = self.store.document_text(doc_id)
        return self._text_cache[doc_id]

    # annotations

    def add(self, ann: A) -> A:
        """Insert an annotation; assigns id, annotator and times when missing."""
        kind = kind_of(ann)
        if not ann.doc_id:
            ann.doc_id = self.doc_id or ""
        if not ann.id:
            ann.id = ids.new_id()
            self.minted.append(ann.id)
        ann.annotator = ann.annotator or self.store.annotator
        ann.created = ann.created or self.stamp
        ann.modified = self.stamp
        if isinstance(ann, Span):
            self.store._prepare_span(ann, self._text(ann.doc_id))
        elif isinstance(ann, Relation) and len(ann.arguments) != 2:
            raise ValueError("a relation has exactly two arguments")
        self._check_refs(kind, ann)
        row = to_row(kind, ann)
        if isinstance(ann, Span) and self.store.unique_spans and ann.status != "rejected" and not ann.source_id:
            # Two instances of one annotator tagging the same words: the second
            # finds the first's span here, inside the write lock (BEGIN IMMEDIATE
            # serialises writers), and adds nothing. Spans with a source id come
            # from a file, where two equal annotations are two annotations.
            # Equal fragments start at the same offset: ``start`` puts the look-up on the
            # spans_doc index (doc_id, start), a few rows, where doc_id alone would read
            # every span of the document (~20 ms at 50,000 spans, on every tag).
            same = self.store.conn.execute(
                "SELECT id FROM spans WHERE doc_id = ? AND start = ? AND annotator = ? AND label = ? "
                "AND fragments = ? AND status != 'rejected' AND id != ? LIMIT 1",
                (row["doc_id"], row["start"], row["annotator"], row["label"], row["fragments"], row["id"]),
            ).fetchone()
            if same is not None:
                self.duplicates.append(str(same[0]))
                ann.id = str(same[0])
                return ann
        self.store._insert_row(kind, row)
        self.rows.append(RowChange(kind, None, row))
        return ann

    def update(self, ann: A) -> A:
        """Replace an annotation's row; keeps id and created, sets modified."""
        kind = kind_of(ann)
        before = self.store._row(kind, ann.id)
        if before is None:
            raise NotFound(f"no {kind[:-1]} with id {ann.id}")
        ann.created = before["created"]
        ann.modified = self.stamp
        if isinstance(ann, Span):
            self.store._prepare_span(ann, self._text(ann.doc_id))
        self._check_refs(kind, ann)
        row = to_row(kind, ann)
        self.store._update_row(kind, row)
        self.rows.append(RowChange(kind, before, row))
        return ann

    def delete(self, ann_id: str) -> list[Annotation]:
        """Delete an annotation and cascade (see :meth:`Store.delete`)."""
        ann = self.store.get(ann_id)
        kind = kind_of(ann)
        affected: list[Annotation] = [ann]
        for _kind, other in self.store.referrers(ann.doc_id, ann_id):
            if isinstance(other, Event) and other.trigger != ann_id:
                other.arguments = [a for a in other.arguments if a.target != ann_id]
                self.update(other)
                affected.append(other)
            elif isinstance(other, Equivalence) and len(other.members) > 2:
                other.members = [m for m in other.members if m != ann_id]
                self.update(other)
                affected.append(other)
            elif self.store.find(other.id) is not None:
                affected.extend(self.delete(other.id))
        if self.store.find(ann_id) is not None:
            self.delete_row(kind, ann_id)
        return affected

    def _check_refs(self, kind: str, ann: Annotation) -> None:
        """Refuse references to a missing annotation or one of another document."""
        for ref in references(kind, ann):
            found = self.store.find(ref)
            if found is None:
                raise NotFound(f"{kind[:-1]} {ann.id} refers to missing annotation {ref}")
            if found.doc_id != ann.doc_id:
                raise ValueError(f"{kind[:-1]} {ann.id} refers to {ref} in another document")

    @property
    def changes(self) -> list[LogEntry]:
        """The action's entries in the operation log: ``{"table", "before", "after"}`` per row.

        Bulk inserts come first, as ``{"table", "bulk": [keys]}``: they happened
        before any edit of the same action could touch them (imports only insert).
        """
        bulk: list[LogEntry] = [{"table": t, "bulk": keys} for t, keys in self._bulk_keys.items()]
        return bulk + [{"table": r.table, "before": r.before, "after": r.after} for r in self.rows]

    @property
    def change_set(self) -> ChangeSet:
        """What the action changed, typed (bulk inserts only flagged: their rows are not kept)."""
        return ChangeSet(tuple(self.rows), bulk=bool(self._bulk_keys))

    def finish(self) -> list[LogEntry]:
        """Write the action's entry in the operation log (none when it wrote nothing).

        Returns:
            The entry's changes (:attr:`changes`).
        """
        changes = self.changes
        if not changes:
            return changes
        conn = self.store.conn
        # A new action discards what could have been redone (the redo stack).
        who = self.store.annotator
        if self.doc_id is None:
            conn.execute(
                "UPDATE oplog SET state = 'discarded' WHERE annotator = ? AND doc_id IS NULL AND state = 'undone'",
                (who,),
            )
        else:
            conn.execute(
                "UPDATE oplog SET state = 'discarded' WHERE annotator = ? AND doc_id = ? AND state = 'undone'",
                (who, self.doc_id),
            )
        logged = conn.execute(
            "INSERT INTO oplog (doc_id, annotator, time, action, state, changes) VALUES (?, ?, ?, ?, 'done', ?)",
            (self.doc_id, who, self.stamp, self.description,
             json.dumps(changes, ensure_ascii=False, separators=(",", ":"))),
        )
        if self.minted and logged.lastrowid is not None:
            self.store._note_minted(logged.lastrowid, self.minted)
        return changes
