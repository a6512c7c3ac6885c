"""CoNLL / BIO (IOB2) in and out, and CoNLL-U in.

Export writes one ``TOKEN TAG`` line per token, a blank line after each
sentence, and ``-DOCSTART- -X- O O`` before each document (the exact line
spaCy's converter and the CoNLL-2003 tools split on). Tokens come from
:mod:`tui.core.text.tokenize` with a forced boundary at every exported
span boundary, so each span covers whole tokens and every token is an exact
substring of the document text. BIO cannot express overlapping, nested or
discontinuous spans: the exporter keeps the non-overlapping layer chosen by
:func:`~tui.core.formats._interchange.choose_layer` (longest first, then
earliest) and reports every span it leaves out, and every annotation of
another kind.

Import reads ``TOKEN ... TAG`` lines (the tag is the last column) and
rebuilds a text: tokens joined by one space, sentences by a newline,
documents split at ``-DOCSTART-`` and named ``<file stem>`` (one document)
or ``<stem>-<n>``. It repairs what real files get wrong and says so in the
import notes: ``I-`` without a ``B-`` (read as ``B-``, which also converts
IOB1), BIOES/BILOU prefixes, lines without a tag or with extra fields, and
metadata comment lines. CoNLL-U files (10 tab-separated columns) are read
too: text rebuilt from FORM and ``SpaceAfter=No``, entities from BIO tags in
MISC (``name=B-PER``, ``NE=``, ``NER=``) or from CorefUD ``Entity=``
brackets (nested mentions, with ``Coref`` equivalences per entity id).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote

from tui.core.errors import InputError, InputErrors
from tui.core.formats._interchange import (
    Problems,
    choose_layer,
    describe_span,
    numbered,
    read_input,
    report_kinds,
    schema_in_force,
    stable_id,
    text_problem,
    unknown_span_label,
    where,
)
from tui.core.model import DocAnnotations, Document, Equivalence, Normalization, Span
from tui.core.text.offsets import decode_utf8, sha256_text
from tui.core.text.tokenize import sentences, tokenize

SUFFIXES = (".conll", ".conllu", ".bio", ".iob", ".iob2", ".bioes", ".conll03")
DOCSTART = "-DOCSTART- -X- O O"
_TAG = re.compile(r"^(?:O|[BIESLU]-\S+)$")
#: A CoNLL-U id: ASCII digits only (``\d`` would take Arabic-Indic digits) and
#: at most 9 of them, so ``int()`` never meets a number of thousands of digits.
_CONLLU_ID = re.compile(r"^[0-9]{1,9}(?:[-.][0-9]{1,9})?$")
#: MISC keys holding BIO tags in CoNLL-U files (NorNE uses ``name``).
_MISC_NER_KEYS = ("name", "NE", "NER", "ner")
#: At most this many line numbers are listed in one repair note.
_MAX_LINES = 10


def sniff(path: Path) -> bool:
    """Registry hook: any file with a CoNLL suffix is taken as CoNLL."""
    return True


# ---------------------------------------------------------------------------
# export


def _clean_label(label: str, case: str | None) -> str:
    label = label.upper() if case == "upper" else label
    # A tag is one column: whitespace inside a label would split it.
    return "_".join(label.split()) or "_"


def export(store: Any, docs: Iterable[Document], out: IO[str], options: Any) -> Any:
    """Write documents as IOB2 CoNLL, one document at a time.

    Args:
        store: the store to read annotations from.
        docs: the documents to write.
        out: a text file object.
        options: ``ExportOptions`` (layers, statuses, label_case).

    Returns:
        The ``LossReport``: spans left out (discontinuous, overlapping,
        whitespace only), spans trimmed to tokens, changed labels, and every
        annotation of a kind BIO cannot hold.
    """
    from tui.core.formats import LossReport

    report = LossReport()
    for doc in docs:
        anns = store.annotations(doc.id, annotators=options.layers, statuses=options.statuses)
        write_document(doc, anns, out, report, label_case=options.label_case)
        report.documents += 1
    if report.documents:
        report.notes.append(
            "CoNLL keeps tokens, not the text: a re-import joins tokens with spaces and "
            "names documents <file>-<n>"
        )
    return report


def write_document(doc: Document, anns: DocAnnotations, out: IO[str], report: Any,
                   label_case: str | None = None) -> None:
    """Write one document (with its ``-DOCSTART-`` line) and record its losses."""
    text = doc.text
    kept, dropped = choose_layer(anns.spans)
    for span, kind in dropped:
        report.add(kind, where(doc, describe_span(span)))
    report_kinds(report, doc, anns, ("events", "relations", "equivalences", "attributes",
                                     "normalizations", "notes"))
    splits = set()
    for span in kept:
        splits.add(span.start)
        splits.add(span.end)
    tokens = tokenize(text, splits)
    tags = ["O"] * len(tokens)
    starts = {tok[0]: k for k, tok in enumerate(tokens)}
    ranges = []
    for span in kept:
        inside = _tokens_in(tokens, starts, span.start, span.end)
        if not inside:
            report.add("spans with no token (whitespace only)", where(doc, describe_span(span)))
            continue
        first, last = inside
        if span.status != "accepted":
            # BIO has no column for it: the tag reads as gold to every CoNLL reader.
            report.add("statuses (pending or rejected spans written as entities: CoNLL has no status column; "
                       "--status accepted leaves them out)", where(doc, f"{describe_span(span)} {span.status}"))
        if tokens[first][0] != span.start or tokens[last][1] != span.end:
            report.add("spans trimmed to their tokens (whitespace at an edge)", where(doc, describe_span(span)))
        label = _clean_label(span.label, label_case)
        if label != span.label and label_case is None:
            report.add("labels changed (whitespace replaced by _)", where(doc, describe_span(span)))
        tags[first] = f"B-{label}"
        for k in range(first + 1, last + 1):
            tags[k] = f"I-{label}"
        ranges.append((tokens[first][0], tokens[last][1]))
    if not tokens:
        report.add("documents without tokens (a re-import skips them)", doc.name)
    for a, b in tokens:
        if text[a:b] == "-DOCSTART-":
            report.add("tokens -DOCSTART- (a re-import starts a new document there)", where(doc, str(a)))
    index = {tok: k for k, tok in enumerate(tokens)}
    out.write(DOCSTART + "\n\n")
    for sentence in sentences(text, tokens, ranges):
        out.write("".join(f"{text[a:b]} {tags[index[(a, b)]]}\n" for a, b in sentence))
        out.write("\n")


def _tokens_in(tokens: list[tuple[int, int]], starts: dict[int, int], start: int, end: int) -> tuple[int, int] | None:
    """Index of the first and last token inside ``[start, end)``, or None."""
    from bisect import bisect_left

    k = starts.get(start)
    if k is None:
        k = bisect_left(tokens, (start, -1))
    if k >= len(tokens) or tokens[k][1] > end:
        return None
    last = k
    while last + 1 < len(tokens) and tokens[last + 1][1] <= end:
        last += 1
    return k, last


# ---------------------------------------------------------------------------
# import


class _Repairs:
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


class _Builder:
    """Accumulates one document's text and spans as tokens arrive."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[tuple[str, int, int, int]] = []  # label, start, end, line
        self.sentences = 0
        self.tokens = 0

    def sep(self, s: str) -> None:
        self.parts.append(s)
        self.length += len(s)

    def token(self, form: str) -> tuple[int, int]:
        start = self.length
        self.parts.append(form)
        self.length += len(form)
        self.tokens += 1
        return start, self.length

    def text(self) -> str:
        return "".join(self.parts)


def _decode_bio(tagged: list[tuple[int, int, str, int]], builder: _Builder, repairs: _Repairs,
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


def _is_tag(field: str) -> bool:
    return bool(_TAG.match(field))


def _read_bio(path: Path, lines: list[str], stem: str, options: Any) -> list[tuple[Document, DocAnnotations]]:
    repairs = _Repairs(str(path))
    # The column layout is the most common field count: 2 for ``TOKEN TAG``
    # files (a token may then contain spaces), 4 for CoNLL-2003 and so on.
    widths: dict[int, int] = {}
    for raw in lines[:2000]:
        fields = raw.split()
        if fields and fields[0] != "-DOCSTART-" and not raw.startswith("#"):
            widths[len(fields)] = widths.get(len(fields), 0) + 1
    columns = max(widths, key=lambda w: (widths[w], -w)) if widths else 2
    docs: list[_Builder] = [_Builder()]
    sentence: list[tuple[str, str, int]] = []
    counts: dict[str, int] = {}

    def flush() -> None:
        if not sentence:
            return
        b = docs[-1]
        if b.tokens:
            b.sep("\n")
        tagged = []
        for k, (form, tag, line) in enumerate(sentence):
            if k:
                b.sep(" ")
            start, end = b.token(form)
            tagged.append((start, end, tag, line))
        b.sentences += 1
        _decode_bio(tagged, b, repairs, counts)
        sentence.clear()

    for lineno, raw in enumerate(lines, start=1):
        fields = raw.split()
        if not fields:
            flush()
            continue
        if fields[0] == "-DOCSTART-":
            flush()
            if docs[-1].tokens:
                docs.append(_Builder())
            continue
        if raw.startswith("#") and not (len(fields) == 2 and _is_tag(fields[1])):
            repairs.add("comment or metadata line(s) skipped", lineno)
            continue
        if len(fields) == 1:
            form, tag = fields[0], "O"
            repairs.add("line(s) without a tag, read as O", lineno)
        elif not _is_tag(fields[-1]):
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
    if counts.get("I") and not counts.get("B"):
        repairs.lines = {k: v for k, v in repairs.lines.items() if not k.startswith("I- tag")}
        options.notes.append(f"{path}: IOB1 tagging (I- tags, no B-): converted to IOB2")
    _case_note(path, docs, options)
    options.notes.extend(repairs.notes())
    return _finish(path, stem, docs, options)


def _case_note(path: Path, docs: list[_Builder], options: Any) -> None:
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


def _finish(path: Path, stem: str, docs: list[_Builder], options: Any,
            extra: list[DocAnnotations] | None = None) -> list[tuple[Document, DocAnnotations]]:
    """Validate labels against a schema in force and build the documents."""
    schema = schema_in_force(options)
    problems = Problems(str(path))
    kept = [(k, b) for k, b in enumerate(docs) if b.tokens]
    items = []
    for n, (k, b) in enumerate(kept, start=1):
        name = numbered(stem, n, len(kept))
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
        items.append((Document(name=name, text=text, schema=options.schema), anns))
    if problems:
        raise InputErrors(problems.errors)
    if not kept:
        raise InputError("no tokens found", path=str(path))
    return items


def _parse_misc(misc: str) -> dict[str, str]:
    out: dict[str, str] = {}
    if misc == "_":
        return out
    for item in misc.split("|"):
        key, _, value = item.partition("=")
        out[key] = value
    return out


_ENTITY_PART = re.compile(r"\(([^()]*)(\))?|([^()]+)\)")


def _read_conllu(path: Path, lines: list[str], stem: str, options: Any) -> list[tuple[Document, DocAnnotations]]:
    problems = Problems(str(path))
    repairs = _Repairs(str(path))
    docs: list[_Builder] = [_Builder()]
    entity_fields = ["GRP", "etype"]
    # One sentence: tokens as [form, space_after, [(misc dict, line)], line].
    sentence: list[list[Any]] = []
    newpar = False
    # An open multiword token: [next word id expected, last word id, token, its line].
    open_range: list[Any] | None = None

    def range_unfinished() -> None:
        """The multiword token still open lacks words: say so once, at its line."""
        nonlocal open_range
        if open_range is not None:
            want, last, _token, line = open_range
            problems.add(f"multiword token {open_range[2][0]!r}: words {want} to {last} never come", line)
            open_range = None
    state: dict[str, Any] = {"open": {}, "mentions": [], "ner": False}
    per_doc_entities: list[list[tuple[str, int, int, str, str, int]]] = [[]]

    def flush() -> None:
        nonlocal newpar
        if not sentence:
            return
        b = docs[-1]
        if b.tokens:
            b.sep("\n\n" if newpar else "\n")
        newpar = False
        tagged = []
        for k, (form, space_after, words, token_line) in enumerate(sentence):
            start, end = b.token(form)
            if space_after and k + 1 < len(sentence):
                b.sep(" ")
            tag = "O"
            for misc, line in words:
                for key in _MISC_NER_KEYS:
                    value = misc.get(key)
                    if value and _is_tag(value):
                        state["ner"] = True
                        if tag == "O":
                            tag = value
                if "Entity" in misc:
                    _entities(misc["Entity"], start, end, line)
            tagged.append((start, end, tag, token_line))
        _decode_bio(tagged, b, repairs, {})
        b.sentences += 1
        sentence.clear()

    def _entities(value: str, start: int, end: int, line: int) -> None:
        opened: dict[str, list[Any]] = state["open"]
        for m in _ENTITY_PART.finditer(value):
            if m.group(1) is not None:
                attrs = m.group(1).split("-", len(entity_fields) - 1)
                eid = attrs[0]
                etype = attrs[entity_fields.index("etype")] if "etype" in entity_fields and len(attrs) > entity_fields.index("etype") else "entity"
                identity = attrs[entity_fields.index("identity")] if "identity" in entity_fields and len(attrs) > entity_fields.index("identity") else ""
                if not eid or not etype.strip():
                    problems.add(f"Entity: mention ({m.group(1)} has an empty entity id or type", line)
                    continue
                mention = [eid, start, end, etype, identity, line]
                if m.group(2):
                    state["mentions"].append(tuple(mention))
                else:
                    opened.setdefault(eid, []).append(mention)
            else:
                eid = m.group(3)
                stack = opened.get(eid)
                if not stack:
                    problems.add(f"Entity: {eid}) closes a mention that was never opened", line)
                    continue
                mention = stack.pop()
                mention[2] = end
                state["mentions"].append(tuple(mention))

    def end_doc() -> None:
        flush()
        for eid, stack in state["open"].items():
            for mention in stack:
                problems.add(f"Entity: mention ({eid} is never closed", mention[5])
        state["open"] = {}
        per_doc_entities[-1].extend(state["mentions"])
        state["mentions"] = []

    for lineno, raw in enumerate(lines, start=1):
        if not raw.strip():
            range_unfinished()
            flush()
            continue
        if raw.startswith("#"):
            key, _, value = raw[1:].partition("=")
            key = key.strip()
            if key.startswith("newdoc"):
                range_unfinished()
                end_doc()
                if docs[-1].tokens:
                    docs.append(_Builder())
                    per_doc_entities.append([])
            elif key.startswith("newpar"):
                newpar = True
            elif key == "global.Entity":
                entity_fields = value.strip().split("-")
            continue
        cols = raw.split("\t")
        if len(cols) != 10:
            problems.add(f"expected 10 tab-separated columns (CoNLL-U), found {len(cols)}", lineno)
            continue
        ident, form, misc = cols[0], cols[1], _parse_misc(cols[9])
        if not _CONLLU_ID.match(ident):
            problems.add(f"bad token id {ident!r}", lineno)
            continue
        if "." in ident:
            continue  # empty nodes have no surface form
        if not form:
            problems.add("empty FORM (CoNLL-U writes _ for a missing form)", lineno)
            continue
        if "-" in ident:
            range_unfinished()
            first, last = (int(x) for x in ident.split("-"))
            if first > last:
                problems.add(f"bad multiword token id {ident!r} (first word after the last)", lineno)
                continue
            token = [form, misc.get("SpaceAfter") != "No", [], lineno]
            sentence.append(token)
            open_range = [first, last, token, lineno]
            continue
        word = int(ident)
        if open_range is not None:
            if word == open_range[0]:
                open_range[2][2].append((misc, lineno))
                open_range[0] += 1
                if word == open_range[1]:
                    open_range = None
                continue
            range_unfinished()  # a word outside the range came before the range's words
        sentence.append([form, misc.get("SpaceAfter") != "No", [(misc, lineno)], lineno])
    range_unfinished()
    end_doc()
    if problems:
        raise InputErrors(problems.errors)
    extra = []
    for b, mentions in zip(docs, per_doc_entities, strict=True):
        anns = DocAnnotations()
        for _eid, start, end, etype, _identity, line in mentions:
            b.spans.append((etype, start, end, line))
        extra.append(anns)
    items = _finish(path, stem, docs, options, extra)
    # Coreference chains and Wikipedia links from the CorefUD entity ids.
    kept = [k for k, b in enumerate(docs) if b.tokens]
    for (doc, anns), k in zip(items, kept, strict=True):
        by_offsets = {(s.start, s.end, s.label): s for s in anns.spans}
        chains: dict[str, list[str]] = {}
        links: dict[str, str] = {}
        for eid, start, end, etype, identity, _line in per_doc_entities[k]:
            span = by_offsets.get((start, end, etype))
            if span is None:
                continue
            if span.id not in chains.setdefault(eid, []):
                chains[eid].append(span.id)
            if identity and span.id not in links:
                links[span.id] = unquote(identity)
        sha = sha256_text(doc.text)
        for eid, members in chains.items():
            if len(members) > 1:
                anns.equivalences.append(Equivalence(
                    id=stable_id(doc.name, sha, "coref", eid), type="Coref", members=members,
                    origin="import", status="accepted",
                ))
        for span_id, key in links.items():
            anns.normalizations.append(Normalization(
                id=stable_id(doc.name, sha, "norm", span_id), target=span_id, resource="Wikipedia",
                key=key, label=key.replace("_", " "), origin="import", status="accepted",
            ))
    if not state["ner"] and not any(per_doc_entities):
        options.notes.append(f"{path}: no entities found in MISC (name=, NE=, NER= or Entity=): text only")
    options.notes.extend(repairs.notes())
    return items


def _is_conllu(lines: list[str]) -> bool:
    """True when the first token lines have 10 tab-separated columns and numeric ids."""
    seen = hits = 0
    for raw in lines:
        if not raw.strip() or raw.startswith("#"):
            continue
        cols = raw.split("\t")
        seen += 1
        hits += len(cols) == 10 and bool(_CONLLU_ID.match(cols[0]))
        if seen >= 20:
            break
    return hits > 0 and hits * 2 >= seen


def read_file(path: Path, stem: str, options: Any) -> list[tuple[Document, DocAnnotations]]:
    """Read one CoNLL, BIO or CoNLL-U file into documents.

    Args:
        path: the file.
        stem: the base of the document names.
        options: ``ImportOptions``; repairs are appended to ``options.notes``.

    Raises:
        InputError, InputErrors: unreadable file, malformed CoNLL-U, unknown type.
    """
    text = decode_utf8(read_input(path), str(path))
    if text.startswith("\ufeff"):
        text = text[1:]  # a BOM is not part of the first token
    # Only \n ends a line: \f, \v, U+2028 and friends are whitespace inside a line.
    lines = [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]
    if path.suffix.lower() == ".conllu" or _is_conllu(lines):
        return _read_conllu(path, lines, stem, options)
    from tui.core.formats import iob_lines  # spaCy's sentence-per-line word|POS|TAG
    if iob_lines.detect(lines):
        return iob_lines.read_file(path, lines, stem, options)
    return _read_bio(path, lines, stem, options)


def read(paths: list[Path], options: Any) -> list[tuple[Document, DocAnnotations]]:
    """Registry entry: CoNLL/BIO/CoNLL-U files, or folders of them (all problems collected).

    Raises:
        InputErrors: every problem, each with file and line.
    """
    from tui.core.formats.text import read_each

    return read_each(paths, SUFFIXES, lambda f, name: read_file(f, name, options))
