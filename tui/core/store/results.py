"""Typed results of the store's queries and actions."""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.core.store.changes import ChangeSet
from tui.core.store.rows import LogEntry


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
    web: dict[str, str] = field(default_factory=dict)
    """A web page's metadata (title, site, author, date, url, fetched): ``meta["web"]``, else empty."""


@dataclass
class Operation:
    """One entry of the operation log."""

    seq: int
    doc_id: str | None
    annotator: str
    time: str
    action: str
    state: str
    changes: list[LogEntry] = field(default_factory=list)

    @property
    def change_set(self) -> ChangeSet:
        """:attr:`changes` (the logged rows), typed; bulk entries of an import are only flagged."""
        return ChangeSet.from_log(self.changes)


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
