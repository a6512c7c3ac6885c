"""Schema history of the database: numbered migrations applied on open.

The version lives in ``PRAGMA user_version``. :func:`migrate` takes the
write lock (``BEGIN IMMEDIATE``) before anything else and re-reads the
version under it, so two processes opening an old file at once migrate it
once and the second waits. Before the first pending step a backup is written
with ``VACUUM INTO`` to a temporary name, synced and renamed into place.
Each step has a small database of the version before it under
``tests/data/db/`` and a test that opens it.
"""

from __future__ import annotations

import glob
import os
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
#: The oldest version read-only commands read as it is, without upgrading it: every table
#: and column the read paths use exists from version 3 on (version 3 added the search index;
#: version 4 only rebuilt the operation log without AUTOINCREMENT, same columns).
READABLE_FROM = 3
#: Tables every tui database has from version 1 on: a file without them is someone else's.
TUI_TABLES = frozenset(("documents", "doc_status", "schemas", "spans", "oplog"))
#: Versions above this are not "a newer tui" but a number no tui ever wrote.
MAX_PLAUSIBLE_VERSION = 1000


def user_version(conn: sqlite3.Connection) -> int:
    """The schema version stored in the file (``PRAGMA user_version``)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_version(version: int, path: Path | str | None, supported: int = VERSION) -> None:
    """Refuse a version no tui wrote (negative, absurd) or one newer than this tui.

    Raises:
        StoreError: one line naming the file and the version.
    """
    if version < 0 or version > MAX_PLAUSIBLE_VERSION:
        raise StoreError(f"{path}: not a tui database (schema version {version} is not one tui ever wrote)")
    if version > supported:
        raise StoreError(
            f"{path}: database schema version {version} is newer than this tui supports "
            f"({supported}); upgrade tui to open it"
        )


def backup_path(path: Path, version: int) -> Path:
    """A backup name beside ``path`` that does not exist yet: ``NAME.vN-STAMP.bak``."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    candidate = path.with_name(f"{path.name}.v{version}-{stamp}.bak")
    n = 1
    while candidate.exists():  # a second migration attempt within the same second
        n += 1
        candidate = path.with_name(f"{path.name}.v{version}-{stamp}-{n}.bak")
    return candidate


def _temp_name(final: Path) -> Path:
    return final.with_name(f".{final.name}.{os.getpid()}.tmp")


def _remove_stale_temps(path: Path) -> None:
    """Delete temporary backups a killed migration left behind.

    Called with the database's write lock held, so no other tui process is
    writing a backup of this database at the same moment.
    """
    pattern = glob.escape(f".{path.name}") + ".v*.bak.*.tmp"
    for stale in path.parent.glob(pattern):
        stale.unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # some systems cannot open a folder; the rename is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_backup(path: Path, version: int, timeout: float) -> Path:
    """Copy the database to its backup name: written to a temporary name, synced, renamed.

    A process killed part-way leaves only the hidden temporary file (removed
    by the next migration), never a file with the backup's name that is not
    a complete copy. The copy is made by a separate read-only connection,
    which is allowed while the caller holds the write lock: the snapshot is
    exactly the database the migration starts from.

    Args:
        path: the database file.
        version: its version, part of the backup's name.
        timeout: busy timeout of the copying connection, in seconds.

    Returns:
        The backup file.
    """
    _remove_stale_temps(path)
    final = backup_path(path, version)
    tmp = _temp_name(final)
    try:
        src = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout,
                              isolation_level=None)
        try:
            src.execute("VACUUM INTO ?", (str(tmp),))
        finally:
            src.close()
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(final.parent)
    return final


def migrate(conn: sqlite3.Connection, path: Path | None, *,
            steps: list[Callable[[sqlite3.Connection], None]] | None = None,
            timeout: float = 30.0) -> Path | None:
    """Bring the database to the current version.

    The check and the migration run under the write lock (``BEGIN
    IMMEDIATE``), the version read again once it is held: of two processes
    opening an old file at once, one migrates (and writes the one backup)
    while the other waits for the lock, then finds the current version and
    does nothing.

    Args:
        conn: a connection in autocommit mode (``isolation_level=None``).
        path: the database file, for the backup; None for in-memory.
        steps: the migration list (tests pass a failing one).
        timeout: how long to wait for the write lock, in seconds (the
            connection's busy timeout does the waiting).

    Returns:
        The backup file written, or None when nothing was pending or the
        database was new.

    Raises:
        StoreError: if the version is not one tui wrote, comes from a newer
            tui, or another process held the lock past the timeout.
    """
    steps = MIGRATIONS if steps is None else steps
    check_version(user_version(conn), path, len(steps))
    if user_version(conn) == len(steps):
        return None
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreError(
                f"{path}: another process kept the database locked for {timeout:.0f}s while this "
                "one waited to upgrade it; try again"
            ) from None
        raise
    backup: Path | None = None
    try:
        current = user_version(conn)  # re-check under the lock: another process may have migrated
        check_version(current, path, len(steps))
        if current < len(steps):
            has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
            if path is not None and has_tables:
                backup = write_backup(path, current, timeout)
            for n in range(current, len(steps)):
                steps[n](conn)
                conn.execute(f"PRAGMA user_version = {n + 1}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return backup
