"""What one action, undo or redo changed: a typed change set.

The store records every write as a row change (``table``, the row before,
the row after) in the operation log. Readers of a change (the editing
session, the reader's panels) do not read row dicts: they ask a
:class:`ChangeSet` for the net change of each annotation of one layer of one
document, decoded into the model's dataclasses, as :class:`AnnotationChange`.
A change set that cannot be applied piece by piece (an import's bulk entries,
a changed document text or schema) says so with :attr:`ChangeSet.needs_reload`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tui.core.model import KINDS, Annotation

Row = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class RowChange:
    """One row written: ``before`` is None for an insert, ``after`` None for a delete."""

    table: str
    before: Row | None
    after: Row | None


@dataclass(frozen=True, slots=True)
class AnnotationChange:
    """The net change of one annotation across an action (it may write a row twice).

    ``old`` is None when the action created it, ``new`` None when it deleted it.
    ``old_order`` is the sort key of its old row (where it stood in the layer's lists).
    """

    kind: str
    id: str
    old: Annotation | None
    new: Annotation | None
    old_row: Row | None


@dataclass(frozen=True)
class ChangeSet:
    """The row changes of one action, undo or redo, in the order they were written."""

    rows: tuple[RowChange, ...] = ()
    bulk: bool = False
    """The action logged bulk entries (an import): only a full reload shows it."""

    @classmethod
    def from_log(cls, entries: Iterable[Mapping[str, Any]]) -> ChangeSet:
        """Build a change set from operation-log entries (``{"table", "before", "after"}``)."""
        rows: list[RowChange] = []
        bulk = False
        for entry in entries:
            if "bulk" in entry:
                bulk = True
                continue
            rows.append(RowChange(entry["table"], entry.get("before"), entry.get("after")))
        return cls(tuple(rows), bulk)

    def __bool__(self) -> bool:
        return bool(self.rows) or self.bulk

    @property
    def tables(self) -> frozenset[str]:
        """The tables the action wrote."""
        return frozenset(r.table for r in self.rows)

    def needs_reload(self, doc_id: str, *, overlay: str | None = None) -> bool:
        """Whether a view of ``doc_id`` must re-read everything to show this change.

        True for bulk entries, a changed document or schema row, and any change to the
        ``overlay`` layer (shown beside the working layer, without an index of its own).
        """
        if self.bulk:
            return True
        for r in self.rows:
            if r.table in ("documents", "schemas"):
                return True
            if overlay is not None and r.table in KINDS:
                for row in (r.before, r.after):
                    if row is not None and row.get("doc_id") == doc_id and row.get("annotator") == overlay:
                        return True
        return False

    def annotations(self, doc_id: str, layer: str) -> list[AnnotationChange]:
        """The net change of each annotation of ``layer`` in ``doc_id``, decoded.

        Rows of other documents, other layers and non-annotation tables are left out.
        Deletions come before creations in the list order of first appearance.
        """
        from tui.core.store.rows import from_row

        def mine(row: Row | None) -> Row | None:
            if row is None or row.get("doc_id") != doc_id or row.get("annotator") != layer:
                return None
            return row

        net: dict[tuple[str, str], list[Row | None]] = {}
        for r in self.rows:
            if r.table not in KINDS:
                continue
            before, after = mine(r.before), mine(r.after)
            if before is None and after is None:
                continue
            key = (r.table, str((before or after)["id"]))  # type: ignore[index]
            if key in net:
                net[key][1] = after
            else:
                net[key] = [before, after]
        out: list[AnnotationChange] = []
        for (kind, ann_id), (before, after) in net.items():
            out.append(AnnotationChange(
                kind=kind,
                id=ann_id,
                old=from_row(kind, dict(before)) if before is not None else None,
                new=from_row(kind, dict(after)) if after is not None else None,
                old_row=before,
            ))
        return out

    def reversed(self) -> ChangeSet:
        """The change set that undoes this one."""
        return ChangeSet(tuple(RowChange(r.table, r.after, r.before) for r in reversed(self.rows)), self.bulk)
