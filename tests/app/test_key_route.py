"""The reader's short route for keys (``TuiApp._reader_key``) skips nothing that handles a key.

Textual hands a key to the focused widget and bubbles it up to the screen and
the app; each stop may run ``key_*`` methods, ``on_key`` / ``_on_key`` handlers
or ``@on(events.Key)`` handlers. The app handles a key for the reader's article
view without those trips, calling the reader's ``on_key``, the app's, and then
the bindings. That is only right while no widget between the view and the
screen handles a key itself: this test fails as soon as one does, so whoever
adds such a handler has to route keys the long way again or call it too.
"""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.dom import DOMNode
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widget import Widget

from tests.app.conftest import reader_of
from tui.app.app import TuiApp, make_app
from tui.app.screens.reader import ReaderScreen
from tui.app.widgets.article_view import ArticleView

SIZE = (160, 50)

#: The handlers the short route calls itself, or that only run ``dispatch_key`` (``key_*`` methods).
ALLOWED = {
    (Widget, "_on_key"),
    (App, "_on_key"),
    (ReaderScreen, "on_key"),
    (TuiApp, "on_key"),
}


def key_handlers(node: MessagePump) -> list[str]:
    """The key handlers a node's classes define, but those the short route accounts for."""
    found = []
    for cls in type(node).__mro__:
        if cls in (object, MessagePump, DOMNode):
            continue
        for name in vars(cls):
            if (name.startswith("key_") or name in ("on_key", "_on_key")) and (cls, name) not in ALLOWED:
                found.append(f"{cls.__qualname__}.{name}")
        for message_type, _selectors in (vars(cls).get("_decorated_handlers") or {}).items():
            if issubclass(message_type, events.Key):
                found.append(f"{cls.__qualname__}: @on({message_type.__name__})")
    return found


async def test_nothing_between_the_reader_view_and_the_app_handles_a_key_on_its_own(seed_db):
    async with make_app(seed_db, annotator="alice").run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        view = screen.query_one(ArticleView)
        assert pilot.app.focused is view and pilot.app._reader_focused()
        chain: list[MessagePump] = []
        node: MessagePump | None = view
        while node is not None:
            chain.append(node)
            node = node.parent if not isinstance(node, Screen) else None
        chain.append(pilot.app)
        assert isinstance(chain[-2], ReaderScreen)
        found = {type(n).__qualname__: key_handlers(n) for n in chain}
        assert not any(found.values()), found


async def test_a_key_the_view_binds_runs_through_the_short_route(seed_db):
    """The route ends in the bindings: a motion the view binds moves the cursor, once."""
    async with make_app(seed_db, annotator="alice").run_test(size=SIZE) as pilot:
        view = reader_of(pilot.app).query_one(ArticleView)
        start = view.cursor
        await pilot.press("w")
        await pilot.pause()
        first = view.cursor
        await pilot.press("w")
        await pilot.pause()
        assert start < first < view.cursor
