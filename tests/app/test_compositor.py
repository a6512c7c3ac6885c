"""The reader's banded compositor writes exactly what Textual's compositor writes."""

from __future__ import annotations

import random

from textual._compositor import Compositor
from textual.geometry import Region

from tests.app.conftest import SEED_NAME, reader_of
from tui.app.app import make_app
from tui.app.compositor import BandedCompositor, row_bands


def test_row_bands_group_regions_that_share_or_touch_rows():
    """Regions on shared or adjacent rows form one band; a gap starts another."""
    a, b, c, d = Region(0, 1, 10, 1), Region(0, 2, 10, 1), Region(50, 2, 5, 4), Region(0, 9, 80, 1)
    assert row_bands({d, c, b, a}) == [[a, b, c], [d]]
    assert row_bands({a}) == [[a]]


def _bytes(app, compositor, regions, cls) -> str | None:
    """Render ``regions`` as a partial update with the compositor's methods from ``cls``."""
    compositor._dirty_regions = set(regions)
    own = compositor.__class__
    compositor.__class__ = cls
    try:
        update = compositor.render_update(screen_stack=app._background_screens)
    finally:
        compositor.__class__ = own
    return None if update is None else update.render_segments(app.console)


async def test_partial_updates_match_textual(seed_db):
    """Cursor rows plus status line, panel rows, random rectangles: the same terminal bytes."""
    app = make_app(seed_db, annotator="alice", document=SEED_NAME)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = reader_of(app)
        compositor = screen._compositor
        assert isinstance(compositor, BandedCompositor)
        width, height = compositor.size
        rng = random.Random(6)
        cases = [
            [Region(1, 3, 80, 1), Region(1, 4, 80, 1), Region(0, height - 2, width, 1)],
            [Region(1, 3, 80, 1), Region(90, 10, 30, 3), Region(0, height - 1, width, 1)],
            [Region(0, 0, width, 2), Region(100, 1, 20, 20)],
        ]
        for _ in range(40):
            regions = []
            for _ in range(rng.randint(1, 4)):
                x, y = rng.randrange(width), rng.randrange(height)
                regions.append(Region(x, y, rng.randint(1, width - x), rng.randint(1, min(6, height - y))))
            cases.append(regions)
        for i, regions in enumerate(cases):
            # Change what is on screen between cases: cursor, selection, a tag and its undo.
            await pilot.press(["j", "w", "shift+right", "1", "u", "escape"][i % 6])
            await pilot.pause()
            theirs = _bytes(app, compositor, regions, Compositor)
            ours = _bytes(app, compositor, regions, BandedCompositor)
            assert ours == theirs, regions
            assert ours  # something was drawn


def test_banded_compositor_only_on_the_textual_it_was_checked_against(seed_db, monkeypatch, request):
    """The pinned Textual gets the banded compositor; another release keeps Textual's own."""
    import textual
    from textual._compositor import Compositor

    from tui.app import compositor as compositor_mod
    from tui.app.compositor import banded_supported
    from tui.app.screens.reader import ReaderScreen

    assert banded_supported()  # constraints.txt pins a tested release
    assert not banded_supported("9.0.0") and not banded_supported("8.20.1")
    assert type(ReaderScreen(None)._compositor) is compositor_mod.BandedCompositor
    monkeypatch.setattr(textual, "__version__", "9.0.0")
    compositor_mod._installed_textual.cache_clear()  # read once per process: read the patched one
    request.addfinalizer(compositor_mod._installed_textual.cache_clear)
    assert type(ReaderScreen(None)._compositor) is Compositor


async def test_a_tag_renders_only_the_widgets_it_changed(seed_db, monkeypatch):
    """A tag's frame renders the changed widgets on their changed rows: no container behind them, one
    article row, not the footer keys that kept their look."""
    from textual.widget import Widget

    from tests.app.conftest import goto_text
    from tui.app.widgets._lines import PlainRows

    app = make_app(seed_db, annotator="alice", document=SEED_NAME)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = reader_of(app)
        await goto_text(pilot, "Basra")
        await pilot.pause()
        rendered: list[tuple[Widget, int]] = []

        def spy_on(cls) -> None:
            render_lines = cls.render_lines

            def spy(self, crop):
                if not rendered or rendered[-1][0] is not self:  # PlainRows calls Widget's for others
                    rendered.append((self, crop.height))
                return render_lines(self, crop)

            monkeypatch.setattr(cls, "render_lines", spy)

        spy_on(Widget)
        spy_on(PlainRows)  # the status line, headers and inspector finish their own rows
        await pilot.press("3")
        await pilot.pause()
        assert screen.selected_id is not None
        names = {type(w).__name__ for w, _ in rendered}
        assert {"ArticleView", "ListTree", "InspectorBody", "StatusLine"} <= names
        assert not names & {"ReaderScreen", "Horizontal", "Vertical", "VerticalScroll", "InspectorPanel",
                            "EntityPanel", "EventPanel", "RelationPanel", "QuickFooter"}, names
        assert sum(rows for w, rows in rendered if type(w).__name__ == "ArticleView") <= 2
        keys = [w for w, _ in rendered if type(w).__name__ == "QuickFooterKey"]
        assert 0 < len(keys) < len(screen.query("FooterKey")) / 2
