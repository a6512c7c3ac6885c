"""The one table of keys the benchmark plays, read from the live bindings (``tui keys --format json``).

Each feature names the binding ids it may have, or (for keys planned on other
branches, whose ids may differ) the owner, key and words of its description.
A feature with a fallback always has a key (today's key, when the binding is
not listed); one without is used only when the app lists it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.terminal.keys import tmux_key

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Feature:
    """A key the analyst may press: where to find it among the bindings."""

    name: str
    owner: str
    """A substring of the owning class's dotted path (``ReaderScreen``, ``ReviewScreen``...)."""
    ids: tuple[str, ...] = ()
    key: str | None = None
    """For a planned binding: the key it is planned on (matched with ``words``)."""
    words: tuple[str, ...] = ()
    """For a planned binding: words its description contains (any of them, case-insensitive)."""
    fallback: str | None = None
    """Today's key (Textual name) when the binding is not listed; None: the feature is optional."""


FEATURES: tuple[Feature, ...] = (
    # reading and selecting
    Feature("word-next", "ArticleView", ("word-next",), fallback="w"),
    Feature("word-prev", "ArticleView", ("word-prev",), fallback="b"),
    Feature("word-end", "ArticleView", ("word-end",), fallback="e"),
    Feature("sentence-next", "ArticleView", ("sentence-next",), fallback="right_parenthesis"),
    Feature("sentence-prev", "ArticleView", ("sentence-prev",), fallback="left_parenthesis"),
    Feature("paragraph-next", "ArticleView", ("paragraph-next",), fallback="right_curly_bracket"),
    Feature("paragraph-prev", "ArticleView", ("paragraph-prev",), fallback="left_curly_bracket"),
    Feature("doc-start", "ArticleView", ("doc-start",), fallback="g"),
    Feature("cursor-right", "ArticleView", ("cursor-right",), fallback="l"),
    Feature("cursor-left", "ArticleView", ("cursor-left",), fallback="h"),
    Feature("toggle-visual", "ArticleView", ("toggle-visual",), fallback="v"),
    Feature("search", "ReaderScreen", ("search",), fallback="slash"),
    Feature("search-next", "ReaderScreen", ("search-next",), fallback="n"),
    Feature("repeat-tag", "ReaderScreen", ("repeat-tag",), fallback="full_stop"),
    Feature("select-here", "ReaderScreen", ("select-here",), fallback="enter"),
    Feature("release", "ReaderScreen", ("release-annotation",), fallback="escape"),
    Feature("undo", "ReaderScreen", ("undo",), fallback="u"),
    # tagging
    *(Feature(f"tag-{i}", "ReaderScreen", (f"tag-{i}",), fallback=str(i)) for i in range(1, 10)),
    Feature("tag-type", "ReaderScreen", ("tag-type",), fallback="t"),
    Feature("event", "ReaderScreen", ("event",), fallback="E"),
    Feature("coreference", "ReaderScreen", ("coreference",), fallback="C"),
    Feature("role-next", "ReaderScreen", ("role-next",), fallback="tab"),
    Feature("role-fill", "ReaderScreen", ("role-fill",), fallback="enter"),
    Feature("role-skip", "ReaderScreen", ("role-skip",), fallback="s"),
    Feature("role-done", "ReaderScreen", ("role-done",), fallback="escape"),
    # review
    Feature("review", "ReaderScreen", ("review",), fallback="r"),
    Feature("review-accept", "ReviewScreen", ("review-accept",), fallback="a"),
    Feature("review-reject", "ReviewScreen", ("review-reject",), fallback="x"),
    Feature("review-skip", "ReviewScreen", ("review-skip",), fallback="space"),
    Feature("review-close", "ReviewScreen", ("review-close",), fallback="escape"),
    # planned on other branches (issue 14): used when the app lists them
    Feature("next-name", "ReaderScreen", ("next-name", "select-next-name", "name-next"), key="m",
            words=("name", "capitalised", "capitalized")),
    Feature("suggest", "ReaderScreen", ("suggest-defaults", "suggest", "run-suggestions"), key="a",
            words=("suggest",)),
    Feature("tag-all-hits", "ReaderScreen", ("tag-hits", "tag-all-hits", "tag-every-hit"), key="asterisk",
            words=("hit",)),
    Feature("review-accept-all", "ReviewScreen", ("review-accept-all", "review-bulk-accept", "bulk-accept"),
            key="A", words=("accept",)),
    Feature("review-reject-all", "ReviewScreen", ("review-reject-all", "review-bulk-reject", "bulk-reject"),
            key="X", words=("reject",)),
    # the role prompt's letters (the letter itself is read off the prompt's roles line)
    Feature("role-letter", "ReaderScreen", ("role-letter-a",)),
    # the bulk chooser's scopes: same text and label, same label, every remaining item
    Feature("bulk-text", "BulkDialog", ("bulk-text",), fallback="t"),
    Feature("bulk-label", "BulkDialog", ("bulk-label",), fallback="l"),
    Feature("bulk-document", "BulkDialog", ("bulk-document",), fallback="d"),
)
"""Every key the benchmark may press, by feature name."""

#: Textual key names that are no Unicode character name (``tmux_key`` would pass them on as words).
_NOT_UNICODE = {"slash": "/", "plus": "+", "at": "@", "backslash": "\\", "right": "Right", "left": "Left",
                "up": "Up", "down": "Down"}


def tmux_name(key: str) -> str:
    """A Textual key name as ``tmux send-keys`` takes it."""
    return _NOT_UNICODE.get(key) or tmux_key(key)


def live_bindings(db: Path | None = None) -> list[dict]:
    """The bindings as ``tui keys --format json`` lists them (keymap applied)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-m", "tui", "keys", "--format", "json"], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


class Keys:
    """The resolved table: feature name -> tmux key name (or absent)."""

    def __init__(self, bindings: list[dict]) -> None:
        self.keys: dict[str, str] = {}
        self.source: dict[str, str] = {}
        for f in FEATURES:
            found = self._find(f, bindings)
            if found is not None:
                self.keys[f.name], self.source[f.name] = tmux_name(found), "listed"
            elif f.fallback is not None:
                self.keys[f.name], self.source[f.name] = tmux_name(f.fallback), "fallback"

    @staticmethod
    def _find(f: Feature, bindings: list[dict]) -> str | None:
        mine = [b for b in bindings if f.owner in (b.get("owner") or "") and b.get("keys")]
        for b in mine:
            if b.get("id") in f.ids:
                return b["keys"][0]
        if f.key is not None:
            for b in mine:
                text = f"{b.get('description') or ''} {b.get('tooltip') or ''}".lower()
                if f.key in b["keys"] and any(w in text for w in f.words):
                    return f.key
        return None

    def has(self, name: str) -> bool:
        return name in self.keys

    def __getitem__(self, name: str) -> str:
        return self.keys[name]
