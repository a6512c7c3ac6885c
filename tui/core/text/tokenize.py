"""An offset-keeping tokenizer and sentence splitter for token-based exports (CoNLL/BIO).

Tokens are ``(start, end)`` code-point offsets into the document text, so
every token is an exact substring of it. A token is a run of word
characters (letters, digits, ``_``) or a single other character; combining
marks, variation selectors, emoji modifiers and zero-width joiners stay
with the token before them so a grapheme cluster is not cut in two.
Whitespace is what ``str.split()`` splits on (``str.isspace``), so a token
written to a CoNLL line can never be split again when read back.

Callers can force extra token boundaries (``splits``): the CoNLL exporter
passes every exported span boundary so each span covers whole tokens.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable

Token = tuple[int, int]

#: Characters that end a sentence when they form a token of their own.
SENTENCE_END = frozenset(".!?。！？…")
#: Line separators: a sentence never continues across one of these.
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
ZWJ = "\u200d"


def _attaches(ch: str) -> bool:
    """True for characters that belong to the character before them (grapheme extenders)."""
    if ch == ZWJ:
        return True
    cp = ord(ch)
    if 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF:  # variation selectors
        return True
    if 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F:  # skin tones, emoji tags
        return True
    return unicodedata.category(ch) in ("Mn", "Mc", "Me")


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def tokenize(text: str, splits: Collection[int] = ()) -> list[Token]:
    """Split a text into tokens, returned as code-point offsets.

    Args:
        text: the document text.
        splits: offsets where a token boundary is forced (span boundaries).

    Returns:
        ``(start, end)`` pairs in order; ``text[start:end]`` never contains
        whitespace and never is empty.
    """
    tokens: list[Token] = []
    n = len(text)
    i = 0
    split_set = set(splits)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        start = i
        word = _is_word(ch)
        i += 1
        while i < n and i not in split_set:
            nxt = text[i]
            if nxt.isspace():
                break
            if _attaches(nxt) or text[i - 1] == ZWJ:
                i += 1
                continue
            if word and _is_word(nxt):
                i += 1
                continue
            break
        tokens.append((start, i))
    return tokens


def sentences(text: str, tokens: list[Token], keep_together: Iterable[tuple[int, int]] = ()) -> list[list[Token]]:
    """Group tokens into sentences.

    A sentence ends at a line break between two tokens or after a token that
    is sentence-final punctuation, except inside a ``keep_together`` range
    (an exported span must not be cut by a sentence break).

    Args:
        text: the document text.
        tokens: its tokens, in order.
        keep_together: ``(start, end)`` ranges no sentence break may fall inside.

    Returns:
        Lists of tokens, none empty.
    """
    inside: set[int] = set()
    for start, end in keep_together:
        # Forbid a break between tokens whose gap lies inside the range.
        inside.update(range(start + 1, end))
    out: list[list[Token]] = []
    current: list[Token] = []
    for k, tok in enumerate(tokens):
        current.append(tok)
        if k + 1 == len(tokens):
            break
        nxt = tokens[k + 1]
        if tok[1] in inside or nxt[0] in inside:
            continue
        gap = text[tok[1] : nxt[0]]
        ends = text[tok[0] : tok[1]] in SENTENCE_END and gap != ""
        if ends or any(c in LINE_BREAKS for c in gap):
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out
