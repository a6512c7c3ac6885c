"""The imported file's own layout, kept so an export gives the peer its file back.

A CoNLL, BIO or CoNLL-U import keeps, per document, its part of the file in
``doc.meta["conll"]``::

    {"version": 1, "format": "conll" | "conllu", "sha256": <text at import>,
     "lines": [...], "columns": 2, "final_newline": false, "bom": true}

``lines`` are the file's own lines (without line ends; a ``\\r`` of a CRLF
file is kept): token lines with every column (CoNLL POS and chunk; CoNLL-U
ID, LEMMA, UPOS, XPOS, FEATS, HEAD, DEPREL, DEPS, MISC), comment lines
(``# sent_id``, ``# text``, ``# newdoc id``), ``-DOCSTART-`` lines and blank
lines as they were. That is the compact form: one string per line, the
file's own bytes, and the token boundaries, sentence breaks and tags are
what the same reader finds in them again, so they cannot disagree with it.
``columns`` is the column count a BIO file was read with; ``final_newline``
(last part only) is false when the file did not end with a newline, ``bom``
(first part only) true when it began with one.

On export, a document whose text is unchanged (sha256) is written line for
line as imported; only the tags of tokens whose entities changed are
rewritten, from the current spans. A span edge inside an imported token
cannot be written without splitting the peer's token: the span is left out,
with a loss line.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import IO, Any

from tui.core.formats._interchange import describe_span, where
from tui.core.formats.conll_base import META_KEY, Builder, Repairs, parse_bio
from tui.core.model import Document, Span
from tui.core.text.offsets import sha256_text

#: Loss kinds, worded once.
INSIDE_TOKEN = ("spans with an edge inside an imported token (left out: the file's tokens are kept; "
                "re-tokenize by editing the text)")
ACROSS_SENTENCES = "spans across an imported sentence break (written as one entity per sentence)"


def layout_of(doc: Document, fmt: str | None = None) -> dict[str, Any] | None:
    """The document's kept layout when it is usable: well formed and its text unchanged.

    Args:
        doc: the document.
        fmt: ``conll`` or ``conllu`` to accept only that one; None for either.
    """
    layout = doc.meta.get(META_KEY) if isinstance(doc.meta, dict) else None
    if not isinstance(layout, dict) or layout.get("version") != 1:
        return None
    if fmt is not None and layout.get("format") != fmt:
        return None
    lines = layout.get("lines")
    if not isinstance(lines, list) or not all(isinstance(x, str) and "\n" not in x for x in lines):
        return None
    if layout.get("sha256") != sha256_text(doc.text):
        return None
    return layout


def text_changed(doc: Document) -> bool:
    """True when the document has a layout whose text no longer matches."""
    layout = doc.meta.get(META_KEY) if isinstance(doc.meta, dict) else None
    return isinstance(layout, dict) and layout.get("sha256") not in (None, sha256_text(doc.text))


def write_lines(lines: list[str], layout: dict[str, Any], out: IO[str], last: bool) -> None:
    """Write a document's lines; the file's missing final newline only on the export's last one."""
    if layout.get("bom"):
        out.write("\ufeff")
    for k, line in enumerate(lines):
        out.write(line)
        if k + 1 < len(lines) or not last or layout.get("final_newline", True):
            out.write("\n")


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """A span's offsets without whitespace at its edges."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def token_ranges(doc: Document, tokens: list[tuple[int, int]], sent_starts: list[int], spans: list[Span],
                 report: Any) -> list[tuple[int, int, Span]]:
    """``(first, last, span)`` token ranges of spans that cover whole imported tokens.

    A span with an edge inside a token is left out (loss); one across a sentence
    break is cut into one range per sentence (loss).
    """
    starts = {a: k for k, (a, _) in enumerate(tokens)}
    ends = {b: k for k, (_, b) in enumerate(tokens)}
    out = []
    for span in spans:
        a, b = trim(doc.text, span.start, span.end)
        first, last = starts.get(a), ends.get(b)
        if first is None or last is None or first > last:
            report.add(INSIDE_TOKEN, where(doc, describe_span(span)))
            continue
        s1, s2 = bisect_right(sent_starts, first), bisect_right(sent_starts, last)
        if s1 != s2:
            report.add(ACROSS_SENTENCES, where(doc, describe_span(span)))
            cut = first
            for s in range(s1, s2):
                out.append((cut, sent_starts[s] - 1, span))
                cut = sent_starts[s]
            out.append((cut, last, span))
            continue
        out.append((first, last, span))
    return out


def changed_tokens(now: list[Any], before: list[Any], sent_starts: list[int]) -> set[int]:
    """Tokens whose tag must be rewritten: their state changed, or the previous token's did.

    A token's original tag is read in the context of the token before it (an
    ``I-`` continues it), so it is kept only when that context is unchanged too.
    A token opening a sentence has no context.
    """
    firsts = set(sent_starts)
    out = set()
    for k, (x, y) in enumerate(zip(now, before, strict=True)):
        if x != y or (k not in firsts and k and now[k - 1] != before[k - 1]):
            out.add(k)
    return out


def bio_reparse(doc: Document, layout: dict[str, Any]) -> Builder | None:
    """A CoNLL layout's lines read again: the one document they hold, if its text is the document's."""
    columns = layout.get("columns", 2)
    if not isinstance(columns, int) or columns < 1:
        return None
    lines = [x[:-1] if x.endswith("\r") else x for x in layout["lines"]]
    parsed = [b for b in parse_bio(lines, columns, Repairs(""), {}) if b.tokens]
    if len(parsed) != 1 or parsed[0].text() != doc.text:
        return None
    return parsed[0]
