"""Names in running text: runs of capitalised words, for the reader's next-name motion (``m``, ``M``).

A **name** here is a run of capitalised words on one line, separated by
spaces only: "George W. Bush", "Moqtada al-Sadr", "Osama bin Laden",
"St. Petersburg". What joins a run:

- capitalised words (the first letter upper or title case), hyphenated
  ("Al-Sadr") or with an apostrophe ("O'Neill");
- a lower-case name particle between two capitalised words (``PARTICLES``:
  "bin", "de", "van der"...), never at either end;
- a word whose particle prefix is lower case ("al-Maliki", "el-Sisi");
- an initial with its full stop ("W."), and "St.".

A possessive ``'s`` is not part of the name and ends the run ("Sadr's" ->
"Sadr"). Function words that are capitalised only because they start a
sentence ("The", "In", "But": ``STOP_WORDS``) are dropped from the start of a
run, so "The" alone is no name and "The Washington Post" is "Washington
Post". Scripts without case (Chinese, Arabic...) have no capitalised words:
they are skipped.

Offsets are code points (``str`` indices), end exclusive. Everything works on
a window of the text around the position asked about, so a motion costs the
same in a 5 MB document as in a short one.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence

#: Lower-case words that join the capitalised words on either side ("Osama bin Laden").
PARTICLES = frozenset({
    "al", "el", "bin", "bint", "ibn", "abu", "de", "del", "della", "da", "di", "du",
    "van", "von", "der", "den", "la", "le",
})
#: Lower-case prefixes of a hyphenated name ("al-Maliki"): the word counts as capitalised.
PREFIXES = ("al-", "el-", "al‐", "el‐", "al‑", "el‑")
#: Capitalised words that are no name at the start of a run (they start a sentence).
STOP_WORDS = frozenset("""
    A An The And Or But Nor So Yet For If Then Than When While Where Whereas Why How What Which
    Who Whom Whose That This These Those There Here It Its He She We They You I Me Him Her Us
    Them My Our Your His Their In On At Of To From By With Without Into Onto Over Under About
    After Before Since Until During Through Throughout Against Among Between Behind Beyond Near
    As Also Although Though Because Unless Once Not No Yes All Any Some Each Every Both Either
    Neither Many Much Most More Few Other Another Such Only Just Even Still However Meanwhile
    Moreover Furthermore Nevertheless Instead Otherwise Perhaps Now Today Yesterday Tomorrow
    Is Are Was Were Be Been Being Has Have Had Do Does Did Will Would Shall Should Can Could
    May Might Must Mr Mrs Ms Dr
""".split())
#: Abbreviations that keep their full stop inside a name ("St. Petersburg").
DOTTED = frozenset({"St"})

_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_WORD = rf"[\w{_MARKS}]"
#: A word: word characters, joined inside by apostrophes and hyphens ("O'Neill", "al-Maliki").
_TOKEN = re.compile(rf"{_WORD}+(?:['’\-‐‑]{_WORD}+)*")
_JOIN = "'’\\-‐‑"
_PARTICLE_WORD = rf"(?:{'|'.join(sorted(PARTICLES))})(?![\w{_MARKS}{_JOIN}])"
#: Where a word that may belong to a name starts: a capital (or any letter of a script
#: without ASCII case, told apart in Python), a particle, a particle prefix. Other words
#: are never looked at: the text between two names' words then is no gap (see ``_GAP``).
_CANDIDATE = re.compile(
    rf"(?<!{_WORD})(?<!{_WORD}[{_JOIN}])"
    rf"(?=[^\W\d_a-z]|(?:al|el)[{_JOIN}]|{_PARTICLE_WORD})")
#: What never occurs inside a name: a window of the text starts and ends at one. A
#: character (a line end, most punctuation) or a word starting in lower case that is no
#: particle: in prose there is one every few words, so a window stays short.
_BREAK = re.compile(r"[\n\r,;:!?()\[\]{}\"“”«»<>/|\u2028\u2029]"
                    rf"|(?<=\s)(?!{_PARTICLE_WORD}|(?:al|el)[{_JOIN}])[a-z]")
#: What may separate the words of a name.
_GAP = re.compile(r"[ \t\u00a0]*")
_POSSESSIVE = ("'s", "’s", "'S", "’S")
#: How far either side of the position the first window reaches.
_WINDOW = 2048

Annotated = Callable[[int, int], bool]
"""``annotated(start, end)``: whether ``[start, end)`` overlaps an annotation."""


def _capitalised(word: str) -> bool:
    first = word[0]
    if first.isupper() or unicodedata.category(first) == "Lt":
        return True
    return word.startswith(PREFIXES) and len(word) > 3 and word[3].isupper()


class _Word:
    __slots__ = ("end", "kind", "possessive", "start", "text")

    def __init__(self, start: int, end: int, text: str, kind: str, possessive: bool) -> None:
        self.start, self.end, self.text, self.kind, self.possessive = start, end, text, kind, possessive


def _words(text: str, lo: int, hi: int) -> Iterator[_Word]:
    """The words of ``text[lo:hi]``, each classified: ``cap``, ``particle`` or ``other``."""
    for c in _CANDIDATE.finditer(text, lo, hi):
        m = _TOKEN.match(text, c.start(), hi)
        if m is None:
            continue
        start, end = m.span()
        word = m.group()
        possessive = len(word) > 2 and word.endswith(_POSSESSIVE)
        if possessive:
            end -= 2
            word = word[:-2]
        if _capitalised(word):
            kind = "cap"
            if (len(word) == 1 or word in DOTTED) and end < hi and text[end] == "." and not possessive:
                end += 1  # an initial ("W.") or "St.": the full stop belongs to the name
                word += "."
        elif word in PARTICLES:
            kind = "particle"
        else:
            kind = "other"
        yield _Word(start, end, word, kind, possessive)


def _trim(run: list[_Word]) -> tuple[int, int] | None:
    """The name in a run of words: leading stop words and particles, trailing particles, dropped."""
    i, j = 0, len(run)
    while i < j and (run[i].kind == "particle" or run[i].text in STOP_WORDS):
        i += 1
    while j > i and run[j - 1].kind == "particle":
        j -= 1
    if i >= j:
        return None
    return run[i].start, run[j - 1].end


def _runs(text: str, lo: int, hi: int) -> Iterator[list[_Word]]:
    """Maximal runs of capitalised words and particles in ``text[lo:hi]``."""
    run: list[_Word] = []
    for w in _words(text, lo, hi):
        if run and (w.kind == "other" or _GAP.fullmatch(text, run[-1].end, w.start) is None):
            yield run
            run = []
        if w.kind == "other":
            continue
        run.append(w)
        if w.possessive:
            yield run
            run = []
    if run:
        yield run


def names_in(text: str, lo: int = 0, hi: int | None = None,
             annotated: Annotated | None = None) -> list[tuple[int, int]]:
    """Every name of ``text[lo:hi]`` not overlapping an annotation, in text order.

    A run of which some words are annotated gives its other words, each
    stretch between annotated words taken as a run of its own ("George W."
    of "George W. Bush" when "Bush" is tagged).

    Args:
        text: the document text.
        lo: where to start (a name starting before is cut there: start at a break).
        hi: where to stop (default: the end).
        annotated: whether a range overlaps an annotation (default: nothing is annotated).

    Returns:
        ``(start, end)`` code-point offsets.
    """
    return list(_iter_names(text, lo, len(text) if hi is None else hi, annotated))


def _iter_names(text: str, lo: int, hi: int, annotated: Annotated | None) -> Iterator[tuple[int, int]]:
    for run in _runs(text, lo, hi):
        parts = [run]
        if annotated is not None and annotated(run[0].start, run[-1].end):
            parts = []
            part: list[_Word] = []
            for w in run:
                if annotated(w.start, w.end):
                    if part:
                        parts.append(part)
                    part = []
                    continue
                if part and annotated(part[-1].end, w.start):  # an annotation between the words
                    parts.append(part)
                    part = []
                part.append(w)
            if part:
                parts.append(part)
        for part in parts:
            found = _trim(part)
            if found is not None:
                yield found


def _break_before(text: str, pos: int) -> int:
    """A window start at or before ``pos``: just after the last break before it, or 0.

    Looks back in growing steps; in prose the first step (``_WINDOW``) finds one.
    """
    end, size = pos, _WINDOW
    while end > 0:
        start = max(0, end - size)
        last = None
        # The whole text is searched (a break is told by what follows it), up to ``end``.
        for m in _BREAK.finditer(text, start):
            if m.start() >= end:
                break
            last = m
        if last is not None:
            return last.end()
        end, size = start, size * 4
    return 0


def _break_after(text: str, pos: int) -> int:
    """A window end at or after ``pos``: the next break character, or the end of the text."""
    m = _BREAK.search(text, pos)
    return m.start() if m is not None else len(text)


def next_name(text: str, pos: int, direction: int = 1,
              annotated: Annotated | None = None) -> tuple[int, int] | None:
    """The next name starting at or after ``pos`` (``direction`` 1), or the last starting before it (-1).

    Args:
        text: the document text.
        pos: a code-point offset.
        direction: 1 forward, -1 backward.
        annotated: whether a range overlaps an annotation; such names are passed over.

    Returns:
        ``(start, end)``, or None when there is none that way (the end or the start of the text).
    """
    n = len(text)
    pos = max(0, min(pos, n))
    size = _WINDOW
    if direction > 0:
        lo = _break_before(text, pos)
        while True:
            hi = _break_after(text, min(n, pos + size))
            found = next((r for r in _iter_names(text, lo, hi, annotated) if r[0] >= pos), None)
            if found is not None or hi >= n:
                return found
            lo, size = hi, size * 4
    hi = _break_after(text, pos)
    while True:
        lo = _break_before(text, max(0, hi - size))
        found = next((r for r in reversed(names_in(text, lo, hi, annotated)) if r[0] < pos), None)
        if found is not None or lo <= 0:
            return found
        hi, size = lo, size * 4


def overlap_checker(ranges: Iterable[tuple[int, int]]) -> Annotated:
    """An :data:`Annotated` over plain ``(start, end)`` ranges (annotation fragments)."""
    spans: Sequence[tuple[int, int]] = sorted(ranges)
    starts = [s for s, _ in spans]
    longest = max((e - s for s, e in spans), default=0)

    def annotated(start: int, end: int) -> bool:
        lo = bisect_left(starts, start - longest)
        hi = bisect_left(starts, end)
        return any(e > start for _, e in spans[lo:hi])

    return annotated
