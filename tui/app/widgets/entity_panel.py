"""The entities panel: every mention of a document, grouped by type and coreference set.

Attributes down, messages up: the reader calls :meth:`EntityPanel.show`
after every store action; choosing a mention posts
:class:`EntityPanel.MentionChosen` and the reader moves to it. The panel
never touches the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from tui.app import lifetime
from tui.app.safe import safe_text
from tui.app.widgets._text import DEFER_SECONDS, is_large, swatch
from tui.app.widgets.list_tree import ListTree
from tui.core.model import DocAnnotations, Document, Span

#: At most this many mentions are listed under one type (the count stays exact);
#: a 50,000-span document would otherwise rebuild a huge tree after each action.
MAX_MENTIONS_PER_GROUP = 100
#: At most this many coreference sets are listed under one type.
MAX_SETS_PER_GROUP = 50
#: Mention text is cut to this many characters in the tree.
TEXT_LIMIT = 60
#: Drawn before a pending (suggested) mention, so it is told apart without colour.
PENDING_MARK = "? "


@dataclass(frozen=True)
class GroupKey:
    """Tree data of a group row: a type (``kind="type"``) or a coreference set."""

    kind: str
    key: str


class EntityPanel(Widget, can_focus=False):
    """Mentions grouped by type, and inside a type by coreference set, with counts.

    Rows are a ``Tree`` whose labels are ``rich.text.Text`` (document text is
    never parsed as markup). A mention row's data is the span id; ``enter``
    or a click on it posts :class:`MentionChosen`. Pending suggestions are
    marked with ``?`` and drawn in italics.
    """

    DEFAULT_CSS = """
    EntityPanel {
        height: 1fr;
        layout: vertical;
    }
    EntityPanel > #entity-panel-header {
        height: 1;
        padding: 0 1;
        text-style: bold;
    }
    EntityPanel > Tree {
        height: 1fr;
        background: transparent;
    }
    """

    HELP = """\
### Entities panel
Mentions grouped by type, then by coreference set. `enter` moves the reader
to a mention; `space` folds a group. `?` marks a pending suggestion.
"""

    class MentionChosen(Message):
        """A mention was chosen (enter or click); handle with ``on_entity_panel_mention_chosen``."""

        def __init__(self, id: str) -> None:
            super().__init__()
            self.id = id
            """The span id of the chosen mention."""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._timer: Any = None
        """The pending deferred rebuild (large documents only)."""
        self._collapsed: set[GroupKey] = set()
        self._labels: dict[tuple, Text] = {}
        """Mention labels by everything they show: a rebuild after one tag makes one new label."""
        self._labels_schema: Any = None
        """Groups the user folded, kept across :meth:`show` calls."""
        self.mention_count = 0
        """How many mentions the last :meth:`show` listed (for tests and the header)."""

    def compose(self) -> ComposeResult:
        yield Static(Text("Entities"), id="entity-panel-header")
        tree: ListTree = ListTree(Text("Entities"), id="entity-panel-tree")
        tree.show_root = False
        tree.guide_depth = 2
        yield tree

    @property
    def tree(self) -> ListTree:
        """The tree that lists the mentions."""
        return self.query_one("#entity-panel-tree", ListTree)

    def show(self, doc: Document | None, anns: DocAnnotations, schema: Any) -> None:
        """Rebuild the panel from a document's annotations.

        Args:
            doc: the open document (None: nothing open).
            anns: every annotation of it; rejected ones are not listed.
            schema: the document's schema (type order, colours, labels).
        """
        if is_large(anns):
            # Coalesce a burst of actions into one rebuild after a pause.
            if self._timer is not None:
                self._timer.stop()
            self._timer = lifetime.timer(self, DEFER_SECONDS, partial(self._rebuild, doc, anns, schema))
            return
        self._rebuild(doc, anns, schema)

    def _rebuild(self, doc: Document | None, anns: DocAnnotations, schema: Any) -> None:
        self._timer = None
        tree = self.tree
        keep = tree.cursor_node.data if tree.cursor_node is not None else None
        with tree.batch():  # one invalidation for the whole rebuild
            tree.clear()
            triggers = {e.trigger for e in anns.events}
            mentions = [s for s in anns.spans if s.id not in triggers and s.status != "rejected"]
            by_id = {s.id: s for s in mentions}
            # A mention belongs to the first live set naming it; the set is listed
            # under the type most of its members have.
            set_of: dict[str, Any] = {}
            sets_by_type: dict[str, list[Any]] = {}
            for eq in anns.equivalences:
                if eq.status == "rejected":
                    continue
                members = [by_id[m] for m in eq.members if m in by_id and m not in set_of]
                if not members:
                    continue
                for m in members:
                    set_of[m.id] = eq
                labels = [m.label for m in members]
                main = max(labels, key=labels.count)
                sets_by_type.setdefault(main, []).append((eq, members))
            by_label: dict[str, list[Span]] = {}
            for span in mentions:
                by_label.setdefault(span.label, []).append(span)
            order = [t.name for t in getattr(schema, "span_types", [])]
            labels = [name for name in order if name in by_label or name in sets_by_type]
            labels += sorted((set(by_label) | set(sets_by_type)) - set(labels))

            cursor_target: TreeNode[Any] | None = None
            for label in labels:
                spans = by_label.get(label, [])
                sets = sets_by_type.get(label, [])
                key = GroupKey("type", label)
                node = tree.root.add(self._type_label(schema, label, len(spans), len(sets)), data=key)
                if keep == key:
                    cursor_target = node
                for eq, members in sets[:MAX_SETS_PER_GROUP]:
                    set_key = GroupKey("set", eq.id)
                    set_node = node.add(self._set_label(eq, members), data=set_key)
                    if keep == set_key:
                        cursor_target = set_node
                    for m in members:
                        leaf = set_node.add_leaf(self._label_of(m, schema, label), data=m.id)
                        if keep == m.id:
                            cursor_target = leaf
                    if set_key not in self._collapsed:
                        set_node.expand()
                if len(sets) > MAX_SETS_PER_GROUP:
                    more = len(sets) - MAX_SETS_PER_GROUP
                    node.add_leaf(Text(f"… {more} more sets", style="dim"))
                singles = [s for s in spans if s.id not in set_of]
                for span in singles[:MAX_MENTIONS_PER_GROUP]:
                    leaf = node.add_leaf(self._label_of(span, schema, label), data=span.id)
                    if keep == span.id:
                        cursor_target = leaf
                if len(singles) > MAX_MENTIONS_PER_GROUP:
                    more = len(singles) - MAX_MENTIONS_PER_GROUP
                    node.add_leaf(Text(f"… {more} more (use ] and [ in the reader)", style="dim"))
                if key not in self._collapsed:
                    node.expand()
            self.mention_count = len(mentions)
            n_sets = sum(len(sets) for sets in sets_by_type.values())
            header = Text.assemble(
                ("Entities ", "bold"),
                (f"{_n(len(mentions), 'mention')} · {_n(len(labels), 'type')} · {_n(n_sets, 'set')}", "dim"),
            )
            self.query_one("#entity-panel-header", Static).update(header)
        if cursor_target is not None:
            move_cursor(tree, cursor_target)

    def highlight(self, ann_id: str | None) -> bool:
        """Put the tree cursor on a mention's row, without posting anything.

        Args:
            ann_id: a span id (None: leave the cursor where it is).

        Returns:
            True if the mention is listed.
        """
        if ann_id is None:
            return False
        for node in walk(self.tree.root):
            if node.data == ann_id:
                parent = node.parent
                while parent is not None:
                    parent.expand()
                    parent = parent.parent
                move_cursor(self.tree, node)
                return True
        return False

    # -- labels ---------------------------------------------------------------

    @staticmethod
    def _type_label(schema: Any, label: str, count: int, sets: int) -> Text:
        known = schema.span_type(label) if schema is not None else None
        color = schema.color(label, "span") if schema is not None else "#888888"
        text = swatch(color)
        text.append_text(safe_text(label, style="bold"))
        counts = f" {count}" + (f" · {sets} set{'s' if sets != 1 else ''}" if sets else "")
        text.append(counts, style="dim")
        if known is None:
            text.append(" (not in schema)", style="bold red")
        return text

    @staticmethod
    def _set_label(eq: Any, members: list[Span]) -> Text:
        # The longest accepted mention names the set best ("the US-led coalition"
        # over "it"); a pending suggestion only when nothing else is there.
        head = max(members, key=lambda m: (m.status != "pending", len(m.text)))
        text = Text("≡ ", style="bold")
        text.append_text(safe_text(head.text, limit=40))
        text.append(f" ×{len(members)}", style="dim")
        if eq.status == "pending":
            text.append(" pending", style="italic")
        return text

    def _label_of(self, span: Span, schema: Any, group: str) -> Text:
        """The row label of a mention, made once per distinct look (labels are never mutated)."""
        if schema is not self._labels_schema:
            self._labels.clear()  # short labels come from the schema
            self._labels_schema = schema
        key = (span.text, span.label, span.status, len(span.fragments), span.start, group)
        label = self._labels.get(key)
        if label is None:
            if len(self._labels) > 20_000:
                self._labels.clear()  # bounded: a long session retypes many spans
            label = self._labels[key] = self._mention_label(span, schema, group)
        return label

    @staticmethod
    def _mention_label(span: Span, schema: Any, group: str) -> Text:
        pending = span.status == "pending"
        text = Text(PENDING_MARK if pending else "", style="bold")
        text.append_text(safe_text(span.text, style="italic" if pending else "", limit=TEXT_LIMIT))
        if span.label != group:
            text.append(" ")
            text.append_text(safe_text(schema.short_label(span.label, "span") if schema else span.label, style="dim"))
        if len(span.fragments) > 1:
            text.append(f" ({len(span.fragments)} parts)", style="dim")
        text.append(f" @{span.start}", style="dim")
        return text

    # -- events ---------------------------------------------------------------

    def on_tree_node_selected(self, event: Tree.NodeSelected[Any]) -> None:
        event.stop()
        if isinstance(event.node.data, str):
            self.post_message(self.MentionChosen(event.node.data))

    def on_tree_node_collapsed(self, event: Tree.NodeCollapsed[Any]) -> None:
        event.stop()
        if isinstance(event.node.data, GroupKey):
            self._collapsed.add(event.node.data)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Any]) -> None:
        event.stop()
        if isinstance(event.node.data, GroupKey):
            self._collapsed.discard(event.node.data)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Any]) -> None:
        event.stop()


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def move_cursor(tree: Tree[Any], node: TreeNode[Any]) -> None:
    """Put the cursor of ``tree`` on ``node`` right now, even just after a rebuild."""
    # A node's line number is only known once the tree has laid out its lines,
    # which Textual does lazily (on idle or when ``_tree_lines`` is read).
    tree._tree_lines  # noqa: B018
    tree.move_cursor(node, animate=False)


def walk(node: TreeNode[Any]):
    """Every node under ``node`` (depth first), ``node`` excluded."""
    for child in node.children:
        yield child
        yield from walk(child)
