"""Helpers shared by the dataset formats (CoNLL, spaCy, Label Studio, doccano).

Written once so the formats agree: which spans make the non-overlapping
layer (longest first, then earliest), how events become relations for
formats without events, how losses are worded, how import problems are
collected with file and line, and stable ids for formats that have none.
"""

from __future__ import annotations

import functools
import json
import math
import re
import uuid
from collections.abc import Iterable
from pathlib import Path
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


def numbered(stem: str, n: int, total: int) -> str:
    """The name of document ``n`` of ``total`` read from one file: the stem alone, or
    ``<stem>-<n>`` zero-padded to the width of ``total`` (``news-07`` of 12), so
    that the name order, which exports follow, is the order in the file."""
    return stem if total == 1 else f"{stem}-{n:0{len(str(total))}d}"


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
    in ``options.schema_in_force`` (the import workflow does when ``--schema``
    is given).
    """
    schema = getattr(options, "schema_in_force", None)
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
        """Record one problem (``reason``) found on ``line`` (None: the file as a whole)."""
        self.errors.append(InputError(reason, path=self.path, line=line))

    def __bool__(self) -> bool:
        return bool(self.errors)


def is_int(value: Any) -> bool:
    """True for a JSON integer: an ``int`` that is not a ``bool`` (floats, strings and booleans are not)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_id(value: Any) -> bool:
    """True for a usable source id: a non-empty string or an integer (not a list, object, float or bool)."""
    return (isinstance(value, str) and value != "") or is_int(value)


def check_offsets(text: str, start: Any, end: Any) -> str | None:
    """A reason if ``start``/``end`` are not valid code-point offsets into ``text``.

    Offsets are non-negative integers and nothing else: ``5.0``, ``"5"``,
    ``true`` and ``1e400`` (infinity) are refused, never coerced.
    """
    if not is_int(start) or not is_int(end):
        return f"offsets must be non-negative integers (got {short_repr(start)}, {short_repr(end)})"
    if start < 0 or end < start:
        return f"bad offsets {start}-{end}"
    if end > len(text):
        return f"offset {end} is past the end of the text ({len(text)})"
    if start == end:
        return f"empty span {start}-{end}"
    return None


def fragments_problem(text: str, fragments: Any) -> str | None:
    """A reason if ``fragments`` is not a list of ``[start, end]`` integer pairs inside ``text``.

    The strict counterpart of :func:`tui.core.text.offsets.normalize_fragments`,
    which converts with ``int()``: a file's ``[0.0, 5.0]`` or ``["0", "5"]``
    is refused here instead of being read as ``[0, 5]``.
    """
    if not isinstance(fragments, list) or not fragments:
        return f"fragments must be a non-empty list of [start, end] pairs (got {short_repr(fragments)})"
    for frag in fragments:
        if not isinstance(frag, list) or len(frag) != 2:
            return f"a fragment must be [start, end] (got {short_repr(frag)})"
        reason = check_offsets(text, frag[0], frag[1])
        if reason:
            return reason
    return None


def short_repr(value: Any, limit: int = 40) -> str:
    """``repr`` of a value from a file, cut short (a file's value can be a megabyte long)."""
    try:
        text = repr(value)
    except (RecursionError, ValueError):  # ValueError: an int too long to print
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


_TYPE_NAMES: dict[type, str] = {str: "a string", int: "an integer", list: "a list", dict: "an object",
                                bool: "true or false"}


def field(obj: dict, key: str, expected: type | tuple[type, ...], problems: Problems, line: int | None,
          where: str, *, required: bool = True, default: Any = None) -> Any:
    """``obj[key]`` if it has the expected JSON type; otherwise record ``where: reason`` and return None.

    ``int`` means a JSON integer (``true`` is not one); an absent key or
    ``null`` gives ``default`` when the field is not ``required``.

    Args:
        obj: a parsed JSON object.
        key: the field.
        expected: the accepted Python type(s) (``str``, ``int``, ``list``, ``dict``, ``bool``).
        problems: where a wrong or missing field is recorded.
        line: the line the object starts on.
        where: what the object is, for the message (``entities[3]``).
        required: whether an absent field is a problem.
        default: the value of an absent optional field.

    Returns:
        The value, ``default``, or None after recording a problem.
    """
    types = expected if isinstance(expected, tuple) else (expected,)
    value = obj.get(key)
    if value is None:
        if required:
            problems.add(f"{where}: missing field {key!r}", line)
        return None if required else default
    ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
    if not ok:
        want = " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in types)
        problems.add(f"{where}: field {key!r} must be {want} (got {short_repr(value)})", line)
        return None
    return value


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
        return _preset_roles(schema_name, rel_type)
    return _roles_of(schema, rel_type)


def _roles_of(schema: Any, rel_type: str) -> tuple[str, str]:
    rtype = schema.relation_type(rel_type) if schema is not None else None
    if rtype is not None and len(rtype.args) == 2:
        return rtype.args[0].name, rtype.args[1].name
    return "Arg1", "Arg2"


@functools.lru_cache(maxsize=256)
def _preset_roles(schema_name: str, rel_type: str) -> tuple[str, str]:
    """:func:`default_roles` from a preset, parsed once per name (a preset is a file shipped with tui:
    parsing ACE 2005's TOML takes ~70 ms, which was paid per relation of an import)."""
    try:
        from tui.core.schema import preset

        schema = preset(schema_name)
    except Exception:  # not a preset (a stored schema): fall back to brat's names
        schema = None
    return _roles_of(schema, rel_type)


def json_elements(text: str) -> list[tuple[Any, int]]:
    """Parse a JSON array (or one object) and give each element with its line number.

    Parsed as strictly as :func:`json_value` (no NaN or Infinity, finite
    numbers, bounded nesting, no lone surrogates).

    Raises:
        ValueError: a ``json.JSONDecodeError`` (its ``lineno`` and ``colno``
            say where), or a :class:`JsonLimit` with the line in ``lineno``.
    """
    decoder = _DECODER
    i = _skip_ws(text, 0)

    def element(at: int) -> tuple[Any, int]:
        line = text.count("\n", 0, at) + 1
        try:
            obj, end = decoder.raw_decode(text, at)
        except RecursionError:
            raise JsonLimit(f"JSON nested deeper than {MAX_JSON_DEPTH} levels", line) from None
        except json.JSONDecodeError:
            raise
        except ValueError as exc:  # NaN/Infinity, 1e400, an integer of thousands of digits
            raise JsonLimit(f"malformed JSON: {exc}", line) from None
        problem = json_problem(obj)
        if problem:
            raise JsonLimit(problem, line)
        return obj, end

    if i < len(text) and text[i] == "{":
        obj, end = element(i)
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
            obj, end = element(i)
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


# ---------------------------------------------------------------------------
# strict JSON: what every JSON importer parses with

#: Deepest nesting of arrays and objects a JSON value may have. Label Studio
#: tasks need about ten levels; deeper is refused (Python's parser recurses
#: once per level and would otherwise die with RecursionError near 1000).
MAX_JSON_DEPTH = 64
#: Largest file a corpus importer reads (a JSON array, a JSONL or CoNLL file, a DocBin).
MAX_FILE_BYTES = 256 * 1024 * 1024
#: Largest text of one document, in UTF-8 bytes (the limit of a plain text import).
MAX_TEXT_BYTES = 64 * 1024 * 1024

_SURROGATE = re.compile("[\ud800-\udfff]")


class JsonLimit(ValueError):
    """Valid JSON syntax that is refused: too deep, a lone surrogate, NaN or an infinite number.

    ``lineno`` is the line the offending value starts on (or None).
    """

    def __init__(self, reason: str, lineno: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.lineno = lineno


def _no_constant(name: str) -> Any:
    raise JsonLimit(f"{name} is not a JSON number")


def _finite_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise JsonLimit(f"number {literal[:30]} is out of range")
    return value


#: json's own decoder (its C scanner), with NaN/Infinity and overflowing numbers refused.
_DECODER = json.JSONDecoder(parse_constant=_no_constant, parse_float=_finite_float)


def json_problem(value: Any, max_depth: int = MAX_JSON_DEPTH) -> str | None:
    """A reason if a parsed value nests deeper than ``max_depth`` or holds a lone surrogate.

    ``json`` turns ``"\\ud800"`` into a string that cannot be encoded as
    UTF-8 (the store, sha256 and the terminal all fail on it later), so
    every string and key is checked here. Iterative: the depth check must
    not itself recurse.
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if not item.isascii() and _SURROGATE.search(item):
                bad = _SURROGATE.search(item).group()  # type: ignore[union-attr]
                return f"lone surrogate \\u{ord(bad):04x} in a string (not valid Unicode)"
            continue
        if isinstance(item, float) and not math.isfinite(item):
            return "number out of range (NaN or infinite)"
        if isinstance(item, dict | list | tuple):
            if depth > max_depth:
                return f"JSON nested deeper than {max_depth} levels"
            if isinstance(item, dict):
                for k, v in item.items():
                    stack.append((k, depth + 1))
                    stack.append((v, depth + 1))
            else:
                stack.extend((v, depth + 1) for v in item)
    return None


def json_value(text: str, path: str, line: int | None = None) -> Any:
    """Parse one JSON value strictly, or raise a one-line error naming the file and line.

    Refused: malformed JSON, ``NaN``/``Infinity``, numbers that overflow
    (``1e400``) or have thousands of digits, nesting deeper than
    :data:`MAX_JSON_DEPTH`, lone surrogate escapes.

    Args:
        text: the JSON text (one JSONL line, or a whole file).
        path: the file, for the message.
        line: the line ``text`` starts on (a JSONL line); None for a whole file.

    Raises:
        InputError: ``path:line: reason``.
    """
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        at = line if line is not None else exc.lineno
        raise InputError(f"malformed JSON: {exc.msg} at column {exc.colno}", path=path, line=at) from None
    except RecursionError:
        raise InputError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels", path=path, line=line) from None
    except ValueError as exc:  # JsonLimit, or an integer of more than 4300 digits
        raise InputError(f"malformed JSON: {exc}", path=path, line=line) from None
    problem = json_problem(value)
    if problem:
        raise InputError(problem, path=path, line=line)
    return value


def read_input(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of an input file, refusing one over ``max_bytes`` before reading it, or an empty one.

    A NUL byte is not refused here: JSON's parser refuses a raw one, and a
    CoNLL token may hold one (a document text with NUL exports and re-imports).

    Raises:
        InputError: missing, unreadable, too large or empty.
    """
    from tui.core.formats.text import read_bytes

    data = read_bytes(path, max_bytes, what="for one file", binary=True, allow_empty=True)
    if not data.strip():
        raise InputError("empty file", path=str(path))
    return data


def text_problem(text: str) -> str | None:
    """A reason if a document text is over :data:`MAX_TEXT_BYTES` in UTF-8 (the plain-text limit)."""
    if len(text) * 4 <= MAX_TEXT_BYTES:  # cheap: a code point is at most 4 bytes
        return None
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_TEXT_BYTES:
        return (f"document text is {size / 2**20:.1f} MiB, larger than the "
                f"{MAX_TEXT_BYTES / 2**20:.0f} MiB limit for one document")
    return None


def key_orders(value: Any) -> list[list[Any]]:
    """The key orders of ``value``'s objects that are not sorted: ``[parent key, [keys...]]``, one per
    parent key and set of keys (first seen wins).

    The store keeps ``Document.meta`` as JSON with sorted keys; a format that
    writes back a peer's objects reorders them with :func:`reorder` so the
    file comes back in its own key order. One entry per distinct key set
    under a parent key (every region of a file has the same few), not one
    per object. The parent key of an object in a list is the list's key.
    """
    seen: set[tuple[str, frozenset[str]]] = set()
    out: list[list[Any]] = []
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        parent, item = stack.pop()
        if isinstance(item, dict):
            keys = list(item)
            if keys != sorted(keys) and (parent, frozenset(keys)) not in seen:
                seen.add((parent, frozenset(keys)))
                out.append([parent, keys])
            stack.extend(reversed([(str(k), v) for k, v in item.items()]))
        elif isinstance(item, list):
            stack.extend(reversed([(parent, v) for v in item]))
    return out


def reorder(value: Any, orders: Any) -> Any:
    """``value`` with each object's keys in the order :func:`key_orders` recorded for it (by its parent
    key and key set, else by its key set alone); keys it did not record keep their place at the end."""
    if not isinstance(orders, list) or not orders:
        return value
    exact: dict[tuple[str, frozenset[str]], list[str]] = {}
    loose: dict[frozenset[str], list[str]] = {}
    for entry in orders:
        if (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)
                and isinstance(entry[1], list) and all(isinstance(k, str) for k in entry[1])):
            exact.setdefault((entry[0], frozenset(entry[1])), entry[1])
            loose.setdefault(frozenset(entry[1]), entry[1])

    def walk(parent: str, item: Any) -> Any:
        if isinstance(item, dict):
            keyset = frozenset(item)
            order = exact.get((parent, keyset)) or loose.get(keyset) or list(item)
            return {k: walk(k, item[k]) for k in order}
        if isinstance(item, list):
            return [walk(parent, v) for v in item]
        return item

    return walk("", value)


def _skip_ws(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


# ---------------------------------------------------------------------------
# annotations for an export


_scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # json.loads' own C scanner, without its Python wrappers


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
