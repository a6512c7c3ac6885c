"""What the article view draws over the text: highlights, search hits, Markdown runs, and their index.

Fragments, style runs and search hits are indexed in fixed blocks of
:data:`INDEX_BLOCK` code points, so the cost of a row does not depend on the
document size, the number of annotations or the longest span.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from tui.app.widgets.article_view._parts import ViewParts
from tui.app.widgets.article_view.highlight import Highlight, _label_text
from tui.core.model import StyleRun
from tui.core.store import gc_paused
from tui.core.text.graphemes import grapheme_end
from tui.core.text.wrapping import LabelIndex

INDEX_BLOCK = 256
"""Fragments, style runs and search hits are indexed per block of this many code points."""

_MD_COMPONENTS = {
    "heading": "article-view--heading",
    "emphasis": "article-view--emphasis",
    "strong": "article-view--strong",
    "code": "article-view--code",
    "code_block": "article-view--code",
    "link": "article-view--link",
    "blockquote": "article-view--blockquote",
    "strike": "article-view--strike",
    "table_header": "article-view--table-header",
    "html": "article-view--html",
}


class HighlightsMixin(ViewParts):
    """The highlight, search-hit and style-run indexes of :class:`~.view.ArticleView` (a mixin)."""

    def set_highlights(self, highlights: list[Highlight]) -> None:
        """Replace the highlights, redrawing only rows whose highlights changed.

        Cost: one pass to diff by value, then work proportional to what changed.

        Args:
            highlights: the annotations to draw.
        """
        with gc_paused():  # 50k short-lived key tuples: no point scanning the heap meanwhile
            new = dict(zip(highlights, highlights, strict=True))
            old = self._hl_keys
            removed_keys = old.keys() - new.keys()
            added_keys = new.keys() - old.keys()
        if not removed_keys and not added_keys:
            return
        removed = [old.pop(k) for k in removed_keys]
        self._apply_change(removed, [(k, new[k]) for k in added_keys])

    def update_highlights(self, upsert: Iterable[Highlight] = (), remove_ids: Iterable[str] = ()) -> None:
        """Change some highlights without diffing all of them (cost: what changed).

        An extension of :meth:`set_highlights` for callers that know what an
        action changed.

        Args:
            upsert: highlights to add, or to replace the ones with the same id.
            remove_ids: ids of annotations to drop.
        """
        upsert = list(upsert)
        gone = {h.id for h in upsert} | set(remove_ids)
        removed = [h for ann_id in gone for h in self._hl_by_id.get(ann_id, ())]
        for h in removed:
            self._hl_keys.pop(_hl_key(h), None)
        self._apply_change(removed, [(_hl_key(h), h) for h in upsert])

    def _apply_change(self, removed: list[Highlight], added: list[tuple[tuple, Highlight]]) -> None:
        """Re-index ``removed`` and ``added`` highlights, re-wrap for labels, redraw."""
        old = self._hl_keys
        self._remove_highlights(removed)
        for k, h in added:
            old[k] = h
        self._add_highlights([h for _, h in added], bump=True)
        if self.show_labels and self._map is not None:
            index = self._label_index
            if index is None:
                index = self._label_index = LabelIndex()
            for h in removed:
                if h.fragments:
                    index.remove(h.end, h.label_cells)
            for _, h in added:
                if h.fragments:
                    index.add(h.end, h.label_cells)
            points = {h.end for h in removed} | {h.end for _, h in added}
            marked = self._update_start_marks(index, removed, [h for _, h in added])
            if marked:
                self._epoch += 1  # a mark may appear in a block whose highlights did not change
            points |= marked
            top = self._map.anchor(int(self.scroll_y))
            self._map.relabel(index, points)
            self._sync_virtual_size()
            self.set_scroll(None, self._map.anchored_row(top))
            self.refresh()  # labels may have re-wrapped rows: draw them all
            return
        self._refresh_visible_parts([*removed, *(h for _, h in added)])

    def _refresh_visible_parts(self, highlights: list[Highlight]) -> None:
        """Redraw the visible rows that ``highlights`` cover (not the whole view).

        A tag changes one or two rows; repainting all of them costs Textual
        ~0.1 ms a row in styling and compositing, on the key's path.
        """
        rowmap = self._map
        if rowmap is None or not self.is_mounted or rowmap.row_count == 0:
            self.refresh()
            return
        top = int(self.scroll_y)
        height = max(1, self.scrollable_content_region.height)
        lo = rowmap.row(min(top, rowmap.row_count - 1)).start
        hi = rowmap.row(min(top + height, rowmap.row_count - 1)).break_end
        for h in highlights:
            for s, e in h.fragments:
                if s <= hi and e >= lo:
                    self._refresh_span(max(s, lo), min(max(s, e), hi))

    def set_search_hits(self, hits: list[tuple[int, int]]) -> None:
        """Show search hits (drawn with ``article-view--search-hit``).

        Args:
            hits: ``(start, end)`` pairs.
        """
        self._hits = sorted(hits)
        index: dict[int, list[int]] = {}
        for n, (s, e) in enumerate(self._hits):
            for block in range(s // INDEX_BLOCK, max(s, e - 1) // INDEX_BLOCK + 1):
                index.setdefault(block, []).append(n)
        self._hit_index = index
        self._hits_version += 1
        self.refresh()

    def highlights_at(self, offset: int) -> list[Highlight]:
        """Return the highlights covering ``offset``, innermost first.

        Args:
            offset: code-point offset.

        Returns:
            The highlights whose fragments contain ``offset``.
        """
        found: dict[int, tuple[int, Highlight]] = {}
        for s, e, h in self._hl_index.get(offset // INDEX_BLOCK, ()):
            if s <= offset < e:
                found.setdefault(id(h), (e - s, h))
        return [h for _, h in sorted(found.values(), key=lambda t: t[0])]

    # --- indexing ------------------------------------------------------------------------

    def _index_runs(self, styles: Iterable[StyleRun]) -> None:
        self._runs = [r for r in styles if r.kind in _MD_COMPONENTS or r.kind == "list_item"]
        index: dict[int, list[int]] = {}
        markers: dict[int, int] = {}
        text = self._text
        for n, run in enumerate(self._runs):
            s, e = run.start, run.end
            if run.kind == "list_item":
                # Only the marker ("• ", "12. ") is styled; the item itself is plain.
                j = text.find(" ", s, min(e, s + 12))
                if j < 0:
                    continue
                markers[s] = j
                e = j
            for block in range(s // INDEX_BLOCK, max(s, e - 1) // INDEX_BLOCK + 1):
                index.setdefault(block, []).append(n)
        self._run_index = index
        self._markers = markers

    def _add_highlights(self, highlights: Iterable[Highlight], *, bump: bool) -> None:
        """Index the fragments of ``highlights`` per block (bump those blocks' versions)."""
        index = self._hl_index
        by_id = self._hl_by_id
        versions = self._hl_versions
        B = INDEX_BLOCK
        get = index.get
        for h in highlights:
            ids = by_id.get(h.id)
            # Tuples, not lists: one highlight per id is the rule, and 50k one-item
            # lists cost 2 MB more than 50k one-item tuples.
            by_id[h.id] = (h,) if ids is None else (*ids, h)
            for s, e in h.fragments:
                entry = (s, e, h)
                first = s // B
                last = (e - 1) // B
                if last <= first:
                    bucket = get(first)
                    if bucket is None:
                        index[first] = [entry]
                    else:
                        bucket.append(entry)
                else:
                    for block in range(first, last + 1):
                        bucket = get(block)
                        if bucket is None:
                            index[block] = [entry]
                        else:
                            bucket.append(entry)
                if bump:
                    for block in range(s // B, max(s, e) // B + 1):
                        versions[block] = versions.get(block, 0) + 1

    def _remove_highlights(self, highlights: Iterable[Highlight]) -> None:
        """Drop ``highlights`` from the index and bump the versions of their blocks."""
        index = self._hl_index
        versions = self._hl_versions
        B = INDEX_BLOCK
        for h in highlights:
            same = [x for x in self._hl_by_id.get(h.id, ()) if x is not h]
            if same:
                self._hl_by_id[h.id] = same
            else:
                self._hl_by_id.pop(h.id, None)
            for s, e in h.fragments:
                for block in range(s // B, max(s, e - 1) // B + 1):
                    bucket = index.get(block)
                    if bucket:
                        # Identity first: the stored object is the one being removed.
                        index[block] = [x for x in bucket if x[2] is not h]
                for block in range(s // B, max(s, e) // B + 1):
                    versions[block] = versions.get(block, 0) + 1

    def _labels(self) -> LabelIndex | None:
        """A fresh label index (offset -> label cells), or None when labels are off."""
        if not self.show_labels or not self._hl_keys:
            self._label_index = None
            self._start_marks = {}
            return None
        labels: dict[int, int] = {}
        get = labels.get
        for h in self._hl_keys.values():
            fragments = h.fragments
            if fragments:
                end = fragments[0][1] if len(fragments) == 1 else h.end
                labels[end] = get(end, 0) + _label_text(h.label, h.pending, h.overlay)[1]
        self._start_marks = _nested(self._hl_keys.values())
        for h, start in self._start_marks.items():
            key = self._lead_key(start)
            labels[key] = get(key, 0) + h.start_cells
        self._label_index = LabelIndex(labels)
        return self._label_index

    def _needs_start(self, h: Highlight) -> bool:
        """Whether another highlight starts or ends strictly inside ``h`` (so ``h``'s start needs a mark)."""
        if not h.fragments:
            return False
        s, e = h.extent
        for k in self._highlights_near(s, e):
            if k is h or not k.fragments:
                continue
            ks, ke = k.extent
            if s < ks < e or s < ke < e:
                return True
        return False

    def _update_start_marks(self, index: LabelIndex, removed: list[Highlight], added: list[Highlight]) -> set[int]:
        """Mark or unmark the starts of the changed highlights and their neighbours; returns the offsets changed."""
        marks = self._start_marks
        changed: set[int] = set()
        for h in removed:
            start = marks.pop(h, None)
            if start is not None:
                index.remove(self._lead_key(start), h.start_cells)
                changed.add(self._lead_key(start))
        affected: dict[int, Highlight] = {id(h): h for h in added}
        for h in (*removed, *added):
            if h.fragments:
                s, e = h.extent
                for k in self._highlights_near(s, e):
                    affected[id(k)] = k
        live = self._hl_keys
        for h in affected.values():
            if live.get(h) is not h:
                continue  # removed
            want = self._needs_start(h)
            start = marks.get(h)
            if want and start is None:
                start = marks[h] = h.extent[0]
                index.add(self._lead_key(start), h.start_cells)
                changed.add(self._lead_key(start))
            elif not want and start is not None:
                del marks[h]
                index.remove(self._lead_key(start), h.start_cells)
                changed.add(self._lead_key(start))
        return changed

    def _lead_key(self, start: int) -> int:
        """Where the wrap counts a start mark: with the first character (the label index
        keeps cells *after* a character; the mark is drawn before it, on the same row)."""
        return grapheme_end(self._text, start) if start < len(self._text) else start

    def _highlights_near(self, lo: int, hi: int) -> list[Highlight]:
        """Highlights with a fragment touching ``[lo, hi]`` (each once)."""
        seen: dict[int, Highlight] = {}
        index = self._hl_index
        for block in range(lo // INDEX_BLOCK, hi // INDEX_BLOCK + 1):
            for s, e, h in index.get(block, ()):
                if s <= hi and e >= lo:
                    seen[id(h)] = h
        return list(seen.values())


def _nested(highlights: Iterable[Highlight]) -> dict[Highlight, int]:
    """Each highlight that another one starts or ends strictly inside, with its start (O(n log n)).

    Those are the spans whose start colour cannot show (the inner span's fill
    covers it) and, without colour, nothing else would: they get a start mark.
    """
    spans = [(h, h.extent) for h in highlights if h.fragments]
    starts = sorted(s for _, (s, _e) in spans)
    ends = sorted(e for _, (_s, e) in spans)
    out: dict[Highlight, int] = {}
    for h, (s, e) in spans:
        if e - s < 2:
            continue
        if bisect_left(starts, e) > bisect_right(starts, s) or bisect_left(ends, e) > bisect_right(ends, s):
            out[h] = s
    return out


def _hl_key(h: Highlight) -> Highlight:
    """The key a highlight is diffed by: its value, i.e. the (hashable) named tuple itself."""
    return h
"""A highlight's value as a tuple (built in C: diffing 50k highlights stays cheap)."""
