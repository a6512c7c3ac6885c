"""Rich ``Text`` drawn through Textual's Line API: rows of segments, made once per text and width.

A widget that renders a ``Text`` (``Static``, or ``render`` returning it)
goes through Textual's content pipeline on every repaint: the text is
converted to ``Content``, measured, wrapped, split into lines and styled
again, about 1 ms for the one row of the status line and 2-3 ms for the
inspector's dozen. What these widgets show changes with every key, so no
cache of Textual's helps. Here a ``Text`` becomes segments directly (its
spans sliced out of its plain string, the styles combined once), a row too
long for the width is cut with an ellipsis or wrapped at spaces, and the
rows are kept until the text or the width changes. The widgets' text is
sanitised before it gets here (:func:`tui.app.safe.safe_text`); this module
only draws it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual._segment_tools import line_pad
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from tui.app.compositor import textual_tested
from tui.app.widgets._scroll import SteadySizes, row_runs

#: Only resolves style names for :meth:`rich.text.Text.render` (the fallback for overlapping spans).
_CONSOLE = Console(width=1000, color_system="truecolor", legacy_windows=False, force_terminal=True)
ELLIPSIS = "…"


@lru_cache(maxsize=1024)
def _style(style: str | Style) -> Style:
    return style if isinstance(style, Style) else Style.parse(style) if style else Style.null()


def segments_of(text: Text) -> list[Segment]:
    """The segments Rich would render for a one-line ``text`` (no console, no end).

    Args:
        text: one line (a newline in it is drawn as is: split first).

    Returns:
        The text's runs with their styles (the text's own style under each span's).
    """
    plain = text.plain
    base = _style(text.style)
    spans = sorted(text._spans, key=lambda s: s.start)
    out: list[Segment] = []
    pos = 0
    for span in spans:
        start, end = span.start, min(span.end, len(plain))
        if start < pos:
            # Overlapping spans combine their styles: Rich's own renderer does that.
            return [s for s in text.render(_CONSOLE, end="") if s.text]
        if start >= end:
            continue
        if start > pos:
            out.append(Segment(plain[pos:start], base))
        out.append(Segment(plain[start:end], base + _style(span.style)))
        pos = end
    if pos < len(plain):
        out.append(Segment(plain[pos:], base))
    return out


def fit(segments: list[Segment], width: int) -> list[Segment]:
    """Cut a row to ``width`` cells, ending in an ellipsis when something was cut."""
    if sum(cell_len(s.text) for s in segments) <= width:
        return segments
    if width <= 0:
        return []
    cut = Segment.adjust_line_length(segments, width - 1)
    style = cut[-1].style if cut else None
    return [*cut, Segment(ELLIPSIS, style)]


def split_lines(text: Text) -> list[Text]:
    """``text`` split at its newlines, keeping each piece's styles (as ``Text.split``, cheaper for short texts)."""
    if "\n" not in text.plain:
        return [text]
    return list(text.split("\n", allow_blank=True))


#: Wrapped lines by what they show and the width: Rich's wrap costs about 0.1 ms a row, and the
#: inspector shows the same long lines (a type's definition, a long name) for many selections.
_WRAPPED: dict[tuple[Any, ...], list[list[Segment]]] = {}
_WRAPPED_MAX = 512


def wrapped(line: Text, width: int) -> list[list[Segment]]:
    """One line of text as rows of at most ``width`` cells: as it is when it fits, else wrapped at spaces.

    The rows returned for a long line are shared with later calls for the same line: do not change them.
    """
    if width <= 0:
        return [[]]
    if cell_len(line.plain) <= width:
        return [segments_of(line)]
    key = (line.plain, line.style, tuple(line._spans), line.end, width)
    rows = _WRAPPED.get(key)
    if rows is None:
        if len(_WRAPPED) >= _WRAPPED_MAX:
            _WRAPPED.clear()
        rows = _WRAPPED[key] = [segments_of(row) for row in line.wrap(_CONSOLE, width, overflow="fold")]
    return rows


def strip_of(segments: list[Segment], base: Style) -> Strip:
    """A row of segments with the widget's own colours under theirs."""
    return Strip(segments).apply_style(base) if segments else Strip([])


class PlainRows:
    """Rows finished without Textual's styles cache, for widgets with no border, outline, tint or fade.

    Textual finishes every row a widget draws (padding, borders, outlines,
    opacity, tint, hatch) in its styles cache: about 0.1 ms a row even for a
    widget that has none of them but a left and right padding. For such a
    widget these rows are the content row, padded to the content width and
    given the padding, in the same colours (tests/app/test_lines.py compares
    them with the styles cache's). Any other widget, or a Textual release the
    app was not checked against, goes through the styles cache as before.
    Put it before the widget class in the bases.
    """

    def _plain(self) -> bool:
        widget: Widget = self  # type: ignore[assignment]
        styles = widget.styles
        padding = styles.padding
        return (
            textual_tested()
            and not padding.top and not padding.bottom
            and not any(edge for edge, _ in styles.border)
            and not any(edge for edge, _ in styles.outline)
            and widget.opacity == 1.0 and styles.text_opacity == 1.0 and not styles.tint.a
            and not (styles.has_rule("hatch") and styles.hatch != "none")
            and widget._border_title is None and widget._border_subtitle is None
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        widget: Widget = self  # type: ignore[assignment]
        if not self._plain():
            return super().render_lines(crop)  # type: ignore[misc,no-any-return]
        base_background, background = widget.background_colors
        inner = widget._styles_cache.get_inner_outer(base_background, background)[0].rich_style
        width = widget.region.width
        content_width = widget.content_region.width
        padding = widget.styles.padding
        left, right = padding.left, padding.right
        filters = widget.get_line_filters()
        render_line = widget.render_line
        out = []
        for y in crop.line_range:
            line = render_line(y).adjust_cell_length(content_width, inner)
            segments = line_pad(line, left, right, inner) if left or right else line
            strip = Strip(segments, width)
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, background)
            out.append(strip)
        if crop.column_span != (0, width):
            x1, x2 = crop.column_span
            out = [strip.crop(x1, x2) for strip in out]
        return out


class OneLine(PlainRows, Widget, can_focus=False):
    """A one-row widget showing a ``Text``, cut with an ellipsis: repainted only when the text changes."""

    DEFAULT_CSS = """
    OneLine {
        height: 1;
    }
    """

    def __init__(self, text: Text | None = None, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.text = text if text is not None else Text()
        """The row shown (tests read its ``plain``)."""
        self._row: tuple[int, Text, Style, Strip] | None = None

    def update(self, text: Text) -> None:
        """Show ``text`` (nothing happens when it is what is shown)."""
        if text == self.text:
            return
        self.text = text
        self.refresh()

    def render(self) -> Text:
        """The text shown (what ``render_line`` draws; for code that asks a widget what it renders)."""
        return self.text

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        base = self.rich_style
        if y:
            return Strip.blank(width, base)
        row = self._row
        if row is not None and row[0] == width and row[1] is self.text and row[2] == base:
            return row[3]
        strip = strip_of(fit(segments_of(self.text), width), base)
        self._row = (width, self.text, base, strip)
        return strip


class TextLines(PlainRows, SteadySizes, ScrollView, can_focus=False):
    """A scrolling block of ``Text``, wrapped at spaces to its width; rows made once per text and width.

    Its height is its rows' (a ``ScrollView``'s virtual size): a text of a
    new height moves the scroll bar, it never re-lays out the screen.
    """

    DEFAULT_CSS = """
    TextLines {
        height: 1fr;
        overflow-x: hidden;
        scrollbar-gutter: stable;
    }
    """

    def __init__(self, text: Text | None = None, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.text = text if text is not None else Text()
        """The text shown (tests read its ``plain``)."""
        self._rows: list[list[Segment]] = []
        self._rows_for: tuple[Text, int] | None = None
        self._strips: dict[int, Strip] = {}
        self._base: Style | None = None

    def update(self, text: Text) -> None:
        """Show ``text`` from its top (nothing is redrawn when it is what is shown)."""
        if text == self.text:
            return
        self.text = text
        before, top = self._rows, self.scroll_offset.y
        self._layout_rows()
        if top or not self.is_mounted:
            self.scroll_to(0, 0, animate=False, immediate=True)
            self.refresh()
            return
        # Only the rows that show something else are painted again (a new selection
        # often keeps the blank rows under the text, and sometimes its first lines).
        rows = self._rows
        changed = [y for y in range(self.size.height)
                   if (before[y] if y < len(before) else None) != (rows[y] if y < len(rows) else None)]
        if changed:
            self.refresh(*row_runs(changed, 0, self.size.width))

    def rows(self) -> list[list[Segment]]:
        """The rows drawn at the current width."""
        self._layout_rows()
        return self._rows

    def _layout_rows(self) -> None:
        width = self.scrollable_content_region.width
        if self._rows_for == (self.text, width):
            return
        rows: list[list[Segment]] = []
        for line in split_lines(self.text):
            rows.extend(wrapped(line, width))
        self._rows, self._rows_for = rows, (self.text, width)
        self._strips = {}
        size = Size(width, len(rows))
        if size == self.virtual_size:
            return
        if not self.is_mounted or not textual_tested():
            self.virtual_size = size
            return
        # Widget.virtual_size is a layout reactive: a text of another height would
        # reflow and repaint the whole screen. A scroll view only needs its bars
        # updated (a bar that appears or goes still asks for a layout itself).
        self.set_reactive(Widget.virtual_size, size)
        self._scroll_update(size)

    def on_resize(self) -> None:
        self._layout_rows()

    def render_lines(self, crop: Region) -> list[Strip]:
        # The widget's colours, read once per paint (``rich_style`` walks the DOM).
        base = self.rich_style
        if base != self._base:
            self._strips, self._base = {}, base
        self._layout_rows()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        base = self._base if self._base is not None else self.rich_style
        index = y + self.scroll_offset.y
        strip = self._strips.get(index)
        if strip is None:
            segments = self._rows[index] if index < len(self._rows) else []
            strip = self._strips[index] = strip_of(segments, base)
        return strip
