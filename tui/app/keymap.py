"""User key remapping: ``$XDG_CONFIG_HOME/tui/keymap.toml``.

The file has one table, ``[keys]``, mapping a binding id (the ``id=`` of a
``Binding``, e.g. ``tag-entity-picker``) to the keys that should trigger it,
comma-separated::

    [keys]
    tag-entity-picker = "t,ctrl+t"
    quit = "ctrl+q"

The app applies it with ``App.set_keymap`` on mount. A broken file is a
:class:`KeymapError` naming the file and line (the app shows it as a
notification and keeps the default keys); an id no binding has is a warning.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.core.errors import InputError

#: A key name: letters, digits, ``+`` between modifiers, ``_`` in names like
#: ``question_mark``, or a single printable character such as ``?`` or ``:``.
_KEY_RE = re.compile(r"^(?:[a-z]+\+)*(?:[A-Za-z0-9_]+|[^\sA-Za-z0-9,])$")
_TOML_POS_RE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


#: Keys the Linux console sends the same with or without a modifier (and
#: where ``alt`` with an arrow switches virtual consoles).
_MODIFIED_IN_CONSOLE = frozenset(
    {"up", "down", "left", "right", "home", "end", "pageup", "pagedown", "insert", "delete"})
#: ``ctrl`` + these is another key in every terminal (the same control byte).
_CTRL_ALIASES = {"i": "tab", "m": "enter", "j": "enter", "h": "backspace",
                 "left_square_bracket": "escape"}


def terminal_problem(key: str) -> str | None:
    """Why ``key`` (a Textual key name) does not arrive distinctly from xterm, tmux and the Linux console.

    A terminal sends bytes, not key events: ``ctrl+shift+a`` is the same
    byte as ``ctrl+a``, ``ctrl+i`` is tab, the Linux console sends
    ``shift+up`` as ``up``. Returns ``None`` for a key that arrives as itself.
    """
    *mods, name = key.split("+") if key != "+" else ["plus"]
    for mod in mods:
        if mod in ("super", "hyper", "meta"):
            return f"{key}: terminals do not send the {mod} modifier"
    if re.fullmatch(r"f\d+", name) and (int(name[1:]) > 12 or mods):
        return f"{key}: the Linux console sends modified or high function keys as other F keys"
    if name in _MODIFIED_IN_CONSOLE and mods:
        return f"{key}: the Linux console sends it as {name}"
    if "ctrl" in mods:
        if name in _CTRL_ALIASES:
            return f"{key}: terminals send it as {_CTRL_ALIASES[name]}"
        if "shift" in mods:
            return f"{key}: terminals send ctrl+shift+{name} as ctrl+{name}"
        if not (len(name) == 1 and name.isalpha()) and name not in ("space", "backslash"):
            return f"{key}: most terminals send nothing, or another control key, for it"
    if name == "tab" and "shift" in mods:
        return f"{key}: the Linux console sends it as tab"
    return None


class KeymapError(InputError):
    """A keymap file that cannot be used; ``str()`` is ``FILE:LINE: reason``."""


def keymap_path() -> Path:
    """Where the keymap lives: ``$XDG_CONFIG_HOME/tui/keymap.toml`` (default ``~/.config``).

    Returns:
        The path (the file may not exist).
    """
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "tui" / "keymap.toml"


def _line_of(text: str, key: str, after: int = 0) -> int | None:
    """The 1-based line where ``key = ...`` is written, searching from line ``after``."""
    pat = re.compile(r"^\s*(?:" + re.escape(key) + r'|"' + re.escape(key) + r'"|\'' + re.escape(key) + r"')\s*=")
    for n, line in enumerate(text.splitlines(), start=1):
        if n > after and pat.match(line):
            return n
    return None


def _table_line(text: str, name: str) -> int | None:
    pat = re.compile(r"^\s*\[\s*" + re.escape(name) + r"\s*\]")
    for n, line in enumerate(text.splitlines(), start=1):
        if pat.match(line):
            return n
    return None


def parse_keymap(text: str, path: str = "<keymap>") -> dict[str, str]:
    """Parse keymap TOML.

    Args:
        text: the file's content.
        path: its name, for error messages.

    Returns:
        ``{binding id: "key1,key2"}`` with spaces around commas removed.

    Raises:
        KeymapError: bad TOML, a table other than ``[keys]``, a value that is
            not a string, or a key list with an empty or malformed key.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POS_RE.search(msg)
        line = int(m.group(1)) if m else None
        reason = _TOML_POS_RE.sub("", msg) if m else msg
        raise KeymapError(f"not valid TOML: {reason}", path=path, line=line) from None
    for top, value in data.items():
        if top != "keys":
            raise KeymapError(
                f"unknown entry {top!r}: the keymap has one table, [keys]",
                path=path,
                line=_table_line(text, top) or _line_of(text, top),
            )
        if not isinstance(value, dict):
            raise KeymapError("'keys' must be a table: [keys]", path=path, line=_line_of(text, "keys"))
    keys_at = _table_line(text, "keys") or 0
    out: dict[str, str] = {}
    for binding_id, value in data.get("keys", {}).items():
        line = _line_of(text, binding_id, keys_at)
        if not isinstance(value, str):
            raise KeymapError(
                f"{binding_id}: keys must be a string such as \"t,ctrl+t\", not {type(value).__name__}",
                path=path,
                line=line,
            )
        keys = [k.strip() for k in value.split(",")]
        for key in keys:
            if not key or not _KEY_RE.match(key):
                raise KeymapError(f"{binding_id}: bad key {key!r} in {value!r}", path=path, line=line)
        out[binding_id] = ",".join(keys)
    return out


def load_keymap(path: str | Path | None = None) -> dict[str, str]:
    """Read the user's keymap.

    Args:
        path: the file; default :func:`keymap_path`.

    Returns:
        ``{binding id: "key1,key2"}``; empty when the file does not exist.

    Raises:
        KeymapError: the file cannot be read or is not a valid keymap.
    """
    p = Path(path) if path is not None else keymap_path()
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise KeymapError(f"cannot read: {exc.strerror}", path=str(p)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise KeymapError(f"not UTF-8 at byte {exc.start}", path=str(p)) from None
    return parse_keymap(text, str(p))


def known_binding_ids() -> set[str]:
    """Every binding id declared by a loaded widget, screen or app class.

    Returns:
        The ids of every ``Binding`` in the ``BINDINGS`` of every ``DOMNode``
        subclass of Textual's and of every module under ``tui.app`` (imported
        here: the app applies the keymap before it builds its first screen).
    """
    import importlib
    import pkgutil

    from textual.binding import Binding
    from textual.dom import DOMNode

    import tui.app

    for info in pkgutil.walk_packages(tui.app.__path__, "tui.app."):
        try:
            importlib.import_module(info.name)
        except Exception:  # noqa: BLE001 - a module that fails to import has no bindings to check
            continue

    return {b.id for _, b in _declared_bindings(DOMNode, Binding) if b.id}


def _declared_bindings(root: type, binding: type) -> list[tuple[type, Any]]:
    """``(class, Binding)`` for every ``Binding`` declared on a subclass of ``root`` (loaded ones)."""
    out: list[tuple[type, Any]] = []
    seen: set[type] = set()
    todo: list[type] = [root]
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        todo.extend(cls.__subclasses__())
        out.extend((cls, b) for b in cls.__dict__.get("BINDINGS", ()) or () if isinstance(b, binding))
    return out


def unknown_ids(keymap: dict[str, str], known: set[str] | None = None) -> list[str]:
    """The ids in a keymap that no binding has (typos, or keys of a removed action).

    Args:
        keymap: as returned by :func:`load_keymap`.
        known: the valid ids; default :func:`known_binding_ids`.

    Returns:
        Unknown ids, in file order.
    """
    valid = known if known is not None else known_binding_ids()
    return [i for i in keymap if i not in valid]


def apply_keymap(app: Any, path: str | Path | None = None) -> dict[str, str]:
    """Load the keymap and install it in a running app; report problems as notifications.

    A broken file is an error notification and the default keys stay; unknown
    ids are a warning and the rest still applies.

    Args:
        app: the Textual app (``set_keymap`` and ``notify`` are used).
        path: the keymap file; default :func:`keymap_path`.

    Returns:
        The keymap applied (empty when there is none or it is broken).
    """
    try:
        keymap = load_keymap(path)
    except KeymapError as exc:
        app.notify(f"Keymap not applied: {exc}", severity="error", markup=False, timeout=10)
        return {}
    unknown = unknown_ids(keymap)
    if unknown:
        where = str(path or keymap_path())
        app.notify(
            f"{where}: no key binding has the id {', '.join(unknown)}",
            severity="warning",
            markup=False,
            timeout=10,
        )
    problems = [p for keys in keymap.values() for k in keys.split(",")
                if (p := terminal_problem(k.strip()))]
    if problems:
        app.notify(
            f"{keymap_path() if path is None else path}: " + "; ".join(problems),
            severity="warning",
            markup=False,
            timeout=10,
        )
    app.set_keymap(keymap)
    return keymap


@dataclass(frozen=True)
class BindingRow:
    """One binding as ``tui keys`` lists it.

    ``keys`` are the keys after the user's keymap; ``default_keys`` the ones
    the code declares; ``owner`` the screen, widget or app class that declares
    the binding (``module.Class``); ``id`` is ``None`` for a binding that
    cannot be remapped.
    """

    id: str | None
    keys: list[str]
    default_keys: list[str]
    owner: str
    action: str
    description: str
    tooltip: str

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape of ``tui keys --format json``."""
        return {"id": self.id, "keys": self.keys, "default_keys": self.default_keys,
                "owner": self.owner, "action": self.action, "description": self.description,
                "tooltip": self.tooltip}


def binding_rows(keymap: dict[str, str] | None = None) -> list[BindingRow]:
    """Every binding declared by a class under ``tui.app``, with the keymap applied.

    Nothing is started: the modules are imported and their ``BINDINGS`` read,
    as :func:`known_binding_ids` does.

    Args:
        keymap: ``{binding id: "key1,key2"}`` (as :func:`load_keymap` returns);
            a binding whose id is in it gets those keys, as ``App.set_keymap`` does.

    Returns:
        One row per binding, ordered by owner, then as declared.
    """
    from textual.binding import Binding
    from textual.dom import DOMNode

    known_binding_ids()  # imports every module under tui.app
    keymap = keymap or {}
    rows: list[BindingRow] = []
    for cls, b in _declared_bindings(DOMNode, Binding):
        if not cls.__module__.startswith("tui."):
            continue
        default = [k.strip() for k in b.key.split(",") if k.strip()]
        keys = keymap[b.id].split(",") if b.id and b.id in keymap else default
        rows.append(BindingRow(id=b.id, keys=keys, default_keys=default,
                               owner=f"{cls.__module__}.{cls.__qualname__}", action=b.action,
                               description=b.description or "", tooltip=b.tooltip or ""))
    order = {id(r): n for n, r in enumerate(rows)}
    return sorted(rows, key=lambda r: (r.owner, order[id(r)]))
