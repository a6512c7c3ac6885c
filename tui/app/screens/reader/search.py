"""Finding in the article: the search prompt and its hits (``/``, ``n``, ``N``), tagging every hit
(``*``, ``&``) and the next name not yet annotated (``m``, ``M``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.app.safe import safe
from tui.app.screens.reader.readonly import editing
from tui.core.editing.navigation import next_unannotated_name

if TYPE_CHECKING:
    from tui.app.dialogs.search import SearchQuery


class SearchMixin:
    """The reader's in-document search (``/``, ``n``, ``N``, ``*``, ``&``) and next-name motion (``m``, ``M``)."""

    def action_search(self) -> None:
        """Open the search prompt."""
        from tui.app.dialogs.search import SearchDialog, find_hits

        if self.doc is None:
            return

        def chosen(query: SearchQuery | None) -> None:
            self.view.focus()
            if query is None:
                return
            self.search_query = query
            self.hits = find_hits(self.doc.text, query) if self.doc else []
            self.view.set_search_hits(self.hits)
            if not self.hits:
                self.notify(f"not found: {safe(query.pattern, limit=40)}", severity="warning", markup=False)
                self.refresh_bindings()
                return
            cursor = self.view.cursor
            hit = next((h for h in self.hits if h[0] >= cursor), self.hits[0])
            self._show_hit(hit)

        self.app.push_screen(SearchDialog(self.doc.text, self.search_query), chosen)

    def _next_hit(self, direction: int) -> tuple[int, int] | None:
        if not self.hits:
            return None
        view = self.view
        sel = view.selection
        ref = sel[0] if sel is not None else view.cursor
        if direction > 0:
            if sel is None:
                return next((h for h in self.hits if h[0] >= ref), self.hits[0])
            return next((h for h in self.hits if h[0] > ref), self.hits[0])
        return next((h for h in reversed(self.hits) if h[0] < ref), self.hits[-1])

    def _show_hit(self, hit: tuple[int, int]) -> None:
        with self._one_status():
            self.selected_id = None
            self.view.select(*hit)
            index = self.hits.index(hit) + 1 if hit in self.hits else 0
            self.message = f"hit {index}/{len(self.hits)}"
            self._update_status()
            self.refresh_bindings()

    def action_search_next(self) -> None:
        """Select the next search hit."""
        hit = self._next_hit(1)
        if hit is not None:
            self._show_hit(hit)

    def action_search_previous(self) -> None:
        """Select the previous search hit."""
        hit = self._next_hit(-1)
        if hit is not None:
            self._show_hit(hit)

    # -- every hit at once (*, &) ------------------------------------------------------

    @editing
    def action_tag_hits(self) -> None:
        """Pick a type, then tag every hit of the last search with it (accepted)."""
        self._pick_for_hits(pending=False)

    @editing
    def action_suggest_hits(self) -> None:
        """Pick a type, then make every hit of the last search a pending suggestion of it (r reviews)."""
        self._pick_for_hits(pending=True)

    def _pick_for_hits(self, *, pending: bool) -> None:
        from tui.app.dialogs.picker import PickerDialog, PickerItem

        if self.doc is None or self.schema is None or not self.hits:
            return
        spans = self._span_types()
        taken = {t.hotkey for t in spans if t.hotkey}
        items = [PickerItem(f"span:{t.name}", t.name, t.hotkey, detail=f"{t.label} · {t.kind}", color=t.color)
                 for t in spans]
        # Event types after the span types; a hotkey a span type has is left to it (/ filters).
        items += [PickerItem(f"event:{t.name}", t.name, t.hotkey if t.hotkey not in taken else None,
                             detail=f"event · {t.group or ''}", color=t.color)
                  for t in self.schema.event_types]
        hits = list(self.hits)
        verb = "Suggest" if pending else "Tag"

        def chosen(value: str | None) -> None:
            if value:
                kind, _, label = value.partition(":")
                self._tag_hits(hits, label, pending=pending, event=kind == "event")

        self.app.push_screen(PickerDialog(f"{verb} all {len(hits)} hits as…", items), chosen)

    def _tag_hits(self, hits: list[tuple[int, int]], label: str, *, pending: bool, event: bool) -> None:
        edit = self._perform(f"{'suggest' if pending else 'tag'} {label} on {len(hits)} hits",
                             lambda: self.session.tag_hits(hits, label, pending=pending, event=event))
        if edit is None:
            return
        message = edit.value.summary(safe(label, limit=30), pending=pending)
        if pending and edit.value.ids:
            message += " · r reviews them"
        with self._one_status():
            self.view.clear_selection()
            self.selected_id = None
            self.message = message
            self._update_status()

    # -- the next name (m, M) ------------------------------------------------------------

    def action_next_name(self, direction: int = 1) -> None:
        """Select the next (previous) run of capitalised words no annotation covers: a type key then tags it."""
        if self.doc is None or self.live is None:
            return
        view = self.view
        sel = view.selection
        if direction > 0:
            pos = sel[0] + 1 if sel is not None else view.cursor
        else:
            pos = sel[0] if sel is not None else view.cursor
        found = next_unannotated_name(self.live, self.doc.text, pos, direction)
        with self._one_status():
            if found is None:
                where = "after" if direction > 0 else "before"
                back = "g goes to the start" if direction > 0 else "G goes to the end"
                self.message = f"no untagged name {where} this point ({back})"
            else:
                self.selected_id = None
                view.select(*found)
                self.message = f"name “{safe(self.doc.text[found[0]:found[1]], limit=40)}”: 1-9 or t tags it"
            self._update_status()
            self.refresh_bindings()
