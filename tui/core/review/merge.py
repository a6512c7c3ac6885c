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
from pathlib import Path

from tui.core.errors import StoreError
from tui.core.store import Store, VersionMismatch, migrations
from tui.core.store.merging import Conflict, MergeReport

__all__ = ["Conflict", "MergeReport", "merge"]


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
    if other.format_version() != migrations.VERSION:
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
            report = store.merge_from(others, label)
        finally:
            for _, other in others:
                other.close()
    return report
