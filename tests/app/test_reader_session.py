"""The reader over its editing session: one status draw per key, no SQL in the footer's checks,
and other screens' writes reaching the reader through messages."""

from __future__ import annotations

from tests.app.conftest import goto_text, reader_of, select_text
from tui.app.app import make_app
from tui.app.widgets.status_line import StatusLine

SIZE = (160, 50)


def count_status_draws(screen) -> list[int]:
    """Count the status line's draws (calls of its ``show``) from now on."""
    status = screen.query_one("#status-line", StatusLine)
    calls = [0]
    show = status.show

    def counted(**kwargs):
        calls[0] += 1
        return show(**kwargs)

    status.show = counted
    return calls


async def test_a_tag_key_draws_the_status_line_once(seed_db):
    """Tagging the word under the cursor: the edit, the new selection and the panels ask; one draw."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        await goto_text(pilot, "Basra")
        await pilot.pause()
        draws = count_status_draws(screen)
        await pilot.press("1")
        await pilot.pause()
        assert [s.text for s in screen.anns.spans] == ["Basra"]
        assert draws[0] <= 1  # nothing on the line changes: the cursor stays, the mode too


async def test_a_tag_of_a_selection_draws_the_status_line_once(seed_db):
    """A selection tagged: VISUAL becomes NORMAL in one draw; the cursor's message after it draws nothing."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        await select_text(pilot, "Iraqi troops")
        draws = count_status_draws(screen)
        await pilot.press("1")
        await pilot.pause()
        assert [s.text for s in screen.anns.spans] == ["Iraqi troops"]
        assert draws[0] == 1


async def test_the_footer_checks_run_no_sql(seed_db):
    """After an edit, whether each key is available is answered without a query."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        await goto_text(pilot, "Basra")
        await pilot.press("1")
        await pilot.pause()
        statements: list[str] = []
        screen.store.conn.set_trace_callback(statements.append)
        try:
            for binding in screen.active_bindings.values():
                action = binding.binding.action
                name, _, rest = action.partition("(")
                params = tuple(int(p) for p in rest.rstrip(")").split(",") if p.strip().isdigit())
                screen.check_action(name, params)
            assert screen.check_action("undo", ()) and screen.check_action("redo", ()) is None
        finally:
            screen.store.conn.set_trace_callback(None)
        assert statements == []


async def test_a_review_refreshes_the_reader_under_it_when_it_ends(seed_db):
    """The review posts AnnotationsChanged; the app hands it to the reader, which re-reads when shown."""
    from tests.app.test_review_screen import add_suggestions

    add_suggestions(seed_db, 2)
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        reader = reader_of(pilot.app)
        assert [s.status for s in reader.anns.spans] == ["pending", "pending"]
        await pilot.press("r")
        await pilot.pause()
        assert pilot.app.screen is not reader
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert pilot.app.screen is reader
        assert sorted(s.status for s in reader.anns.spans) == ["accepted", "pending"]
