"""spaCy ``.spacy`` DocBin out and in (spaCy is an optional dependency).

Export, per document:

- the text is tokenized by ``spacy.blank(lang)`` (``lang`` from
  ``options.extra["lang"]``, default ``xx``); ``doc.text`` is the document
  text exactly;
- ``doc.spans["tui"]`` holds every span that aligns strictly with spaCy's
  tokens; a discontinuous span is one ``Span`` per fragment, all with the
  annotation id as ``span.id_`` (so a re-import joins them again);
- ``doc.ents`` holds the non-overlapping layer chosen by
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
spans), ``doc.ents`` when no ``tui`` group exists, and the ``user_data``
written above; each problem names the file and the document index.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from tui.core.errors import InputError, InputErrors, TuiError
from tui.core.formats._interchange import (
    Problems,
    choose_layer,
    describe_span,
    schema_in_force,
    stable_id,
    unknown_span_label,
    where,
)
from tui.core.model import KINDS, DocAnnotations, Document
from tui.core.text import sha256_text, span_text

SUFFIXES = (".spacy",)
BINARY = True
SPAN_KEY = "tui"
INSTALL_HINT = "spaCy is not installed: pip install 'tui[spacy]'"
_META = ("source_id", "annotator", "origin", "status", "created", "modified")


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
        options: ``ExportOptions``; ``extra["lang"]`` picks the spaCy language.

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
    nlp = spacy.blank(options.extra.get("lang", "xx"))
    bin_ = DocBin(store_user_data=True)
    for doc in docs:
        anns = store.annotations(doc.id, annotators=options.layers, statuses=options.statuses)
        sdoc = nlp.make_doc(doc.text)
        group = []
        unaligned = []
        aligned_ids = set()
        for span in anns.spans:
            pieces = [sdoc.char_span(a, b, alignment_mode="strict") for a, b in span.fragments]
            if any(p is None for p in pieces):
                unaligned.append(span)
                report.add("spans not on spaCy token boundaries (kept in user_data only)",
                           where(doc, describe_span(span)))
                continue
            aligned_ids.add(span.id)
            for p in pieces:
                group.append(SpacySpan(sdoc, p.start, p.end, label=span.label, span_id=span.id))
        sdoc.spans[SPAN_KEY] = group
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


def _plain(value: Any) -> Any:
    """msgpack gives tuples back for lists: turn them into lists again."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def read_file(path: Path, stem: str, options: Any) -> list[tuple[Document, DocAnnotations]]:
    """Read one ``.spacy`` file.

    Raises:
        InputErrors: not a DocBin, or annotations that do not fit their text.
    """
    spacy = _spacy()
    from spacy.tokens import DocBin

    from tui.core.formats.jsonl import parse_line

    try:
        bin_ = DocBin(store_user_data=True).from_bytes(path.read_bytes())
        nlp = spacy.blank("xx")
        sdocs = list(bin_.get_docs(nlp.vocab))
    except Exception as exc:  # spaCy raises many kinds (zlib, msgpack, ValueError)
        raise InputError(f"not a spaCy DocBin ({type(exc).__name__}: {exc})", path=str(path)) from None
    problems = Problems(str(path))
    schema = schema_in_force(options)
    items = []
    for n, sdoc in enumerate(sdocs, start=1):
        data = _plain(sdoc.user_data.get(SPAN_KEY)) if isinstance(sdoc.user_data.get(SPAN_KEY), dict) else {}
        name = data.get("name") if isinstance(data.get("name"), str) and data.get("name") else (
            stem if len(sdocs) == 1 else f"{stem}-{n}")
        text = sdoc.text
        sha = sha256_text(text)
        # Spans: fragments grouped by span id; foreign files may have no id.
        frags: dict[str, list[tuple[int, int]]] = {}
        labels: dict[str, str] = {}
        groups = list(sdoc.spans.keys())
        sources = [sdoc.spans[SPAN_KEY]] if SPAN_KEY in groups else [sdoc.spans[k] for k in groups]
        if SPAN_KEY not in groups:
            sources.append(sdoc.ents)
        for source in sources:
            for sp in source:
                key = sp.id_ or stable_id(name, sha, "span", sp.start_char, sp.end_char, sp.label_)
                if key in labels and labels[key] != sp.label_:
                    problems.add(f"document {n}: span {key} has fragments with labels "
                                 f"{labels[key]!r} and {sp.label_!r}")
                    continue
                labels[key] = sp.label_
                if (sp.start_char, sp.end_char) not in frags.setdefault(key, []):
                    frags[key].append((sp.start_char, sp.end_char))
        spans = []
        meta = data.get("span_meta") if isinstance(data.get("span_meta"), dict) else {}
        for key, fr in frags.items():
            fields = {k: v for k, v in (meta.get(key) or {}).items() if k in _META and isinstance(v, str | None)}
            fields.setdefault("origin", "import")
            fields.setdefault("status", "accepted")
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
