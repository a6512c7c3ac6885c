"""The normalisation dialog (``@``): link an annotation to a knowledge-base entry.

One field takes ``resource:key`` (e.g. ``Wikidata:Q48195``), another a
label. Both empty removes the existing normalisation.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from tui.app.dialogs.common import TypeAheadMixin
from tui.app.safe import safe, safe_text


@dataclass(frozen=True)
class NormalizationInput:
    """What the dialog returns: a link, or ``remove``."""

    resource: str = ""
    key: str = ""
    label: str = ""
    remove: bool = False


def parse_reference(value: str) -> tuple[str, str] | None:
    """Split ``resource:key`` (both non-empty, the key may contain colons).

    Returns:
        ``(resource, key)`` or None when the value is not of that form.
    """
    resource, sep, key = value.strip().partition(":")
    if not sep or not resource.strip() or not key.strip():
        return None
    return resource.strip(), key.strip()


class NormalizationDialog(TypeAheadMixin, ModalScreen[NormalizationInput | None]):
    """Edit the normalisation of one annotation. Dismisses with the input, or None."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without saving.",
                id="normalization-cancel"),
    ]
    """Keys of the dialog (enter moves on, then saves)."""

    DEFAULT_CSS = """
    NormalizationDialog { align: center middle; }
    NormalizationDialog > Vertical {
        width: 70; max-width: 95%; height: auto;
        border: round $primary; background: $panel; padding: 0 1;
    }
    NormalizationDialog .normalization--hint { color: $text-muted; }
    NormalizationDialog #normalization-error { color: $error; }
    """

    def __init__(self, title: Text, resource: str = "", key: str = "", label: str = "") -> None:
        """Create the dialog.

        Args:
            title: what is being normalised (a Text: it may hold document text).
            resource: the current resource, key and label, if any.
            key: the current key.
            label: the current label.
        """
        super().__init__()
        self.title_text = title
        ref = f"{resource}:{key}" if resource or key else ""
        # Only values that show unchanged in a one-line field are editable in place;
        # others (control characters from a file) are shown sanitised and kept on save.
        self.editable = safe(ref) == ref and safe(label) == label
        self.current = f"{ref}  {label}".strip()
        self.initial_ref = ref if self.editable else ""
        self.initial_label = label if self.editable else ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(safe_text(self.title_text))
            if self.current and not self.editable:
                yield Label(Text.assemble("current: ", safe_text(self.current, limit=200)),
                            classes="normalization--hint")
            yield Input(value=self.initial_ref, placeholder="resource:key  (e.g. Wikidata:Q48195)",
                        id="normalization-ref")
            yield Input(value=self.initial_label, placeholder="label", id="normalization-label")
            yield Label("", id="normalization-error", markup=False)
            yield Label(Text("enter next field / save · both empty removes · esc cancel"),
                        classes="normalization--hint")

    def on_mount(self) -> None:
        self.query_one("#normalization-ref", Input).focus()

    @on(Input.Submitted, "#normalization-ref")
    def _ref_done(self) -> None:
        self.query_one("#normalization-label", Input).focus()

    @on(Input.Submitted, "#normalization-label")
    def _save(self) -> None:
        ref = self.query_one("#normalization-ref", Input).value
        label = self.query_one("#normalization-label", Input).value
        if not ref.strip() and not label.strip():
            # empty fields over a link that could not be shown in them mean "keep it"
            self.dismiss(NormalizationInput(remove=True) if self.editable else None)
            return
        parsed = parse_reference(ref)
        if parsed is None:
            self.query_one("#normalization-error", Label).update(
                Text("write the reference as resource:key")
            )
            self.query_one("#normalization-ref", Input).focus()
            return
        self.dismiss(NormalizationInput(resource=parsed[0], key=parsed[1], label=label.strip()))

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)
