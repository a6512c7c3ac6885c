"""Finding a query in a document: plain text or a regular expression, whole words, smart case.

The reader's search prompt (``/``) builds a :class:`SearchQuery`;
:func:`find_hits` gives the hits that ``n``/``N`` walk and ``*``/``&`` tag.

- **Case**: ``case`` None is *smart case*: case-insensitive unless the query
  has a capital letter, then case-sensitive ("basra" finds "Basra", "Basra"
  does not find "BASRA"); True or False is the analyst's explicit choice, which
  overrides it.
- **Whole word**: a hit must not continue a word on either side: it is not
  preceded by a word character when it starts with one, nor followed by one
  when it ends with one. Word characters are Unicode letters, digits, ``_`` and
  combining marks, so "Sadr" is found in "al-Sadr" but not in "Sadrist", and
  "café" not in "cafés".

Offsets are code points (``str`` indices), end exclusive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_W = r"[\w\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
#: A word boundary that holds unless word characters stand on both of its sides.
_EDGE = rf"(?:(?<!{_W})|(?!{_W}))"


@dataclass(frozen=True)
class SearchQuery:
    """What to look for in the document.

    Attributes:
        pattern: the text (or regular expression) typed.
        regex: the pattern is a regular expression.
        case: True case-sensitive, False insensitive, None smart case (sensitive when the
            pattern has a capital).
        word: whole words only.
    """

    pattern: str
    regex: bool = False
    case: bool | None = None
    word: bool = False

    @property
    def case_sensitive(self) -> bool:
        """Whether the search tells capitals apart (smart case decided)."""
        if self.case is not None:
            return self.case
        return any(ch.isupper() for ch in self.pattern)

    def compile(self) -> re.Pattern[str]:
        """Return the compiled pattern.

        Returns:
            A pattern for plain text (escaped) or the regular expression, with the
            whole-word edges and case flag the query asks for.

        Raises:
            re.error: the regular expression is invalid.
        """
        body = self.pattern if self.regex else re.escape(self.pattern)
        if self.regex:
            re.compile(body)  # an invalid expression is reported as itself, not as the wrapped one
        if self.word:
            body = f"{_EDGE}(?:{body}){_EDGE}"
        return re.compile(body, 0 if self.case_sensitive else re.IGNORECASE)


def find_hits(text: str, query: SearchQuery, limit: int | None = None) -> list[tuple[int, int]]:
    """Every non-empty match of ``query`` in ``text`` as ``(start, end)`` code-point offsets.

    Args:
        text: the document text.
        query: the search.
        limit: stop after this many hits (None: all).

    Returns:
        Hits in text order; empty when the pattern is empty or invalid.
    """
    if not query.pattern:
        return []
    try:
        pattern = query.compile()
    except re.error:
        return []
    hits: list[tuple[int, int]] = []
    for m in pattern.finditer(text):
        if m.end() > m.start():
            hits.append((m.start(), m.end()))
            if limit is not None and len(hits) >= limit:
                break
    return hits
