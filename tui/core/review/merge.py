"""Merge other analysts' databases into this one, never overwriting anything.

Documents are matched by name and sha256: a document missing here is
added (with its annotators' statuses); the same name with another text is
a conflict, reported and skipped with all its annotations. Annotations are
matched by id (ids are unique across databases): one already here with
identical content is skipped; one here with different content is a
conflict, reported and left as it is here; a new one is inserted as it is,
keeping its annotator, origin, status and times. Stored schemas are
brought in the same way (by name and source). The whole merge is one
logged action: all or nothing, undoable.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.core.errors import StoreError
from tui.core.model import KINDS
from tui.core.store import COLUMNS, DOC_COLUMNS, Store, VersionMismatch, _q, migrations


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


def _open_other(path: Path, tmp: Path) -> Store:
    """Open another database read-only; an older version is migrated in a temporary copy."""
    if not path.is_file():
        raise StoreError(f"{path}: no such database")
    try:
        return Store(path, annotator="merge", readonly=True)
    except VersionMismatch:
        pass  # too old to read as it is: migrate a copy, never the colleague's file
    copy = tmp / path.name
    shutil.copy(path, copy)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            shutil.copy(side, copy.with_name(copy.name + suffix))
    other = Store(copy, annotator="merge")
    if migrations.user_version(other.conn) != migrations.VERSION:
        other.close()
        raise StoreError(f"{path}: cannot bring this database to the current version")
    return other


def merge(store: Store, paths: list[str | Path]) -> MergeReport:
    """Bring documents and annotations of other databases into ``store``.

    Args:
        store: the database merged into (one logged action).
        paths: the other databases, merged in order.

    Returns:
        Counts and the conflicts, each naming the file and what clashed.

    Raises:
        StoreError: a file that is not a tui database, or is newer than this tui.
    """
    report = MergeReport()
    here = store.path.resolve() if store.path else None
    with tempfile.TemporaryDirectory(prefix="tui-merge-") as tmpdir:
        others: list[tuple[str, Store]] = []
        try:
            for p in paths:
                path = Path(p)
                if here is not None and path.resolve() == here:
                    raise StoreError(f"{path}: is the database being merged into")
                others.append((str(p), _open_other(path, Path(tmpdir))))
            label = "merge " + " ".join(Path(p).name for p in paths)
            with store.action(label) as tx:
                for name, other in others:
                    _merge_one(store, tx, name, other, report)
        finally:
            for _, other in others:
                other.close()
    return report


def _rows(conn: Any, table: str, cols: tuple[str, ...], where: str = "", params: tuple = ()) -> list[dict]:
    sql = f"SELECT {', '.join(_q(c) for c in cols)} FROM {table} {where}"
    return [dict(zip(cols, r, strict=True)) for r in conn.execute(sql, params)]


def _merge_one(store: Store, tx: Any, source: str, other: Store, report: MergeReport) -> None:
    # schemas: by name; a different source under the same name is a conflict
    for row in _rows(other.conn, "schemas", ("name", "source", "created"), "ORDER BY name"):
        mine = store.conn.execute("SELECT source FROM schemas WHERE name = ?", (row["name"],)).fetchone()
        if mine is None:
            tx.insert_rows("schemas", [row])
            report.schemas_added += 1
        elif mine[0] != row["source"]:
            report.conflicts.append(Conflict(source, "schema", row["name"], "a different schema has this name here"))
    store._schemas.clear()
    doc_map: dict[str, str] = {}
    for row in _rows(other.conn, "documents", DOC_COLUMNS, "ORDER BY name"):
        mine = store.conn.execute("SELECT id, sha256 FROM documents WHERE name = ?", (row["name"],)).fetchone()
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
            if store.conn.execute("SELECT 1 FROM documents WHERE id = ?", (row["id"],)).fetchone():
                from tui.core.store import new_id

                new["id"] = new_id()
            tx.insert_rows("documents", [new])
            doc_map[row["id"]] = new["id"]
            report.documents_added += 1
        status_cols = ("doc_id", "annotator", "status", "modified")
        for st in _rows(other.conn, "doc_status", status_cols, "WHERE doc_id = ?", (row["id"],)):
            st["doc_id"] = doc_map[row["id"]]
            if store._row("doc_status", (st["doc_id"], st["annotator"])) is None:
                tx.insert_rows("doc_status", [st])
    for kind in KINDS:  # spans first: the other kinds refer to them
        cols = COLUMNS[kind]
        new_rows = []
        for row in _rows(other.conn, kind, cols, "ORDER BY id"):
            if row["doc_id"] not in doc_map:
                continue  # its document is a conflict
            row["doc_id"] = doc_map[row["doc_id"]]
            mine = store._row(kind, row["id"])
            if mine is None:
                # The same id in another table would break references: a conflict too.
                clash = next((k for k in KINDS if k != kind and store._row(k, row["id"]) is not None), None)
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
