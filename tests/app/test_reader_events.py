"""Events (E and the role prompt), relations (R) and coreference (C), asserted on the database."""

from __future__ import annotations

from tests.app.conftest import db_annotations, goto_text, reader_of, select_text
from tui.app.app import make_app
from tui.app.dialogs.picker import PickerDialog
from tui.app.dialogs.role_prompt import RolePrompt
from tui.core.model import Equivalence
from tui.core.store import Store

SIZE = (160, 50)


async def tag(pilot, needle: str, key: str, nth: int = 0) -> str:
    """Select ``needle`` and press a tag key; returns the new span's id."""
    await select_text(pilot, needle, nth)
    await pilot.press(key)
    await pilot.pause()
    screen = reader_of(pilot.app)
    span = screen.by_id[screen.selected_id]
    assert span.text == needle
    return span.id


async def test_event_with_roles_tab_enter_skip_new_mention_escape(seed_db):
    """E + type picker makes trigger and event; tab/enter fill roles, s skips, a role with no candidate is
    skipped by itself, a selection plus a tag key adds a mention, the prompt ends after the last role."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        basra = await tag(pilot, "Basra", "3")
        troops = await tag(pilot, "Iraqi troops", "1")
        militias = await tag(pilot, "Shi'ite militias", "2")
        await goto_text(pilot, "offensive")
        await pilot.press("E")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PickerDialog)
        await pilot.press("a")  # Attack's hotkey
        await pilot.pause()
        # committed before the prompt shows: trigger and event are in the database
        committed = db_annotations(seed_db)
        assert [(e.type, e.arguments) for e in committed.events] == [("Attack", [])]
        prompt = screen.query_one(RolePrompt)
        assert prompt.is_open and screen.pick.role.name == "Attacker"
        # candidates: only compatible types, nearest the trigger first -> Iraqi troops, Basra, militias
        assert screen.pick.candidates[:3] == [troops, basra, militias]
        assert screen.selected_id == troops  # the candidate is shown selected
        assert screen.view.selected_id == troops
        await pilot.press("tab")
        assert screen.selected_id == basra
        await pilot.press("tab", "shift+tab", "shift+tab")
        assert screen.selected_id == troops
        await pilot.press("enter")  # Attacker = Iraqi troops
        await pilot.pause()
        assert screen.pick.role.name == "Target"
        assert screen.selected_id == militias  # troops fills Attacker: no longer offered (issue 14)
        await pilot.press("s")  # skip Target
        await pilot.pause()
        # Instrument has no WEA|VEH near: skipped by itself, and said
        assert screen.pick.role.name == "Place" and screen.pick.skipped == ["Instrument"]
        assert screen.selected_id == basra
        await select_text(pilot, "southern city")
        await pilot.press("4")  # a new LOC mention fills Place, the last role: the prompt closes
        await pilot.pause()
        assert screen.pick is None and not prompt.is_open
        event_id = screen.anns.events[0].id
        assert screen.selected_id == event_id
        trigger = screen.by_id[screen.anns.events[0].trigger]
        assert screen.view.cursor == trigger.start  # back on the trigger
    anns = db_annotations(seed_db)
    (event,) = anns.events
    by_id = anns.by_id()
    assert event.type == "Attack" and by_id[event.trigger].text == "offensive"
    assert by_id[event.trigger].label == "Attack"
    assert [(a.role, by_id[a.target].text) for a in event.arguments] == [
        ("Attacker", "Iraqi troops"), ("Place", "southern city"),
    ]
    assert by_id[event.arguments[-1].target].label == "LOC"


async def test_an_event_with_no_mention_near_keeps_and_flags_missing_mandatory_role(seed_db):
    """No mention near: every role is skipped and the prompt ends at once; the event stays and its missing
    mandatory role (Die needs a Victim) is flagged."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        await goto_text(pilot, "killed")
        await pilot.press("E", "d")  # Die
        await pilot.pause()
        assert screen.pick is None
        problems = [p for p in screen.problems if p.kind == "missing-role"]
        assert [p.annotation_id for p in problems] == [screen.anns.events[0].id]
        assert any("Victim" in n.message for n in pilot.app._notifications)
    anns = db_annotations(seed_db)
    assert [(e.type, e.arguments) for e in anns.events] == [("Die", [])]


async def test_role_prompt_leaves_the_reader_usable(seed_db):
    """While the role prompt is open, motions move the cursor and a span under it becomes the candidate."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        sadr = await tag(pilot, "Moqtada al-Sadr", "1")
        await goto_text(pilot, "threatening")
        await pilot.press("E")
        await pilot.press("slash", "M", "e", "e", "t", "enter")  # / filters: Meet
        await pilot.pause()
        assert screen.anns.events[0].type == "Meet"
        await goto_text(pilot, "Moqtada")  # move inside the mention
        assert screen.selected_id == sadr
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
    (event,) = db_annotations(seed_db).events
    assert [(a.role, a.target) for a in event.arguments] == [("Entity", sadr)]


async def test_relation_pick_type_then_target(seed_db):
    """R from the selected mention: pick the relation type, then the target as for a role."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        cairo = await tag(pilot, "Cairo", "3")
        reporter = await tag(pilot, "Challiss McDonough", "1")
        assert screen.selected_id == reporter
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PickerDialog)
        await pilot.press("slash", "P", "H", "Y", "S", "enter")
        await pilot.pause()
        assert screen.pick is not None and screen.pick.purpose == "relation"
        assert screen.selected_id == cairo
        assert db_annotations(seed_db).relations == []  # nothing until the target is chosen
        await pilot.press("enter")
        await pilot.pause()
        assert screen.pick is None
    (rel,) = db_annotations(seed_db).relations
    assert rel.type == "PHYS"
    assert [(a.role, a.target) for a in rel.arguments] == [("Arg-1", reporter), ("Arg-2", cairo)]


async def test_relation_escape_writes_nothing(seed_db):
    """Escape while picking a relation target cancels it."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        await tag(pilot, "Cairo", "3")
        await tag(pilot, "Challiss McDonough", "1")
        await pilot.press("R", "slash", "P", "H", "Y", "S", "enter", "escape")
        await pilot.pause()
        assert reader_of(pilot.app).pick is None
    assert db_annotations(seed_db).relations == []


async def test_coreference_creates_grows_and_merges_sets(seed_db):
    """C puts two mentions in a set, adds a third to it, and merges two sets into one (escape ends each chain)."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        s1 = await tag(pilot, "Moqtada al-Sadr", "1")
        s2 = await tag(pilot, "Moqtada Al-Sadr", "1")
        s3 = await tag(pilot, "Moqtada al-Sadr", "1", nth=1)
        # C from s1, then move to s2 and choose it
        screen._select(s1)
        await pilot.pause()
        await pilot.press("C")
        await pilot.pause()
        assert screen.pick is not None and screen.pick.purpose == "coref"
        await goto_text(pilot, "Moqtada Al-Sadr")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.pick is not None  # the chain stays open for the next mention
        await pilot.press("escape")
        await pilot.pause()
        sets = db_annotations(seed_db).equivalences
        assert [(e.type, sorted(e.members)) for e in sets] == [("Coref", sorted([s1, s2]))]
        # a second set {c1, c2}, then C from s3 to c1 merges... first grow the first set with s3
        screen._select(s3)
        await pilot.pause()
        await pilot.press("C")
        await goto_text(pilot, "Moqtada Al-Sadr")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.pick is not None  # the chain stays open for the next mention
        await pilot.press("escape")
        await pilot.pause()
        sets = db_annotations(seed_db).equivalences
        assert [sorted(e.members) for e in sets] == [sorted([s1, s2, s3])]
        # (a set holds one type: coreference only offers, and only takes, mentions of the source's type)
        c1 = await tag(pilot, "Sadr organization", "1")
        c2 = await tag(pilot, "Sadr organization", "1", nth=1)
        with Store(seed_db, annotator="alice") as other:
            other.add(Equivalence(type="Coref", members=[c1, c2], doc_id=screen.doc.id))
        screen._reload()
        screen._select(c1)
        await pilot.pause()
        await pilot.press("C")
        await goto_text(pilot, "Moqtada Al-Sadr")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.pick is not None  # the chain stays open for the next mention
        await pilot.press("escape")
        await pilot.pause()
    sets = db_annotations(seed_db).equivalences
    assert len(sets) == 1
    assert sorted(sets[0].members) == sorted([s1, s2, s3, c1, c2])
