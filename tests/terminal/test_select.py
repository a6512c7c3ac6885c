"""Acting where you stand, in a real terminal: enter selects (and cycles), dimmed keys say why,
]/[ are relative to where you are, a held span takes a fragment with +, messages do not stick."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.conftest import SEED, SEED_NAME
from tests.terminal.harness import covers, needs_tmux, wait_db
from tui.core.formats.text import read_document
from tui.core.model import Relation, Span
from tui.core.store import Store

pytestmark = needs_tmux

TEXT = read_document(SEED, SEED_NAME).text
BASRA = TEXT.index("Basra")  # 34: six `w` from the start
IN_BASRA = TEXT.index("in Basra")
HEAVY = 0


def _db(tmp_path: Path, spans: list[tuple[int, int, str]], relate: bool = False) -> Path:
    """The seed article with these spans (and a PHYS relation from the second to the first)."""
    path = tmp_path / "select.db"
    with Store(path, annotator="alice") as store:
        doc, _ = store.add_document(read_document(SEED, SEED_NAME))
        with store.action("set up", doc.id) as tx:
            made = [tx.add(Span(label=label, fragments=[(s, e)], doc_id=doc.id)) for s, e, label in spans]
            if relate:
                from tui.core.model import Argument
                tx.add(Relation(type="PHYS", doc_id=doc.id, arguments=[
                    Argument(role="Arg1", target=made[1].id), Argument(role="Arg2", target=made[0].id)]))
    return path


def _to_basra(term) -> None:
    term.press(*["w"] * 6)
    term.wait("1:35", "the cursor on Basra")


@covers("select-here", "delete")
def test_enter_cycles_nested_spans_and_a_dimmed_key_says_why(term, tmp_path):
    """Two nested spans under the cursor: `d` says to select one; enter selects the inner one, again the
    outer one (the status line names each); `d` then deletes the outer one only."""
    db = _db(tmp_path, [(BASRA, BASRA + 5, "GPE"), (IN_BASRA, BASRA + 5, "LOC")])
    term.start("--db", db)
    term.wait_ready("Heavy fighting")
    _to_basra(term)
    term.press("d")
    term.wait("2 annotations here: select one first", "why d did nothing")
    assert len(wait_db(db, "SELECT id FROM spans", lambda r: len(r) == 2, "both spans still there")) == 2
    term.press("Enter")
    term.wait(lambda s: "GPE “Basra”" in term.status(), "the status line naming GPE Basra")
    term.press("Enter")
    term.wait(lambda s: "LOC “in Basra”" in term.status(), "the status line naming LOC in Basra")
    term.press("d")
    rows = wait_db(db, "SELECT label, text FROM spans", lambda r: len(r) == 1, "one span left")
    assert rows == [("GPE", "Basra")]
    assert term.quit() == 0


@covers("select-here", "delete")
def test_keys_act_on_the_only_span_under_the_cursor(term, tmp_path):
    """Off any span `d` says "select an annotation first"; on the only span, `space` names it and
    `d` (nothing selected) deletes it."""
    db = _db(tmp_path, [(BASRA, BASRA + 5, "GPE")])
    term.start("--db", db)
    term.wait_ready("Heavy fighting")
    term.press("d")
    term.wait("select an annotation first: enter", "why d did nothing off a span")
    _to_basra(term)
    term.press("Space")
    term.wait(lambda s: "GPE “Basra”" in term.status(), "space selecting Basra")
    term.press("Escape")
    term.wait(lambda s: "GPE “Basra”" not in term.status(), "escape deselecting it")
    term.press("d")
    wait_db(db, "SELECT id FROM spans", lambda r: r == [], "the span deleted by d where it stands")
    assert term.quit() == 0


@covers("previous-annotation", "next-annotation", "delete")
def test_brackets_are_relative_to_the_cursor_and_visit_relations(term, tmp_path):
    """Inside Basra, `[` selects the span before it (Heavy), not Basra; from Basra `]` goes to the
    relation that starts there, and `d` deletes the relation, not its arguments."""
    db = _db(tmp_path, [(HEAVY, HEAVY + 5, "PER"), (BASRA, BASRA + 5, "GPE")], relate=True)
    term.start("--db", db)
    term.wait_ready("Heavy fighting")
    _to_basra(term)
    term.press("l")
    term.wait("1:36", "the cursor inside Basra")
    term.press("[")
    term.wait(lambda s: "PER “Heavy”" in term.status(), "[ selecting the span before Basra")
    term.press("]")
    term.wait(lambda s: "GPE “Basra”" in term.status() and "relation" not in term.status(), "] selecting Basra")
    term.press("]")
    term.wait(lambda s: "PHYS relation" in term.status(), "] selecting the relation from Basra")
    term.press("d")
    wait_db(db, "SELECT id FROM relations", lambda r: r == [], "the relation deleted")
    assert len(wait_db(db, "SELECT id FROM spans", lambda r: len(r) == 2, "both spans kept")) == 2
    assert term.quit() == 0


@covers("select-here", "toggle-visual", "word-next", "word-end", "add-fragment", "release-annotation")
def test_a_held_span_takes_a_fragment_made_elsewhere(term, tmp_path):
    """enter on Basra, `v` holds it (`v` again ends the selection), `w` moves off it (it stays
    selected), `v` `e` selects "following", `+` adds it: one span, two fragments in the database."""
    db = _db(tmp_path, [(BASRA, BASRA + 5, "GPE")])
    term.start("--db", db)
    term.wait_ready("Heavy fighting")
    _to_basra(term)
    term.press("Enter")
    term.wait(lambda s: "GPE “Basra”" in term.status(), "Basra selected")
    term.press("v")
    term.wait(lambda s: "holding GPE “Basra”" in term.status(), "v holding Basra")
    term.press("v")
    term.wait(lambda s: "VISUAL" not in term.status(), "the selection ended")
    term.press("w")
    term.wait("1:41", "the cursor on 'following'")
    assert "holding GPE “Basra”" in term.status()
    term.press("v", "e")
    term.wait("“following”", "'following' selected")
    term.press("+")
    following = TEXT.index("following")
    rows = wait_db(db, "SELECT fragments, text FROM spans", lambda r: len(r) == 1 and "following" in r[0][1],
                   "Basra with a second fragment")
    assert rows[0][0].replace(" ", "") == f"[[{BASRA},{BASRA + 5}],[{following},{following + 9}]]"
    term.press("Escape")
    term.wait(lambda s: "holding" not in term.status(), "escape releasing the span")
    assert term.quit() == 0


@covers("tag-3", "undo")
def test_a_status_message_goes_away_by_itself(term, seed_db):
    """The message of an action (undo's) leaves the status line after a few seconds, no key pressed."""
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting")
    _to_basra(term)
    term.press("3")
    wait_db(seed_db, "SELECT id FROM spans", lambda r: len(r) == 1, "the tag")
    term.press("u")
    term.wait(lambda s: "Undone: tag GPE Basra" in term.status(), "undo's message")
    wait_db(seed_db, "SELECT id FROM spans", lambda r: r == [], "the tag undone")
    term.wait(lambda s: "Undone" not in term.status(), "the message gone", timeout=15)
    assert "1:35" in term.status()  # the cursor did not move: the message went by itself
    assert term.quit() == 0


@pytest.mark.parametrize("key", ["R", "C", "A", "colon", "at"])
@covers("relation", "coreference", "attributes", "note", "normalization")
def test_keys_on_an_annotation_say_why_off_one(term, seed_db, key):
    """With nothing selected and nothing under the cursor, each of R C A : @ says what to do."""
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting")
    term.press({"colon": ":", "at": "@"}.get(key, key))
    term.wait("select an annotation first: enter", f"why {key} did nothing")
    assert term.quit() == 0


@covers("select-here", "toggle-visual", "word-next", "word-end", "respan")
def test_a_held_span_is_respanned_to_a_selection_elsewhere(term, tmp_path):
    """enter on Basra, `v` `v` holds it, `w` `v` `e` selects "following", `=` moves the span there."""
    db = _db(tmp_path, [(BASRA, BASRA + 5, "GPE")])
    term.start("--db", db)
    term.wait_ready("Heavy fighting")
    _to_basra(term)
    term.press("Enter")
    term.wait(lambda s: "GPE “Basra”" in term.status(), "Basra selected")
    term.press("v")
    term.wait(lambda s: "holding GPE “Basra”" in term.status(), "v holding Basra")
    term.press("v", "w")
    term.wait("1:41", "the cursor on 'following'")
    term.press("v", "e")
    term.wait("“following”", "'following' selected")
    term.press("=")
    following = TEXT.index("following")
    rows = wait_db(db, "SELECT start, end, text FROM spans", lambda r: r and r[0][2] == "following",
                   "the span moved to 'following'")
    assert rows == [(following, following + 9, "following")]
    assert term.quit() == 0


@covers("toggle-entities", "focus-next", "role-fill", "role-done")
def test_enter_still_fills_a_role_while_the_prompt_is_open(term, tmp_path):
    """The role prompt (opened with `e` in the events panel) keeps enter: it fills the role with the
    candidate shown, not "select here"."""
    path = tmp_path / "role.db"
    fighting = TEXT.index("fighting")
    troops = TEXT.index("troops")
    with Store(path, annotator="alice") as store:
        doc, _ = store.add_document(read_document(SEED, SEED_NAME))
        with store.action("set up", doc.id) as tx:
            trigger = tx.add(Span(label="Attack", fragments=[(fighting, fighting + 8)], doc_id=doc.id))
            from tui.core.model import Event
            tx.add(Event(type="Attack", trigger=trigger.id, doc_id=doc.id))
            tx.add(Span(label="PER", fragments=[(troops, troops + 6)], doc_id=doc.id))
    term.start("--db", path)
    term.wait_ready("Heavy fighting")
    term.press("F2")
    term.wait_gone("Entities", "f2 hiding the entities panel")
    term.press("Tab", "Down", "e")
    term.wait(lambda s: "ROLE Attacker" in term.status(), "the role prompt on Attacker")
    term.press("Enter")
    rows = wait_db(path, "SELECT arguments FROM events", lambda r: r and "Attacker" in r[0][0],
                   "the Attacker role filled")
    assert troops and "Attacker" in rows[0][0]
    term.press("Escape")
    term.wait(lambda s: "ROLE" not in term.status(), "the prompt closed")
    assert term.quit() == 0


@covers("word-next", "delete")
def test_why_survives_keys_typed_in_one_burst(term, tmp_path):
    """`w` x6 and `d` in one burst (as a fast typist sends them): the move's late message handling
    must not wipe the reason `d` gives."""
    db = _db(tmp_path, [(BASRA, BASRA + 5, "GPE"), (IN_BASRA, BASRA + 5, "LOC")])
    term.start("--db", db)
    term.wait_ready("Heavy fighting")
    term.press(*["w"] * 6, "d")
    term.wait("2 annotations here: select one first", "why d did nothing")
    assert term.quit() == 0


@pytest.mark.parametrize("key", ["+", "="])
@covers("add-fragment", "respan")
def test_fragment_keys_say_how_to_reach_them(term, tmp_path, key):
    """`+` and `=` with no span held say how: select the span, then v and motions."""
    db = _db(tmp_path, [(BASRA, BASRA + 5, "GPE")])
    term.start("--db", db)
    term.wait_ready("Heavy fighting")
    term.press(key)
    term.wait("select the span first (enter), then v and motions", f"why {key} did nothing")
    _to_basra(term)
    term.press("Enter", key)
    term.wait("v and motions select the text (the span stays held)", f"what {key} needs next")
    assert term.quit() == 0
