"""A scroll bar is repainted when its thumb moves, and only then (``SteadySizes._scroll_update``)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult

from tui.app.widgets._scroll import thumb
from tui.app.widgets.list_tree import ListTree


class TreeApp(App):
    """One list of ``rows`` rows, ten rows tall."""

    CSS = "ListTree { height: 10; }"

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        tree: ListTree = ListTree(Text("root"))
        tree.show_root = False
        with tree.batch():
            for i in range(self.rows):
                tree.root.add_leaf(Text(f"row {i}"))
        yield tree


def count_refreshes(widget: Any) -> list[int]:
    """Count the widget's refresh() calls from now on."""
    calls: list[int] = []
    original = widget.refresh

    def refresh(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    widget.refresh = refresh
    return calls


async def test_a_new_row_leaves_a_bar_whose_thumb_stays_unpainted():
    """On a 300-row list the thumb is one cell at the top before and after a row is added: no repaint."""
    app = TreeApp(300)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        tree = app.query_one(ListTree)
        bar = tree.vertical_scrollbar
        before = thumb(bar)
        calls = count_refreshes(bar)
        tree.root.add_leaf(Text("one more"), before=0)
        await pilot.pause()
        assert bar.window_virtual_size == 301
        assert thumb(bar) == before
        assert calls == []


async def test_a_bar_whose_thumb_changes_is_repainted_as_textual_draws_it():
    """On a 12-row list a new row shrinks the thumb: the bar is repainted, and draws its new range."""
    app = TreeApp(12)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        tree = app.query_one(ListTree)
        bar = tree.vertical_scrollbar
        before = thumb(bar)
        calls = count_refreshes(bar)
        tree.root.add_leaf(Text("one more"))
        await pilot.pause()
        assert bar.window_virtual_size == 13
        assert thumb(bar) != before
        assert calls
        drawn = [[(s.text, s.style) for s in strip] for strip in bar.render_lines(bar.region.reset_offset)]
        bar.refresh()
        assert drawn == [[(s.text, s.style) for s in strip] for strip in bar.render_lines(bar.region.reset_offset)]
