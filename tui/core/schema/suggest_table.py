"""Checking a schema's ``[suggest]`` table: the sources the reader's ``a`` runs.

::

    [suggest]
    sources = ["places", "propagate", "coref"]   # run in this order
    model = "en_core_web_sm"                     # for "spacy"

(The type of places suggestions is the ``[places]`` table's.)

Every problem is reported with the line of its key (the ``[suggest]`` header
when the key cannot be found).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tui.core.schema.types import SUGGEST_SOURCES, SuggestDefaults

_KEYS = ("sources", "model")
_HEADER = re.compile(r"\s*\[\s*[\"']?suggest[\"']?\s*\]")
_ANY_HEADER = re.compile(r"\s*\[")

#: Reports one problem: (line or None, reason).
Report = Callable[[int | None, str], None]


def key_line(text: str, key: str | None) -> int | None:
    """The line of ``key = ...`` inside ``[suggest]`` (or of the header itself when ``key`` is None)."""
    lines = text.splitlines()
    header = next((i for i, ln in enumerate(lines) if _HEADER.match(ln)), None)
    if header is None:
        pat = re.compile(r"\s*[\"']?suggest[\"']?\s*=")
        return next((i + 1 for i, ln in enumerate(lines) if pat.match(ln)), None)
    if key is None:
        return header + 1
    pat = re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for i in range(header + 1, len(lines)):
        if _ANY_HEADER.match(lines[i]):
            break
        if pat.match(lines[i]):
            return i + 1
    return header + 1


def check_suggest(value: Any, text: str, report: Report) -> SuggestDefaults:
    """Check the ``[suggest]`` table and return it (the defaults for what is missing or wrong).

    Args:
        value: the parsed ``suggest`` value.
        text: the schema's TOML text (for line numbers).
        report: called once per problem.

    Returns:
        The table as :class:`SuggestDefaults`.
    """
    if not isinstance(value, dict):
        report(key_line(text, None), "'suggest' must be a table ([suggest])")
        return SuggestDefaults()
    for key in value:
        if key not in _KEYS:
            report(key_line(text, key), f"unknown key '{key}' in [suggest] (allowed: {', '.join(_KEYS)})")
    defaults = SuggestDefaults()
    sources = defaults.sources
    if "sources" in value:
        raw = value["sources"]
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            report(key_line(text, "sources"), "[suggest] sources must be a list of source names")
        else:
            bad = [v for v in raw if v not in SUGGEST_SOURCES]
            if bad:
                report(key_line(text, "sources"), f"[suggest] sources: unknown source '{bad[0]}' "
                       f"(one of: {', '.join(SUGGEST_SOURCES)})")
            elif len(set(raw)) != len(raw):
                report(key_line(text, "sources"), "[suggest] sources lists a source twice")
            else:
                sources = tuple(raw)
    model = value.get("model")
    if model is not None and (not isinstance(model, str) or not model.strip()):
        report(key_line(text, "model"), "[suggest] model must be a non-empty string "
               "(a spaCy package name or a saved pipeline folder)")
        model = None
    return SuggestDefaults(sources=sources, model=model)
