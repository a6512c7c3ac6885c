"""Role filling in a real terminal (issue 13, item 9): only compatible candidates, nearest first, around the trigger's paragraph."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.app.conftest import SEED_NAME
from tests.terminal.harness import covers, needs_tmux, wait_db
from tests.terminal.keys import binding_key
from tui.core.model import Argument, Event, Span
from tui.core.store import Store

pytestmark = needs_tmux

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _line_start(text: str, n: int) -> int:
    """Offset of the start of line ``n`` (1-based)."""
    at = 0
    for _ in range(n - 1):
        at = text.index("\n", at) + 1
    return at


def _tag(db: Path) -> dict[str, int]:
    """Alice's mentions: troops (PER) and Basra (GPE) on line 1, Basra on lines 2 and 4 (GPE)."""
    with Store(db, annotator="alice") as store:
        doc = store.document(SEED_NAME)
        text = doc.text
        where = {
            "troops": text.index("troops"),
            "basra1": text.index("Basra"),
            "basra2": text.index("Basra", _line_start(text, 2)),
            "basra4": text.index("Basra", _line_start(text, 4)),
        }
        with store.action("tag", doc.id) as tx:
            tx.add(Span(label="PER", fragments=[(where["troops"], where["troops"] + 6)], doc_id=doc.id))
            for key in ("basra1", "basra2", "basra4"):
                tx.add(Span(label="GPE", fragments=[(where[key], where[key] + 5)], doc_id=doc.id))
        where["offensive"] = text.index("offensive")
        return where


def _arguments(db: Path) -> list[tuple[str, str, int]]:
    rows = wait_db(db, "SELECT arguments FROM events", lambda r: len(r) == 1, "one event")
    spans = dict(((i, (t, s)) for i, t, s in wait_db(db, "SELECT id, text, start FROM spans", lambda r: True, "spans")))
    return [(a["role"], *spans[a["target"]]) for a in json.loads(rows[0][0])]


@covers("word-next", "event", "role-fill", "role-next")
def test_roles_offer_only_compatible_candidates_nearest_first(term, seed_db):
    """E a on "offensive": Attacker offers troops first; Target and Instrument have none and are skipped,
    saying so; enter on troops for Place is refused; Place offers line 1 and 2's Basra only; after it the
    prompt closes by itself (Time-* are optional) with the cursor back on the trigger."""
    where = _tag(seed_db)
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting has been raging in Basra")
    term.press(*["w"] * 11)
    term.wait(f"@{where['offensive']}", "the cursor on offensive")
    term.press(binding_key("event"))
    term.wait("Event on", "the event type picker")
    term.press("a")  # Attack's hotkey
    term.wait("Attacker", "the role prompt on Attacker")
    term.wait(lambda s: "“troops”" in s and "1/3" in s, "troops (nearest), then line 1 and line 2's Basra; not line 4's")
    term.wait("[a] Attacker · [c] Target · [i] Instrument · [p] Place", "each open role with its letter")
    term.press("Enter")
    term.wait("skipped, none near: Target, Instrument", "the roles with no candidate skipped, said so")
    term.wait(lambda s: "▸ Place" in s and "“Basra”" in s and "1/2" in s,
              "the prompt on Place: two Basra candidates, line 1 and line 2, not line 4")
    term.press(*["w"] * 10)  # from the first Basra onto troops
    term.wait(f"@{where['troops']}", "the cursor on troops")
    term.wait("“troops” (PER) cannot fill Place", "the prompt says troops cannot fill it")
    term.press("Enter")
    term.wait("tab to a candidate", "enter on the incompatible filler refused, saying why")
    assert [r for r, _, _ in _arguments(seed_db)] == ["Attacker"]
    term.press("Tab")
    term.wait(f"@{where['basra1']}", "tab back to the nearest Basra")
    term.press("Enter")
    term.wait(lambda s: "NORMAL" in s and "▸ Place" not in s and "candidate:" not in s,
              "the prompt closed by itself after the last role (no escape)")
    term.wait(f"@{where['offensive']}", "the cursor back on the trigger")
    assert _arguments(seed_db) == [("Attacker", "troops", where["troops"]), ("Place", "Basra", where["basra1"])]
    assert term.quit() == 0


@covers("role-letter-p", "role-more", "role-skip", "role-done")
def test_a_letter_fills_its_role_and_plus_offers_the_optional_roles(term, seed_db):
    """p fills Place with the current candidate out of order; + offers Time-*; s skips; escape ends."""
    where = _tag(seed_db)
    with Store(seed_db, annotator="alice") as store:
        doc = store.document(SEED_NAME)
        at = doc.text.index("pre-dawn")
        with store.action("tag", doc.id) as tx:
            tx.add(Span(label="TIME", fragments=[(at, at + 8)], doc_id=doc.id))
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting has been raging in Basra")
    term.press(*["w"] * 11)
    term.wait(f"@{where['offensive']}", "the cursor on offensive")
    term.press(binding_key("event"), "a")
    term.wait(lambda s: "▸ Attacker" in s and "“troops”" in s and "+ 8 more" in s,
              "Attacker offered troops; the eight Time roles held back")
    term.press("Tab")
    term.wait(lambda s: "“Basra”" in s and "2/3" in s, "tab to the first Basra")
    term.press(binding_key("role-letter-p"))
    wait_db(seed_db, "SELECT arguments FROM events", lambda r: len(r) == 1 and "Place" in r[0][0],
            "Place filled by its letter")
    term.wait(lambda s: "▸ Attacker" in s and "1/2" in s and "[p] Place" not in s,
              "still on Attacker, Basra no longer offered, Place no longer open")
    term.press(binding_key("role-more"))
    term.wait("[m] Time-Within", "the optional roles offered, with letters")
    term.press(binding_key("role-skip"))
    term.wait(lambda s: "▸ Target" in s and "“troops”" in s, "Attacker skipped; Target offers troops")
    term.press("Enter")
    term.wait(lambda s: "▸ Time-Within" in s and "“pre-dawn”" in s,
              "Instrument skipped (none near), Place already filled: Time-Within offers pre-dawn")
    term.press(binding_key("role-done"))
    term.wait(lambda s: "NORMAL" in s and "▸ Time-Within" not in s and "candidate:" not in s,
              "escape ends the prompt")
    term.wait(f"@{where['offensive']}", "the cursor back on the trigger")
    assert sorted(_arguments(seed_db)) == [("Place", "Basra", where["basra1"]),
                                           ("Target", "troops", where["troops"])]
    assert term.quit() == 0


@covers("next-annotation")
def test_schema_warnings_name_the_text_not_an_id(term, seed_db):
    """An event whose Instrument is a GPE is flagged with “Basra” (GPE), never a UUID."""
    where = _tag(seed_db)
    with Store(seed_db, annotator="alice") as store:
        doc = store.document(SEED_NAME)
        basra = next(s for s in store.annotations(doc.id).spans if s.start == where["basra1"])
        with store.action("event", doc.id) as tx:
            off = where["offensive"]
            trigger = tx.add(Span(label="Attack", fragments=[(off, off + 9)], doc_id=doc.id))
            tx.add(Event(type="Attack", trigger=trigger.id, doc_id=doc.id,
                         arguments=[Argument(role="Instrument", target=basra.id)]))
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting has been raging in Basra")
    term.press(binding_key("next-annotation"), binding_key("next-annotation"))
    screen = term.wait("is not one of", "the problem in the inspector")
    lines = [line for line in screen.split("\n") if "not one of" in line]
    assert any("“Basra” (GPE)" in line for line in lines), lines
    assert not any(UUID.search(line) for line in lines), lines
    assert term.quit() == 0


LETTERS = [("a", "Attacker", "troops", "PER"), ("c", "Target", "troops", "PER"),
           ("i", "Instrument", "weapons", "WEA"), ("p", "Place", "Basra", "GPE"),
           ("m", "Time-Within", "pre-dawn", "TIME"), ("f", "Time-Holds", "pre-dawn", "TIME"),
           ("x", "Time-Starting", "pre-dawn", "TIME"), ("z", "Time-Ending", "pre-dawn", "TIME")]


def _words_between(text: str, start: int, end: int) -> list[str]:
    """The ``w`` / ``b`` presses that take the cursor from ``start`` to ``end`` (the view's word motions)."""
    from tui.core.text import motions

    keys, at = [], start
    while at != end:
        step = "w" if at < end else "b"
        at = motions.next_word_start(text, at) if step == "w" else motions.prev_word_start(text, at)
        keys.append(step)
    return keys


@covers("role-letter-a", "role-letter-c", "role-letter-f", "role-letter-i", "role-letter-m",
        "role-letter-p", "role-letter-x", "role-letter-z")
@pytest.mark.parametrize("letter,role,word,label", LETTERS)
def test_each_role_letter_fills_its_role_with_the_mention_under_the_cursor(term, seed_db, letter, role, word, label):
    """With the prompt on Attacker (and + pressed for Time-*), the role's letter fills that role with the mention under the cursor."""
    where = _tag(seed_db)
    with Store(seed_db, annotator="alice") as store:
        doc = store.document(SEED_NAME)
        text = doc.text
        with store.action("tag", doc.id) as tx:
            for w, lab in (("pre-dawn", "TIME"), ("weapons", "WEA")):
                at = text.index(w)
                tx.add(Span(label=lab, fragments=[(at, at + len(w))], doc_id=doc.id))
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting has been raging in Basra")
    term.press(*["w"] * 11)
    term.wait(f"@{where['offensive']}", "the cursor on offensive")
    term.press(binding_key("event"), "a")
    term.wait(lambda s: "▸ Attacker" in s and "“troops”" in s, "the prompt on Attacker")
    if role.startswith("Time-"):
        term.press(binding_key("role-more"))
        term.wait("[m] Time-Within", "the Time roles offered")
    term.wait(f"[{letter}] {role}", f"{role} shown with its letter")
    target = text.index(word)
    term.press(*_words_between(text, where["troops"], target))
    term.wait(f"@{target}", f"the cursor on {word}")
    term.press(binding_key(f"role-letter-{letter}"))
    assert wait_db(seed_db, "SELECT arguments FROM events", lambda r: len(r) == 1 and role in r[0][0],
                   f"{role} filled")
    assert _arguments(seed_db) == [(role, word, target)]
    assert term.quit() == 0
