"""Corpus search: SQLite FTS5 over document texts and span texts, with keyword in context.

The document index and the triggers that keep it in sync are created by
migration 3 (:func:`tui.core.store.migrations._v3`); span texts are matched with
a temporary FTS5 index of the spans that pass the filters, built per search. A query uses the FTS5 syntax
(``basra``, ``"basra offensive"``, ``bas*``, ``a OR b``, ``NEAR(a b)``); a
query FTS5 cannot parse (``al-Sadr``, ``Basra.``) is retried as its words,
each quoted, so a user never needs to know the syntax.

Offsets of hits are code points into the document text, found with FTS5's
``highlight()`` and two marker characters that do not occur in the text, so
hits follow the same tokenizer as the match itself.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from tui.core.errors import InputError
from tui.core.store.search import SpanRow, quote_words

if TYPE_CHECKING:
    from tui.core.store import Store

__all__ = ["CONTEXT", "HIGHLIGHT_MAX", "Hit", "format_hit", "printable", "quote_words", "search", "term_offsets"]

#: Characters of context either side of a hit, by default.
CONTEXT = 40
#: Longer documents are not highlighted by FTS5 but by :func:`term_offsets`.
HIGHLIGHT_MAX = 200_000
# Marker candidates for highlight(): private-use characters, the first two
# absent from a document's text are used.
_MARKERS = [chr(c) for c in range(0xE000, 0xE020)]


@dataclass
class Hit:
    """One search hit: where it is and its keyword-in-context.

    ``left`` and ``right`` are raw document text (data: sanitise before
    showing it, see :func:`printable`).
    """

    doc_name: str
    doc_id: str
    start: int
    end: int
    left: str
    match: str
    right: str
    annotation_id: str | None = None
    """Set for annotation hits."""
    label: str | None = None
    annotator: str | None = None
    status: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def search(
    store: Store,
    query: str,
    *,
    annotations: bool = False,
    types: list[str] | None = None,
    annotators: list[str] | None = None,
    statuses: list[str] | None = None,
    docs: list[str] | None = None,
    context: int = CONTEXT,
    limit: int | None = None,
) -> list[Hit]:
    """Search document texts, or annotations (spans), across the corpus.

    Args:
        store: the :class:`~tui.core.store.Store`.
        query: FTS5 query; for annotations it may be empty to list every
            span that passes the filters.
        annotations: search spans (entity mentions and triggers) instead
            of document text. Giving ``types``, ``annotators`` or
            ``statuses`` implies it.
        types: only spans with these labels.
        annotators: only spans of these annotators.
        statuses: only spans with these statuses.
        docs: only these documents (names).
        context: characters of context either side.
        limit: stop after this many hits.

    Returns:
        Hits in document-name order, then by offset.

    Raises:
        InputError: an empty document query, or a query FTS5 rejects even
            once its words are quoted.
        NotFound: a name in ``docs`` that is no document.
    """
    doc_ids = [store.document(n).id for n in docs] if docs else None
    if annotations or types or annotators or statuses:
        return _search_spans(store, query, types, annotators, statuses, doc_ids, context, limit)
    if not query.strip():
        raise InputError("empty search query")
    return _search_documents(store, query, doc_ids, context, limit)


def _search_documents(
    store: Store, query: str, doc_ids: list[str] | None, context: int, limit: int | None
) -> list[Hit]:
    hits: list[Hit] = []
    for doc_id, name, text in store.match_documents(query, doc_ids):
        for start, end in _highlights(store, doc_id, text, query):
            hits.append(_kwic(name, doc_id, text, start, end, context))
            if limit is not None and len(hits) >= limit:
                return hits
    return hits


def _highlights(store: Store, doc_id: str, text: str, query: str) -> list[tuple[int, int]]:
    """Offsets of the matched tokens (phrases merged) in one document's text."""
    free = [m for m in _MARKERS if m not in text]
    if len(text) > HIGHLIGHT_MAX or len(free) < 2:
        # FTS5's highlight() builds its result by repeated copying (quadratic
        # in hits x length): 30 s for 100,000 hits in 5 MB. Long documents are
        # located by the query's terms instead.
        return term_offsets(text, query)
    open_, close = free[0], free[1]
    marked = store.highlight(doc_id, query, open_, close)
    if marked is None:
        return []
    out: list[tuple[int, int]] = []
    removed = 0  # marker characters seen so far: marked offset - removed = text offset
    i = marked.find(open_)
    while i >= 0:
        j = marked.find(close, i + 1)
        if j < 0:
            break
        start = i - removed
        end = j - removed - 1
        out.append((start, end))
        removed += 2
        i = marked.find(open_, j + 1)
    return out


_OPERATORS = {"AND", "OR", "NOT", "NEAR"}


def term_offsets(text: str, query: str) -> list[tuple[int, int]]:
    """Locate a query's words, phrases and prefixes in text, as FTS5 would match them.

    Operators, parentheses, column filters and terms after NOT are dropped; each phrase
    matches its words separated by non-word characters; ``pre*`` matches
    word prefixes; case is ignored (diacritics are not folded, unlike FTS5).

    Args:
        text: the document text.
        query: the FTS5 query.

    Returns:
        ``(start, end)`` of each match, in order, not overlapping.
    """
    import re

    parts: list[str] = []
    negated = False
    for m in re.finditer(r'"((?:[^"]|"")*)"(\*?)|([^\s()"]+)', query):
        if negated:  # the term after NOT is never a hit
            negated = False
            continue
        if m.group(3) is not None:
            word = m.group(3).split(":")[-1]
            if word == "NOT":
                negated = True
                continue
            if word in _OPERATORS or word.startswith("NEAR"):
                continue
            phrase, prefix = word.rstrip("*"), word.endswith("*")
        else:
            phrase, prefix = m.group(1).replace('""', '"'), bool(m.group(2))
        words = re.findall(r"\w+", phrase)
        if words:
            parts.append(r"(?<!\w)" + r"\W+".join(re.escape(w) for w in words)
                         + (r"\w*" if prefix else r"(?!\w)"))
    if not parts:
        return []
    pattern = re.compile("|".join(parts), re.IGNORECASE)
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def _kwic(name: str, doc_id: str, text: str, start: int, end: int, context: int, **extra: Any) -> Hit:
    return Hit(
        doc_name=name,
        doc_id=doc_id,
        start=start,
        end=end,
        left=text[max(0, start - context) : start],
        match=text[start:end],
        right=text[end : end + context],
        **extra,
    )


def _search_spans(
    store: Store,
    query: str,
    types: list[str] | None,
    annotators: list[str] | None,
    statuses: list[str] | None,
    doc_ids: list[str] | None,
    context: int,
    limit: int | None,
) -> list[Hit]:
    rows: list[SpanRow] = store.span_rows(labels=types, annotators=annotators, statuses=statuses, doc_ids=doc_ids)
    if query.strip():
        matching = store.match_texts(query, [r.text for r in rows])
        rows = [r for n, r in enumerate(rows) if n in matching]
    hits: list[Hit] = []
    texts: dict[str, str] = {}
    for r in rows:
        if r.doc_id not in texts:
            texts = {r.doc_id: store.text_of(r.doc_id)}
        hits.append(_kwic(
            r.doc_name, r.doc_id, texts[r.doc_id], r.start, r.end, context,
            annotation_id=r.id, label=r.label, annotator=r.annotator, status=r.status,
        ))
        if limit is not None and len(hits) >= limit:
            break
    return hits


def printable(text: str) -> str:
    """Show text on one terminal line: control characters as escapes, never raw.

    Newline and tab become ``\\n`` and ``\\t``; other non-printable
    characters (ESC, NUL, C1, bidi overrides, zero-width) become ``\\xNN``
    or ``\\uNNNN``; a backslash stays a backslash.

    Args:
        text: document text (data).

    Returns:
        A string safe to print.
    """
    out = []
    for ch in text:
        if ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x100:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return "".join(out)


def format_hit(hit: Hit, context: int = CONTEXT) -> str:
    """One keyword-in-context line: ``doc:start-end  left [match] right``, sanitised.

    Args:
        hit: the hit.
        context: width the left context is right-aligned to.

    Returns:
        A printable line without a newline.
    """
    left = printable(hit.left)
    head = f"{printable(hit.doc_name)}:{hit.start}-{hit.end}"
    if hit.annotation_id is not None:
        head += f" {printable(hit.label or '')} {printable(hit.annotator or '')} {hit.status}"
    return f"{head}  {left.rjust(context)} [{printable(hit.match)}] {printable(hit.right)}".rstrip()
