"""ListTree's shortcuts draw and measure what Textual's Tree does."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Tree

from tui.app.widgets.list_tree import ListTree


class TreeApp(App):
    """A list tree, ten rows tall."""

    CSS = "ListTree { height: 10; }"

    def compose(self) -> ComposeResult:
        yield ListTree(Text("root"))


def built(tree: ListTree, build) -> tuple:
    """The line list, scrollable size and cursor line ``build`` makes for ``tree``."""
    build(tree)
    lines = [(tuple(id(n) for n in line.path), line.last) for line in tree._tree_lines_cached]
    return lines, tree.virtual_size, tree.cursor_line


async def test_the_line_list_is_the_one_tree_builds():
    """Nested, folded and relabelled rows, with and without the root: the same lines, widths and cursor."""
    app = TreeApp()
    async with app.run_test(size=(80, 20)) as pilot:
        tree = app.query_one(ListTree)
        with tree.batch():
            for g in range(4):
                group = tree.root.add(Text(f"group {g}"), expand=g != 2)
                for i in range(3 + g):
                    leaf = group.add_leaf(Text(f"mention {'x' * (i * g)} {i}"))
                inner = group.add(Text("a set ≡ 漢字"), expand=True)
                inner.add_leaf(Text("member"))
        await pilot.pause()
        tree.cursor_line = 3
        for show_root in (False, True):
            tree.show_root = show_root
            for step in range(3):
                ours = built(tree, ListTree._build)
                theirs = built(tree, Tree._build)
                assert ours == theirs, (show_root, step)
                # Relabel, fold and unfold between builds: remembered widths must follow.
                group = tree.root.children[step]
                group._label = Text("a much longer group label than before " * (step + 1))
                group._expanded = not group._expanded
                leaf._label = Text("short")
