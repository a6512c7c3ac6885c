"""spaCy's sentence-per-line ``.iob`` (the input of ``spacy convert``), read as the CoNLL format.

One sentence per line, tokens separated by whitespace, each token
``word|TAG`` or ``word|POS|TAG``::

    I|PRP|O like|VBP|O London|NNP|B-GPE and|CC|O New|NNP|B-GPE York|NNP|I-GPE .|.|O

The CoNLL reader hands a file here when its lines look like this
(:func:`detect`). Entities are decoded as spaCy's converter decodes them
(``spacy.training.iob_to_biluo``): any tag other than ``O`` starts an entity
and the ``I-``/``L-`` tags of the same type that follow continue it, so IOB1
(``I-`` after ``O``) and IOB2 both read; an entity never crosses a line.

The text is the words joined by one space, one line per sentence; a
``-DOCSTART-`` line starts a new document (``<stem>-<n>``). The tokens, the
POS column (as spaCy's ``tag_``, ``-`` when there is none, as
``spacy convert`` sets it) and the sentence starts are kept in
``doc.meta["spacy"]`` (:mod:`tui.core.formats.spacy_tokens`), so a spaCy
export gives the Docs ``spacy convert`` would (the newline between two
sentences is a whitespace token there, as spaCy's tokenizer makes it).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tui.core.errors import InputError, InputErrors
from tui.core.formats._interchange import (
    Problems,
    numbered,
    schema_in_force,
    stable_id,
    text_problem,
    unknown_span_label,
)
from tui.core.formats.spacy_tokens import META_KEY
from tui.core.model import DocAnnotations, Document, Span
from tui.core.text.offsets import sha256_text

#: One token: a word, an optional POS, and an IOB tag (spaCy also accepts BILUO prefixes).
_TOKEN = re.compile(r"^([^|]+)\|(?:([^|]*)\|)?(O|[BILU]-[^|]+)$")
#: Lines looked at by :func:`detect`.
_SAMPLE = 20


def detect(lines: list[str]) -> bool:
    """True when most of the first non-blank lines are all ``word|TAG`` or ``word|POS|TAG`` tokens.

    A token-per-line CoNLL file (``London B-GPE``) never matches: its tag is
    a field of its own, not glued to the word by ``|``.
    """
    seen = hits = 0
    for raw in lines:
        fields = raw.split()
        if not fields or (raw.startswith("#") and not _TOKEN.match(fields[0])):
            continue
        seen += 1
        hits += all(_TOKEN.match(f) for f in fields)
        if seen >= _SAMPLE:
            break
    return hits > 0 and hits * 2 >= seen


class _Doc:
    """One document's words, POS, sentence starts and entities as lines arrive."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.lengths: list[int] = []
        self.spaces: list[str] = []
        self.tags: list[str] = []
        self.starts: list[int] = []
        self.spans: list[tuple[str, int, int, int]] = []  # label, start, end, line

    def sentence(self, tokens: list[tuple[str, str, str]], line: int) -> None:
        if self.lengths:  # the newline before this sentence: a whitespace token, as spaCy's tokenizer makes
            self.spaces[-1] = "0"
            self._add("\n", "", -1, space=False)
        offsets = []
        for k, (word, pos, _) in enumerate(tokens):
            offsets.append(self._add(word, pos, 1 if k == 0 else -1, space=k + 1 < len(tokens)))
        _decode(tokens, offsets, line, self.spans)

    def _add(self, word: str, tag: str, start: int, *, space: bool) -> tuple[int, int]:
        begin = self.length
        self.parts.append(word + (" " if space else ""))
        self.length += len(word) + space
        self.lengths.append(len(word))
        self.spaces.append("1" if space else "0")
        self.tags.append(tag)
        self.starts.append(start)
        return begin, begin + len(word)

    def layer(self) -> dict[str, Any]:
        return {"lengths": self.lengths, "spaces": "".join(self.spaces),
                "attrs": {"TAG": self.tags, "SENT_START": self.starts}}


def _decode(tokens: list[tuple[str, str, str]], offsets: list[tuple[int, int]], line: int,
            out: list[tuple[str, int, int, int]]) -> None:
    """Entities of one sentence, decoded as ``spacy.training.iob_to_biluo`` does."""
    k = 0
    while k < len(tokens):
        tag = tokens[k][2]
        if tag == "O":
            k += 1
            continue
        label = tag[2:]
        end = k + 1
        while end < len(tokens) and tokens[end][2] in (f"I-{label}", f"L-{label}"):
            end += 1
        out.append((label, offsets[k][0], offsets[end - 1][1], line))
        k = end


def read_file(path: Path, lines: list[str], stem: str, options: Any) -> list[tuple[Document, DocAnnotations]]:
    """Read the lines of one sentence-per-line ``.iob`` file.

    Raises:
        InputErrors: a token that is not ``word|TAG`` or ``word|POS|TAG``, a
            type not in a schema in force, a document over the size limit.
    """
    problems = Problems(str(path))
    docs = [_Doc()]
    comments = []
    for lineno, raw in enumerate(lines, start=1):
        fields = raw.split()
        if not fields:
            continue
        if raw.startswith("#") and not _TOKEN.match(fields[0]):
            comments.append(lineno)
            continue
        if fields[0].split("|", 1)[0] == "-DOCSTART-":
            if docs[-1].lengths:
                docs.append(_Doc())
            continue
        tokens = []
        for n, field in enumerate(fields, start=1):
            m = _TOKEN.match(field)
            if m is None:
                problems.add(f"token {n} {field[:40]!r} is not word|TAG or word|POS|TAG "
                             "(TAG: O, or B-, I-, L-, U- and a type)", lineno)
                break
            tokens.append((m.group(1), m.group(2) if m.group(2) is not None else "-", m.group(3)))
        else:
            docs[-1].sentence(tokens, lineno)
    kept = [d for d in docs if d.lengths]
    if not problems and not kept:
        raise InputError("no tokens found", path=str(path))
    schema = schema_in_force(options)
    items = []
    for n, d in enumerate(kept, start=1):
        name = numbered(stem, n, len(kept))
        text = "".join(d.parts)
        too_big = text_problem(text)
        if too_big:
            problems.add(f"document {n}: {too_big}")
            continue
        sha = sha256_text(text)
        anns = DocAnnotations()
        for label, start, end, line in d.spans:
            if schema is not None and unknown_span_label(schema, label):
                problems.add(f"unknown type {label!r} (not in schema {schema.name})", line)
                continue
            anns.spans.append(Span(id=stable_id(name, sha, "span", start, end, label), label=label,
                                   fragments=[(start, end)], text=text[start:end], origin="import",
                                   status="accepted"))
        items.append((Document(name=name, text=text, schema=options.schema, meta={META_KEY: d.layer()}), anns))
    if problems:
        raise InputErrors(problems.errors)
    if comments:
        options.notes.append(f"{path}: {len(comments)} comment line(s) skipped (line "
                             + ", ".join(map(str, comments[:10])) + (" ..." if len(comments) > 10 else "") + ")")
    options.notes.append(f"{path}: spaCy sentence-per-line IOB (word|TAG or word|POS|TAG), "
                         f"{sum(len(a.spans) for _, a in items)} entities")
    return items
