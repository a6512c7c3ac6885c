"""What the CoNLL family shares: tags, repairs, document building, spans to tags.

Used by :mod:`~tui.core.formats.conll` (CoNLL / BIO), :mod:`~tui.core.formats.conllu`
(CoNLL-U) and :mod:`~tui.core.formats.conll_layout` (the imported file's own
token and sentence layout, written back on export).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from tui.core.errors import InputError, InputErrors
from tui.core.formats._interchange import (
    Problems,
    choose_layer,
    describe_span,
    numbered,
    report_kinds,
    schema_in_force,
    stable_id,
    text_problem,
    unknown_span_label,
    where,
)
from tui.core.model import DocAnnotations, Document, Span
from tui.core.text.offsets import sha256_text

DOCSTART = "-DOCSTART- -X- O O"
_TAG = re.compile(r"^(?:O|[BIESLU]-\S+)$")
#: At most this many line numbers are listed in one repair note.
_MAX_LINES = 10
#: The key of :attr:`Document.meta` holding an imported file's layout.
META_KEY = "conll"
#: A document name taken from ``# newdoc id``: printable, at most this long.
MAX_NAME = 200

#: One tag state per token: the IOB2 tag and whether the entity ends at this token.
TagState = tuple[str, bool]


def is_tag(field: str) -> bool:
    return bool(_TAG.match(field))


def clean_label(label: str, case: str | None) -> str:
    label = label.upper() if case == "upper" else label
    # A tag is one column: whitespace inside a label would split it.
    return "_".join(label.split()) or "_"


class Repairs:
    """Line numbers of each kind of repair, turned into notes at the end."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lines: dict[str, list[int]] = {}

    def add(self, what: str, line: int) -> None:
        self.lines.setdefault(what, []).append(line)

    def notes(self) -> list[str]:
        out = []
        for what, lines in self.lines.items():
            shown = ", ".join(map(str, lines[:_MAX_LINES]))
            more = f" and {len(lines) - _MAX_LINES} more" if len(lines) > _MAX_LINES else ""
            out.append(f"{self.path}: {len(lines)} {what} (line {shown}{more})")
        return out


class Builder:
    """Accumulates one document's text, tokens and spans as lines arrive.

    ``first_line`` is the index (0-based) of the file line the document's part
    of the file starts at; ``tokens`` the ``(start, end)`` of each token,
    ``tok_lines`` the line index of each, ``sent_starts`` the index of each
    sentence's first token, ``tags`` the tag each token had in the file.
    """

    def __init__(self, first_line: int = 0) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[tuple[str, int, int, int]] = []  # label, start, end, line
        self.sentences = 0
        self.first_line = first_line
        self.tokens: list[tuple[int, int]] = []
        self.tok_lines: list[int] = []
        self.sent_starts: list[int] = []
        self.name: str | None = None

    def sep(self, s: str) -> None:
        self.parts.append(s)
        self.length += len(s)

    def token(self, form: str, line: int = 0) -> tuple[int, int]:
        start = self.length
        self.parts.append(form)
        self.length += len(form)
        self.tokens.append((start, self.length))
        self.tok_lines.append(line)
        return start, self.length

    def text(self) -> str:
        return "".join(self.parts)


def decode_bio(tagged: list[tuple[int, int, str, int]], builder: Builder, repairs: Repairs,
               counts: dict[str, int]) -> None:
    """Turn ``(start, end, tag, line)`` tokens of one sentence into spans (IOB2, repaired)."""
    open_span: list[Any] | None = None  # [label, start, end, line]

    def close() -> None:
        nonlocal open_span
        if open_span is not None:
            label, start, end, line = open_span
            builder.spans.append((label, start, end, line))
            open_span = None

    for start, end, tag, line in tagged:
        if tag == "O":
            close()
            continue
        prefix, label = tag[0], tag[2:]
        counts[prefix] = counts.get(prefix, 0) + 1
        if prefix in "IEL" and open_span is not None and open_span[0] == label:
            open_span[2] = end
            if prefix in "EL":
                close()
            continue
        close()
        if prefix in "IEL":
            repairs.add(f"{prefix}- tag(s) without a B- of the same type before them, read as B-", line)
        open_span = [label, start, end, line]
        if prefix in "SUEL":
            close()
    close()


def tag_states(count: int, ranges: list[tuple[int, int, str]]) -> list[TagState]:
    """IOB2 tag and "ends here" per token for non-overlapping ``(first, last, label)`` token ranges."""
    states: list[TagState] = [("O", False)] * count
    for first, last, label in ranges:
        states[first] = (f"B-{label}", first == last)
        for k in range(first + 1, last + 1):
            states[k] = (f"I-{label}", k == last)
    return states


def case_note(path: Any, docs: list[Builder], options: Any) -> None:
    """Say when labels differ only in case (``PER`` and ``PEr``): kept as they are."""
    seen: dict[str, set[str]] = {}
    for b in docs:
        for label, *_ in b.spans:
            seen.setdefault(label.casefold(), set()).add(label)
    for variants in seen.values():
        if len(variants) > 1:
            options.notes.append(
                f"{path}: labels {', '.join(sorted(variants))} differ only in case (kept as they are)"
            )


def doc_names(path: Any, stem: str, kept: list[Builder], options: Any) -> list[str]:
    """``# newdoc id`` names when every kept document has a distinct one, else ``<stem>-<n>``.

    Exports follow name order: ids that do not sort in the file's order would
    reorder the documents, so then the documents are numbered (the ids stay in
    the kept lines) and a note says so.
    """
    names = [b.name for b in kept]
    if names and all(names) and len(set(names)) == len(names):
        if names == sorted(names):  # type: ignore[type-var]
            return [str(n) for n in names]
        options.notes.append(f"{path}: # newdoc id values are not in name order, which exports follow: "
                             f"documents named {stem}-<n> instead (the ids are kept in the file's lines)")
    return [numbered(stem, n, len(kept)) for n in range(1, len(kept) + 1)]


def good_name(value: str) -> str | None:
    """A ``# newdoc id`` usable as a document name, or None."""
    value = value.strip()
    if not value or len(value) > MAX_NAME or not value.isprintable() or "/" in value or "\\" in value:
        return None
    return value


def finish(path: Any, stem: str, docs: Sequence[Builder], options: Any,
           extra: list[DocAnnotations] | None = None,
           layouts: list[dict[str, Any]] | None = None) -> list[tuple[Document, DocAnnotations]]:
    """Validate labels against a schema in force and build the documents.

    ``layouts`` (one per builder) become each document's ``meta["conll"]``, with
    the text's sha256 added so an exporter knows whether the text is unchanged.
    """
    schema = schema_in_force(options)
    problems = Problems(str(path))
    kept = [(k, b) for k, b in enumerate(docs) if b.tokens]
    names = doc_names(path, stem, [b for _, b in kept], options)
    items = []
    for n, (k, b) in enumerate(kept, start=1):
        name = names[n - 1]
        text = b.text()
        too_big = text_problem(text)
        if too_big:
            problems.add(f"document {n}: {too_big}")
            continue
        sha = sha256_text(text)
        anns = extra[k] if extra is not None else DocAnnotations()
        by_key = {}
        for label, start, end, line in b.spans:
            if schema is not None and unknown_span_label(schema, label):
                problems.add(f"unknown type {label!r} (not in schema {schema.name})", line)
                continue
            span = Span(
                id=stable_id(name, sha, "span", start, end, label), label=label,
                fragments=[(start, end)], text=text[start:end], origin="import", status="accepted",
            )
            if span.id in by_key:
                continue  # the same mention twice (CorefUD entity and BIO tag) is one span
            by_key[span.id] = span
            anns.spans.append(span)
        meta: dict[str, Any] = {}
        if layouts is not None:
            meta[META_KEY] = dict(layouts[k], sha256=sha)
        items.append((Document(name=name, text=text, schema=options.schema, meta=meta), anns))
    if problems:
        raise InputErrors(problems.errors)
    if not kept:
        raise InputError("no tokens found", path=str(path))
    return items


def chunks(lines: list[str], docs: Sequence[Builder]) -> list[list[str]]:
    """Each builder's part of the file's lines (a part without tokens joins its neighbour).

    Builders start a new part at their ``first_line``; the parts cover every line
    once, in order, so writing them one after another gives the file back.
    """
    kept = [b for b in docs if b.tokens]
    starts = [b.first_line for b in kept]
    if starts:
        starts[0] = 0
    out = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        out.append(lines[start:end])
    return out


def layouts_for(lines: list[str], docs: Sequence[Builder], fmt: str, bom: bool,
                extra: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """One ``meta["conll"]`` per builder (empty ones for builders without tokens).

    ``lines`` are the file's lines as split at ``\\n`` (a ``\\r`` kept); the last
    part records whether the file ended with a newline.
    """
    parts = chunks(lines, docs)
    out: list[dict[str, Any]] = []
    k = 0
    for b in docs:
        if not b.tokens:
            out.append({})
            continue
        part = list(parts[k])
        layout: dict[str, Any] = {"version": 1, "format": fmt}
        if k == len(parts) - 1:
            if part and part[-1] == "":
                part.pop()
            else:
                layout["final_newline"] = False
        if k == 0 and bom:
            layout["bom"] = True
        layout["lines"] = part
        layout.update(extra or {})
        out.append(layout)
        k += 1
    return out


def span_losses(doc: Document, anns: DocAnnotations, report: Any) -> list[Span]:
    """The non-overlapping layer BIO can hold; every other span and annotation is a loss line."""
    kept, dropped = choose_layer(anns.spans)
    for span, kind in dropped:
        report.add(kind, where(doc, describe_span(span)))
    report_kinds(report, doc, anns, ("events", "relations", "equivalences", "attributes",
                                     "normalizations", "notes"))
    return kept


def label_losses(doc: Document, span: Span, report: Any, label_case: str | None) -> str:
    """The label as a tag writes it; a status or a changed label is a loss line."""
    if span.status != "accepted":
        # BIO has no column for it: the tag reads as gold to every CoNLL reader.
        report.add("statuses (pending or rejected spans written as entities: CoNLL has no status column; "
                   "--status accepted leaves them out)", where(doc, f"{describe_span(span)} {span.status}"))
    label = clean_label(span.label, label_case)
    if label != span.label and label_case is None:
        report.add("labels changed (whitespace replaced by _)", where(doc, describe_span(span)))
    return label


# ---------------------------------------------------------------------------
# BIO lines (read on import, and again on export from the kept lines)


def columns_of(lines: list[str]) -> int:
    """The column layout: the most common field count (2 for ``TOKEN TAG``, 4 for CoNLL-2003)."""
    widths: dict[int, int] = {}
    for raw in lines[:2000]:
        fields = raw.split()
        if fields and fields[0] != "-DOCSTART-" and not raw.startswith("#"):
            widths[len(fields)] = widths.get(len(fields), 0) + 1
    return max(widths, key=lambda w: (widths[w], -w)) if widths else 2


def parse_bio(lines: list[str], columns: int, repairs: Repairs, counts: dict[str, int]) -> list[Builder]:
    """Read BIO lines into documents (tokens, their lines, sentences, spans); repairs are recorded."""
    docs: list[Builder] = [Builder()]
    sentence: list[tuple[str, str, int]] = []

    def flush() -> None:
        if not sentence:
            return
        b = docs[-1]
        if b.tokens:
            b.sep("\n")
        b.sent_starts.append(len(b.tokens))
        tagged = []
        for k, (form, tag, line) in enumerate(sentence):
            if k:
                b.sep(" ")
            start, end = b.token(form, line - 1)
            tagged.append((start, end, tag, line))
        b.sentences += 1
        decode_bio(tagged, b, repairs, counts)
        sentence.clear()

    for lineno, raw in enumerate(lines, start=1):
        fields = raw.split()
        if not fields:
            flush()
            continue
        if fields[0] == "-DOCSTART-":
            flush()
            if docs[-1].tokens:
                docs.append(Builder(lineno - 1))
            continue
        if raw.startswith("#") and not (len(fields) == 2 and is_tag(fields[1])):
            repairs.add("comment or metadata line(s) skipped", lineno)
            continue
        if len(fields) == 1:
            form, tag = fields[0], "O"
            repairs.add("line(s) without a tag, read as O", lineno)
        elif not is_tag(fields[-1]):
            form, tag = " ".join(fields), "O"
            repairs.add("line(s) whose last field is not a tag, read as one token tagged O", lineno)
        elif columns == 2:
            form, tag = " ".join(fields[:-1]), fields[-1]
            if len(fields) > 2:
                repairs.add("line(s) with extra fields, read as one token with spaces", lineno)
        else:
            form, tag = fields[0], fields[-1]
        sentence.append((form, tag, lineno))
    flush()
    return docs
