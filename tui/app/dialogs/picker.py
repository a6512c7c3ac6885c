"""A fuzzy picker: choose one item (a span, event or relation type) from a filtered list.

Typed text filters the list fuzzily. A schema hotkey typed as the first
character picks its item at once, so ``t`` then ``p`` tags PER; to filter
by a letter that is also a hotkey, type it in upper case.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from tui.app.dialogs.common import TypeAheadMixin
from tui.app.safe import safe, safe_text


@dataclass(frozen=True)
class PickerItem:
    """One choice of a :class:`PickerDialog`."""

    value: str
    """What the dialog returns when this item is chosen."""
    label: str
    """The text matched by the filter and shown (plain text, never markup)."""
    hotkey: str | None = None
    """A single key that picks this item at once (when the filter is empty)."""
    detail: str = ""
    """Dim text after the label (e.g. the type's group or label)."""
    color: str | None = None
    """A colour swatch drawn before the label (``#rrggbb``)."""


class PickerDialog(TypeAheadMixin, ModalScreen[str | None]):
    """Pick one item: fuzzy filter, arrows and enter, or the item's hotkey.

    Dismisses with the chosen item's value, or None when cancelled.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without choosing.", id="picker-cancel"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("pagedown", "move(10)", show=False),
        Binding("pageup", "move(-10)", show=False),
    ]
    """Keys of the picker; printable keys go to the filter."""

    DEFAULT_CSS = """
    PickerDialog { align: center middle; }
    PickerDialog > Vertical {
        width: 70; max-width: 90%; height: auto; max-height: 80%;
        border: round $primary; background: $panel; padding: 0 1;
    }
    PickerDialog OptionList { height: auto; max-height: 20; border: none; }
    PickerDialog .picker--hint { color: $text-muted; }
    """

    def __init__(self, title: str, items: list[PickerItem], *, hint: str = "") -> None:
        """Create the picker.

        Args:
            title: what is being picked (plain text).
            items: the choices, in their natural order (kept when the filter is empty).
            hint: one line under the title (plain text).
        """
        super().__init__()
        self.title_text = title
        self.items = items
        self.hint = hint or "type to filter · a hotkey picks at once · enter choose · esc cancel"
        self._shown: list[PickerItem] = list(items)
        self._hotkeys = {i.hotkey: i for i in items if i.hotkey}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(safe_text(self.title_text, style="bold"))
            yield Input(placeholder="filter", id="picker-filter")
            yield OptionList(id="picker-options")
            yield Label(safe_text(self.hint), classes="picker--hint")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def _prompt(self, item: PickerItem) -> Text:
        text = Text()
        if item.color:
            text.append("■ ", style=item.color)
        # labels, hotkeys and details are schema data: sanitised, never markup
        text.append(safe(item.label))
        if item.hotkey:
            text.append(f"  [{safe(item.hotkey)}]", style="bold")
        if item.detail:
            text.append(f"  {safe(item.detail)}", style="dim")
        return text

    def _fill(self, query: str) -> None:
        if query:
            matcher = Matcher(query)
            scored = []
            for n, item in enumerate(self.items):
                score = max(matcher.match(item.label), matcher.match(item.value))
                if score > 0:
                    scored.append((-score, n, item))
            scored.sort(key=lambda t: (t[0], t[1]))
            self._shown = [item for _, _, item in scored]
        else:
            self._shown = list(self.items)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(self._prompt(i)) for i in self._shown])
        if self._shown:
            options.highlighted = 0

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        value = event.value
        # A hotkey as the very first character picks at once (Prodigy/brat style).
        if len(value) == 1 and value in self._hotkeys:
            self.dismiss(self._hotkeys[value].value)
            return
        self._fill(value)

    @on(Input.Submitted, "#picker-filter")
    def _submit(self) -> None:
        options = self.query_one(OptionList)
        index = options.highlighted
        if index is not None and 0 <= index < len(self._shown):
            self.dismiss(self._shown[index].value)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if 0 <= event.option_index < len(self._shown):
            self.dismiss(self._shown[event.option_index].value)

    def action_move(self, delta: int) -> None:
        """Move the highlight in the list while the filter keeps focus."""
        options = self.query_one(OptionList)
        if not self._shown:
            return
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self._shown) - 1, current + delta))

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)
