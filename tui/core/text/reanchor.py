"""Re-anchoring spans when a document's source text changes.

When a file is imported again with a different text, every span of the
old text is looked for in the new one, fragment by fragment, the way the
W3C Web Annotation *text-quote selector* finds its target: by the exact
text plus a little context on each side (``prefix`` / ``exact`` /
``suffix``, :data:`CONTEXT` characters each).

The rules, in order, for one fragment:

1. **Unchanged stretch.** A line diff of the two texts gives the stretches
   that did not change; a fragment wholly inside one moves with it (by the
   stretch's shift, often zero). This is certain and cheap, so most spans
   of a lightly edited article never need a search.
2. **Quote search.** Otherwise the occurrences of ``exact`` are the
   candidates. A candidate with the whole quote (prefix, exact and suffix)
   around it, alone in having it, is taken; it is looked for first in the
   changed stretch of the new text that replaced the fragment's (where it
   most likely went, which also settles a duplicated paragraph), then in
   the whole text. Otherwise candidates are scored by how well the text around them
   matches the old ``prefix`` and ``suffix`` (a similarity from 0 to 1, the
   two sides weighted by their lengths), and the best is taken when:

   - it is the only occurrence in the whole text and ``exact`` is at least
     :data:`MIN_UNIQUE_LEN` characters long (the W3C "exact unique match";
     very short texts such as "he" need context), or
   - its score is at least :data:`MIN_SCORE` and beats the runner-up by at
     least :data:`MIN_MARGIN`.

   No occurrence: the anchor is *lost*. Several that no rule separates:
   it is *ambiguous*.

A multi-fragment span moves only when every fragment is found and the new
fragments keep their order without overlapping.

A span that cannot be moved is an **orphan**. It is never dropped, since
events, relations and notes may hang on it: it keeps its id, label,
status and everything attached, its fragments become one zero-width
position where its text used to start (mapped through the diff), and a
note of type :data:`ORPHAN_NOTE` records its old text, old offsets, the
context and the reason. An analyst finds orphans with :func:`orphans` (or
in the CLI output of ``tui import --update``), re-selects the text, and
deletes the note. A zero-width span stays valid for ``tui check``: its
stored text is the empty string it covers.
"""

from __future__ import annotations

import difflib
import json
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

Fragment = tuple[int, int]

#: Characters of context kept on each side of a quote.
CONTEXT = 32
#: Score (0..1) the best candidate needs when several occurrences exist.
MIN_SCORE = 0.5
#: How much the best candidate must beat the second best.
MIN_MARGIN = 0.15
#: A unique occurrence at least this long moves whatever its context.
MIN_UNIQUE_LEN = 4
#: Beyond this many occurrences only the full quote (prefix+exact+suffix) can decide.
MAX_CANDIDATES = 500
#: Candidates scored with the (slower) fuzzy context similarity.
FUZZY_CANDIDATES = 20
#: Note type that marks an orphaned span.
ORPHAN_NOTE = "Orphan"


@dataclass(frozen=True)
class TextQuote:
    """A W3C text-quote selector: the exact text and its context."""

    prefix: str
    exact: str
    suffix: str


def quote_for(text: str, fragment: Fragment, context: int = CONTEXT) -> TextQuote:
    """The quote selector of a fragment of ``text``.

    Args:
        text: the document text.
        fragment: ``(start, end)`` code-point offsets.
        context: characters of prefix and suffix.

    Returns:
        The quote.
    """
    start, end = fragment
    return TextQuote(text[max(0, start - context) : start], text[start:end], text[end : end + context])


@dataclass
class SpanMove:
    """The outcome for one span: moved, unchanged, or orphaned (with the reason)."""

    span_id: str
    label: str
    old_fragments: list[Fragment]
    new_fragments: list[Fragment]
    """For an orphan: the zero-width position it was parked at."""
    old_text: str
    status: str
    """``unchanged``, ``moved`` or ``orphan``."""
    reason: str = ""


@dataclass
class ReanchorReport:
    """What re-anchoring a document did, span by span."""

    doc_name: str = ""
    moves: list[SpanMove] = field(default_factory=list)
    text_changed: bool = True

    @property
    def unchanged(self) -> list[SpanMove]:
        return [m for m in self.moves if m.status == "unchanged"]

    @property
    def moved(self) -> list[SpanMove]:
        return [m for m in self.moves if m.status == "moved"]

    @property
    def orphans(self) -> list[SpanMove]:
        return [m for m in self.moves if m.status == "orphan"]

    def summary(self) -> str:
        """One line: how many spans stayed, moved and were orphaned."""
        if not self.text_changed:
            return f"{self.doc_name}: text unchanged"
        return (
            f"{self.doc_name}: text updated; {len(self.unchanged)} span(s) in place, "
            f"{len(self.moved)} moved, {len(self.orphans)} orphaned"
        )

    def orphan_lines(self) -> list[str]:
        """One line per orphan: label, old offsets, old text (made inert), reason."""
        return [
            f"{self.doc_name}: orphan {m.label} {_frag_str(m.old_fragments)} "
            f"{inert(m.old_text)!r}: {m.reason}; parked at {m.new_fragments[0][0]}"
            for m in self.orphans
        ]


def inert(s: str) -> str:
    """Escape control and bidi characters so text can be printed to a terminal safely."""
    out = []
    for ch in s:
        o = ord(ch)
        if (o < 0x20 and ch not in "\t") or 0x7F <= o < 0xA0 or 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069:
            out.append(f"\\u{o:04x}")
        else:
            out.append(ch)
    return "".join(out)


def _frag_str(frags: Sequence[Fragment]) -> str:
    return ";".join(f"{a}-{b}" for a, b in frags)


# ---------------------------------------------------------------------------
# the diff map


class DiffMap:
    """Unchanged stretches between two texts, from a line diff.

    ``blocks`` holds ``(old_start, new_start, length)`` in code points,
    sorted by ``old_start``.
    """

    def __init__(self, old: str, new: str) -> None:
        old_lines = old.splitlines(keepends=True)
        new_lines = new.splitlines(keepends=True)
        old_pos = _positions(old_lines)
        new_pos = _positions(new_lines)
        self.blocks: list[tuple[int, int, int]] = []
        matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
        for a, b, size in matcher.get_matching_blocks():
            if size:
                length = old_pos[a + size] - old_pos[a]
                self.blocks.append((old_pos[a], new_pos[b], length))
        self._starts = [b[0] for b in self.blocks]
        self._old_len = len(old)
        self._new_len = len(new)

    def _block(self, pos: int) -> tuple[int, int, int] | None:
        i = bisect_right(self._starts, pos) - 1
        return self.blocks[i] if i >= 0 else None

    def map_fragment(self, fragment: Fragment) -> Fragment | None:
        """The fragment's place in the new text if it lies in one unchanged stretch."""
        start, end = fragment
        block = self._block(start)
        if block is None:
            return None
        a, b, size = block
        if start >= a and end <= a + size and (end > start or start < a + size):
            return (start - a + b, end - a + b)
        return None

    def region(self, fragment: Fragment) -> tuple[int, int]:
        """The stretch of the new text between the unchanged blocks around a fragment."""
        start, end = fragment
        i = bisect_right(self._starts, start) - 1
        lo = 0
        if i >= 0:
            a, b, size = self.blocks[i]
            lo = b + min(start - a, size)  # the fragment may begin inside that block
        j = bisect_right(self._starts, max(start, end - 1))
        while j < len(self.blocks) and self.blocks[j][0] < end:
            j += 1
        hi = self.blocks[j][1] if j < len(self.blocks) else self._new_len
        return min(lo, hi), max(lo, hi)

    def map_position(self, pos: int) -> int:
        """Where an old position most likely is in the new text (for parking orphans)."""
        block = self._block(pos)
        if block is None:
            return 0 if not self.blocks else max(0, min(self.blocks[0][1], self._new_len))
        a, b, size = block
        if pos <= a + size:
            return min(pos - a + b, self._new_len)
        # In a changed stretch: the end of the unchanged block before it.
        return min(b + size, self._new_len)


def _positions(lines: list[str]) -> list[int]:
    pos = [0]
    for line in lines:
        pos.append(pos[-1] + len(line))
    return pos


# ---------------------------------------------------------------------------
# quote search


def _similar(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _score(new: str, pos: int, quote: TextQuote) -> float:
    """Context similarity of a candidate at ``pos`` (0..1), sides weighted by length."""
    lp, ls = len(quote.prefix), len(quote.suffix)
    if lp + ls == 0:
        return 1.0
    prefix = new[max(0, pos - lp) : pos]
    end = pos + len(quote.exact)
    suffix = new[end : end + ls]
    return (_similar(quote.prefix, prefix) * lp + _similar(quote.suffix, suffix) * ls) / (lp + ls)


def _adjacent(new: str, pos: int, quote: TextQuote) -> int:
    """Characters of context that match exactly, outward from the candidate."""
    n = 0
    for a, b in zip(reversed(quote.prefix), reversed(new[max(0, pos - len(quote.prefix)) : pos]), strict=False):
        if a != b:
            break
        n += 1
    end = pos + len(quote.exact)
    for a, b in zip(quote.suffix, new[end : end + len(quote.suffix)], strict=False):
        if a != b:
            break
        n += 1
    return n


def _occurrences(text: str, needle: str, limit: int, lo: int = 0, hi: int | None = None) -> list[int]:
    out: list[int] = []
    hi = len(text) if hi is None else hi
    i = text.find(needle, lo, hi)
    while i >= 0 and len(out) < limit:
        out.append(i)
        i = text.find(needle, i + 1, hi)
    return out


def find_quote(
    new: str, quote: TextQuote, lo: int = 0, hi: int | None = None, *, local: bool = False
) -> tuple[int | None, str]:
    """Locate a quote in the new text (or in ``new[lo:hi]``).

    Args:
        new: the new document text.
        quote: the fragment's quote in the old text.
        lo: where to start looking.
        hi: where to stop looking (default: the end).
        local: the range is only a guess at where the text went: accept
            nothing but the whole quote found once there.

    Returns:
        ``(start, "")`` when found, else ``(None, reason)``.
    """
    full = quote.prefix + quote.exact + quote.suffix
    lp = len(quote.prefix)
    if quote.exact:
        candidates = _occurrences(new, quote.exact, MAX_CANDIDATES + 1, lo, hi)
    else:
        # A zero-width fragment has only its context to go by.
        candidates = [i + lp for i in _occurrences(new, full, MAX_CANDIDATES + 1, lo, hi)]
    if not candidates:
        return None, "text not found"
    count = len(candidates)
    if count > MAX_CANDIDATES:
        exact_ctx = _occurrences(new, full, 2, lo, hi)
        if len(exact_ctx) == 1:
            return exact_ctx[0] + lp, ""
        return None, f"more than {MAX_CANDIDATES} places match"
    # The whole quote found exactly once: the W3C selector's own match.
    exact_ctx = [p for p in candidates if p >= lp and new[p - lp : p - lp + len(full)] == full]
    if len(exact_ctx) == 1 and (quote.prefix or quote.suffix):
        return exact_ctx[0], ""
    if local:
        # Fuzzy matches are weighed against the whole text, not just this stretch.
        return None, "no exact quote nearby"
    if count == 1:
        pos = candidates[0]
        if len(quote.exact) >= MIN_UNIQUE_LEN or _score(new, pos, quote) >= MIN_SCORE:
            return pos, ""
        return None, "text found once but too short to trust without its context"
    if count > FUZZY_CANDIDATES:
        # Rank by the length of exactly matching context first; score only the best few.
        candidates = sorted(candidates, key=lambda p: -_adjacent(new, p, quote))[:FUZZY_CANDIDATES]
    scored = sorted(((_score(new, p, quote), p) for p in candidates), reverse=True)
    (best, pos), (second, _) = scored[0], scored[1]
    if best >= MIN_SCORE and best - second >= MIN_MARGIN:
        return pos, ""
    return None, f"ambiguous: {count} places match (best context {best:.2f}, next {second:.2f})"


# ---------------------------------------------------------------------------
# spans


def reanchor_spans(old: str, new: str, spans: Iterable[Any], context: int = CONTEXT) -> list[SpanMove]:
    """Decide where each span of ``old`` goes in ``new`` (nothing is written).

    Args:
        old: the stored text.
        new: the changed text.
        spans: :class:`tui.core.model.Span` objects of the old text.
        context: characters of quote context on each side.

    Returns:
        One :class:`SpanMove` per span, in the given order.
    """
    dmap = DiffMap(old, new)
    out = []
    for span in spans:
        frags = [tuple(f) for f in span.fragments]
        new_frags: list[Fragment] = []
        reason = ""
        for frag in frags:
            mapped = dmap.map_fragment(frag)
            if mapped is None:
                quote = quote_for(old, frag, context)
                # Where the changed stretch went is the likely place: look there first.
                lo, hi = dmap.region(frag)
                lo, hi = max(0, lo - 2 * context), min(len(new), hi + 2 * context)
                pos = None
                if hi - lo < len(new) // 2:
                    pos, _ = find_quote(new, quote, lo, hi, local=True)
                if pos is None:
                    pos, reason = find_quote(new, quote)
                if pos is None:
                    reason = f"fragment {frag[0]}-{frag[1]}: {reason}" if len(frags) > 1 else reason
                    break
                mapped = (pos, pos + frag[1] - frag[0])
            new_frags.append(mapped)
        if not reason:
            for (_, e1), (s2, _) in zip(new_frags, new_frags[1:], strict=False):
                if s2 < e1:
                    reason = "its fragments were found out of order"
                    break
        if reason:
            park = dmap.map_position(frags[0][0])
            out.append(SpanMove(span.id, span.label, frags, [(park, park)], span.text, "orphan", reason))
        else:
            status = "unchanged" if new_frags == frags else "moved"
            out.append(SpanMove(span.id, span.label, frags, new_frags, span.text, status))
    return out


def orphan_note_text(move: SpanMove, old: str, stamp: str) -> str:
    """The text of the note that marks an orphan: what it was, where, and why."""
    q = quote_for(old, move.old_fragments[0])
    return json.dumps(
        {
            "orphaned": stamp,
            "reason": move.reason,
            "old_text": move.old_text,
            "old_fragments": [list(f) for f in move.old_fragments],
            "prefix": q.prefix,
            "suffix": quote_for(old, move.old_fragments[-1]).suffix,
        },
        ensure_ascii=False,
    )


def orphans(store: Any, doc_id: str) -> list[tuple[Any, Any]]:
    """Orphaned spans of a document with their orphan notes, in text order.

    Args:
        store: a :class:`tui.core.store.Store`.
        doc_id: the document.

    Returns:
        ``(span, note)`` pairs.
    """
    anns = store.annotations(doc_id)
    notes = {n.target: n for n in anns.notes if n.type == ORPHAN_NOTE}
    return [(s, notes[s.id]) for s in anns.spans if s.id in notes]


def update_changed(store: Any, items: list[tuple[Any, Any]]) -> list[ReanchorReport]:
    """Replace the text of every stored document whose file changed (``tui import --update``).

    Call inside the import's action so it is all or nothing; documents that
    are new or unchanged are left to :meth:`Store.import_documents`.

    Args:
        store: the open store.
        items: ``(Document, DocAnnotations)`` pairs read from the files.

    Returns:
        One report per document whose text changed.
    """
    from tui.core.text.offsets import sha256_text

    reports = []
    for doc, _ in items:
        stored = store.find_document(doc.name)
        if stored is not None and stored.sha256 != sha256_text(doc.text):
            reports.append(store.replace_document_text(stored.id, doc))
    return reports
