"""Annotations: reading a document's layers, adding, editing and deleting them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict
from typing import TYPE_CHECKING, TypeVar, cast

import tui.core.store.ids as ids
from tui.core.errors import InputError, NotFound
from tui.core.model import KINDS, Annotation, DocAnnotations, Document, Note, Span, kind_of
from tui.core.store.documents import DocumentStore
from tui.core.store.rows import (
    COLUMNS,
    A,
    RowTuple,
    _decode_other,
    _decode_span,
    _describe,
    _doc_filter,
    _q,
    doc_to_row,
    from_row,
    gc_paused,
    references,
)
from tui.core.text.offsets import check_fragments, normalize_fragments, sha256_text, span_text

if TYPE_CHECKING:
    from tui.core.text.reanchor import ReanchorReport

T = TypeVar("T")
Filter = tuple[str, ...] | None


class AnnotationStore(DocumentStore):
    """A document's annotations: read, add, edit, delete; re-anchor them on a new text."""

    def annotation_rows(
        self,
        doc_id: str,
        *,
        annotators: Iterable[str] | None = None,
        statuses: Iterable[str] | None = None,
    ) -> dict[str, list[RowTuple]]:
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
    ) -> dict[str, dict[str, list[RowTuple]]]:
        """Rows of several documents' annotations, one query per kind, grouped by document."""
        where, params = _doc_filter(doc_ids, annotators, statuses)
        out: dict[str, dict[str, list[RowTuple]]] = {}
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
                 statuses: Iterable[str] | None,
                 load: Callable[[list[str], Filter, Filter], dict[str, T]]) -> T | None:
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
            return cast("T | None", cache[key].pop(doc_id, None))
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
        pool: dict[str, str] = {}
        with gc_paused():  # ~100k new objects, none of them garbage: no collections meanwhile
            for kind in KINDS:
                self._decode_kind(kind, out, where, params, pool)
        return out

    def _decode_kind(self, kind: str, out: dict[str, DocAnnotations], where: list[str], params: list[str],
                     pool: dict[str, str]) -> None:
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

    def get(self, ann_id: str) -> Annotation:
        """An annotation of any kind by id.

        Raises:
            NotFound: no annotation has that id.
        """
        found = self.find(ann_id)
        if found is None:
            raise NotFound(f"no annotation with id {ann_id}")
        return found

    def find(self, ann_id: str) -> Annotation | None:
        """An annotation of any kind by id, or None."""
        for kind in KINDS:
            row = self._row(kind, ann_id)
            if row is not None:
                return from_row(kind, row)
        return None

    def add(self, ann: A, *, description: str | None = None) -> A:
        """Add one annotation as one logged action; returns it with id and times set."""
        kind = kind_of(ann)
        with self.action(description or f"add {_describe(kind, ann)}", ann.doc_id) as tx:
            return tx.add(ann)

    def update(self, ann: A, *, description: str | None = None) -> A:
        """Replace an annotation (same id) as one logged action."""
        kind = kind_of(ann)
        with self.action(description or f"edit {_describe(kind, ann)}", ann.doc_id) as tx:
            return tx.update(ann)

    def delete(self, ann_id: str, *, description: str | None = None) -> list[Annotation]:
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

    def dependents(self, ann_id: str) -> list[Annotation]:
        """Annotations that refer to ``ann_id`` (what a delete would touch)."""
        ann = self.get(ann_id)
        return [other for _kind, other in self.referrers(ann.doc_id, ann_id)]

    def referrers(self, doc_id: str, ann_id: str) -> list[tuple[str, Annotation]]:
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
        out: list[tuple[str, Annotation]] = []
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

    @staticmethod
    def _prepare_span(span: Span, text: str) -> None:
        """Check a span's fragments against the text (normalising them) and set its text.

        Raises:
            InputError: a fragment outside the text, or malformed.
        """
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

    def replace_document_text(
        self, name_or_id: str, new: Document, *, description: str | None = None
    ) -> ReanchorReport:
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
        stamp = ids.now()
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
