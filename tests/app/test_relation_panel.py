"""The relations panel: ``apply_changes`` draws the rows a full rebuild draws; labels are sanitised."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from textual.app import App, ComposeResult

from tests.app.panel_data import freeze_clock, load
from tests.app.test_panel_changes import LAYER, edited, look, span_at
from tui.app.widgets.relation_panel import RelationPanel
from tui.core.editing import AnnotationIndex
from tui.core.model import Argument, Relation


class TwinApp(App):
    """Two relations panels: ``inc`` gets the changes, ``full`` is rebuilt."""

    CSS = "RelationPanel { height: 1fr; }"

    def compose(self) -> ComposeResult:
        yield RelationPanel(id="inc")
        yield RelationPanel(id="full")


def rows(panel: RelationPanel) -> list[tuple]:
    return [(look(node.label), node.data) for node in panel.tree.root.children]


def relate(store, doc, a: str, b: str, type_name: str = "PHYS") -> Any:
    return store.add(Relation(doc_id=doc.id, type=type_name, arguments=[
        Argument(role="Arg-1", target=a), Argument(role="Arg-2", target=b)]))


STEPS: list[tuple[str, Callable[[Any, Any], Any]]] = [
    ("a relation", lambda s, d: relate(s, d, "s-troops", "s-basra1")),
    ("a relation earlier in the text", lambda s, d: relate(s, d, "s-militias", "s-monday", "ART")),
    ("retype an argument", lambda s, d: edited(s, d, "s-basra1", label="LOC")),
    ("respan a first argument (its row moves)", lambda s, d: edited(s, d, "s-troops", fragments=[(0, 5)])),
    ("delete an argument (its relation goes)", lambda s, d: s.delete("s-monday")),
    ("a new span", lambda s, d: s.add(span_at(d, "Iraqi", "LOC"))),
    ("undo", lambda s, d: s.undo(d.id)),
    ("undo again", lambda s, d: s.undo(d.id)),
    ("redo", lambda s, d: s.redo(d.id)),
    ("reject a relation", lambda s, d: edited(s, d, "r-phys", status="rejected")),
]


@pytest.fixture
def panels_doc(store, monkeypatch):
    freeze_clock(monkeypatch)
    doc = load(store)
    schema = store.schema(doc.schema)
    live = AnnotationIndex(store.annotations(doc.id, annotators=[LAYER]), schema)
    return store, doc, schema, live


async def test_applied_changes_draw_what_a_full_rebuild_draws(panels_doc):
    store, doc, schema, live = panels_doc
    app = TwinApp()
    async with app.run_test(size=(100, 60)) as pilot:
        inc, full = app.query_one("#inc", RelationPanel), app.query_one("#full", RelationPanel)
        inc.show(doc, live.anns, schema)
        await pilot.pause()
        assert inc.relation_count == 1
        for what, step in STEPS:
            step(store, doc)
            changes = store.last_change_set
            assert live.apply(changes, doc.id, LAYER) is not None, what
            inc.apply_changes(changes.annotations(doc.id, LAYER), live)
            full.show(doc, live.anns, schema)
            await pilot.pause()
            assert rows(inc) == rows(full), what
            assert inc.relation_count == full.relation_count, what
            assert look(inc.query_one("#relation-panel-header").render()) == \
                look(full.query_one("#relation-panel-header").render()), what


def test_a_row_names_both_arguments_and_the_type_sanitised(panels_doc):
    store, doc, schema, live = panels_doc
    rel = live.by_id["r-phys"]
    by_id = dict(live.by_id)
    first = rel.arguments[0].target
    by_id[first] = replace(by_id[first], text="evil\x1b[2J[bold]x[/bold]")
    hostile = Relation(id=rel.id, doc_id=doc.id, type="T\x07[link=x]", arguments=rel.arguments)
    plain = RelationPanel.label(hostile, by_id, schema).plain
    assert "\x1b" not in plain and "\x07" not in plain
    assert "[bold]x[/bold]" in plain and "—T" in plain and "→ Basra" in plain
    missing = Relation(id="r-x", doc_id=doc.id, type="PHYS", arguments=[Argument(role="Arg-1", target="gone")])
    assert "(missing)" in RelationPanel.label(missing, by_id, schema).plain
