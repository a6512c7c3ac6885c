"""The library screen: listing with status and counts, filtering, status cycling, opening."""

from __future__ import annotations

import sqlite3

from textual.app import App
from textual.widgets import DataTable, Input

from tests.app.panel_data import make_db
from tui.app.screens.library import LibraryScreen, matches
from tui.core.model import DocAnnotations, Document
from tui.core.store import Store


class LibApp(App):
    """Pushes the library over an empty screen and records what it dismissed with."""

    def __init__(self, db_path, current: str | None = "panels") -> None:
        super().__init__()
        self.store = Store(db_path, annotator="alice")
        self.annotator = "alice"
        self.current = current
        self.results: list[str | None] = []

    def on_mount(self) -> None:
        self.push_screen(LibraryScreen(self.current), self.results.append)

    def on_unmount(self) -> None:
        self.store.close()


def rows(screen: LibraryScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[c.plain for c in table.get_row_at(i)] for i in range(table.row_count)]


def status_rows(db_path) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return sorted(conn.execute("SELECT d.name, s.annotator, s.status FROM doc_status s JOIN documents d ON d.id = s.doc_id"))
    finally:
        conn.close()


def test_matches_every_word_case_insensitively():
    """The filter keeps a name when each typed word occurs in it, ignoring case."""
    assert matches("news/Basra-offensive", "basra OFF")
    assert not matches("news/Basra-offensive", "basra mosul")
    assert matches("anything", "  ")


async def test_library_lists_documents_with_status_and_counts(db_path):
    """Every document is listed by name with the annotator's status and per-kind counts; the cursor is on the open one."""
    make_db(db_path)
    with Store(db_path, annotator="bob") as other:
        other.set_doc_status(other.document("hostile").id, "done")
    app = LibApp(db_path)
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        got = rows(screen)
        assert [r[0] for r in got] == ["hostile", "▶ panels", "zz-empty-notes"]
        # bob's "done" is not alice's status.
        assert [r[1] for r in got] == ["new", "new", "new"]
        panels = got[1]
        # spans, events, rels, coref, attrs, norms, notes, pending, chars: alice's layer,
        # accepted ones counted; her 2 pending suggestions only under Pending (issue 13)
        text_len = len(app.store.document("panels").text)
        assert panels[2:] == ["12", "3", "1", "2", "1", "1", "1", "2", str(text_len)]
        assert screen.query_one(DataTable).cursor_row == 1
        assert "3 of 3 documents" in screen.query_one("#library-title").render().plain


async def test_library_filters_as_you_type_and_opens(db_path):
    """The filter has the focus at once: typing narrows the list at each key, s r q are text, enter opens."""
    make_db(db_path)
    app = LibApp(db_path)
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen.focused, Input)
        await pilot.press("z")
        assert [r[0] for r in rows(screen)] == ["zz-empty-notes"]
        await pilot.press("backspace", "h", "o")
        assert [r[0] for r in rows(screen)] == ["hostile"]
        await pilot.press("s", "r", "q")  # typed into the filter: no status change, no review, still open
        assert screen.query_one(Input).value == "hosrq"
        assert status_rows(db_path) == []
        assert app.screen is screen
        await pilot.press("backspace", "backspace", "backspace", "s", "t")
        assert [r[0] for r in rows(screen)] == ["hostile"]
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == ["hostile"]
        assert not isinstance(app.screen, LibraryScreen)


async def test_library_arrows_in_the_filter_move_the_list(db_path):
    """up/down in the filter move the list's cursor (the filter keeps the focus); tab goes to the list, / back."""
    make_db(db_path)
    app = LibApp(db_path)
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        table = screen.query_one(DataTable)
        assert table.cursor_row == 1
        await pilot.press("down")
        assert table.cursor_row == 2 and isinstance(screen.focused, Input)
        await pilot.press("up", "up")
        assert table.cursor_row == 0
        await pilot.press("tab")
        assert screen.focused is table
        await pilot.press("slash")
        assert isinstance(screen.focused, Input) and screen.query_one(Input).value == ""


async def test_library_status_key_cycles_and_writes_one_action_each(db_path):
    """s cycles new -> in progress -> done -> new for this annotator only, one logged store action per press."""
    make_db(db_path)
    with Store(db_path, annotator="bob") as other:
        other.set_doc_status(other.document("panels").id, "done")
    conn = sqlite3.connect(db_path)
    ops_before = conn.execute("SELECT count(*) FROM oplog").fetchone()[0]
    app = LibApp(db_path)
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("tab", "s")
        assert ("panels", "alice", "in-progress") in status_rows(db_path)
        assert rows(screen)[1][1] == "in progress"
        await pilot.press("s")
        assert ("panels", "alice", "done") in status_rows(db_path)
        await pilot.press("s")
        assert ("panels", "alice", "new") in status_rows(db_path)
        assert rows(screen)[1][1] == "new"
        # The cursor stayed on the document whose status changed.
        assert screen.query_one(DataTable).cursor_row == 1
    assert ("panels", "bob", "done") in status_rows(db_path)
    assert conn.execute("SELECT count(*) FROM oplog").fetchone()[0] == ops_before + 3
    conn.close()


async def test_library_escape_returns_nothing(db_path):
    """escape closes the library without choosing a document."""
    make_db(db_path)
    app = LibApp(db_path)
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        await pilot.press("down", "escape")
        await pilot.pause()
        assert app.results == [None]


async def test_library_names_are_text_not_markup(db_path):
    """A document name with markup and control characters is shown literally and made visible."""
    with Store(db_path, annotator="alice") as store:
        store.import_documents([(Document(name="[b]x[/b]\x1b[2J\u202e", text="t\n"), DocAnnotations())])
    app = LibApp(db_path, current=None)
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        assert rows(app.screen)[0][0] == "[b]x[/b]␛[2J�"
        await pilot.press("tab", "enter")
        await pilot.pause()
        assert app.results == ["[b]x[/b]\x1b[2J\u202e"]

