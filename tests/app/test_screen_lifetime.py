"""Delayed callbacks die with their screen: ending a review while one is queued is safe.

The review race: a reader queues work for later (the footer's bindings after
the handler, the panels after a refresh, the review's first item after
mount, the panels' rebuild timers) and the screen is dismissed before it
runs. Textual still runs it: a dismissed screen keeps processing its queue
while its widgets are removed, and ``call_after_refresh`` is forwarded to
whatever screen is on top. The callback met a screen without widgets and the
app exited with ``NoMatches`` (about one review in ten). These tests queue
the callback in the tick the review ends, so the order is not left to chance.
"""

from __future__ import annotations

from tests.app.test_review_screen import SIZE, add_suggestions, review_screen
from tui.app import lifetime
from tui.app.app import make_app
from tui.app.screens.review import ReviewScreen


async def _open_review(pilot) -> ReviewScreen:
    await pilot.press("r")
    screen = review_screen(pilot.app)
    await pilot.pause()
    return screen


async def test_focus_change_as_review_ends_does_not_crash(seed_db):
    """Textual's set_focus queues refresh_bindings on the dismissed screen; the footer update must not run."""
    add_suggestions(seed_db, 2)
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = await _open_review(pilot)
        screen.action_close_review()
        # What Screen.set_focus does when the focused article is removed, while
        # the dismissed screen's queue still runs: (its call_after_refresh lands
        # on the screen on top).
        pilot.app.screen.call_after_refresh(screen.refresh_bindings)
        await pilot.pause()
        await screen._flush_next_callbacks()  # the dismissed screen's loop, as the race lets it run
        await pilot.pause()
        assert not isinstance(pilot.app.screen, ReviewScreen)
    assert pilot.app._exception is None


async def test_long_document_deferrals_as_review_ends(seed_db, monkeypatch):
    """A long document defers its panels, schema check and inspector; ending the review in that tick is safe."""
    from tui.app.screens.reader import display as reader_mod
    from tui.app.widgets import _text as text_mod
    from tui.app.widgets import entity_panel as entity_mod
    from tui.app.widgets import event_panel as event_mod

    add_suggestions(seed_db, 3)
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = await _open_review(pilot)
        # Every document is "long" now: its work is deferred after a refresh or a short timer.
        monkeypatch.setattr(text_mod, "DEFER_OVER", 1)
        monkeypatch.setattr(text_mod, "DEFER_CHECK_OVER", 1)
        for mod in (reader_mod, entity_mod, event_mod):
            monkeypatch.setattr(mod, "DEFER_SECONDS", 0.001)
        screen.open_document(screen.document_name)  # queues panels, check and inspector
        screen._push_inspector()
        screen.action_close_review()  # the same tick
        for _ in range(5):
            await pilot.pause(0.01)
        assert not isinstance(pilot.app.screen, ReviewScreen)
    assert pilot.app._exception is None


async def test_guarded_callbacks_skip_a_dismissed_screen(seed_db):
    """lifetime's callbacks run while the screen is on the stack (also under a dialog), never after."""
    add_suggestions(seed_db, 2)
    ran: list[str] = []
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = await _open_review(pilot)
        lifetime.later(screen, ran.append, "live")
        await pilot.pause()
        assert ran == ["live"]
        lifetime.after_refresh(screen, ran.append, "after refresh")
        lifetime.timer(screen, 0.001, lambda: ran.append("timer"))
        lifetime.next_tick(screen, ran.append, "next")
        screen.action_close_review()
        assert not lifetime.is_live(screen) and lifetime.is_live(pilot.app.screen)
        for _ in range(3):
            await pilot.pause(0.01)
        assert ran == ["live"]
    assert pilot.app._exception is None


def test_every_delayed_callback_of_the_reader_goes_through_lifetime():
    """No raw call_later/call_after_refresh/call_next/set_timer/set_interval in the reader and its widgets."""
    import re
    from pathlib import Path

    root = Path(lifetime.__file__).parent
    raw = re.compile(r"self\.(call_later|call_after_refresh|call_next|set_timer|set_interval)\(")
    offenders = []
    for path in [*sorted((root / "screens" / "reader").glob("*.py")), root / "screens" / "review.py",
                 *sorted((root / "widgets").rglob("*.py"))]:
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if raw.search(line):
                offenders.append(f"{path.name}:{n}: {line.strip()}")
    assert offenders == []
