"""Documents and schemas: reading, listing, status."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import tui.core.store.ids as ids
from tui.core.errors import NotFound
from tui.core.model import DOC_STATUSES, KINDS, STATUSES, Document
from tui.core.store.database import Database
from tui.core.store.results import DocumentInfo
from tui.core.store.rows import DOC_COLUMNS, PREFETCH, doc_from_row
from tui.core.store.transaction import _Transaction

if TYPE_CHECKING:
    from tui.core.schema import Schema


def _web(raw: object) -> dict[str, str]:
    """``meta["web"]`` as the listing keeps it: string values only (the JSON is data)."""
    if not isinstance(raw, str):
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}


class DocumentStore(Database):
    """Schemas and documents: read them, list them, set a status."""

    # -- schemas ---------------------------------------------------------------

    def schema(self, name: str) -> Schema:
        """The named schema: stored in the database, else a packaged preset."""
        from tui.core.schema import parse_schema, preset

        if name not in self._schemas:
            row = self.conn.execute("SELECT source FROM schemas WHERE name = ?", (name,)).fetchone()
            self._schemas[name] = parse_schema(row[0], f"<schema {name}>") if row else preset(name)
        return self._schemas[name]

    def schema_names(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT name FROM schemas ORDER BY name")]

    def save_schema(self, schema: Schema, tx: _Transaction | None = None) -> None:
        """Store a schema by name (replacing one of that name), as part of an action."""
        with self.action(f"schema {schema.name}") as t:
            t.put_row("schemas", {"name": schema.name, "source": schema.source or schema.to_toml(), "created": ids.now()})
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

    def next_document(self, name: str, *, backwards: bool = False, unless_status: str | None = None,
                      annotator: str | None = None) -> str | None:
        """The document after (or before) ``name`` in the library's order (by name), or None at the end.

        Args:
            name: the current document's name (need not exist: "" starts from the top).
            backwards: the one before instead.
            unless_status: skip documents with this status for ``annotator`` (``"done"``: the next
                one still to do; a document without a status is ``new``).
            annotator: whose status counts; default the store's annotator.

        Returns:
            The document's name, or None when there is none that way.
        """
        op, order = ("<", "DESC") if backwards else (">", "ASC")
        row = self.conn.execute(
            "SELECT d.name FROM documents d LEFT JOIN doc_status s ON s.doc_id = d.id AND s.annotator = ? "
            f"WHERE d.name {op} ? AND (? IS NULL OR coalesce(s.status, 'new') != ?) ORDER BY d.name {order} LIMIT 1",
            (annotator or self.annotator, name, unless_status, unless_status),
        ).fetchone()
        return row[0] if row is not None else None

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

    def set_doc_status(self, doc_id: str, status: str, annotator: str | None = None) -> None:
        """Set a document's status (new / in-progress / done) for an annotator, logged."""
        if status not in DOC_STATUSES:
            raise ValueError(f"status must be one of {', '.join(DOC_STATUSES)}")
        who = annotator or self.annotator
        with self.action(f"status {status}", doc_id) as tx:
            tx.put_row("doc_status", {"doc_id": doc_id, "annotator": who, "status": status, "modified": ids.now()})

    def documents(self, annotator: str | None = None) -> list[DocumentInfo]:
        """Every document with its status per annotator and counts per kind and status.

        Args:
            annotator: count only this annotator's layer, and only its accepted
                annotations as ``counts`` (pending suggestions are in ``by_status``, not
                counted as mentions); None counts every layer, pending included.
        """
        infos: dict[str, DocumentInfo] = {}
        for row in self.conn.execute(
            "SELECT id, name, schema, length(text), CASE WHEN json_valid(meta) "
            "THEN json_extract(meta, '$.web') END FROM documents ORDER BY name"
        ):
            infos[row[0]] = DocumentInfo(
                id=row[0], name=row[1], schema=row[2], length=row[3], status={},
                counts=dict.fromkeys(KINDS, 0), by_status=dict.fromkeys(STATUSES, 0), web=_web(row[4]),
            )
        for doc_id, who, status in self.conn.execute(
            "SELECT doc_id, annotator, status FROM doc_status ORDER BY annotator"
        ):
            if doc_id in infos:
                infos[doc_id].status[who] = status
        where, params = ("WHERE annotator = ? ", (annotator,)) if annotator is not None else ("", ())
        counted = ("accepted",) if annotator is not None else ("accepted", "pending")
        for kind in KINDS:
            for doc_id, status, n in self.conn.execute(
                f"SELECT doc_id, status, count(*) FROM {kind} {where}GROUP BY doc_id, status", params
            ):
                info = infos.get(doc_id)
                if info is None:
                    continue
                info.by_status[status] = info.by_status.get(status, 0) + n
                if status in counted:
                    info.counts[kind] += n
        return list(infos.values())
