"""Searching the article: the prompt, the hits, next and previous."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.app.safe import safe

if TYPE_CHECKING:
    from tui.app.dialogs.search import SearchQuery


class SearchMixin:
    """The reader's in-document search (``/``, ``n``, ``N``)."""

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
