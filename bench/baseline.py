"""The bare minimum to compare against: a Line-API ScrollView with no annotations, an empty app.

``BareView`` draws the same text wrapped to the width (plain slicing, no
word wrap, no styles, no annotations) with a one-cell cursor, and moves it
with the same keys the reader uses. Whatever tui costs above this is ours.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

CURSOR = Style(reverse=True)


class BareView(ScrollView, can_focus=True):
    """A plain Line-API text view with a cursor: the baseline for key -> frame latency."""

    BINDINGS = [
        Binding("down,j", "move(1, 0)"),
        Binding("up,k", "move(-1, 0)"),
        Binding("right,l,shift+right,w,1", "move(0, 1)"),
        Binding("left,h", "move(0, -1)"),
        Binding("pagedown", "page(1)"),
        Binding("pageup", "page(-1)"),
    ]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        self.lines: list[str] = []
        self.row = 0
        self.col = 0

    def on_resize(self) -> None:
        width = max(1, self.size.width)
        self.lines = []
        for para in self.text.split("\n"):
            self.lines.extend(para[i : i + width] for i in range(0, max(1, len(para)), width))
        self.virtual_size = Size(width, len(self.lines))

    def render_line(self, y: int) -> Strip:
        row = y + self.scroll_offset.y
        if row >= len(self.lines):
            return Strip.blank(self.size.width)
        line = self.lines[row]
        if row == self.row:
            c = min(self.col, max(0, len(line) - 1))
            segs = [Segment(line[:c]), Segment(line[c : c + 1] or " ", CURSOR), Segment(line[c + 1 :])]
        else:
            segs = [Segment(line)]
        return Strip(segs).crop_extend(0, self.size.width, None)

    def action_move(self, drow: int, dcol: int) -> None:
        old = self.row
        self.row = max(0, min(len(self.lines) - 1, self.row + drow))
        self.col = max(0, self.col + dcol)
        top = self.scroll_offset.y
        if self.row < top or self.row >= top + self.size.height:
            self.scroll_to(y=max(0, self.row - self.size.height // 2), animate=False)
        else:
            # ScrollView.refresh_lines takes document rows (it subtracts the scroll offset)
            self.refresh_lines(old, 1)
            self.refresh_lines(self.row, 1)

    def action_page(self, direction: int) -> None:
        self.row = max(0, min(len(self.lines) - 1, self.row + direction * self.size.height))
        self.scroll_to(y=max(0, self.row - self.size.height // 2), animate=False)


class BareApp(App):
    """An app holding only the bare view."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield BareView(self.text)

    def on_mount(self) -> None:
        self.query_one(BareView).focus()


class EmptyApp(App):
    """The smallest Textual app that paints something: the cold-start baseline."""

    def compose(self) -> ComposeResult:
        yield Static("READY")


if __name__ == "__main__":
    EmptyApp().run()
