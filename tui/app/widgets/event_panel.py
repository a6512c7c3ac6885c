"""The events panel: each event with its trigger and its role fillers in schema order.

Missing mandatory roles and every schema problem of an event (from
``tui.core.schema.validate``, computed by the reader) are flagged on its
rows. Choosing a trigger or a filler posts :class:`EventPanel.AnnotationChosen`;
``e`` on an event or a role posts :class:`EventPanel.ArgumentEditRequested`
so the reader can (re)fill that role. :meth:`EventPanel.show` builds the
panel, :meth:`EventPanel.apply_changes` updates the rows an action touched.
The panel never touches the store.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tui.app import lifetime
from tui.app.safe import safe_text
from tui.app.widgets._text import DEFER_SECONDS, AnnotationIndex, PanelHeader, is_large, swatch
from tui.app.widgets.entity_panel import _attached, move_cursor
from tui.app.widgets.list_tree import ListTree, set_expanded
from tui.core.model import DocAnnotations, Document, Event, Span
from tui.core.store.changes import AnnotationChange

#: At most this many events are listed (the count in the header stays exact).
MAX_EVENTS = 200
#: The first this many events are unfolded by default; the others build their
#: rows when unfolded, so a rebuild after each action stays cheap.
EXPAND_EVENTS = 40
#: Filler and trigger text is cut to this many characters.
TEXT_LIMIT = 50
#: Marks a problem row and an event that has problems (readable without colour).
WARN = "⚠ "


@dataclass(frozen=True)
class EventRow:
    """Tree data of one row of the events panel.

    ``kind`` is ``event``, ``trigger``, ``role`` (a filler, or an empty role
    when ``target`` is None) or ``problem``.
    """

    kind: str
    event_id: str
    role: str | None = None
    target: str | None = None


class EventPanel(Widget, can_focus=False):
    """Every event of the document: trigger, role fillers, flagged problems.

    Role rows follow the schema's role order: each filler, each empty
    mandatory role (flagged ``✗ missing``), then one row naming the empty
    optional roles, then arguments whose role the schema does not know.
    """

    DEFAULT_CSS = """
    EventPanel {
        height: 1fr;
        layout: vertical;
    }
    EventPanel > #event-panel-header {
        height: 1;
        padding: 0 1;
        text-style: bold;
    }
    EventPanel > Tree {
        height: 1fr;
        background: transparent;
    }
    """

    BINDINGS = [
        Binding(
            "e",
            "edit_arguments",
            "Edit arguments",
            tooltip="Fill or change the role under the cursor (or the event's roles)",
            id="event-panel-edit-arguments",
        ),
    ]
    """Keys of the events panel (the tree's own keys move, fold and choose)."""

    HELP = """\
### Events panel
Each event with its trigger and role fillers in schema order; `✗ missing`
marks an empty mandatory role and `⚠` a schema problem. `enter` moves the
reader to a trigger or filler, `e` (re)fills the role under the cursor,
`space` folds an event.
"""

    class AnnotationChosen(Message):
        """A trigger, filler or event was chosen; handle with ``on_event_panel_annotation_chosen``."""

        def __init__(self, id: str) -> None:
            super().__init__()
            self.id = id
            """The id of the chosen annotation (a span, or an event)."""

    class ArgumentEditRequested(Message):
        """The user asked to edit an event's arguments; handle with
        ``on_event_panel_argument_edit_requested``."""

        def __init__(self, event_id: str, role: str | None) -> None:
            super().__init__()
            self.event_id = event_id
            """The event whose arguments to edit."""
            self.role = role
            """The role to fill, or None for the event's roles in order."""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._timer: Any = None
        """The pending deferred rebuild (large documents only)."""
        self._collapsed: set[str] = set()
        """Event ids the user folded, kept across :meth:`show` calls."""
        self._expanded: set[str] = set()
        """Event ids the user unfolded (beyond :data:`EXPAND_EVENTS`)."""
        self._lazy: dict[str, Event] = {}
        """Events whose rows are built when they are unfolded."""
        self._by_id: dict[str, Any] = {}
        self._schema: Any = None
        self._per_ann: dict[str, list[Any]] = {}
        self._built = False
        """Whether the model below reflects a :meth:`show` (else :meth:`apply_changes` waits for one)."""
        self._events: list[Event] = []
        """The listed events (not rejected), by trigger position then id."""
        self._keys: list[tuple[int, str]] = []
        """The sort key of each of ``_events``."""
        self._key_of: dict[str, tuple[int, str]] = {}
        self._refs: dict[str, set[str]] = {}
        """Annotation id -> the listed events naming it (trigger or filler): their rows show it."""
        self._refs_of: dict[str, tuple[str, ...]] = {}
        self._flags: dict[str, int] = {}
        """Event id -> how many problems its row flags."""
        self._flagged = 0
        """How many listed events are flagged (the header's count)."""
        self._event_nodes: dict[str, TreeNode[Any]] = {}
        """Event id -> its row, for the events shown."""
        self.event_count = 0
        """How many events the last :meth:`show` listed."""

    def compose(self) -> ComposeResult:
        yield PanelHeader(Text("Events"), id="event-panel-header")
        tree: ListTree = ListTree(Text("Events"), id="event-panel-tree")
        tree.show_root = False
        # enter chooses the row; folding stays on space (the tree's own key).
        tree.auto_expand = False
        tree.guide_depth = 2
        yield tree

    @property
    def tree(self) -> ListTree:
        """The tree that lists the events."""
        return self.query_one("#event-panel-tree", ListTree)

    def show(
        self, doc: Document | None, anns: DocAnnotations, schema: Any,
        problems: list[Any] | Callable[[], list[Any]],
    ) -> None:
        """Rebuild the panel (opening a document, or a reload).

        After an action, :meth:`apply_changes` updates only the rows it changed.

        Args:
            doc: the open document (None: nothing open).
            anns: every annotation of it; rejected events are not listed.
            schema: the document's schema (role order, colours).
            problems: ``tui.core.schema.validate(schema, anns)``, or any list of
                objects with ``annotation_id`` and ``message``; or a function
                returning it, called only when the panel rebuilds.
        """
        if is_large(anns):
            # Opening a long document: the article's first frame comes first.
            if self._timer is not None:
                self._timer.stop()
            self._timer = lifetime.timer(
                self, DEFER_SECONDS, partial(self._rebuild, doc, anns, schema, problems)
            )
            return
        self._rebuild(doc, anns, schema, problems)

    def apply_changes(self, changes: Sequence[AnnotationChange], index: AnnotationIndex) -> None:
        """Show what one action, undo or redo changed: only the events it touched are redrawn.

        An event is touched when it changed or something it names (its trigger,
        a filler) changed. The cost depends on that and on the at most
        :data:`MAX_EVENTS` rows listed, not on the document's length.

        Args:
            changes: ``ChangeSet.annotations(doc_id, layer)`` of the action.
            index: the live annotations after the action (``by_id``, ``problems_by_id``).
        """
        if self._timer is not None or not self._built or not changes:
            return  # a pending rebuild reads the live annotations: it shows this too
        self._by_id = index.by_id
        self._per_ann = index.problems_by_id
        touched: set[str] = set()
        for change in changes:
            if change.kind == "events":
                touched.add(change.id)
            touched |= self._refs.get(change.id, set())
        for event_id in touched:
            self._untrack(event_id)
            event = self._by_id.get(event_id)
            if isinstance(event, Event) and event.status != "rejected":
                self._track(event)
        if touched:
            self._draw(touched)

    # -- the model: listed events in order, what each names, their flags ----------------

    def _rebuild(
        self, doc: Document | None, anns: DocAnnotations, schema: Any,
        problems: list[Any] | Callable[[], list[Any]],
    ) -> None:
        self._timer = None
        if callable(problems):
            problems = problems()
        per_ann: dict[str, list[Any]] = {}
        for p in problems:
            per_ann.setdefault(p.annotation_id, []).append(p)
        self._by_id, self._schema, self._per_ann = anns.by_id(), schema, per_ann
        self._events, self._keys, self._key_of = [], [], {}
        self._refs, self._refs_of, self._flags, self._flagged = {}, {}, {}, 0
        for event in anns.events:
            if event.status != "rejected":
                self._track(event, append=True)
        order = sorted(range(len(self._events)), key=self._keys.__getitem__)
        self._events = [self._events[i] for i in order]
        self._keys = [self._keys[i] for i in order]
        self._built = True
        tree = self.tree
        with tree.batch():  # one invalidation for the whole rebuild
            tree.clear()
            self._event_nodes = {}
            self._lazy = {}
        self._draw(set())

    def _track(self, event: Event, *, append: bool = False) -> None:
        """List ``event``: its place, what it names, its flags."""
        trig = self._by_id.get(event.trigger)
        key = (trig.start if isinstance(trig, Span) else 1 << 62, event.id)
        if append:
            self._events.append(event)
            self._keys.append(key)
        else:
            i = bisect_left(self._keys, key)
            self._keys.insert(i, key)
            self._events.insert(i, event)
        self._key_of[event.id] = key
        names = (event.trigger, *(a.target for a in event.arguments))
        self._refs_of[event.id] = names
        for name in names:
            self._refs.setdefault(name, set()).add(event.id)
        flags = self._count_flags(event)
        self._flags[event.id] = flags
        self._flagged += bool(flags)

    def _untrack(self, event_id: str) -> None:
        key = self._key_of.pop(event_id, None)
        if key is None:
            return
        i = bisect_left(self._keys, key)
        if i < len(self._keys) and self._keys[i] == key:
            del self._keys[i], self._events[i]
        for name in self._refs_of.pop(event_id, ()):
            refs = self._refs.get(name)
            if refs is not None:
                refs.discard(event_id)
                if not refs:
                    del self._refs[name]
        self._flagged -= bool(self._flags.pop(event_id, 0))

    def _count_flags(self, event: Event) -> int:
        et = self._schema.event_type(event.type) if self._schema is not None else None
        own = self._per_ann.get(event.id, []) + self._per_ann.get(event.trigger, [])
        # validate() already reports missing roles; count rows, not duplicates.
        return len(own) or len(_missing_roles(event, et))

    # -- the rows ----------------------------------------------------------------------

    def _draw(self, touched: set[str]) -> None:
        """Bring the rows in line with the model: the first :data:`MAX_EVENTS` events, in order.

        Rows of ``touched`` events are made again; the others are kept (or
        folded and unfolded where their place moved them across
        :data:`EXPAND_EVENTS`).
        """
        tree = self.tree
        root = tree.root
        cursor = tree.cursor_node
        keep = cursor.data if cursor is not None else None
        shown = self._events[:MAX_EVENTS]
        wanted = {e.id for e in shown}
        with tree.batch():
            for event_id, node in list(self._event_nodes.items()):
                if event_id not in wanted or event_id in touched:
                    node.remove()
                    del self._event_nodes[event_id]
                    self._lazy.pop(event_id, None)
            for child in list(root.children):
                if not isinstance(child.data, EventRow):
                    child.remove()  # the "… more events" row
            for index, event in enumerate(shown):
                expanded = event.id in self._expanded or (
                    index < EXPAND_EVENTS and event.id not in self._collapsed
                )
                found = self._event_nodes.get(event.id)
                if found is None:
                    et = self._schema.event_type(event.type) if self._schema is not None else None
                    label = self._event_label(event, self._by_id.get(event.trigger), self._schema, et,
                                              self._flags[event.id])
                    node = root.add(label, data=EventRow("event", event.id), before=index, allow_expand=True)
                    self._event_nodes[event.id] = node
                    self._set_rows(node, event, expanded)
                elif found._expanded != expanded:
                    self._set_rows(found, event, expanded)
            if len(self._events) > MAX_EVENTS:
                more = len(self._events) - MAX_EVENTS
                root.add_leaf(Text(f"… {more} more events (use ] and [ in the reader)", style="dim"))
            self.event_count = len(self._events)
            # Pending suggestions are not events yet: counted apart.
            pending = sum(1 for e in self._events if e.status == "pending")
            header = Text.assemble(("Events ", "bold"), (f"{len(self._events) - pending}", "dim"))
            if pending:
                header.append(f" · {pending} pending", style="dim")
            if self._flagged:
                header.append(f" · {WARN}{self._flagged} flagged", style="bold red")
            self.query_one("#event-panel-header", PanelHeader).update(header)
        if cursor is None or (_attached(cursor) and not touched):
            return
        if _attached(cursor):
            move_cursor(tree, cursor)  # rows above it may have come or gone
            return
        if isinstance(keep, EventRow) and keep.event_id in self._event_nodes:
            node = self._event_nodes[keep.event_id]
            target = node if keep == node.data else next((c for c in node.children if c.data == keep), None)
            if target is not None:
                move_cursor(tree, target)

    def _set_rows(self, node: TreeNode[Any], event: Event, expanded: bool) -> None:
        """Unfolded: the event's rows under ``node``; folded: none, built when the user unfolds it."""
        if node.children:
            node.remove_children()
        if expanded:
            self._lazy.pop(event.id, None)
            self._fill(node, event)
        else:
            # A long document's thousands of events must not cost a tree node per role each time.
            self._lazy[event.id] = event
        set_expanded(node, expanded)

    def _fill(self, node: TreeNode[Any], event: Event) -> list[TreeNode[Any]]:
        """Add the trigger, role and problem rows of ``event`` under ``node``."""
        by_id, schema = self._by_id, self._schema
        et = schema.event_type(event.type) if schema is not None else None
        own = self._per_ann.get(event.id, []) + self._per_ann.get(event.trigger, [])
        missing = _missing_roles(event, et)
        rows = [
            (EventRow("trigger", event.id, None, event.trigger), self._trigger_label(by_id.get(event.trigger)))
        ]
        roles = list(et.roles) if et else []
        empty: list[str] = []
        for role in roles:
            fillers = [a for a in event.arguments if a.role == role.name]
            for arg in fillers:
                label = self._filler_label(role.name, by_id.get(arg.target), arg.target, schema)
                rows.append((EventRow("role", event.id, role.name, arg.target), label))
            if not fillers and role.name in missing:
                rows.append((EventRow("role", event.id, role.name, None), self._empty_label(role.name, True)))
            elif not fillers:
                empty.append(role.name)
        if empty:
            # Optional empty roles share one row (ACE has eight Time roles per event).
            rows.append((EventRow("role", event.id, None, None), self._optional_label(empty)))
        known = {r.name for r in roles}
        for arg in event.arguments:
            if arg.role not in known:
                label = self._filler_label(arg.role, by_id.get(arg.target), arg.target, schema)
                label.append(" (role not in schema)", style="bold red")
                rows.append((EventRow("role", event.id, arg.role, arg.target), label))
        for p in own:
            rows.append((EventRow("problem", event.id), _problem_label(p.message)))
        return [node.add_leaf(label, data=row) for row, label in rows]

    def highlight(self, ann_id: str | None) -> bool:
        """Put the cursor on the row of an event (or a trigger), without posting.

        Args:
            ann_id: an event id or a trigger span id.

        Returns:
            True if a row was found.
        """
        if ann_id is None:
            return False
        for node in self.tree.root.children:
            row = node.data
            if not isinstance(row, EventRow):
                continue
            event = self._by_id.get(row.event_id)
            if row.event_id == ann_id or getattr(event, "trigger", None) == ann_id:
                move_cursor(self.tree, node)
                return True
        return False

    # -- labels ---------------------------------------------------------------

    @staticmethod
    def _event_label(event: Event, trig: Any, schema: Any, et: Any, n_flags: int) -> Text:
        color = schema.color(event.type, "event") if schema is not None else "#888888"
        text = swatch(color)
        if event.status == "pending":
            text.append("? ", style="bold")
        text.append_text(safe_text(event.type, style="bold"))
        if et is None:
            text.append(" (not in schema)", style="bold red")
        if isinstance(trig, Span):
            text.append(" ")
            text.append_text(safe_text(trig.text, style="italic", limit=TEXT_LIMIT))
            text.append(f" @{trig.start}", style="dim")
        if n_flags:
            text.append(f" {WARN}{n_flags}", style="bold red")
        return text

    @staticmethod
    def _trigger_label(trig: Any) -> Text:
        text = Text("trigger ", style="dim")
        if isinstance(trig, Span):
            text.append_text(safe_text(trig.text, limit=TEXT_LIMIT))
        else:
            text.append("(missing)", style="bold red")
        return text

    @staticmethod
    def _filler_label(role: str, target: Any, target_id: str, schema: Any) -> Text:
        text = safe_text(role, style="bold")
        text.append(" ")
        if isinstance(target, Span):
            if target.status == "pending":
                text.append("? ", style="bold")
            text.append_text(safe_text(target.text, limit=TEXT_LIMIT))
            short = schema.short_label(target.label, "span") if schema is not None else target.label
            text.append(" ")
            text.append_text(safe_text(short, style="dim"))
        elif isinstance(target, Event):
            text.append("event ", style="dim")
            text.append_text(safe_text(target.type))
        else:
            text.append_text(safe_text(f"{target_id} (not in this document)", style="bold red"))
        return text

    @staticmethod
    def _optional_label(roles: list[str]) -> Text:
        text = Text(f"+{len(roles)} optional: ", style="dim")
        shown = ", ".join(roles[:4]) + (", …" if len(roles) > 4 else "")
        text.append_text(safe_text(shown, style="dim"))
        return text

    @staticmethod
    def _empty_label(role: str, missing: bool) -> Text:
        text = safe_text(role, style="bold" if missing else "dim")
        text.append(" —", style="dim")
        if missing:
            text.append(" ✗ missing", style="bold red")
        return text

    # -- events ---------------------------------------------------------------

    def on_tree_node_selected(self, event: Tree.NodeSelected[Any]) -> None:
        event.stop()
        row = event.node.data
        if not isinstance(row, EventRow):
            return
        if row.kind == "role" and row.target is None:
            # An empty role: choosing it is asking to fill it.
            self.post_message(self.ArgumentEditRequested(row.event_id, row.role))
        elif row.target is not None:
            self.post_message(self.AnnotationChosen(row.target))
        else:
            self.post_message(self.AnnotationChosen(row.event_id))

    def on_tree_node_collapsed(self, event: Tree.NodeCollapsed[Any]) -> None:
        event.stop()
        if isinstance(event.node.data, EventRow):
            self._collapsed.add(event.node.data.event_id)
            self._expanded.discard(event.node.data.event_id)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Any]) -> None:
        event.stop()
        row = event.node.data
        if isinstance(row, EventRow):
            self._collapsed.discard(row.event_id)
            self._expanded.add(row.event_id)
            lazy = self._lazy.pop(row.event_id, None)
            if lazy is not None and not event.node.children:
                self._fill(event.node, lazy)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Any]) -> None:
        event.stop()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Dim ``e`` when the cursor is on no event."""
        if action == "edit_arguments":
            node = self.tree.cursor_node if self.is_mounted else None
            return True if node is not None and isinstance(node.data, EventRow) else None
        return True

    def action_edit_arguments(self) -> None:
        """Post :class:`ArgumentEditRequested` for the row under the cursor."""
        node = self.tree.cursor_node
        if node is None or not isinstance(node.data, EventRow):
            return
        row = node.data
        role = row.role if row.kind == "role" else None
        self.post_message(self.ArgumentEditRequested(row.event_id, role))


def _missing_roles(event: Event, et: Any) -> list[str]:
    """Names of the mandatory roles (cardinality 1 or +) ``event`` has no filler for."""
    return [
        r.name
        for r in (et.roles if et else ())
        if r.cardinality in ("1", "+") and not any(a.role == r.name for a in event.arguments)
    ]


def _problem_label(message: str) -> Text:
    text = Text(WARN, style="bold red")
    text.append_text(safe_text(message, style="red"))
    return text
