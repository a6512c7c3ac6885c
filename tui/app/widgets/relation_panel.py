"""The relations panel: one row per relation, ``ARG1 text —Type→ ARG2 text``, in text order.

:meth:`RelationPanel.show` builds the panel when a document opens or
reloads; :meth:`RelationPanel.apply_changes` redraws only the rows of the
relations an action touched (a relation that changed, or one whose argument
changed). Choosing a row (``enter`` or a click) posts
:class:`RelationPanel.RelationChosen`; the reader selects the relation, which
``d``, ``:`` and ``A`` then act on. The panel never touches the store; every
text it shows goes through :func:`tui.app.safe.safe_text`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from functools import partial
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tui.app import lifetime
from tui.app.safe import safe_text
from tui.app.widgets._text import DEFER_SECONDS, AnnotationIndex, PanelHeader, is_large, swatch
from tui.app.widgets.entity_panel import move_cursor
from tui.app.widgets.list_tree import ListTree
from tui.core.model import DocAnnotations, Document, Relation, Span
from tui.core.store.changes import AnnotationChange

#: At most this many relations are listed (the count in the header stays exact).
MAX_RELATIONS = 200
#: An argument's text is cut to this many characters.
TEXT_LIMIT = 30

RowKey = tuple[int, str]
"""``(first argument's start, relation id)``: the order of the rows."""


class RelationPanel(Widget, can_focus=False):
    """Every relation of the shown layer, as ``ARG1 —Type→ ARG2`` rows in the order of their first argument."""

    DEFAULT_CSS = """
    RelationPanel {
        height: 1fr;
        layout: vertical;
    }
    RelationPanel > #relation-panel-header {
        height: 1;
        padding: 0 1;
        text-style: bold;
    }
    RelationPanel > Tree {
        height: 1fr;
        background: transparent;
    }
    """

    HELP = """\
### Relations panel
Each relation as `ARG1 —Type→ ARG2`. `enter` selects it in the reader:
`d` deletes it, `:` writes a note, `A` edits its attributes.
"""

    class RelationChosen(Message):
        """A relation row was chosen; handle with ``on_relation_panel_relation_chosen``."""

        def __init__(self, id: str) -> None:
            super().__init__()
            self.id = id
            """The chosen relation's id."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._timer: Any = None
        self._by_id: dict[str, Any] = {}
        self._schema: Any = None
        self._built = False
        self._keys: list[RowKey] = []
        """The listed relations' keys, in order (every relation, not only the rows shown)."""
        self._key_of: dict[str, RowKey] = {}
        self._args_of: dict[str, tuple[str, ...]] = {}
        self._users: dict[str, set[str]] = {}
        """Argument id -> the listed relations naming it (their rows show its text)."""
        self._rows: dict[str, TreeNode[Any]] = {}
        self.relation_count = 0
        """How many relations are listed."""

    def compose(self) -> ComposeResult:
        yield PanelHeader(Text("Relations"), id="relation-panel-header")
        tree: ListTree = ListTree(Text("Relations"), id="relation-panel-tree")
        tree.show_root = False
        tree.auto_expand = False
        tree.guide_depth = 2
        yield tree

    @property
    def tree(self) -> ListTree:
        """The tree that lists the relations."""
        return self.query_one("#relation-panel-tree", ListTree)

    def show(self, doc: Document | None, anns: DocAnnotations, schema: Any) -> None:
        """Rebuild the panel (opening a document, a reload); a long document's after a pause.

        Args:
            doc: the open document (None: nothing open).
            anns: every annotation of the shown layer; rejected relations are not listed.
            schema: the document's schema (colours).
        """
        if is_large(anns):
            if self._timer is not None:
                self._timer.stop()
            self._timer = lifetime.timer(self, DEFER_SECONDS, partial(self._rebuild, anns, schema))
            return
        self._rebuild(anns, schema)

    def apply_changes(self, changes: Sequence[AnnotationChange], index: AnnotationIndex) -> None:
        """Show what one action changed: only the rows of the relations it touched are drawn again.

        Args:
            changes: ``ChangeSet.annotations(doc_id, layer)`` of the action.
            index: the live annotations after it.
        """
        if self._timer is not None or not self._built or not changes:
            return  # a pending rebuild reads the live annotations: it shows this too
        self._by_id = index.by_id
        touched: set[str] = set()
        for change in changes:
            if change.kind == "relations":
                touched.add(change.id)
            touched |= self._users.get(change.id, set())
        for rel_id in touched:
            self._untrack(rel_id)
            rel = self._by_id.get(rel_id)
            if isinstance(rel, Relation) and rel.status != "rejected":
                self._track(rel)
        if touched:
            self._draw(touched)

    # -- the model -------------------------------------------------------------------

    def _rebuild(self, anns: DocAnnotations, schema: Any) -> None:
        self._timer = None
        self._by_id, self._schema = anns.by_id(), schema
        self._keys, self._key_of, self._args_of, self._users = [], {}, {}, {}
        for rel in anns.relations:
            if rel.status != "rejected":
                self._track(rel)
        self._built = True
        tree = self.tree
        with tree.batch():
            tree.clear()
            self._rows = {}
        self._draw(set())

    def _key(self, rel: Relation) -> RowKey:
        first = self._by_id.get(rel.arguments[0].target) if rel.arguments else None
        return (first.fragments[0][0] if isinstance(first, Span) else 1 << 62, rel.id)

    def _track(self, rel: Relation) -> None:
        key = self._key(rel)
        self._keys.insert(bisect_left(self._keys, key), key)
        self._key_of[rel.id] = key
        names = tuple(a.target for a in rel.arguments)
        self._args_of[rel.id] = names
        for name in names:
            self._users.setdefault(name, set()).add(rel.id)

    def _untrack(self, rel_id: str) -> None:
        key = self._key_of.pop(rel_id, None)
        if key is None:
            return
        i = bisect_left(self._keys, key)
        if i < len(self._keys) and self._keys[i] == key:
            del self._keys[i]
        for name in self._args_of.pop(rel_id, ()):
            users = self._users.get(name)
            if users is not None:
                users.discard(rel_id)
                if not users:
                    del self._users[name]

    # -- the rows ----------------------------------------------------------------------

    def _draw(self, touched: set[str]) -> None:
        """Bring the rows in line with the model: the first :data:`MAX_RELATIONS`, in order."""
        tree = self.tree
        root = tree.root
        cursor = tree.cursor_node
        shown = [rel_id for _, rel_id in self._keys[:MAX_RELATIONS]]
        wanted = set(shown)
        with tree.batch():
            for rel_id, node in list(self._rows.items()):
                if rel_id not in wanted or rel_id in touched:
                    node.remove()
                    del self._rows[rel_id]
            for child in list(root.children):
                if child.data is None:
                    child.remove()  # the "… more" row
            for index, rel_id in enumerate(shown):
                if rel_id not in self._rows:
                    rel = self._by_id[rel_id]
                    self._rows[rel_id] = root.add_leaf(self.label(rel, self._by_id, self._schema),
                                                        data=rel_id, before=index)
            if len(self._keys) > MAX_RELATIONS:
                more = len(self._keys) - MAX_RELATIONS
                root.add_leaf(Text(f"… {more} more relations (use ] and [ in the reader)", style="dim"))
            self.relation_count = len(self._keys)
            header = Text.assemble(("Relations ", "bold"), (f"{len(self._keys)}", "dim"))
            self.query_one("#relation-panel-header", PanelHeader).update(header)
        if cursor is not None and cursor.data in self._rows and touched:
            move_cursor(tree, self._rows[cursor.data])

    @staticmethod
    def label(rel: Relation, by_id: dict[str, Any], schema: Any) -> Text:
        """``ARG1 text —Type→ ARG2 text``, sanitised; a missing argument is named as such."""
        color = schema.color(rel.type, "relation") if schema is not None else "#888888"
        text = swatch(color)
        if rel.status == "pending":
            text.append("? ", style="bold")
        args = [by_id.get(a.target) for a in rel.arguments[:2]]
        while len(args) < 2:
            args.append(None)
        text.append_text(_argument(args[0]))
        text.append(" —")
        text.append_text(safe_text(rel.type, style="bold", limit=30))
        text.append("→ ")
        text.append_text(_argument(args[1]))
        return text

    def highlight(self, rel_id: str | None) -> bool:
        """Put the cursor on a relation's row without posting; True if it is listed."""
        node = self._rows.get(rel_id) if rel_id else None
        if node is None:
            return False
        move_cursor(self.tree, node)
        return True

    # -- events ------------------------------------------------------------------------

    def on_tree_node_selected(self, event: Tree.NodeSelected[Any]) -> None:
        event.stop()
        if isinstance(event.node.data, str):
            self.post_message(self.RelationChosen(event.node.data))

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Any]) -> None:
        event.stop()


def _argument(ann: Any) -> Text:
    if isinstance(ann, Span):
        return safe_text(ann.text, limit=TEXT_LIMIT)
    if ann is None:
        return Text("(missing)", style="bold red")
    return safe_text(f"{ann.NOUN} {getattr(ann, 'type', '')}", style="italic", limit=TEXT_LIMIT)
