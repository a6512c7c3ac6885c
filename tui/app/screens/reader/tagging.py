"""Tagging keys: tag, retype, re-span, add a fragment, repeat on the next hit, make an event."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tui.app.safe import safe
from tui.app.screens.reader.bindings import ROLE_LETTERS
from tui.app.screens.reader.readonly import editing
from tui.app.screens.reader.status import one_status
from tui.core.editing import Pick
from tui.core.model import Event, Span
from tui.core.schema.hotkeys import event_hotkeys


class TaggingMixin:
    """The reader's tagging and event keys: read the cursor and selection, call a verb, show the result."""

    def _span_types(self) -> list[Any]:
        return list(self.schema.span_types) if self.schema else []

    @editing
    def action_tag(self, n: int) -> None:
        """Tag with the schema's n-th span type (1-based)."""
        types = self._span_types()
        if not 1 <= n <= len(types):
            self.app.bell()
            return
        self.tag_label(types[n - 1].name)

    @editing
    def action_tag_type(self) -> None:
        """Pick a span type in a fuzzy list (its hotkey picks at once), then tag."""
        from tui.app.dialogs.picker import PickerDialog, PickerItem

        items = [
            PickerItem(t.name, t.name, t.hotkey, detail=f"{t.label} · {t.kind}", color=t.color,
                       definition=t.definition)
            for t in self._span_types()
        ]

        def chosen(label: str | None) -> None:
            if label:
                self.tag_label(label)

        self.app.push_screen(PickerDialog("Tag as…", items), chosen)

    @one_status
    def tag_label(self, label: str) -> None:
        """Tag (or retype) with a span label, as the keys 1-9 and the picker do.

        With a role prompt open, the new mention also fills the role. With a
        span selected and no other text selected, the span is retyped.
        Otherwise the selection (or the word under the cursor) is tagged.

        Args:
            label: the span type's name.
        """
        if self.doc is None:
            return
        view = self.view
        if self.pick is not None:
            self._pick_new_mention(label)
            return
        selected = self.by_id.get(self.selected_id) if self.selected_id else None
        sel = view.selection
        if isinstance(selected, Span) and sel is None and not self._contains(selected, view.cursor):
            # Keys typed in a burst: the cursor has left the selected span but the
            # CursorMoved message that deselects it is still queued. Read the view now.
            self.selected_id = None
            selected = None
        if isinstance(selected, Span) and (sel is None or sel == (selected.start, selected.end)):
            self._retype(selected, label)
            return
        target = view.target_range()
        if target is None:
            self.notify("nothing to tag: select text or move onto a word", severity="warning")
            return
        self._tag_range(target, label)

    def _tag_range(self, target: tuple[int, int], label: str) -> Span | None:
        assert self.doc is not None
        start, end = target
        existing = self.live.find_span(start, end, label) if self.live is not None else None
        if existing is not None:
            self.view.clear_selection()
            self._select(existing.id)
            self.notify(f"already tagged: {self.describe(existing)}", markup=False)
            return existing
        edit = self._perform(f"tag {label} {self.doc.text[start:end]}",
                             lambda: self.session.tag(start, end, label))
        if edit is None:
            return None
        with self._one_status():
            self.last_tag = ("span", label)
            self.view.clear_selection()
            self.selected_id = edit.value.id
        span: Span = edit.value
        return span

    def _retype(self, span: Span, label: str) -> None:
        if span.id in self.event_of_trigger:
            self.notify("this is an event trigger: press E to change the event type", severity="warning")
            return
        if span.label == label:
            self.notify(f"already {label}", markup=False)
            return
        span_id = span.id
        if self._perform(f"retype {span.label} → {label} {span.text}",
                         lambda: self.session.retype(span_id, label)) is not None:
            with self._one_status():
                self.last_tag = ("span", label)
                self.selected_id = span_id

    @editing
    @one_status
    def action_respan(self) -> None:
        """Move the selected span to the current selection, keeping its id, attributes and arguments."""
        span = self.by_id.get(self.selected_id) if self.selected_id else None
        sel = self.view.selection
        if not isinstance(span, Span) or sel is None or self.doc is None:
            return
        span_id = span.id
        if self._perform(f"re-span {span.label} {self.doc.text[sel[0]:sel[1]]}",
                         lambda: self.session.respan(span_id, *sel)) is not None:
            with self._one_status():
                self.view.clear_selection()
                self._select(span_id)

    @editing
    @one_status
    def action_add_fragment(self) -> None:
        """Add the selection as another fragment of the selected span (a discontinuous span)."""
        span = self.by_id.get(self.selected_id) if self.selected_id else None
        sel = self.view.selection
        if not isinstance(span, Span) or sel is None:
            return
        span_id = span.id
        if self._perform(f"add fragment to {span.label} {span.text}",
                         lambda: self.session.add_fragment(span_id, *sel)) is not None:
            with self._one_status():
                self.view.clear_selection()
                self._select(span_id)

    @editing
    @one_status
    def action_repeat_tag(self) -> None:
        """Apply the last tagging action to the next search hit."""
        if self.last_tag is None or not self.hits:
            return
        hit = self._next_hit(1)
        if hit is None:
            return
        kind, name = self.last_tag
        self.selected_id = None
        self.view.select(*hit)
        if kind == "span":
            self._tag_range(hit, name)
        else:
            self._create_event(hit, name, fill_roles=False)

    # -- events -----------------------------------------------------------------

    @editing
    def action_event(self) -> None:
        """Make the selection (or word) a trigger, pick the event type, then fill its roles."""
        if self.doc is None or self.schema is None:
            return
        selected = self.by_id.get(self.selected_id) if self.selected_id else None
        view = self.view
        if view.selection is None:
            event = selected if isinstance(selected, Event) else (
                self.event_of_trigger.get(selected.id) if isinstance(selected, Span) else None
            )
            if event is not None:
                self._pick_event_type(f"Change the type of {self.describe(event)}",
                                      lambda t: self._retype_event(event, t))
                return
        target = view.target_range()
        if target is None:
            self.notify("select the trigger (or move onto its word) first", severity="warning")
            return
        self._pick_event_type(
            f"Event on “{safe(self.doc.text[target[0]:target[1]], limit=40)}”",
            lambda t: self._create_event(target, t, fill_roles=True),
        )

    def _pick_event_type(self, title: str, then: Callable[[str], None]) -> None:
        from tui.app.dialogs.picker import PickerDialog, PickerItem

        assert self.schema is not None
        keys = event_hotkeys(self.schema)  # every type has one: declared, or one or two derived keys
        items = [
            PickerItem(t.name, t.name, keys.get(t.name), detail=f"{t.label} · {t.group or ''}", color=t.color,
                       definition=t.definition)
            for t in self.schema.event_types
        ]

        def chosen(name: str | None) -> None:
            if name:
                then(name)

        self.app.push_screen(PickerDialog(title, items), chosen)

    @one_status
    def _create_event(self, target: tuple[int, int], type_name: str, *, fill_roles: bool) -> None:
        assert self.doc is not None and self.schema is not None
        start, end = target
        edit = self._perform(f"event {type_name} {self.doc.text[start:end]}",
                             lambda: self.session.create_event(start, end, type_name))
        if edit is None:
            return
        event: Event = edit.value
        with self._one_status():
            self.last_tag = ("event", type_name)
            self.view.clear_selection()
            self.selected_id = event.id
            et = self.schema.event_type(type_name)
            if fill_roles and et is not None and et.roles:
                self._start_pick(Pick.for_event(event.id, et, ROLE_LETTERS))

    @one_status
    def _retype_event(self, event: Event, type_name: str) -> None:
        if type_name == event.type:
            return
        event_id = event.id
        self._perform(f"retype event {event.type} → {type_name}",
                      lambda: self.session.retype_event(event_id, type_name))
