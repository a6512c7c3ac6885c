"""Every default key arrives distinctly from xterm, tmux and the Linux console (issue 13).

A terminal sends bytes: ``ctrl+shift+a`` is ``ctrl+a``, ``ctrl+i`` is tab,
the Linux console sends ``shift+up`` as ``up``. ``terminal_problem`` knows
which; this checks every binding that tui declares. The few defaults that
a console cannot send are listed with the key that does the same there.
"""

from __future__ import annotations

import pytest

from tui.app.keymap import binding_rows, terminal_problem

#: Binding id -> how a Linux-console user does the same.
CONSOLE_ALTERNATIVES = {
    "select-left": "v then h",
    "select-right": "v then l",
    "select-up": "v then k",
    "select-down": "v then j",
    "role-previous": "tab cycles through the same candidates",
    "focus-previous": "tab cycles through the same panels",
}


def tui_bindings() -> list[tuple[str, str, str]]:
    """``(owner, binding id, key)`` for every default key of every tui widget, screen and app."""
    return [(row.owner, str(row.id), key) for row in binding_rows() for key in row.default_keys]


@pytest.mark.parametrize("key, problem", [
    ("ctrl+shift+a", "as ctrl+a"), ("ctrl+i", "as tab"), ("ctrl+m", "as enter"),
    ("shift+up", "as up"), ("ctrl+left", "as left"), ("shift+f1", "other F keys"),
    ("ctrl+1", "nothing"), ("super+s", "super"), ("shift+tab", "as tab"),
])
def test_keys_a_terminal_cannot_send(key, problem):
    reason = terminal_problem(key)
    assert reason is not None and problem in reason


@pytest.mark.parametrize("key", ["a", "G", "ctrl+r", "alt+r", "f2", "escape", "enter", "tab",
                                 "pageup", "question_mark", "ctrl+space", "plus", "delete"])
def test_keys_every_terminal_sends(key):
    assert terminal_problem(key) is None


def test_every_default_key_arrives_from_every_terminal():
    bindings = tui_bindings()
    assert len(bindings) > 60
    bad = [f"{cls} {bid}: {problem}" for cls, bid, key in bindings
           if (problem := terminal_problem(key)) and bid not in CONSOLE_ALTERNATIVES]
    assert not bad, "\n".join(bad)


def test_the_console_alternatives_are_real_bindings():
    ids = {bid for _, bid, _ in tui_bindings()}
    assert set(CONSOLE_ALTERNATIVES) <= ids
