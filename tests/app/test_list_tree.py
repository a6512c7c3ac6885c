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


COMPONENTS = ("tree--cursor", "tree--guides", "tree--guides-selected", "tree--highlight-line", "tree--label")


def fresh_styles(tree: ListTree) -> dict:
    """Each component style as Textual works it out now (its own cache emptied first)."""
    tree._rich_style_cache.clear()
    return {(name, partial): Tree.get_component_rich_style(tree, name, partial=partial)
            for name in COMPONENTS for partial in (False, True)}


def kept_styles(tree: ListTree) -> dict:
    return {(name, partial): tree.get_component_rich_style(name, partial=partial)
            for name in COMPONENTS for partial in (False, True)}


async def test_component_styles_kept_across_row_repaints_follow_focus_theme_and_inline_styles():
    """The tree keeps its component styles while rows repaint; after focus, a theme or an inline style they are new."""

    class TwoWidgets(TreeApp):
        def compose(self) -> ComposeResult:
            yield ListTree(Text("root"))
            yield Tree("other", id="other")

    app = TwoWidgets()
    async with app.run_test(size=(80, 20)) as pilot:
        tree = app.query_one(ListTree)
        app.query_one("#other").focus()
        for i in range(5):
            tree.root.add_leaf(Text(f"row {i}"))
        await pilot.pause()
        assert kept_styles(tree) == fresh_styles(tree)
        tree.refresh_line(2)  # a row repaint keeps them
        assert tree._kept_components is not None
        changes = [
            lambda: tree.focus(),
            lambda: app.query_one("#other").focus(),
            lambda: setattr(app, "theme", "textual-light" if app.theme != "textual-light" else "nord"),
            lambda: setattr(tree.styles, "background", "red"),
            lambda: setattr(tree.styles, "color", "yellow"),
        ]
        for change in changes:
            before = kept_styles(tree)
            change()
            await pilot.pause()
            after = fresh_styles(tree)
            assert kept_styles(tree) == after
            assert after != before, changes.index(change)  # each change changes a style: the test sees it


def numbered(tree: ListTree) -> list[int]:
    """Each node's line number, as the line list has them."""
    return [line.path[-1]._line for line in tree._tree_lines_cached]


async def test_lines_kept_across_builds_are_the_ones_tree_builds_after_any_change():
    """300 random changes of the kinds the panels make; after each, ListTree's lines, line numbers,
    width and cursor are Tree's (its kept lines and leaf blocks never outlive what they show)."""
    import random

    from tui.app.widgets.list_tree import set_expanded, set_label

    rng = random.Random(12)
    app = TreeApp()
    async with app.run_test(size=(80, 20)) as pilot:
        tree = app.query_one(ListTree)
        with tree.batch():
            set_expanded(tree.root, True)
            for g in range(4):
                group = tree.root.add(Text(f"group {g}"), expand=True)
                for i in range(5):
                    group.add_leaf(Text(f"mention {g}.{i}"))
        await pilot.pause()
        tree.cursor_line = 2
        reused = 0

        def nodes(parent):
            for child in parent.children:
                yield child
                yield from nodes(child)

        for step in range(300):
            if step == 150:
                tree.show_root = False
            everything = list(nodes(tree.root))
            groups = [n for n in everything if n.children or n.allow_expand]
            leaves = [n for n in everything if not n.children and not n.allow_expand]
            op = rng.randrange(8)
            if op == 0 and groups:
                group = rng.choice(groups)
                group.add_leaf(Text("new " + "y" * rng.randrange(30)), before=rng.randrange(len(group.children) + 1))
            elif op == 1 and leaves:
                rng.choice(leaves).remove()
            elif op == 2 and everything:
                set_label(rng.choice(everything), Text("relabelled " + "z" * rng.randrange(40)))
            elif op == 3 and everything:
                rng.choice(everything)._label = Text("set directly " * rng.randrange(1, 4))
            elif op == 4 and groups:
                group = rng.choice(groups)
                set_expanded(group, not group.is_expanded)
            elif op == 5 and leaves:
                rng.choice(leaves).add_leaf(Text("a leaf's first child"))
            elif op == 6:
                tree.root.add(Text("another group"), expand=True).add_leaf(Text("its mention"))
            elif op == 7 and groups:
                group = rng.choice(groups)
                with tree.batch():
                    for child in list(group.children)[:2]:
                        child.remove()
                    group.add_leaf(Text("after a batch"))
            blocks = {id(n): n.__dict__.get("_tui_block") for n in nodes(tree.root)}
            ours = built(tree, ListTree._build)
            ours_numbers = numbered(tree)
            reused += sum(n.__dict__.get("_tui_block") is blocks.get(id(n)) is not None for n in nodes(tree.root))
            theirs = built(tree, Tree._build)
            assert ours == theirs, step
            assert ours_numbers == numbered(tree), step
        assert reused > 300  # the kept blocks were used (most steps change one group)
