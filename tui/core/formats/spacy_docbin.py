"""spaCy ``.spacy`` DocBin out and in (spaCy is an optional dependency).

Export, per document:

- the tokens are the document's own when it came from spaCy (kept in
  ``doc.meta["spacy"]``, see :mod:`tui.core.formats.spacy_tokens`, with their
  tags, lemmas, morphs, parse, sentence starts and ``cats``); otherwise the
  text is tokenized by ``spacy.blank(lang)`` (``lang`` from ``options.lang``,
  default ``xx``); ``doc.text`` is the document text exactly;
- a span that came from another tool's span group (or from ``doc.ents``
  of a DocBin tui did not write) goes back there, in its old order, while
  its status fits the group; every other accepted span that aligns strictly
  with spaCy's tokens is in ``doc.spans["tui"]`` (always, for a document tui
  wrote); a discontinuous span is one ``Span`` per fragment, all with the
  annotation id as ``span.id_`` (so a re-import joins them again); pending
  and rejected spans (``--status all``) go to the groups ``tui_pending`` and
  ``tui_rejected`` instead, never to ``doc.ents``;
- a span's first normalisation with resource ``kb`` is its ``kb_id``;
- ``doc.ents`` holds the kept ents, then the non-overlapping accepted layer
  chosen by :func:`~tui.core.formats._interchange.choose_layer` (longest
  first, then earliest); spans left out of it are reported;
- ``doc.user_data["tui"]`` holds, as JSON-able dicts with ids, the document
  name, each span's metadata, the spans that do not align with spaCy's
  tokens (reported: spaCy users will not see them) and every event,
  relation, equivalence, attribute, normalisation and note; other tools'
  ``user_data`` entries are written back beside it.

A DocBin is one compressed blob, so the exporter keeps spaCy's compact
per-document arrays (not the ``Doc`` objects) until the end and then writes
the bytes; memory grows with the token count, not with Python objects.

Import reads every span group (tui's groups' ids joined into discontinuous
spans; ``tui_pending`` and ``tui_rejected`` as those statuses, Prodigy's
``incorrect_spans`` as rejected), ``doc.ents`` when no ``tui`` group exists,
and the ``user_data`` written above; a ``kb_id`` becomes a ``kb``
normalisation; what tui has no column for goes to ``doc.meta["spacy"]``.
Each problem names the file and the document index.
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
from tui.core.formats.spacy_tokens import (
    KB_RESOURCE,
    META_KEY,
    build,
    capture,
    layer_problem,
    missing_spans,
    restore_user_data,
    user_data_pairs,
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
#: The loss line of a document whose kept spaCy layer cannot be written back.
LAYER_LOSS = ("spaCy tokens and token attributes kept in meta that do not fit the text "
              "(re-tokenized: tags, sentences, cats and span groups not written)")


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
        layer, sdoc = _layer_of(doc, report), None
        if layer:
            try:
                sdoc = build(nlp.vocab, doc.text, layer)
            except (ValueError, KeyError) as exc:  # a MORPH or POS value spaCy refuses
                report.add(LAYER_LOSS, where(doc, f"spaCy refuses it ({type(exc).__name__}: {short_repr(str(exc))})"))
                layer = None
        if sdoc is None:
            sdoc = nlp.make_doc(doc.text)
        kb = _kb_ids(doc, anns, report)
        pieces_of: dict[str, list[Any]] = {}
        unaligned = []
        for span in anns.spans:
            pieces = [sdoc.char_span(a, b, alignment_mode="strict") for a, b in span.fragments]
            if any(p is None for p in pieces):
                unaligned.append(span)
                report.add("spans not on spaCy token boundaries (kept in user_data only)",
                           where(doc, describe_span(span)))
            else:
                pieces_of[span.id] = pieces

        make = _span_maker(sdoc, pieces_of, kb)
        placed, recorded_ents = _recorded_places(sdoc, layer, anns.spans, pieces_of, make)
        foreign = layer is not None and "ents" in layer
        groups: dict[str, list[Any]] = {} if foreign else {SPAN_KEY: []}
        for span in anns.spans:
            if span.id not in pieces_of or (foreign and span.id in placed):
                continue
            group = groups.setdefault(STATUS_GROUPS.get(span.status, SPAN_KEY), [])
            for p in pieces_of[span.id]:
                group.append(SpacySpan(sdoc, p.start, p.end, label=span.label, span_id=span.id,
                                       kb_id=(kb.get(span.id) or [""])[0]))
        for key, group in groups.items():
            sdoc.spans[key] = group
        if set(groups) & set(STATUS_GROUPS.values()) and not status_noted:
            status_noted = True
            report.notes.append("pending and rejected spans are in the span groups "
                                + ", ".join(f"{k} ({v})" for v, k in STATUS_GROUPS.items())
                                + ", not in doc.spans['tui'] nor doc.ents")
        candidates = [s for s in anns.spans if s.id in pieces_of and s.status == "accepted"
                      and not (foreign and s.id in placed)]
        ents = _ents(doc, candidates, recorded_ents, report, make)
        taken = {i for e in ents for i in range(e.start, e.end)}
        sdoc.set_ents(ents, default="outside", missing=missing_spans(sdoc, layer, taken))
        if layer:
            restore_user_data(sdoc, layer.get("user_data"))
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


def _span_maker(sdoc: Any, pieces_of: dict[str, list[Any]], kb: dict[str, list[str]]) -> Any:
    """A function making the spaCy span of a one-piece tui span, with an ``id_`` and its first ``kb`` link."""
    from spacy.tokens import Span as SpacySpan

    def make(span: Any, span_id: str) -> Any:
        (p,) = pieces_of[span.id]
        return SpacySpan(sdoc, p.start, p.end, label=span.label, span_id=span_id,
                         kb_id=(kb.get(span.id) or [""])[0])

    return make


def _layer_of(doc: Document, report: Any) -> dict[str, Any] | None:
    """The spaCy layer kept in ``doc.meta`` if it still fits the text, else None (reported)."""
    layer = doc.meta.get(META_KEY) if isinstance(doc.meta, dict) else None
    if layer is None:
        return None
    problem = layer_problem(doc.text, layer)
    if problem:
        report.add(LAYER_LOSS, where(doc, problem))
        return None
    return dict(layer)


def _kb_ids(doc: Document, anns: DocAnnotations, report: Any) -> dict[str, list[str]]:
    """The ``kb`` normalisation keys of each annotation; a span gets the first as its ``kb_id``."""
    kb: dict[str, list[str]] = {}
    for norm in anns.normalizations:
        if norm.resource == KB_RESOURCE:
            kb.setdefault(norm.target, []).append(norm.key)
    for target, keys in kb.items():
        if len(keys) > 1:
            report.add(f"{KB_RESOURCE} links beyond a span's first (spaCy has one kb_id; kept in user_data)",
                       where(doc, f"{target}: " + ", ".join(keys[1:])))
    return kb


def _member(member: Any) -> tuple[str, str]:
    """A group member kept in the layer: ``source_id`` or ``[source_id, id_]``."""
    if isinstance(member, list) and len(member) == 2 and all(isinstance(m, str) for m in member):
        return member[0], member[1]
    return (member, "") if isinstance(member, str) else ("", "")


def _recorded_places(sdoc: Any, layer: dict[str, Any] | None, spans: list[Any],
                     pieces_of: dict[str, list[Any]], make: Any) -> tuple[set[str], list[tuple[Any, Any]]]:
    """Put spans back in the other tools' span groups they came from; returns the ids placed and the ents kept.

    A span goes back only while it is one piece on spaCy's tokens and its
    status is the group's (accepted, or rejected for ``incorrect_spans``);
    otherwise it goes where a new span would.
    """
    from spacy.tokens import SpanGroup

    if not layer:
        return set(), []
    by_ref = {s.source_id or s.id: s for s in spans if len(pieces_of.get(s.id, ())) == 1}
    placed: set[str] = set()
    for record in layer.get("groups") or []:
        name = record["name"]
        members = []
        for member in record.get("spans") or []:
            ref, span_id = _member(member)
            span = by_ref.get(ref)
            if span is not None and span.status == _group_status(name):
                members.append(make(span, span_id))
                placed.add(span.id)
        sdoc.spans[name] = SpanGroup(sdoc, name=name, attrs=record.get("attrs") or {}, spans=members)
    ents = []
    for member in layer.get("ents") or []:
        ref, span_id = _member(member)
        span = by_ref.get(ref)
        if span is not None and span.status == "accepted":
            ents.append((span, make(span, span_id)))
            placed.add(span.id)
    return placed, ents


def _ents(doc: Document, candidates: list[Any], recorded: list[tuple[Any, Any]],
          report: Any, make: Any) -> list[Any]:
    """``doc.ents``: the kept ents, then the longest-first layer of the other accepted spans that fit beside them.

    ``candidates`` are on spaCy's tokens; :func:`choose_layer` keeps only
    one-piece spans, so each has its spaCy span.
    """
    ents = [e for _, e in recorded]
    taken = {i for e in ents for i in range(e.start, e.end)}
    kept, dropped = choose_layer(candidates)
    for span in kept:
        ent = make(span, "")
        if taken.intersection(range(ent.start, ent.end)):
            dropped.append((span, "spans overlapping an entity kept from the DocBin"))
            continue
        ents.append(ent)
    for span, kind in dropped:
        report.add(f"{kind}: not in doc.ents (in doc.spans)", where(doc, describe_span(span)))
    return sorted(ents, key=lambda e: e.start)


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
    text = sdoc.text if data.get("unaligned_spans") else ""  # spaCy joins the tokens on every read
    for kind in ("unaligned_spans", *KINDS[1:]):
        items = field(data, kind, list, problems, None, where_, required=False, default=[])
        for n, item in enumerate(items or []):
            if not isinstance(item, dict):
                problems.add(f"{where_}: {kind}[{n}] must be an object")
            elif kind == "unaligned_spans":
                # Checked here, strictly: the JSONL reader it goes through converts with int().
                reason = fragments_problem(text, item.get("fragments"))
                if reason:
                    problems.add(f"{where_}: {kind}[{n}]: {reason}")
    return data if len(problems.errors) == before else None


def _group_status(key: str) -> str:
    """The status of the spans in span group ``key``: rejected for rejected-suggestion groups."""
    for status, group in STATUS_GROUPS.items():
        if key == group:
            return status
    return "rejected" if key in REJECTED_GROUPS else "accepted"


#: tui's own span groups: their spans' ``id_`` is the tui id (fragments of
#: one discontinuous span share it). Another tool's ``id_`` (an entity
#: ruler's pattern id, say) names no span, so it is kept, not joined on.
TUI_GROUPS = (SPAN_KEY, *STATUS_GROUPS.values())


def _read_spans(sdoc: Any, n: int, name: str, sha: str, data: dict[str, Any], layer: dict[str, Any],
                problems: Problems, notes: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The tui spans of one spaCy document, and a ``kb`` normalisation per ``kb_id``.

    Every span group is read (tui's groups first, joined by ``id_``), and
    ``doc.ents`` when there is no ``tui`` group. A span in several places is
    one tui span; where it was (other tools' groups in order, with their
    attributes, and ``doc.ents`` of a DocBin tui did not write) goes in
    ``layer`` under its source id, for the exporter.
    """
    groups = sorted(sdoc.spans.keys(), key=lambda g: g not in TUI_GROUPS)
    foreign_doc = SPAN_KEY not in groups
    meta = data.get("span_meta") or {}
    frags: dict[str, list[tuple[int, int]]] = {}
    labels: dict[str, str] = {}
    statuses: dict[str, str] = {}
    kb_ids: dict[str, list[str]] = {}
    by_place: dict[tuple[int, int, str], str] = {}
    records: list[dict[str, Any]] = []
    sources: list[tuple[str | None, Any]] = [(g, sdoc.spans[g]) for g in groups]
    if foreign_doc:
        sources.append((None, sdoc.ents))

    def ref(key: str) -> str:
        return (meta.get(key) or {}).get("source_id") or key

    for group, source in sources:
        ours = group in TUI_GROUPS
        if not ours and not by_place:
            by_place = {(fr[0][0], fr[0][1], labels[k]): k for k, fr in frags.items() if len(fr) == 1}
        members: list[Any] = []
        for sp in source:
            if not sp.label_ or sp.start_char >= sp.end_char:
                problems.add(f"document {n}: span at characters {sp.start_char}-{sp.end_char} "
                             f"{'is empty' if sp.label_ else 'has no label'}")
                continue
            place = (sp.start_char, sp.end_char, sp.label_)
            if ours:
                key = sp.id_ or stable_id(name, sha, "span", *place)
            else:
                key = by_place.get(place) or stable_id(name, sha, "span", *place)
                members.append([ref(key), sp.id_] if sp.id_ else ref(key))
            if key in labels and labels[key] != sp.label_:
                problems.add(f"document {n}: span {key} has fragments with labels "
                             f"{labels[key]!r} and {sp.label_!r}")
                continue
            labels[key] = sp.label_
            statuses.setdefault(key, _group_status(group) if group else "accepted")
            if sp.kb_id_ and sp.kb_id_ not in kb_ids.setdefault(key, []):
                kb_ids[key].append(sp.kb_id_)
            if (sp.start_char, sp.end_char) not in frags.setdefault(key, []):
                frags[key].append((sp.start_char, sp.end_char))
        if group is None:
            layer["ents"] = members
        elif not ours:
            attrs = sdoc.spans[group].attrs
            try:
                attrs = _plain(dict(attrs), f"document {n}: span group {short_repr(group)} attributes")
            except ValueError as exc:
                notes.append(f"{exc}: not kept")
                attrs = {}
            records.append({"name": group, "attrs": attrs, "spans": members})
    if records:
        layer["groups"] = records
    spans = []
    text = sdoc.text  # spaCy joins the tokens on every read
    for key, fr in frags.items():
        fields = {k: v for k, v in (meta.get(key) or {}).items() if k in _META and isinstance(v, str | None)}
        fields.setdefault("origin", "import")
        fields.setdefault("status", statuses[key])
        fields.setdefault("annotator", "")
        if key not in meta:
            fields["source_id"] = key  # the exporter finds the span's place in ``layer`` by it
        fr.sort()
        spans.append({"id": key, "label": labels[key], "fragments": [list(f) for f in fr],
                      "text": span_text(text, fr), **fields})
    have = {(x.get("target"), x.get("resource"), x.get("key"))
            for x in data.get("normalizations") or [] if isinstance(x, dict)}
    norms = [{"id": stable_id(name, sha, "norm", key, kb), "source_id": stable_id(name, sha, "norm", key, kb),
              "target": key, "resource": KB_RESOURCE, "key": kb, "origin": "import", "annotator": "",
              "status": statuses[key]}
             for key, kbs in kb_ids.items() for kb in kbs if (key, KB_RESOURCE, kb) not in have]
    return spans, norms


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
        layer = capture(sdoc)
        notes: list[str] = []
        spans, norms = _read_spans(sdoc, n, name, sha, data, layer, problems, notes)
        options.notes.extend(f"{path}: {note}" for note in notes)
        pairs, left = user_data_pairs(sdoc.user_data, SPAN_KEY)
        kept = []
        for key, value in pairs:
            try:
                kept.append([key, _plain(value, f"document {n}: user_data")])
            except ValueError:
                left.append(short_repr(key))
        if left:
            options.notes.append(f"{path}: document {n}: user_data entries not kept (not JSON): "
                                 + ", ".join(left[:5]))
        if kept:
            layer["user_data"] = kept
        # The other kinds (and unaligned spans) go through the JSONL validator:
        # one document line, so ids, references and span texts are all checked.
        line: dict[str, Any] = {"name": name, "text": text, "meta": {META_KEY: layer},
                "spans": spans + list(data.get("unaligned_spans") or [])}
        for kind in KINDS[1:]:
            line[kind] = data.get(kind) or []
        line["normalizations"] = line["normalizations"] + norms
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
