"""spaCy ``.spacy`` DocBin out and in (spaCy is an optional dependency).

Export, per document:

- the text is tokenized by ``spacy.blank(lang)`` (``lang`` from
  ``options.lang``, default ``xx``); ``doc.text`` is the document
  text exactly;
- ``doc.spans["tui"]`` holds every accepted span that aligns strictly with
  spaCy's tokens; a discontinuous span is one ``Span`` per fragment, all with
  the annotation id as ``span.id_`` (so a re-import joins them again);
  pending and rejected spans (``--status all``) go to the groups
  ``tui_pending`` and ``tui_rejected`` instead, never to ``doc.ents``;
- ``doc.ents`` holds the non-overlapping accepted layer chosen by
  :func:`~tui.core.formats._interchange.choose_layer` (longest first, then
  earliest); spans left out of it are reported;
- ``doc.user_data["tui"]`` holds, as JSON-able dicts with ids, the document
  name, each span's metadata, the spans that do not align with spaCy's
  tokens (reported: spaCy users will not see them) and every event,
  relation, equivalence, attribute, normalisation and note.

A DocBin is one compressed blob, so the exporter keeps spaCy's compact
per-document arrays (not the ``Doc`` objects) until the end and then writes
the bytes; memory grows with the token count, not with Python objects.

Import reads ``doc.spans`` (every group, ids joined into discontinuous
spans; ``tui_pending`` and ``tui_rejected`` as those statuses, and Prodigy's
``incorrect_spans`` as rejected), ``doc.ents`` when no ``tui`` group exists, and the ``user_data``
written above; each problem names the file and the document index.
"""

from __future__ import annotations

import json
import math
import sys
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from tui.core.errors import InputError, InputErrors, TuiError
from tui.core.formats._interchange import (
    MAX_JSON_DEPTH,
    Problems,
    choose_layer,
    describe_span,
    field,
    fragments_problem,
    is_int,
    json_problem,
    numbered,
    read_input,
    schema_in_force,
    short_repr,
    stable_id,
    text_problem,
    unknown_span_label,
    where,
)
from tui.core.model import KINDS, DocAnnotations, Document
from tui.core.text.offsets import sha256_text, span_text

SUFFIXES = (".spacy",)
BINARY = True
SPAN_KEY = "tui"
INSTALL_HINT = "spaCy is not installed: pip install 'tui[spacy]'"
_META = ("source_id", "annotator", "origin", "status", "created", "modified")
#: Span groups for spans that are not accepted: ``doc.ents`` and the ``tui``
#: group hold only accepted spans, so a spaCy user never trains on a pending
#: or rejected one.
STATUS_GROUPS = {"pending": "tui_pending", "rejected": "tui_rejected"}
#: Span groups other tools use for rejected suggestions (Prodigy's
#: ``spans.correct`` keeps the suggestions the annotator rejected here).
REJECTED_GROUPS = ("incorrect_spans",)


def _spacy() -> Any:
    """Import spaCy or fail with the install hint (a one-line error, no traceback)."""
    try:
        import spacy
        from spacy.tokens import DocBin  # noqa: F401
    except ImportError:
        raise TuiError(INSTALL_HINT) from None
    return spacy


def _binary(out: Any) -> Any:
    """The binary stream under a text file object (or the object itself if it is binary)."""
    if hasattr(out, "encoding"):
        out.flush()
        buffer = getattr(out, "buffer", None)
        if buffer is None:
            raise TuiError("spaCy DocBin is binary: give --out FILE.spacy")
        if buffer is getattr(sys.stdout, "buffer", None) and sys.stdout.isatty():
            raise TuiError("spaCy DocBin is binary: give --out FILE.spacy instead of a terminal")
        return buffer
    return out


def export(store: Any, docs: Iterable[Document], out: IO[Any], options: Any) -> Any:
    """Write documents as one spaCy DocBin.

    Args:
        store: the store to read annotations from.
        docs: the documents to write.
        out: a file object (text files are written through their binary buffer).
        options: ``ExportOptions``; ``lang`` picks the spaCy language.

    Returns:
        The ``LossReport``: spans not on spaCy token boundaries (kept only in
        ``user_data``) and spans left out of ``doc.ents``.
    """
    from tui.core.formats import LossReport
    from tui.core.formats.jsonl import annotation_dict

    spacy = _spacy()
    from spacy.tokens import DocBin
    from spacy.tokens import Span as SpacySpan

    sink = _binary(out)
    report = LossReport()
    nlp = spacy.blank(options.lang)
    bin_ = DocBin(store_user_data=True)
    status_noted = False
    for doc in docs:
        anns = store.annotations(doc.id, annotators=options.layers, statuses=options.statuses)
        sdoc = nlp.make_doc(doc.text)
        groups: dict[str, list[Any]] = {SPAN_KEY: []}
        unaligned = []
        aligned_ids = set()
        for span in anns.spans:
            pieces = [sdoc.char_span(a, b, alignment_mode="strict") for a, b in span.fragments]
            if any(p is None for p in pieces):
                unaligned.append(span)
                report.add("spans not on spaCy token boundaries (kept in user_data only)",
                           where(doc, describe_span(span)))
                continue
            group = groups.setdefault(STATUS_GROUPS.get(span.status, SPAN_KEY), [])
            if group is groups[SPAN_KEY]:
                aligned_ids.add(span.id)
            for p in pieces:
                group.append(SpacySpan(sdoc, p.start, p.end, label=span.label, span_id=span.id))
        for key, group in groups.items():
            sdoc.spans[key] = group
        if len(groups) > 1 and not status_noted:
            status_noted = True
            report.notes.append("pending and rejected spans are in the span groups "
                                + ", ".join(f"{k} ({v})" for v, k in STATUS_GROUPS.items())
                                + ", not in doc.spans['tui'] nor doc.ents")
        kept, dropped = choose_layer(s for s in anns.spans if s.id in aligned_ids)
        for span, kind in dropped:
            report.add(f"{kind}: not in doc.ents (in doc.spans)", where(doc, describe_span(span)))
        sdoc.set_ents([sdoc.char_span(s.start, s.end, label=s.label, alignment_mode="strict") for s in kept])
        data: dict[str, Any] = {
            "name": doc.name,
            "span_meta": {s.id: {k: getattr(s, k) for k in _META} for s in anns.spans},
            "unaligned_spans": [annotation_dict("spans", s) for s in unaligned],
        }
        for kind in KINDS[1:]:
            data[kind] = [annotation_dict(kind, a) for a in getattr(anns, kind)]
        sdoc.user_data[SPAN_KEY] = data
        bin_.add(sdoc)
        report.documents += 1
    sink.write(bin_.to_bytes())
    sink.flush()
    return report


# ---------------------------------------------------------------------------
# import

#: A DocBin may expand to at most this many bytes. zlib expands up to about
#: 1000 times: a 611 KB file once became 1.3 GB in memory before spaCy
#: refused it. The size is counted chunk by chunk first, so a refused file is
#: never expanded in full.
MAX_INFLATED_BYTES = 256 * 1024 * 1024
#: Tokens in one DocBin, and in one of its documents (spaCy builds an object
#: per token: a header claiming more is refused before any is built).
MAX_TOKENS = 10_000_000
MAX_DOC_TOKENS = 2_000_000
#: Distinct strings (each becomes a vocabulary entry) and documents.
MAX_STRINGS = 2_000_000
MAX_DOCS = 1_000_000
_CHUNK = 1 << 20


def inflated_size(raw: bytes, path: str, limit: int = MAX_INFLATED_BYTES) -> int:
    """The size ``raw`` (a zlib stream) expands to, counted without keeping it.

    Raises:
        InputError: not zlib data, truncated, or larger than ``limit`` once
            expanded (refused as soon as the count passes the limit).
    """
    inflater = zlib.decompressobj()
    pending, total = raw, 0
    try:
        while True:
            chunk = inflater.decompress(pending, _CHUNK)
            total += len(chunk)
            if total > limit:
                raise InputError(f"DocBin expands to more than the {limit // 2**20} MiB limit "
                                 f"(refused without expanding it; {len(raw)} bytes compressed)", path=path)
            pending = inflater.unconsumed_tail
            if inflater.eof:
                return total
            if not pending and not chunk:
                raise InputError("not a spaCy DocBin (compressed data is truncated)", path=path)
    except zlib.error as exc:
        raise InputError(f"not a spaCy DocBin (zlib: {exc})", path=path) from None


def header_problem(msg: Any) -> str | None:
    """A reason if a DocBin's decoded header is malformed or claims more than the limits allow.

    Checked before spaCy sees the file: the counts (documents, tokens per
    document and in all, strings) and that the arrays agree with each other,
    so spaCy never allocates for a lie.
    """
    import numpy
    from spacy.attrs import ORTH

    if not isinstance(msg, dict):
        return "not a spaCy DocBin (no header)"
    attrs = msg.get("attrs")
    if not isinstance(attrs, list | tuple) or not attrs or not all(is_int(a) for a in attrs) or ORTH not in attrs:
        return "not a spaCy DocBin (bad 'attrs')"
    arrays: dict[str, bytes] = {}
    for key in ("tokens", "spaces", "lengths"):
        value = msg.get(key)
        if not isinstance(value, bytes):
            return f"not a spaCy DocBin (bad {key!r})"
        arrays[key] = value
    if len(arrays["lengths"]) % 4:
        return "not a spaCy DocBin ('lengths' is not an int32 array)"
    lengths = numpy.frombuffer(arrays["lengths"], dtype="int32")
    docs = len(lengths)
    if docs > MAX_DOCS:
        return f"{docs} documents, more than the limit of {MAX_DOCS}"
    if docs and int(lengths.min()) < 0:
        return "not a spaCy DocBin (negative token count)"
    width = 8 * len(attrs)
    if len(arrays["tokens"]) % width:
        return "not a spaCy DocBin ('tokens' does not match 'attrs')"
    rows = len(arrays["tokens"]) // width
    if rows > MAX_TOKENS:
        return f"{rows} tokens, more than the limit of {MAX_TOKENS}"
    if docs and int(lengths.max()) > MAX_DOC_TOKENS:
        return f"a document of {int(lengths.max())} tokens, more than the limit of {MAX_DOC_TOKENS}"
    if int(lengths.sum(dtype="int64")) != rows or len(arrays["spaces"]) != rows:
        return "not a spaCy DocBin (token counts do not agree)"
    strings = msg.get("strings")
    if not isinstance(strings, list | tuple) or not all(isinstance(x, str) for x in strings):
        return "not a spaCy DocBin (bad 'strings')"
    if len(strings) > MAX_STRINGS:
        return f"{len(strings)} strings, more than the limit of {MAX_STRINGS}"
    for key, kind, required in (("cats", dict, True), ("flags", dict, False),
                                ("span_groups", bytes, False), ("user_data", bytes, False)):
        value = msg.get(key)
        if value is None and not required:
            continue
        if (not isinstance(value, list | tuple) or len(value) != docs
                or not all(isinstance(v, kind) or (v is None and key == "user_data") for v in value)):
            return f"not a spaCy DocBin (bad {key!r})"
    return None


def _plain(value: Any, where: str, depth: int = 0) -> Any:
    """msgpack's value as JSON-able lists and dicts (it gives tuples), or :class:`ValueError` saying why not.

    Keys must be strings and values JSON values (no bytes, no NaN), nested
    at most :data:`~tui.core.formats._interchange.MAX_JSON_DEPTH` deep.
    """
    if depth > MAX_JSON_DEPTH:
        raise ValueError(f"{where}: nested deeper than {MAX_JSON_DEPTH} levels")
    if isinstance(value, list | tuple):
        return [_plain(v, where, depth + 1) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise ValueError(f"{where}: keys must be strings")
        return {k: _plain(v, where, depth + 1) for k, v in value.items()}
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    raise ValueError(f"{where}: {type(value).__name__} is not a JSON value")


def _tui_data(sdoc: Any, n: int, problems: Problems) -> dict[str, Any] | None:
    """``user_data["tui"]`` of one spaCy document, checked field by field (``{}`` if there is none)."""
    raw = sdoc.user_data.get(SPAN_KEY)
    if raw is None:
        return {}
    where_ = f"document {n}: user_data[{SPAN_KEY!r}]"
    if not isinstance(raw, dict):
        problems.add(f"{where_} must be an object (got {short_repr(raw)})")
        return None
    try:
        data = _plain(raw, where_)
    except ValueError as exc:
        problems.add(str(exc))
        return None
    problem = json_problem(data)
    if problem:
        problems.add(f"{where_}: {problem}")
        return None
    before = len(problems.errors)
    field(data, "name", str, problems, None, where_, required=False)
    meta = field(data, "span_meta", dict, problems, None, where_, required=False, default={})
    for key, value in (meta or {}).items():
        if not isinstance(value, dict):
            problems.add(f"{where_}: span_meta[{short_repr(key)}] must be an object")
            continue
        for k in _META:
            field(value, k, str, problems, None, f"{where_}: span_meta[{short_repr(key)}]", required=False)
    for kind in ("unaligned_spans", *KINDS[1:]):
        items = field(data, kind, list, problems, None, where_, required=False, default=[])
        for n, item in enumerate(items or []):
            if not isinstance(item, dict):
                problems.add(f"{where_}: {kind}[{n}] must be an object")
            elif kind == "unaligned_spans":
                # Checked here, strictly: the JSONL reader it goes through converts with int().
                reason = fragments_problem(sdoc.text, item.get("fragments"))
                if reason:
                    problems.add(f"{where_}: {kind}[{n}]: {reason}")
    return data if len(problems.errors) == before else None


def _group_status(key: str) -> str:
    """The status of the spans in span group ``key``: rejected for rejected-suggestion groups."""
    for status, group in STATUS_GROUPS.items():
        if key == group:
            return status
    return "rejected" if key in REJECTED_GROUPS else "accepted"


def read_file(path: Path, stem: str, options: Any) -> list[tuple[Document, DocAnnotations]]:
    """Read one ``.spacy`` file.

    The file is bounded before spaCy reads it: its size, the size it expands
    to (counted, not expanded), and the counts in its header.

    Raises:
        InputErrors: not a DocBin, over a limit, or annotations that do not fit their text.
    """
    spacy = _spacy()
    import srsly
    from spacy.tokens import DocBin

    from tui.core.formats.jsonl import parse_line

    raw = read_input(path)
    inflated_size(raw, str(path))
    try:
        msg = srsly.msgpack_loads(zlib.decompress(raw))
    except Exception as exc:  # msgpack raises several kinds (ExtraData, StackError, ValueError...)
        raise InputError(f"not a spaCy DocBin ({type(exc).__name__}: {short_repr(str(exc))})",
                         path=str(path)) from None
    problem = header_problem(msg)
    if problem:
        raise InputError(problem, path=str(path))
    count = len(msg["lengths"]) // 4
    del msg
    try:
        bin_ = DocBin(store_user_data=True).from_bytes(raw)
        nlp = spacy.blank("xx")
        sdocs = bin_.get_docs(nlp.vocab)  # one spaCy Doc at a time
    except Exception as exc:  # spaCy raises many kinds (zlib, msgpack, ValueError)
        raise InputError(f"not a spaCy DocBin ({type(exc).__name__}: {short_repr(str(exc))})",
                         path=str(path)) from None
    problems = Problems(str(path))
    schema = schema_in_force(options)
    items = []
    for n in range(1, count + 1):
        try:
            sdoc = next(sdocs)
        except Exception as exc:  # a document spaCy cannot rebuild: bad hashes, heads, span groups
            problems.add(f"document {n}: spaCy cannot read it ({type(exc).__name__}: {short_repr(str(exc), 80)})")
            break  # the generator is finished after an exception
        data = _tui_data(sdoc, n, problems)
        if data is None:
            continue
        name = data.get("name") or numbered(stem, n, count)
        text = sdoc.text
        too_big = text_problem(text)
        if too_big:
            problems.add(f"document {n}: {too_big}")
            continue
        sha = sha256_text(text)
        # Spans: fragments grouped by span id; foreign files may have no id.
        frags: dict[str, list[tuple[int, int]]] = {}
        labels: dict[str, str] = {}
        groups = list(sdoc.spans.keys())
        if SPAN_KEY in groups:
            named = [SPAN_KEY, *(k for k in STATUS_GROUPS.values() if k in groups)]
        else:
            named = groups
        sources: list[tuple[Any, str]] = [(sdoc.spans[k], _group_status(k)) for k in named]
        if SPAN_KEY not in groups:
            sources.append((sdoc.ents, "accepted"))
        statuses: dict[str, str] = {}
        for source, status in sources:
            for sp in source:
                if not sp.label_ or sp.start_char >= sp.end_char:
                    problems.add(f"document {n}: span at characters {sp.start_char}-{sp.end_char} "
                                 f"{'is empty' if sp.label_ else 'has no label'}")
                    continue
                key = sp.id_ or stable_id(name, sha, "span", sp.start_char, sp.end_char, sp.label_)
                if key in labels and labels[key] != sp.label_:
                    problems.add(f"document {n}: span {key} has fragments with labels "
                                 f"{labels[key]!r} and {sp.label_!r}")
                    continue
                labels[key] = sp.label_
                statuses.setdefault(key, status)
                if (sp.start_char, sp.end_char) not in frags.setdefault(key, []):
                    frags[key].append((sp.start_char, sp.end_char))
        spans = []
        meta = data.get("span_meta") or {}
        for key, fr in frags.items():
            fields = {k: v for k, v in (meta.get(key) or {}).items() if k in _META and isinstance(v, str | None)}
            fields.setdefault("origin", "import")
            fields.setdefault("status", statuses[key])
            fields.setdefault("annotator", "")
            fr.sort()
            spans.append({"id": key, "label": labels[key], "fragments": [list(f) for f in fr],
                          "text": span_text(text, fr), **fields})
        # The other kinds (and unaligned spans) go through the JSONL validator:
        # one document line, so ids, references and span texts are all checked.
        line = {"name": name, "text": text, "spans": spans + list(data.get("unaligned_spans") or [])}
        for kind in KINDS[1:]:
            line[kind] = data.get(kind) or []
        errors: list[InputError] = []
        parsed = parse_line(json.dumps(line), str(path), n, errors)
        for err in errors:
            problems.add(f"document {n}: {err.reason}")
        if parsed is None:
            continue
        doc, anns = parsed
        doc.schema = options.schema
        if schema is not None:
            for s in anns.spans:
                if unknown_span_label(schema, s.label):
                    problems.add(f"document {n}: unknown type {s.label!r} (not in schema {schema.name})")
        items.append((doc, anns))
    if problems:
        raise InputErrors(problems.errors)
    if not items:
        raise InputError("no documents in this DocBin", path=str(path))
    return items


def read(paths: list[Path], options: Any) -> list[tuple[Document, DocAnnotations]]:
    """Registry entry: ``.spacy`` files or folders of them.

    Raises:
        InputErrors: every problem, each with file and document index.
    """
    from tui.core.formats.text import collect

    _spacy()
    items: list[tuple[Document, DocAnnotations]] = []
    errors: list[InputError] = []
    for f, name in collect(paths, SUFFIXES):
        try:
            items.extend(read_file(f, name, options))
        except InputErrors as exc:
            errors.extend(exc.errors)
        except InputError as exc:
            errors.append(exc)
    if errors:
        raise InputErrors(errors)
    return items
