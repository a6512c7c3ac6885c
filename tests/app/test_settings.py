"""Preferences kept between runs (``$XDG_CONFIG_HOME/tui/settings.toml``): read, written, never fatal."""

from __future__ import annotations

import pytest

from tui.app.settings import (
    MEASURE,
    PANEL_WIDTH,
    Settings,
    load_settings,
    save_settings,
    settings_path,
)


def test_defaults_when_missing(tmp_path):
    assert load_settings(tmp_path / "none.toml") == Settings(None, PANEL_WIDTH, MEASURE)


@pytest.mark.parametrize("text", [
    "theme = [broken",                        # not TOML
    "theme = 3\npanel_width = 'wide'\nmeasure = true",  # wrong types
    "panel_width = 2\nmeasure = 100000",      # out of range
    "theme = \"\\u001b[31m\"",                # a control character in a theme name
    "\xff\xfe",                               # not UTF-8 (written as bytes below)
])
def test_broken_values_give_defaults(tmp_path, text):
    path = tmp_path / "settings.toml"
    path.write_bytes(text.encode("latin-1") if text.startswith("\xff") else text.encode())
    assert load_settings(path) == Settings()


def test_round_trip(tmp_path):
    path = tmp_path / "tui" / "settings.toml"
    wanted = Settings(theme='odd "name" \\ ü', panel_width=60, measure=88)
    assert save_settings(wanted, path)
    assert load_settings(path) == wanted
    assert [p.name for p in path.parent.iterdir()] == ["settings.toml"]  # no temporary left


def test_an_unwritable_place_is_not_an_error(tmp_path):
    """A config "folder" that is a file (any user, root too, fails to write there): False, no exception."""
    blocker = tmp_path / "config"
    blocker.write_text("a file, not a folder")
    assert save_settings(Settings(theme="nord"), blocker / "tui" / "settings.toml") is False
    assert blocker.read_text() == "a file, not a folder"


def test_the_path_follows_xdg_config_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert settings_path() == tmp_path / "tui" / "settings.toml"
