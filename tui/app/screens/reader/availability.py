"""Which reader keys can act now: ``check_action`` for the footer and the keys, asked once per key.

Textual's footer asks ``check_action`` for every binding of the focus
chain (about a hundred) whenever the bindings are refreshed. The answers
read the same few things (the word under the cursor, the only span there,
the selected annotation): while Textual works out the active bindings,
each is read once (:meth:`AvailabilityMixin._probed`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from textual.binding import ActiveBinding, BindingsMap
from textual.dom import DOMNode
from textual.screen import Screen

from tui.app import lifetime
from tui.app.screens.reader.readonly import EDITING_ACTIONS
from tui.app.screens.reader.selecting import FROM_MENTION, ON_ANNOTATION
from tui.core.model import Event, Span

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _CheckState:
    """What the availability checks read of the reader, read once per refresh of the bindings."""

    pick: Any
    has_doc: bool
    read_only: bool
    selected: Any
    view: Any


class AvailabilityMixin:
    """The reader's bindings state: what each action can do now, and the footer told once per key."""

    _probe: dict[str, Any] | None = None
    _chain: tuple[tuple[Any, ...], list[tuple[DOMNode, BindingsMap]]] | None = None

    @property
    def _binding_chain(self) -> list[tuple[DOMNode, BindingsMap]]:
        """Textual's binding chain, built once per focused widget and keymap.

        Textual copies every binding map of the focus chain and applies the
        keymap to each copy whenever it is asked: twice per key and once per
        footer refresh. The reader binds nothing at run time, so the chain
        depends only on the focused widget (and whether it is loading) and the keymap.
        """
        screen: Screen[Any] = self  # type: ignore[assignment]
        focused = screen.focused
        key = (focused, focused is not None and focused.loading, screen.app._keymap)
        chain = self._chain
        if chain is None or chain[0] != key or not all(k is c for k, c in zip(key, chain[0], strict=True)):
            chain = self._chain = (key, Screen._binding_chain.fget(screen))  # type: ignore[attr-defined]
        return chain[1]

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's active bindings, with what their checks read of the reader read once."""
        self._probe = {}
        try:
            return Screen.active_bindings.fget(self)  # type: ignore[attr-defined,no-any-return]
        finally:
            self._probe = None

    def _probed(self, name: str, read: Callable[[], T]) -> T:
        """``read()``, or while the active bindings are worked out, its first answer."""
        probe = self._probe
        if probe is None:
            return read()
        if name not in probe:
            probe[name] = read()
        return probe[name]  # type: ignore[no-any-return]

    def refresh_bindings(self) -> None:
        """Ask the footer to update once, after the current handler, however often asked.

        One key asks several times (a tag: the action's reload, the new selection,
        the cleared selection), and each answer makes the footer work out Textual's
        active bindings (~0.4 ms). The request is published once, after the handler,
        and the state it reflects is recorded so the cursor-moved handler that
        follows an action does not ask again for the same state.
        """
        if self._bindings_pending or not lifetime.is_live(self):
            # Textual asks a dismissed screen too (its focus changes as its widgets go).
            return
        self._bindings_pending = True
        lifetime.next_tick(self, self._publish_bindings)

    def _publish_bindings(self) -> None:
        self._bindings_pending = False
        self._binding_state = self._availability()
        super().refresh_bindings()

    def _availability(self) -> tuple[Any, ...]:
        view = self.view
        only = self._only_here() if self.selected_id is None else None
        return (
            view.selection is not None,
            self._probed("target", view.target_range) is not None,
            self.selected_id,
            bool(self.hits),
            self.pick is not None,
            only.id if only is not None else None,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        state = self._probed("state", self._check_state)
        pick = state.pick
        if action.startswith("pick_"):
            if pick is None:
                return False  # let tab, enter and escape do their usual work
            if action == "pick_skip":
                return pick.purpose == "role"
            if action == "pick_more":
                return pick.purpose == "role" and bool(pick.held)
            if action == "pick_fill" and parameters and parameters[0]:
                # a role's letter: only while it names an open role, else the key does its usual work
                return pick.role_by_letter(str(parameters[0])) is not None
            return True
        if not state.has_doc and action not in ("quit", "library", "help", "toggle_panel", "toggle_panels",
                                                "panel_width", "toggle_labels", "import_document"):
            return None
        if action in EDITING_ACTIONS and state.read_only:
            return True  # the key says why it does nothing (readonly.editing)
        return True if self._can(action, parameters, state) else None

    def _check_state(self) -> _CheckState:
        """What every availability check reads of the reader (reactives and look-ups: read once per refresh)."""
        session = self.session
        selected_id = self.selected_id
        return _CheckState(
            pick=self.pick,
            has_doc=self.doc is not None,
            read_only=session is not None and session.read_only,
            selected=self.by_id.get(selected_id) if selected_id else None,
            view=self.view,
        )

    def _can(self, action: str, parameters: tuple[object, ...], state: _CheckState | None = None) -> bool:
        """Whether a reader action can act right now (False: shown dimmed). Asks the session, never SQL per key."""
        if state is None:
            state = self._check_state()
        picking = state.pick is not None
        selected = state.selected
        view = state.view
        if action == "tag":
            n = int(parameters[0]) if parameters else 1  # type: ignore[call-overload]
            if self.schema is None or n > len(self.schema.span_types):
                return False
            return picking or isinstance(selected, Span) or self._probed("target", view.target_range) is not None
        if action == "tag_type":
            return picking or isinstance(selected, Span) or self._probed("target", view.target_range) is not None
        if picking and action in ("event", "relation", "coreference", "attributes", "note",
                                  "normalization", "respan", "add_fragment", "repeat_tag",
                                  "delete", "library", "next_document", "previous_document",
                                  "done_next", "import_document", "tag_hits", "suggest_hits"):
            return False
        if action == "event":
            return isinstance(selected, Event | Span) or self._probed("target", view.target_range) is not None
        if action in FROM_MENTION or action in ON_ANNOTATION:
            # With none selected, the only span under the cursor (see selecting.py).
            target = selected if selected is not None else self._probed("only", self._only_here)
            if action in ON_ANNOTATION:
                return target is not None
            return isinstance(target, Span) and target.id not in self.event_of_trigger
        if action == "release":
            return self.selected_id is not None or self.held_id is not None
        if action in ("respan", "add_fragment"):
            return isinstance(selected, Span) and view.selection is not None
        if action == "repeat_tag":
            return self.last_tag is not None and bool(self.hits)
        if action in ("search_next", "search_previous", "tag_hits", "suggest_hits"):
            return bool(self.hits)
        if action == "undo":
            return self.session is not None and self.session.can_undo()
        if action == "redo":
            return self.session is not None and self.session.can_redo()
        return True
