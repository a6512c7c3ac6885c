"""Checking a schema's lexicon: trigger words per event type, nominal heads per span type.

::

    [[events]]
    name = "Attack"
    triggers = ["attack", "bombing", "explosion", "opened fire"]

    [[entities]]
    name = "PER"
    nominals = ["people", "bomber", "campaigner", "police officer"]

``tui suggest --source lexicon`` (:mod:`tui.core.review.lexicon`) finds them in
a document: a trigger as a pending event of its type, a nominal as a pending
span. Each entry is a word or a phrase of up to :data:`MAX_WORDS` words, as
written in running text (lower case for a common noun: a capitalised form is
matched only at the start of a sentence); the suggestion source adds the
regular inflections of its last word.

A lexicon comes from a schema file, so it is hostile data: every entry is
checked here (letters and digits, joined inside a word by a hyphen;
words separated by one space; at most
:data:`MAX_ENTRY` characters), and a bad one is one error naming the file,
the line of its key and the reason. :class:`~tui.core.schema.check._Checker`
calls :func:`word_list`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

LEXICON_KEYS: dict[str, str] = {"entities": "nominals", "events": "triggers"}
"""The lexicon key of each kind of entry: nominal heads on span types, trigger words on event types."""

MAX_ENTRY = 60
"""The longest entry, in characters."""

MAX_WORDS = 4
"""The most words in one entry (a phrase such as "opened fire" or "put to death")."""

MAX_ENTRIES = 2000
"""The most entries in one list (a lexicon is a short list per type, not a dictionary)."""

_WORD = r"[^\W_]+(?:-[^\W_]+)*"
_ENTRY = re.compile(rf"{_WORD}(?: {_WORD}){{0,{MAX_WORDS - 1}}}")

#: Reports one problem: (line or None, reason).
Report = Callable[[Any, str], None]


def entry_problem(entry: Any) -> str | None:
    """Why one lexicon entry is malformed (None when it is fine).

    Args:
        entry: the value read from the TOML list.

    Returns:
        A reason, quoting the entry with its control characters escaped.
    """
    if not isinstance(entry, str):
        return f"{entry!r} is not a string"
    if not entry:
        return "an entry is empty"
    if len(entry) > MAX_ENTRY:
        return f"{entry[:20]!r}... is {len(entry)} characters long (at most {MAX_ENTRY})"
    if not _ENTRY.fullmatch(entry):
        return (f"{entry!r} is not a word or phrase (letters and digits, a hyphen"
                f" inside a word, one space between words, at most {MAX_WORDS} words)")
    return None


def word_list(value: Any, key: str, owner: str, line: Any, report: Report) -> tuple[str, ...]:
    """Check a ``triggers`` or ``nominals`` list; return it (empty when it is bad).

    Args:
        value: the parsed value.
        key: ``triggers`` or ``nominals``.
        owner: the entry, for messages (``event type 'Attack'``).
        line: the line of the key (an int, None, or a lazy line the report works out).
        report: records a problem.

    Returns:
        The entries, in the order written.
    """
    if not isinstance(value, list):
        report(line, f"{key} of {owner} must be a list of words or phrases, not a {type(value).__name__}")
        return ()
    if len(value) > MAX_ENTRIES:
        report(line, f"{key} of {owner} has {len(value)} entries (at most {MAX_ENTRIES})")
        return ()
    seen: set[str] = set()
    for entry in value:
        problem = entry_problem(entry)
        if problem is None and entry in seen:
            problem = f"{entry!r} is listed twice"
        if problem is not None:
            report(line, f"{key} of {owner}: {problem}")
            return ()
        seen.add(entry)
    return tuple(value)
