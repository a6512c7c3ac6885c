"""App wiring around the reader: keymap, command palette, panel requests, mouse clicks, CLI entry."""

from __future__ import annotations

from tests.app.conftest import db_annotations, goto_text, reader_of, select_text
from tui.app.app import make_app
from tui.app.widgets.article_view import ArticleView
from tui.app.widgets.event_panel import EventPanel
from tui.core.model import Argument, Event, Span
from tui.core.store import Store

SIZE = (160, 50)


def write_keymap(tmp_path, text: str) -> None:
    """Write the user's keymap where the app looks (tests set XDG_CONFIG_HOME to tmp/config)."""
    folder = tmp_path / "config" / "tui"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "keymap.toml").write_text(text, encoding="utf-8")


async def test_keymap_remaps_a_tag_key_by_binding_id(seed_db, tmp_path):
    """keymap.toml `tag-1 = "x"` makes x tag PER (and 1 no longer does)."""
    write_keymap(tmp_path, '[keys]\ntag-1 = "x"\n')
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        await goto_text(pilot, "Cairo")
        await pilot.press("1")
        await pilot.pause()
        assert db_annotations(seed_db).spans == []
        await pilot.press("x")
        await pilot.pause()
    assert [(s.text, s.label) for s in db_annotations(seed_db).spans] == [("Cairo", "PER")]


async def test_bad_keymap_is_a_notification_not_a_crash(seed_db, tmp_path):
    """A broken keymap file is reported (file and line) and the default keys still work."""
    write_keymap(tmp_path, "[keys]\ntag-1 = 5\n")
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        messages = [n.message for n in pilot.app._notifications]
        assert any("keymap.toml" in m and ":2" in m for m in messages), messages
        await goto_text(pilot, "Cairo")
        await pilot.press("1")
        await pilot.pause()
    assert [(s.text, s.label) for s in db_annotations(seed_db).spans] == [("Cairo", "PER")]


async def test_command_palette_reaches_reader_actions(seed_db):
    """ctrl+p, typing an action's name and enter runs it (here: tag GPE via "Tag type 3")."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        from textual.command import CommandPalette

        await goto_text(pilot, "Cairo")
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CommandPalette)
        await pilot.press(*"Tag type 3")
        await pilot.pause(0.3)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    assert [(s.text, s.label) for s in db_annotations(seed_db).spans] == [("Cairo", "GPE")]


async def test_events_panel_request_opens_role_filling(seed_db):
    """ArgumentEditRequested from the events panel opens the role prompt on that role."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        doc_id = screen.doc.id
        await select_text(pilot, "Basra")
        await pilot.press("3")
        await pilot.pause()
        basra = screen.selected_id
        with Store(seed_db, annotator="alice") as other:
            start = screen.doc.text.index("offensive")
            trig = other.add(Span(label="Attack", fragments=[(start, start + 9)], doc_id=doc_id))
            event = other.add(Event(type="Attack", trigger=trig.id, doc_id=doc_id))
        screen._reload()
        screen.query_one(EventPanel).post_message(EventPanel.ArgumentEditRequested(event.id, "Place"))
        await pilot.pause()
        assert screen.pick is not None and screen.pick.role.name == "Place"
        assert screen.selected_id == basra
        await pilot.press("enter")
        await pilot.pause()
        assert screen.pick is None  # the one role asked for is filled
    (ev,) = db_annotations(seed_db).events
    assert ev.arguments == [Argument(role="Place", target=basra)]


async def test_a_role_asked_for_stays_open_with_no_candidate(seed_db):
    """A role asked for from the events panel is not skipped when nothing near fits: a selection + tag key fills it."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        doc_id = screen.doc.id
        with Store(seed_db, annotator="alice") as other:
            start = screen.doc.text.index("offensive")
            trig = other.add(Span(label="Attack", fragments=[(start, start + 9)], doc_id=doc_id))
            event = other.add(Event(type="Attack", trigger=trig.id, doc_id=doc_id))
        screen._reload()
        screen.query_one(EventPanel).post_message(EventPanel.ArgumentEditRequested(event.id, "Instrument"))
        await pilot.pause()
        assert screen.pick is not None and screen.pick.role.name == "Instrument"
        assert screen.pick.candidates == [] and screen.pick.letters == {"Instrument": "i"}
        await select_text(pilot, "thousands")
        await pilot.press("7")  # WEA: a new mention fills Instrument
        await pilot.pause()
        assert screen.pick is None
    (ev,) = db_annotations(seed_db).events
    spans = {s.id: s for s in db_annotations(seed_db).spans}
    assert [(a.role, spans[a.target].text, spans[a.target].label) for a in ev.arguments] == [
        ("Instrument", "thousands", "WEA")]


async def test_clicking_a_highlight_selects_it(seed_db):
    """A click on a highlight (HighlightClicked) selects that annotation."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        await select_text(pilot, "Cairo")
        await pilot.press("3")
        await pilot.pause()
        cairo = screen.selected_id
        await goto_text(pilot, "Heavy")
        assert screen.selected_id is None
        view = screen.view
        view.post_message(ArticleView.HighlightClicked(view, cairo))
        await pilot.pause()
        assert screen.selected_id == cairo and view.selected_id == cairo


async def test_pending_suggestions_are_drawn_differently(seed_db):
    """Highlights: a pending suggestion is marked pending; another annotator's span is not in my layer."""
    with Store(seed_db, annotator="alice") as alice:
        doc = alice.document("basra-offensive")
        alice.add(Span(label="PER", fragments=[(0, 5)], doc_id=doc.id, status="pending",
                       origin="suggestion:test"))
        alice.add(Span(label="GPE", fragments=[(34, 39)], doc_id=doc.id))
    with Store(seed_db, annotator="bob") as bob:
        bob.add(Span(label="ORG", fragments=[(6, 14)], doc_id=doc.id))
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        marks = {h.fragments: (h.pending, h.overlay, h.label) for h in screen._highlights()}
        assert marks == {((34, 39),): (False, False, "GPE"), ((0, 5),): (True, False, "PER")}


async def test_type_ahead_keys_reach_the_dialog_they_opened(seed_db):
    """Keys typed faster than a dialog opens are not lost: `t` `p` tags PER, `/` `B` `a` enter searches "Ba"."""
    from textual import events

    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        app = pilot.app
        screen = reader_of(app)
        await goto_text(pilot, "Heavy")
        for key, char in [("t", "t"), ("p", "p")]:
            app.post_message(events.Key(key, char))  # no pause between the keys
        await pilot.pause()
        await pilot.pause()
        assert app.screen is screen
        assert [(s.text, s.label) for s in screen.anns.spans] == [("Heavy", "PER")]
        for key, char in [("slash", "/"), ("B", "B"), ("a", "a"), ("enter", None)]:
            app.post_message(events.Key(key, char))
        await pilot.pause()
        await pilot.pause()
        assert app.screen is screen
        assert screen.search_query is not None and screen.search_query.pattern == "Ba"
    assert [(s.text, s.label) for s in db_annotations(seed_db).spans] == [("Heavy", "PER")]
