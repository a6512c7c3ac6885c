"""Acting where you stand: selecting the annotation under the cursor, holding it, stepping, and saying why not.

- ``enter`` (or ``space``) selects the span under the cursor; pressed again
  it selects the next one out (nested and overlapping spans, innermost
  first, then round again). ``]``/``[`` step through every annotation with
  a place in the text (spans, relations, coreference sets), relative to the
  selected one or to the span under the cursor
  (:mod:`tui.core.editing.navigation`).
- With no annotation selected, a key that needs one (``R C A : @ d``) acts
  on the span under the cursor when there is exactly one; otherwise it is
  dimmed and says why in the status line (``select an annotation first:
  enter``).
- Moving off the selected annotation deselects it, unless it is **held**:
  starting a selection (``v``, shift+arrows) on the selected annotation
  holds it. The cursor and the selection can then go anywhere (``v`` ends
  and starts selections as usual) and ``+`` adds the selection as a
  fragment, ``=`` re-spans it to the selection. ``escape`` clears the
  selection, a second ``escape`` releases the annotation.
"""

from __future__ import annotations

from typing import Any

from tui.app.screens.reader.status import one_status
from tui.core.editing import contains
from tui.core.editing.navigation import cycle_at, only_span_at, spans_at, step
from tui.core.model import Span

#: Actions that work on the selected annotation (or the only span under the cursor).
ON_ANNOTATION = ("attributes", "note", "normalization", "delete")
#: Actions that start from a selected entity mention.
FROM_MENTION = ("relation", "coreference")
#: Actions that apply a selection to a held span.
TO_HELD = ("respan", "add_fragment")


class SelectingMixin:
    """The reader's ``enter``/``space``, ``]``/``[``, the held annotation and the dimmed keys' reasons."""

    held_id: str | None = None
    """The annotation kept selected while the cursor moves off it (see the module), or None."""

    _had_selection = False

    # -- what is under the cursor ---------------------------------------------------

    def _only_here(self) -> Span | None:
        """The span under the cursor when it is the only one and nothing is selected in the text."""
        if self.live is None or self.view.selection is not None:
            return None
        return only_span_at(self.live, self.view.cursor)

    def _target_here(self) -> Any:
        """What a key on "the selected annotation" acts on: the selected one, else the only span
        under the cursor (which is then selected, so the status line names it), else None."""
        ann = self.by_id.get(self.selected_id) if self.selected_id else None
        if ann is None:
            ann = self._only_here()
            if ann is not None:
                self._select(ann.id, move=False)
        return ann

    @one_status
    def action_select_here(self) -> None:
        """Select the annotation under the cursor; again, the next one out (nested or overlapping)."""
        if self.live is None:
            return
        shown = self._display_span(self.by_id.get(self.selected_id)) if self.selected_id else None
        found = cycle_at(self.live, self.view.cursor, shown.id if shown is not None else None)
        if found is None:
            self.message = "nothing to select here: ] and [ go to the next and previous annotation"
            self._update_status()
            return
        count = len(spans_at(self.live, self.view.cursor))
        self._select(self._as_selected(found).id, move=False)
        if count > 1:
            self.message = f"{count} annotations here: enter again selects the next"
            self._update_status()
        if self.pick is not None:
            self._show_pick()

    # -- ] and [ --------------------------------------------------------------------

    def action_next_annotation(self) -> None:
        """Select the next annotation in the text (spans, relations, coreference sets)."""
        self._step_annotation(1)

    def action_previous_annotation(self) -> None:
        """Select the previous annotation in the text."""
        self._step_annotation(-1)

    @one_status
    def _step_annotation(self, direction: int) -> None:
        if self.live is None:
            return
        found = step(self.live, self.selected_id, self.view.cursor, direction)
        if found is None:
            self.message = "no annotations yet: select text (or stand on a word) and press a tag key"
            self._update_status()
            return
        self._select(self._as_selected(found).id)
        if self.pick is not None:
            self._show_pick()

    def _as_selected(self, ann: Any) -> Any:
        """What selecting ``ann`` selects: a trigger's event (its roles and problems), else ``ann``."""
        event = self.live.event_of_trigger.get(ann.id) if self.live is not None else None
        return event if event is not None and event.status != "rejected" else ann

    # -- holding ----------------------------------------------------------------------

    def _track_hold(self) -> None:
        """A selection started on the selected annotation holds it (called at once on every move)."""
        selection = self.view.selection
        started = selection is not None and not self._had_selection
        self._had_selection = selection is not None
        if not started or self.pick is not None or self.selected_id is None:
            return
        if self.held_id == self.selected_id:
            return
        span = self._display_span(self.by_id.get(self.selected_id))
        if span is not None and (contains(span, selection[0]) or contains(span, selection[1] - 1)):
            self.held_id = self.selected_id

    def _keeps_selection(self, cursor: int) -> bool:
        """Whether the selected annotation stays selected with the cursor at ``cursor`` and no selection."""
        if self.selected_id is None:
            return True
        if self.held_id == self.selected_id:
            return True
        span = self._display_span(self.by_id.get(self.selected_id))
        return span is not None and contains(span, cursor)

    def _release_hold(self) -> None:
        """Another annotation was selected (or none): the held one is let go."""
        if self.held_id is not None and self.held_id != self.selected_id:
            self.held_id = None

    @one_status
    def action_release(self) -> None:
        """Release the held annotation and deselect it (``escape`` once the selection is cleared)."""
        self.held_id = None
        self.selected_id = None
        self._update_status()

    def _selected_status(self) -> str:
        """The status line's part naming the selected annotation (sanitised), or ""."""
        ann = self.by_id.get(self.selected_id) if self.selected_id else None
        if ann is None or self.live is None:
            return ""
        text = self.describe(ann)
        if self.held_id == ann.id:
            return f"holding {text}"
        return text

    # -- why a key does nothing ------------------------------------------------------

    def explain_key(self, key: str) -> None:
        """Say in the status line why ``key`` does nothing now (its action is dimmed), if it is a reader key."""
        bindings = self._bindings.key_to_bindings.get(key, ())
        for binding in bindings:
            name, _, rest = binding.action.partition("(")
            if name.startswith("pick_") or binding.priority:
                continue
            params: tuple[object, ...] = (int(rest.rstrip(")")),) if rest.rstrip(")").isdigit() else ()
            if self.doc is None or self._can(name, params):
                return
            why = self.why_not(name, params)
            if why:
                self.message = why
                self._update_status()
            return

    def why_not(self, action: str, parameters: tuple[object, ...] = ()) -> str | None:
        """Why a reader action cannot act now, in words for the status line (None: no reason to give)."""
        if self.pick is not None and action in (*ON_ANNOTATION, *FROM_MENTION, *TO_HELD, "event",
                                                "repeat_tag", "library", "tag_hits", "suggest_hits"):
            return "finish the role prompt first: enter fills, s skips, esc ends"
        selected = self.by_id.get(self.selected_id) if self.selected_id else None
        here = len(spans_at(self.live, self.view.cursor)) if self.live is not None else 0
        if action in ON_ANNOTATION or action in FROM_MENTION:
            if selected is None:
                if here > 1:
                    return f"{here} annotations here: select one first: enter (again: the next)"
                return "select an annotation first: enter (or ] and [)"
            if action in FROM_MENTION:
                return f"{self.describe(selected)}: relations and coreference start from an entity mention"
        if action in TO_HELD:
            if not isinstance(selected, Span):
                return "select the span first (enter), then v and motions select the new text"
            return "v and motions select the text (the span stays held), then " + (
                "+ adds it" if action == "add_fragment" else "= moves the span there")
        if action == "tag":
            n = int(parameters[0]) if parameters else 1  # type: ignore[call-overload]
            count = len(self.schema.span_types) if self.schema is not None else 0
            if n > count:
                return f"the schema has {count} span types: t picks from all of them"
            return "nothing to tag here: move onto a word or select text (v)"
        if action in ("tag_type", "event"):
            return "nothing here: move onto a word or select text (v)"
        if action == "undo":
            return "nothing to undo"
        if action == "redo":
            return "nothing to redo"
        if action in ("search_next", "search_previous"):
            return "no search hits: / searches"
        if action in ("tag_hits", "suggest_hits"):
            return "no search hits to tag: / searches first"
        if action == "repeat_tag":
            return "nothing to repeat: tag something, then search (/)"
        return None
