"""The search queries: SQLite FTS5 over document texts, and a per-search index of span texts.

The keyword-in-context logic (hits, offsets, formatting) is in
:mod:`tui.core.search`; this module holds the SQL it needs. The document
index and its triggers are created by migration 3.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import NamedTuple

from tui.core.errors import InputError
from tui.core.store.database import Database


class TextMatch(NamedTuple):
    """A document whose text matches a search query."""

    doc_id: str
    name: str
    text: str


class SpanRow(NamedTuple):
    """A span with its document's name, as a span search lists it."""

    id: str
    doc_id: str
    doc_name: str
    label: str
    start: int
    end: int
    annotator: str
    status: str
    text: str


def quote_words(query: str) -> str:
    """Turn free text into an FTS5 query: each word a quoted string, all required.

    Args:
        query: what the user typed.

    Returns:
        The FTS5 query (empty when there are no words).
    """
    return " ".join('"' + w.replace('"', '""') + '"' for w in query.split())


class SearchQueries(Database):
    """Full-text queries over the corpus (see :mod:`tui.core.search`)."""

    def _fts(self, sql: str, query: str, params: Sequence[object]) -> list[tuple[object, ...]]:
        """Run an FTS query; on a syntax error retry with every word quoted.

        Raises:
            InputError: FTS5 rejects the query even with its words quoted.
        """
        try:
            return self.conn.execute(sql, [query, *params]).fetchall()
        except sqlite3.OperationalError as exc:
            # FTS5 reads "al-Sadr" as a column filter ("no such column: Sadr"),
            # "Basra." as a syntax error, and so on: retry the words quoted.
            quoted = quote_words(query)
            if not quoted:
                raise InputError(f"search query {query!r}: {exc}") from None
            try:
                return self.conn.execute(sql, [quoted, *params]).fetchall()
            except sqlite3.OperationalError as exc2:
                raise InputError(f"search query {query!r}: {exc2}") from None

    def match_documents(self, query: str, doc_ids: Sequence[str] | None = None) -> list[TextMatch]:
        """Documents whose text matches an FTS5 query, by name.

        Args:
            query: the FTS5 query (retried with its words quoted when FTS5 cannot parse it).
            doc_ids: only these documents (None: all).

        Raises:
            InputError: FTS5 rejects the query even with its words quoted.
        """
        where = ""
        params: list[str] = []
        if doc_ids is not None:
            where = f" AND d.id IN ({', '.join('?' * len(doc_ids))})"
            params = list(doc_ids)
        rows = self._fts(
            "SELECT d.id, d.name, d.text FROM documents_fts f "
            "JOIN fts_keys m ON m.k = f.rowid AND m.tbl = 'documents' "
            "JOIN documents d ON d.id = m.id "
            f"WHERE documents_fts MATCH ?{where} ORDER BY d.name",
            query,
            params,
        )
        return [TextMatch(str(i), str(n), str(t)) for i, n, t in rows]

    def highlight(self, doc_id: str, query: str, open_: str, close: str) -> str | None:
        """A document's text with each token the query matches between ``open_`` and ``close``.

        Returns:
            The marked text, or None when the document does not match.
        """
        sql = (
            "SELECT highlight(documents_fts, 1, ?, ?) FROM documents_fts "
            "WHERE rowid = (SELECT k FROM fts_keys WHERE tbl = 'documents' AND id = ?) "
            "AND documents_fts MATCH ?"
        )
        try:
            row = self.conn.execute(sql, (open_, close, doc_id, query)).fetchone()
        except sqlite3.OperationalError:
            row = self.conn.execute(sql, (open_, close, doc_id, quote_words(query))).fetchone()
        if row is None or row[0] is None:
            return None
        return str(row[0])

    def span_rows(
        self,
        *,
        labels: Sequence[str] | None = None,
        annotators: Sequence[str] | None = None,
        statuses: Sequence[str] | None = None,
        doc_ids: Sequence[str] | None = None,
    ) -> list[SpanRow]:
        """Spans that pass the filters (an empty or None filter passes all), by document name and offset."""
        where: list[str] = []
        params: list[str] = []
        for column, values in (("s.label", labels), ("s.annotator", annotators), ("s.status", statuses),
                               ("s.doc_id", doc_ids)):
            if values:
                where.append(f"{column} IN ({', '.join('?' * len(values))})")
                params += list(values)
        base = (
            "SELECT s.id, s.doc_id, d.name, s.label, s.start, s.\"end\", s.annotator, "
            "s.status, s.text FROM spans s JOIN documents d ON d.id = s.doc_id"
        )
        order = ' ORDER BY d.name, s.start, s."end", s.id'
        sql = base + (" WHERE " + " AND ".join(where) if where else "") + order
        return [SpanRow(*r) for r in self.conn.execute(sql, params)]

    def match_texts(self, query: str, texts: Sequence[str]) -> set[int]:
        """Positions in ``texts`` whose text matches the FTS5 query.

        The texts are indexed per search, in a temporary FTS5 table: the temp
        database is writable even on a read-only connection, the index is
        never stale, and tagging pays nothing.

        Raises:
            InputError: FTS5 rejects the query even with its words quoted.
        """
        conn = self.conn
        conn.execute("DROP TABLE IF EXISTS temp.span_search")
        conn.execute("CREATE VIRTUAL TABLE temp.span_search USING fts5(text)")
        try:
            # One savepoint around the inserts: in autocommit mode each insert would
            # be its own transaction, and FTS5 writes a segment per transaction.
            conn.execute("SAVEPOINT span_search")
            conn.executemany("INSERT INTO temp.span_search (rowid, text) VALUES (?, ?)", enumerate(texts))
            conn.execute("RELEASE span_search")
            found = self._fts("SELECT rowid FROM temp.span_search WHERE span_search MATCH ?", query, [])
            return {int(r[0]) for r in found}  # type: ignore[call-overload]
        finally:
            conn.execute("DROP TABLE IF EXISTS temp.span_search")

    def text_of(self, doc_id: str) -> str:
        """A document's text, read without touching :meth:`document_text`'s cache of the open document.

        Raises:
            NotFound: no document has this id.
        """
        row = self.conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            from tui.core.errors import NotFound

            raise NotFound(f"no document with id {doc_id}")
        return str(row[0])
