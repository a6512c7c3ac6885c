"""The normalisation dialog (``@``): link an annotation to a knowledge-base entry.

One field takes ``resource:key`` (e.g. ``Wikidata:Q48195``), another a
label. Both empty removes the existing normalisation.

Issue 14: under the first field, a list of **candidates** from the shipped
place data (:mod:`tui.core.review.linking`), looked up in a worker thread for
the span's text, best first (``geonames:99532 Basrah, IQ, pop 1.3M``).
``enter`` picks the highlighted one (``up``/``down`` move it); typing a name
looks it up again; typing ``resource:key`` by hand works as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from tui.app.dialogs.common import TypeAheadMixin
from tui.app.safe import safe, safe_text
from tui.core.review.linking import LinkCandidate


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
        Binding("down", "move(1)", "Next candidate", show=False, id="normalization-next",
                tooltip="Highlight the next linking candidate."),
        Binding("up", "move(-1)", "Previous candidate", show=False, id="normalization-previous",
                tooltip="Highlight the previous linking candidate."),
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
    NormalizationDialog #normalization-candidates { height: auto; max-height: 10; border: none; }
    """

    def __init__(self, title: Text, resource: str = "", key: str = "", label: str = "", *,
                 query: str = "", lookup: Callable[[str], list[LinkCandidate]] | None = None) -> None:
        """Create the dialog.

        Args:
            title: what is being normalised (a Text: it may hold document text).
            resource: the current resource, key and label, if any.
            key: the current key.
            label: the current label.
            query: the text to look up candidates for (the span's text; document data).
            lookup: ranks candidates for a name (run in a worker thread); None: no list.
        """
        super().__init__()
        self.link_query = query
        self.lookup = lookup
        self.candidates: list[LinkCandidate] = []
        self._wanted = ""
        """The query whose results the list should show (older results are dropped)."""
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
            yield Label(safe_text(self.title_text), markup=False)
            if self.current and not self.editable:
                yield Label(Text.assemble("current: ", safe_text(self.current, limit=200)),
                            classes="normalization--hint")
            yield Input(value=self.initial_ref, placeholder="resource:key  (e.g. Wikidata:Q48195)",
                        id="normalization-ref")
            if self.lookup is not None:
                yield Label("", id="normalization-status", classes="normalization--hint", markup=False)
                yield OptionList(id="normalization-candidates")
            yield Input(value=self.initial_label, placeholder="label", id="normalization-label")
            yield Label("", id="normalization-error", markup=False)
            hint = "enter next field / save · both empty removes · esc cancel"
            if self.lookup is not None:
                hint = "↑↓ candidate · enter picks it · or type resource:key, enter, label, enter · esc cancel"
            yield Label(Text(hint), classes="normalization--hint")

    def on_mount(self) -> None:
        self.query_one("#normalization-ref", Input).focus()
        if self.lookup is not None:
            self._look_up(self.link_query)

    # -- candidates --------------------------------------------------------------------

    def _look_up(self, query: str) -> None:
        """Rank the candidates for ``query`` in a worker thread (the first lookup loads the data)."""
        query = query.strip()
        self._wanted = query
        # The list of the previous query goes at once: enter must never pick a candidate
        # for text the field no longer holds.
        self.candidates = []
        self.query_one("#normalization-candidates", OptionList).clear_options()
        if not query or self.lookup is None:
            self._show_candidates(query, [])
            return
        self.query_one("#normalization-status", Label).update(f"looking up “{safe(query, limit=40)}”…")
        lookup = self.lookup

        def work() -> None:
            found = lookup(query)
            self.app.call_from_thread(self._show_candidates, query, found)

        self.run_worker(work, thread=True, exclusive=True, group="normalization-lookup", exit_on_error=False)

    def _show_candidates(self, query: str, found: list[LinkCandidate]) -> None:
        if query != self._wanted or not self.is_attached:
            return  # a later query was typed meanwhile
        self.candidates = found
        options = self.query_one("#normalization-candidates", OptionList)
        options.clear_options()
        # rows come from data files: sanitised, never markup
        options.add_options([Option(safe_text(c.row, limit=100)) for c in found])
        if found:
            options.highlighted = 0
        status = (f"{len(found)} candidates for “{safe(query, limit=40)}”" if found
                  else f"no candidate for “{safe(query, limit=40)}”" if query else "")
        self.query_one("#normalization-status", Label).update(status)

    @on(Input.Changed, "#normalization-ref")
    def _ref_changed(self, event: Input.Changed) -> None:
        if self.lookup is None or ":" in event.value:
            return  # a reference typed by hand
        self._look_up(event.value or self.link_query)

    def action_move(self, delta: int) -> None:
        """Move the highlight in the candidates while the field keeps the focus."""
        if not self.candidates:
            return
        options = self.query_one("#normalization-candidates", OptionList)
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self.candidates) - 1, current + delta))

    def _pick(self, index: int) -> None:
        if 0 <= index < len(self.candidates):
            c = self.candidates[index]
            self.dismiss(NormalizationInput(resource=c.resource, key=c.key, label=c.label))

    @on(OptionList.OptionSelected, "#normalization-candidates")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option_index)

    @on(Input.Submitted, "#normalization-ref")
    def _ref_done(self, event: Input.Submitted) -> None:
        """``enter`` in the reference field: pick the highlighted candidate, or go to the label."""
        if self.candidates and ":" not in event.value:
            highlighted = self.query_one("#normalization-candidates", OptionList).highlighted
            self._pick(highlighted or 0)
            return
        if self.lookup is not None:
            self._wanted = ""  # a lookup still running is not shown
            self.query_one("#normalization-status", Label).update(
                f"label for {safe(event.value, limit=40)} · enter saves")
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
