"""Rows and dataclasses: the columns of each table, encoding and decoding annotations and documents."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, fields
from typing import Any, TypeVar

from tui.core.model import (
    KINDS,
    Annotation,
    Argument,
    Attribute,
    Document,
    Equivalence,
    Event,
    Normalization,
    Note,
    Relation,
    Span,
    StyleRun,
)

#: Documents read per batch when iterating a corpus (exports).
PREFETCH = 200
#: Documents written per batch by an import (a few statements per table per batch).
IMPORT_BATCH = 500
COMMON_COLS = ("source_id", "annotator", "origin", "status", "created", "modified")

#: Columns of each annotation table, in insert order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "spans": ("id", "doc_id", "label", "start", "end", "fragments", "text", *COMMON_COLS),
    "events": ("id", "doc_id", "type", "trigger", "arguments", *COMMON_COLS),
    "relations": (
        "id", "doc_id", "type", "arg1_role", "arg1", "arg2_role", "arg2", *COMMON_COLS,
    ),
    "equivalences": ("id", "doc_id", "type", "members", *COMMON_COLS),
    "attributes": ("id", "doc_id", "target", "name", "value", *COMMON_COLS),
    "normalizations": ("id", "doc_id", "target", "resource", "key", "label", *COMMON_COLS),
    "notes": ("id", "doc_id", "target", "type", "text", *COMMON_COLS),
}
DOC_COLUMNS = (
    "id", "name", "text", "sha256", "schema", "meta", "source", "styles", "created", "modified",
)
#: Tables whose rows the operation log can restore.
LOGGED_TABLES = (*KINDS, "documents", "doc_status", "schemas")
_PK = {"doc_status": ("doc_id", "annotator"), "schemas": ("name",)}

RowDict = dict[str, Any]
"""A row as column -> value (SQLite values: str, int, float, None)."""
RowTuple = tuple[Any, ...]
"""A row as stored, its values in its table's column order (``COLUMNS[kind]``)."""
Key = str | tuple[str, ...]
"""A row's primary key: the id, or ``(doc_id, annotator)`` of a document status."""
LogEntry = dict[str, Any]
"""One entry of an operation's changes: ``{"table", "before", "after"}`` (rows or None),
or ``{"table", "bulk": [keys]}`` for rows an import inserted."""
A = TypeVar("A", Span, Event, Relation, Equivalence, Attribute, Normalization, Note)
"""One annotation class: what an action is given it returns, of the same class."""


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for bulk work (restored after, even on error).

    Used where many objects are made and none is garbage: imports, decoding a
    long document's annotations, indexing its highlights. An import holds
    every parsed document until it is written: hundreds of
    thousands of objects that all survive, which the collector would walk
    again and again as they accumulate (a quarter to a third of a 10,000
    document import's time went to collections that freed nothing). The
    objects made here hold no reference cycles; reference counting frees
    them as usual.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def to_row(kind: str, ann: Annotation) -> RowDict:
    """Turn an annotation into the row of its table."""
    row: RowDict = {
        "id": ann.id,
        "doc_id": ann.doc_id,
        **{c: getattr(ann, c) for c in COMMON_COLS},
    }
    if isinstance(ann, Span):
        row.update(
            label=ann.label,
            start=ann.fragments[0][0],
            end=ann.fragments[-1][1],
            fragments=json.dumps([list(f) for f in ann.fragments]),
            text=ann.text,
        )
    elif isinstance(ann, Event):
        row.update(
            type=ann.type,
            trigger=ann.trigger,
            arguments=json.dumps(
                [{"role": a.role, "target": a.target} for a in ann.arguments], ensure_ascii=False
            ),
        )
    elif isinstance(ann, Relation):
        (a1, a2) = ann.arguments
        row.update(type=ann.type, arg1_role=a1.role, arg1=a1.target, arg2_role=a2.role, arg2=a2.target)
    elif isinstance(ann, Equivalence):
        row.update(type=ann.type, members=json.dumps(ann.members))
    elif isinstance(ann, Attribute):
        row.update(target=ann.target, name=ann.name, value=ann.value)
    elif isinstance(ann, Normalization):
        row.update(target=ann.target, resource=ann.resource, key=ann.key, label=ann.label)
    elif isinstance(ann, Note):
        row.update(target=ann.target, type=ann.type, text=ann.text)
    return row


_enc = json.encoder.encode_basestring  # json.dumps(ensure_ascii=False) of one str


def row_values(kind: str, ann: Annotation) -> RowTuple:
    """:func:`to_row` as a tuple in ``COLUMNS[kind]`` order, with the same column values.

    Imports insert tens of thousands of these: the JSON of fragments (int
    pairs, checked by ``_prepare_span``) and of event arguments is written
    directly in the form json.dumps gives, not through a dict and json.dumps.
    """
    common = (ann.source_id, ann.annotator, ann.origin, ann.status, ann.created, ann.modified)
    if type(ann) is Span:
        f = ann.fragments
        if len(f) == 1 and f[0].__class__ is tuple and f[0][0].__class__ is int and f[0][1].__class__ is int:
            frags = f"[[{f[0][0]}, {f[0][1]}]]"
        else:
            frags = json.dumps([list(x) for x in f])
        return (ann.id, ann.doc_id, ann.label, f[0][0], f[-1][1], frags, ann.text, *common)
    if type(ann) is Event:
        try:
            args = "[" + ", ".join([f'{{"role": {_enc(a.role)}, "target": {_enc(a.target)}}}'
                                    for a in ann.arguments]) + "]"
        except TypeError:  # not strings: whatever json.dumps makes of them
            args = json.dumps([{"role": a.role, "target": a.target} for a in ann.arguments], ensure_ascii=False)
        return (ann.id, ann.doc_id, ann.type, ann.trigger, args, *common)
    row = to_row(kind, ann)
    return tuple(row[c] for c in COLUMNS[kind])


def from_row(kind: str, row: RowDict) -> Annotation:
    """Turn a row of an annotation table back into its dataclass."""
    common = {c: row[c] for c in ("id", "doc_id", *COMMON_COLS)}
    if kind == "spans":
        return Span(
            label=row["label"],
            fragments=[tuple(f) for f in json.loads(row["fragments"])],
            text=row["text"],
            **common,
        )
    if kind == "events":
        return Event(
            type=row["type"],
            trigger=row["trigger"],
            arguments=[Argument(**a) for a in json.loads(row["arguments"])],
            **common,
        )
    if kind == "relations":
        return Relation(
            type=row["type"],
            arguments=[
                Argument(role=row["arg1_role"], target=row["arg1"]),
                Argument(role=row["arg2_role"], target=row["arg2"]),
            ],
            **common,
        )
    if kind == "equivalences":
        return Equivalence(type=row["type"], members=json.loads(row["members"]), **common)
    if kind == "attributes":
        return Attribute(target=row["target"], name=row["name"], value=row["value"], **common)
    if kind == "normalizations":
        return Normalization(
            target=row["target"], resource=row["resource"], key=row["key"], label=row["label"],
            **common,
        )
    if kind == "notes":
        return Note(target=row["target"], type=row["type"], text=row["text"], **common)
    raise ValueError(kind)


def _decode_span(kind: str, cols: tuple[str, ...], r: RowTuple, pool: dict[str, str]) -> Span:
    """A span from a row in ``COLUMNS["spans"]`` order: what :func:`from_row` makes, faster.

    Opening a document decodes every span, so this skips the row dict and,
    for the usual single fragment, the JSON (its text is exactly what
    :func:`to_row` writes for ``[(start, end)]``); repeated strings are shared
    through ``pool``.
    """
    id_, doc_id, label, start, end, fragments, text, source_id, annotator, origin, status, created, modified = r
    # (the order of COLUMNS["spans"]; _SPAN_ORDER below fails the import if that changes)
    if fragments == f"[[{start}, {end}]]":
        frags = [(start, end)]
    else:
        frags = [tuple(f) for f in json.loads(fragments)]
    g = pool.setdefault
    # Every field set here (checked against the dataclass below): a third of the
    # cost of the keyword __init__.
    span = _new(Span)
    span.id = id_
    span.doc_id = g(doc_id, doc_id)
    span.source_id = source_id
    span.annotator = g(annotator, annotator)
    span.origin = g(origin, origin)
    span.status = g(status, status)
    span.created = g(created, created)
    span.modified = g(modified, modified)
    span.label = g(label, label)
    span.fragments = frags
    span.text = text
    return span


_new = object.__new__
_SPAN_ORDER = ("id", "doc_id", "label", "start", "end", "fragments", "text", *COMMON_COLS)
if COLUMNS["spans"] != _SPAN_ORDER:
    raise AssertionError("_decode_span unpacks the span columns in their old order")
if [f.name for f in fields(Span)] != ["id", "doc_id", *COMMON_COLS, "label", "fragments", "text"]:
    raise AssertionError("_decode_span sets the fields Span had: a new one needs setting there too")

_SHARED = frozenset(("doc_id", "type", "annotator", "origin", "status", "created", "modified",
                     "arg1_role", "arg2_role", "name", "resource"))


def _decode_other(kind: str, cols: tuple[str, ...], r: RowTuple, pool: dict[str, str]) -> Annotation:
    """Any annotation from a row in ``COLUMNS[kind]`` order, sharing repeated strings via ``pool``."""
    g = pool.setdefault
    row = {c: g(v, v) if c in _SHARED else v for c, v in zip(cols, r, strict=True)}
    ann = from_row(kind, row)
    if isinstance(ann, Event):
        for a in ann.arguments:
            a.role = g(a.role, a.role)
    return ann


def doc_to_row(doc: Document) -> RowDict:
    """Turn a document into its row (meta and styles as JSON)."""
    return {
        "id": doc.id,
        "name": doc.name,
        "text": doc.text,
        "sha256": doc.sha256,
        "schema": doc.schema,
        "meta": json.dumps(doc.meta, ensure_ascii=False, sort_keys=True),
        "source": doc.source,
        "styles": json.dumps([asdict(s) for s in doc.styles], ensure_ascii=False),
        "created": doc.created,
        "modified": doc.modified,
    }


def doc_from_row(row: RowDict, status: dict[str, str] | None = None) -> Document:
    """Turn a row of ``documents`` (and its statuses per annotator) back into a document."""
    return Document(
        id=row["id"],
        name=row["name"],
        text=row["text"],
        sha256=row["sha256"],
        schema=row["schema"],
        meta=json.loads(row["meta"]),
        source=row["source"],
        styles=[StyleRun(**s) for s in json.loads(row["styles"])],
        status=status or {},
        created=row["created"],
        modified=row["modified"],
    )


def references(kind: str, ann: Annotation) -> list[str]:
    """Ids an annotation points to."""
    if isinstance(ann, Event):
        return [ann.trigger, *(a.target for a in ann.arguments)]
    if isinstance(ann, Relation):
        return [a.target for a in ann.arguments]
    if isinstance(ann, Equivalence):
        return list(ann.members)
    if isinstance(ann, (Attribute, Normalization, Note)):
        return [ann.target]
    return []


def _doc_filter(
    doc_ids: list[str], annotators: Iterable[str] | None, statuses: Iterable[str] | None
) -> tuple[list[str], list[str]]:
    """WHERE clauses and parameters selecting the annotations of ``doc_ids`` (optionally filtered)."""
    where = [f"doc_id IN ({', '.join('?' * len(doc_ids))})"]
    params = list(doc_ids)
    for column, values in (("annotator", annotators), ("status", statuses)):
        if values is not None:
            chosen = list(values)
            where.append(f"{column} IN ({', '.join('?' * len(chosen))})")
            params += chosen
    return where, params


def _q(col: str) -> str:
    """A column name as SQL (``end`` is a keyword)."""
    return '"end"' if col == "end" else col


def _key(table: str, row: RowDict) -> Key:
    """A row's primary key in ``table``."""
    pk = _PK.get(table, ("id",))
    return row[pk[0]] if len(pk) == 1 else tuple(row[c] for c in pk)


def _describe(kind: str, ann: Annotation) -> str:
    """A few words on an annotation for the operation log (``PER Basra``, ``event Attack``)."""
    if isinstance(ann, Span):
        return f"{ann.label} {ann.text or ann.fragments}"
    if isinstance(ann, (Event, Relation, Equivalence)):
        return f"{kind[:-1]} {ann.type}"
    if isinstance(ann, Attribute):
        return f"attribute {ann.name}={ann.value}"
    return kind[:-1]


def _remap_refs(kind: str, ann: Annotation, remap: dict[str, str]) -> None:
    """Point an annotation's references at the ids its document's annotations were given."""
    if isinstance(ann, Event):
        ann.trigger = remap.get(ann.trigger, ann.trigger)
    if isinstance(ann, (Event, Relation)):
        for a in ann.arguments:
            a.target = remap.get(a.target, a.target)
    elif isinstance(ann, Equivalence):
        ann.members = [remap.get(m, m) for m in ann.members]
    elif isinstance(ann, (Attribute, Normalization, Note)):
        ann.target = remap.get(ann.target, ann.target)
