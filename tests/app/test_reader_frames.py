"""One key, one frame: what a tag changes reaches the screen together, without a layout.

A tag changes the article, the entities panel, the inspector, the status line
and the footer. Each widget tells the screen from its own message loop, and the
footer used to restyle its keys from its loop too, after the screen had drawn
the rest: two frames per tag. The inspector asked for a layout of the whole
screen whenever its text changed height. These tests check each mechanism.
"""

from __future__ import annotations

from tests.app.conftest import goto_text, reader_of
from tui.app.app import make_app
from tui.app.widgets.footer import QuickFooter
from tui.app.widgets.inspector_panel import InspectorBody, InspectorPanel
from tui.app.widgets.status_line import StatusLine

SIZE = (160, 50)


def record_layouts(widget) -> list[bool]:
    """The ``layout`` argument of every ``refresh`` the widget makes from now on."""
    asked: list[bool] = []
    refresh = widget.refresh

    def spy(*regions, layout: bool = False, **kwargs):
        asked.append(layout)
        return refresh(*regions, layout=layout, **kwargs)

    widget.refresh = spy
    return asked


async def test_a_tag_and_its_undo_lay_nothing_out_when_the_inspector_text_fits(seed_db):
    """The inspector's text changing from the hint to a short span and back repaints its body, no layout."""
    async with make_app(seed_db, annotator="alice").run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        body = screen.query_one(InspectorBody)
        await goto_text(pilot, "Basra")
        await pilot.pause()
        asked = record_layouts(body)
        await pilot.press("3")
        await pilot.pause()
        assert screen.selected_id is not None and "Basra" in screen.query_one(InspectorPanel).content.plain
        await pilot.press("u")
        await pilot.pause()
        assert asked and not any(asked)
        # it fills the panel under its header
        assert body.size.height == body.parent.scrollable_content_region.height - 1


async def test_an_inspector_text_taller_than_its_area_scrolls(seed_db):
    """On a short terminal the span's text does not fit the inspector: the body scrolls over its rows."""
    async with make_app(seed_db, annotator="alice").run_test(size=(160, 24)) as pilot:
        screen = reader_of(pilot.app)
        body = screen.query_one(InspectorBody)
        await goto_text(pilot, "Basra")
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        lines = len(screen.query_one(InspectorPanel).content.wrap(pilot.app.console, body.scrollable_content_region.width))
        visible = body.scrollable_content_region.height
        assert lines > visible
        assert body.virtual_size.height == lines and body.max_scroll_y == lines - visible


async def test_the_footer_is_restyled_as_the_bindings_are_published(seed_db):
    """When the reader publishes its bindings after a tag, the footer's keys already show them:
    restyled in the same turn, not later from the footer's own loop (a second frame)."""
    async with make_app(seed_db, annotator="alice").run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        footer = screen.query_one(QuickFooter)
        await goto_text(pilot, "Basra")
        await pilot.pause()
        delete = next(k for k in footer.query("FooterKey") if k.action == "delete")
        seen: list[bool] = []
        # Subscribed after the footer: called after it, in the same publish.
        screen.bindings_updated_signal.subscribe(screen, lambda _s: seen.append(delete._disabled), immediate=True)
        assert delete._disabled
        await pilot.press("3")
        await pilot.pause()
        assert seen == [False]


async def test_a_key_tells_the_screen_of_every_repaint_as_it_leaves(seed_db):
    """Widgets a key repainted have told the screen when its handler ends, and the inspector was drawn once."""
    async with make_app(seed_db, annotator="alice").run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        await goto_text(pilot, "Basra")
        await pilot.pause()
        status = screen.query_one(StatusLine)
        with screen._one_status():
            status.refresh()
            screen.view.refresh()
        assert not status._repaint_required and not screen.view._repaint_required
        shown: list[object] = []
        panel = screen.query_one(InspectorPanel)
        show = panel.show
        panel.show = lambda ann, *args, **kwargs: (shown.append(ann), show(ann, *args, **kwargs))
        await pilot.press("3")
        await pilot.pause()
        assert [getattr(a, "id", None) for a in shown] == [screen.selected_id]


async def test_a_footer_key_back_to_a_look_it_had_is_drawn_from_its_cache(seed_db):
    """Tag, undo, tag, undo: the Delete key is styled by Textual once per look (enabled, dimmed), and the
    rows it reuses are the rows Textual draws."""
    async with make_app(seed_db, annotator="alice").run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        footer = screen.query_one(QuickFooter)
        await goto_text(pilot, "Basra")
        await pilot.pause()
        delete = next(k for k in footer.query("FooterKey") if k.action == "delete")
        styled: list[bool] = []
        render_widget = delete._styles_cache.render_widget
        delete._styles_cache.render_widget = lambda *a, **kw: (styled.append(True), render_widget(*a, **kw))[1]
        crop = delete.region.reset_offset
        pictures = []
        for key in ("3", "u", "3", "u"):
            await pilot.press(key)
            await pilot.pause()
            pictures.append(delete.render_lines(crop))
        assert len(styled) <= 2
        assert pictures[0] == pictures[2] and pictures[1] == pictures[3] and pictures[0] != pictures[1]
        delete._drawn = None
        delete._styles_cache.clear()
        assert delete.render_lines(crop) == pictures[3]


async def test_a_motion_off_the_span_just_tagged_deselects_it_in_the_motions_frame(seed_db):
    """After a tag, `w` moves off the new span: no frame shows the cursor moved and the span still selected
    (the deselection waited for the CursorMoved message: a second frame, 3 ms later on the 5 MB article)."""
    from tui.app.frames import FrameRecorder

    async with make_app(seed_db, annotator="alice").run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        await goto_text(pilot, "Basra")
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        tagged = screen.selected_id
        assert tagged is not None
        recorder = FrameRecorder(keep_text=False, probe=lambda: (screen.view.cursor, screen.selected_id)).attach(
            pilot.app)
        cursor = screen.view.cursor
        await pilot.press("w")
        await pilot.pause()
        await pilot.pause()
        assert recorder.states, "the motion drew nothing"
        assert screen.view.cursor != cursor and screen.selected_id is None
        assert [state for state in recorder.states if state[0] != cursor and state[1] == tagged] == []
