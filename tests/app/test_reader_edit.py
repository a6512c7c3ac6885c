"""Reader editing and navigation keys: A, :, @, ], [, d, undo/redo, search, q, o, ?, panels."""

from __future__ import annotations

from rich.text import Text

from tests.app.conftest import (
    SEED_NAME,
    TRICKY_NAME,
    db_annotations,
    goto,
    goto_text,
    reader_of,
    select_text,
)
from tui.app.app import last_document_key, make_app
from tui.app.dialogs.attributes import AttributesDialog
from tui.app.dialogs.confirm_delete import ConfirmDeleteDialog
from tui.app.dialogs.normalization import NormalizationDialog
from tui.app.dialogs.note import NoteDialog
from tui.app.dialogs.search import SearchDialog
from tui.app.widgets.entity_panel import EntityPanel
from tui.app.widgets.status_line import StatusLine
from tui.core.model import Argument, Event, Relation, Span
from tui.core.store import Store

SIZE = (160, 50)


async def tag(pilot, needle: str, key: str, nth: int = 0) -> str:
    """Select ``needle`` and press a tag key; returns the new span's id."""
    await select_text(pilot, needle, nth)
    await pilot.press(key)
    await pilot.pause()
    return reader_of(pilot.app).selected_id


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


# -- attributes, notes, normalisations ---------------------------------------------------


async def test_attributes_dialog_sets_and_unsets_valued_and_binary(seed_db):
    """A lists the event attributes; space/right cycle values; enter saves; backspace unsets."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        await goto_text(pilot, "offensive")
        await pilot.press("E", "a")  # no mention near: no role prompt (issue 14), the event selected
        await pilot.pause()
        event_id = screen.selected_id
        assert isinstance(screen.by_id[event_id], Event)
        await pilot.press("A")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, AttributesDialog)
        assert [d.name for d in dialog.defs] == ["Polarity", "Tense", "Genericity", "Modality"]
        await pilot.press("space")  # Polarity: unset -> Positive
        await pilot.press("down", "right", "right", "right")  # Tense: -> Past -> Present -> Future
        await pilot.press("enter")
        await pilot.pause()
        attrs = db_annotations(seed_db).attributes
        assert sorted((a.target, a.name, a.value) for a in attrs) == [
            (event_id, "Polarity", "Positive"), (event_id, "Tense", "Future"),
        ]
        await pilot.press("A", "down", "backspace", "up", "right", "enter")  # Tense unset, Polarity Negative
        await pilot.pause()
        attrs = db_annotations(seed_db).attributes
        assert [(a.name, a.value) for a in attrs] == [("Polarity", "Negative")]
        # escape cancels: nothing changes
        await pilot.press("A", "space", "escape")
        await pilot.pause()
    assert [(a.name, a.value) for a in db_annotations(seed_db).attributes] == [("Polarity", "Negative")]


async def test_attributes_on_an_entity_mention(seed_db):
    """A on an entity mention offers the entity attributes only (ace2005: Mention)."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        span = await tag(pilot, "VOA", "2")
        await pilot.press("A")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, AttributesDialog)
        assert "Polarity" not in [d.name for d in dialog.defs]
        index = [d.name for d in dialog.defs].index("Mention")
        await pilot.press(*["down"] * index, "space", "enter")  # NAM
        await pilot.pause()
    assert [(a.target, a.name, a.value) for a in db_annotations(seed_db).attributes] == [
        (span, "Mention", "NAM")
    ]


async def test_note_add_edit_remove(seed_db):
    """: writes a note on the selected annotation; editing replaces it; an empty note removes it."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        span = await tag(pilot, "Basra", "3")
        await pilot.press("colon")
        await pilot.pause()
        assert isinstance(pilot.app.screen, NoteDialog)
        await pilot.press(*"[b]check[/b]", "enter")
        await pilot.pause()
        notes = db_annotations(seed_db).notes
        assert [(n.target, n.text) for n in notes] == [(span, "[b]check[/b]")]
        await pilot.press("colon", "end", *" ok", "enter")
        await pilot.pause()
        assert [n.text for n in db_annotations(seed_db).notes] == ["[b]check[/b] ok"]
        await pilot.press("colon", "ctrl+a", "ctrl+k", "enter")
        await pilot.pause()
    assert db_annotations(seed_db).notes == []


async def test_normalization_set_and_validate(seed_db):
    """@ takes resource:key and a label; a malformed reference keeps the dialog open."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        span = await tag(pilot, "Basra", "3")
        await pilot.press("at")
        await pilot.pause()
        assert isinstance(pilot.app.screen, NormalizationDialog)
        await pilot.press(*"nocolon", "enter", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, NormalizationDialog)  # refused
        await pilot.press("ctrl+a", "ctrl+k", *"Wikidata:Q48195", "enter", *"Basra city", "enter")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, NormalizationDialog)
    norms = db_annotations(seed_db).normalizations
    assert [(n.target, n.resource, n.key, n.label) for n in norms] == [
        (span, "Wikidata", "Q48195", "Basra city")
    ]


# -- navigation --------------------------------------------------------------------


async def test_brackets_select_next_and_previous_annotation(seed_db):
    """] and [ select the next/previous annotation in text order and move the cursor to it."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        a = await tag(pilot, "Basra", "3")
        b = await tag(pilot, "Iraqi troops", "1")
        c = await tag(pilot, "Cairo", "3")
        await goto(pilot, 0)
        assert screen.selected_id is None
        await pilot.press("right_square_bracket")
        assert screen.selected_id == a and screen.view.selected_id == a
        assert screen.view.cursor == screen.by_id[a].start
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert screen.selected_id == c
        await pilot.press("left_square_bracket")
        assert screen.selected_id == b
        await pilot.press("right_square_bracket", "right_square_bracket")  # wraps around
        assert screen.selected_id == a


async def test_panel_choice_moves_the_reader(seed_db):
    """A mention chosen in the entities panel is selected and the cursor moves to it."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        cairo = await tag(pilot, "Cairo", "3")
        await goto(pilot, 0)
        screen.query_one(EntityPanel).post_message(EntityPanel.MentionChosen(cairo))
        await pilot.pause()
        assert screen.selected_id == cairo
        assert screen.view.cursor == screen.by_id[cairo].start


# -- delete -------------------------------------------------------------------------


async def test_delete_plain_span_at_once(seed_db):
    """d on a span nothing uses deletes it without asking."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        await tag(pilot, "Cairo", "3")
        await pilot.press("d")
        await pilot.pause()
        assert reader_of(pilot.app).selected_id is None
    assert db_annotations(seed_db).spans == []


async def test_delete_lists_dependents_and_cascades(seed_db):
    """d on a mention used by an event and a relation lists both, n keeps, y deletes with cascade."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        doc_id = screen.doc.id
        basra = await tag(pilot, "Basra", "3")
        troops = await tag(pilot, "Iraqi troops", "1")
        with Store(seed_db, annotator="alice") as other:
            text = other.document(SEED_NAME).text
            start = text.index("offensive")
            trig = other.add(Span(label="Attack", fragments=[(start, start + 9)], doc_id=doc_id))
            event = other.add(Event(type="Attack", trigger=trig.id, doc_id=doc_id, arguments=[
                Argument(role="Attacker", target=troops), Argument(role="Place", target=basra)]))
            rel = other.add(Relation(type="PHYS", doc_id=doc_id, arguments=[
                Argument(role="Arg-1", target=troops), Argument(role="Arg-2", target=basra)]))
        screen._reload()
        screen._select(basra)
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, ConfirmDeleteDialog)
        lines = [t.plain for t in dialog.consequences]
        assert any("Attack event" in line and "loses its Place argument" in line for line in lines)
        assert any("PHYS relation" in line and "deleted" in line for line in lines)
        await pilot.press("n")
        await pilot.pause()
        assert len(db_annotations(seed_db).spans) == 3  # kept
        await pilot.press("d", "y")
        await pilot.pause()
    anns = db_annotations(seed_db)
    assert basra not in {s.id for s in anns.spans}
    assert anns.relations == []
    (ev,) = anns.events
    assert ev.id == event.id and [(a.role, a.target) for a in ev.arguments] == [("Attacker", troops)]
    assert rel.id not in anns.by_id()


async def test_delete_trigger_deletes_its_event(seed_db):
    """d on a selected event deletes it with its trigger, after saying so."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        await goto_text(pilot, "offensive")
        await pilot.press("E", "a")  # no mention near: no role prompt (issue 14)
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, ConfirmDeleteDialog)
        assert any("will be deleted (this is its trigger)" in t.plain for t in dialog.consequences)
        await pilot.press("enter")
        await pilot.pause()
    anns = db_annotations(seed_db)
    assert anns.events == [] and anns.spans == []


# -- undo / redo ----------------------------------------------------------------------


async def test_undo_redo_with_every_key(seed_db):
    """u/ctrl+z undo and ctrl+r/ctrl+y redo, each one action, with a notification naming it."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        await tag(pilot, "Basra", "3")
        await tag(pilot, "Cairo", "3")
        await pilot.press("u")
        await pilot.pause()
        assert [s.text for s in db_annotations(seed_db).spans] == ["Basra"]
        assert any(m.startswith("Undone: tag GPE Cairo") for m in notifications(pilot.app))
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert db_annotations(seed_db).spans == []
        assert reader_of(pilot.app).anns.spans == []
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert [s.text for s in db_annotations(seed_db).spans] == ["Basra"]
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert sorted(s.text for s in db_annotations(seed_db).spans) == ["Basra", "Cairo"]
        assert any(m.startswith("Redone: tag GPE Cairo") for m in notifications(pilot.app))
        await pilot.press("ctrl+y")  # nothing left to redo: dimmed, no change
        await pilot.pause()
        assert reader_of(pilot.app).check_action("redo", ()) is None
    assert sorted(s.text for s in db_annotations(seed_db).spans) == ["Basra", "Cairo"]


async def test_undo_across_restart(seed_db):
    """Undo works in a new app after quitting: the log is in the database."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        await tag(pilot, "Basra", "3")
        await pilot.press("q")
        await pilot.pause()
    assert [s.text for s in db_annotations(seed_db).spans] == ["Basra"]
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        assert [s.text for s in screen.anns.spans] == ["Basra"]  # reopened as left
        await pilot.press("u")
        await pilot.pause()
        assert screen.anns.spans == []
    assert db_annotations(seed_db).spans == []


async def test_undo_notification_sanitises_document_text(tricky_db):
    """A notification quoting document text shows control characters as visible symbols."""
    async with make_app(tricky_db, document=TRICKY_NAME).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        esc = screen.doc.text.index("\x1b")
        screen.view.select(esc, esc + 8)
        await pilot.pause()
        await pilot.press("1", "u")
        await pilot.pause()
        undone = [m for m in notifications(pilot.app) if m.startswith("Undone")]
        assert undone and "\x1b" not in undone[-1] and "␛" in undone[-1]
        status = screen.query_one(StatusLine).text.plain
        assert "\x1b" not in status


# -- search --------------------------------------------------------------------------


async def test_search_enter_n_and_shift_n(seed_db):
    """/ selects the first hit after the cursor; n and N walk the hits and wrap."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        text = screen.doc.text
        hits = [i for i in range(len(text)) if text.startswith("Basra", i)]
        assert len(hits) >= 3
        await goto(pilot, hits[0] + 1)  # inside the first hit: the next one is after the cursor
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(pilot.app.screen, SearchDialog)
        await pilot.press(*"basra", "enter")
        await pilot.pause()
        assert screen.view.has_focus
        assert screen.view.selection == (hits[1], hits[1] + 5)
        await pilot.press("n")
        assert screen.view.selection == (hits[2], hits[2] + 5)
        await pilot.press("N", "N")
        assert screen.view.selection == (hits[0], hits[0] + 5)
        await pilot.press("N")  # wraps to the last hit
        assert screen.view.selection == (hits[-1], hits[-1] + 5)


async def test_search_regex_and_case_toggles(seed_db):
    """alt+r makes the pattern a regex; alt+c makes it case sensitive."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        await goto(pilot, 0)
        await pilot.press("slash", "alt+r", *"Ba.ra", "enter")
        await pilot.pause()
        assert screen.search_query.regex
        assert screen.view.text[slice(*screen.view.selection)] == "Basra"
        await pilot.press("slash", "alt+r", "ctrl+a", "ctrl+k", "alt+c", *"basra", "enter")
        await pilot.pause()
        assert screen.search_query.case and not screen.search_query.regex
        assert screen.hits == []
        assert screen.check_action("search_next", ()) is None


# -- screens, panels, quitting and opening ----------------------------------------------


async def test_q_quits(seed_db):
    """q exits the app."""
    app = make_app(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert app._exit_renderables is not None or not app.is_running or app.return_code == 0
    assert app.return_code == 0


async def test_opening_rules_last_document_per_annotator(tricky_db):
    """A fresh database opens the first by name; the library's choice is remembered per annotator."""
    async with make_app(tricky_db).run_test(size=SIZE) as pilot:
        assert reader_of(pilot.app).doc.name == SEED_NAME  # first by name
        await pilot.press("o")
        await pilot.pause()
        from tui.app.screens.library import LibraryScreen

        library = pilot.app.screen
        assert isinstance(library, LibraryScreen)
        library.dismiss(TRICKY_NAME)
        await pilot.pause()
        assert reader_of(pilot.app).doc.name == TRICKY_NAME
    with Store(tricky_db, annotator="alice") as other:
        assert other.get_setting(last_document_key("alice")) == TRICKY_NAME
    async with make_app(tricky_db).run_test(size=SIZE) as pilot:
        assert reader_of(pilot.app).doc.name == TRICKY_NAME  # the last opened
    async with make_app(tricky_db, annotator="bob").run_test(size=SIZE) as pilot:
        assert reader_of(pilot.app).doc.name == SEED_NAME  # bob's own last document
    async with make_app(tricky_db, document=SEED_NAME).run_test(size=SIZE) as pilot:
        assert reader_of(pilot.app).doc.name == SEED_NAME  # `tui NAME`


async def test_empty_database_opens_without_a_document(tmp_path):
    """With no documents the reader says how to import one and tagging keys are dimmed."""
    async with make_app(tmp_path / "empty.db").run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        assert screen.doc is None
        assert "tui import" in screen.query_one(StatusLine).text.plain
        assert screen.check_action("tag", (1,)) is None
        await pilot.press("1", "E", "u")
        await pilot.pause()


async def test_help_lists_live_keys_with_type_names(seed_db):
    """? opens help built from the live bindings; tag keys are named after the schema's types."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        from tui.app.screens.help import HelpScreen

        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen)
        descriptions = [row.description for g in help_screen.groups for row in g.rows]
        assert "Tag PER" in descriptions and "Tag GPE" in descriptions
        assert "Undo" in descriptions and "Event" in descriptions
        await pilot.press("escape", "f1")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)


async def test_panel_and_label_toggles(seed_db):
    """f2/f3/f4/f5 hide and show the panels; L toggles inline labels."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        panels = [screen.query_one(f"#{p}")
                  for p in ("entity-panel", "event-panel", "inspector-panel", "relation-panel")]
        await pilot.press("f2")
        assert [p.display for p in panels] == [False, True, True, True]
        await pilot.press("f3", "f4", "f5")
        assert [p.display for p in panels] == [False, False, False, False]
        assert not screen.query_one("#side-panels").display
        await pilot.press("f2")
        assert panels[0].display and screen.query_one("#side-panels").display
        before = screen.view.show_labels
        await pilot.press("L")
        assert screen.view.show_labels is not before


async def test_tab_moves_focus_when_no_role_prompt(seed_db):
    """tab moves focus away from the reader when no role prompt is open."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        assert screen.view.has_focus
        await pilot.press("tab")
        await pilot.pause()
        assert not screen.view.has_focus


async def test_status_line_shows_position_selection_and_mode(seed_db):
    """The status line shows document, line:col, the selection text and the mode."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        await select_text(pilot, "Iraqi troops")
        plain = screen.query_one(StatusLine).text.plain
        assert SEED_NAME in plain and "Iraqi troops" in plain and "VISUAL" in plain
        assert "1:" in plain and "alice" in plain


def test_safe_text_is_never_markup():
    """The app's one sanitizer keeps markup lookalikes literal and replaces control characters."""
    from tui.app.safe import safe, safe_text

    t = safe_text("[b]x[/b]\x1b[2J\nend")
    assert isinstance(t, Text) and t.plain.startswith("[b]x[/b]") and "\x1b" not in t.plain
    assert "\n" not in safe("a\nb") and len(safe("x" * 100, limit=10)) == 10
