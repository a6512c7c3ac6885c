"""A compositor that repaints only what changed, as Textual's does, but with less work.

Textual repaints a frame by taking the bounding box of every region that
changed and rendering every widget whose *clip* (its container's area)
touches that box, each one whole, top to bottom. In the reader a cursor
move changes two rows of the article and the status line at the bottom:

- the box spans from the cursor down to the status line across the whole
  width, so the three side panels and all their children (trees, headers,
  scroll bars: ~15 widgets) are rendered again for nothing;
- every child of the screen (the status line, the footer, the body) has the
  whole screen as its clip, so it is rendered for any change anywhere, and
  the screen, the body and the article are rendered for all of their ~50
  rows to use two of them.

Each rendered row costs a cache look-up and a filter pass even when nothing
in it changed; together that was more than half of a cursor move's frame.
:class:`BandedCompositor` splits the changed regions into bands of rows
(changes sharing or touching a row go in one band), and for each band
renders only the widgets whose visible area meets one of its changed regions,
only on the rows of the changes they meet (a tag changes three footer keys
beside the status line: the other keys and the article beside the panel rows
are not rendered). The bytes written to the terminal are the same (see
tests/app/test_compositor.py); Textual's ``_compositor`` module is private,
so this is tied to the pinned Textual version (constraints.txt).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip


def row_bands(regions: set[Region]) -> list[list[Region]]:
    """Group regions into bands: regions sharing or touching a row (directly or via others) are in one band.

    Args:
        regions: the changed regions of a frame.

    Returns:
        The bands, top to bottom; no row is in two bands.
    """
    bands: list[list[Region]] = []
    bottom = -1
    for region in sorted(regions, key=lambda r: r.y):
        if bands and region.y <= bottom:
            bands[-1].append(region)
            bottom = max(bottom, region.bottom)
        else:
            bands.append([region])
            bottom = region.bottom
    return bands


#: Textual releases whose private compositor this class was checked against
#: (tests/app/test_compositor.py compares its bytes with Textual's own), and the
#: private Tree and ScrollView parts the panels use (tests/app/test_panel_changes.py).
TESTED_TEXTUAL = ("8.2",)
_OVERRIDDEN = ("render_partial_update", "_get_renders", "_render_chops", "_regions_to_spans")


def textual_tested(version: str | None = None) -> bool:
    """Whether this Textual is a release the private-API shortcuts of the app were checked against.

    Args:
        version: a Textual version (default: the installed one).
    """
    if version is None:
        version = _installed_textual()
    return any(version == v or version.startswith(v + ".") for v in TESTED_TEXTUAL)


@lru_cache(maxsize=1)
def _installed_textual() -> str:
    # ``textual.__version__`` reads the package metadata on every access (about a
    # millisecond): callers ask on every repaint.
    import textual

    return textual.__version__


def banded_supported(version: str | None = None) -> bool:
    """Whether this Textual is one the banded compositor was checked against.

    ``_compositor`` is private to Textual: on any other release the screen
    keeps Textual's own compositor (slower on long documents, never wrong).

    Args:
        version: a Textual version (default: the installed one).
    """
    if version is None:
        version = _installed_textual()
    tested = any(version == v or version.startswith(v + ".") for v in TESTED_TEXTUAL)
    return tested and all(hasattr(Compositor, name) for name in _OVERRIDDEN)


#: Whether the installed Textual is one of :data:`TESTED_TEXTUAL` (private API used below).
_TESTED = textual_tested()


class BandedCompositor(Compositor):
    """Textual's compositor, rendering each band of changed rows with its own crop."""

    _band: list[Region] = []
    """The changed regions of the band being rendered (see :meth:`_get_renders`)."""

    def render_partial_update(self) -> ChopsUpdate | None:
        """Render the changed regions band by band (see the module docstring).

        Returns:
            The update, or None when nothing changed.
        """
        update_regions = self._dirty_regions
        if len(update_regions) < 2:
            return super().render_partial_update()
        bands = row_bands(update_regions)
        screen_region = self.size.region
        crops = [Region.from_union(band).intersection(screen_region) for band in bands]
        if not all(crops):
            return super().render_partial_update()  # something off screen: Textual's way
        update_regions = update_regions.copy()
        self._dirty_regions.clear()
        spans = list(self._regions_to_spans(update_regions))
        chops: list = []
        try:
            for band, crop in zip(bands, crops, strict=True):
                self._band = [region.intersection(screen_region) for region in band]
                first, last = crop.y, crop.bottom
                band_chops = self._render_chops(crop, lambda y, first=first, last=last: first <= y < last)
                if not chops:
                    chops = list(band_chops)
                else:
                    chops[first:last] = band_chops[first:last]
        finally:
            self._band = []
        # Textual writes a cursor move for a cut starting right where a changed span
        # ends (nothing after it). Its cell belongs to a widget left out above: give
        # the cut an empty strip so the bytes stay Textual's.
        blank = Strip([])
        for y, _x1, x2 in spans:
            line = chops[y]
            if x2 in line and line[x2] is None:
                line[x2] = blank
        chop_ends = [cut_set[1:] for cut_set in self.cuts]
        return ChopsUpdate(chops, spans, chop_ends)

    def _get_renders(self, crop: Region | None = None) -> Iterable[tuple[Region, Region, list[Strip]]]:
        """The widgets to paint in ``crop``, each rendered on the rows of the changes it meets.

        Textual's version renders every widget whose clip meets the crop, each
        on all its visible rows. Only the changed regions are written to the
        terminal, and cuts are made at every widget edge, so a cell written
        belongs to a widget whose visible area meets a changed region, on that
        region's rows: a widget meeting none (a footer key beside the one that
        changed, the article beside a panel row) is left out, and the others
        are rendered on the rows of the changes they meet.
        """
        band = self._band
        if not crop or not band:
            yield from super()._get_renders(crop)
            return
        width = self.size.width
        intersection = Region.intersection
        # Widgets come front to back: a change inside the visible area of a widget
        # already rendered is all drawn by it (or by those in front of it), so the
        # containers behind it (the panel, the column, the screen) need not render there.
        open_regions = list(band)
        for widget, (region, clip) in self.visible_widgets.items():
            if not open_regions:
                break
            visible = intersection(region, clip)
            top = bottom = -1
            for changed in open_regions:
                if visible.overlaps(changed):
                    if top < 0 or changed.y < top:
                        top = changed.y
                    if changed.bottom > bottom:
                        bottom = changed.bottom
            if top < 0:
                continue
            rows_clip = intersection(clip, Region(0, top, width, bottom - top))
            x, y, w, h = intersection(region, rows_clip)
            if w and h:
                yield region, rows_clip, widget.render_lines(Region(x - region.x, y - region.y, w, h))
            open_regions = [changed for changed in open_regions if not visible.contains_region(changed)]


def send_refreshes(screen: Screen) -> None:
    """Tell ``screen`` now about every widget of it that asked to be repainted.

    A widget's ``refresh()`` only marks it; the widget tells its screen from its
    own message loop once idle, and the screen draws a frame once its queue is
    empty. One key that changes several widgets (the article, a panel, the
    status line) then shows in two or three frames, in whatever order their
    loops got round to it, each frame a full compose of what changed. Telling
    the screen at the end of the key's handler puts every change in the
    screen's queue before it goes idle: one frame. Widgets tell it the same way
    (``_check_refresh``, private to Textual): on a release this was not
    checked against, nothing is done here (more frames, never a wrong one).

    Args:
        screen: the screen whose widgets changed.
    """
    if not _TESTED or not screen.is_attached:
        return
    for widget in screen._compositor.visible_widgets:
        if widget._repaint_required:
            widget._check_refresh()
