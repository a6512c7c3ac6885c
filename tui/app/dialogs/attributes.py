"""The attributes dialog (``A``): binary toggles and valued choices for one annotation.

Only the attributes the schema allows on the annotation are listed. Keys:
up/down choose a row, space or right cycles its value (a binary attribute
toggles), left cycles back, backspace unsets, enter saves, escape cancels.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.app.safe import safe, safe_text
from tui.core.schema import AttributeDef

#: A value per attribute: True/False for a binary one, a value or None (unset) for a valued one.
AttributeValues = dict[str, "bool | str | None"]


class AttributesDialog(ModalScreen[AttributeValues | None]):
    """Edit the attributes of one annotation.

    Dismisses with the new value of every listed attribute, or None when cancelled.
    """

    BINDINGS = [
        Binding("space,right", "cycle(1)", "Next value", tooltip="Toggle or choose the next value.",
                id="attributes-next"),
        Binding("left", "cycle(-1)", "Previous value", tooltip="Choose the previous value.",
                id="attributes-previous"),
        Binding("backspace", "unset", "Unset", tooltip="Remove this attribute.", id="attributes-unset"),
        Binding("enter", "save", "Save", tooltip="Save all attributes.", id="attributes-save",
                priority=True),
        Binding("escape", "cancel", "Cancel", tooltip="Close without saving.", id="attributes-cancel"),
    ]
    """Keys of the dialog."""

    DEFAULT_CSS = """
    AttributesDialog { align: center middle; }
    AttributesDialog > Vertical {
        width: 70; max-width: 90%; height: auto; max-height: 80%;
        border: round $primary; background: $panel; padding: 0 1;
    }
    AttributesDialog OptionList { height: auto; max-height: 20; border: none; }
    AttributesDialog .attributes--hint { color: $text-muted; }
    AttributesDialog #attributes-definition { width: 100%; height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, title: Text, defs: list[AttributeDef], values: AttributeValues) -> None:
        """Create the dialog.

        Args:
            title: what the attributes belong to (a Text: it may hold document text).
            defs: the attributes the schema allows here, in schema order.
            values: the current value of each (missing = unset / off).
        """
        super().__init__()
        self.title_text = title
        self.defs = defs
        self.values: AttributeValues = {
            d.name: values.get(d.name, False if not d.values else None) for d in defs
        }

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(safe_text(self.title_text), markup=False)
            yield OptionList(*[Option(self._row(d)) for d in self.defs], id="attributes-list")
            definition = Label("", id="attributes-definition", markup=False)
            definition.display = any(d.definition for d in self.defs)  # no empty row without definitions
            yield definition
            yield Label(
                Text("space/→ next value · ← previous · backspace unset · enter save · esc cancel"),
                classes="attributes--hint",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        if self.defs:
            options.highlighted = 0

    def _row(self, d: AttributeDef) -> Text:
        value = self.values[d.name]
        text = Text()
        text.append(f"{safe(d.name):<14}", style="bold")  # schema data
        if not d.values:
            text.append("[x] on" if value else "[ ] off")
            return text
        for v in d.values:
            text.append(f" {safe(v)} ", style="reverse" if v == value else "")
        if value is None:
            text.append("  (unset)", style="dim")
        return text

    def _current(self) -> AttributeDef | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self.defs):
            return None
        return self.defs[index]

    def _refresh_row(self, d: AttributeDef) -> None:
        options = self.query_one(OptionList)
        index = self.defs.index(d)
        options.replace_option_prompt_at_index(index, self._row(d))

    def action_cycle(self, delta: int) -> None:
        """Toggle a binary attribute or move a valued one to the next/previous value."""
        d = self._current()
        if d is None:
            return
        if not d.values:
            self.values[d.name] = not self.values[d.name]
        else:
            choices: list[str | None] = [None, *d.values]
            index = choices.index(self.values[d.name]) if self.values[d.name] in choices else 0
            self.values[d.name] = choices[(index + delta) % len(choices)]
        self._refresh_row(d)

    def action_unset(self) -> None:
        """Remove the highlighted attribute."""
        d = self._current()
        if d is None:
            return
        self.values[d.name] = False if not d.values else None
        self._refresh_row(d)

    @on(OptionList.OptionHighlighted)
    def _show_definition(self, event: OptionList.OptionHighlighted) -> None:
        """The highlighted attribute's definition (schema data: sanitised, one line, cut to the width)."""
        index = event.option_index
        definition = self.defs[index].definition if 0 <= index < len(self.defs) else ""
        label = self.query_one("#attributes-definition", Label)
        label.update(safe_text(definition, style="italic", limit=max(label.size.width or 66, 1)))

    @on(OptionList.OptionSelected)
    def _selected(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Close and return every value."""
        self.dismiss(dict(self.values))

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)
