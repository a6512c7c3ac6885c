"""Helpers shared by the dataset formats (CoNLL, spaCy, Label Studio, doccano).

Written once so the formats agree: which spans make the non-overlapping
layer (longest first, then earliest), how events become relations for
formats without events, how losses are worded, how import problems are
collected with file and line, and stable ids for formats that have none.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import Any

from tui.core.errors import InputError
from tui.core.model import (
    Argument,
    Attribute,
    DocAnnotations,
    Document,
    Equivalence,
    Event,
    Normalization,
    Note,
    Relation,
    Span,
)

#: Namespace of the ids given to annotations of formats that carry none, so a
#: re-import of the same file yields the same ids (and the store skips them).
_NAMESPACE = uuid.UUID("7d5b3f9e-4c1a-5e8b-9a77-2f0c6b1d4e21")


def stable_id(*parts: Any) -> str:
    """A UUID derived from ``parts`` (document sha256, kind, offsets, label...)."""
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(map(str, parts))))


def describe_span(span: Span) -> str:
    """``LABEL 'text' 3-8`` (or ``3-8;12-15``) for loss reports."""
    frags = ";".join(f"{a}-{b}" for a, b in span.fragments)
    text = span.text if len(span.text) <= 40 else span.text[:37] + "..."
    return f"{span.label} {text!r} {frags}"


def where(doc: Document, what: str) -> str:
    """Prefix an example with its document name."""
    return f"{doc.name}: {what}"


def choose_layer(spans: Iterable[Span]) -> tuple[list[Span], list[tuple[Span, str]]]:
    """Pick the non-overlapping, contiguous layer a flat format can hold.

    The documented choice: discontinuous spans are left out; among the rest,
    the longest span (in code points) wins, ties go to the earliest start,
    then to the label and id, so the result does not depend on input order.
    An exact duplicate (same offsets and label, e.g. from two annotators) is
    left out as a duplicate.

    Args:
        spans: candidate spans.

    Returns:
        ``(kept, dropped)``: kept spans sorted by start; dropped spans with
        the loss kind that explains why.
    """
    dropped: list[tuple[Span, str]] = []
    contiguous = []
    for span in spans:
        if len(span.fragments) > 1:
            dropped.append((span, "discontinuous spans"))
        else:
            contiguous.append(span)
    contiguous.sort(key=lambda s: (-(s.end - s.start), s.start, s.label, s.id))
    kept: list[Span] = []
    taken: list[tuple[int, int, str]] = []  # sorted (start, end, label) of kept spans
    import bisect

    for span in contiguous:
        k = bisect.bisect_left(taken, (span.start, -1, ""))
        clash = None
        for j in (k - 1, k):
            if 0 <= j < len(taken):
                s, e, lab = taken[j]
                if s < span.end and span.start < e or (s == span.start and e == span.end):
                    clash = (s, e, lab)
        if clash is None:
            bisect.insort(taken, (span.start, span.end, span.label))
            kept.append(span)
        elif clash == (span.start, span.end, span.label):
            dropped.append((span, "duplicate spans (same offsets and label)"))
        else:
            dropped.append((span, "overlapping or nested spans (longest first, then earliest, kept)"))
    kept.sort(key=lambda s: (s.start, s.end))
    return kept, dropped


def event_relations(anns: DocAnnotations) -> list[tuple[Any, str, str, str]]:
    """Events as trigger-to-argument relations, for formats without events.

    Returns:
        ``(event, trigger span id, argument span id, role)`` per argument; an
        argument that is itself an event points to that event's trigger.
    """
    triggers = {e.id: e.trigger for e in anns.events}
    out = []
    for event in anns.events:
        for arg in event.arguments:
            target = triggers.get(arg.target, arg.target)
            out.append((event, event.trigger, target, arg.role))
    return out


def report_kinds(report: Any, doc: Document, anns: DocAnnotations, kinds: Iterable[str]) -> None:
    """Report every annotation of the given kinds as lost (the format has no place for them)."""
    for kind in kinds:
        for ann in getattr(anns, kind):
            label = getattr(ann, "type", None) or getattr(ann, "name", None) or getattr(ann, "resource", "")
            report.add(kind, where(doc, f"{label} {ann.source_id or ann.id}"))


def schema_in_force(options: Any) -> Any:
    """The schema imported types are checked against, or None.

    A schema is in force when the caller put a :class:`~tui.core.schema.Schema`
    in ``options.extra["schema"]`` (the CLI does when ``--schema`` is given).
    """
    schema = getattr(options, "extra", {}).get("schema")
    return schema if hasattr(schema, "span_type") else None


def unknown_span_label(schema: Any, label: str) -> bool:
    """True when a span label is neither an entity type nor an event type of the schema."""
    return schema.span_type(label) is None and schema.event_type(label) is None


class Problems:
    """Collects import problems of one file, each with its line, before anything is written."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.errors: list[InputError] = []

    def add(self, reason: str, line: int | None = None) -> None:
        self.errors.append(InputError(reason, path=self.path, line=line))

    def __bool__(self) -> bool:
        return bool(self.errors)


def check_offsets(text: str, start: Any, end: Any) -> str | None:
    """A reason if ``start``/``end`` are not valid code-point offsets into ``text``."""
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        return f"offsets must be integers (got {start!r}, {end!r})"
    if start < 0 or end < start:
        return f"bad offsets {start}-{end}"
    if end > len(text):
        return f"offset {end} is past the end of the text ({len(text)})"
    if start == end:
        return f"empty span {start}-{end}"
    return None


def to_codepoint(u16: Any, value: int, unit: str) -> int:
    """Convert an offset read from a file to code points (``unit`` codepoint or utf16).

    Raises:
        ValueError: a UTF-16 offset that splits a surrogate pair.
    """
    if unit == "utf16" and u16 is not None:
        return u16.from_utf16(value)
    return value


def default_roles(schema: Any, schema_name: str, rel_type: str) -> tuple[str, str]:
    """The two role names a relation of ``rel_type`` gets when a format carries none.

    Taken from the schema in force, else from the preset named ``schema_name``
    (ACE 2005: ``Arg-1``/``Arg-2``), else brat's ``Arg1``/``Arg2``.
    """
    if schema is None:
        try:
            from tui.core.schema import preset

            schema = preset(schema_name)
        except Exception:  # not a preset (a stored schema): fall back to brat's names
            schema = None
    rtype = schema.relation_type(rel_type) if schema is not None else None
    if rtype is not None and len(rtype.args) == 2:
        return rtype.args[0].name, rtype.args[1].name
    return "Arg1", "Arg2"


def json_elements(text: str) -> list[tuple[Any, int]]:
    """Parse a JSON array (or one object) and give each element with its line number.

    Raises:
        ValueError: with the line in the message's ``lineno`` attribute
            (a ``json.JSONDecodeError``), or a plain reason.
    """
    import json

    decoder = json.JSONDecoder()
    i = _skip_ws(text, 0)
    if i < len(text) and text[i] == "{":
        obj, end = decoder.raw_decode(text, i)
        if _skip_ws(text, end) != len(text):
            raise json.JSONDecodeError("extra data after the object", text, _skip_ws(text, end))
        return [(obj, text.count("\n", 0, i) + 1)]
    if i >= len(text) or text[i] != "[":
        raise json.JSONDecodeError("expected a JSON array of tasks", text, i)
    out = []
    i = _skip_ws(text, i + 1)
    if i < len(text) and text[i] == "]":
        i += 1
    else:
        while True:
            obj, end = decoder.raw_decode(text, i)
            out.append((obj, text.count("\n", 0, i) + 1))
            i = _skip_ws(text, end)
            if i < len(text) and text[i] == ",":
                i = _skip_ws(text, i + 1)
                continue
            if i < len(text) and text[i] == "]":
                i += 1
                break
            raise json.JSONDecodeError("expected ',' or ']'", text, i)
    if _skip_ws(text, i) != len(text):
        raise json.JSONDecodeError("extra data after the array", text, _skip_ws(text, i))
    return out


def _skip_ws(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


# ---------------------------------------------------------------------------
# annotations for an export


_scan = json.JSONDecoder().scan_once  # json.loads' own C scanner, without its Python wrappers


def _loads(s: str) -> Any:
    """``json.loads(s)``, faster for the compact values the store writes."""
    try:
        value, end = _scan(s, 0)
    except StopIteration:
        return json.loads(s)  # leading whitespace, or invalid: json.loads decides
    return value if end == len(s) else json.loads(s)


def export_annotations(store: Any, doc_id: str, options: Any) -> DocAnnotations:
    """``store.annotations(doc_id, ...)`` filtered by the export options, built from the stored rows.

    The same objects as :func:`tui.core.store.from_row` makes (same order,
    same values), without a dict per row and with json's scanner called
    directly: an export builds one per annotation in the corpus.
    """
    rows_of = getattr(store, "annotation_rows", None)
    if rows_of is None:
        return store.annotations(doc_id, annotators=options.layers, statuses=options.statuses)
    return annotations_from_rows(rows_of(doc_id, annotators=options.layers, statuses=options.statuses))


def annotations_from_rows(by_kind: dict[str, list[tuple]]) -> DocAnnotations:
    """The annotations of :meth:`~tui.core.store.Store.annotation_rows` rows, as ``from_row`` makes them."""
    out = DocAnnotations()
    for kind, rows in by_kind.items():
        # every table: id, doc_id, ..., then source_id, annotator, origin, status, created, modified
        if kind == "spans":
            out.spans = [Span(label=r[2], fragments=[tuple(f) for f in _loads(r[5])], text=r[6], id=r[0],
                              doc_id=r[1], source_id=r[7], annotator=r[8], origin=r[9], status=r[10],
                              created=r[11], modified=r[12]) for r in rows]
        elif kind == "events":
            out.events = [Event(type=r[2], trigger=r[3], arguments=[Argument(**a) for a in _loads(r[4])],
                                id=r[0], doc_id=r[1], source_id=r[5], annotator=r[6], origin=r[7], status=r[8],
                                created=r[9], modified=r[10]) for r in rows]
        elif kind == "relations":
            out.relations = [Relation(type=r[2], arguments=[Argument(role=r[3], target=r[4]),
                                                            Argument(role=r[5], target=r[6])],
                                      id=r[0], doc_id=r[1], source_id=r[7], annotator=r[8], origin=r[9],
                                      status=r[10], created=r[11], modified=r[12]) for r in rows]
        elif kind == "equivalences":
            out.equivalences = [Equivalence(type=r[2], members=_loads(r[3]), id=r[0], doc_id=r[1], source_id=r[4],
                                            annotator=r[5], origin=r[6], status=r[7], created=r[8], modified=r[9])
                                for r in rows]
        elif kind == "attributes":
            out.attributes = [Attribute(target=r[2], name=r[3], value=r[4], id=r[0], doc_id=r[1], source_id=r[5],
                                        annotator=r[6], origin=r[7], status=r[8], created=r[9], modified=r[10])
                              for r in rows]
        elif kind == "normalizations":
            out.normalizations = [Normalization(target=r[2], resource=r[3], key=r[4], label=r[5], id=r[0],
                                                doc_id=r[1], source_id=r[6], annotator=r[7], origin=r[8],
                                                status=r[9], created=r[10], modified=r[11]) for r in rows]
        else:
            out.notes = [Note(target=r[2], type=r[3], text=r[4], id=r[0], doc_id=r[1], source_id=r[5],
                              annotator=r[6], origin=r[7], status=r[8], created=r[9], modified=r[10]) for r in rows]
    return out
