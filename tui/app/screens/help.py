"""The help screen: every key of the screen it was opened from, plus a short how-to.

The key list is generated from the live bindings the caller read from
``screen.active_bindings`` *before* pushing this screen (once it is up,
the active bindings are its own), so help cannot drift from the code or
from the user's keymap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from tui.app.safe import safe, safe_text

HOW_TO = """\
## How to annotate

1. **Read**: move with the arrows or `h j k l`, by word `w b e`, sentence `( )`,
   paragraph `{ }`; `g` / `G` jump to the start / end; `/` searches.
2. **Select**: `v` starts a selection and motions extend it (`shift`+arrows too);
   `escape` clears it. With no selection, a tagging key acts on the word under
   the cursor.
3. **Tag**: `1`–`9` tag with the schema's first nine types; `t` opens a type
   picker. With an annotation selected, a tag key retypes it.
4. **Events**: select the trigger, press `E` and pick the event type; the roles
   are then offered in order: `tab` cycles candidate mentions, `enter` fills
   the role, `s` skips it, `escape` stops.
5. **More**: `R` relation, `C` coreference, `A` attributes, `:` note,
   `@` normalisation; `]` / `[` select the next / previous annotation,
   `d` deletes it, `u` undoes and `ctrl+r` redoes.

Every action is saved the moment the screen shows it: there is no save key.
"""

KEYS_NOTE = """## Keys

`o` opens the library, `ctrl+p` the command palette (every action, by name).
Keys can be remapped by binding id (the grey name after each key here) in
`$XDG_CONFIG_HOME/tui/keymap.toml`:

```toml
[keys]
tag-type = "t,ctrl+t"
```
"""


@dataclass
class KeyRow:
    """One line of the key list: the keys of one action, and what it does."""

    keys: list[str]
    description: str
    tooltip: str = ""
    enabled: bool = True
    binding_id: str | None = None


@dataclass
class KeyGroup:
    """The keys one widget or screen defines, under a title."""

    title: str
    rows: list[KeyRow] = field(default_factory=list)


def group_title(node: Any) -> str:
    """A readable group title for the node that defines some bindings."""
    title = getattr(node, "BINDING_GROUP_TITLE", None)
    if title:
        return str(title)
    name = type(node).__name__ if node is not None else "Keys"
    for suffix in ("Screen", "Widget"):
        if name.endswith(suffix) and name != suffix:
            name = name[: -len(suffix)]
    # CamelCase -> "Camel case"
    words: list[str] = []
    for ch in name:
        if ch.isupper() and words:
            words.append(" ")
        words.append(ch.lower() if words else ch)
    return "".join(words) or "Keys"


def _describe(binding: Binding) -> str:
    if binding.description:
        return binding.description
    if binding.tooltip:
        return binding.tooltip
    return binding.action.rsplit(".", 1)[-1].replace("_", " ").capitalize()


#: Textual's own actions that mean something in this app (the rest, such as
#: ``ctrl+pageup`` "Page Left" of every scroll view, do not: the help leaves them out).
TEXTUAL_ACTIONS_KEPT = frozenset({"command_palette"})


def _declared_actions(cls: type) -> frozenset[str]:
    """The actions bound by the classes in ``cls``'s ancestry that are not Textual's own."""
    actions: set[str] = set()
    for klass in cls.__mro__:
        if klass.__module__.split(".")[0] in ("textual", "builtins"):
            continue
        for binding in klass.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding):
                actions.add(binding.action)
            elif isinstance(binding, tuple) and len(binding) >= 2:
                actions.add(str(binding[1]))
    return frozenset(actions)


def is_own_binding(node: Any, binding: Binding) -> bool:
    """Whether a live binding is one of this app's keys (one that Textual adds to every widget is not)."""
    if node is None or binding.action in TEXTUAL_ACTIONS_KEPT:
        return True
    return binding.action in _declared_actions(type(node))


def key_groups(bindings: Mapping[str, Any] | Iterable[Any], key_display: Any = None) -> list[KeyGroup]:
    """Group live bindings by the node that defines them, one row per action.

    Args:
        bindings: ``screen.active_bindings`` (a mapping of key to
            ``ActiveBinding``) or its values, or plain ``Binding`` objects.
        key_display: ``app.get_key_display`` (how keys are written); default
            the binding's own ``key_display`` or key.

    Returns:
        Groups in the order the bindings came (focused widget first, app last),
        each with one row per action; keys of the same action are merged.
    """
    items = bindings.values() if isinstance(bindings, Mapping) else bindings
    groups: dict[int, KeyGroup] = {}
    rows: dict[tuple[int, str], KeyRow] = {}
    for item in items:
        if isinstance(item, Binding):
            node, binding, enabled = None, item, True
        else:
            node, binding, enabled = item[0], item[1], bool(item[2])
            if not is_own_binding(node, binding):
                continue
        group = groups.setdefault(id(node), KeyGroup(group_title(node)))
        shown = key_display(binding) if key_display is not None else (binding.key_display or binding.key)
        key = (id(node), binding.action)
        row = rows.get(key)
        if row is None:
            row = KeyRow([], _describe(binding), binding.tooltip, enabled, binding.id)
            rows[key] = row
            group.rows.append(row)
        if shown not in row.keys:
            row.keys.append(shown)
        row.enabled = row.enabled or enabled
    return [g for g in groups.values() if g.rows]


class HelpScreen(ModalScreen[None]):
    """Every key of the screen underneath, grouped, plus a how-to; ``escape`` closes."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > #help-body {
        width: 95%;
        height: 95%;
        border: round $primary;
        background: $surface;
        border-title-align: center;
    }
    HelpScreen #help-keys {
        width: 1fr;
        padding: 0 1;
    }
    HelpScreen #help-howto {
        width: 1fr;
        padding: 0 1;
    }
    HelpScreen .help-group-title {
        text-style: bold;
        margin-top: 1;
        color: $accent;
    }
    """

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "close", "Close", tooltip="Close the help", id="help-close"),
    ]
    """Keys of the help screen."""

    def __init__(
        self,
        bindings: Mapping[str, Any] | Iterable[Any] = (),
        help_markdown: str = "",
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """Build the screen.

        Args:
            bindings: the live bindings of the screen the help is about
                (``screen.active_bindings``, read before pushing this screen).
            help_markdown: how-to text (our own Markdown, e.g. the screen's
                and the focused widget's ``HELP``); default :data:`HOW_TO`.
                A note on the palette and the keymap always follows it.
        """
        super().__init__(name=name, id=id, classes=classes)
        self._live_bindings = list(bindings.values()) if isinstance(bindings, Mapping) else list(bindings)
        self.help_markdown = (help_markdown or HOW_TO).rstrip() + "\n\n" + KEYS_NOTE
        self.groups: list[KeyGroup] = []
        """The key list as shown (filled on compose)."""

    def compose(self) -> ComposeResult:
        self.groups = key_groups(self._live_bindings, self.app.get_key_display)
        with Horizontal(id="help-body") as body:
            body.border_title = "Help: keys and how-to (escape closes)"
            with VerticalScroll(id="help-keys"):
                if not self.groups:
                    yield Static(Text("No keys here.", style="dim"))
                for group in self.groups:
                    yield Static(safe_text(group.title), classes="help-group-title")
                    yield Static(self._table(group))
            with VerticalScroll(id="help-howto"):
                yield Markdown(self.help_markdown)

    @staticmethod
    def _table(group: KeyGroup) -> Table:
        table = Table(box=box.SIMPLE_HEAD, show_header=False, padding=(0, 1), expand=True)
        table.add_column("Keys", style="bold", no_wrap=True, ratio=1)
        table.add_column("Action", ratio=4)
        for row in group.rows:
            # descriptions name schema types ("Tag <type>") and keymaps name ids: data
            desc = safe_text(row.description)
            if row.tooltip and row.tooltip != row.description:
                desc.append(f" — {safe(row.tooltip)}", style="dim")
            if row.binding_id:
                desc.append(f"  {safe(row.binding_id)}", style="dim italic")
            keys = safe_text(" ".join(row.keys), style="bold" if row.enabled else "dim")
            if not row.enabled:
                desc.stylize("dim")
            table.add_row(keys, desc)
        return table

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
