"""Issue 14's schema keys, checked apart from the rest: guidelines and label mappings.

- ``definition`` and ``example`` on span types, event types, roles and
  attributes: one line each, at most :data:`MAX_GUIDE` characters (any other
  character is allowed, as in names: the app shows them through its sanitiser);
- ``[spacy.labels]``: spaCy entity label -> span type (``PERSON = "PER"``),
  read by ``tui suggest --source spacy``;
- ``[places]``: place kind (``country``, ``capital``, ``city``) -> span
  type, read by ``tui suggest --source places`` when ``--type`` is not given.

A mapping to a type the schema lacks is an error on the mapping's line.
:class:`~tui.core.schema.check._Checker` calls these functions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

GUIDE_KEYS: tuple[str, ...] = ("definition", "example")
"""Keys every span type, event type, role and attribute may carry."""

MAX_GUIDE = 300
"""The longest definition or example, in characters: a picker shows one line."""

PLACE_KINDS: tuple[str, ...] = ("country", "capital", "city")
"""The kinds of place ``tui suggest --source places`` tells apart."""

#: (line or None, reason)
Report = Callable[[int | None, str], None]


def guide_text(value: Any, what: str, line: int | None | Callable[[], int | None],
               report: Callable[[Any, str], None]) -> str:
    """Check one ``definition`` or ``example`` value; return it ("" when bad)."""
    if not isinstance(value, str):
        report(line, f"{what} must be a string")
        return ""
    if "\n" in value or "\r" in value:
        report(line, f"{what} must be one line")
        return ""
    if len(value) > MAX_GUIDE:
        report(line, f"{what} is {len(value)} characters long (at most {MAX_GUIDE}: a picker shows one line)")
        return ""
    return value.strip()


def _table_line(text: str, header: str, key: str | None) -> int | None:
    """The line of ``key = ...`` under the ``[header]`` table (or of the header), 1-based."""
    lines = text.splitlines()
    head = re.compile(r"\s*\[\s*" + r"\s*\.\s*".join(re.escape(p) for p in header.split(".")) + r"\s*\]")
    start = next((i for i, ln in enumerate(lines) if head.match(ln)), None)
    if key is not None:
        pat = re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=")
        # Under the header (to the next one), else anywhere (a dotted or inline table).
        ranges = []
        if start is not None:
            end = next((i for i in range(start + 1, len(lines)) if re.match(r"\s*\[", lines[i])), len(lines))
            ranges.append(range(start + 1, end))
        ranges.append(range(len(lines)))
        for rng in ranges:
            for i in rng:
                if pat.match(lines[i]):
                    return i + 1
    return start + 1 if start is not None else None


def mapping(data: Any, header: str, text: str, span_types: set[str], report: Report,
            keys: tuple[str, ...] | None = None) -> dict[str, str]:
    """Check a ``[header]`` table mapping names to span types of the schema.

    Args:
        data: the table's value (absent: ``None``).
        header: ``spacy.labels`` or ``places`` (for messages and lines).
        text: the TOML source.
        span_types: the schema's span type names.
        report: records an error at a line.
        keys: the only keys allowed (None: any).

    Returns:
        The valid entries.
    """
    if data is None:
        return {}
    if not isinstance(data, dict):
        report(_table_line(text, header, None), f"[{header}] must be a table of name = \"TYPE\"")
        return {}
    out: dict[str, str] = {}
    for key, value in data.items():
        line = _table_line(text, header, key)
        if keys is not None and key not in keys:
            report(line, f"unknown key '{key}' in [{header}] (allowed: {', '.join(keys)})")
        elif not isinstance(value, str) or not value:
            report(line, f"[{header}] {key} must be a span type name (a string)")
        elif value not in span_types:
            report(line, f"[{header}] maps {key} to '{value}', which is not a span type of the schema")
        else:
            out[key] = value
    return out


def spacy_table(data: Any, text: str, span_types: set[str], report: Report) -> dict[str, str]:
    """Check the ``[spacy]`` table (only ``labels`` in it); return the label mapping."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        report(_table_line(text, "spacy", None), "'spacy' must be a table ([spacy.labels])")
        return {}
    for key in data:
        if key != "labels":
            report(_table_line(text, "spacy", key) or _table_line(text, f"spacy.{key}", None),
                   f"unknown key '{key}' in [spacy] (allowed: labels)")
    return mapping(data.get("labels"), "spacy.labels", text, span_types, report)
