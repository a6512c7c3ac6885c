"""The entities panel: every mention of a document, grouped by type and coreference set.

Attributes down, messages up: the reader calls :meth:`EntityPanel.show`
when it opens or reloads a document and :meth:`EntityPanel.apply_changes`
after every action, undo and redo (only the touched types are redrawn);
choosing a mention posts
:class:`EntityPanel.MentionChosen` and the reader moves to it. The panel
never touches the store.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
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
from tui.app.widgets.list_tree import ListTree, set_expanded, set_label
from tui.core.model import DocAnnotations, Document, Span
from tui.core.review.coref import is_link_suggestion
from tui.core.store.changes import AnnotationChange

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


@dataclass(frozen=True)
class _Row:
    """A row under a type group as a full draw makes it: a mention, a "… more" row, or a set with its members."""

    data: Any
    label: Text
    members: tuple[tuple[str, Text], ...] | None = None
    """A set's member rows (id, label); None for a row without children."""
    expanded: bool = True

    def key(self) -> tuple[Any, ...]:
        """What tells this row apart (equal keys: the same row drawn the same way); see :func:`_node_key`."""
        if self.members is None:
            if self.data is not None:
                return ("mention", self.data, id(self.label))
            return ("row", _text_key(self.label))
        return ("set", self.data, _text_key(self.label), self.expanded,
                tuple((member_id, id(label)) for member_id, label in self.members))


def _text_key(text: Text) -> tuple[Any, ...]:
    return text.plain, str(text.style), tuple((s.start, s.end, str(s.style)) for s in text.spans)


def _row_edits(have: list[Any], wanted: list[Any]) -> list[tuple[str, int, int, int, int]]:
    """``SequenceMatcher.get_opcodes`` from ``have`` to ``wanted``, the common ends matched first.

    A tag or a delete changes one place in a group's rows: the rows before and
    after it are equal, and matching only what lies between is cheaper than
    matching the whole group (a tenth of a millisecond on a 50-row group).
    """
    start, stop = 0, min(len(have), len(wanted))
    while start < stop and have[start] == wanted[start]:
        start += 1
    end = 0
    while end < stop - start and have[-1 - end] == wanted[-1 - end]:
        end += 1
    ops: list[tuple[str, int, int, int, int]] = [("equal", 0, start, 0, start)] if start else []
    middle = SequenceMatcher(None, have[start:len(have) - end], wanted[start:len(wanted) - end],
                             autojunk=False).get_opcodes()
    ops += [(tag, i1 + start, i2 + start, j1 + start, j2 + start) for tag, i1, i2, j1, j2 in middle]
    if end:
        ops.append(("equal", len(have) - end, len(have), len(wanted) - end, len(wanted)))
    return ops


def _node_key(node: TreeNode[Any]) -> tuple[Any, ...]:
    """The key of the :class:`_Row` a node under a type group draws (see :meth:`_Row.key`)."""
    label = node._label
    if not node._allow_expand and not node.children:
        if node.data is not None:
            return ("mention", node.data, id(label))
        return ("row", _text_key(label))
    return ("set", node.data, _text_key(label), node._expanded,
            tuple((child.data, id(child._label)) for child in node.children))


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
        """Groups the user folded, kept across :meth:`show` calls."""
        self._labels: dict[tuple, Text] = {}
        """Mention labels by everything they show: a rebuild after one tag makes one new label."""
        self._labels_schema: Any = None
        self._built = False
        """Whether the model below reflects a :meth:`show` (else :meth:`apply_changes` waits for one)."""
        self._schema: Any = None
        self._groups: dict[str, list[Span]] = {}
        """Type -> its mentions (not triggers, not rejected), in the layer's order (see :func:`_order`)."""
        self._triggers: dict[str, int] = {}
        """Span id -> how many events name it as their trigger (triggers are not mentions)."""
        self._set_of: dict[str, Any] = {}
        self._sets_by_type: dict[str, list[tuple[Any, list[Span]]]] = {}
        self._set_members_by_label: dict[str, int] = {}
        self._in_sets: set[str] = set()
        """Every id any coreference set names (a change to one regroups the sets)."""
        self._group_nodes: dict[str, TreeNode[Any]] = {}
        self.mention_count = 0
        """How many mentions the last :meth:`show` listed (for tests and the header)."""
        self._pending: dict[str, int] = {}
        """Type -> how many of its listed mentions are pending suggestions (counted apart)."""
        self.pending_count = 0
        """How many of the listed mentions are pending suggestions (not counted as mentions)."""

    def compose(self) -> ComposeResult:
        yield PanelHeader(Text("Entities"), id="entity-panel-header")
        tree: ListTree = ListTree(Text("Entities"), id="entity-panel-tree")
        tree.show_root = False
        tree.guide_depth = 2
        yield tree

    @property
    def tree(self) -> ListTree:
        """The tree that lists the mentions."""
        return self.query_one("#entity-panel-tree", ListTree)

    def show(self, doc: Document | None, anns: DocAnnotations, schema: Any) -> None:
        """Rebuild the panel from a document's annotations (opening it, or a reload).

        After an action, :meth:`apply_changes` updates only the rows it changed.

        Args:
            doc: the open document (None: nothing open).
            anns: every annotation of it; rejected ones are not listed.
            schema: the document's schema (type order, colours, labels).
        """
        if is_large(anns):
            # Opening a long document: the article's first frame comes first.
            if self._timer is not None:
                self._timer.stop()
            self._timer = lifetime.timer(self, DEFER_SECONDS, partial(self._rebuild, doc, anns, schema))
            return
        self._rebuild(doc, anns, schema)

    def apply_changes(self, changes: Sequence[AnnotationChange], index: AnnotationIndex) -> None:
        """Show what one action, undo or redo changed: only the type groups it touched are redrawn.

        The cost depends on what changed (and on the at most
        :data:`MAX_MENTIONS_PER_GROUP` rows of a touched group), not on the
        document's length: the same on a 3 kB article as on a 5 MB one.

        Args:
            changes: ``ChangeSet.annotations(doc_id, layer)`` of the action.
            index: the live annotations after the action (``by_id``, ``anns``).
        """
        if self._timer is not None or not self._built:
            return  # the pending rebuild reads the live annotations: it shows this too
        if not changes:
            return
        by_id = index.by_id
        touched: set[str] = set()
        listed_as: dict[str, Span] = {}
        """Changed span -> its old state: where it was listed, if it was."""
        sets_changed = False
        for change in changes:
            if change.kind == "spans":
                touched.add(change.id)
                if change.old is not None:
                    listed_as[change.id] = change.old
            elif change.kind == "events":
                for ev in (change.old, change.new):
                    if ev is None:
                        continue
                    touched.add(ev.trigger)
                if change.old is not None:
                    self._untrigger(change.old.trigger)
                if change.new is not None:
                    self._triggers[change.new.trigger] = self._triggers.get(change.new.trigger, 0) + 1
            elif change.kind == "equivalences":
                sets_changed = True
        dirty: set[str] = set()
        for span_id in touched:
            old = listed_as.get(span_id)
            was = old if old is not None else by_id.get(span_id)  # a trigger's span did not change
            if isinstance(was, Span) and self._remove(was, search=old is not None):
                dirty.add(was.label)
            span = by_id.get(span_id)
            if isinstance(span, Span) and span.status != "rejected" and span_id not in self._triggers:
                self._insert(span)
                dirty.add(span.label)
            if span_id in self._in_sets:
                sets_changed = True
        if sets_changed:
            dirty |= set(self._sets_by_type)
            self._group_sets(index.anns, by_id)
            dirty |= set(self._sets_by_type)
        if not dirty:
            return
        tree = self.tree
        cursor = tree.cursor_node
        keep = cursor.data if cursor is not None else None
        target: TreeNode[Any] | None = None
        with tree.batch():
            order = self._order()
            for label in sorted(dirty, key=lambda name: order.get(name, -1)):
                found = self._draw_group(label, order, keep)
                target = found or target
            self._draw_header()
        if cursor is not None and not _attached(cursor):
            if target is not None:
                move_cursor(tree, target)
        elif cursor is not None:
            move_cursor(tree, cursor)

    # -- the model: mentions by type, coreference sets --------------------------------

    def _rebuild(self, doc: Document | None, anns: DocAnnotations, schema: Any) -> None:
        self._timer = None
        self._schema = schema
        self._groups = {}
        self._pending = {}
        self._triggers = {}
        for e in anns.events:
            self._triggers[e.trigger] = self._triggers.get(e.trigger, 0) + 1
        for span in anns.spans:
            if span.id not in self._triggers and span.status != "rejected":
                self._insert(span, append=True)
        self._group_sets(anns, {s.id: s for s in anns.spans} if anns.equivalences else {})
        self._built = True
        tree = self.tree
        keep = tree.cursor_node.data if tree.cursor_node is not None else None
        target: TreeNode[Any] | None = None
        with tree.batch():  # one invalidation for the whole rebuild
            tree.clear()
            self._group_nodes = {}
            order = self._order()
            for label in sorted(order, key=order.__getitem__):
                found = self._draw_group(label, order, keep)
                target = found or target
            self._draw_header()
        if target is not None:
            move_cursor(tree, target)

    def _insert(self, span: Span, *, append: bool = False) -> None:
        """Add a mention to its type's list, in the layer's order (start, end, id)."""
        group = self._groups.get(span.label)
        if group is None:
            group = self._groups[span.label] = []
        group.insert(len(group) if append else bisect_left(group, _order(span), key=_order), span)
        if span.status == "pending":
            self._pending[span.label] = self._pending.get(span.label, 0) + 1

    def _remove(self, span: Span, *, search: bool) -> bool:
        """Take a mention (as it was listed: label and place) out of its type's list; False if not listed.

        With ``search``, a mention not found where its place says is looked
        for in the whole list: the listed object may have been edited in
        place before its action committed, so its place no longer sorts.
        """
        group = self._groups.get(span.label)
        if not group:
            return False
        i = bisect_left(group, _order(span), key=_order)
        if not (i < len(group) and group[i].id == span.id):
            if not search:
                return False
            i = next((n for n, s in enumerate(group) if s.id == span.id), -1)
            if i < 0:
                return False
        if group[i].status == "pending":
            self._pending[span.label] = self._pending.get(span.label, 1) - 1
        del group[i]
        if not group:
            del self._groups[span.label]
        return True

    def _untrigger(self, span_id: str) -> None:
        n = self._triggers.get(span_id, 0) - 1
        if n > 0:
            self._triggers[span_id] = n
        else:
            self._triggers.pop(span_id, None)

    def _group_sets(self, anns: DocAnnotations, by_id: dict[str, Any]) -> None:
        """Place each live coreference set under the type most of its listed members have."""
        set_of: dict[str, Any] = {}
        sets_by_type: dict[str, list[tuple[Any, list[Span]]]] = {}
        for eq in anns.equivalences:
            if eq.status == "rejected" or (eq.status == "pending" and is_link_suggestion(eq)):
                continue  # a suggested link is not a set (yet): review decides it
            members: list[Span] = []
            for m in eq.members:
                span = by_id.get(m)
                if (not isinstance(span, Span) or span.status == "rejected" or m in self._triggers
                        or m in set_of):
                    continue
                members.append(span)
            if not members:
                continue
            for member in members:
                set_of[member.id] = eq
            labels = [member.label for member in members]
            main = max(labels, key=labels.count)
            sets_by_type.setdefault(main, []).append((eq, members))
        self._set_of = set_of
        self._sets_by_type = sets_by_type
        self._in_sets = {m for eq in anns.equivalences for m in eq.members}
        self._set_members_by_label = {}
        for _eq, members in (pair for pairs in sets_by_type.values() for pair in pairs):
            for member in members:
                self._set_members_by_label[member.label] = self._set_members_by_label.get(member.label, 0) + 1

    def _order(self) -> dict[str, int]:
        """The listed types and their places: the schema's order, then the others by name."""
        present = set(self._groups) | set(self._sets_by_type)
        order = [t.name for t in getattr(self._schema, "span_types", [])]
        labels = [name for name in order if name in present]
        labels += sorted(present - set(labels))
        return {name: i for i, name in enumerate(labels)}

    # -- the rows ----------------------------------------------------------------------

    def _draw_group(self, label: str, order: dict[str, int], keep: Any) -> TreeNode[Any] | None:
        """(Re)draw one type's rows; returns the row whose data is ``keep``, if drawn."""
        tree = self.tree
        node = self._group_nodes.pop(label, None)
        if label not in order:
            if node is not None:
                node.remove()
            return None
        spans = self._groups.get(label, [])
        sets = self._sets_by_type.get(label, [])
        key = GroupKey("type", label)
        title = self._type_label(self._schema, label, len(spans), len(sets), self._pending.get(label, 0))
        if node is None:
            # Groups are in ``order``: the new one goes before the first group after it.
            place = order[label]
            before = next((i for i, child in enumerate(tree.root.children)
                           if isinstance(child.data, GroupKey) and order.get(child.data.key, -1) > place), None)
            node = tree.root.add(title, data=key, before=before)
        else:
            set_label(node, title)
        self._group_nodes[label] = node
        # A tag or a delete changes a row or two of a group: the rows that stay are kept.
        found = self._reconcile(node, self._rows_of(label, spans, sets), keep)
        set_expanded(node, key not in self._collapsed)
        return node if keep == key else found

    def _rows_of(self, label: str, spans: Sequence[Span], sets: list[tuple[Any, list[Span]]]) -> list[_Row]:
        """The rows under a type group, as a full draw makes them: its sets (each with its members), then its
        other mentions, each list cut with a "… more" row."""
        schema, set_of = self._schema, self._set_of
        rows: list[_Row] = []
        for eq, members in sets[:MAX_SETS_PER_GROUP]:
            set_key = GroupKey("set", eq.id)
            rows.append(_Row(set_key, self._set_label(eq, members),
                             tuple((m.id, self._label_of(m, schema, label)) for m in members),
                             set_key not in self._collapsed))
        if len(sets) > MAX_SETS_PER_GROUP:
            more = len(sets) - MAX_SETS_PER_GROUP
            rows.append(_Row(None, Text(f"… {more} more sets", style="dim")))
        shown = 0
        for span in spans:
            if span.id in set_of:
                continue
            if shown == MAX_MENTIONS_PER_GROUP:
                break
            shown += 1
            rows.append(_Row(span.id, self._label_of(span, schema, label)))
        singles = len(spans) - self._set_members_by_label.get(label, 0)
        if singles > MAX_MENTIONS_PER_GROUP:
            more = singles - MAX_MENTIONS_PER_GROUP
            rows.append(_Row(None, Text(f"… {more} more (use ] and [ in the reader)", style="dim")))
        return rows

    @staticmethod
    def _reconcile(node: TreeNode[Any], wanted: list[_Row], keep: Any) -> TreeNode[Any] | None:
        """Make the rows under a type group ``wanted``, keeping the rows that stay.

        The rows drawn and the rows wanted are matched as sequences (a mention
        by its id and its label, made once per look, so the same object; a set
        by its label and members): a tag inserts one row and, in a full group,
        pushes the last one out and changes the "… more" row. Only the rows
        that differ are removed or added, so the rows that stay keep their
        nodes (and the tree its drawn rows). Returns the new row whose data is
        ``keep``, if one was made.
        """
        have = list(node.children)
        ops = _row_edits([_node_key(row) for row in have], [row.key() for row in wanted])
        found = None
        for tag, i1, i2, j1, j2 in reversed(ops):  # from the end: the places before stay valid
            if tag == "equal":
                continue
            for row in have[i1:i2]:
                row.remove()
            for n, row in enumerate(wanted[j1:j2]):
                if row.members is None:
                    added = node.add_leaf(row.label, data=row.data, before=i1 + n)
                else:
                    added = node.add(row.label, data=row.data, before=i1 + n)
                    for member_id, member_label in row.members:
                        leaf = added.add_leaf(member_label, data=member_id)
                        if keep == member_id:
                            found = leaf
                    set_expanded(added, row.expanded)
                if row.data is not None and keep == row.data:
                    found = added
        return found

    def _draw_header(self) -> None:
        self.mention_count = sum(len(group) for group in self._groups.values())
        self.pending_count = sum(self._pending.values())
        n_types = len(set(self._groups) | set(self._sets_by_type))
        n_sets = sum(len(sets) for sets in self._sets_by_type.values())
        pending = f" · {self.pending_count} pending" if self.pending_count else ""
        header = Text.assemble(
            ("Entities ", "bold"),
            (f"{_n(self.mention_count - self.pending_count, 'mention')}{pending} · {_n(n_types, 'type')} · "
             f"{_n(n_sets, 'set')}", "dim"),
        )
        self.query_one("#entity-panel-header", PanelHeader).update(header)

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
    def _type_label(schema: Any, label: str, count: int, sets: int, pending: int = 0) -> Text:
        known = schema.span_type(label) if schema is not None else None
        color = schema.color(label, "span") if schema is not None else "#888888"
        text = swatch(color)
        text.append_text(safe_text(label, style="bold"))
        # Pending suggestions are not mentions yet: counted apart (``+2?``).
        counts = (f" {count - pending}" + (f" +{pending}?" if pending else "")
                  + (f" · {sets} set{'s' if sets != 1 else ''}" if sets else ""))
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


def _order(span: Span) -> tuple[int, int, str]:
    """Where a span sorts in its layer: start, end, id (as ``Store.annotations`` lists them)."""
    return span.fragments[0][0], span.fragments[-1][1], span.id


def _attached(node: TreeNode[Any]) -> bool:
    """Whether ``node`` is still in its tree (not under a removed or cleared branch)."""
    root = node.tree.root
    while node.parent is not None:
        if node not in node.parent.children:
            return False
        node = node.parent
    return node is root


def walk(node: TreeNode[Any]):
    """Every node under ``node`` (depth first), ``node`` excluded."""
    for child in node.children:
        yield child
        yield from walk(child)
