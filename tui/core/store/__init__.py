"""Store: the only code that touches SQLite.

One file per project, opened through sqlite-utils; WAL, ``synchronous=FULL``,
foreign keys, a busy timeout. Every user action is one ``BEGIN IMMEDIATE``
transaction that writes its rows *and* its entry in the operation log, and
is committed before the call returns: that is what "acknowledged" means.

The operation log keeps, for each action, the rows before and after it, so
undo and redo work across restarts and every annotation has a history.

The package is split by subject (``database``, ``documents``,
``annotations``, ``imports``, ``oplog``, ``checks``, ``transaction``,
``rows``, ``ids``, and the queries of ``search``, ``counts`` and
``merging``); this module only re-exports the public names.
"""

from tui.core.model import KIND_CLASS
from tui.core.store import migrations
from tui.core.store.database import (
    BUSY_TIMEOUT_S,
    DatabaseError,
    StoreBusy,
    VersionMismatch,
    read_only_reason,
)
from tui.core.store.ids import default_annotator, new_id, new_ids, now
from tui.core.store.results import DocumentInfo, ImportResult, Operation
from tui.core.store.rows import (
    COLUMNS,
    COMMON_COLS,
    DOC_COLUMNS,
    IMPORT_BATCH,
    LOGGED_TABLES,
    PREFETCH,
    _q,
    doc_from_row,
    doc_to_row,
    from_row,
    gc_paused,
    references,
    row_values,
    to_row,
)
from tui.core.store.store import Store
from tui.core.store.transaction import _Transaction

__all__ = [
    "BUSY_TIMEOUT_S",
    "COLUMNS",
    "COMMON_COLS",
    "DOC_COLUMNS",
    "DatabaseError",
    "IMPORT_BATCH",
    "KIND_CLASS",
    "LOGGED_TABLES",
    "PREFETCH",
    "DocumentInfo",
    "ImportResult",
    "Operation",
    "Store",
    "StoreBusy",
    "VersionMismatch",
    "_Transaction",
    "_q",
    "default_annotator",
    "doc_from_row",
    "doc_to_row",
    "from_row",
    "gc_paused",
    "migrations",
    "new_id",
    "new_ids",
    "now",
    "read_only_reason",
    "references",
    "row_values",
    "to_row",
]
