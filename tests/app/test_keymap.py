"""The user keymap: parsing, clear errors with file and line, and remapping a live app."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from tui.app.keymap import (
    KeymapError,
    apply_keymap,
    keymap_path,
    known_binding_ids,
    load_keymap,
    unknown_ids,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "keymap.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_keymap_path_follows_xdg_config_home(tmp_path):
    """The keymap is read from $XDG_CONFIG_HOME/tui/keymap.toml."""
    assert keymap_path() == Path(os.environ["XDG_CONFIG_HOME"]) / "tui" / "keymap.toml"


def test_missing_file_is_an_empty_keymap():
    """No keymap file means no remapping (and no error)."""
    assert not keymap_path().exists()
    assert load_keymap() == {}


def test_parse_keys_table(tmp_path):
    """Each binding id maps to its comma-separated keys, spaces around commas dropped."""
    path = write(tmp_path, '# mine\n[keys]\ntag-type = "t, ctrl+t"\n"search" = "slash,?"\nquit = "ctrl+q"\n')
    assert load_keymap(path) == {"tag-type": "t,ctrl+t", "search": "slash,?", "quit": "ctrl+q"}


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ('[keys]\ntag-type = "t"\nquit = ctrl+q\n', 3, "not valid TOML"),
        ('[keys]\ntag-type = "t"\n\nquit = 5\n', 4, "quit: keys must be a string"),
        ('[keys]\nquit = ["q", "x"]\n', 2, "quit: keys must be a string"),
        ('[keys]\nquit = "q,,x"\n', 2, "quit: bad key ''"),
        ('[keys]\nquit = "ctrl q"\n', 2, "quit: bad key 'ctrl q'"),
        ('[keys]\nquit = "q"\n\n[colors]\nred = "#f00"\n', 4, "unknown entry 'colors'"),
        ('keys = "q"\n', 1, "'keys' must be a table"),
    ],
)
def test_errors_name_file_and_line(tmp_path, text, line, reason):
    """A broken keymap raises KeymapError whose message is FILE:LINE: reason."""
    path = write(tmp_path, text)
    with pytest.raises(KeymapError) as err:
        load_keymap(path)
    assert err.value.line == line
    assert str(err.value).startswith(f"{path}:{line}: {reason}"), str(err.value)


def test_not_utf8_is_an_error(tmp_path):
    """A keymap that is not UTF-8 names the byte offset."""
    path = tmp_path / "keymap.toml"
    path.write_bytes(b'[keys]\nquit = "\xff"\n')
    with pytest.raises(KeymapError, match=r"not UTF-8 at byte 15"):
        load_keymap(path)


def test_unknown_ids_are_reported():
    """Ids that no binding declares are listed, known ones are not."""
    assert unknown_ids({"a": "x", "b": "y"}, known={"b"}) == ["a"]
    known = known_binding_ids()
    # Ours (declared below in this module) and Textual's own are both known.
    assert "test-bump" in known and "library-status" in known


class RemapApp(App):
    """A screen-level binding with an id, and a counter to prove the action ran."""

    BINDINGS = [Binding("o", "bump", "Bump", id="test-bump")]

    def __init__(self) -> None:
        super().__init__()
        self.bumps = 0

    def compose(self) -> ComposeResult:
        yield Static("x")

    def action_bump(self) -> None:
        self.bumps += 1


async def test_remapped_key_triggers_the_action(tmp_path):
    """After apply_keymap, the new key runs the action and the old key no longer does."""
    path = write(tmp_path, '[keys]\ntest-bump = "f6,ctrl+b"\n')
    app = RemapApp()
    async with app.run_test() as pilot:
        assert apply_keymap(app, path) == {"test-bump": "f6,ctrl+b"}
        await pilot.press("o")
        assert app.bumps == 0
        await pilot.press("f6", "ctrl+b")
        assert app.bumps == 2
        await pilot.pause()
        assert not list(app._notifications)


async def test_bad_keymap_is_a_notification_and_defaults_stay(tmp_path):
    """A broken keymap is reported as an error notification naming file and line; default keys keep working."""
    path = write(tmp_path, '[keys]\ntest-bump = 3\n')
    app = RemapApp()
    async with app.run_test() as pilot:
        assert apply_keymap(app, path) == {}
        await pilot.pause()
        notes = list(app._notifications)
        assert len(notes) == 1 and notes[0].severity == "error"
        assert f"{path}:2: test-bump: keys must be a string" in notes[0].message
        await pilot.press("o")
        assert app.bumps == 1


async def test_unknown_id_is_a_warning_and_the_rest_applies(tmp_path):
    """An id no binding has is a warning; the other remappings still apply."""
    path = write(tmp_path, '[keys]\nno-such-thing = "x"\ntest-bump = "f7"\n')
    app = RemapApp()
    async with app.run_test() as pilot:
        apply_keymap(app, path)
        await pilot.pause()
        notes = list(app._notifications)
        assert [n.severity for n in notes] == ["warning"]
        assert "no-such-thing" in notes[0].message and "test-bump" not in notes[0].message
        await pilot.press("f7")
        assert app.bumps == 1


# -- the real app ------------------------------------------------------------------


def _spans(db_path, name: str) -> list[tuple[str, str]]:
    from tui.core.store import Store

    with Store(db_path, annotator="alice") as store:
        return [(s.label, s.text) for s in store.annotations(store.document(name).id).spans]


async def test_keymap_file_remaps_a_reader_key(db_path):
    """With tag-1 remapped to f9 in $XDG_CONFIG_HOME/tui/keymap.toml, f9 tags PER in the database and 1 no longer does."""
    from tests.app.panel_data import make_db
    from tui.app.app import make_app

    make_db(db_path)
    keymap_path().parent.mkdir(parents=True)
    keymap_path().write_text('[keys]\ntag-1 = "f9"\n', encoding="utf-8")
    app = make_app(db_path, annotator="alice", document="zz-empty-notes")
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert _spans(db_path, "zz-empty-notes") == []
        await pilot.press("f9")
        await pilot.pause()
        assert _spans(db_path, "zz-empty-notes") == [("PER", "Nothing")]
        assert not [n for n in app._notifications if n.severity in ("error", "warning")]


async def test_broken_keymap_file_is_reported_and_the_app_runs(db_path):
    """A broken keymap.toml is an error notification naming file and line; the default keys still work."""
    from tests.app.panel_data import make_db
    from tui.app.app import make_app

    make_db(db_path)
    keymap_path().parent.mkdir(parents=True)
    keymap_path().write_text('[keys]\ntag-1 = f9\n', encoding="utf-8")
    app = make_app(db_path, annotator="alice", document="zz-empty-notes")
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1 and f"{keymap_path()}:2: not valid TOML" in errors[0], errors
        await pilot.press("1")
        await pilot.pause()
        assert _spans(db_path, "zz-empty-notes") == [("PER", "Nothing")]


async def test_a_key_terminals_cannot_send_is_a_warning(tmp_path):
    """Mapping ctrl+shift+b (a terminal sends ctrl+b) warns why; the mapping still applies."""
    path = write(tmp_path, '[keys]\ntest-bump = "ctrl+shift+b,f8"\n')
    app = RemapApp()
    async with app.run_test() as pilot:
        apply_keymap(app, path)
        await pilot.pause()
        notes = [n.message for n in app._notifications]
        assert len(notes) == 1 and "ctrl+shift+b: terminals send ctrl+shift+b as ctrl+b" in notes[0]
        await pilot.press("f8")
        assert app.bumps == 1
