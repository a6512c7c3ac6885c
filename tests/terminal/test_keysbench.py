"""The keys benchmark (bench/keys/) is itself tested: it reaches the gold, and counts every key it sends."""

from __future__ import annotations

import json
from pathlib import Path

import bench.keys.__main__ as keysbench
from bench.keys.gold import compare, load_gold, read_layer
from bench.keys.strategy import Plan
from tests.terminal.harness import Terminal, needs_tmux

pytestmark = needs_tmux

DATA = Path(__file__).resolve().parents[1] / "data" / "keysbench"


def test_a_typed_search_counts_one_key_per_character_plus_enter():
    """`/Basra⏎` is 7 keys; a wait for the app is no key."""
    assert Plan([("key", "/"), ("text", "Basra"), ("key", "Enter"), ("sync", "sel")], "search").cost == 7


def test_the_tiny_article_ends_exactly_as_its_gold_and_every_key_sent_is_counted(tmp_path, monkeypatch):
    """The analyst reproduces tiny.gold.json in the real app; the figures count exactly the keys tmux was sent."""
    sent: list[str] = []
    press, type_ = Terminal.press, Terminal.type

    def counting_press(self, *keys):
        sent.extend(keys)  # one key each
        press(self, *keys)

    def counting_type(self, text):
        sent.extend(text)  # one key per character
        type_(self, text)

    monkeypatch.setattr(Terminal, "press", counting_press)
    monkeypatch.setattr(Terminal, "type", counting_type)
    db = tmp_path / "bench.db"
    got = keysbench.run(DATA / "tiny.txt", DATA / "tiny.gold.json", db)

    gold_raw = json.loads((DATA / "tiny.gold.json").read_text(encoding="utf-8"))
    text = (DATA / "tiny.txt").read_text(encoding="utf-8")
    gold = load_gold(DATA / "tiny.gold.json", text)
    layer = read_layer(db, "tiny", keysbench.ANNOTATOR)
    assert compare(gold, layer) == {"missed": {"spans": 0, "events": 0, "coref": 0},
                                    "extra": {"spans": 0, "events": 0, "coref": 0}}, got["notes"]
    assert layer.spans == {(s["start"], s["end"], s["label"]) for s in gold_raw["spans"]}
    assert (got["missed"], got["extra"], got["notes"]) == (0, 0, [])
    # every key tmux was sent is counted in exactly one phase, except the final quit (not annotation work)
    assert sent[-1] == "q"
    assert sum(got["keys"].values()) == len(sent) - 1
    assert got["keys_per_mention"] == round(got["keys"]["mentions"] / 8, 3)
    assert got["keys_per_event"] == round(got["keys"]["events"] / 2, 3)
    assert got["keys_per_coref_member"] == round(got["keys"]["coref"] / 2, 3)
