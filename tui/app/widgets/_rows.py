"""Rows kept styled by what they show: Textual's per-row styling skipped for a row drawn before.

Textual styles every row a widget draws (background, tint, padding,
borders), about as much again as drawing the row, and forgets the styled
rows whenever the widget is refreshed. A panel that shows a new text often
shows many of the same rows (headings, a type, a status): those are taken
from what they were, keyed by the row's segments and by everything the
styling reads; any restyle (theme, CSS, pseudo-class) forgets them all.
"""

from __future__ import annotations

from typing import Any

from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from tui.app.compositor import textual_tested

#: The styles cache and render cache are private to Textual: on a release they
#: were not checked against, widgets style every row as Textual does.
SHORTCUTS = textual_tested()
#: Rows kept per widget (forgotten all at once beyond this).
LIMIT = 512


class StyledRows(Widget):
    """A widget whose rendered rows (``render_line`` from its render cache) keep their styled picture."""

    _styled: dict[tuple[Any, ...], Strip] | None = None

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styled = None

    def render_lines(self, crop: Region) -> list[Strip]:
        styles_cache = self._styles_cache
        styles = self.styles
        gutter = styles.gutter
        # (A hovered link is restyled after this, on the rows returned, cached or not.)
        if (not SHORTCUTS or self.BLANK or gutter.top or gutter.bottom or self._border_title is not None
                or self._border_subtitle is not None):
            return super().render_lines(crop)
        width, height = self.size
        if width != styles_cache._width:
            styles_cache.clear()  # what the styles cache does on a new width
            styles_cache._width = width
        if self._dirty_regions:
            self._render_content()
        lines = self._render_cache.lines
        look = (width, height, self.background_colors, self.opacity, self.get_pseudo_class_state(),
                self.visual_style)
        styled = self._styled
        if styled is None or len(styled) > LIMIT:
            styled = self._styled = {}
        cached, dirty = styles_cache._cache, styles_cache._dirty_lines
        keys: dict[int, tuple[Any, ...]] = {}
        for y in crop.line_range:
            # (below the text: the blank row Widget.render_line draws there)
            key = keys[y] = (tuple(lines[y]), lines[y].cell_length, look) if y < len(lines) else (None, look)
            if y in cached and y not in dirty:
                continue
            strip = styled.get(key)
            if strip is not None:
                cached[y] = strip
                dirty.discard(y)
        strips = super().render_lines(crop)
        for y, key in keys.items():
            strip = cached.get(y)
            if strip is not None:
                styled[key] = strip
        return strips
