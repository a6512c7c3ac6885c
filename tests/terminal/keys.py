"""Keys of the README's key table as tmux names, read from the live binding definitions.

A test that presses "the layers key" asks for it by binding id, so it keeps
pressing the right key when a binding moves (``ctrl+l`` is the terminal's
redraw, issue 13).
"""

from __future__ import annotations

from textual.binding import Binding

from tui.app.screens.reader.bindings import READER_BINDINGS

_NAMED = {"escape": "Escape", "enter": "Enter", "tab": "Tab", "shift+tab": "BTab", "space": "Space",
          "delete": "DC", "backspace": "BSpace"}


def tmux_key(key: str) -> str:
    """A Textual key name (``ctrl+l``, ``f5``, ``L``, ``question_mark``) as tmux send-keys names it."""
    if key in _NAMED:
        return _NAMED[key]
    if key.startswith("ctrl+"):
        return "C-" + tmux_key(key[5:])
    if key.startswith("alt+"):
        return "M-" + tmux_key(key[4:])
    if len(key) > 1 and key[0] == "f" and key[1:].isdigit():
        return key.upper()
    from textual.keys import KEY_NAME_REPLACEMENTS, key_to_character

    # Textual names "+" "plus" (a replacement of "plus_sign") but key_to_character
    # only reads the long name back: undo the replacement first.
    long_names = {short: long for long, short in KEY_NAME_REPLACEMENTS.items()}
    return key_to_character(long_names.get(key, key)) or key


def binding_key(binding_id: str) -> str:
    """The first key of the reader binding with this id, as a tmux key name."""
    for b in READER_BINDINGS:
        if isinstance(b, Binding) and b.id == binding_id:
            return tmux_key(b.key.split(",")[0].strip())
    raise KeyError(binding_id)
