"""A fuzzy picker: choose one item (a span, event or relation type) from a filtered list.

Two modes, so that a key never means two things at once (issue 13: ``E`` then
``demo`` used to pick Die on the ``d``):

- **keys** (how a picker with hotkeys opens, as brat's type dialog and
  Prodigy do): the list has the focus, an item's hotkey picks it at once
  (``t`` then ``p`` tags PER), arrows and ``enter`` choose, and ``/`` starts
  the filter. Any other letter does nothing but say so. A hotkey may be two
  keys (``E`` ``t`` ``o`` = Transfer-Ownership, issue 14): the first narrows
  the list to the items it starts and says so, the second picks; the
  hotkeys of one picker are prefix-free (``tui.core.schema.hotkeys``).
- **filter** (``/``, or how a picker without hotkeys opens): the text field
  has the focus and owns every printable key; typing filters fuzzily, arrows
  and ``enter`` choose. ``backspace`` on an empty filter goes back to keys; a
  ``/`` typed first is dropped (the habit of starting a filter with it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.fuzzy import Matcher
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from tui.app.dialogs.common import TypeAheadMixin
from tui.app.safe import safe, safe_text

if TYPE_CHECKING:
    from textual import events


@dataclass(frozen=True)
class PickerItem:
    """One choice of a :class:`PickerDialog`."""

    value: str
    """What the dialog returns when this item is chosen."""
    label: str
    """The text matched by the filter and shown (plain text, never markup)."""
    hotkey: str | None = None
    """One key (or a sequence of keys) that picks this item at once (while the picker is in keys mode)."""
    detail: str = ""
    """Dim text after the label (e.g. the type's group or label)."""
    color: str | None = None
    """A colour swatch drawn before the label (``#rrggbb``)."""
    definition: str = ""
    """The schema's guideline for this item: one line under the list while it is highlighted."""


class FilterInput(Input):
    """The picker's filter field: ``backspace`` on an empty field says so (back to keys mode)."""

    class BackspaceOnEmpty(Message):
        """``backspace`` pressed with nothing to delete; handle with ``on_filter_input_backspace_on_empty``."""

    def action_delete_left(self) -> None:
        # Decided here, in key order: a check in the screen's on_key could see a
        # value that an earlier backspace, still on its way, was about to delete.
        if not self.value:
            self.post_message(self.BackspaceOnEmpty())
            return
        super().action_delete_left()


#: The hint in keys mode and in filter mode (they fit a picker at 80 columns).
KEYS_HINT = "hotkey picks · / filter · ↑↓ enter choose · esc cancel"
FILTER_HINT = "type to filter · ↑↓ enter choose · esc cancel"
BACK_HINT = " · ⌫ keys"


class PickerDialog(TypeAheadMixin, ModalScreen[str | None]):
    """Pick one item: its hotkey, arrows and enter, or ``/`` and a fuzzy filter.

    Dismisses with the chosen item's value, or None when cancelled.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without choosing.", id="picker-cancel"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("pagedown", "move(10)", show=False),
        Binding("pageup", "move(-10)", show=False),
    ]
    """Keys of the picker; hotkeys and ``/`` are read in :meth:`on_key` (they come from the schema)."""

    AUTO_FOCUS = ""
    """The focus is set by the mode (:meth:`_set_mode`), not by Textual's first-focusable rule."""

    DEFAULT_CSS = """
    PickerDialog { align: center middle; }
    PickerDialog > Vertical {
        width: 70; max-width: 90%; height: auto; max-height: 80%;
        border: round $primary; background: $panel; padding: 0 1;
    }
    /* at most half the screen: title, filter and hint always fit (the hint was
       cut below a 33-item list at 80x24) */
    PickerDialog OptionList, PickerDialog OptionList:focus { height: auto; max-height: 50vh; border: none; }
    PickerDialog #picker-filter-line { height: 1; }
    PickerDialog #picker-slash { width: 2; text-style: bold; }
    PickerDialog #picker-filter { width: 1fr; }
    PickerDialog .picker--hint { width: 100%; color: $text-muted; }
    PickerDialog #picker-definition { width: 100%; height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, title: str, items: list[PickerItem], *, hint: str = "") -> None:
        """Create the picker.

        Args:
            title: what is being picked (plain text).
            items: the choices, in their natural order (kept when the filter is empty).
            hint: a line shown before the keys' hint (plain text).
        """
        super().__init__()
        self.title_text = title
        self.items = items
        self.hint = hint
        self._shown: list[PickerItem] = list(items)
        self._hotkeys = {i.hotkey: i for i in items if i.hotkey}
        self._typed = ""
        """The first key of a two-key hotkey, pressed and waiting for the second."""
        self._picked = False
        """A hotkey has picked: the keys that still arrive are held for the screen below."""
        self.filtering = not self._hotkeys
        """Filter mode (the text field owns the keys) rather than keys mode (hotkeys pick)."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(safe_text(self.title_text, style="bold"), markup=False)
            with Horizontal(id="picker-filter-line"):
                yield Label("/", id="picker-slash", markup=False)
                yield FilterInput(placeholder="filter", id="picker-filter", compact=True)
            yield OptionList(id="picker-options")
            definition = Label("", id="picker-definition", markup=False)
            definition.display = any(i.definition for i in self.items)
            yield definition
            yield Label("", classes="picker--hint", markup=False)

    def on_mount(self) -> None:
        self._fill("")
        self._set_mode(self.filtering)

    def _set_mode(self, filtering: bool, note: str = "") -> None:
        """Switch between keys mode and filter mode, moving the focus and the hint."""
        self.filtering = filtering
        field = self.query_one("#picker-filter", Input)
        field.placeholder = "filter" if filtering else "press / to filter"
        hint = FILTER_HINT + (BACK_HINT if self._hotkeys else "") if filtering else KEYS_HINT
        text = Text()
        if self.hint:
            text.append(safe_text(self.hint))
            text.append("\n")
        if note:
            text.append(note, style="bold")
            text.append("\n")
        text.append(hint)
        self.query_one(".picker--hint", Label).update(text)
        if filtering:
            field.focus()
        else:
            self.query_one(OptionList).focus()

    def on_key(self, event: events.Key) -> None:
        """Keys mode: a hotkey picks, ``/`` starts the filter; filter mode: the field types."""
        if self._picked:
            # Keys typed in a burst after the hotkey (`E` `a` enter enter) belong to what the
            # choice opens (the role prompt): held in the app's queue until it is on screen.
            event.stop()
            event.prevent_default()
            queue = getattr(self.app, "_queue_key", None)
            if queue is not None:
                from textual import events as textual_events

                queue(textual_events.Key(event.key, event.character))
            return
        if self.filtering:
            super().on_key(event)  # keys typed before the field had the focus go into it
            return
        if not event.is_printable or event.character is None or event.key.startswith(("alt+", "ctrl+")):
            return
        event.stop()
        event.prevent_default()
        keys = self._typed + event.character
        if event.character == "/":
            self._typed = ""
            self._fill("")
            self._set_mode(True)
        elif keys in self._hotkeys:
            self._picked = True
            self.set_focus(None)  # the keys still on their way come to on_key, not the list
            self.dismiss(self._hotkeys[keys].value)
        elif any(k.startswith(keys) for k in self._hotkeys):
            # the first key(s) of a longer hotkey: show only the items it starts, with what picks each
            self._typed = keys
            self._shown = [i for i in self.items if i.hotkey and i.hotkey.startswith(keys)]
            self._show_options()
            self._set_mode(False, note=f"{safe(keys)}… then: " + ", ".join(
                f"{safe(i.hotkey[len(keys):])} {safe(i.label, limit=20)}" for i in self._shown if i.hotkey))
        else:
            self.app.bell()
            typed, self._typed = self._typed, ""
            if typed:
                self._fill("")
            self._set_mode(False, note=f"{safe(keys)} is no hotkey here: / filters")

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
        self._show_options()

    def _show_options(self) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(self._prompt(i)) for i in self._shown])
        if self._shown:
            options.highlighted = 0

    @on(OptionList.OptionHighlighted)
    def _show_definition(self, event: OptionList.OptionHighlighted) -> None:
        """The highlighted item's definition (schema data: sanitised, one line, cut to the width)."""
        index = event.option_index
        definition = self._shown[index].definition if 0 <= index < len(self._shown) else ""
        label = self.query_one("#picker-definition", Label)
        # No row at all in a picker without definitions (relation types): its layout is unchanged.
        label.display = bool(definition) or any(i.definition for i in self.items)
        label.update(safe_text(definition, style="italic", limit=max(label.size.width or 66, 1)))

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        if event.value == "/":
            # `/` is how a filter starts: in a picker that opened filtering it is a no-op
            event.input.value = ""
            return
        self._fill(event.value)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # The field reached another way (tab, a click) is filter mode too: it owns the keys.
        if event.widget is self.query_one("#picker-filter") and not self.filtering:
            self._set_mode(True)

    @on(FilterInput.BackspaceOnEmpty)
    def _back_to_keys(self) -> None:
        if self._hotkeys:
            self._set_mode(False)

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
