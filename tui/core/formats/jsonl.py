"""Our own JSONL: one document per line with every annotation, lossless.

Documented by ``docs/tui-jsonl.schema.json``. Export, import into an empty
database and export again gives identical bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any, TypeGuard

from tui.core.errors import InputError, InputErrors
from tui.core.formats.jsonl_fast import COMMON
from tui.core.formats.jsonl_fast import FAST as _FAST
from tui.core.model import (
    DOC_STATUSES,
    KINDS,
    MAX_NAME,
    STATUSES,
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
    StyleRun,
)
from tui.core.text.offsets import check_fragments, normalize_fragments, sha256_text, span_text

#: The longest line read (one document with all its annotations): a longer one is
#: refused before it is parsed, so a hostile file cannot make the parser hold
#: gigabytes. The same bound as one text file (:data:`tui.core.formats.text.MAX_BYTES`).
MAX_LINE = 64 * 1024 * 1024
#: How deep ``meta`` and style attributes may nest (JSON itself gives up near 1000).
MAX_DEPTH = 64
#: A lone UTF-16 surrogate escape (``\ud800``): json.loads accepts it, UTF-8 cannot hold it.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _no_constant(name: str) -> Any:
    """``parse_constant`` for json.loads: NaN and Infinity are not JSON."""
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(literal: str) -> float:
    """``parse_float`` for json.loads: refuses numbers that overflow to infinity (``1e400``)."""
    value = float(literal)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"number {literal[:40]} is too large")
    return value


def _lone_surrogate(value: Any) -> str | None:
    """The first string in ``value`` (walked iteratively) holding a lone surrogate, else None."""
    stack = [value]
    while stack:
        v = stack.pop()
        if v.__class__ is str:
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                return v
        elif v.__class__ is dict:
            stack.extend(v.keys())
            stack.extend(v.values())
        elif v.__class__ is list:
            stack.extend(v)
    return None


def _too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether ``value`` nests lists and objects more than ``limit`` deep (walked iteratively)."""
    stack = [(value, 0)]
    while stack:
        v, depth = stack.pop()
        if v.__class__ is dict or v.__class__ is list:
            if depth >= limit:
                return True
            stack.extend((c, depth + 1) for c in (v.values() if v.__class__ is dict else v))
    return False


def _offset(value: Any) -> TypeGuard[int]:
    """An offset is a non-negative int: not a bool, a float, a string or anything else."""
    return value.__class__ is int and value >= 0


#: Fields of each kind holding names (bounded by :data:`MAX_NAME`).
_NAMES = {
    "spans": ("label",), "events": ("type", "trigger"), "relations": ("type",),
    "equivalences": ("type",), "attributes": ("target", "name"),
    "normalizations": ("target", "resource"), "notes": ("target", "type"),
}


def _oversized(kind: str, ann: Any) -> str | None:
    """The name of the first field of ``ann`` longer than :data:`MAX_NAME`, else None."""
    for f in ("id", "source_id", "annotator", "origin", "created", "modified", *_NAMES[kind]):
        v = getattr(ann, f)
        if v is not None and len(v) > MAX_NAME:
            return f
    if kind in ("events", "relations"):
        for a in ann.arguments:
            if len(a.role) > MAX_NAME or len(a.target) > MAX_NAME:
                return "arguments"
    if kind == "equivalences" and any(len(m) > MAX_NAME for m in ann.members):
        return "members"
    return None


def _common(ann: Any) -> dict[str, Any]:
    return {c: getattr(ann, c) for c in COMMON}


def annotation_dict(kind: str, ann: Any) -> dict[str, Any]:
    """The JSON object of one annotation, keys in documented order."""
    d: dict[str, Any] = {"id": ann.id, "source_id": ann.source_id}
    if kind == "spans":
        d.update(
            label=ann.label,
            fragments=[list(f) for f in ann.fragments],
            start=ann.start,
            end=ann.end,
            text=ann.text,
        )
    elif kind == "events":
        d.update(
            type=ann.type,
            trigger=ann.trigger,
            arguments=[{"role": a.role, "target": a.target} for a in ann.arguments],
        )
    elif kind == "relations":
        d.update(type=ann.type, arguments=[{"role": a.role, "target": a.target} for a in ann.arguments])
    elif kind == "equivalences":
        d.update(type=ann.type, members=list(ann.members))
    elif kind == "attributes":
        d.update(target=ann.target, name=ann.name, value=ann.value)
    elif kind == "normalizations":
        d.update(target=ann.target, resource=ann.resource, key=ann.key, label=ann.label)
    elif kind == "notes":
        d.update(target=ann.target, type=ann.type, text=ann.text)
    d.update(_common(ann))
    return d


def document_dict(doc: Document, anns: DocAnnotations) -> dict[str, Any]:
    """The JSON object of one document line."""
    d: dict[str, Any] = {
        "id": doc.id,
        "name": doc.name,
        "text": doc.text,
        "sha256": doc.sha256,
        "schema": doc.schema,
        "meta": doc.meta,
        "source": doc.source,
        "styles": [asdict(s) for s in doc.styles],
        "status": dict(sorted(doc.status.items())),
    }
    for kind in KINDS:
        d[kind] = [annotation_dict(kind, a) for a in getattr(anns, kind)]
    return d


#: Characters json.dumps leaves raw that a terminal would act on (DEL, C1 controls,
#: bidi overrides and isolates, line/paragraph separators): written as \\uXXXX
#: escapes, which parse back to the same string, so the line stays lossless and
#: inert when printed.
_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _safe(line: str) -> str:
    """The line with :data:`_UNSAFE` characters escaped (an ASCII line without DEL has none)."""
    if line.isascii() and "\x7f" not in line:  # isascii() is O(1): no regex scan needed
        return line
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", line)


def dumps_line(doc: Document, anns: DocAnnotations) -> str:
    return _safe(json.dumps(document_dict(doc, anns), ensure_ascii=False)) + "\n"


# -- the same line, straight from the store's rows ----------------------------
#
# An export only serialises, so building dataclasses from rows and encoding
# them again is wasted work: the fast path encodes each row's strings with
# json's own string encoder and splices the stored JSON of fragments,
# arguments and members, which the store wrote with json.dumps in exactly
# the form the line uses. Each spliced value is first checked to be in that
# canonical form (a regular expression); a document with any value that is
# not (or any surprise at all) is written by the dataclass path above, so
# the bytes are the same either way.

_enc = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) uses for a str
#: A JSON string exactly as json.dumps writes it in both ensure_ascii modes (after
#: :data:`_UNSAFE` has escaped DEL and C1 controls): only the escapes both modes
#: use. The store wrote members with ensure_ascii=True; a \\uXXXX of any other
#: character differs from what json.dumps(ensure_ascii=False) writes.
_STR = r'"(?:[^"\\\x00-\x1f]|\\["\\bfnrt]|\\u00(?:0[0-7bef]|1[0-9a-f]|7f|[89][0-9a-f]))*"'
_ARG = r'\{"role": ' + _STR + r', "target": ' + _STR + r'\}'
_ARGS = re.compile(r"\[(?:" + _ARG + r"(?:, " + _ARG + r")*)?\]")
_MEMBERS = re.compile(r"\[(?:" + _STR + r"(?:, " + _STR + r")*)?\]")
_FRAGS = re.compile(r"\[\[(\d+), \d+\](?:, \[\d+, \d+\])*\]")


class _NotCanonical(Exception):
    """A stored value the fast path cannot splice: the document goes the slow way."""


def _common_json(r: tuple, i: int) -> str:
    """``"annotator": ... "modified": ...}`` of a row whose COMMON_COLS start at ``i`` (source_id)."""
    return (f'"annotator": {_enc(r[i + 1])}, "origin": {_enc(r[i + 2])}, "status": {_enc(r[i + 3])}, '
            f'"created": {_enc(r[i + 4])}, "modified": {_enc(r[i + 5])}}}')


def _sid(v: Any) -> str:
    return "null" if v is None else _enc(v)


def _dumps(v: Any) -> str:
    """json.dumps(ensure_ascii=False), short-cut for the usual empty containers."""
    if not v and (v.__class__ is dict or v.__class__ is list):
        return "{}" if v.__class__ is dict else "[]"
    return json.dumps(v, ensure_ascii=False)


def _row_json(kind: str, r: tuple) -> str:
    """One annotation object, as :func:`annotation_dict` + json.dumps would write it."""
    if kind == "spans":
        # id, doc_id, label, start, end, fragments, text, source_id, ...
        frags, start, end = r[5], r[3], r[4]
        m = _FRAGS.fullmatch(frags)
        if m is None or m.group(1) != str(start) or not frags.endswith(f", {end}]]"):
            raise _NotCanonical
        return (f'{{"id": {_enc(r[0])}, "source_id": {_sid(r[7])}, "label": {_enc(r[2])}, '
                f'"fragments": {frags}, "start": {start}, "end": {end}, "text": {_enc(r[6])}, '
                + _common_json(r, 7))
    if kind == "events":
        # id, doc_id, type, trigger, arguments, source_id, ...
        if _ARGS.fullmatch(r[4]) is None:
            raise _NotCanonical
        return (f'{{"id": {_enc(r[0])}, "source_id": {_sid(r[5])}, "type": {_enc(r[2])}, '
                f'"trigger": {_enc(r[3])}, "arguments": {r[4]}, ' + _common_json(r, 5))
    if kind == "relations":
        # id, doc_id, type, arg1_role, arg1, arg2_role, arg2, source_id, ...
        return (f'{{"id": {_enc(r[0])}, "source_id": {_sid(r[7])}, "type": {_enc(r[2])}, '
                f'"arguments": [{{"role": {_enc(r[3])}, "target": {_enc(r[4])}}}, '
                f'{{"role": {_enc(r[5])}, "target": {_enc(r[6])}}}], ' + _common_json(r, 7))
    if kind == "equivalences":
        # id, doc_id, type, members, source_id, ...
        if _MEMBERS.fullmatch(r[3]) is None:
            raise _NotCanonical
        return (f'{{"id": {_enc(r[0])}, "source_id": {_sid(r[4])}, "type": {_enc(r[2])}, '
                f'"members": {r[3]}, ' + _common_json(r, 4))
    if kind == "attributes":
        # id, doc_id, target, name, value, source_id, ...
        return (f'{{"id": {_enc(r[0])}, "source_id": {_sid(r[5])}, "target": {_enc(r[2])}, '
                f'"name": {_enc(r[3])}, "value": {_sid(r[4])}, ' + _common_json(r, 5))
    if kind == "normalizations":
        # id, doc_id, target, resource, key, label, source_id, ...
        return (f'{{"id": {_enc(r[0])}, "source_id": {_sid(r[6])}, "target": {_enc(r[2])}, '
                f'"resource": {_enc(r[3])}, "key": {_enc(r[4])}, "label": {_enc(r[5])}, '
                + _common_json(r, 6))
    # notes: id, doc_id, target, type, text, source_id, ...
    return (f'{{"id": {_enc(r[0])}, "source_id": {_sid(r[5])}, "target": {_enc(r[2])}, '
            f'"type": {_enc(r[3])}, "text": {_enc(r[4])}, ' + _common_json(r, 5))


def _line_from_rows(doc: Document, rows: dict[str, list[tuple]]) -> str:
    """:func:`dumps_line` of a document given its stored annotation rows."""
    try:
        parts = [f'{{"id": {_enc(doc.id)}, "name": {_enc(doc.name)}, "text": {_enc(doc.text)}, '
                 f'"sha256": {_enc(doc.sha256)}, "schema": {_enc(doc.schema)}, "meta": {_dumps(doc.meta)}, '
                 f'"source": {_sid(doc.source)}, "styles": {_dumps([asdict(s) for s in doc.styles])}, '
                 f'"status": {_dumps(dict(sorted(doc.status.items())))}']
        for kind in KINDS:
            items = rows.get(kind)
            if items:
                parts.append(f', "{kind}": [' + ", ".join([_row_json(kind, r) for r in items]) + "]")
            else:
                parts.append(f', "{kind}": []')
        line = "".join(parts) + "}"
    except (_NotCanonical, TypeError, ValueError):
        # an unusual stored value (or type): the reference path, from dataclasses
        from tui.core.store import COLUMNS, from_row

        anns = DocAnnotations()
        for kind, items in rows.items():
            getattr(anns, kind).extend(from_row(kind, dict(zip(COLUMNS[kind], r, strict=True))) for r in items)
        return dumps_line(doc, anns)
    return _safe(line) + "\n"


def export_jsonl(
    store: Any,
    out: IO[str],
    *,
    docs: Iterable[Document],
    layers: list[str] | None = None,
    statuses: list[str] | None = None,
    progress: Any = None,
) -> int:
    """Write documents one line at a time; returns the number written.

    A document bound to a schema stored in the database (one imported with
    brat's ``.conf`` files, or from a file) is preceded, the first time, by
    a schema line :func:`schema_line`, so that the file can be imported
    alone (and then exported to brat with its ``.conf``).
    """
    n = 0
    rows_of = getattr(store, "annotation_rows", None)
    stored = set(store.schema_names()) if hasattr(store, "schema_names") else set()
    for doc in docs:
        if doc.schema in stored:
            stored.discard(doc.schema)
            out.write(schema_line(doc.schema, store.schema(doc.schema).source or store.schema(doc.schema).to_toml()))
        if rows_of is not None:
            out.write(_line_from_rows(doc, rows_of(doc.id, annotators=layers, statuses=statuses)))
        else:
            out.write(dumps_line(doc, store.annotations(doc.id, annotators=layers, statuses=statuses)))
        n += 1
        if progress is not None:
            progress(1)
    return n


def schema_line(name: str, source: str) -> str:
    """The line that carries a stored schema: ``{"schema": {"name": ..., "source": TOML}}``."""
    return _safe(json.dumps({"schema": {"name": name, "source": source}}, ensure_ascii=False)) + "\n"


# ---------------------------------------------------------------------------
# import


def _schema_record(raw: str, path: str, lineno: int, errors: list[InputError]) -> Any | None:
    """The schema of a schema line (:func:`schema_line`), or None for any other line.

    A line is a schema line when its object has an object ``schema`` and no
    ``text`` (a document line names its schema with a string). A schema that
    does not parse is an error on its line.
    """
    if '"text"' in raw or not raw.lstrip().startswith('{"schema"'):
        return None
    try:
        obj = json.loads(raw)
    except (ValueError, RecursionError):
        return None  # parse_line names the problem
    if not isinstance(obj, dict) or not isinstance(obj.get("schema"), dict) or "text" in obj:
        return None
    from tui.core.schema import SchemaError, parse_schema

    record = obj["schema"]
    name, source = record.get("name"), record.get("source")
    if not isinstance(name, str) or not name or len(name) > MAX_NAME or not isinstance(source, str):
        errors.append(InputError("schema line: needs a string 'name' (at most "
                                 f"{MAX_NAME} characters) and a string 'source'", path=path, line=lineno))
        return False
    try:
        schema = parse_schema(source, f"{path}:{lineno}: schema {name[:60]!r}")
    except SchemaError as exc:
        errors.append(InputError(f"schema {name[:60]!r}: {str(exc)[:300]}", path=path, line=lineno))
        return False
    schema.name = name
    return schema


class _Line:
    """Validation helper for one JSONL line: collects errors with the line number."""

    def __init__(self, path: str, lineno: int, errors: list[InputError]) -> None:
        self.path, self.lineno, self.errors = path, lineno, errors

    def error(self, reason: str) -> None:
        self.errors.append(InputError(reason, path=self.path, line=self.lineno))

    def field(self, obj: dict, key: str, types: type | tuple, where: str, *, required: bool = True) -> Any:
        if key not in obj:
            if required:
                self.error(f"{where}: missing field {key!r}")
            return None
        value = obj[key]
        if value is None and not required:
            return None
        if not isinstance(value, types) or (types is int and isinstance(value, bool)):
            self.error(f"{where}: field {key!r} has the wrong type ({type(value).__name__})")
            return None
        return value


def _common_fields(line: _Line, obj: dict, where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    ident = line.field(obj, "id", str, where, required=False)
    out["id"] = ident or ""
    out["source_id"] = line.field(obj, "source_id", str, where, required=False)
    for key in COMMON:
        value = line.field(obj, key, str, where, required=False)
        if value is not None:
            out[key] = value
    if out.get("status", "accepted") not in STATUSES:
        line.error(f"{where}: status {out['status']!r} is not one of {', '.join(STATUSES)}")
    return out


def _arguments(line: _Line, obj: dict, where: str) -> list[Argument]:
    args = line.field(obj, "arguments", list, where)
    out = []
    for i, a in enumerate(args or []):
        if not isinstance(a, dict) or not isinstance(a.get("role"), str) or not isinstance(a.get("target"), str):
            line.error(f"{where}: argument {i} needs string 'role' and 'target'")
            continue
        out.append(Argument(role=a["role"], target=a["target"]))
    return out


def parse_line(raw: str, path: str, lineno: int, errors: list[InputError]) -> tuple[Document, DocAnnotations] | None:
    """Parse and validate one document line; problems go to ``errors``."""
    line = _Line(path, lineno, errors)
    try:
        obj = json.loads(raw, parse_constant=_no_constant, parse_float=_finite_float)
    except json.JSONDecodeError as exc:
        line.error(f"malformed JSON: {exc.msg} at column {exc.colno}")
        return None
    except RecursionError:
        line.error("malformed JSON: nested too deeply")
        return None
    except ValueError as exc:  # NaN, Infinity, 1e400, an integer of thousands of digits
        line.error(f"malformed JSON: {str(exc)[:200]}")
        return None
    if not isinstance(obj, dict):
        line.error("expected a JSON object (one document per line)")
        return None
    if _SURROGATE_ESCAPE.search(raw) is not None:  # the walk only when an escape could be one
        bad = _lone_surrogate(obj)
        if bad is not None:
            line.error("a string holds a lone UTF-16 surrogate escape (not a character; UTF-8 cannot store it)")
            return None
    n_before = len(errors)
    name = line.field(obj, "name", str, "document")
    text = line.field(obj, "text", str, "document")
    if name is None or text is None:
        return None
    if not name:
        line.error("document: empty name")
    if len(name) > MAX_NAME:
        line.error(f"document: name of {len(name)} characters (at most {MAX_NAME})")
        name = name[:60] + "..."
    sha = line.field(obj, "sha256", str, "document", required=False)
    if sha and sha != sha256_text(text):
        line.error(f"document {name!r}: sha256 does not match the text")
    styles = []
    for i, s in enumerate(line.field(obj, "styles", list, "document", required=False) or []):
        problem = _style_problem(s, len(text))
        if problem:
            line.error(f"document {name!r}: style run {i}: {problem}")
            continue
        styles.append(StyleRun(**s))
    status = line.field(obj, "status", dict, "document", required=False) or {}
    for who, st in status.items():
        if st not in DOC_STATUSES:
            line.error(f"document {name!r}: status {str(st)[:60]!r} of {who[:60]!r} is not one of "
                       f"{', '.join(DOC_STATUSES)}")
        elif len(who) > MAX_NAME:
            line.error(f"document {name!r}: an annotator name of {len(who)} characters (at most {MAX_NAME})")
    meta = line.field(obj, "meta", dict, "document", required=False) or {}
    if _too_deep(meta):
        line.error(f"document {name!r}: meta nested more than {MAX_DEPTH} deep")
    schema = line.field(obj, "schema", str, "document", required=False) or "ace2005"
    if len(schema) > MAX_NAME:
        line.error(f"document {name!r}: schema name of {len(schema)} characters (at most {MAX_NAME})")
    doc = Document(
        id=line.field(obj, "id", str, "document", required=False) or "",
        name=name,
        text=text,
        sha256=sha or "",
        schema=schema,
        meta=meta,
        source=line.field(obj, "source", str, "document", required=False),
        styles=styles,
        status=dict(status),
    )
    anns = DocAnnotations()
    ids: set[str] = set()
    for kind in KINDS:
        items = line.field(obj, kind, list, "document", required=False) or []
        out = getattr(anns, kind)
        fast = _FAST[kind]
        for i, item in enumerate(items):
            ann = fast(item, text) if item.__class__ is dict else None
            if ann is not None and _oversized(kind, ann) is not None:
                ann = None  # the slow path below names the field
            if ann is not None:  # valid as it stands: only the duplicate check is left
                if ann.id:
                    if ann.id in ids:
                        line.error(f"{kind}[{i}]: duplicate id {ann.id}")
                    ids.add(ann.id)
                out.append(ann)
                continue
            where = f"{kind}[{i}]"
            if not isinstance(item, dict):
                line.error(f"{where}: expected an object")
                continue
            common = _common_fields(line, item, where)
            if common["id"]:
                if common["id"] in ids:
                    line.error(f"{where}: duplicate id {common['id']}")
                ids.add(common["id"])
            ann = _build(line, kind, item, where, common, text)
            if ann is not None:
                big = _oversized(kind, ann)
                if big is not None:
                    line.error(f"{where}: field {big!r} longer than {MAX_NAME} characters")
                    continue
                out.append(ann)
    # references must resolve within the document
    for kind in KINDS[1:]:
        for ann in getattr(anns, kind):
            for ref in ann.references():
                if ref == ann.id:
                    line.error(f"{kind} {ann.id}: refers to itself")
                elif ref not in ids:
                    line.error(f"{kind} {ann.id}: refers to missing annotation {ref}")
    if len(errors) > n_before:
        return None
    return doc, anns


def _short(value: Any, limit: int = 60) -> str:
    """``repr`` of a value from the file, cut for a one-line message."""
    r = repr(value) if not isinstance(value, (list, dict)) or len(value) < 100 else f"<{type(value).__name__}>"
    return r if len(r) <= limit else r[:limit] + "..."


def _style_problem(run: Any, length: int) -> str | None:
    """Why a style run from the file is not valid, else None."""
    if run.__class__ is not dict or set(run) - {"start", "end", "kind", "attrs"}:
        return f"expected an object with start, end, kind and attrs (got {_short(run)})"
    start, end = run.get("start"), run.get("end")
    if not _offset(start) or not _offset(end) or end < start or end > length:
        return f"bad offsets {_short(start)}-{_short(end)} (non-negative integers within the text)"
    if run.get("kind").__class__ is not str or len(run["kind"]) > MAX_NAME:
        return "'kind' must be a name"
    attrs = run.get("attrs", {})
    if attrs.__class__ is not dict or _too_deep(attrs):
        return f"'attrs' must be an object nested at most {MAX_DEPTH} deep"
    return None


def _build(line: _Line, kind: str, item: dict, where: str, common: dict, text: str) -> Any:
    n = len(line.errors)
    if kind == "spans":
        label = line.field(item, "label", str, where)
        frags = line.field(item, "fragments", list, where)
        if label is None or frags is None:
            return None
        if not all(f.__class__ is list and len(f) == 2 and _offset(f[0]) and _offset(f[1]) for f in frags):
            line.error(f"{where}: bad fragments {_short(frags)} (each a [start, end] pair of "
                       "non-negative integers)")
            return None
        try:
            fragments = normalize_fragments(frags)
        except (TypeError, ValueError) as exc:
            line.error(f"{where}: bad fragments {_short(frags)} ({exc})")
            return None
        for key, want in (("start", fragments[0][0]), ("end", fragments[-1][1])):
            if key in item and item[key] != want or (key in item and not _offset(item[key])):
                line.error(f"{where}: field {key!r} is {_short(item[key])}, not {want} as the fragments say")
                return None
        problem = check_fragments(text, fragments)
        if problem:
            line.error(f"{where}: {problem}")
            return None
        stored = line.field(item, "text", str, where, required=False)
        actual = span_text(text, fragments)
        if stored is not None and stored != actual:
            line.error(f"{where}: span text {stored!r} does not match the document ({actual!r})")
            return None
        return Span(label=label, fragments=fragments, text=actual, **common)
    if kind == "events":
        typ = line.field(item, "type", str, where)
        trig = line.field(item, "trigger", str, where)
        args = _arguments(line, item, where)
        return None if len(line.errors) > n else Event(type=typ, trigger=trig, arguments=args, **common)
    if kind == "relations":
        typ = line.field(item, "type", str, where)
        args = _arguments(line, item, where)
        if len(args) != 2:
            line.error(f"{where}: a relation needs exactly two arguments")
        return None if len(line.errors) > n else Relation(type=typ, arguments=args, **common)
    if kind == "equivalences":
        typ = line.field(item, "type", str, where)
        members = line.field(item, "members", list, where)
        if members is not None and not all(isinstance(m, str) for m in members):
            line.error(f"{where}: members must be ids")
        return None if len(line.errors) > n else Equivalence(type=typ, members=members, **common)
    if kind == "attributes":
        target = line.field(item, "target", str, where)
        name = line.field(item, "name", str, where)
        value = line.field(item, "value", str, where, required=False)
        return None if len(line.errors) > n else Attribute(target=target, name=name, value=value, **common)
    if kind == "normalizations":
        target = line.field(item, "target", str, where)
        resource = line.field(item, "resource", str, where)
        key = line.field(item, "key", str, where)
        label = line.field(item, "label", str, where, required=False) or ""
        return None if len(line.errors) > n else Normalization(
            target=target, resource=resource, key=key, label=label, **common
        )
    if kind == "notes":
        target = line.field(item, "target", str, where)
        typ = line.field(item, "type", str, where, required=False) or "AnnotatorNotes"
        txt = line.field(item, "text", str, where)
        return None if len(line.errors) > n else Note(target=target, type=typ, text=txt, **common)
    return None


def read_jsonl(path: Path, schema: Any = None, *, lenient: bool = False,
               skipped: list[str] | None = None,
               found_schemas: list[Any] | None = None) -> Iterator[tuple[Document, DocAnnotations]]:
    """Parse and validate a whole JSONL file before yielding anything.

    The file is read one line at a time and no line longer than
    :data:`MAX_LINE` bytes is held, so a hostile file cannot exhaust memory
    on one line; every line is checked, so all problems are reported.

    Args:
        path: the file.
        schema: the schema in force (``--schema``), or None: with one, an
            annotation of a type it does not know is an error.
        lenient: leave such annotations out (and what refers to them) instead.
        skipped: receives one ``file:line: reason`` per annotation left out.
        found_schemas: receives the schemas of the file's schema lines.

    Raises:
        InputErrors: every problem found, each with file and line.
    """
    errors: list[InputError] = []
    items = []
    names: dict[str, int] = {}
    where = str(path)
    offset = 0  # bytes before the current line, for UTF-8 errors
    any_content = False
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed below; the reading loop has early continues
    except OSError as exc:
        raise InputErrors([InputError(exc.strerror or "cannot read", path=where)]) from None
    with f:
        lineno = 0
        while True:
            try:
                data = f.readline(MAX_LINE + 1)
            except OSError as exc:
                errors.append(InputError(exc.strerror or "cannot read", path=where))
                break
            if not data:
                break
            lineno += 1
            if len(data) > MAX_LINE and not data.endswith(b"\n"):
                errors.append(InputError(f"line longer than {MAX_LINE // 2**20} MiB (refused unread)",
                                         path=where, line=lineno))
                offset += len(data)
                while data and not data.endswith(b"\n"):  # skip the rest of the line, a chunk at a time
                    data = f.readline(MAX_LINE)
                    offset += len(data)
                any_content = True
                continue
            try:
                raw = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                bad = data[exc.start : exc.start + 4].hex(" ")
                errors.append(InputError(f"invalid UTF-8 at byte {offset + exc.start} ({bad}): {exc.reason}",
                                         path=where, line=lineno))
                offset += len(data)
                any_content = True
                continue
            offset += len(data)
            if not raw.strip():
                continue
            any_content = True
            found = _schema_record(raw, where, lineno, errors)
            if found is not None:
                if found and found_schemas is not None:
                    found_schemas.append(found)
                continue
            parsed = parse_line(raw, where, lineno, errors)
            if parsed is not None:
                name = parsed[0].name
                if name in names:
                    errors.append(InputError(f"document {name!r} already on line {names[name]}", path=where,
                                             line=lineno))
                    continue
                names[name] = lineno
                if schema is not None:
                    _check_types(schema, parsed[1], where, lineno, errors, skipped if lenient else None)
                items.append(parsed)
    if not any_content:
        raise InputErrors([InputError("empty file", path=where)])
    if errors:
        raise InputErrors(errors)
    return iter(items)


def _check_types(schema: Any, anns: DocAnnotations, path: str, lineno: int, errors: list[InputError],
                 skipped: list[str] | None) -> None:
    """Types the schema in force does not know: errors, or (``skipped`` given) left out with their dependents.

    Args:
        schema: the schema in force.
        anns: one document's annotations (changed only when skipping).
        path: the file, for messages.
        lineno: the document's line.
        errors: where errors go.
        skipped: None to report errors; else the list that names what was left out.
    """
    bad: dict[int, str] = {}  # id() of the annotation -> reason
    for i, span in enumerate(anns.spans):
        if schema.span_type(span.label) is None and schema.event_type(span.label) is None:
            bad[id(span)] = f"spans[{i}]: unknown type {span.label[:60]!r} (not in schema {schema.name})"
    for i, ev in enumerate(anns.events):
        if schema.event_type(ev.type) is None:
            bad[id(ev)] = f"events[{i}]: unknown event type {ev.type[:60]!r} (not in schema {schema.name})"
    for i, rel in enumerate(anns.relations):
        if schema.relation_type(rel.type) is None:
            bad[id(rel)] = f"relations[{i}]: unknown relation type {rel.type[:60]!r} (not in schema {schema.name})"
    if not bad:
        return
    if skipped is None:
        errors.extend(InputError(reason, path=path, line=lineno) for reason in bad.values())
        return
    dropped = {a.id for kind in KINDS for a in getattr(anns, kind) if id(a) in bad}
    changed = True
    while changed:  # what refers to a dropped annotation goes too
        changed = False
        for kind in KINDS[1:]:
            for a in getattr(anns, kind):
                if id(a) not in bad and any(r in dropped for r in a.references()):
                    bad[id(a)] = f"{kind} {a.id}: refers to an annotation left out"
                    dropped.add(a.id)
                    changed = True
    for kind in KINDS:
        setattr(anns, kind, [a for a in getattr(anns, kind) if id(a) not in bad])
    skipped.extend(f"{path}:{lineno}: {reason}" for reason in bad.values())


SUFFIXES = (".jsonl",)


def read(paths: list[Path], options: Any) -> list[tuple[Document, DocAnnotations]]:
    """Registry entry: JSONL files, or folders of them."""
    from tui.core.formats.text import read_each
    from tui.core.store import gc_paused

    with gc_paused():  # every parsed line is kept until the import: see gc_paused
        from tui.core.formats._interchange import schema_in_force

        schema = schema_in_force(options)
        lenient = bool(getattr(options, "lenient", False))
        skipped = getattr(options, "skipped", None)
        found = getattr(options, "found_schemas", None)
        return read_each(paths, SUFFIXES, lambda f, _name: list(read_jsonl(
            f, schema, lenient=lenient, skipped=skipped if skipped is not None else [], found_schemas=found)))


def export(store: Any, docs: Iterable[Document], out: Any, options: Any) -> Any:
    """Registry entry: lossless, so the loss report is always empty."""
    from tui.core.formats import LossReport

    report = LossReport()
    report.documents = export_jsonl(store, out, docs=docs, layers=options.layers, statuses=options.statuses)
    return report
