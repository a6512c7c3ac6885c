"""Render a Markdown article once into plain text plus style runs.

The plain text returned by :func:`render_markdown` becomes the document
text: what the analyst reads, what annotation offsets index (Python ``str``
indices, i.e. code points) and what exports contain. How each run looks on
screen is the widget's business; this module only says *what* a stretch of
text is.

Choices, so that the rendered text is predictable:

- Blocks are separated by one blank line; the text ends with a single
  ``"\\n"`` unless it is empty. Blocks that render to nothing (an empty
  heading, an empty code block) are dropped. Only newlines the author
  wrote as character references (``&#10;``) can add to these.
- Characters are never altered: no Unicode normalisation, emoji, CJK,
  combining marks and control characters pass through. Only what
  markdown-it itself does happens: newlines in the *source* are normalised,
  entities and backslash escapes are decoded.
- Softbreaks and hardbreaks both become ``"\\n"`` (the author's lines are
  kept; the reader wraps anyway).
- Lists: bullet items are prefixed ``"• "``, ordered items ``"N. "``
  (counting from the list's start number, always with a ``.``). An item's
  continuation lines are indented by the width of its prefix; a nested
  list is indented two spaces per level. Items of a tight list are
  separated by ``"\\n"``, items (and blocks inside items) of a loose list
  by a blank line. A ``list_item`` run covers the whole item, prefix and
  nested lists included; ``depth`` is 0 for a top-level list.
- Block quotes prefix each line with ``"│ "`` per nesting level (``"│"``
  alone on blank lines, so no line ends in a space); the ``blockquote`` run
  covers the prefixed lines.
- Code blocks keep their content verbatim minus trailing newlines;
  ``info`` is the first word of the fence's info string (``""`` if none).
- Tables are aligned text. Column widths are terminal cells, estimated per
  code point with :func:`cell_width` (east-asian wide/fullwidth = 2,
  combining marks and zero-width format characters = 0, anything else = 1;
  an emoji ZWJ sequence therefore counts as the sum of its parts, which is
  an approximation).
- Raw HTML is kept as literal text with an ``html`` run; it is never
  interpreted.

Runs satisfy ``0 <= start < end <= len(text)`` and are sorted by
``(start, -end)``; for runs with the same range the outer one comes first.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from tui.core.model import StyleRun

__all__ = ["cell_width", "plain_text_of", "render_markdown"]

BULLET = "•"
QUOTE_PREFIX = "│ "
RULE = "─" * 20
TABLE_COLUMN_SEP = " │ "
TABLE_RULE_SEP = "─┼─"
TABLE_RULE_CHAR = "─"
NESTED_LIST_INDENT = "  "

_BIDI_CONTROLS = frozenset(
    "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)

_INLINE_KINDS = {"em": "emphasis", "strong": "strong", "s": "strike"}


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


_MD = _parser()


@dataclass
class _Frag:
    """Rendered text of one block with runs relative to its start."""

    text: str = ""
    runs: list[StyleRun] = field(default_factory=list)


def _run(start: int, end: int, kind: str, attrs: dict | None = None) -> StyleRun:
    return StyleRun(start=start, end=end, kind=kind, attrs=dict(attrs or {}))


def _shifted(run: StyleRun, delta: int) -> StyleRun:
    return StyleRun(start=run.start + delta, end=run.end + delta, kind=run.kind, attrs=run.attrs)


def _wrap(frag: _Frag, kind: str, attrs: dict | None = None) -> _Frag:
    """Add a run covering all of ``frag``, outside (before) its other runs."""
    if frag.text:
        frag.runs.insert(0, _run(0, len(frag.text), kind, attrs))
    return frag


def _join(frags: Iterable[_Frag], sep: str) -> _Frag:
    """Join non-empty fragments with ``sep``, shifting their runs."""
    out = _Frag()
    parts: list[str] = []
    pos = 0
    for frag in frags:
        if not frag.text:
            continue
        if parts:
            parts.append(sep)
            pos += len(sep)
        out.runs.extend(_shifted(r, pos) for r in frag.runs)
        parts.append(frag.text)
        pos += len(frag.text)
    out.text = "".join(parts)
    return out


def _prefix_lines(frag: _Frag, prefix_of: Callable[[int], str]) -> _Frag:
    """Prefix line ``i`` of ``frag`` with ``prefix_of(i)``, moving runs along.

    Blank lines get the prefix without its trailing spaces. A run starting
    at the start of a line starts after that line's prefix; a run ending at
    the start of a line ends before it.
    """
    lines = frag.text.split("\n")
    starts: list[int] = []  # old offset of each line start
    shifts: list[int] = []  # total characters added up to and including line i
    parts: list[str] = []
    pos = added = 0
    for i, line in enumerate(lines):
        prefix = prefix_of(i)
        if not line:
            prefix = prefix.rstrip(" ")
        added += len(prefix)
        starts.append(pos)
        shifts.append(added)
        parts.append(prefix + line)
        pos += len(line) + 1
    text = "\n".join(parts)

    def move_start(offset: int) -> int:
        return offset + shifts[bisect.bisect_right(starts, offset) - 1]

    def move_end(offset: int) -> int:
        return move_start(offset - 1) + 1 if offset > 0 else 0

    runs = [
        StyleRun(start=move_start(r.start), end=move_end(r.end), kind=r.kind, attrs=r.attrs)
        for r in frag.runs
    ]
    return _Frag(text, runs)


# -- inline -------------------------------------------------------------------


class _InlineWriter:
    """Accumulates the text and runs of inline content."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.runs: list[StyleRun] = []

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.pos += len(text)

    def styled(self, node: SyntaxTreeNode, kind: str, attrs: dict | None) -> None:
        start, index = self.pos, len(self.runs)
        self.children(node)
        if self.pos > start:
            # Insert before the runs of the content: outer runs come first.
            self.runs.insert(index, _run(start, self.pos, kind, attrs))

    def children(self, node: SyntaxTreeNode) -> None:
        for child in node.children:
            self.node(child)

    def node(self, node: SyntaxTreeNode) -> None:
        kind = node.type
        if kind in ("text", "text_special"):
            self.write(node.content)
        elif kind in ("softbreak", "hardbreak"):
            self.write("\n")
        elif kind == "code_inline":
            start = self.pos
            self.write(node.content)
            if self.pos > start:
                self.runs.append(_run(start, self.pos, "code"))
        elif kind == "html_inline":
            start = self.pos
            self.write(node.content)
            if self.pos > start:
                self.runs.append(_run(start, self.pos, "html"))
        elif kind in _INLINE_KINDS:
            self.styled(node, _INLINE_KINDS[kind], None)
        elif kind == "link":
            attrs = {"href": str(node.attrs.get("href", ""))}
            if node.attrs.get("title"):
                attrs["title"] = str(node.attrs["title"])
            self.styled(node, "link", attrs)
        elif kind == "image":
            attrs = {"src": str(node.attrs.get("src", ""))}
            if node.attrs.get("title"):
                attrs["title"] = str(node.attrs["title"])
            self.styled(node, "image", attrs)
        elif node.children:
            self.children(node)
        else:
            self.write(node.content)

    def frag(self) -> _Frag:
        return _Frag("".join(self.parts), self.runs)


def _inline(node: SyntaxTreeNode) -> _Frag:
    """Render the inline children of a block (paragraph, heading, cell)."""
    writer = _InlineWriter()
    writer.children(node)
    return writer.frag()


# -- blocks -------------------------------------------------------------------


def _blocks(nodes: Iterable[SyntaxTreeNode], depth: int, sep: str = "\n\n") -> _Frag:
    return _join((_block(n, depth) for n in nodes), sep)


def _block(node: SyntaxTreeNode, depth: int) -> _Frag:
    """Render one block node; ``depth`` is the number of enclosing lists."""
    kind = node.type
    if kind == "paragraph":
        return _inline(node)
    if kind == "heading":
        return _wrap(_inline(node), "heading", {"level": int(node.tag[1:])})
    if kind in ("fence", "code_block"):
        words = (node.info or "").split()
        frag = _Frag(node.content.rstrip("\n"))
        return _wrap(frag, "code_block", {"info": words[0] if words else ""})
    if kind == "hr":
        return _wrap(_Frag(RULE), "rule")
    if kind == "html_block":
        return _wrap(_Frag(node.content.rstrip("\n")), "html")
    if kind == "blockquote":
        inner = _blocks(node.children, depth)
        return _wrap(_prefix_lines(inner, lambda _i: QUOTE_PREFIX), "blockquote")
    if kind in ("bullet_list", "ordered_list"):
        return _list(node, depth)
    if kind == "table":
        return _table(node)
    if kind == "inline":
        return _inline(node)
    return _blocks(node.children, depth)


def _is_loose(node: SyntaxTreeNode) -> bool:
    """A list is loose when markdown-it did not hide its items' paragraphs."""
    return any(
        block.type == "paragraph" and not block.hidden
        for item in node.children
        for block in item.children
    )


def _list(node: SyntaxTreeNode, depth: int) -> _Frag:
    loose = _is_loose(node)
    sep = "\n\n" if loose else "\n"
    start = node.attrs.get("start", 1)
    number = start if isinstance(start, int) else 1
    items: list[_Frag] = []
    for item in node.children:
        if node.type == "ordered_list":
            marker = f"{number}."
            number += 1
        else:
            marker = BULLET
        items.append(_list_item(item, depth, marker, sep))
    return _join(items, sep)


def _list_item(item: SyntaxTreeNode, depth: int, marker: str, sep: str) -> _Frag:
    """Render an item: ``marker`` on its first line, a hanging indent after.

    Lines that come from a nested list are indented by two spaces only, so
    nesting reads as two spaces per level whatever the marker.
    """
    parts: list[str] = []
    runs: list[StyleRun] = []
    nested_lines: set[int] = set()
    pos = line = 0
    for child in item.children:
        frag = _block(child, depth + 1)
        if not frag.text:
            continue
        if parts:
            parts.append(sep)
            pos += len(sep)
            line += sep.count("\n")
        count = frag.text.count("\n") + 1
        if child.type in ("bullet_list", "ordered_list"):
            nested_lines.update(range(line, line + count))
        runs.extend(_shifted(r, pos) for r in frag.runs)
        parts.append(frag.text)
        pos += len(frag.text)
        line += count - 1
    first = marker + " "
    hang = " " * len(first)

    def prefix_of(i: int) -> str:
        if i == 0:
            return first
        return NESTED_LIST_INDENT if i in nested_lines else hang

    frag = _prefix_lines(_Frag("".join(parts), runs), prefix_of)
    return _wrap(frag, "list_item", {"depth": depth, "marker": marker})


# -- tables -------------------------------------------------------------------


def cell_width(text: str) -> int:
    """Estimate the terminal cells ``text`` takes, one code point at a time.

    East-asian wide and fullwidth characters count 2; combining marks and
    zero-width format characters (ZWJ, ZWSP, BOM, ...) count 0; control
    characters and bidi controls count 1, because the viewer draws each as
    one visible replacement character; everything else counts 1.
    """
    width = 0
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc" or char in _BIDI_CONTROLS:
            width += 1
        elif category in ("Mn", "Me", "Cf"):
            continue
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            width += 2
        else:
            width += 1
    return width


def _align_of(cell: SyntaxTreeNode) -> str:
    style = str(cell.attrs.get("style", ""))
    for align in ("right", "center"):
        if f"text-align:{align}" in style:
            return align
    return "left"


def _pad(frag: _Frag, width: int, align: str) -> tuple[str, str]:
    """Return the (left, right) padding that brings ``frag`` to ``width``."""
    missing = max(0, width - cell_width(frag.text))
    if align == "right":
        return " " * missing, ""
    if align == "center":
        return " " * (missing // 2), " " * (missing - missing // 2)
    return "", " " * missing


def _table(node: SyntaxTreeNode) -> _Frag:
    """Render a table as aligned text; the first row's cells give alignment."""
    rows: list[list[tuple[_Frag, str]]] = []
    header_rows = 0
    for section in node.children:
        for tr in section.children:
            rows.append([(_inline(cell), _align_of(cell)) for cell in tr.children])
            if section.type == "thead":
                header_rows += 1
    ncols = max((len(r) for r in rows), default=0)
    if not ncols:
        return _Frag()
    aligns = ["left"] * ncols
    for i, (_cell, align) in enumerate(rows[0]):
        aligns[i] = align
    widths = [1] * ncols
    for row in rows:
        for i, (cell, _align) in enumerate(row):
            widths[i] = max(widths[i], cell_width(cell.text))

    parts: list[str] = []
    runs: list[StyleRun] = []
    pos = 0

    def write(text: str) -> None:
        nonlocal pos
        parts.append(text)
        pos += len(text)

    rule = TABLE_RULE_SEP.join(TABLE_RULE_CHAR * w for w in widths)
    for index, row in enumerate(rows):
        if index:
            write("\n")
        line_start, first_run = pos, len(runs)
        cells = row + [(_Frag(), aligns[i]) for i in range(len(row), ncols)]
        for col, (cell, align) in enumerate(cells):
            if col:
                write(TABLE_COLUMN_SEP)
            left, right = _pad(cell, widths[col], align)
            write(left)
            runs.extend(_shifted(r, pos) for r in cell.runs)
            write(cell.text)
            write(right)
        if index < header_rows:
            runs.insert(first_run, _run(line_start, pos, "table_header"))
        if index == header_rows - 1:
            write("\n" + rule)
    return _wrap(_Frag("".join(parts), runs), "table")


# -- API ----------------------------------------------------------------------


def render_markdown(source: str) -> tuple[str, list[StyleRun]]:
    """Render Markdown ``source`` to its plain text and its style runs.

    The text is what the analyst reads and what annotation offsets index;
    see the module docstring for the exact layout rules. Runs have
    ``0 <= start < end <= len(text)`` and are sorted by ``(start, -end)``,
    the outer of two runs with the same range first. Never raises for any
    ``str``; the same source always gives the same result.
    """
    root = SyntaxTreeNode(_MD.parse(source))
    frag = _blocks(root.children, 0)
    text = frag.text + "\n" if frag.text else ""
    runs = sorted(frag.runs, key=lambda r: (r.start, -r.end))
    return text, runs


def plain_text_of(source: str) -> str:
    """Return only the plain text :func:`render_markdown` makes of ``source``."""
    return render_markdown(source)[0]
