"""The panels' incremental path: ``apply_changes`` draws the same rows as a full rebuild.

Each step is a real store action (tag, retype, respan, delete with its
consequences, event, role, coreference, undo, redo) on the fixed ``panels``
document. One set of panels is built once and then only gets each action's
``ChangeSet.annotations``; the other is rebuilt from scratch after every
step. Their rows (labels with styles, data, folding), headers and counts
must be the same. A tag in the reader must not re-lay out the panels.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rich.text import Text
from textual.app import App, ComposeResult

from tests.app.conftest import SEED_NAME, reader_of
from tests.app.panel_data import freeze_clock, load
from tui.app.app import make_app
from tui.app.widgets.entity_panel import EntityPanel, walk
from tui.app.widgets.event_panel import EventPanel
from tui.app.widgets.inspector_panel import _describe
from tui.core.editing import AnnotationIndex as LiveAnnotations
from tui.core.model import Argument, Equivalence, Event, Span

LAYER = "alice"


class TwinApp(App):
    """Two of each list panel: ``inc`` gets the changes, ``full`` is rebuilt."""

    CSS = "EntityPanel, EventPanel { height: 1fr; }"

    def compose(self) -> ComposeResult:
        yield EntityPanel(id="entity-inc")
        yield EntityPanel(id="entity-full")
        yield EventPanel(id="event-inc")
        yield EventPanel(id="event-full")


def look(label: Any) -> tuple:
    """A label as drawn: its text and every style span."""
    assert isinstance(label, Text)
    return label.plain, str(label.style), [(s.start, s.end, str(s.style)) for s in label.spans]


def rows(panel: EntityPanel | EventPanel) -> list[tuple]:
    """Every row of a panel's tree (folded ones too), with its depth, look, data and folding."""
    out = []
    for node in walk(panel.tree.root):
        depth, parent = 0, node.parent
        while parent is not None:
            depth, parent = depth + 1, parent.parent
        out.append((depth, look(node.label), node.data, node.is_expanded, node.allow_expand))
    return out


def header(panel: EntityPanel | EventPanel) -> tuple:
    return look(panel.query_one(f"#{panel.tree.id.replace('tree', 'header')}").render())


def span_at(doc, phrase: str, label: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(phrase, start + 1)
    return Span(doc_id=doc.id, label=label, fragments=[(start, start + len(phrase))])


def edited(store, doc, ann_id: str, **changes: Any) -> Any:
    ann = store.annotations(doc.id, annotators=[LAYER]).by_id()[ann_id]
    for name, value in changes.items():
        setattr(ann, name, value)
    return store.update(ann)


def add_argument(store, doc, event_id: str, role: str, target: str) -> Any:
    event = store.annotations(doc.id, annotators=[LAYER]).by_id()[event_id]
    event.arguments = [*event.arguments, Argument(role=role, target=target)]
    return store.update(event)


def tag_many(store, doc, tags: list[tuple[str, str]]) -> None:
    with store.action("tag several", doc.id) as tx:
        for phrase, label in tags:
            tx.add(span_at(doc, phrase, label))


#: (what it is, the action on the store)
STEPS: list[tuple[str, Callable[[Any, Any], Any]]] = [
    ("tag a new type", lambda s, d: s.add(span_at(d, "Iraqi", "LOC"))),
    ("tag into a listed type", lambda s, d: s.add(span_at(d, "civilians", "PER"))),
    ("tag two of a type at once", lambda s, d: tag_many(s, d, [("officials", "ORG"), ("campaign", "ORG")])),
    ("retype", lambda s, d: edited(s, d, "s-troops", label="ORG")),
    ("respan", lambda s, d: edited(s, d, "s-monday", fragments=[(span_at(d, "Monday", "TIME").start,
                                                                  span_at(d, "Monday", "TIME").end - 2)])),
    ("accept a suggestion", lambda s, d: edited(s, d, "s-sadr", status="accepted")),
    ("delete a filler", lambda s, d: s.delete("s-militias")),
    ("an event on a mention in a set", lambda s, d: s.add(Event(doc_id=d.id, type="Attack", trigger="s-pm"))),
    ("fill a role", lambda s, d: add_argument(s, d, "e-die", "Victim", "s-sadr")),
    ("respan a trigger", lambda s, d: edited(s, d, "s-attacked", fragments=[(0, 5)])),
    ("coreference", lambda s, d: s.add(Equivalence(doc_id=d.id, type="Coref", members=["s-troops", "s-maliki"]))),
    ("delete an event", lambda s, d: s.delete("e-transport")),
    ("delete a set member", lambda s, d: s.delete("s-basra2")),
    ("undo", lambda s, d: s.undo(d.id)),
    ("undo again", lambda s, d: s.undo(d.id)),
    ("redo", lambda s, d: s.redo(d.id)),
    ("reject a trigger's event", lambda s, d: edited(s, d, "e-attack", status="rejected")),
    ("delete a trigger", lambda s, d: s.delete("s-killed")),
]


@pytest.fixture
def panels_doc(store, monkeypatch):
    freeze_clock(monkeypatch)
    doc = load(store)
    schema = store.schema(doc.schema)
    live = LiveAnnotations(store.annotations(doc.id, annotators=[LAYER]), schema)
    return store, doc, schema, live


async def test_applied_changes_draw_what_a_full_rebuild_draws(panels_doc):
    store, doc, schema, live = panels_doc
    app = TwinApp()
    async with app.run_test(size=(100, 80)) as pilot:
        entity_inc, entity_full = app.query_one("#entity-inc", EntityPanel), app.query_one("#entity-full", EntityPanel)
        event_inc, event_full = app.query_one("#event-inc", EventPanel), app.query_one("#event-full", EventPanel)
        entity_inc.show(doc, live.anns, schema)
        event_inc.show(doc, live.anns, schema, live.problems)
        await pilot.pause()
        for what, step in STEPS:
            step(store, doc)
            changes = store.last_change_set
            assert live.apply(changes, doc.id, LAYER) is not None, what
            diff = changes.annotations(doc.id, LAYER)
            entity_inc.apply_changes(diff, live)
            event_inc.apply_changes(diff, live)
            entity_full.show(doc, live.anns, schema)
            event_full.show(doc, live.anns, schema, live.problems)
            await pilot.pause()
            assert rows(entity_inc) == rows(entity_full), what
            assert header(entity_inc) == header(entity_full), what
            assert entity_inc.mention_count == entity_full.mention_count, what
            assert rows(event_inc) == rows(event_full), what
            assert header(event_inc) == header(event_full), what
            assert event_inc.event_count == event_full.event_count, what


async def test_applied_changes_keep_the_cursor_on_its_row(panels_doc):
    store, doc, schema, live = panels_doc
    app = TwinApp()
    async with app.run_test(size=(100, 80)) as pilot:
        panel = app.query_one("#entity-inc", EntityPanel)
        panel.show(doc, live.anns, schema)
        await pilot.pause()
        assert panel.highlight("s-sadr")
        store.add(span_at(doc, "Iraqi", "PER"))  # a row above it
        live.apply(store.last_change_set, doc.id, LAYER)
        panel.apply_changes(store.last_change_set.annotations(doc.id, LAYER), live)
        await pilot.pause()
        assert panel.tree.cursor_node is not None and panel.tree.cursor_node.data == "s-sadr"
        edited(store, doc, "s-sadr", status="accepted")  # its own row is made again
        live.apply(store.last_change_set, doc.id, LAYER)
        panel.apply_changes(store.last_change_set.annotations(doc.id, LAYER), live)
        await pilot.pause()
        assert panel.tree.cursor_node is not None and panel.tree.cursor_node.data == "s-sadr"


def test_inspector_with_the_live_index_describes_what_a_scan_describes(panels_doc):
    store, doc, schema, live = panels_doc
    for _what, step in STEPS[:8]:
        step(store, doc)
        live.apply(store.last_change_set, doc.id, LAYER)
    for ann in live.anns.all():
        problems = live.problems_by_id.get(ann.id, [])
        scanned = _describe(ann, live.anns, schema, [], problems, live.by_id)
        looked_up = _describe(ann, live.anns, schema, [], problems, live.by_id, live)
        assert look(looked_up) == look(scanned), ann.id


async def test_a_tag_and_its_undo_never_lay_out_the_panels(seed_db):
    """No list, header or status line asks for a layout (a reflow and repaint of the whole screen).

    (The inspector still does when its text changes height.)
    """
    app = make_app(seed_db, annotator="alice", document=SEED_NAME)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause(0.3)
        screen = reader_of(app)
        ids = ["entity-panel-tree", "event-panel-tree", "entity-panel-header", "event-panel-header", "status-line"]
        widgets = [screen.query_one(f"#{i}") for i in ids]
        before = [w._layout_updates for w in widgets]
        for key in ("w", "1", "u", "w", "w", "1", "2", "u", "u", "w", "1"):
            await pilot.press(key)
            await pilot.pause(0.05)
        assert len(screen.anns.spans) == 1
        assert screen.query_one(EntityPanel).mention_count == 1
        assert [w._layout_updates for w in widgets] == before


async def test_rows_that_moved_are_drawn_as_if_drawn_afresh(panels_doc):
    """ListTree reuses the picture of a row that only moved; it must be what Tree draws there now.

    But for the line number Tree stamps on a row for the mouse: ListTree works the
    line out from the pointer (the click test below checks a row that moved).
    """
    store, doc, schema, live = panels_doc
    app = TwinApp()
    async with app.run_test(size=(100, 80)) as pilot:
        panel = app.query_one("#entity-inc", EntityPanel)
        panel.show(doc, live.anns, schema)
        await pilot.pause()
        tree = panel.tree

        def picture() -> list[list[tuple[str, Any]]]:
            return [drawn(tree.render_line(y)) for y in range(tree.size.height)]

        tree.render_lines(tree.region.reset_offset)  # draw every row once
        for what, step in STEPS[:3]:
            step(store, doc)
            live.apply(store.last_change_set, doc.id, LAYER)
            panel.apply_changes(store.last_change_set.annotations(doc.id, LAYER), live)
            await pilot.pause()
            reused = picture()
            tree._moved_rows = None
            tree._clear_line_cache()
            assert reused == picture(), what


#: Keys that tag mentions of three types after the seed article's first word, and go back to it.
MENTIONS = ("w", "w", "1", "w", "2", "w", "1", "w", "1", "w", "3", "g")


def drawn(strip) -> list[tuple[Any, ...]]:
    """A row as the terminal shows it: each segment's text and style, without the line number
    Tree stamps on a row for the mouse (ListTree does not read it: it keeps rows that moved)."""
    return [(seg.text, seg.style.clear_meta_and_links() if seg.style else None,
             {k: v for k, v in (seg.style.meta if seg.style else {}).items() if k != "line"})
            for seg in strip]


def forget(tree) -> None:
    """Drop every row a tree keeps drawn, so that it draws them afresh."""
    tree._styled_rows = None
    tree._moved_rows = None
    tree._clear_line_cache()
    tree._styles_cache.clear()


async def test_a_type_groups_new_count_is_drawn_in_the_tags_frame(seed_db):
    """A tag into a listed type relabels its group's row in place ("PER 5" -> "PER 6"): that row is repainted.

    The tree compared each visible row's look before and after a change from the
    nodes as they are after it, so a group row that kept its line kept its old count.
    """
    app = make_app(seed_db, annotator="alice", document=SEED_NAME)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        tree = reader_of(app).query_one(EntityPanel).tree
        for key in MENTIONS:
            await pilot.press(key)
        for key in ("1", "u", "w", "w", "w", "1", "u", "w", "2", "u"):
            await pilot.press(key)
            await pilot.pause()
            crop = tree.region.reset_offset
            shown = [strip.text for strip in tree.render_lines(crop)]
            forget(tree)
            assert shown == [strip.text for strip in tree.render_lines(crop)], key


async def test_rows_that_moved_are_not_styled_again(seed_db):
    """A tag's frame styles only the tree rows that show something new; rows that moved are reused, restamped.

    A tag on the first word adds a PER mention near the top of the entity
    tree: every row under it moves down a line. Those rows must not go
    through Textual's styling again, and the frame must be what a tree
    drawing every row afresh draws (line numbers for the mouse included).
    """
    app = make_app(seed_db, annotator="alice", document=SEED_NAME)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        tree = reader_of(app).query_one(EntityPanel).tree
        styled: list[int] = []
        pipeline = tree._styles_cache.render_line

        def counting(styles, y, *args):
            styled.append(y)
            return pipeline(styles, y, *args)

        for key in MENTIONS:
            await pilot.press(key)
        await pilot.pause()
        tree._styles_cache.render_line = counting
        crop = tree.region.reset_offset

        def row(y: int) -> tuple[int, int] | None:
            """The node a visible row shows, as long as it shows it the same way."""
            lines = tree._tree_lines
            if y >= len(lines) or y == tree.cursor_line:
                return None
            node = lines[y].path[-1]
            return id(node), node._updates

        for key in ("1", "u", "1"):
            before = {row(y): y for y in range(tree.size.height)}
            styled.clear()
            await pilot.press(key)
            await pilot.pause()
            rows = {y: row(y) for y in range(tree.size.height)}
            moved = [y for y, shows in rows.items() if shows is not None and before.get(shows, y) != y]
            assert moved, key  # the tag moved rows down, its undo moved them back up
            assert not set(moved) & set(styled), key
            shown = [drawn(strip) for strip in tree.render_lines(crop)]
            forget(tree)
            assert shown == [drawn(strip) for strip in tree.render_lines(crop)], key
        # A click on a row that moved reads the line it is on now: it chooses that row's mention.
        y = next(y for y in moved if isinstance(tree._tree_lines[y].path[-1].data, str))
        chosen = tree._tree_lines[y].path[-1].data
        await pilot.click(tree, offset=(8, y - tree.scroll_offset.y))
        await pilot.pause()
        assert reader_of(app).selected_id == chosen


async def test_a_tag_lays_out_the_screen_at_most_once(seed_db):
    """Only the inspector's new height asks for a layout, and that layout does not ask for another."""
    app = make_app(seed_db, annotator="alice", document=SEED_NAME)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause(0.3)
        screen = reader_of(app)
        layouts: list[Any] = []
        screen.screen_layout_refresh_signal.subscribe(screen, layouts.append)
        per_key = []
        for key in ("w", "1", "u", "w", "1", "2", "u", "u"):
            layouts.clear()
            await pilot.press(key)
            await pilot.pause(0.1)
            per_key.append(len(layouts))
        assert max(per_key) <= 1, per_key


async def test_a_tag_keeps_the_rows_that_stay_in_a_full_group_with_sets(panels_doc, monkeypatch):
    """A mention tagged at the top of a capped group with a coreference set: the set's row and the mentions
    still listed keep their tree nodes (nothing rebuilt); every step draws what a full rebuild draws."""
    from tui.app.widgets import entity_panel

    monkeypatch.setattr(entity_panel, "MAX_MENTIONS_PER_GROUP", 2)
    store, doc, schema, live = panels_doc
    app = TwinApp()
    async with app.run_test(size=(100, 80)) as pilot:
        inc, full = app.query_one("#entity-inc", EntityPanel), app.query_one("#entity-full", EntityPanel)
        inc.show(doc, live.anns, schema)
        await pilot.pause()
        group = next(n for n in inc.tree.root.children if n.data.key == "PER")
        before = {node.data: node for node in walk(group)}
        assert "s-troops" in before and any(isinstance(data, entity_panel.GroupKey) for data in before)
        for what, step in [("tag at the top", lambda s, d: s.add(span_at(d, "Iraqi", "PER"))), *STEPS]:
            step(store, doc)
            live.apply(store.last_change_set, doc.id, LAYER)
            inc.apply_changes(store.last_change_set.annotations(doc.id, LAYER), live)
            full.show(doc, live.anns, schema)
            await pilot.pause()
            assert rows(inc) == rows(full), what
            if what == "tag at the top":
                after = {node.data: node for node in walk(group)}
                kept = [data for data in before if data is not None and after.get(data) is before[data]]
                assert "s-troops" in kept and "s-pmfull" in kept and "s-pm" in kept, kept
                assert any(isinstance(data, entity_panel.GroupKey) for data in kept)
