"""Store: the only code that touches SQLite.

One file per project, opened through sqlite-utils; WAL, ``synchronous=FULL``,
foreign keys, a busy timeout. Every user action is one ``BEGIN IMMEDIATE``
transaction that writes its rows *and* its entry in the operation log, and
is committed before the call returns: that is what "acknowledged" means.

The operation log keeps, for each action, the rows before and after it, so
undo and redo work across restarts and every annotation has a history.
"""

from __future__ import annotations

import gc
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tui.core.errors import InputError, NotFound, StoreError
from tui.core.model import (
    DOC_STATUSES,
    KIND_CLASS,
    KINDS,
    STATUSES,
    Argument,
    Attribute,
    DocAnnotations,
    Document,
    Equivalence,
    Event,
    Normalization,
    Note,
    Relation,
    Span,
    StyleRun,
    kind_of,
)
from tui.core.store import migrations
from tui.core.store.changes import ChangeSet
from tui.core.text.offsets import check_fragments, normalize_fragments, sha256_text, span_text

BUSY_TIMEOUT_S = 30.0


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
#: Documents read per batch when iterating a corpus (exports).
PREFETCH = 200
#: Documents written per batch by an import (a few statements per table per batch).
IMPORT_BATCH = 500
COMMON_COLS = ("source_id", "annotator", "origin", "status", "created", "modified")

#: Columns of each annotation table, in insert order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "spans": ("id", "doc_id", "label", "start", "end", "fragments", "text", *COMMON_COLS),
    "events": ("id", "doc_id", "type", "trigger", "arguments", *COMMON_COLS),
    "relations": (
        "id", "doc_id", "type", "arg1_role", "arg1", "arg2_role", "arg2", *COMMON_COLS,
    ),
    "equivalences": ("id", "doc_id", "type", "members", *COMMON_COLS),
    "attributes": ("id", "doc_id", "target", "name", "value", *COMMON_COLS),
    "normalizations": ("id", "doc_id", "target", "resource", "key", "label", *COMMON_COLS),
    "notes": ("id", "doc_id", "target", "type", "text", *COMMON_COLS),
}
DOC_COLUMNS = (
    "id", "name", "text", "sha256", "schema", "meta", "source", "styles", "created", "modified",
)
#: Tables whose rows the operation log can restore.
LOGGED_TABLES = (*KINDS, "documents", "doc_status", "schemas")
_PK = {"doc_status": ("doc_id", "annotator"), "schemas": ("name",)}


def now() -> str:
    """The current UTC time, ISO 8601 with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


_last_uuid7 = [0, 0]  # [unix ms, 12-bit counter] of the last id made here


def new_id() -> str:
    """A fresh id, unique across databases and ordered by creation time (UUIDv7, RFC 9562).

    48 bits of Unix milliseconds, then a 12-bit counter that starts at a
    random value each millisecond and counts up within it (so ids made in
    one process sort in creation order), then 62 random bits. Written here
    rather than imported: the uuid6 package costs 30 ms of start-up time for
    these few lines.
    """
    ms = time.time_ns() // 1_000_000
    if ms <= _last_uuid7[0]:
        ms = _last_uuid7[0]
        counter = _last_uuid7[1] + 1
        if counter > 0xFFF:  # counter exhausted: borrow the next millisecond
            ms, counter = ms + 1, int.from_bytes(os.urandom(2), "big") & 0x7FF
    else:
        counter = int.from_bytes(os.urandom(2), "big") & 0x7FF
    _last_uuid7[0], _last_uuid7[1] = ms, counter
    rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms << 80) | (0x7 << 76) | (counter << 64) | (0b10 << 62) | rand_b
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def new_ids(n: int) -> list[str]:
    """``n`` fresh ids, as ``n`` quick calls of :func:`new_id` make them.

    Importers that give every annotation of a file an id (brat) call this
    once per file: one clock reading and one read of the random source for
    the batch, the ids counting up within the millisecond (borrowing the
    next one when the counter runs out, as :func:`new_id` does).
    """
    if n <= 0:
        return []
    hexes = os.urandom(8 * n).hex()
    last = _last_uuid7
    ms = time.time_ns() // 1_000_000
    if ms <= last[0]:
        ms, counter = last[0], last[1]
    else:
        counter = (int.from_bytes(os.urandom(2), "big") & 0x7FF) - 1
    stamp = f"{ms:012x}"
    out = []
    for k in range(0, 16 * n, 16):
        counter += 1
        if counter > 0xFFF:  # counter exhausted: borrow the next millisecond
            ms, counter = ms + 1, int.from_bytes(os.urandom(2), "big") & 0x7FF
            stamp = f"{ms:012x}"
        r = hexes[k:k + 16]  # 64 random bits, of which the top two become the variant (0b10)
        out.append(f"{stamp[:8]}-{stamp[8:]}-7{counter:03x}-{'89ab'[int(r[0], 16) & 3]}{r[1:4]}-{r[4:]}")
    last[0], last[1] = ms, counter
    return out


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for bulk work (restored after, even on error).

    Used where many objects are made and none is garbage: imports, decoding a
    long document's annotations, indexing its highlights. An import holds
    every parsed document until it is written: hundreds of
    thousands of objects that all survive, which the collector would walk
    again and again as they accumulate (a quarter to a third of a 10,000
    document import's time went to collections that freed nothing). The
    objects made here hold no reference cycles; reference counting frees
    them as usual.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def default_annotator() -> str:
    """The login name, used when no ``--annotator`` or ``TUI_ANNOTATOR`` is given."""
    for var in ("TUI_ANNOTATOR", "USER", "LOGNAME"):
        if os.environ.get(var):
            return os.environ[var]
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name is not an error
        return "anonymous"


# ---------------------------------------------------------------------------
# rows <-> dataclasses


def to_row(kind: str, ann: Any) -> dict[str, Any]:
    """Turn an annotation into the row of its table."""
    row: dict[str, Any] = {
        "id": ann.id,
        "doc_id": ann.doc_id,
        **{c: getattr(ann, c) for c in COMMON_COLS},
    }
    if kind == "spans":
        row.update(
            label=ann.label,
            start=ann.fragments[0][0],
            end=ann.fragments[-1][1],
            fragments=json.dumps([list(f) for f in ann.fragments]),
            text=ann.text,
        )
    elif kind == "events":
        row.update(
            type=ann.type,
            trigger=ann.trigger,
            arguments=json.dumps(
                [{"role": a.role, "target": a.target} for a in ann.arguments], ensure_ascii=False
            ),
        )
    elif kind == "relations":
        (a1, a2) = ann.arguments
        row.update(type=ann.type, arg1_role=a1.role, arg1=a1.target, arg2_role=a2.role, arg2=a2.target)
    elif kind == "equivalences":
        row.update(type=ann.type, members=json.dumps(ann.members))
    elif kind == "attributes":
        row.update(target=ann.target, name=ann.name, value=ann.value)
    elif kind == "normalizations":
        row.update(target=ann.target, resource=ann.resource, key=ann.key, label=ann.label)
    elif kind == "notes":
        row.update(target=ann.target, type=ann.type, text=ann.text)
    return row


_enc = json.encoder.encode_basestring  # json.dumps(ensure_ascii=False) of one str


def row_values(kind: str, ann: Any) -> tuple:
    """:func:`to_row` as a tuple in ``COLUMNS[kind]`` order, with the same column values.

    Imports insert tens of thousands of these: the JSON of fragments (int
    pairs, checked by ``_prepare_span``) and of event arguments is written
    directly in the form json.dumps gives, not through a dict and json.dumps.
    """
    common = (ann.source_id, ann.annotator, ann.origin, ann.status, ann.created, ann.modified)
    if kind == "spans":
        f = ann.fragments
        if len(f) == 1 and f[0].__class__ is tuple and f[0][0].__class__ is int and f[0][1].__class__ is int:
            frags = f"[[{f[0][0]}, {f[0][1]}]]"
        else:
            frags = json.dumps([list(x) for x in f])
        return (ann.id, ann.doc_id, ann.label, f[0][0], f[-1][1], frags, ann.text, *common)
    if kind == "events":
        try:
            args = "[" + ", ".join([f'{{"role": {_enc(a.role)}, "target": {_enc(a.target)}}}'
                                    for a in ann.arguments]) + "]"
        except TypeError:  # not strings: whatever json.dumps makes of them
            args = json.dumps([{"role": a.role, "target": a.target} for a in ann.arguments], ensure_ascii=False)
        return (ann.id, ann.doc_id, ann.type, ann.trigger, args, *common)
    row = to_row(kind, ann)
    return tuple(row[c] for c in COLUMNS[kind])


def from_row(kind: str, row: dict[str, Any]) -> Any:
    """Turn a row of an annotation table back into its dataclass."""
    common = {c: row[c] for c in ("id", "doc_id", *COMMON_COLS)}
    if kind == "spans":
        return Span(
            label=row["label"],
            fragments=[tuple(f) for f in json.loads(row["fragments"])],
            text=row["text"],
            **common,
        )
    if kind == "events":
        return Event(
            type=row["type"],
            trigger=row["trigger"],
            arguments=[Argument(**a) for a in json.loads(row["arguments"])],
            **common,
        )
    if kind == "relations":
        return Relation(
            type=row["type"],
            arguments=[
                Argument(role=row["arg1_role"], target=row["arg1"]),
                Argument(role=row["arg2_role"], target=row["arg2"]),
            ],
            **common,
        )
    if kind == "equivalences":
        return Equivalence(type=row["type"], members=json.loads(row["members"]), **common)
    if kind == "attributes":
        return Attribute(target=row["target"], name=row["name"], value=row["value"], **common)
    if kind == "normalizations":
        return Normalization(
            target=row["target"], resource=row["resource"], key=row["key"], label=row["label"],
            **common,
        )
    if kind == "notes":
        return Note(target=row["target"], type=row["type"], text=row["text"], **common)
    raise ValueError(kind)


def _decode_span(kind: str, cols: tuple[str, ...], r: tuple, pool: dict[Any, Any]) -> Span:
    """A span from a row in ``COLUMNS["spans"]`` order: what :func:`from_row` makes, faster.

    Opening a document decodes every span, so this skips the row dict and,
    for the usual single fragment, the JSON (its text is exactly what
    :func:`to_row` writes for ``[(start, end)]``); repeated strings are shared
    through ``pool``.
    """
    id_, doc_id, label, start, end, fragments, text, source_id, annotator, origin, status, created, modified = r
    # (the order of COLUMNS["spans"]; _SPAN_ORDER below fails the import if that changes)
    if fragments == f"[[{start}, {end}]]":
        frags = [(start, end)]
    else:
        frags = [tuple(f) for f in json.loads(fragments)]
    g = pool.setdefault
    # Every field set here (checked against the dataclass below): a third of the
    # cost of the keyword __init__.
    span = _new(Span)
    span.id = id_
    span.doc_id = g(doc_id, doc_id)
    span.source_id = source_id
    span.annotator = g(annotator, annotator)
    span.origin = g(origin, origin)
    span.status = g(status, status)
    span.created = g(created, created)
    span.modified = g(modified, modified)
    span.label = g(label, label)
    span.fragments = frags
    span.text = text
    return span


_new = object.__new__
_SPAN_ORDER = ("id", "doc_id", "label", "start", "end", "fragments", "text", *COMMON_COLS)
if COLUMNS["spans"] != _SPAN_ORDER:
    raise AssertionError("_decode_span unpacks the span columns in their old order")
if [f.name for f in fields(Span)] != ["id", "doc_id", *COMMON_COLS, "label", "fragments", "text"]:
    raise AssertionError("_decode_span sets the fields Span had: a new one needs setting there too")

_SHARED = frozenset(("doc_id", "type", "annotator", "origin", "status", "created", "modified",
                     "arg1_role", "arg2_role", "name", "resource"))


def _decode_other(kind: str, cols: tuple[str, ...], r: tuple, pool: dict[Any, Any]) -> Any:
    """Any annotation from a row in ``COLUMNS[kind]`` order, sharing repeated strings via ``pool``."""
    g = pool.setdefault
    row = {c: g(v, v) if c in _SHARED else v for c, v in zip(cols, r, strict=True)}
    ann = from_row(kind, row)
    if kind == "events":
        for a in ann.arguments:
            a.role = g(a.role, a.role)
    return ann


def doc_to_row(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id,
        "name": doc.name,
        "text": doc.text,
        "sha256": doc.sha256,
        "schema": doc.schema,
        "meta": json.dumps(doc.meta, ensure_ascii=False, sort_keys=True),
        "source": doc.source,
        "styles": json.dumps([asdict(s) for s in doc.styles], ensure_ascii=False),
        "created": doc.created,
        "modified": doc.modified,
    }


def doc_from_row(row: dict[str, Any], status: dict[str, str] | None = None) -> Document:
    return Document(
        id=row["id"],
        name=row["name"],
        text=row["text"],
        sha256=row["sha256"],
        schema=row["schema"],
        meta=json.loads(row["meta"]),
        source=row["source"],
        styles=[StyleRun(**s) for s in json.loads(row["styles"])],
        status=status or {},
        created=row["created"],
        modified=row["modified"],
    )


def references(kind: str, ann: Any) -> list[str]:
    """Ids an annotation points to."""
    if kind == "events":
        return [ann.trigger, *(a.target for a in ann.arguments)]
    if kind == "relations":
        return [a.target for a in ann.arguments]
    if kind == "equivalences":
        return list(ann.members)
    if kind in ("attributes", "normalizations", "notes"):
        return [ann.target]
    return []


# ---------------------------------------------------------------------------
# results


@dataclass
class DocumentInfo:
    """A row of the document listing: name, status and counts."""

    id: str
    name: str
    schema: str
    length: int
    status: dict[str, str]
    counts: dict[str, int]
    """Annotations per kind (rejected ones excluded)."""
    by_status: dict[str, int]
    """Annotations per status, all kinds."""


@dataclass
class Operation:
    """One entry of the operation log."""

    seq: int
    doc_id: str | None
    annotator: str
    time: str
    action: str
    state: str
    changes: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ImportResult:
    """What an import did: documents added, skipped as identical, annotations added."""

    documents_added: int = 0
    documents_unchanged: int = 0
    annotations_added: int = 0
    annotations_unchanged: int = 0
    doc_ids: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.documents_added} document(s) imported, {self.documents_unchanged} unchanged; "
            f"{self.annotations_added} annotation(s) added"
            + (f", {self.annotations_unchanged} already present" if self.annotations_unchanged else "")
        )


# ---------------------------------------------------------------------------
# the store


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


class Store:
    """The project database: documents, schemas, annotations and their log.

    Opening never writes into a file that is not a tui database: a non-SQLite
    file, an SQLite file with another application's tables, a version no tui
    wrote or a newer one are refused with one line and left byte for byte as
    they were (the journal mode is switched to WAL only after those checks).

    Args:
        path: the SQLite file (created when missing unless ``readonly``), or
            ``":memory:"``.
        annotator: who is working; the default for new annotations, undo
            and document status.
        readonly: open with a ``mode=ro`` URI (``immutable=1`` on read-only
            media where SQLite cannot even create its shared-memory file):
            reads work, writes raise :class:`StoreError`. Nothing is ever
            created, migrated or switched to WAL; a database older than
            :data:`migrations.READABLE_FROM` raises :class:`VersionMismatch`.
        autocheckpoint: False leaves WAL checkpoints to :meth:`checkpoint`.

    Raises:
        StoreError: the file cannot be used (see above), or a writable open of
            a file tui cannot write ("PATH: read-only (reason); tui can read
            it but not write").
    """

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
        self.annotator = annotator or default_annotator()
        self.readonly = readonly
        self._tx: _Transaction | None = None
        self._texts: dict[str, tuple[int, str]] = {}
        self.last_changes: list[dict[str, Any]] = []
        self._prefetch: tuple[set[str], dict] | None = None
        """Row changes of the last action, undo or redo: ``{"table", "before", "after"}``."""
        self._history_cache: dict[tuple[int, int], list[dict[str, Any]]] = {}
        """Decoded changes of large oplog entries, for :meth:`history`."""
        self.conn = self._connect()
        self._db: Any = None
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
        self._schemas: dict[str, Any] = {}
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

    def __enter__(self) -> Store:
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
            tx = _Transaction(self, description, doc_id)
            self._tx = tx
            try:
                yield tx
                tx.finish()
            finally:
                self._tx = None
        # What the action changed, for a reader that updates incrementally
        # instead of re-reading every annotation of a long document.
        self.last_changes = tx.changes
        self.last_duplicates = tx.duplicates

    @property
    def last_change_set(self) -> ChangeSet:
        """The last action's, undo's or redo's changes, typed (see :mod:`tui.core.store.changes`)."""
        return ChangeSet.from_log(self.last_changes)

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

    # -- schemas ---------------------------------------------------------------

    def schema(self, name: str) -> Any:
        """The named schema: stored in the database, else a packaged preset."""
        from tui.core.schema import parse_schema, preset

        if name not in self._schemas:
            row = self.conn.execute("SELECT source FROM schemas WHERE name = ?", (name,)).fetchone()
            self._schemas[name] = parse_schema(row[0], f"<schema {name}>") if row else preset(name)
        return self._schemas[name]

    def schema_names(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT name FROM schemas ORDER BY name")]

    def save_schema(self, schema: Any, tx: _Transaction | None = None) -> None:
        """Store a schema by name (replacing one of that name), as part of an action."""
        with self.action(f"schema {schema.name}") as t:
            t.put_row("schemas", {"name": schema.name, "source": schema.source or schema.to_toml(), "created": now()})
        self._schemas.pop(schema.name, None)

    # -- documents ------------------------------------------------------------

    def _status_map(self, doc_id: str) -> dict[str, str]:
        return {
            r[0]: r[1]
            for r in self.conn.execute(
                "SELECT annotator, status FROM doc_status WHERE doc_id = ? ORDER BY annotator",
                (doc_id,),
            )
        }

    def find_document(self, name_or_id: str) -> Document | None:
        """A document by name (or id), or None.

        Its text also becomes :meth:`document_text`'s cached one: the same
        string, not a second copy of a long article (20 MB as UCS-4).
        """
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        cur = self.conn.execute(
            f"SELECT {', '.join(DOC_COLUMNS)} FROM documents WHERE name = ? OR id = ? LIMIT 1",
            (name_or_id, name_or_id),
        )
        row = cur.fetchone()
        if row is None:
            return None
        d = dict(zip(DOC_COLUMNS, row, strict=True))
        if not self.conn.in_transaction:
            # (Inside one, the text may be this connection's uncommitted write.) The
            # version is read before the text: a commit by another connection in
            # between makes the cached copy look stale (re-read), never the reverse.
            self._texts = {d["id"]: (version, d["text"])}
        return doc_from_row(d, self._status_map(d["id"]))

    def has_document(self, name_or_id: str) -> bool:
        """Whether a document has this name (or id), without reading its text."""
        return self.conn.execute(
            "SELECT 1 FROM documents WHERE name = ? OR id = ? LIMIT 1", (name_or_id, name_or_id)
        ).fetchone() is not None

    def document(self, name_or_id: str) -> Document:
        """A document by name or id.

        Raises:
            NotFound: naming the document.
        """
        doc = self.find_document(name_or_id)
        if doc is None:
            raise NotFound(f"no document named {name_or_id!r}")
        return doc

    def document_text(self, doc_id: str) -> str:
        """A document's text, cached (a 5 MB text is not re-read for every tag).

        The cache holds while ``PRAGMA data_version`` says no other connection
        committed; this connection's own writes to ``documents`` clear it.
        (Reading even the sha256 column would page through the whole text,
        which the row stores before it.)
        """
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        cached = self._texts.get(doc_id)
        if cached is None or cached[0] != version:
            row = self.conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
            if row is None:
                raise NotFound(f"no document with id {doc_id}")
            self._texts = {doc_id: (version, row[0])}  # keep one: the open document
            cached = self._texts[doc_id]
        return cached[1]

    def document_names(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT name FROM documents ORDER BY name")]

    def iter_documents(self, names: Iterable[str] | None = None) -> Iterator[Document]:
        """Documents by name order, one at a time (memory does not grow with the corpus)."""
        wanted = list(names) if names else None
        ids = (
            [r[0] for r in self.conn.execute("SELECT id FROM documents ORDER BY name")]
            if wanted is None
            else [self.document(n).id for n in wanted]
        )
        # Read documents a batch at a time, and let annotations() serve the
        # batch's annotations from a few queries instead of seven per document
        # (exports of many documents stream at close to raw SQLite speed).
        try:
            for i in range(0, len(ids), PREFETCH):
                chunk = ids[i : i + PREFETCH]
                marks = ", ".join("?" * len(chunk))
                rows = {r[0]: dict(zip(DOC_COLUMNS, r, strict=True)) for r in self.conn.execute(
                    f"SELECT {', '.join(DOC_COLUMNS)} FROM documents WHERE id IN ({marks})", chunk)}
                status: dict[str, dict[str, str]] = {}
                for doc_id, who, st in self.conn.execute(
                    f"SELECT doc_id, annotator, status FROM doc_status WHERE doc_id IN ({marks}) "
                    "ORDER BY annotator", chunk,
                ):
                    status.setdefault(doc_id, {})[who] = st
                self._prefetch = (set(chunk), {})
                for doc_id in chunk:
                    if doc_id in rows:
                        yield doc_from_row(rows[doc_id], status.get(doc_id, {}))
        finally:
            self._prefetch = None

    def annotation_rows(
        self,
        doc_id: str,
        *,
        annotators: Iterable[str] | None = None,
        statuses: Iterable[str] | None = None,
    ) -> dict[str, list[tuple]]:
        """A document's annotation rows as stored: ``{kind: [tuple in COLUMNS[kind] order]}``.

        The same selection and order as :meth:`annotations`, without building
        dataclasses: exporters that only serialise (JSONL) splice the stored
        JSON of fragments and arguments instead of parsing and re-encoding it.
        Inside :meth:`iter_documents` the whole batch is read with one query
        per kind, like :meth:`annotations`.
        """
        return self._batched(doc_id, "rows", annotators, statuses, self._annotation_rows_of) or {}

    def _annotation_rows_of(
        self, doc_ids: list[str], annotators: Iterable[str] | None, statuses: Iterable[str] | None
    ) -> dict[str, dict[str, list[tuple]]]:
        """Rows of several documents' annotations, one query per kind, grouped by document."""
        where, params = _doc_filter(doc_ids, annotators, statuses)
        out: dict[str, dict[str, list[tuple]]] = {}
        for kind in KINDS:
            order = 'start, "end", id' if kind == "spans" else "id"
            sql = (f"SELECT {', '.join(_q(c) for c in COLUMNS[kind])} FROM {kind} "
                   f"WHERE {' AND '.join(where)} ORDER BY {order}")
            for r in self.conn.execute(sql, params):
                by_kind = out.get(r[1])
                if by_kind is None:
                    by_kind = out[r[1]] = {}
                rows = by_kind.get(kind)
                if rows is None:
                    rows = by_kind[kind] = []
                rows.append(r)
        return out

    def add_document(self, doc: Document) -> tuple[Document, bool]:
        """Add one document as one logged action.

        Returns:
            The stored document and whether it was new (the same name with
            the same text is a no-op).

        Raises:
            InputError: the name exists with a different text.
        """
        result = self.import_documents([(doc, DocAnnotations())], action=f"add {doc.name}")
        stored = self.document(doc.name)
        return stored, bool(result.documents_added)

    def import_documents(
        self,
        items: Iterable[tuple[Document, DocAnnotations]],
        *,
        action: str = "import",
        keep_ids: bool = True,
    ) -> ImportResult:
        """Import documents with their annotations: all or nothing, one logged action.

        A document whose name exists with the same text is not added again;
        its annotations whose ids already exist are skipped. A name that
        exists with a different text raises :class:`InputError` and nothing
        is written. Ids, annotators, origins, statuses and times given on the
        annotations are kept; missing ones are filled in.
        """
        result = ImportResult()
        stamp = now()
        seen: dict[str, tuple[str, str]] = {}
        self._known_schemas: set[str] | None = None  # filled on first use by _check_document
        with gc_paused(), self.action(action) as tx:
            tx.bulk = True
            batch: list[tuple[Document, DocAnnotations]] = []
            for item in items:
                batch.append(item)
                if len(batch) >= IMPORT_BATCH:
                    self._import_batch(tx, batch, result, stamp, keep_ids, seen)
                    batch = []
            if batch:
                self._import_batch(tx, batch, result, stamp, keep_ids, seen)
        return result

    def _import_batch(
        self, tx: _Transaction, batch: list[tuple[Document, DocAnnotations]], result: ImportResult,
        stamp: str, keep_ids: bool, seen: dict[str, tuple[str, str]],
    ) -> None:
        """Import a batch of documents with a few statements per table, not per document.

        ``seen`` maps the names imported earlier in the same call to their id
        and sha256 (a name given twice with the same text is one document).
        """
        found: dict[str, tuple[str, str]] = {}
        names = [d.name for d, _ in batch]
        for i in range(0, len(names), 500):
            chunk = names[i : i + 500]
            found.update((r[0], (r[1], r[2])) for r in self.conn.execute(
                f"SELECT name, id, sha256 FROM documents WHERE name IN ({', '.join('?' * len(chunk))})", chunk))
        taken = self._existing_ids("documents", [d.id for d, _ in batch if d.id])
        doc_rows: list[dict[str, Any]] = []
        status_rows: list[dict[str, Any]] = []
        docs: list[tuple[str, str, DocAnnotations, bool]] = []
        for doc, anns in batch:
            sha = sha256_text(doc.text)
            if doc.sha256 and doc.sha256 != sha:
                raise InputError(
                    f"document {doc.name!r}: sha256 {doc.sha256} does not match its text ({sha})"
                )
            existing = found.get(doc.name) or seen.get(doc.name)
            if existing:
                if existing[1] != sha:
                    raise InputError(
                        f"document {doc.name!r} already exists with a different text "
                        "(tui import --update re-imports it, moving its annotations)"
                    )
                doc_id = existing[0]
                result.documents_unchanged += 1
            else:
                self._check_document(doc)
                doc_id = doc.id if doc.id and doc.id not in taken else new_id()
                taken.add(doc_id)
                stored = Document(
                    id=doc_id, name=doc.name, text=doc.text, sha256=sha, schema=doc.schema,
                    meta=doc.meta, source=doc.source, styles=doc.styles, status={},
                    created=doc.created or stamp, modified=doc.modified or stamp,
                )
                doc_rows.append(doc_to_row(stored))
                status_rows.extend(
                    {"doc_id": doc_id, "annotator": a, "status": st, "modified": stamp}
                    for a, st in sorted(doc.status.items())
                )
                seen[doc.name] = (doc_id, sha)
                result.documents_added += 1
            result.doc_ids.append(doc_id)
            docs.append((doc_id, doc.text, anns, bool(existing)))
        tx.insert_rows("documents", doc_rows)
        tx.insert_rows("doc_status", status_rows)
        added, same = self._insert_annotations(tx, docs, stamp, keep_ids, [d.name for d, _ in batch])
        result.annotations_added += added
        result.annotations_unchanged += same

    def _check_document(self, doc: Document) -> None:
        """Refuse a new document bound to an unknown schema or carrying an unknown status.

        The schema must be a preset or stored (schemas saved earlier in the
        same action, as ``tui import`` does with a folder's ``.conf``, count):
        a document bound to any other name could never be opened.

        Raises:
            InputError: naming the document and the reason.
        """
        if self._known_schemas is None:
            from tui.core.schema import preset_names

            self._known_schemas = set(preset_names()) | set(self.schema_names())
        if doc.schema not in self._known_schemas:
            raise InputError(f"document {doc.name!r}: unknown schema {doc.schema!r} "
                             "(not a preset, a stored schema or one imported with it)")
        for annotator, status in doc.status.items():
            if status not in DOC_STATUSES:
                raise InputError(f"document {doc.name!r}: status {status!r} of {annotator!r} is not one of "
                                 f"{', '.join(DOC_STATUSES)}")

    def _insert_annotations(
        self, tx: _Transaction, docs: list[tuple[str, str, DocAnnotations, bool]], stamp: str,
        keep_ids: bool, names: list[str] | None = None,
    ) -> tuple[int, int]:
        """Insert the annotations of several documents: a few existence queries and one insert per kind.

        Ids given in a file are scoped to their document, as in brat: an id
        already stored on the *same* document (same kind) is the same
        annotation and is skipped, which keeps re-importing a file a no-op;
        an id taken by another document (or by another annotation of this
        import) gets a fresh id, keeps the given one as its ``source_id``,
        and the references inside its own document follow it. Nothing is
        dropped and nothing is bound to another document's annotations.

        Args:
            tx: the import's transaction.
            docs: ``(doc_id, text, annotations, existed)`` per document.
            stamp: the import's time, for annotations without one.
            keep_ids: keep the ids given (when free); else every annotation gets a fresh id.
            names: the documents' names, for error messages (parallel to ``docs``).

        Returns:
            Annotations added, and annotations already present.

        Raises:
            InputError: an annotation refers to itself, to an id that is not in
                its document, or has an unknown status.
        """
        added = same = 0
        given = [a.id for _, _, anns, _ in docs for a in anns.all() if a.id]
        refs = [r for _, _, anns, _ in docs for kind in KINDS[1:] for a in getattr(anns, kind)
                for r in references(kind, a)]
        owners = self._id_owners(given + refs) if given or refs else {}
        claimed: dict[str, tuple[str, str]] = {}  # id -> (kind, doc_id) taken earlier in this batch
        rows: dict[str, list[tuple]] = {kind: [] for kind in KINDS}
        for n, (doc_id, text, anns, existed) in enumerate(docs):
            doc_name = names[n] if names else doc_id
            remap: dict[str, str] = {}
            local: set[str] = set()  # ids this document's imported annotations end up with
            keep: list[tuple[str, Any]] = []
            for kind in KINDS:
                items = getattr(anns, kind)
                if not items:
                    continue
                # Re-importing a file (brat, CoNLL...) gives fresh ids each time: on a
                # document we already had, an annotation whose source id is already
                # there is the same annotation, not a new one.
                by_source = dict(self.conn.execute(
                    f"SELECT source_id, id FROM {kind} WHERE doc_id = ? AND source_id IS NOT NULL", (doc_id,)
                ).fetchall()) if existed else {}
                for ann in items:
                    if ann.status not in STATUSES:
                        raise InputError(f"document {doc_name!r}: {kind[:-1]} {ann.source_id or ann.id}: "
                                         f"status {ann.status!r} is not one of {', '.join(STATUSES)}")
                    old = ann.id
                    here = (kind, doc_id)
                    if old and keep_ids and (owners.get(old) == here or claimed.get(old) == here):
                        same += 1  # already stored on this document (or given twice in this import)
                        local.add(old)
                        continue
                    key = ann.source_id or (old if keep_ids else None)
                    if key and key in by_source:
                        if old:
                            remap[old] = by_source[key]
                        local.add(by_source[key])
                        same += 1
                        continue
                    if old and keep_ids and old not in owners and old not in claimed:
                        claimed[old] = here
                    else:
                        ann.id = new_id()
                        if old:
                            remap[old] = ann.id
                            if keep_ids and ann.source_id is None:
                                # the id it had in the file, scoped to its document
                                ann.source_id = old
                        claimed[ann.id] = here
                    local.add(ann.id)
                    keep.append((kind, ann))
            for kind, ann in keep:
                own = ann.id
                for ref in references(kind, ann):
                    target = remap.get(ref, ref)
                    if target == own:
                        raise InputError(f"document {doc_name!r}: {kind[:-1]} {ann.source_id or own} "
                                         "refers to itself")
                    if target not in local and (owners.get(target) or ("", ""))[1] != doc_id:
                        raise InputError(f"document {doc_name!r}: {kind[:-1]} {ann.source_id or own} "
                                         f"refers to {ref}, which is not an annotation of this document")
                if remap:
                    _remap_refs(kind, ann, remap)
                ann.doc_id = doc_id
                ann.annotator = ann.annotator or self.annotator
                ann.created = ann.created or stamp
                ann.modified = ann.modified or ann.created
                if kind == "spans":
                    self._prepare_span(ann, text)
                rows[kind].append(row_values(kind, ann))
        for kind in KINDS:
            if rows[kind]:
                tx.insert_values(kind, COLUMNS[kind], rows[kind])
                added += len(rows[kind])
        return added, same

    def _id_owners(self, ids: list[str]) -> dict[str, tuple[str, str]]:
        """Which annotation table and document hold each of ``ids`` (absent ids are left out).

        Every kind's table is asked (an id is one annotation across kinds:
        :meth:`find` looks it up in each), except tables still empty.
        """
        found: dict[str, tuple[str, str]] = {}
        ids = list(dict.fromkeys(ids))
        for kind in KINDS:
            if self.conn.execute(f"SELECT 1 FROM {kind} LIMIT 1").fetchone() is None:
                continue
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                for ident, doc_id in self.conn.execute(
                        f"SELECT id, doc_id FROM {kind} WHERE id IN ({', '.join('?' * len(chunk))})", chunk):
                    found.setdefault(ident, (kind, doc_id))
        return found

    def _existing_ids(self, table: str, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            found.update(r[0] for r in self.conn.execute(
                f"SELECT id FROM {table} WHERE id IN ({', '.join('?' * len(chunk))})", chunk))
        return found

    @staticmethod
    def _prepare_span(span: Span, text: str) -> None:
        frags = span.fragments
        if len(frags) == 1 and frags[0].__class__ is tuple and len(frags[0]) == 2:
            a, b = frags[0]
            if a.__class__ is int and b.__class__ is int and 0 <= a <= b <= len(text):
                # one well-formed fragment (the usual span): what the checks below accept unchanged
                span.text = text[a:b]
                return
        try:
            span.fragments = normalize_fragments(span.fragments)
        except ValueError as exc:
            raise InputError(f"span {span.source_id or span.id}: {exc}") from None
        problem = check_fragments(text, span.fragments)
        if problem:
            raise InputError(f"span {span.source_id or span.id}: {problem}")
        span.text = span_text(text, span.fragments)

    def set_doc_status(self, doc_id: str, status: str, annotator: str | None = None) -> None:
        """Set a document's status (new / in-progress / done) for an annotator, logged."""
        if status not in DOC_STATUSES:
            raise ValueError(f"status must be one of {', '.join(DOC_STATUSES)}")
        who = annotator or self.annotator
        with self.action(f"status {status}", doc_id) as tx:
            tx.put_row("doc_status", {"doc_id": doc_id, "annotator": who, "status": status, "modified": now()})

    def documents(self) -> list[DocumentInfo]:
        """Every document with its status per annotator and counts per kind and status."""
        infos: dict[str, DocumentInfo] = {}
        for row in self.conn.execute(
            "SELECT id, name, schema, length(text) FROM documents ORDER BY name"
        ):
            infos[row[0]] = DocumentInfo(
                id=row[0], name=row[1], schema=row[2], length=row[3], status={},
                counts=dict.fromkeys(KINDS, 0), by_status=dict.fromkeys(STATUSES, 0),
            )
        for doc_id, annotator, status in self.conn.execute(
            "SELECT doc_id, annotator, status FROM doc_status ORDER BY annotator"
        ):
            if doc_id in infos:
                infos[doc_id].status[annotator] = status
        for kind in KINDS:
            for doc_id, status, n in self.conn.execute(
                f"SELECT doc_id, status, count(*) FROM {kind} GROUP BY doc_id, status"
            ):
                info = infos.get(doc_id)
                if info is None:
                    continue
                info.by_status[status] = info.by_status.get(status, 0) + n
                if status != "rejected":
                    info.counts[kind] += n
        return list(infos.values())

    # -- annotations ---------------------------------------------------------

    def annotations(
        self,
        doc_id: str,
        *,
        annotators: Iterable[str] | None = None,
        statuses: Iterable[str] | None = None,
    ) -> DocAnnotations:
        """Every annotation of a document, optionally filtered by annotator and status.

        Spans come ordered by (start, end, id), the other kinds by id.
        """
        found = self._batched(doc_id, "objects", annotators, statuses, self._annotations_of)
        return found if found is not None else DocAnnotations()

    def _batched(self, doc_id: str, shape: str, annotators: Iterable[str] | None,
                 statuses: Iterable[str] | None, load: Any) -> Any:
        """``load(doc_ids, annotators, statuses)[doc_id]``, from the batch when one is read.

        Inside :meth:`iter_documents` the whole batch is loaded with one query
        per kind on the first request and each document taken out of it; one
        filter (and shape: rows or objects) at a time, so memory stays one batch.
        """
        ann = tuple(annotators) if annotators is not None else None
        st = tuple(statuses) if statuses is not None else None
        if self._prefetch is not None and doc_id in self._prefetch[0]:
            key = (shape, ann, st)
            cache = self._prefetch[1]
            if key not in cache:
                cache.clear()
                cache[key] = load(sorted(self._prefetch[0]), ann, st)
            return cache[key].pop(doc_id, None)
        return load([doc_id], ann, st).get(doc_id)

    def _annotations_of(
        self, doc_ids: list[str], annotators: Iterable[str] | None, statuses: Iterable[str] | None
    ) -> dict[str, DocAnnotations]:
        """Annotations of several documents in one query per kind, grouped by document."""
        where, params = _doc_filter(doc_ids, annotators, statuses)
        out = {d: DocAnnotations() for d in doc_ids}
        # One object per distinct value of the columns that repeat from row to row
        # (document, label, annotator, origin, status, import times): 50k spans
        # would otherwise hold 50k copies of each, ~20 MB.
        pool: dict[Any, Any] = {}
        with gc_paused():  # ~100k new objects, none of them garbage: no collections meanwhile
            for kind in KINDS:
                self._decode_kind(kind, out, where, params, pool)
        return out

    def _decode_kind(self, kind: str, out: dict[str, DocAnnotations], where: list[str], params: list[Any],
                     pool: dict[Any, Any]) -> None:
        """Append one kind's rows (matching ``where``) to the documents' lists in ``out``."""
        cols = COLUMNS[kind]
        order = 'start, "end", id' if kind == "spans" else "id"
        sql = (
            f"SELECT {', '.join(_q(c) for c in cols)} FROM {kind} "
            f"WHERE {' AND '.join(where)} ORDER BY {order}"
        )
        lists = {d: getattr(a, kind) for d, a in out.items()}
        decode = _decode_span if kind == "spans" else _decode_other
        for r in self.conn.execute(sql, params):
            lists[r[1]].append(decode(kind, cols, r, pool))

    def get(self, ann_id: str) -> Any:
        """An annotation of any kind by id.

        Raises:
            NotFound: no annotation has that id.
        """
        found = self.find(ann_id)
        if found is None:
            raise NotFound(f"no annotation with id {ann_id}")
        return found

    def find(self, ann_id: str) -> Any | None:
        for kind in KINDS:
            row = self._row(kind, ann_id)
            if row is not None:
                return from_row(kind, row)
        return None

    def _row(self, table: str, key: Any) -> dict[str, Any] | None:
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

    def add(self, ann: Any, *, description: str | None = None) -> Any:
        """Add one annotation as one logged action; returns it with id and times set."""
        kind = kind_of(ann)
        with self.action(description or f"add {_describe(kind, ann)}", ann.doc_id) as tx:
            return tx.add(ann)

    def update(self, ann: Any, *, description: str | None = None) -> Any:
        """Replace an annotation (same id) as one logged action."""
        kind = kind_of(ann)
        with self.action(description or f"edit {_describe(kind, ann)}", ann.doc_id) as tx:
            return tx.update(ann)

    def delete(self, ann_id: str, *, description: str | None = None) -> list[Any]:
        """Delete an annotation and what depends on it, as one logged action.

        Events whose trigger it is, relations it is an argument of,
        attributes, notes and normalisations on it go too; event arguments
        that point to it are removed from their events; it leaves the
        equivalence sets it is in (a set left with one member goes).

        Returns:
            Every annotation deleted or changed, the asked-for one first.
        """
        ann = self.get(ann_id)
        kind = kind_of(ann)
        with self.action(description or f"delete {_describe(kind, ann)}", ann.doc_id) as tx:
            return tx.delete(ann_id)

    def dependents(self, ann_id: str) -> list[Any]:
        """Annotations that refer to ``ann_id`` (what a delete would touch)."""
        ann = self.get(ann_id)
        return [other for _kind, other in self.referrers(ann.doc_id, ann_id)]

    def referrers(self, doc_id: str, ann_id: str) -> list[tuple[str, Any]]:
        """``(kind, annotation)`` for every annotation of the document that refers to ``ann_id``.

        Indexed lookups and a substring pre-filter on the JSON columns, so a
        delete on a document with 50,000 annotations reads a handful of rows.
        """
        needle = f'"{ann_id}"'
        queries = {
            "events": ("trigger = ? OR instr(arguments, ?) > 0", (ann_id, needle)),
            "relations": ("arg1 = ? OR arg2 = ?", (ann_id, ann_id)),
            "equivalences": ("instr(members, ?) > 0", (needle,)),
            "attributes": ("target = ?", (ann_id,)),
            "normalizations": ("target = ?", (ann_id,)),
            "notes": ("target = ?", (ann_id,)),
        }
        out = []
        for kind, (cond, params) in queries.items():
            cols = COLUMNS[kind]
            for r in self.conn.execute(
                f"SELECT {', '.join(_q(c) for c in cols)} FROM {kind} WHERE doc_id = ? AND ({cond}) ORDER BY id",
                (doc_id, *params),
            ):
                other = from_row(kind, dict(zip(cols, r, strict=True)))
                if other.id != ann_id and ann_id in references(kind, other):
                    out.append((kind, other))
        return out

    # -- operation log ---------------------------------------------------------

    def _last_op(self, state: str, annotator: str, doc_id: str | None, newest: bool) -> Operation | None:
        doc_clause = "doc_id IS ?" if doc_id is None else "doc_id = ?"
        row = self.conn.execute(
            f"SELECT seq, doc_id, annotator, time, action, state, changes FROM oplog "
            f"WHERE annotator = ? AND {doc_clause} AND state = ? "
            f"ORDER BY seq {'DESC' if newest else 'ASC'} LIMIT 1",
            (annotator, doc_id, state),
        ).fetchone()
        return _op(row) if row else None

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
            self.last_changes = [{"table": c["table"], "before": c["after"], "after": c["before"]}
                                 for c in reversed(op.changes)]
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
            self.last_changes = list(op.changes)
        self._schemas.clear()
        return op

    def _materialise(self, changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Expand key-only bulk entries into full rows (read before they are undone)."""
        out: list[dict[str, Any]] = []
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

    def _apply(self, changes: list[dict[str, Any]], *, reverse: bool) -> None:
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
        # substring test (LIKE would also treat % and _ in an id as wildcards), and the
        # decoded changes of each matching entry are kept: an import's entry lists
        # every id it inserted (megabytes on a long document), and decoding it again
        # for each selected annotation costs more than the scan. The cache is keyed on
        # (seq, length): an entry's changes are only ever rewritten when an undo
        # expands its bulk keys into rows, which changes the length.
        cache = self._history_cache
        needle = f'"{ann_id}"'
        ops = []
        for seq, doc_id, annotator, when, action, state, size in self.conn.execute(
            "SELECT seq, doc_id, annotator, time, action, state, length(changes) FROM oplog "
            "WHERE instr(changes, ?) > 0 ORDER BY seq",
            (needle,),
        ):
            changes = cache.get((seq, size))
            if changes is None:
                text = self.conn.execute("SELECT changes FROM oplog WHERE seq = ?", (seq,)).fetchone()[0]
                changes = json.loads(text)
                if len(text) > 4096:  # small entries decode faster than they are worth keeping
                    cache[(seq, size)] = changes
            if any(ann_id in c["bulk"] if "bulk" in c else _key(c["table"], c["before"] or c["after"]) == ann_id
                   for c in changes):
                ops.append(Operation(seq=seq, doc_id=doc_id, annotator=annotator, time=when,
                                     action=action, state=state, changes=changes))
        return ops

    def operations(self, doc_id: str | None = None, limit: int = 100) -> list[Operation]:
        sql = "SELECT seq, doc_id, annotator, time, action, state, changes FROM oplog"
        params: tuple = ()
        if doc_id is not None:
            sql += " WHERE doc_id = ?"
            params = (doc_id,)
        sql += " ORDER BY seq DESC LIMIT ?"
        return [_op(r) for r in self.conn.execute(sql, (*params, limit))]

    # -- row primitives (inside a transaction) -------------------------------

    def _insert_row(self, table: str, row: dict[str, Any]) -> None:
        if table == "documents":
            self._texts.clear()
        cols = list(row)
        self.conn.execute(
            f"INSERT INTO {table} ({', '.join(_q(c) for c in cols)}) "
            f"VALUES ({', '.join('?' * len(cols))})",
            [row[c] for c in cols],
        )

    def _update_row(self, table: str, row: dict[str, Any]) -> None:
        if table == "documents":
            self._texts.clear()
        pk = _PK.get(table, ("id",))
        cols = [c for c in row if c not in pk]
        self.conn.execute(
            f"UPDATE {table} SET {', '.join(f'{_q(c)} = ?' for c in cols)} WHERE "
            + " AND ".join(f"{c} = ?" for c in pk),
            [row[c] for c in cols] + [row[c] for c in pk],
        )

    def _delete_row(self, table: str, key: Any) -> None:
        if table == "documents":
            self._texts.clear()
        pk = _PK.get(table, ("id",))
        keys = key if isinstance(key, (list, tuple)) else (key,)
        self.conn.execute(
            f"DELETE FROM {table} WHERE " + " AND ".join(f"{c} = ?" for c in pk), tuple(keys)
        )

    # -- checks ------------------------------------------------------------

    def check(self) -> list[str]:
        """Verify every document against its sha256, every span against its text and every reference.

        A reference (argument, trigger, member, target) must point at another
        annotation of the same document.

        Returns:
            One line per problem (empty when all is well).
        """
        problems = []
        for doc_id, name, text, sha in self.conn.execute(
            "SELECT id, name, text, sha256 FROM documents ORDER BY name"
        ):
            if sha256_text(text) != sha:
                problems.append(f"{name}: text does not match its sha256 {sha}")
            for sid, frags, stext in self.conn.execute(
                "SELECT id, fragments, text FROM spans WHERE doc_id = ? ORDER BY start", (doc_id,)
            ):
                fr = [tuple(f) for f in json.loads(frags)]
                problem = check_fragments(text, fr)
                if problem:
                    problems.append(f"{name}: span {sid}: {problem}")
                elif span_text(text, fr) != stext:
                    problems.append(
                        f"{name}: span {sid}: stored text {stext!r} does not match "
                        f"the document ({span_text(text, fr)!r})"
                    )
        problems.extend(self._reference_problems())
        return problems

    def _reference_problems(self) -> list[str]:
        """References that do not resolve inside their own document.

        Every argument, trigger, member and target must be an annotation of
        the same document, and not the annotation itself.
        """
        problems = []
        for doc_id, name in self.conn.execute("SELECT id, name FROM documents ORDER BY name").fetchall():
            anns = self.annotations(doc_id)
            local = {a.id for a in anns.all()}
            for kind in KINDS[1:]:
                for ann in getattr(anns, kind):
                    for ref in references(kind, ann):
                        if ref == ann.id:
                            problems.append(f"{name}: {kind[:-1]} {ann.id} refers to itself")
                        elif ref not in local:
                            owner = self.find(ref)
                            if owner is None:
                                problems.append(f"{name}: {kind[:-1]} {ann.id} refers to missing annotation {ref}")
                            else:
                                other = self.conn.execute("SELECT name FROM documents WHERE id = ?",
                                                          (owner.doc_id,)).fetchone()
                                problems.append(f"{name}: {kind[:-1]} {ann.id} refers to {ref}, an annotation "
                                                f"of another document ({other[0] if other else owner.doc_id})")
        return problems

    def data_version(self) -> int:
        """A number that changes whenever *another* connection commits (``PRAGMA data_version``).

        Cheap enough to poll: a reader compares it with the value it saw
        last and re-reads when it differs. This connection's own commits do
        not change it (the caller already knows about those).
        """
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def replace_document_text(self, name_or_id: str, new: Document, *, description: str | None = None) -> Any:
        """Replace a document's text with a changed version, re-anchoring its spans.

        One logged (undoable) action. Spans are moved by their text and
        context (see :mod:`tui.core.text.reanchor`); those that cannot be placed
        become orphans (zero-width, with an ``Orphan`` note), never dropped.
        The document keeps its id, name, schema and statuses; text, Markdown
        source, styles and (if given) meta come from ``new``.

        Returns:
            A :class:`tui.core.text.reanchor.ReanchorReport`.
        """
        from tui.core.text import reanchor

        old = self.document(name_or_id)
        report = reanchor.ReanchorReport(doc_name=old.name)
        sha = sha256_text(new.text)
        if sha == old.sha256:
            report.text_changed = False
            return report
        anns = self.annotations(old.id)
        report.moves = reanchor.reanchor_spans(old.text, new.text, anns.spans)
        marked = {n.target for n in anns.notes if n.type == reanchor.ORPHAN_NOTE}
        spans = {s.id: s for s in anns.spans}
        stamp = now()
        row = doc_to_row(old)
        row.update(
            text=new.text, sha256=sha, source=new.source, modified=stamp,
            styles=json.dumps([asdict(s) for s in new.styles], ensure_ascii=False),
            meta=json.dumps(new.meta or old.meta, ensure_ascii=False, sort_keys=True),
        )
        with self.action(description or f"update text of {old.name}", old.id) as tx:
            tx.put_row("documents", row)
            tx._text_cache.pop(old.id, None)  # spans below are checked against the new text
            for move in report.moves:
                if move.status == "unchanged":
                    continue
                span = spans[move.span_id]
                span.fragments = move.new_fragments
                tx.update(span)
                if move.status == "orphan" and span.id not in marked:
                    tx.add(Note(
                        doc_id=old.id, target=span.id, type=reanchor.ORPHAN_NOTE, origin="import",
                        text=reanchor.orphan_note_text(move, old.text, stamp),
                    ))
        return report


class _Transaction:
    """Collects the row changes of one action and logs them on finish."""

    def __init__(self, store: Store, description: str, doc_id: str | None) -> None:
        self.store = store
        self.description = description
        self.doc_id = doc_id
        self.changes: list[dict[str, Any]] = []
        self.duplicates: list[str] = []
        """Ids of spans an :meth:`add` found already there (same annotator, label and words): not added."""
        self.stamp = now()
        self._text_cache: dict[str, str] = {}
        self.bulk = False
        """When set (imports), inserted rows are logged by key only; undo reads them back."""
        self._bulk_keys: dict[str, list[Any]] = {}

    # raw rows

    def insert_rows(self, table: str, rows: list[dict[str, Any]]) -> None:
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
            self.changes.extend({"table": table, "before": None, "after": r} for r in rows)

    def insert_values(self, table: str, cols: tuple[str, ...], rows: list[tuple]) -> None:
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
            self.changes.extend({"table": table, "before": None, "after": dict(zip(cols, r, strict=True))}
                                for r in rows)

    def put_row(self, table: str, row: dict[str, Any]) -> None:
        before = self.store._row(table, _key(table, row))
        if before is None:
            self.store._insert_row(table, row)
        else:
            self.store._update_row(table, row)
        self.changes.append({"table": table, "before": before, "after": row})

    def delete_row(self, table: str, key: Any) -> None:
        before = self.store._row(table, key)
        if before is None:
            return
        self.store._delete_row(table, key)
        self.changes.append({"table": table, "before": before, "after": None})

    def _text(self, doc_id: str) -> str:
        if doc_id not in self._text_cache:
            self._text_cache[doc_id] = self.store.document_text(doc_id)
        return self._text_cache[doc_id]

    # annotations

    def add(self, ann: Any) -> Any:
        """Insert an annotation; assigns id, annotator and times when missing."""
        kind = kind_of(ann)
        if not ann.doc_id:
            ann.doc_id = self.doc_id or ""
        ann.id = ann.id or new_id()
        ann.annotator = ann.annotator or self.store.annotator
        ann.created = ann.created or self.stamp
        ann.modified = self.stamp
        if kind == "spans":
            Store._prepare_span(ann, self._text(ann.doc_id))
        elif kind == "relations" and len(ann.arguments) != 2:
            raise ValueError("a relation has exactly two arguments")
        self._check_refs(kind, ann)
        row = to_row(kind, ann)
        if kind == "spans" and self.store.unique_spans and ann.status != "rejected" and not ann.source_id:
            # Two instances of one annotator tagging the same words: the second
            # finds the first's span here, inside the write lock (BEGIN IMMEDIATE
            # serialises writers), and adds nothing. Spans with a source id come
            # from a file, where two equal annotations are two annotations.
            same = self.store.conn.execute(
                "SELECT id FROM spans WHERE doc_id = ? AND annotator = ? AND label = ? AND fragments = ? "
                "AND status != 'rejected' AND id != ? LIMIT 1",
                (row["doc_id"], row["annotator"], row["label"], row["fragments"], row["id"]),
            ).fetchone()
            if same is not None:
                self.duplicates.append(same[0])
                ann.id = same[0]
                return ann
        self.store._insert_row(kind, row)
        self.changes.append({"table": kind, "before": None, "after": row})
        return ann

    def update(self, ann: Any) -> Any:
        """Replace an annotation's row; keeps id and created, sets modified."""
        kind = kind_of(ann)
        before = self.store._row(kind, ann.id)
        if before is None:
            raise NotFound(f"no {kind[:-1]} with id {ann.id}")
        ann.created = before["created"]
        ann.modified = self.stamp
        if kind == "spans":
            Store._prepare_span(ann, self._text(ann.doc_id))
        self._check_refs(kind, ann)
        row = to_row(kind, ann)
        self.store._update_row(kind, row)
        self.changes.append({"table": kind, "before": before, "after": row})
        return ann

    def delete(self, ann_id: str) -> list[Any]:
        """Delete an annotation and cascade (see :meth:`Store.delete`)."""
        ann = self.store.get(ann_id)
        kind = kind_of(ann)
        affected = [ann]
        for other_kind, other in self.store.referrers(ann.doc_id, ann_id):
            if other_kind == "events" and other.trigger != ann_id:
                other.arguments = [a for a in other.arguments if a.target != ann_id]
                self.update(other)
                affected.append(other)
            elif other_kind == "equivalences" and len(other.members) > 2:
                other.members = [m for m in other.members if m != ann_id]
                self.update(other)
                affected.append(other)
            elif self.store.find(other.id) is not None:
                affected.extend(self.delete(other.id))
        if self.store.find(ann_id) is not None:
            self.delete_row(kind, ann_id)
        return affected

    def _check_refs(self, kind: str, ann: Any) -> None:
        for ref in references(kind, ann):
            found = self.store.find(ref)
            if found is None:
                raise NotFound(f"{kind[:-1]} {ann.id} refers to missing annotation {ref}")
            if found.doc_id != ann.doc_id:
                raise ValueError(f"{kind[:-1]} {ann.id} refers to {ref} in another document")

    def finish(self) -> None:
        # Bulk inserts come first in the log: they happened before any edit
        # of the same action could touch them (imports only insert).
        bulk = [{"table": t, "bulk": keys} for t, keys in self._bulk_keys.items()]
        self.changes = bulk + self.changes
        if not self.changes:
            return
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
        conn.execute(
            "INSERT INTO oplog (doc_id, annotator, time, action, state, changes) VALUES (?, ?, ?, ?, 'done', ?)",
            (self.doc_id, who, self.stamp, self.description,
             json.dumps(self.changes, ensure_ascii=False, separators=(",", ":"))),
        )


def _doc_filter(
    doc_ids: list[str], annotators: Iterable[str] | None, statuses: Iterable[str] | None
) -> tuple[list[str], list[Any]]:
    """WHERE clauses and parameters selecting the annotations of ``doc_ids`` (optionally filtered)."""
    where = [f"doc_id IN ({', '.join('?' * len(doc_ids))})"]
    params: list[Any] = list(doc_ids)
    for column, values in (("annotator", annotators), ("status", statuses)):
        if values is not None:
            values = list(values)
            where.append(f"{column} IN ({', '.join('?' * len(values))})")
            params += values
    return where, params


def _q(col: str) -> str:
    return '"end"' if col == "end" else col


def _key(table: str, row: dict[str, Any]) -> Any:
    pk = _PK.get(table, ("id",))
    return row[pk[0]] if len(pk) == 1 else tuple(row[c] for c in pk)


def _op(row: tuple) -> Operation:
    return Operation(
        seq=row[0], doc_id=row[1], annotator=row[2], time=row[3], action=row[4], state=row[5],
        changes=json.loads(row[6]),
    )


def _describe(kind: str, ann: Any) -> str:
    if kind == "spans":
        return f"{ann.label} {ann.text or ann.fragments}"
    if kind in ("events", "relations", "equivalences"):
        return f"{kind[:-1]} {ann.type}"
    if kind == "attributes":
        return f"attribute {ann.name}={ann.value}"
    return kind[:-1]


def _remap_refs(kind: str, ann: Any, remap: dict[str, str]) -> None:
    """Point an annotation's references at the ids its document's annotations were given."""
    if kind == "events":
        ann.trigger = remap.get(ann.trigger, ann.trigger)
    if kind in ("events", "relations"):
        for a in ann.arguments:
            a.target = remap.get(a.target, a.target)
    elif kind == "equivalences":
        ann.members = [remap.get(m, m) for m in ann.members]
    elif kind in ("attributes", "normalizations", "notes"):
        ann.target = remap.get(ann.target, ann.target)


__all__ = ["Store", "DocumentInfo", "Operation", "ImportResult", "KIND_CLASS", "now", "new_id"]
