"""Rows drawn through the Line API (tui/app/widgets/_lines.py) look exactly as Textual would draw them.

The status line, the panel headers and the inspector finish their rows
without Textual's styles cache (``PlainRows``). These tests draw the same
widgets through the styles cache and compare the strips, on a text with
styles, wide characters, an emoji and a line too long for the width.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text
from textual.geometry import Region

from tests.app.conftest import goto_text, reader_of
from tui.app.app import make_app
from tui.app.widgets._lines import segments_of, wrapped
from tui.app.widgets._text import PanelHeader
from tui.app.widgets.inspector_panel import InspectorBody, InspectorPanel
from tui.app.widgets.status_line import StatusLine

CONSOLE = Console(color_system="truecolor")


def styles_cache_rows(widget, crop: Region):
    """The rows as Textual's styles cache finishes them (what the widget drew before)."""
    widget._styles_cache.clear()
    return widget._styles_cache.render_widget(widget, crop)


def assert_same_rows(widget) -> None:
    crop = widget.size.region
    ours = widget.render_lines(crop)
    theirs = styles_cache_rows(widget, crop)
    assert len(ours) == len(theirs) == widget.size.height
    for y, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        assert list(a) == list(b), f"row {y} of {type(widget).__name__}"
        assert a.cell_length == widget.size.width


def test_segments_match_rich_for_styled_text():
    text = Text("GPE ", style="bold")
    text.append("“Basra” 巴士拉 🇮🇶", style="italic #ff8800")
    text.append(" · pending", style="dim")
    assert segments_of(text) == [s for s in text.render(CONSOLE, end="") if s.text]


def test_overlapping_spans_fall_back_to_rich():
    text = Text("abcdef")
    text.stylize("bold", 0, 4)
    text.stylize("italic", 2, 6)
    assert segments_of(text) == [s for s in text.render(CONSOLE, end="") if s.text]


def test_a_long_line_wraps_at_spaces_and_a_short_one_is_kept():
    line = Text("one two three four five six seven", style="italic")
    rows = wrapped(line, 10)
    assert ["".join(s.text for s in row).rstrip() for row in rows] == ["one two", "three four", "five six", "seven"]
    assert wrapped(Text("short"), 10) == [segments_of(Text("short"))]


async def test_status_line_headers_and_inspector_draw_as_the_styles_cache_would(seed_db):
    async with make_app(seed_db, annotator="alice").run_test(size=(100, 30)) as pilot:
        screen = reader_of(pilot.app)
        await goto_text(pilot, "Basra")
        await pilot.press("3")
        await pilot.pause()
        panel = screen.query_one(InspectorPanel)
        assert "Basra" in panel.content.plain
        status = screen.query_one(StatusLine)
        assert "Basra" in status.text.plain
        # a message too long for the row: cut with an ellipsis, as Textual's ellipsis overflow did
        status.update(Text("x" * 300, style="italic"))
        await pilot.pause()
        assert_same_rows(status)
        for header in screen.query(PanelHeader):
            assert_same_rows(header)
        assert_same_rows(screen.query_one(InspectorBody))


async def test_a_new_text_taller_than_the_inspector_scrolls_without_a_layout(seed_db):
    async with make_app(seed_db, annotator="alice").run_test(size=(100, 20)) as pilot:
        screen = reader_of(pilot.app)
        body = screen.query_one(InspectorBody)
        layouts: list[bool] = []
        refresh = body.refresh

        def spy(*regions, layout: bool = False, **kwargs):
            layouts.append(layout)
            return refresh(*regions, layout=layout, **kwargs)

        tall = Text("\n".join(f"line {i} " + "word " * 30 for i in range(40)))
        body.update(tall)  # the scroll bar appears: that is a layout (Textual's own reactive)
        await pilot.pause()
        body.refresh = spy
        body.update(Text("\n".join(f"row {i} " + "word " * 30 for i in range(30))))
        await pilot.pause()
        assert layouts and not any(layouts)
        assert body.virtual_size.height == len(body.rows()) > body.size.height
        assert body.max_scroll_y == len(body.rows()) - body.size.height
        body.scroll_to(y=body.max_scroll_y, animate=False)
        await pilot.pause()
        assert_same_rows(body)
        last = "".join(s.text for s in body.rows()[-1]).strip()
        assert last.endswith("word")


async def test_a_new_text_repaints_the_rows_that_changed_in_one_call(seed_db):
    """Only the rows that show something else are repainted, runs of rows together, in one refresh."""
    async with make_app(seed_db, annotator="alice").run_test(size=(100, 30)) as pilot:
        body = reader_of(pilot.app).query_one(InspectorBody)
        body.update(Text("\n".join(f"row {i}" for i in range(8))))
        await pilot.pause()
        calls: list[tuple[Region, ...]] = []
        refresh = body.refresh

        def spy(*regions, **kwargs):
            calls.append(regions)
            return refresh(*regions, **kwargs)

        body.refresh = spy
        rows = [f"row {i}" for i in range(8)]
        rows[2], rows[3], rows[6] = "two", "three", "six"
        body.update(Text("\n".join(rows)))
        assert len(calls) == 1
        assert sorted(y for region in calls[0] for y in range(region.y, region.bottom)) == [2, 3, 6]
        assert all(region.width == body.size.width for region in calls[0])
