"""Corpus-wide counts and lists: what statistics, agreement and adjudication ask of the database."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from tui.core.model import KINDS
from tui.core.store.database import Database

#: The column holding the "type" of each kind, for per-type counts.
TYPE_COLUMN = {
    "spans": "label",
    "events": "type",
    "relations": "type",
    "equivalences": "type",
    "attributes": "name",
    "normalizations": "resource",
    "notes": "type",
}


class AnnotationCount(NamedTuple):
    """How many annotations of one kind share a document, type, annotator, status and origin."""

    kind: str
    doc_id: str
    type: str | None
    """The label, type, attribute name or normalisation resource (see :data:`TYPE_COLUMN`)."""
    annotator: str
    status: str
    origin: str
    total: int
    """How many."""


class DocStatus(NamedTuple):
    """One annotator's status of one document."""

    doc_id: str
    annotator: str
    status: str


@dataclass(frozen=True)
class ActionTime:
    """When one logged action happened: who did it, on which document (None: corpus-wide)."""

    seq: int
    annotator: str
    doc_id: str | None
    time: str
    """ISO 8601 UTC, as the log writes it (``2026-01-02T03:04:05.678Z``)."""


class CorpusCounts(Database):
    """Counts and lists across documents, for statistics, agreement and adjudication."""

    def document_names_by_id(self) -> dict[str, str]:
        """Every document's name by id, in name order."""
        return {str(r[0]): str(r[1]) for r in self.conn.execute("SELECT id, name FROM documents ORDER BY name")}

    def annotation_counts(self, doc_ids: Sequence[str] | None = None) -> list[AnnotationCount]:
        """Annotations counted per kind, document, type, annotator, status and origin.

        Args:
            doc_ids: only these documents (None: all, including rows whose document is gone).
        """
        where = ""
        params: list[str] = []
        if doc_ids:
            where = f" WHERE doc_id IN ({', '.join('?' * len(doc_ids))})"
            params = list(doc_ids)
        out: list[AnnotationCount] = []
        for kind in KINDS:
            col = TYPE_COLUMN[kind]
            sql = (f"SELECT doc_id, {col}, annotator, status, origin, count(*) FROM {kind}{where} "
                   f"GROUP BY doc_id, {col}, annotator, status, origin")
            out.extend(AnnotationCount(kind, *r) for r in self.conn.execute(sql, params))
        return out

    def doc_statuses(self) -> list[DocStatus]:
        """Every document status of every annotator, by annotator."""
        return [DocStatus(*r) for r in self.conn.execute(
            "SELECT doc_id, annotator, status FROM doc_status ORDER BY annotator")]

    def span_annotators(
        self, doc_id: str | None = None, *, status: str = "accepted", exclude: str | None = None
    ) -> list[str]:
        """Annotators with spans of a status in a document (or anywhere, for None), sorted.

        Args:
            doc_id: the document, or None for the corpus.
            status: the spans' status.
            exclude: an annotator left out (the target layer of adjudication).
        """
        sql = "SELECT DISTINCT annotator FROM spans WHERE status = ?"
        params: list[str] = [status]
        if doc_id is not None:
            sql += " AND doc_id = ?"
            params.append(doc_id)
        if exclude is not None:
            sql += " AND annotator != ?"
            params.append(exclude)
        return sorted(str(r[0]) for r in self.conn.execute(sql, params))

    def documents_with_spans_of(self, annotators: Iterable[str]) -> set[str]:
        """Ids of the documents where any of ``annotators`` has a span (of any status)."""
        names = list(annotators)
        marks = ", ".join("?" * len(names))
        return {str(r[0]) for r in self.conn.execute(
            f"SELECT DISTINCT doc_id FROM spans WHERE annotator IN ({marks})", names)}

    def action_times(self, annotators: Sequence[str] | None = None) -> list[ActionTime]:
        """Every logged action's annotator, document and time, by annotator then time.

        Undone and discarded actions are included: the time they took was spent.

        Args:
            annotators: only these annotators (None: all).
        """
        sql = "SELECT seq, annotator, doc_id, time FROM oplog"
        params: list[str] = []
        if annotators:
            sql += f" WHERE annotator IN ({', '.join('?' * len(annotators))})"
            params = list(annotators)
        sql += " ORDER BY annotator, time, seq"
        return [ActionTime(int(r[0]), str(r[1]), None if r[2] is None else str(r[2]), str(r[3]))
                for r in self.conn.execute(sql, params)]
