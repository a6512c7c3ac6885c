"""Imports: many documents with their annotations in one logged action, a few statements per batch."""

from __future__ import annotations

from collections.abc import Iterable

import tui.core.store.ids as ids
from tui.core.errors import InputError
from tui.core.model import DOC_STATUSES, KINDS, STATUSES, Annotation, DocAnnotations, Document, Span
from tui.core.store.annotations import AnnotationStore
from tui.core.store.results import ImportResult
from tui.core.store.rows import (
    COLUMNS,
    IMPORT_BATCH,
    RowDict,
    RowTuple,
    _remap_refs,
    doc_to_row,
    gc_paused,
    references,
    row_values,
)
from tui.core.store.transaction import _Transaction
from tui.core.text.offsets import sha256_text


class ImportStore(AnnotationStore):
    """Adding documents and importing corpora."""

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
        stamp = ids.now()
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
        doc_rows: list[RowDict] = []
        status_rows: list[RowDict] = []
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
                doc_id = doc.id if doc.id and doc.id not in taken else ids.new_id()
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
        rows: dict[str, list[RowTuple]] = {kind: [] for kind in KINDS}
        for n, (doc_id, text, anns, existed) in enumerate(docs):
            doc_name = names[n] if names else doc_id
            remap: dict[str, str] = {}
            local: set[str] = set()  # ids this document's imported annotations end up with
            keep: list[tuple[str, Annotation]] = []
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
                        ann.id = ids.new_id()
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
                if isinstance(ann, Span):
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
