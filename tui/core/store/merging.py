"""Merging another tui database's rows into this one, never overwriting anything.

What a merge matches and how it reports conflicts is described in
:mod:`tui.core.review.merge`, which opens the other files and calls
:meth:`MergeStore.merge_from`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import tui.core.store.ids as ids
from tui.core.model import KINDS
from tui.core.store.database import Database
from tui.core.store.rows import COLUMNS, DOC_COLUMNS, _q
from tui.core.store.transaction import _Transaction


@dataclass
class Conflict:
    """Something in another database that could not be brought in."""

    source: str
    """The other database file."""
    kind: str
    """``document``, ``schema`` or an annotation kind (``spans``...)."""
    key: str
    """Document name, schema name or annotation id."""
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.kind[:-1] if self.kind.endswith('s') else self.kind} {self.key}: {self.reason}"


@dataclass
class MergeReport:
    """What a merge did."""

    documents_added: int = 0
    documents_matched: int = 0
    annotations_added: int = 0
    annotations_identical: int = 0
    schemas_added: int = 0
    per_annotator: dict[str, int] = field(default_factory=dict)
    """New annotations per annotator."""
    conflicts: list[Conflict] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the command line (conflicts are listed separately)."""
        who = ", ".join(f"{a} {n}" for a, n in sorted(self.per_annotator.items()))
        return (
            f"{self.documents_added} document(s) added, {self.documents_matched} matched; "
            f"{self.annotations_added} annotation(s) added" + (f" ({who})" if who else "")
            + f", {self.annotations_identical} already present; "
            f"{len(self.conflicts)} conflict(s)"
        )


def _rows(conn: sqlite3.Connection, table: str, cols: tuple[str, ...], where: str = "",
          params: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Rows of another database's table, as column dicts (the merge compares them column by column)."""
    sql = f"SELECT {', '.join(_q(c) for c in cols)} FROM {table} {where}"
    return [dict(zip(cols, r, strict=True)) for r in conn.execute(sql, params)]


class MergeStore(Database):
    """Bringing another tui database's rows into this one (see :mod:`tui.core.review.merge`)."""

    def merge_from(self, others: Sequence[tuple[str, Database]], label: str) -> MergeReport:
        """Bring the documents, schemas and annotations of open databases into this one.

        One logged action: all or nothing, undoable. Nothing here is overwritten.

        Args:
            others: ``(name shown in conflicts, open database)`` each, merged in order.
            label: the action's description in the operation log.

        Returns:
            Counts and the conflicts, each naming the database and what clashed.
        """
        report = MergeReport()
        with self.action(label) as tx:
            for name, other in others:
                self._merge_one(tx, name, other, report)
        return report

    def _merge_one(self, tx: _Transaction, source: str, other: Database, report: MergeReport) -> None:
        """Merge one database's rows (see :meth:`merge_from`)."""
        # schemas: by name; a different source under the same name is a conflict
        for row in _rows(other.conn, "schemas", ("name", "source", "created"), "ORDER BY name"):
            mine = self.conn.execute("SELECT source FROM schemas WHERE name = ?", (row["name"],)).fetchone()
            if mine is None:
                tx.insert_rows("schemas", [row])
                report.schemas_added += 1
            elif mine[0] != row["source"]:
                report.conflicts.append(Conflict(source, "schema", row["name"], "a different schema has this name here"))
        self._schemas.clear()
        doc_map: dict[str, str] = {}
        for row in _rows(other.conn, "documents", DOC_COLUMNS, "ORDER BY name"):
            mine = self.conn.execute("SELECT id, sha256 FROM documents WHERE name = ?", (row["name"],)).fetchone()
            if mine is not None:
                if mine[1] != row["sha256"]:
                    report.conflicts.append(Conflict(
                        source, "document", row["name"],
                        f"text differs (sha256 {row['sha256'][:12]} there, {mine[1][:12]} here); "
                        "skipped with its annotations"))
                    continue
                doc_map[row["id"]] = mine[0]
                report.documents_matched += 1
            else:
                new = dict(row)
                if self.conn.execute("SELECT 1 FROM documents WHERE id = ?", (row["id"],)).fetchone():
                    new["id"] = ids.new_id()
                tx.insert_rows("documents", [new])
                doc_map[row["id"]] = new["id"]
                report.documents_added += 1
            status_cols = ("doc_id", "annotator", "status", "modified")
            for st in _rows(other.conn, "doc_status", status_cols, "WHERE doc_id = ?", (row["id"],)):
                st["doc_id"] = doc_map[row["id"]]
                if self._row("doc_status", (st["doc_id"], st["annotator"])) is None:
                    tx.insert_rows("doc_status", [st])
        for kind in KINDS:  # spans first: the other kinds refer to them
            cols = COLUMNS[kind]
            new_rows = []
            for row in _rows(other.conn, kind, cols, "ORDER BY id"):
                if row["doc_id"] not in doc_map:
                    continue  # its document is a conflict
                row["doc_id"] = doc_map[row["doc_id"]]
                mine = self._row(kind, row["id"])
                if mine is None:
                    # The same id in another table would break references: a conflict too.
                    clash = next((k for k in KINDS if k != kind and self._row(k, row["id"]) is not None), None)
                    if clash:
                        report.conflicts.append(Conflict(source, kind, row["id"], f"the id is a {clash[:-1]} here"))
                        continue
                    new_rows.append(row)
                elif mine == row:
                    report.annotations_identical += 1
                else:
                    diff = [c for c in cols if mine[c] != row[c]]
                    report.conflicts.append(Conflict(
                        source, kind, row["id"], f"differs here in {', '.join(diff)}; kept this database's version"))
            tx.insert_rows(kind, new_rows)
            report.annotations_added += len(new_rows)
            for r in new_rows:
                report.per_annotator[r["annotator"]] = report.per_annotator.get(r["annotator"], 0) + 1
