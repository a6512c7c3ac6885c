"""CoNLL / BIO (IOB2) in and out; CoNLL-U files are read by :mod:`~tui.core.formats.conllu`.

Export writes one ``TOKEN TAG`` line per token, a blank line after each
sentence, and ``-DOCSTART- -X- O O`` before each document (the exact line
spaCy's converter and the CoNLL-2003 tools split on). A document imported
from a CoNLL, BIO or CoNLL-U file whose text is unchanged keeps that file's
tokens and sentences (:mod:`~tui.core.formats.conll_layout`): a CoNLL
document is written back line for line, every column kept, with only the
tags of changed entities rewritten; a CoNLL-U document as ``FORM TAG`` lines
on its own tokens. Other documents are tokenized by
:mod:`tui.core.text.tokenize` with a forced boundary at every exported span
boundary, so each span covers whole tokens and every token is an exact
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
metadata comment lines. The file's lines are kept in ``meta["conll"]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from tui.core.formats import conllu
from tui.core.formats._interchange import (
    describe_span,
    read_input,
    where,
)
from tui.core.formats.conll_base import (
    DOCSTART,
    Repairs,
    case_note,
    columns_of,
    finish,
    is_tag,
    label_losses,
    layouts_for,
    parse_bio,
    span_losses,
    tag_states,
)
from tui.core.formats.conll_layout import (
    bio_reparse,
    changed_tokens,
    layout_of,
    text_changed,
    token_ranges,
    write_lines,
)
from tui.core.model import DocAnnotations, Document
from tui.core.text.offsets import decode_utf8
from tui.core.text.tokenize import sentences, tokenize

SUFFIXES = (".conll", ".conllu", ".bio", ".iob", ".iob2", ".bioes", ".conll03")
_LAST_FIELD = re.compile(r"(\S+)(\s*)$")


def sniff(path: Path) -> bool:
    """Registry hook: any file with a CoNLL suffix is taken as CoNLL."""
    return True


# ---------------------------------------------------------------------------
# export


def export(store: Any, docs: Iterable[Document], out: IO[str], options: Any) -> Any:
    """Write documents as IOB2 CoNLL, one document at a time.

    Args:
        store: the store to read annotations from.
        docs: the documents to write.
        out: a text file object.
        options: ``ExportOptions`` (layers, statuses, label_case).

    Returns:
        The ``LossReport``: spans left out (discontinuous, overlapping,
        whitespace only, inside an imported token), spans trimmed to tokens,
        changed labels, and every annotation of a kind BIO cannot hold.
    """
    from tui.core.formats import LossReport

    report = LossReport()
    docs = list(docs)
    tokenized = False
    for n, doc in enumerate(docs):
        anns = store.annotations(doc.id, annotators=options.layers, statuses=options.statuses)
        layout = layout_of(doc, "conll")
        if layout is not None:
            if write_layout(doc, anns, layout, out, report, options.label_case,
                            first=n == 0, last=n + 1 == len(docs)):
                report.documents += 1
                continue
            report.info.append(f"{doc.name}: the kept CoNLL lines do not give its text: tokens made anew")
        tokens = None
        layout = layout_of(doc, "conllu")
        if layout is not None:
            tokens = conllu.layout_tokens(doc, layout)
            if tokens is None:
                report.info.append(f"{doc.name}: the kept CoNLL-U lines do not give its text: tokens made anew")
        elif text_changed(doc):
            report.info.append(f"{doc.name}: text edited since import: tokens and sentences made anew")
        write_document(doc, anns, out, report, label_case=options.label_case, tokens=tokens)
        report.documents += 1
        tokenized = True
    if tokenized:
        report.notes.append(
            "CoNLL keeps tokens, not the text: a re-import joins tokens with spaces and "
            "names documents <file>-<n>"
        )
    return report


def retag(line: str, tag: str) -> str:
    """A BIO token line with its tag replaced (or added when it had none), the rest as it was."""
    cr = "\r" if line.endswith("\r") else ""
    body = line[: len(line) - len(cr)]
    fields = body.split()
    m = _LAST_FIELD.search(body)
    if len(fields) >= 2 and is_tag(fields[-1]) and m:
        return body[: m.start(1)] + tag + body[m.end(1):] + cr
    sep = "\t" if "\t" in body.strip() else " "
    return body.rstrip() + sep + tag + cr


def write_layout(doc: Document, anns: DocAnnotations, layout: dict[str, Any], out: IO[str], report: Any,
                 label_case: str | None, first: bool = True, last: bool = True) -> bool:
    """Write a document line for line as imported, tags from the current spans.

    Returns:
        False when the kept lines do not give the document's text back (then
        nothing is written and the caller tokenizes).
    """
    b = bio_reparse(doc, layout)
    if b is None:
        return False
    lines = layout["lines"]
    stripped = [x[:-1] if x.endswith("\r") else x for x in lines]
    ranges = token_ranges(doc, b.tokens, b.sent_starts, span_losses(doc, anns, report), report)
    now = tag_states(len(b.tokens), [(f, k, label_losses(doc, s, report, label_case)) for f, k, s in ranges])
    starts = {a: k for k, (a, _) in enumerate(b.tokens)}
    ends = {e: k for k, (_, e) in enumerate(b.tokens)}
    before = tag_states(len(b.tokens), [(starts[a], ends[e], label) for label, a, e, _ in b.spans])
    out_lines = list(lines)
    for k in changed_tokens(now, before, b.sent_starts):
        out_lines[b.tok_lines[k]] = retag(lines[b.tok_lines[k]], now[k][0])
    if not first and not any(x.split()[:1] == ["-DOCSTART-"] for x in stripped):
        out.write(DOCSTART + "\n\n")  # a re-import must not run it into the document before
    write_lines(out_lines, layout, out, last)
    return True


def write_document(doc: Document, anns: DocAnnotations, out: IO[str], report: Any,
                   label_case: str | None = None,
                   tokens: tuple[list[tuple[int, int]], list[int]] | None = None) -> None:
    """Write one document (with its ``-DOCSTART-`` line) and record its losses.

    Args:
        tokens: ``(tokens, sentence starts)`` to write on (a CoNLL-U document's
            own); None: tokenize the text.
    """
    text = doc.text
    kept = span_losses(doc, anns, report)
    if tokens is not None:
        toks, sent_starts = tokens
        ranges = [(f, k, s) for f, k, s in token_ranges(doc, toks, sent_starts, kept, report)]
        bounds = sent_starts[1:] + [len(toks)]
        groups = [toks[a:b] for a, b in zip(sent_starts, bounds, strict=True)]
    else:
        splits = set()
        for span in kept:
            splits.add(span.start)
            splits.add(span.end)
        toks = tokenize(text, splits)
        starts = {tok[0]: k for k, tok in enumerate(toks)}
        ranges = []
        for span in kept:
            inside = _tokens_in(toks, starts, span.start, span.end)
            if not inside:
                report.add("spans with no token (whitespace only)", where(doc, describe_span(span)))
                continue
            first, last = inside
            if toks[first][0] != span.start or toks[last][1] != span.end:
                report.add("spans trimmed to their tokens (whitespace at an edge)", where(doc, describe_span(span)))
            ranges.append((first, last, span))
        groups = sentences(text, toks, [(toks[f][0], toks[k][1]) for f, k, _ in ranges])
    states = tag_states(len(toks), [(f, k, label_losses(doc, s, report, label_case)) for f, k, s in ranges])
    if not toks:
        report.add("documents without tokens (a re-import skips them)", doc.name)
    for a, b in toks:
        if text[a:b] == "-DOCSTART-":
            report.add("tokens -DOCSTART- (a re-import starts a new document there)", where(doc, str(a)))
    index = {tok: k for k, tok in enumerate(toks)}
    out.write(DOCSTART + "\n\n")
    for sentence in groups:
        out.write("".join(f"{_form(text[a:b])} {states[index[(a, b)]][0]}\n" for a, b in sentence))
        out.write("\n")


def _form(form: str) -> str:
    """A token as one BIO field: whitespace inside a CoNLL-U form would read as a column break."""
    return "_".join(form.split()) if any(c.isspace() for c in form) else form


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


def _read_bio(path: Path, lines: list[str], raw_lines: list[str], bom: bool, stem: str,
              options: Any) -> list[tuple[Document, DocAnnotations]]:
    repairs = Repairs(str(path))
    columns = columns_of(lines)
    counts: dict[str, int] = {}
    docs = parse_bio(lines, columns, repairs, counts)
    if counts.get("I") and not counts.get("B"):
        repairs.lines = {k: v for k, v in repairs.lines.items() if not k.startswith("I- tag")}
        options.notes.append(f"{path}: IOB1 tagging (I- tags, no B-): converted to IOB2")
    case_note(path, docs, options)
    options.notes.extend(repairs.notes())
    layouts = layouts_for(raw_lines, docs, "conll", bom, {"columns": columns})
    return finish(path, stem, docs, options, layouts=layouts)


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
    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]  # a BOM is not part of the first token
    # Only \n ends a line: \f, \v, U+2028 and friends are whitespace inside a line.
    raw_lines = text.split("\n")
    lines = [line[:-1] if line.endswith("\r") else line for line in raw_lines]
    if path.suffix.lower() == ".conllu" or conllu.is_conllu(lines):
        return conllu.read_lines(path, lines, raw_lines, bom, stem, options)
    from tui.core.formats import iob_lines  # spaCy's sentence-per-line word|POS|TAG
    if iob_lines.detect(lines):
        return iob_lines.read_file(path, lines, stem, options)
    return _read_bio(path, lines, raw_lines, bom, stem, options)


def read(paths: list[Path], options: Any) -> list[tuple[Document, DocAnnotations]]:
    """Registry entry: CoNLL/BIO/CoNLL-U files, or folders of them (all problems collected).

    Raises:
        InputErrors: every problem, each with file and line.
    """
    from tui.core.formats.text import read_each

    return read_each(paths, SUFFIXES, lambda f, name: read_file(f, name, options))
