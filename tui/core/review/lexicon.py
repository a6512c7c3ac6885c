"""The lexicon suggestion source: trigger words and nominal heads shipped with the schema.

A schema's event types may list trigger words (``triggers``) and its span
types nominal heads (``nominals``; :mod:`tui.core.schema.lexicon` checks
them). :func:`build_lexicon` turns them into a table of word forms, and
:func:`lexicon_hits` finds those forms in a text:

- **Forms.** Each entry as written, plus regular inflections
  (:func:`inflections`): a nominal's plural, of a phrase's last word
  (``bomber`` -> ``bombers``, ``gunman`` -> ``gunmen``, ``car bomb`` -> ``car
  bombs``); a one-word trigger's plural and verb forms (``attack`` ->
  ``attacks``, ``attacked``, ``attacking``; ``die`` -> ``died``, ``dying``;
  ``hit`` -> ``hitting``). A trigger phrase is matched as written (its verb
  comes first: ``opened fire``, ``step down``); irregular forms (``flew``,
  ``fought``, ``stepped down``) are entries of their own.
- **Ambiguity.** A form claimed by two types is suggested under neither,
  unless exactly one of them lists it as written (the others only reach it by
  inflection): then that one. ``police`` listed under PER and ORG is never
  suggested; ``bombing``, written under Attack and only an inflection of WEA's
  ``bomb``, is an Attack trigger. The hits left out are counted per form.
- **Matching.** Whole words (a hyphen joins words into one: the ``bomb`` of
  ``car-bomb`` is not a hit), leftmost-longest (``roadside bomb`` before
  ``bomb``), the words of a phrase separated by spaces or one line break. An
  entry written in lower case matches in lower case, or capitalised at the
  start of a sentence ("People fled"); a capitalised word inside a sentence is
  a name's ("the Citizens Alliance"), never a hit. A capitalised hit followed
  by a capitalised word starts a name ("Election Commission"), and a nominal
  right before a capitalised word is a title ("opposition leader Jane Doe"):
  both are left out.

The source itself (pending events for triggers, pending spans for nominals,
never inside a longer annotated span) is
:func:`tui.core.review.suggest.suggest` with ``source="lexicon"``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

#: A word of running text: letters and digits, inner hyphens joining words into one.
_TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
#: Noun endings that take no verb inflection (``bombing`` -> ``bombings`` only).
_NOUN_ENDINGS = ("ing", "tion", "sion", "ment", "ness", "ity", "ism", "ist", "ian")
#: Capitalised words that may follow a common noun without being a name.
_NOT_NAMES = frozenset("""
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
    August September October November December I
""".split())
_VOWELS = "aeiou"


@dataclass(frozen=True)
class LexiconHit:
    """A form of the lexicon found in a text."""

    start: int
    end: int
    label: str
    """The span type or event type."""
    event: bool
    """True for a trigger (a pending event of type ``label``), False for a nominal (a pending span)."""


@dataclass
class Lexicon:
    """Word forms and the type each suggests, after the ambiguity rule."""

    forms: dict[str, tuple[str, bool]] = field(default_factory=dict)
    """Case-folded form -> (type name, is an event type)."""
    spellings: dict[str, set[str]] = field(default_factory=dict)
    """Case-folded form -> the spellings that match exactly (case kept from the entry)."""
    ambiguous: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Case-folded form -> the types that claim it (suggested under none)."""
    firsts: set[str] = field(default_factory=set)
    """First words of the phrases (longer matches are tried only from these)."""
    longest: int = 1
    """The most words in a form."""

    def __bool__(self) -> bool:
        return bool(self.forms or self.ambiguous)


def inflections(entry: str, *, verb: bool) -> set[str]:
    """The entry and the regular inflections of its last word.

    Only a last word of three or more lower-case letters is inflected, and a
    trigger phrase not at all (its first word is the verb).

    Args:
        entry: a lexicon entry (a word or phrase).
        verb: a trigger: add verb forms (``-ed``, ``-ing``, a doubled consonant) as
            well as the plural; a phrase stays as written.

    Returns:
        The forms, the entry among them.
    """
    head, _, w = entry.rpartition(" ")
    prefix = head + " " if head else ""
    out = {w}
    if len(w) >= 3 and w.isalpha() and w.islower() and not (verb and head):
        y_after_consonant = w.endswith("y") and w[-2] not in _VOWELS
        if w.endswith(("s", "x", "z", "ch", "sh")):
            out.add(w + "es")
        elif y_after_consonant:
            out.add(w[:-1] + "ies")
        else:
            out.add(w + "s")
        if w.endswith("man"):
            out.add(w[:-3] + "men")
        if verb and not w.endswith(_NOUN_ENDINGS):
            if w.endswith("ie"):
                out |= {w + "d", w[:-2] + "ying"}
            elif w.endswith("ee"):
                out |= {w + "d", w + "ing"}
            elif w.endswith("e"):
                out |= {w + "d", w[:-1] + "ing"}
            elif y_after_consonant:
                out |= {w[:-1] + "ied", w + "ing"}
            else:
                out |= {w + "ed", w + "ing"}
                if w[-1] not in _VOWELS + "wxy" and w[-2] in _VOWELS and w[-3] not in _VOWELS:
                    out |= {w + w[-1] + "ed", w + w[-1] + "ing"}
    return {prefix + f for f in out}


def build_lexicon(schema: Any) -> Lexicon:
    """The forms of a schema's ``nominals`` and ``triggers``, with the ambiguity rule applied.

    Args:
        schema: a :class:`~tui.core.schema.Schema`.

    Returns:
        The lexicon (empty when the schema lists no words).
    """
    # folded form -> (type, is event) -> (written as an entry?, spelling)
    claims: dict[str, dict[tuple[str, bool], tuple[bool, str]]] = {}
    owners: list[tuple[str, bool, tuple[str, ...]]] = [
        *((st.name, False, st.nominals) for st in schema.span_types),
        *((et.name, True, et.triggers) for et in schema.event_types),
    ]
    for name, is_event, entries in owners:
        for entry in entries:
            for form in inflections(entry, verb=is_event):
                key = form.casefold()
                mine = claims.setdefault(key, {})
                as_written = form == entry or mine.get((name, is_event), (False, ""))[0]
                mine[(name, is_event)] = (as_written, form)
    lex = Lexicon()
    for key, by_type in claims.items():
        written = [t for t, (w, _) in by_type.items() if w]
        chosen = written if written else list(by_type)
        words = key.split(" ")
        lex.longest = max(lex.longest, len(words))
        if len(words) > 1:
            lex.firsts.add(words[0])
        if len(chosen) == 1:
            lex.forms[key] = chosen[0]
            lex.spellings[key] = {by_type[chosen[0]][1]}
        else:
            lex.ambiguous[key] = tuple(sorted({name for name, _ in by_type}))
    return lex


def lexicon_hits(text: str, lex: Lexicon) -> tuple[list[LexiconHit], Counter[tuple[str, str]]]:
    """Every form of the lexicon in ``text``, leftmost-longest, in text order.

    Args:
        text: the document text.
        lex: the lexicon (:func:`build_lexicon`).

    Returns:
        The hits, and the hits left out: ``(form, reason)`` -> how many (an
        ambiguous form, a name's first word, a title before a name).
    """
    left: Counter[tuple[str, str]] = Counter()
    if not lex:
        return [], left
    tokens = [(m.start(), m.end(), m.group().casefold()) for m in _TOKEN.finditer(text)]
    hits: list[LexiconHit] = []
    i = 0
    while i < len(tokens):
        found = _longest(text, tokens, i, lex)
        if found is None:
            i += 1
            continue
        n, key = found
        start, end = tokens[i][0], tokens[i + n - 1][1]
        i += n
        if key in lex.ambiguous:
            left[(key, "listed under " + " and ".join(lex.ambiguous[key]))] += 1
            continue
        got = text[start:end]
        spelled = lex.spellings[key]
        capital = got not in spelled
        if capital and not (any(got == s[:1].upper() + s[1:] and s[:1].islower() for s in spelled)
                            and _sentence_start(text, start)):
            continue  # capitalised inside a sentence: a name's word
        label, is_event = lex.forms[key]
        following = _next_word(text, tokens, i)
        if following is not None and following[:1].isupper() and following not in _NOT_NAMES:
            if capital:
                left[(key, "starts a name")] += 1
                continue
            if not is_event:
                left[(key, "a title before a name")] += 1
                continue
        hits.append(LexiconHit(start, end, label, is_event))
    return hits, left


def _longest(text: str, tokens: list[tuple[int, int, str]], i: int, lex: Lexicon) -> tuple[int, str] | None:
    """The longest form starting at token ``i``: (its number of words, its folded form), or None."""
    first = tokens[i][2]
    most = lex.longest if first in lex.firsts else 1
    for n in range(min(most, len(tokens) - i), 0, -1):
        if n > 1 and not all(_space_between(text, tokens[j][1], tokens[j + 1][0]) for j in range(i, i + n - 1)):
            continue
        key = " ".join(t[2] for t in tokens[i:i + n])
        if key in lex.forms or key in lex.ambiguous:
            return n, key
    return None


def _space_between(text: str, a: int, b: int) -> bool:
    """Whether only spaces (and at most one line break) separate two words of a phrase."""
    gap = text[a:b]
    return bool(gap) and gap.isspace() and gap.count("\n") <= 1


def _next_word(text: str, tokens: list[tuple[int, int, str]], i: int) -> str | None:
    """The word of token ``i`` when only spaces separate it from the one before (same line), else None."""
    if i >= len(tokens) or i == 0:
        return None
    gap = text[tokens[i - 1][1]:tokens[i][0]]
    return text[tokens[i][0]:tokens[i][1]] if gap and gap.isspace() and "\n" not in gap else None


def _sentence_start(text: str, start: int) -> bool:
    """Whether a word at ``start`` begins a sentence, a line or the text (quotes and brackets skipped)."""
    i = start - 1
    while i >= 0 and text[i] in " \t\"'“‘([":
        i -= 1
    return i < 0 or text[i] in "\n.!?:"
