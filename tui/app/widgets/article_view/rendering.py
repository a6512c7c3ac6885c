"""Building the article view's rows: one ``Strip`` per visible row (a mixin of :class:`~.view.ArticleView`).

Document text is data: it goes to the terminal only as ``Segment`` text with
``Style`` objects (never markup), with every control character replaced by
one visible character (:mod:`tui.core.text.graphemes`).
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.strip import Strip

from tui.app import lifetime
from tui.app.widgets.article_view._parts import ViewParts
from tui.app.widgets.article_view.highlights import _MD_COMPONENTS, INDEX_BLOCK, Highlight
from tui.core.text import graphemes
from tui.core.text.graphemes import grapheme_end, sanitize, unjoin_emoji
from tui.core.text.wrapping import Row


class RenderingMixin(ViewParts):
    """``render_line`` and the strip, style and label pieces it is made of."""

    # --- rendering -----------------------------------------------------------------------

    def _component(self, name: str) -> Style:
        style = self._component_cache.get(name)
        if style is None:
            style = self.get_component_rich_style(name, partial=True)
            self._component_cache[name] = style
        return style

    def _label_points(self, row: Row) -> dict[int, int]:
        """Offset -> label cells for labels drawn in this row."""
        lo, hi = row.start, max(row.end, row.break_end)
        points: dict[int, int] = {}
        for h in self._highlights_near(lo, hi):
            end = h.end
            if lo < end <= hi or (end == lo == row.end):
                points[end] = points.get(end, 0) + h.label_cells
        return points

    def _lead_points(self, row: Row) -> dict[int, list[Highlight]]:
        """Offset -> highlights whose start mark (``<ORG>``) is drawn before that character of this row."""
        marks = self._start_marks
        if not marks:
            return {}
        points: dict[int, list[Highlight]] = {}
        for h in self._highlights_near(row.start, row.end):
            start = marks.get(h)
            if start is not None and row.start <= start < row.end:
                points.setdefault(start, []).append(h)
        return points

    def render_line(self, y: int) -> Strip:
        """Render one visible row (``y`` is relative to the top of the view)."""
        rowmap = self._map
        width = self.scrollable_content_region.width
        base = self._base_style
        if base is None:
            base = self._base_style = self.rich_style
        if rowmap is not None and max(4, width - 1) != self._map_width and self.is_mounted:
            # The width changed in this frame's layout (panels shown or hidden): the
            # Resize event comes after the frame, so wrap for the new width now.
            self._rebuild_map(keep_view=True)
            rowmap = self._map
        if rowmap is None:
            if self._text and self.is_mounted:
                self._rebuild_map()
                rowmap = self._map
            if rowmap is None:
                return Strip.blank(width, base)
        vy = y + int(self.scroll_y)
        if vy >= rowmap.row_count:
            return Strip.blank(width, base)
        before = rowmap.row_count
        row = rowmap.row(vy)
        if rowmap.row_count != before:
            # An estimate was corrected while drawing: fix the scrollbar afterwards.
            lifetime.after_refresh(self, self._sync_virtual_size)
        key = self._row_key(row, width)
        strip = self._strip_cache.get(key)
        if strip is None:
            strip = self._build_strip(row, base).crop_extend(0, width, base)
            self._strip_cache[key] = strip
        return strip

    def _row_key(self, row: Row, width: int) -> tuple:
        lo, hi = row.start, max(row.end, row.break_end)
        versions = self._hl_versions
        hl_sig = tuple(versions.get(b, 0) for b in range(lo // INDEX_BLOCK, hi // INDEX_BLOCK + 1)) if versions else ()
        cursor = self.cursor
        cur = cursor if lo <= cursor < hi or (cursor == lo == hi) else None
        sel = self.selection
        sel_clip = None
        if sel is not None and sel[0] < hi and sel[1] > lo:
            sel_clip = (max(sel[0], lo), min(sel[1], hi))
        marks = None
        if self.selected_id is not None or self._hover_id is not None:
            near = self._highlights_near(lo, hi)
            ids = {h.id for h in near}
            marks = (
                self.selected_id if self.selected_id in ids else None,
                self._hover_id if self._hover_id in ids else None,
            )
        hits = self._hits_version if self._hit_index else 0
        return (row, width, self.show_labels, self._epoch, hl_sig, hits, cur, sel_clip, marks)

    def _highlight_style(self, h: Highlight, overlapped: bool) -> Style:
        key = ("hl", h.color, h.pending, h.overlay, h.kind, overlapped)
        style = self._style_cache.get(key)
        if style is not None:
            return style
        bg_rich = self.rich_style.bgcolor
        background = Color.from_rich_color(bg_rich) if bg_rich is not None else Color(0, 0, 0)
        try:
            color = Color.parse(h.color)
        except Exception:
            color = Color(128, 128, 128)
        if h.pending or h.overlay:
            fg = _readable_on(color, background)
            style = Style(color=fg.rich_color, italic=h.pending, underline=h.pending, overline=h.overlay)
        else:
            # Blend with the theme background so the fill is soft in light and dark themes.
            fill = background.blend(color, 0.55 if background.brightness < 0.5 else 0.45)
            text = Color(0, 0, 0) if fill.brightness > 0.55 else Color(255, 255, 255)
            style = Style(bgcolor=fill.rich_color, color=text.rich_color, bold=h.kind == "trigger")
        if overlapped:
            style += Style(underline=True)
        self._style_cache[key] = style
        return style

    def _build_strip(self, row: Row, base: Style) -> Strip:
        text = self._text
        lo, hi = row.start, row.end
        brk = row.break_end
        span_hi = max(hi, brk)
        cuts = {lo, hi}
        # Markdown runs touching the row.
        runs = []
        seen_runs: set[int] = set()
        for block in range(lo // INDEX_BLOCK, span_hi // INDEX_BLOCK + 1):
            for n in self._run_index.get(block, ()):
                if n in seen_runs:
                    continue
                seen_runs.add(n)
                run = self._runs[n]
                s, e = run.start, run.end
                if run.kind == "list_item":
                    e = self._markers.get(s, s)
                if s < hi and e > lo:
                    runs.append((s, e, run.kind))
                    cuts.add(max(s, lo))
                    cuts.add(min(e, hi))
        # Highlights touching the row.
        hls = []
        for h in self._highlights_near(lo, span_hi):
            for s, e in h.fragments:
                if s < span_hi and e > lo:
                    hls.append((s, e, h))
                    cuts.add(max(s, lo))
                    cuts.add(min(e, hi))
        hits = []
        if self._hit_index:
            seen_hits: set[int] = set()
            for block in range(lo // INDEX_BLOCK, span_hi // INDEX_BLOCK + 1):
                for n in self._hit_index.get(block, ()):
                    if n not in seen_hits:
                        seen_hits.add(n)
                        s, e = self._hits[n]
                        if s < span_hi and e > lo:
                            hits.append((s, e))
                            cuts.add(max(s, lo))
                            cuts.add(min(e, hi))
        sel = self.selection
        if sel is not None:
            cuts.add(max(lo, min(sel[0], hi)))
            cuts.add(max(lo, min(sel[1], hi)))
        cursor = self.cursor
        cursor_end = grapheme_end(text, cursor) if text else 0
        if lo <= cursor < hi:
            cuts.add(cursor)
            cuts.add(min(cursor_end, hi))
        labels = self._label_points(row) if self.show_labels else {}
        label_texts: dict[int, list[tuple[str, bool]]] = {}
        if labels:
            near = self._highlights_near(lo, span_hi)
            for h in near:
                end = h.end
                if end in labels:
                    label_texts.setdefault(end, []).append((h.label_text, h.id == self.selected_id))
                    if lo < end < hi:
                        cuts.add(end)
        leads: dict[int, list[tuple[str, bool]]] = {}
        if self.show_labels and self._start_marks:
            # Where a nested span starts: drawn before its first character, after any label ending there.
            for p, hs in self._lead_points(row).items():
                leads[p] = [(h.start_text, h.id == self.selected_id) for h in hs]
                cuts.add(p)
        segment_text = text[lo:hi]
        ascii_row = segment_text.isascii()
        if not ascii_row:
            # Style changes must not split a grapheme cluster: snap cuts to cluster starts.
            snap = graphemes.snap_to_grapheme
            cuts = {c if c <= lo or c >= hi else max(lo, snap(text, c)) for c in cuts}
        ordered = sorted(c for c in cuts if lo <= c <= hi)
        selected_id = self.selected_id
        hover_id = self._hover_id
        segments: list[Segment] = []
        col = 0
        # Label of a span ending exactly at the row start belongs here only on an empty row.
        for a, b in zip(ordered, ordered[1:], strict=False):
            if a >= b:
                continue
            if a in leads:
                col += self._append_labels(segments, leads[a], base)
            style = base + self._style_at(a, runs, hls, hits, sel, selected_id, hover_id)
            if a <= cursor < b:
                style = style + self._component("article-view--cursor")
            chunk = text[a:b]
            if "\t" in chunk:
                parts = []
                for ch in chunk:
                    if ch == "\t":
                        w = graphemes.TAB_SIZE - col % graphemes.TAB_SIZE
                        parts.append(" " * w)
                        col += w
                    else:
                        d = graphemes.display_char(ch)
                        parts.append(d)
                        col += self._cell_width(d)
                shown = unjoin_emoji("".join(parts))
            else:
                shown = sanitize(chunk)
                if shown.isascii():
                    col += len(shown)
                else:
                    shown = unjoin_emoji(shown)  # drawn the width every terminal agrees on
                    col += cell_len(shown)
            segments.append(Segment(shown, style))
            if b in label_texts and b < hi:
                col += self._append_labels(segments, label_texts[b], base)
        if brk > hi:
            on_break = hi <= cursor < brk
            in_sel = sel is not None and sel[0] <= hi < sel[1]
            if hi in label_texts and hi > lo:
                col += self._append_labels(segments, label_texts[hi], base)
            if on_break or in_sel:
                style = base + (self._component("article-view--selection") if in_sel else Style())
                if on_break:
                    style += self._component("article-view--cursor")
                segments.append(Segment(" ", style))
            for p in sorted(label_texts):
                if hi < p <= brk:
                    self._append_labels(segments, label_texts[p], base)
        elif hi in label_texts and hi > lo:
            self._append_labels(segments, label_texts[hi], base)
        if not segments and lo <= cursor < max(hi, brk, lo + 1) and hi == lo == len(text):
            segments.append(Segment(" ", base + self._component("article-view--cursor")))
        return Strip(segments)

    def _append_labels(self, segments: list[Segment], labels: list[tuple[str, bool]], base: Style) -> int:
        style = base + self._component("article-view--label")
        cells = 0
        for label, selected in labels:
            s = style + Style(bold=True) if selected else style
            segments.append(Segment(label, s))
            cells += cell_len(label)
        return cells

    def _style_at(
        self,
        offset: int,
        runs: list[tuple[int, int, str]],
        hls: list[tuple[int, int, Highlight]],
        hits: list[tuple[int, int]],
        sel: tuple[int, int] | None,
        selected_id: str | None,
        hover_id: str | None,
    ) -> Style:
        kinds = tuple(sorted({k for s, e, k in runs if s <= offset < e}))
        covering = [(e - s, h) for s, e, h in hls if s <= offset < e]
        hit = any(s <= offset < e for s, e in hits)
        in_sel = sel is not None and sel[0] <= offset < sel[1]
        fill: Highlight | None = None
        emphasised = False
        overlapped = False
        if covering:
            covering.sort(key=lambda t: t[0])
            ids = {h.id for _, h in covering}
            # The innermost accepted annotation gives the fill; pending/overlay ones only
            # decorate when nothing else covers the cell.
            solid = [h for _, h in covering if not (h.pending or h.overlay)]
            fill = solid[0] if solid else covering[0][1]
            emphasised = (selected_id in ids) or (hover_id in ids)
            overlapped = len(ids) > 1
        fill_key = (fill.color, fill.pending, fill.overlay, fill.kind) if fill is not None else None
        key = (kinds, fill_key, overlapped if covering else False, hit, in_sel, emphasised)
        style = self._style_cache.get(key)
        if style is not None:
            return style
        style = Style()
        for kind in kinds:
            name = "article-view--list-marker" if kind == "list_item" else _MD_COMPONENTS[kind]
            style += self._component(name)
        if fill is not None:
            style += self._highlight_style(fill, overlapped)
        if hit:
            style += self._component("article-view--search-hit")
        if in_sel:
            style += self._component("article-view--selection")
        if emphasised:
            style += self._component("article-view--selected-annotation")
        self._style_cache[key] = style
        return style


def _readable_on(color: Color, background: Color) -> Color:
    """Lighten or darken ``color`` until it stands out from ``background``."""
    for _ in range(8):
        if abs(color.brightness - background.brightness) >= 0.35:
            break
        color = color.lighten(0.1) if background.brightness < 0.5 else color.darken(0.1)
    return color
