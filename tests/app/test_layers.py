"""Annotator layers in the reader: one layer shown, another overlaid read-only, copies from it."""

from __future__ import annotations

from tests.app.conftest import SEED_NAME, db_annotations, goto, reader_of
from tui.app.app import make_app
from tui.app.dialogs.picker import PickerDialog
from tui.core.model import Argument, Attribute, Event, Span
from tui.core.store import Store

SIZE = (160, 50)


def bob_layer(path) -> dict[str, str]:
    """bob tags Basra (GPE, with a note-free attribute), troops (PER) and an Attack event with troops as Attacker."""
    with Store(path, annotator="bob") as bob:
        doc = bob.document(SEED_NAME)
        text = doc.text

        def at(word: str) -> tuple[int, int]:
            start = text.find(word)
            assert start >= 0, word
            return (start, start + len(word))

        ids = {}
        with bob.action("bob's work", doc.id) as tx:
            ids["Basra"] = tx.add(Span(label="GPE", fragments=[at("Basra")], doc_id=doc.id)).id
            ids["troops"] = tx.add(Span(label="PER", fragments=[at("troops")], doc_id=doc.id)).id
            trigger = tx.add(Span(label="Attack", fragments=[at("offensive")], doc_id=doc.id))
            ids["offensive"] = trigger.id
            ids["event"] = tx.add(Event(type="Attack", trigger=trigger.id, doc_id=doc.id, arguments=[
                Argument(role="Attacker", target=ids["troops"])])).id
            tx.add(Attribute(target=ids["Basra"], name="Generic", value=None, doc_id=doc.id))
        return ids


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)


async def choose_layer(pilot, what: str) -> None:
    """ctrl+w, type the entry's words, enter."""
    await pilot.press("ctrl+w")
    assert isinstance(pilot.app.screen, PickerDialog)
    await type_text(pilot, what)
    await pilot.press("enter")
    await pilot.pause()


async def test_default_layer_is_mine_and_overlay_shows_another(seed_db):
    """By default only my layer is drawn; ctrl+w 'overlay bob' draws bob's spans as a read-only overlay."""
    ids = bob_layer(seed_db)
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        reader = reader_of(pilot.app)
        assert reader.anns.all() == [] and reader._highlights() == []
        await choose_layer(pilot, "overlay bob")
        assert reader.overlay_layer == "bob"
        overlay = {h.id: h.overlay for h in reader._highlights()}
        assert overlay == {ids["Basra"]: True, ids["troops"]: True, ids["offensive"]: True}
        # read-only: bob's annotations are not selectable or editable from my layer
        assert ids["Basra"] not in reader.by_id
        assert "+bob" in reader.layer_status()
        await choose_layer(pilot, "no overlay")
        assert reader.overlay_layer is None and reader._highlights() == []


async def test_view_another_layer(seed_db):
    """ctrl+w 'view bob' shows bob's layer as the main one (not as an overlay)."""
    ids = bob_layer(seed_db)
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        reader = reader_of(pilot.app)
        await choose_layer(pilot, "view bob")
        assert reader.layer_name() == "bob"
        assert {h.id: h.overlay for h in reader._highlights()}[ids["Basra"]] is False
        assert ids["event"] in reader.by_id
        assert "viewing bob" in reader.layer_status()


async def test_copy_the_overlay_annotation_under_the_cursor(seed_db):
    """y on an overlay span copies it into my layer (origin copy:bob), with its attribute; u undoes it."""
    ids = bob_layer(seed_db)
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        reader = reader_of(pilot.app)
        await choose_layer(pilot, "overlay bob")
        basra = next(s for s in reader.overlay_anns.spans if s.id == ids["Basra"])
        await goto(pilot, basra.start + 1)
        await pilot.press("y")
        mine = db_annotations(seed_db)
        copies = [s for s in mine.spans if s.annotator == "alice"]
        assert [(c.fragments, c.label, c.origin, c.status) for c in copies] == [
            (basra.fragments, "GPE", "copy:bob", "accepted")]
        assert [(a.target, a.name) for a in mine.attributes if a.annotator == "alice"] == [
            (copies[0].id, "Generic")]
        # bob's layer is untouched, and the copy shows in my layer now
        assert any(s.id == ids["Basra"] and s.annotator == "bob" for s in mine.spans)
        assert copies[0].id in reader.by_id
        await pilot.press("y")  # copying again reuses the span: no duplicate
        assert len([s for s in db_annotations(seed_db).spans if s.annotator == "alice"]) == 1
        await pilot.press("u", "u")
        assert [s for s in db_annotations(seed_db).spans if s.annotator == "alice"] == []


async def test_copy_all_brings_events_with_their_arguments(seed_db):
    """Y copies the whole overlay in one action: spans, the event with its trigger and Attacker."""
    bob_layer(seed_db)
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        await choose_layer(pilot, "overlay bob")
        await pilot.press("Y")
        mine = db_annotations(seed_db)
        spans = {s.id: s for s in mine.spans if s.annotator == "alice"}
        assert sorted(s.text for s in spans.values()) == ["Basra", "offensive", "troops"]
        events = [e for e in mine.events if e.annotator == "alice"]
        assert len(events) == 1 and events[0].origin == "copy:bob"
        assert spans[events[0].trigger].text == "offensive"
        assert [(a.role, spans[a.target].text) for a in events[0].arguments] == [("Attacker", "troops")]
        with Store(seed_db, annotator="alice") as other:
            ops = other.conn.execute("SELECT count(*) FROM oplog WHERE action LIKE 'copy all%'").fetchone()[0]
        assert ops == 1
