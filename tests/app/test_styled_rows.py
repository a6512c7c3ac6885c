"""Rows kept styled by what they show (``tui/app/widgets/_rows.py``): the inspector's body.

A new selection shows a new text in the inspector, but many of its rows are
rows it showed before (headings, the type, a status): those must not go
through Textual's styling again, and the picture must be the one Textual
draws for the new text from scratch.
"""

from __future__ import annotations

from typing import Any

from tests.app.conftest import SEED_NAME, reader_of
from tui.app.app import make_app
from tui.app.widgets.inspector_panel import InspectorBody


def picture(strips) -> list[list[tuple[str, Any]]]:
    return [[(seg.text, seg.style) for seg in strip] for strip in strips]


async def test_inspector_rows_shown_before_are_not_styled_again(seed_db):
    app = make_app(seed_db, annotator="alice", document=SEED_NAME)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        body = reader_of(app).query_one(InspectorBody)
        styled: list[int] = []
        pipeline = body._styles_cache.render_line

        def counting(styles, y, *args):
            styled.append(y)
            return pipeline(styles, y, *args)

        body._styles_cache.render_line = counting
        crop = body.region.reset_offset
        seen: set[tuple] = set()
        reused = 0
        for key in ("1", "w", "2", "w", "1", "u", "w", "3"):
            styled.clear()
            await pilot.press(key)
            await pilot.pause()
            shown = body.render_lines(crop)
            rows = {y: tuple(row) for y, row in enumerate(picture(shown))}
            again = [y for y, row in rows.items() if row in seen]
            reused += len(again)
            # a row showing what a row showed before (in this look) is not styled again
            assert not set(again) & set(styled), key
            seen.update(rows.values())
            kept = getattr(body, "_styled", None)
            body._styled = None
            body._styles_cache.clear()
            assert picture(shown) == picture(body.render_lines(crop)), key
            body._styled = kept
        assert reused  # the keys showed rows the inspector had shown before
