"""The gold file, and how the database compares with it.

GOLD.json::

    {"spans": [{"start", "end", "text", "label"}],
     "events": [{"type", "trigger": {"start", "end", "text"},
                 "arguments": [{"role", "start", "end", "text"}]}],
     "coref": [[{"start", "end"}, ...]]}

Offsets are code points, end exclusive. A span's ``text`` must be the text at its offsets
(checked on load). The comparison reads the analyst's layer: accepted annotations only
(pending and rejected leftovers do not count, either way).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

SpanKey = tuple[int, int, str]
EventKey = tuple[str, int, int, frozenset[tuple[str, int, int]]]
ChainKey = frozenset[tuple[int, int]]


@dataclass
class Gold:
    """The gold annotation of one article."""

    spans: list[SpanKey]
    events: list[EventKey]
    coref: list[ChainKey]

    @property
    def members(self) -> int:
        """Coreference members, over all chains."""
        return sum(len(c) for c in self.coref)


def load_gold(path: Path, text: str) -> Gold:
    """Read and check a gold file against the article's text.

    Raises:
        ValueError: an offset outside the text or a ``text`` that is not the text there.
    """
    raw = json.loads(Path(path).read_text(encoding="utf-8"))

    def where(item: dict, what: str) -> tuple[int, int]:
        s, e = int(item["start"]), int(item["end"])
        if not 0 <= s < e <= len(text):
            raise ValueError(f"{path}: {what} {s}-{e} outside the text")
        if "text" in item and text[s:e] != item["text"]:
            raise ValueError(f"{path}: {what} {s}-{e} is {text[s:e]!r} in the text, not {item['text']!r}")
        return s, e

    spans = [(*where(s, "span"), s["label"]) for s in raw.get("spans", [])]
    events = []
    for ev in raw.get("events", []):
        ts, te = where(ev["trigger"], "trigger")
        args = frozenset((a["role"], *where(a, f"{ev['type']} {a['role']}")) for a in ev.get("arguments", []))
        events.append((ev["type"], ts, te, args))
    coref = [frozenset(where(m, "coreference member") for m in chain) for chain in raw.get("coref", [])]
    if len(set(spans)) != len(spans):
        raise ValueError(f"{path}: a span is listed twice")
    return Gold(sorted(spans), sorted(events, key=lambda e: (e[1], e[0])), coref)


@dataclass
class Layer:
    """What the analyst's layer holds (accepted), in the gold's terms."""

    spans: set[SpanKey] = field(default_factory=set)
    events: set[EventKey] = field(default_factory=set)
    coref: set[ChainKey] = field(default_factory=set)


def read_layer(db: Path, doc_name: str, annotator: str) -> Layer:
    """The accepted annotations of ``annotator`` on ``doc_name`` (triggers are not entity spans)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        doc_id = conn.execute("SELECT id FROM documents WHERE name = ?", (doc_name,)).fetchone()[0]
        rows = conn.execute("SELECT id, start, \"end\", label FROM spans WHERE doc_id = ? AND annotator = ? "
                            "AND status = 'accepted'", (doc_id, annotator)).fetchall()
        where = {i: (s, e) for i, s, e, _ in rows}
        events = conn.execute("SELECT type, trigger, arguments FROM events WHERE doc_id = ? AND annotator = ? "
                              "AND status = 'accepted'", (doc_id, annotator)).fetchall()
        chains = conn.execute("SELECT members FROM equivalences WHERE doc_id = ? AND annotator = ? "
                              "AND status = 'accepted'", (doc_id, annotator)).fetchall()
    finally:
        conn.close()
    layer = Layer()
    triggers = set()
    for type_, trigger, arguments in events:
        triggers.add(trigger)
        if trigger not in where:
            continue
        args = frozenset((a["role"], *where[a["target"]]) for a in json.loads(arguments) if a["target"] in where)
        layer.events.add((type_, *where[trigger], args))
    layer.spans = {(s, e, label) for i, s, e, label in rows if i not in triggers}
    for (members,) in chains:
        layer.coref.add(frozenset(where[m] for m in json.loads(members) if m in where))
    return layer


def compare(gold: Gold, layer: Layer) -> dict[str, dict[str, int]]:
    """Missed (gold, not in the layer) and extra (in the layer, not gold), per kind."""
    g_spans, g_events, g_coref = set(gold.spans), set(gold.events), set(gold.coref)
    return {
        "missed": {"spans": len(g_spans - layer.spans), "events": len(g_events - layer.events),
                   "coref": len(g_coref - layer.coref)},
        "extra": {"spans": len(layer.spans - g_spans), "events": len(layer.events - g_events),
                  "coref": len(layer.coref - g_coref)},
    }
