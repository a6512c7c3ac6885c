"""Reader tagging keys: 1-9, t + hotkey, retype, =, +, . — asserted on the database."""

from __future__ import annotations

from tests.app.conftest import (
    TRICKY_NAME,
    db_annotations,
    goto,
    goto_text,
    reader_of,
    select_text,
    spans_by_text,
)
from tui.app.app import make_app
from tui.app.dialogs.picker import PickerDialog
from tui.core.schema import preset

SIZE = (160, 50)


async def test_number_keys_tag_with_the_first_nine_span_types(seed_db):
    """1-9 tag the word under the cursor with schema.span_types[:9] in order."""
    types = [t.name for t in preset("ace2005").span_types[:9]]
    words = ["Heavy", "fighting", "raging", "Basra", "following", "major", "thousands", "Iraqi", "troops"]
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        for n, word in enumerate(words, start=1):
            await goto_text(pilot, word)
            await pilot.press(str(n))
        await pilot.pause()
        screen = reader_of(pilot.app)
        assert len(screen.anns.spans) == 9
    by_text = spans_by_text(db_annotations(seed_db))
    assert [by_text[w] for w in words] == [[t] for t in types]


async def test_tag_selection_made_with_v_and_motions(seed_db):
    """v starts a selection, motions extend it, and 1 tags exactly the selection."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        await goto_text(pilot, "Iraqi troops")
        await pilot.press("v", "w", "e")
        view = reader_of(pilot.app).view
        assert view.selection is not None
        text = view.text[view.selection[0]:view.selection[1]]
        assert text == "Iraqi troops"
        await pilot.press("1")
        await pilot.pause()
        assert view.selection is None  # the tag consumed the selection
    anns = db_annotations(seed_db)
    assert [(s.text, s.label) for s in anns.spans] == [("Iraqi troops", "PER")]


async def test_t_then_schema_hotkey_tags(seed_db):
    """t opens the type picker; the schema's hotkey picks at once (t then g = GPE)."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        await goto_text(pilot, "Basra")
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PickerDialog)
        await pilot.press("g")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, PickerDialog)
    assert [(s.text, s.label) for s in db_annotations(seed_db).spans] == [("Basra", "GPE")]


async def test_t_filter_then_enter(seed_db):
    """In the picker, / starts the filter (no hotkey fires while typing); enter takes the best match."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        await goto_text(pilot, "Cairo")
        await pilot.press("t", "slash", "g", "p", "e", "enter")
        await pilot.pause()
    assert [(s.text, s.label) for s in db_annotations(seed_db).spans] == [("Cairo", "GPE")]


async def test_picker_escape_tags_nothing(seed_db):
    """Escape in the type picker cancels: nothing is written."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        await goto_text(pilot, "Cairo")
        await pilot.press("t", "escape")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, PickerDialog)
    assert db_annotations(seed_db).spans == []


async def test_tag_key_on_selected_annotation_retypes_it(seed_db):
    """With an annotation selected (and no other selection), a tag key retypes it, keeping its id."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        await goto_text(pilot, "VOA")
        await pilot.press("1")  # PER, a mistake
        await pilot.pause()
        first = db_annotations(seed_db).spans[0]
        assert first.label == "PER"
        assert reader_of(pilot.app).selected_id == first.id
        await pilot.press("2")  # ORG
        await pilot.pause()
    spans = db_annotations(seed_db).spans
    assert [(s.id, s.text, s.label) for s in spans] == [(first.id, "VOA", "ORG")]


async def test_moving_away_deselects_so_the_next_key_tags_a_new_word(seed_db):
    """After a tag, moving off the span deselects it; the next tag key tags the new word."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        await goto_text(pilot, "Basra")
        await pilot.press("3", "w")
        await pilot.pause()
        assert reader_of(pilot.app).selected_id is None
        await pilot.press("1")
        await pilot.pause()
    assert sorted((s.text, s.label) for s in db_annotations(seed_db).spans) == [
        ("Basra", "GPE"), ("following", "PER"),
    ]


async def test_respan_keeps_id_attributes_and_arguments(seed_db):
    """= moves the selected span to the selection; id, attributes and event arguments stay."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        await goto_text(pilot, "troops")
        await pilot.press("1")
        await pilot.pause()
        span_id = screen.selected_id
        # an attribute and a note on it, through the store, to prove they are kept
        from tui.core.model import Attribute

        screen.store.add(Attribute(target=span_id, name="Mention", value="NOM", doc_id=screen.doc.id))
        screen._reload()
        await select_text(pilot, "Iraqi troops")
        screen.selected_id = span_id
        await pilot.press("equals_sign")
        await pilot.pause()
    anns = db_annotations(seed_db)
    assert [(s.id, s.text, s.fragments) for s in anns.spans] == [
        (span_id, "Iraqi troops", [(anns.spans[0].start, anns.spans[0].start + 12)])
    ]
    assert [(a.target, a.value) for a in anns.attributes] == [(span_id, "NOM")]


async def test_plus_adds_a_fragment(seed_db):
    """+ adds the selection as another fragment of the selected span (discontinuous)."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        a = await goto_text(pilot, "Iraqi officials")
        await pilot.press("2")
        await pilot.pause()
        span_id = screen.selected_id
        b, _ = await select_text(pilot, "officials")
        screen.selected_id = span_id
        await pilot.press("plus")
        await pilot.pause()
    spans = db_annotations(seed_db).spans
    assert len(spans) == 1
    assert spans[0].id == span_id
    assert spans[0].fragments == [(a, a + 5), (b, b + 9)]
    assert spans[0].text == "Iraqi officials"


async def test_dot_repeats_the_last_tag_on_the_next_search_hit(seed_db):
    """. tags the next search hit with the last tag's type."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        await goto(pilot, 0)
        await pilot.press("slash", *"Basra", "enter")
        await pilot.pause()
        await pilot.press("3")  # tags the first hit (selected by the search)
        await pilot.press("full_stop", "full_stop")
        await pilot.pause()
        text = reader_of(pilot.app).doc.text
    spans = db_annotations(seed_db).spans
    first_three = [i for i in range(len(text)) if text.startswith("Basra", i)][:3]
    assert [(s.start, s.label) for s in spans] == [(i, "GPE") for i in first_three]


async def test_tag_keys_dimmed_without_target(tricky_db):
    """On whitespace with nothing selected, tag keys cannot act (check_action is None)."""
    async with make_app(tricky_db, document=TRICKY_NAME).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        space = screen.doc.text.index(" ")
        await goto(pilot, space)
        assert screen.check_action("tag", (1,)) is None
        await pilot.press("1")
        await pilot.pause()
    assert db_annotations(tricky_db, TRICKY_NAME).spans == []


async def test_tricky_text_tags_keep_exact_offsets(tricky_db):
    """Tagging beside markup lookalikes, escapes and CRLF keeps code-point offsets and text exact."""
    async with make_app(tricky_db, document=TRICKY_NAME).run_test(size=SIZE) as pilot:
        await goto_text(pilot, "Basra", 1)
        await pilot.press("3")
        await goto_text(pilot, "巴士拉")
        await pilot.press("3")
        await pilot.pause()
        assert pilot.app.screen is reader_of(pilot.app)
    from tests.app.conftest import TRICKY_TEXT

    spans = db_annotations(tricky_db, TRICKY_NAME).spans
    assert [(s.text, s.label, TRICKY_TEXT[s.start:s.end]) for s in spans] == [
        ("巴士拉", "GPE", "巴士拉"), ("Basra", "GPE", "Basra"),
    ]
    assert spans[1].start == TRICKY_TEXT.index("Basra is")


async def test_keys_in_a_burst_tag_the_word_under_the_cursor_not_the_previous_tag(seed_db):
    """Tag, move on and tag again typed in one burst: the second key tags the new word, it does not retype."""
    app = make_app(seed_db, annotator="alice")
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        # Drive the keys without waiting for idle between them, like a terminal burst.
        for key in ["w"] * 6 + ["3"] + ["w"] * 14 + ["2"]:
            app._driver.send_message(_key(app, key))
        await pilot.pause(0.5)
    spans = {s.label: s for s in db_annotations(seed_db).spans}
    assert set(spans) == {"GPE", "ORG"}, "the second key retyped the first tag instead of tagging a new word"
    assert spans["GPE"].text == "Basra"
    assert spans["ORG"].start > spans["GPE"].end


def _key(app, key):
    from textual import events

    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    return event
