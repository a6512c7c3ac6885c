"""Schema history of the database: numbered migrations applied on open.

The version lives in ``PRAGMA user_version``. :func:`migrate` runs pending
steps under ``BEGIN IMMEDIATE`` and re-reads the version inside the
transaction, so two processes opening an old file at once migrate it once.
Before the first pending step a backup is written with ``VACUUM INTO``.
Each step has a small database of the version before it under
``tests/data/db/`` and a test that opens it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from tui.core.errors import StoreError

COMMON = """
    source_id TEXT,
    annotator TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT 'manual',
    status TEXT NOT NULL DEFAULT 'accepted',
    created TEXT NOT NULL,
    modified TEXT NOT NULL
"""


def _script(conn: sqlite3.Connection, sql: str) -> None:
    """Run statements one by one: ``executescript`` would COMMIT the open transaction."""
    statement = ""
    for line in sql.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement: {statement!r}")


def _v1(conn: sqlite3.Connection) -> None:
    """Documents, schemas, every annotation kind and the operation log."""
    _script(conn,
        f"""
        CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            text TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            schema TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{{}}',
            source TEXT,
            styles TEXT NOT NULL DEFAULT '[]',
            created TEXT NOT NULL,
            modified TEXT NOT NULL
        );
        CREATE TABLE doc_status (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL,
            status TEXT NOT NULL,
            modified TEXT NOT NULL,
            PRIMARY KEY (doc_id, annotator)
        );
        CREATE TABLE schemas (
            name TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            created TEXT NOT NULL
        );
        CREATE TABLE spans (
            id TEXT PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            label TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            fragments TEXT NOT NULL,
            text TEXT NOT NULL,
            {COMMON}
        );
        CREATE INDEX spans_doc ON spans(doc_id, start);
        CREATE TABLE events (
            id TEXT PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            type TEXT NOT NULL,
            trigger TEXT NOT NULL,
            arguments TEXT NOT NULL DEFAULT '[]',
            {COMMON}
        );
        CREATE INDEX events_doc ON events(doc_id);
        CREATE TABLE relations (
            id TEXT PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            type TEXT NOT NULL,
            arg1_role TEXT NOT NULL,
            arg1 TEXT NOT NULL,
            arg2_role TEXT NOT NULL,
            arg2 TEXT NOT NULL,
            {COMMON}
        );
        CREATE INDEX relations_doc ON relations(doc_id);
        CREATE TABLE equivalences (
            id TEXT PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            type TEXT NOT NULL,
            members TEXT NOT NULL,
            {COMMON}
        );
        CREATE INDEX equivalences_doc ON equivalences(doc_id);
        CREATE TABLE attributes (
            id TEXT PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            target TEXT NOT NULL,
            name TEXT NOT NULL,
            value TEXT,
            {COMMON}
        );
        CREATE INDEX attributes_doc ON attributes(doc_id);
        CREATE TABLE normalizations (
            id TEXT PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            target TEXT NOT NULL,
            resource TEXT NOT NULL,
            key TEXT NOT NULL,
            label TEXT NOT NULL DEFAULT '',
            {COMMON}
        );
        CREATE INDEX normalizations_doc ON normalizations(doc_id);
        CREATE TABLE notes (
            id TEXT PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            target TEXT NOT NULL,
            type TEXT NOT NULL,
            text TEXT NOT NULL,
            {COMMON}
        );
        CREATE INDEX notes_doc ON notes(doc_id);
        CREATE TABLE oplog (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            doc_id TEXT,
            annotator TEXT NOT NULL,
            time TEXT NOT NULL,
            action TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'done',
            changes TEXT NOT NULL
        );
        """
    )


def _v2(conn: sqlite3.Connection) -> None:
    """Settings (the last opened document) and a log index for undo and history."""
    _script(conn,
        """
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT
        );
        CREATE INDEX oplog_undo ON oplog(annotator, doc_id, state, seq);
        """
    )


def _v3(conn: sqlite3.Connection) -> None:
    """Full-text search (FTS5) over document names and texts.

    The FTS table is an external-content table reading through a view keyed
    by ``fts_keys.k``, an INTEGER PRIMARY KEY, rather than by the implicit
    rowid of ``documents``: VACUUM may renumber implicit rowids, which would
    silently detach the index. Triggers keep it in sync on every write path
    (actions, undo/redo, imports, merges). Span texts are not indexed here:
    an FTS5 insert from a trigger flushes a segment per row (about 60 us a
    span, tripling a 50,000-span import), and span search builds a
    temporary index of the spans it filters instead (tui.core.search).
    """
    _script(conn,
        """
        CREATE TABLE fts_keys (
            k INTEGER PRIMARY KEY,
            tbl TEXT NOT NULL,
            id TEXT NOT NULL,
            UNIQUE (tbl, id)
        );
        CREATE VIEW documents_fts_src AS
            SELECT m.k AS k, d.name AS name, d.text AS text
            FROM fts_keys m JOIN documents d ON m.tbl = 'documents' AND d.id = m.id;
        CREATE VIRTUAL TABLE documents_fts USING fts5(
            name, text, content='documents_fts_src', content_rowid='k'
        );
        CREATE TRIGGER documents_fts_ai AFTER INSERT ON documents BEGIN
            INSERT INTO fts_keys (tbl, id) VALUES ('documents', new.id);
            INSERT INTO documents_fts (rowid, name, text)
                VALUES ((SELECT k FROM fts_keys WHERE tbl = 'documents' AND id = new.id),
                        new.name, new.text);
        END;
        CREATE TRIGGER documents_fts_ad AFTER DELETE ON documents BEGIN
            INSERT INTO documents_fts (documents_fts, rowid, name, text)
                VALUES ('delete', (SELECT k FROM fts_keys WHERE tbl = 'documents' AND id = old.id),
                        old.name, old.text);
            DELETE FROM fts_keys WHERE tbl = 'documents' AND id = old.id;
        END;
        CREATE TRIGGER documents_fts_au AFTER UPDATE OF name, text ON documents
        WHEN old.name IS NOT new.name OR old.text IS NOT new.text BEGIN
            INSERT INTO documents_fts (documents_fts, rowid, name, text)
                VALUES ('delete', (SELECT k FROM fts_keys WHERE tbl = 'documents' AND id = old.id),
                        old.name, old.text);
            INSERT INTO documents_fts (rowid, name, text)
                VALUES ((SELECT k FROM fts_keys WHERE tbl = 'documents' AND id = new.id),
                        new.name, new.text);
        END;
        INSERT INTO fts_keys (tbl, id) SELECT 'documents', id FROM documents ORDER BY id;
        INSERT INTO documents_fts (documents_fts) VALUES ('rebuild');
        """
    )


def _v4(conn: sqlite3.Connection) -> None:
    """The operation log without AUTOINCREMENT.

    AUTOINCREMENT only matters when the highest row can be deleted, and log
    entries are never deleted (undone and discarded ones keep their state),
    so plain rowids already grow one by one. What AUTOINCREMENT did cost was
    a write to ``sqlite_sequence`` in every action: one more page in the WAL
    for each tag, on the path where the user waits for the fsync.
    """
    _script(conn,
        """
        CREATE TABLE oplog_v4 (
            seq INTEGER PRIMARY KEY,
            doc_id TEXT,
            annotator TEXT NOT NULL,
            time TEXT NOT NULL,
            action TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'done',
            changes TEXT NOT NULL
        );
        INSERT INTO oplog_v4 (seq, doc_id, annotator, time, action, state, changes)
            SELECT seq, doc_id, annotator, time, action, state, changes FROM oplog ORDER BY seq;
        DROP TABLE oplog;
        ALTER TABLE oplog_v4 RENAME TO oplog;
        CREATE INDEX oplog_undo ON oplog(annotator, doc_id, state, seq);
        """
    )


#: Migration steps; step ``n`` (1-based) brings the database to version ``n``.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2, _v3, _v4]
VERSION = len(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def backup_path(path: Path, version: int) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return path.with_name(f"{path.name}.v{version}-{stamp}.bak")


def migrate(conn: sqlite3.Connection, path: Path | None, *, steps: list | None = None) -> Path | None:
    """Bring the database to the current version.

    Args:
        conn: a connection in autocommit mode (``isolation_level=None``).
        path: the database file, for the backup; None for in-memory.
        steps: the migration list (tests pass a failing one).

    Returns:
        The backup file written, or None when nothing was pending or the
        database was new.

    Raises:
        StoreError: if the database comes from a newer version of tui.
    """
    steps = MIGRATIONS if steps is None else steps
    current = user_version(conn)
    if current > len(steps):
        raise StoreError(
            f"{path}: database schema version {current} is newer than this tui supports "
            f"({len(steps)}); upgrade tui to open it"
        )
    if current == len(steps):
        return None
    backup: Path | None = None
    has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    if path is not None and has_tables:
        backup = backup_path(path, current)
        conn.execute("VACUUM INTO ?", (str(backup),))
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = user_version(conn)  # re-check: another process may have migrated
        for n in range(current, len(steps)):
            steps[n](conn)
            conn.execute(f"PRAGMA user_version = {n + 1}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return backup
