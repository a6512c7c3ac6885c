"""Opening a project database: checks, read-only rules, pragmas, busy handling, migrations, transactions."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self, cast

import tui.core.store.ids as ids
import tui.core.store.migrations as migrations
from tui.core.errors import StoreError
from tui.core.store.changes import ChangeSet
from tui.core.store.rows import _PK, COLUMNS, DOC_COLUMNS, Key, LogEntry, RowDict, _q
from tui.core.store.transaction import TransactionHost, _Transaction

if TYPE_CHECKING:
    from tui.core.schema import Schema

BUSY_TIMEOUT_S = 30.0
Filter = tuple[str, ...] | None

#: What SQLite raises; the command line reports one as a one-line database error.
DatabaseError = sqlite3.Error


class StoreBusy(StoreError):
    """Another process held the write lock longer than this store waits; nothing was written."""


def _write_failure(exc: sqlite3.Error) -> str:
    """A short reason for a write SQLite refused (one line, no SQL)."""
    msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    low = msg.lower()
    if "full" in low:
        return "the disk is full (nothing was written)"
    if "readonly" in low or "read-only" in low:
        return "the database is read-only (nothing was written)"
    if "locked" in low or "busy" in low:
        return "another process is writing (nothing was written)"
    if "disk i/o" in low:
        return "disk I/O error (nothing was written)"
    return f"write failed: {msg[:200]} (nothing was written)"


class VersionMismatch(StoreError):
    """A database opened read-only whose version is too old to read without upgrading it."""

    def __init__(self, version: int, message: str) -> None:
        self.version = version
        super().__init__(message)


def read_only_reason(path: Path) -> str | None:
    """Why tui could not write ``path`` (or create it), or None when it can.

    Checked before SQLite opens the file: on a read-only file, folder or
    file system SQLite would open it read-only without a word and fail on
    the first write (switching to WAL) with a message that blames the file.
    """
    folder = path.resolve().parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "read-only file system"
    except OSError:
        pass
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is not writable"
    # SQLite creates the -wal and -shm files (and the backup of a migration) beside it.
    if not os.access(folder, os.W_OK | os.X_OK):
        return "its folder is not writable"
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists() and not os.access(side, os.W_OK):
            return f"its {suffix} file is not writable"
    return None


class Database:
    """The connection and its rules: what every part of :class:`tui.core.store.Store` builds on."""

    unique_spans: bool = False
    """When set (the app), adding a span the same annotator already has on the same
    words with the same label adds nothing; the id lands in :attr:`last_duplicates`."""
    last_duplicates: list[str] = []  # noqa: RUF012 - replaced, never mutated
    """Spans the last action found already there (see :attr:`_Transaction.duplicates`)."""

    def __init__(
        self,
        path: str | Path,
        *,
        annotator: str | None = None,
        readonly: bool = False,
        autocheckpoint: bool = True,
    ) -> None:
        self.path = None if str(path) == ":memory:" else Path(path)
        self.annotator = annotator or ids.default_annotator()
        self.readonly = readonly
        self._tx: _Transaction | None = None
        self._texts: dict[str, tuple[int, str]] = {}
        self._last_change_set = ChangeSet()
        self._last_changes: list[LogEntry] = []
        self._prefetch: tuple[set[str], dict[tuple[str, Filter, Filter], dict[str, Any]]] | None = None
        """Documents of the batch :meth:`iter_documents` is reading, and what was loaded for them."""
        self._history_cache: dict[tuple[int, int], list[LogEntry]] = {}
        """Decoded changes of large oplog entries, for :meth:`history`."""
        self._history_seen: dict[str, tuple[int, tuple[int, ...]]] = {}
        """Per annotation id: the last oplog entry :meth:`history` scanned, and the short
        entries up to it that mention the id (the next call scans only the newer ones)."""
        self._long_entries: dict[int, tuple[str, str]] = {}
        """The long oplog entries read so far (``seq -> (state, changes)``), for :meth:`history`."""
        self._log_scanned = 0
        """Every oplog entry up to this one has been read by :meth:`history`."""
        self._minted_at: dict[str, int] = {}
        """Per annotation id made by a logged action of this connection: that entry (none before it names the id)."""
        self.conn = self._connect()
        self._db: Any = None  # a sqlite_utils.Database (untyped package), made on first use
        self.backup: Path | None = None
        try:
            version = self._version_or_fail()
            if readonly:
                if version < migrations.READABLE_FROM:
                    raise VersionMismatch(version,
                        f"{path}: database is version {version}, run `tui` or any writing command "
                        "once to upgrade it (a backup is written)"
                    )
            else:
                self.backup = migrations.migrate(self.conn, self.path, timeout=BUSY_TIMEOUT_S)
                if self.path is not None:
                    self._use_wal()
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise StoreError(f"{path}: not a tui database ({exc})") from None
        except BaseException:
            self.conn.close()
            raise
        self._schemas: dict[str, Schema] = {}
        self._known_schemas: set[str] | None = None
        """Schema names a new document may be bound to, during one import (see _check_document)."""
        if not autocheckpoint and not readonly:
            # The app checkpoints when idle instead, so no keystroke pays for it.
            self.conn.execute("PRAGMA wal_autocheckpoint = 0")

    @property
    def db(self) -> Any:
        """A ``sqlite_utils.Database`` on the same connection, for tools and ad-hoc queries.

        Made on first use: importing sqlite-utils (and the numpy it probes for)
        would add ~80 ms to every start of the app, and the store's own hot
        paths use the connection directly to control transactions.
        """
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn, execute_plugins=False)
        return self._db

    def checkpoint(self) -> None:
        """Copy the WAL back into the database file without blocking writers (PASSIVE)."""
        if not self.readonly and self.path is not None:
            self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    # -- connection ---------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        """Open the connection without writing anything to the file (checks come after)."""
        if self.path is None:
            conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        else:
            if self.path.is_dir():
                raise StoreError(f"{self.path}: is a directory, not a database file")
            if self.readonly and not self.path.exists():
                raise StoreError(f"{self.path}: no such database")
            self._check_header()
            if self.readonly:
                conn = self._connect_read_only()
            else:
                reason = read_only_reason(self.path)
                if reason is not None:
                    if not self.path.exists():
                        raise StoreError(f"{self.path}: cannot create a database here ({reason})")
                    raise StoreError(f"{self.path}: read-only ({reason}); tui can read it but not write")
                conn = sqlite3.connect(
                    str(self.path), isolation_level=None, timeout=BUSY_TIMEOUT_S,
                    check_same_thread=False,
                )
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils sets it
            conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"{self.path}: not a SQLite database ({exc})") from None
        return conn

    def _connect_read_only(self) -> sqlite3.Connection:
        """A ``mode=ro`` connection; ``immutable=1`` where not even the -shm file can be made.

        A WAL database opened read-only needs its -shm file (and creates it
        when missing). On read-only media, or in a folder tui cannot write,
        that fails; the file cannot change there either, so it is opened as
        immutable (no locks, no shared memory) instead.
        """
        assert self.path is not None
        base = self.path.resolve().as_uri()
        conn = sqlite3.connect(f"{base}?mode=ro", uri=True, isolation_level=None,
                               timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError as exc:
            conn.close()
            reason = read_only_reason(self.path)
            if reason is None:
                raise StoreError(f"{self.path}: cannot be read ({exc})") from None
        except sqlite3.DatabaseError as exc:  # corrupt or not a database after all
            conn.close()
            raise StoreError(f"{self.path}: not a SQLite database ({exc})") from None
        wal = self.path.with_name(self.path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            # immutable=1 would read the main file only and miss what the WAL holds.
            raise StoreError(
                f"{self.path}: read-only ({reason}) and its -wal file holds changes not yet in the "
                "database; open it once where it can be written"
            )
        return sqlite3.connect(f"{base}?mode=ro&immutable=1", uri=True, isolation_level=None,
                               timeout=BUSY_TIMEOUT_S, check_same_thread=False)

    def _use_wal(self) -> None:
        """Switch the (checked, migrated) database to WAL, waiting while another process reads.

        Leaving rollback-journal mode needs the file to itself for a moment:
        a process that opens an old database just after another one migrated
        it may find it busy, which is a reason to wait, not an error about
        the file.
        """
        delay = 0.005
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            except sqlite3.OperationalError as exc:
                if ("locked" not in str(exc) and "busy" not in str(exc)) or time.monotonic() > deadline:
                    raise StoreError(f"{self.path}: cannot use WAL journal mode ({exc})") from None
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
                continue
            if mode.lower() != "wal":
                raise StoreError(f"{self.path}: cannot use WAL journal mode ({mode})")
            return

    def _check_header(self) -> None:
        """Refuse a non-empty file that is not SQLite before SQLite touches it."""
        assert self.path is not None
        try:
            with open(self.path, "rb") as fh:
                head = fh.read(16)
        except FileNotFoundError:
            return
        except PermissionError:
            raise StoreError(f"{self.path}: permission denied") from None
        if head and head != b"SQLite format 3\x00":
            raise StoreError(f"{self.path}: not a SQLite database (bad header)")

    def _version_or_fail(self) -> int:
        """The file's schema version, after checking (reading only) that it is tui's.

        An SQLite file with tables but not tui's, or a version no tui wrote,
        is refused; an SQLite file without any table is a new database for a
        writable store and refused by a read-only one (nothing to read).

        Raises:
            StoreError: naming the file and the reason, in one line.
        """
        try:
            version = migrations.user_version(self.conn)
            names = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            objects = self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a SQLite database ({exc})") from None
        if objects == 0 and version == 0:
            if self.readonly:
                raise StoreError(f"{self.path}: an empty SQLite file, not a tui database yet "
                                 "(a writing command such as `tui import FILE` makes it one)")
            return version
        if not migrations.TUI_TABLES <= names:
            # Table names are not shown: they are the other application's data.
            raise StoreError(f"{self.path}: an SQLite database of another application "
                             f"({objects} schema object(s), not tui's tables); tui leaves it alone")
        migrations.check_version(version, self.path)
        return version

    def close(self) -> None:
        """Close the connection (a checkpoint happens on close)."""
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A raw ``BEGIN IMMEDIATE`` transaction, retried while the database is busy.

        A write SQLite refuses (disk full, read-only file, I/O error), in the
        body or at ``COMMIT``, is rolled back and raised as :class:`StoreError`
        (:class:`StoreBusy` when the lock was not had in time): the caller shows
        a message and nothing of the action is in the database.

        Raises:
            StoreError: the database refused the write; nothing was written.
        """
        if self.readonly:
            raise StoreError(f"{self.path}: database is read-only")
        self._begin()
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"{self.path}: {_write_failure(exc)}") from None
            raise

    def _rollback(self) -> None:
        """Undo an open transaction (SQLite may already have after a failed COMMIT)."""
        try:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # nothing to roll back, or the connection is gone: nothing was committed
        # a text read inside the transaction may be one that was just rolled back
        self._texts.clear()

    def set_busy_timeout(self, seconds: float) -> None:
        """How long a write waits for another process's lock before :class:`StoreBusy`.

        The command line waits :data:`BUSY_TIMEOUT_S`; the app waits a moment
        and retries on a timer, so its keys keep working meanwhile.

        Args:
            seconds: the wait (also SQLite's own busy timeout on this connection).
        """
        self._busy_timeout_s = seconds
        self.conn.execute(f"PRAGMA busy_timeout = {max(0, int(seconds * 1000))}")

    def _begin(self) -> None:
        delay = 0.005
        timeout = getattr(self, "_busy_timeout_s", BUSY_TIMEOUT_S)
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                msg = str(exc)
                if "readonly" in msg or "read-only" in msg:
                    raise StoreError(f"{self.path}: database is read-only") from None
                if "locked" not in msg and "busy" not in msg:
                    raise StoreError(f"{self.path}: {_write_failure(exc)}") from None
                if time.monotonic() > deadline:
                    raise StoreBusy(f"{self.path}: another process is writing "
                                    f"(the database stayed busy for {timeout:g}s)") from None
                time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
                delay = min(delay * 2, 0.1)

    @contextmanager
    def action(self, description: str, doc_id: str | None = None) -> Iterator[_Transaction]:
        """One user action: one transaction and one entry in the operation log.

        Example:
            with store.action("tag PER", doc.id) as tx:
                tx.add(Span(label="PER", fragments=[(0, 5)], doc_id=doc.id))
        """
        if self._tx is not None:
            yield self._tx  # nested: part of the enclosing action
            return
        with self.write():
            tx = _Transaction(cast(TransactionHost, self), description, doc_id)  # only a Store is made
            self._tx = tx
            try:
                yield tx
                logged = tx.finish()
            finally:
                self._tx = None
        # What the action changed, for a reader that updates incrementally
        # instead of re-reading every annotation of a long document.
        self._remember(tx.change_set, logged)
        self.last_duplicates = tx.duplicates

    @property
    def last_change_set(self) -> ChangeSet:
        """The last action's, undo's or redo's changes, typed (see :mod:`tui.core.store.changes`)."""
        return self._last_change_set

    @property
    def last_changes(self) -> list[LogEntry]:
        """:attr:`last_change_set` as operation-log entries (``{"table", "before", "after"}``).

        The older, untyped form, kept while the reader reads it: the same list
        object until the next action, undo or redo (a caller compares identity
        to tell whether an action recorded anything). Bulk entries of an import
        appear as ``{"table", "bulk": [keys]}``.
        """
        return self._last_changes

    @last_changes.setter
    def last_changes(self, entries: list[LogEntry]) -> None:
        self._remember(ChangeSet.from_log(entries), entries)

    def _remember(self, change_set: ChangeSet, entries: list[LogEntry]) -> None:
        """Record what the last action, undo or redo changed, in both forms."""
        self._last_change_set = change_set
        self._last_changes = entries

    def format_version(self) -> int:
        """The database's schema version (``PRAGMA user_version``, see :mod:`tui.core.store.migrations`)."""
        return migrations.user_version(self.conn)

    def data_version(self) -> int:
        """A number that changes whenever *another* connection commits (``PRAGMA data_version``).

        Cheap enough to poll: a reader compares it with the value it saw
        last and re-reads when it differs. This connection's own commits do
        not change it (the caller already knows about those).
        """
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    # -- settings -------------------------------------------------------------

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        """Store a setting (not logged: settings are not undoable work)."""
        if self.readonly:
            return
        with self.write() as conn:
            conn.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- row primitives (inside a transaction) -------------------------------

    def _row(self, table: str, key: Key) -> RowDict | None:
        """The row of ``table`` with this primary key, or None."""
        if table in COLUMNS:
            cols = COLUMNS[table]
        elif table == "documents":
            cols = DOC_COLUMNS
        elif table == "doc_status":
            cols = ("doc_id", "annotator", "status", "modified")
        elif table == "schemas":
            cols = ("name", "source", "created")
        else:
            raise ValueError(table)
        pk = _PK.get(table, ("id",))
        keys = key if isinstance(key, (list, tuple)) else (key,)
        row = self.conn.execute(
            f"SELECT {', '.join(_q(c) for c in cols)} FROM {table} WHERE "
            + " AND ".join(f"{c} = ?" for c in pk),
            tuple(keys),
        ).fetchone()
        return dict(zip(cols, row, strict=True)) if row else None

    def _insert_row(self, table: str, row: RowDict) -> None:
        """Insert a row (not logged: the transaction logs it)."""
        if table == "documents":
            self._texts.clear()
        cols = list(row)
        self.conn.execute(
            f"INSERT INTO {table} ({', '.join(_q(c) for c in cols)}) "
            f"VALUES ({', '.join('?' * len(cols))})",
            [row[c] for c in cols],
        )

    def _update_row(self, table: str, row: RowDict) -> None:
        """Replace the row with this row's key (not logged: the transaction logs it)."""
        if table == "documents":
            self._texts.clear()
        pk = _PK.get(table, ("id",))
        cols = [c for c in row if c not in pk]
        self.conn.execute(
            f"UPDATE {table} SET {', '.join(f'{_q(c)} = ?' for c in cols)} WHERE "
            + " AND ".join(f"{c} = ?" for c in pk),
            [row[c] for c in cols] + [row[c] for c in pk],
        )

    def _delete_row(self, table: str, key: Key) -> None:
        """Delete the row with this key (not logged: the transaction logs it)."""
        if table == "documents":
            self._texts.clear()
        pk = _PK.get(table, ("id",))
        keys = key if isinstance(key, (list, tuple)) else (key,)
        self.conn.execute(
            f"DELETE FROM {table} WHERE " + " AND ".join(f"{c} = ?" for c in pk), tuple(keys)
        )
