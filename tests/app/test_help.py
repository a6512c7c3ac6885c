"""The help screen and the command palette provider, both built from the live bindings."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Markdown

from tui.app.palette import ActionsProvider
from tui.app.screens.help import HOW_TO, KEYS_NOTE, HelpScreen, is_own_binding, key_groups


class Pane(Widget, can_focus=True):
    """A focusable widget with its own keys (like the article view)."""

    BINDING_GROUP_TITLE = "Pane"
    BINDINGS = [
        Binding("j,down", "down", "Down", show=False, id="pane-down"),
        Binding("k,up", "up", "Up", show=False, id="pane-up"),
    ]

    def action_down(self) -> None:
        self.app.log_actions.append("down")

    def action_up(self) -> None:
        self.app.log_actions.append("up")


class MainScreen(Screen):
    """A screen with keys of its own, one of them disabled right now."""

    BINDINGS = [
        Binding("x", "tag", "Tag", tooltip="Tag the selection", id="main-tag"),
        Binding("z", "never", "Never", id="main-never"),
        Binding("question_mark,f1", "help", "Help", id="main-help"),
    ]

    def compose(self) -> ComposeResult:
        yield Pane()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "never" else True

    def action_tag(self) -> None:
        self.app.log_actions.append("tag")

    def action_never(self) -> None:
        self.app.log_actions.append("never")

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.active_bindings, "## Our how-to\nRead, then tag."))


class HelpApp(App):
    """The test screen plus the actions provider in the palette."""

    COMMANDS = App.COMMANDS | {ActionsProvider}

    def __init__(self) -> None:
        super().__init__()
        self.log_actions: list[str] = []

    def on_mount(self) -> None:
        self.push_screen(MainScreen())


def all_rows(screen: HelpScreen) -> dict[str, tuple[str, bool, str | None]]:
    return {r.description: (" ".join(r.keys), r.enabled, r.binding_id) for g in screen.groups for r in g.rows}


async def test_help_lists_every_live_binding_grouped():
    """Every active key (hidden ones too) is listed once per action under the node that defines it."""
    app = HelpApp()
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.pause()
        main = app.screen
        live = main.active_bindings
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        titles = [g.title for g in help_screen.groups]
        assert titles[:2] == ["Pane", "Main"]
        rows = all_rows(help_screen)
        assert rows["Down"] == ("j ↓", True, "pane-down")
        assert rows["Tag"] == ("x", True, "main-tag")
        assert rows["Never"][1] is False  # disabled now: listed, dimmed
        # Every live key of the app's own appears in some row; Textual's own keys
        # (ctrl+c "help quit", a scroll view's Page Left) mean nothing here.
        shown = {k for g in help_screen.groups for r in g.rows for k in r.keys}
        assert {app.get_key_display(a.binding) for a in live.values() if is_own_binding(a.node, a.binding)} <= shown
        assert "help_quit" not in {a.binding.action for a in live.values() if is_own_binding(a.node, a.binding)}
        assert {"down", "tag", "never", "help", "command_palette"} <= {
            a.binding.action for a in live.values() if is_own_binding(a.node, a.binding)}
        md = help_screen.query_one(Markdown)
        assert "Our how-to" in help_screen.help_markdown and KEYS_NOTE in help_screen.help_markdown
        assert md is not None


async def test_help_follows_the_keymap():
    """A key remapped by the keymap is shown with its new key."""
    app = HelpApp()
    async with app.run_test(size=(140, 50)) as pilot:
        app.set_keymap({"main-tag": "ctrl+t"})
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert all_rows(app.screen)["Tag"][0] == "^t"


async def test_help_closes_with_escape_q_and_question_mark():
    """escape, q and ? close the help and return to the screen underneath."""
    app = HelpApp()
    async with app.run_test(size=(140, 50)) as pilot:
        for key in ("escape", "q", "question_mark"):
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, MainScreen), key


def test_key_groups_merge_keys_of_one_action():
    """Plain bindings are grouped too; two bindings of one action become one row."""
    groups = key_groups([Binding("a", "go", "Go"), Binding("b", "go", "Go"), Binding("c", "stop")])
    assert [(r.keys, r.description) for r in groups[0].rows] == [(["a", "b"], "Go"), (["c"], "Stop")]


def test_default_how_to():
    """Without a how-to from the caller, ours is shown."""
    assert HelpScreen([]).help_markdown.startswith(HOW_TO.rstrip())


async def test_palette_lists_every_action_and_runs_it():
    """ctrl+p offers each bound action (hidden ones too) by its description; choosing one runs it."""
    app = HelpApp()
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.pause()
        provider = ActionsProvider(app.screen)
        names = [name for name, _, _ in provider._commands()]
        assert names[:2] == ["Down", "Up"]
        assert {"Tag", "Never", "Help", "Focus Next"} <= set(names)  # screen's own and inherited keys
        assert len(names) == len(set(names))
        helps = {name: help_text for name, help_text, _ in provider._commands()}
        assert helps["Down"] == "j ↓ · Pane · id pane-down"
        assert helps["Tag"] == "Tag the selection (x · Main · id main-tag)"
        assert helps["Never"].endswith("not available now")
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"down")
        await pilot.pause()
        await pilot.press("down", "enter")  # the first hit for "down" is the Down action
        await pilot.pause()
        await pilot.pause()
        assert app.log_actions == ["down"]


# -- the real app ------------------------------------------------------------------


async def test_reader_help_shows_every_reader_key(db_path):
    """? in the reader opens help listing every key active in the reader; escape returns to it."""
    from tests.app.panel_data import make_db
    from tui.app.app import make_app

    make_db(db_path)
    app = make_app(db_path, annotator="alice", document="panels")
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        reader = app.screen
        live = {(a.binding.action, app.get_key_display(a.binding)) for a in reader.active_bindings.values()}
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        # Each (action, key) of the reader is on some row (descriptions may be reworded).
        shown = {(a.binding.action, app.get_key_display(a.binding)) for a in help_screen._live_bindings}
        assert live == shown
        keys = {k for g in help_screen.groups for r in g.rows for k in r.keys}
        own = {(a.binding.action, app.get_key_display(a.binding)) for a in reader.active_bindings.values()
               if is_own_binding(a.node, a.binding)}
        assert {k for _, k in own} <= keys
        assert {"w", "v", "t", "?", "^l", "\\", "|"} <= keys
        # Textual's own keys that mean nothing here are left out (issue 13: "^pgup Page Left").
        assert not {"^pgup", "^pgdn"} & keys
        assert not {"page_left", "page_right"} & {a for a, _ in own}
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is reader


async def test_reader_palette_reaches_a_reader_action(db_path):
    """ctrl+p, typing "library" and enter opens the library, as the o key does."""
    from tests.app.panel_data import make_db
    from tui.app.app import make_app
    from tui.app.screens.library import LibraryScreen

    make_db(db_path)
    app = make_app(db_path, annotator="alice", document="panels")
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        reader = app.screen
        names = [name for name, _, _ in ActionsProvider(reader)._commands()]
        actions = {a.binding.action for a in reader.active_bindings.values()}
        assert len(names) == len({(id(a.node), a.binding.action) for a in reader.active_bindings.values()})
        assert "library" in actions
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"library")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)


async def test_the_palettes_keys_command_opens_the_apps_help(db_path):
    """The palette's "Keys" opens this app's help (its own keys), not Textual's key panel."""
    from tests.app.panel_data import make_db
    from tui.app.app import make_app

    make_db(db_path)
    app = make_app(db_path, annotator="alice", document="panels")
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        keys = [c for c in app.get_system_commands(app.screen) if c.title == "Keys"]
        assert len(keys) == 1
        keys[0].callback()
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert not app.screen.query("HelpPanel")
