"""The project database: one class made of the store's parts."""

from __future__ import annotations

from tui.core.store.checks import Checks
from tui.core.store.counts import CorpusCounts
from tui.core.store.imports import ImportStore
from tui.core.store.merging import MergeStore
from tui.core.store.oplog import OperationLog
from tui.core.store.search import SearchQueries


class Store(ImportStore, Checks, OperationLog, SearchQueries, CorpusCounts, MergeStore):
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
