"""Coreference chains in a real terminal (issue 13, item 10): C stays open, enter adds the nearest, escape ends."""

from __future__ import annotations

import json
from pathlib import Path

from tests.app.conftest import SEED_NAME
from tests.terminal.harness import covers, needs_tmux, wait_db
from tests.terminal.keys import binding_key
from tui.core.model import Span
from tui.core.store import Store

pytestmark = needs_tmux

MENTIONS = [("Moqtada al-Sadr", 0), ("Moqtada Al-Sadr", 0), ("Sadr", 3), ("Moqtada al-Sadr", 1)]
"""PER mentions (text, nth occurrence as a whole word), in text order; "Sadr" 3 is "on behalf of Sadr"."""


def _find(text: str, needle: str, nth: int) -> int:
    import re

    return [m.start() for m in re.finditer(rf"(?<!\w){re.escape(needle)}(?!\w)", text)][nth]


def _tag(db: Path) -> list[str]:
    with Store(db, annotator="alice") as store:
        doc = store.document(SEED_NAME)
        text = doc.text
        ids = []
        with store.action("tag", doc.id) as tx:
            first = text.index("Basra")
            tx.add(Span(label="GPE", fragments=[(first, first + 5)], doc_id=doc.id))
            for needle, nth in MENTIONS:
                start = _find(text, needle, nth)
                ids.append(tx.add(Span(label="PER", fragments=[(start, start + len(needle))], doc_id=doc.id)).id)
        return ids


def _sets(db: Path, check) -> list[list[str]]:
    rows = wait_db(db, "SELECT members FROM equivalences", lambda r: check([json.loads(m) for m, in r]),
                   "the coreference sets")
    return [json.loads(m) for m, in rows]


@covers("next-annotation", "coreference", "role-fill", "role-done", "undo")
def test_a_three_mention_chain_in_five_keys(term, seed_db):
    """] ] selects Moqtada al-Sadr, C opens the chain, enter enter adds the two nearest PER mentions, escape ends; u takes back one link."""
    ids = _tag(seed_db)
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting has been raging in Basra")
    term.press(binding_key("next-annotation"), binding_key("next-annotation"))
    term.wait(lambda s: "“Moqtada al-Sadr”" in s, "the first Moqtada al-Sadr selected")
    term.press(binding_key("coreference"))
    term.wait("Coreference chain of", "the chain prompt")
    term.wait(lambda s: "“Moqtada Al-Sadr”" in s and "1/3" in s, "the nearest PER first, 3 candidates (not Basra)")
    term.press("Enter")
    term.wait("· 2 in the set", "the first link, the prompt still open")
    term.wait(lambda s: "“Sadr”" in s and "1/2" in s, "the next nearest offered")
    term.press("Enter")
    term.wait("· 3 in the set", "the second link")
    term.press("Escape")
    term.wait(lambda s: "NORMAL" in s and "Coreference chain" not in s, "the chain ended")
    sets = _sets(seed_db, lambda sets: len(sets) == 1 and len(sets[0]) == 3)
    assert sorted(sets[0]) == sorted(ids[:3])
    term.press(binding_key("undo"))
    sets = _sets(seed_db, lambda sets: len(sets) == 1 and len(sets[0]) == 2)
    assert sorted(sets[0]) == sorted(ids[:2])
    assert term.quit() == 0
