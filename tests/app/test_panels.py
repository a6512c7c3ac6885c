"""The entity, event and inspector panels and the status line, each in a small test app.

The panels get their data from a real store (fixed document and ids), keys
are pressed through Pilot, and the messages they post are collected with
``run_test(message_hook=...)``.
"""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from tests.app.panel_data import FIXED_TIME, HOSTILE_TXT, freeze_clock, hostile_annotations, load
from tui.app.widgets.entity_panel import EntityPanel, GroupKey, move_cursor
from tui.app.widgets.event_panel import EventPanel, EventRow
from tui.app.widgets.inspector_panel import InspectorPanel
from tui.app.widgets.status_line import StatusLine
from tui.core.model import Argument
from tui.core.schema import validate


class PanelApp(App):
    """One of each panel, stacked, so each can be driven alone."""

    CSS = "EntityPanel, EventPanel, InspectorPanel { height: 1fr; }"

    def compose(self) -> ComposeResult:
        yield EntityPanel(id="entity-panel")
        yield EventPanel(id="event-panel")
        yield InspectorPanel(id="inspector-panel")
        yield StatusLine(id="status-line")


@pytest.fixture
def data(store, monkeypatch):
    freeze_clock(monkeypatch)
    doc = load(store)
    anns = store.annotations(doc.id)
    schema = store.schema(doc.schema)
    return store, doc, anns, schema


def feed(app: PanelApp, store, doc, anns, schema, selected: str | None = None) -> None:
    problems = validate(schema, anns)
    app.query_one(EntityPanel).show(doc, anns, schema)
    app.query_one(EventPanel).show(doc, anns, schema, problems)
    ann = anns.by_id().get(selected) if selected else None
    history = store.history(selected) if selected else []
    app.query_one(InspectorPanel).show(ann, anns, schema, history, problems)


def posted(messages: list, *types: type) -> list:
    """The messages of the given types, each once (the hook sees a message at every bubbling step)."""
    out: list = []
    for m in messages:
        if isinstance(m, types) and not any(m is o for o in out):
            out.append(m)
    return out


def labels(tree) -> list[str]:
    """Every visible row of a tree, as plain text, in order."""
    from tui.app.widgets.entity_panel import walk

    out = []
    for node in walk(tree.root):
        parent = node.parent
        visible = True
        while parent is not None and not parent.is_root:
            visible = visible and parent.is_expanded
            parent = parent.parent
        if visible:
            out.append(node.label.plain)
    return out


# -- entity panel ---------------------------------------------------------------


async def test_entity_panel_groups_by_type_and_set_with_counts(data):
    """Mentions sit under their type with counts, sets group their members; triggers are not mentions."""
    store, doc, anns, schema = data
    app = PanelApp()
    async with app.run_test(size=(100, 60)):
        feed(app, store, doc, anns, schema)
        panel = app.query_one(EntityPanel)
        tree = panel.tree
        top = [n for n in tree.root.children]
        assert [n.data for n in top] == [GroupKey("type", t) for t in ("PER", "ORG", "GPE", "TIME")]
        per = top[0]
        # 6 PER mentions (pmfull, maliki, pmdisc, pm, troops, sadr), one of them a pending
        # suggestion (counted apart: it is not a mention yet), one set of two.
        assert per.label.plain.startswith("■ PER 5 +1? · 1 set")
        sets = [n for n in per.children if isinstance(n.data, GroupKey)]
        assert [n.data.key for n in sets] == ["q-pm"]
        assert {c.data for c in sets[0].children} == {"s-pmfull", "s-pm"}
        gpe = top[2]
        (basra_set,) = [n for n in gpe.children if isinstance(n.data, GroupKey)]
        assert [c.data for c in basra_set.children] == ["s-basra1", "s-basra2", "s-city"]
        assert panel.mention_count == 11
        all_ids = {n.data for n in _all(tree.root) if isinstance(n.data, str)}
        assert "s-attacked" not in all_ids and "s-killed" not in all_ids
        rows = labels(tree)
        assert any(r.startswith("? the city") for r in rows), rows
        assert any("Prime Minister al-Maliki" in r and "(2 parts)" in r for r in rows), rows


async def test_entity_panel_does_not_show_a_suggested_coref_link_as_a_set(data):
    """A pending `suggest --source coref` link is not a set: the chain keeps its members, the mention stays alone."""
    store, doc, anns, schema = data
    from tui.core.model import Equivalence

    store.add(Equivalence(id="q-aaa", type="Coref", members=["s-pmfull", "s-maliki"], doc_id=doc.id,
                          status="pending", origin="suggestion:coref"))
    anns = store.annotations(doc.id)
    app = PanelApp()
    async with app.run_test(size=(100, 60)):
        feed(app, store, doc, anns, schema)
        per = app.query_one(EntityPanel).tree.root.children[0]
        assert per.label.plain.startswith("■ PER 5 +1? · 1 set")
        sets = [n for n in per.children if isinstance(n.data, GroupKey)]
        assert [n.data.key for n in sets] == ["q-pm"]
        assert {c.data for c in sets[0].children} == {"s-pmfull", "s-pm"}


def _all(node):
    from tui.app.widgets.entity_panel import walk

    return list(walk(node))


async def test_entity_panel_enter_posts_mention_chosen(data):
    """enter on a mention row posts MentionChosen with its span id; on a group row it only folds."""
    store, doc, anns, schema = data
    messages = []
    app = PanelApp()
    async with app.run_test(size=(100, 60), message_hook=messages.append) as pilot:
        feed(app, store, doc, anns, schema)
        panel = app.query_one(EntityPanel)
        panel.tree.focus()
        await pilot.pause()
        assert panel.highlight("s-monday")
        await pilot.press("enter")
        await pilot.pause()
        chosen = [m.id for m in posted(messages, EntityPanel.MentionChosen)]
        assert chosen == ["s-monday"]
        # A group row: enter folds it and posts nothing.
        messages.clear()
        move_cursor(panel.tree, panel.tree.root.children[0])
        await pilot.press("enter")
        await pilot.pause()
        assert not posted(messages, EntityPanel.MentionChosen)
        assert not panel.tree.root.children[0].is_expanded


async def test_entity_panel_click_posts_mention_chosen(data):
    """A click on a mention row posts MentionChosen."""
    store, doc, anns, schema = data
    messages = []
    app = PanelApp()
    async with app.run_test(size=(100, 60), message_hook=messages.append) as pilot:
        feed(app, store, doc, anns, schema)
        panel = app.query_one(EntityPanel)
        await pilot.pause()
        node = next(n for n in _all(panel.tree.root) if n.data == "s-troops")
        await pilot.click(panel.tree, offset=(8, node.line - panel.tree.scroll_offset.y))
        await pilot.pause()
        assert [m.id for m in posted(messages, EntityPanel.MentionChosen)] == ["s-troops"]


async def test_entity_panel_keeps_folds_and_cursor_across_show(data):
    """show() after a store action keeps folded groups folded and the cursor on the same mention."""
    store, doc, anns, schema = data
    app = PanelApp()
    async with app.run_test(size=(100, 60)) as pilot:
        feed(app, store, doc, anns, schema)
        panel = app.query_one(EntityPanel)
        panel.tree.root.children[1].collapse()  # ORG
        panel.highlight("s-basra2")
        await pilot.pause()
        store.delete("s-sadr")
        anns = store.annotations(doc.id)
        feed(app, store, doc, anns, schema)
        await pilot.pause()
        assert not panel.tree.root.children[1].is_expanded
        assert panel.tree.cursor_node.data == "s-basra2"
        assert "s-sadr" not in {n.data for n in _all(panel.tree.root)}


async def test_entity_panel_shows_markup_and_controls_as_text(store):
    """Markup lookalikes show literally and control characters as visible replacements."""
    doc = load(store, "hostile", HOSTILE_TXT, hostile_annotations)
    anns = store.annotations(doc.id)
    app = PanelApp()
    async with app.run_test(size=(120, 60)):
        app.query_one(EntityPanel).show(doc, anns, store.schema(doc.schema))
        rows = labels(app.query_one(EntityPanel).tree)
        text = "\n".join(rows)
        assert "[@click=app.quit]quit[/]" in text
        assert "[link=file:///etc/passwd]x[/link]" in text
        assert "clear␛[2Jscreen" in text
        for ch in "\x1b\x07\x00\u202e\x9b":
            assert ch not in text


# -- event panel ----------------------------------------------------------------


async def test_event_panel_lists_roles_in_schema_order_and_flags_missing(data):
    """Events in text order, fillers in schema role order, a missing mandatory role flagged."""
    store, doc, anns, schema = data
    app = PanelApp()
    async with app.run_test(size=(100, 60)):
        feed(app, store, doc, anns, schema)
        panel = app.query_one(EventPanel)
        events = panel.tree.root.children
        assert [n.data.event_id for n in events] == ["e-attack", "e-transport", "e-die"]
        attack = [c.data for c in events[0].children]
        assert [(r.kind, r.role, r.target) for r in attack] == [
            ("trigger", None, "s-attacked"),
            ("role", "Attacker", "s-troops"),
            ("role", "Target", "s-militias"),
            ("role", "Place", "s-basra1"),
            ("role", "Time-Within", "s-monday"),
            ("role", None, None),
        ]
        die = events[2]
        assert "⚠ 1" in die.label.plain
        rows = [c.label.plain for c in die.children]
        assert "Victim — ✗ missing" in rows
        assert "⚠ Die needs a Victim argument" in rows
        header = panel.query_one("#event-panel-header").render()
        assert "1 flagged" in str(header)


async def test_event_panel_schema_order_not_argument_order(data):
    """Arguments stored out of order are still listed in the schema's role order."""
    store, doc, anns, schema = data
    attack = store.get("e-attack")
    attack.arguments = list(reversed(attack.arguments)) + [Argument(role="Bogus", target="s-pm")]
    store.update(attack)
    anns = store.annotations(doc.id)
    app = PanelApp()
    async with app.run_test(size=(100, 60)):
        feed(app, store, doc, anns, schema)
        node = app.query_one(EventPanel).tree.root.children[0]
        roles = [c.data.role for c in node.children if c.data.kind == "role" and c.data.target]
        assert roles == ["Attacker", "Target", "Place", "Time-Within", "Bogus"]
        texts = [c.label.plain for c in node.children]
        assert any("Bogus" in t and "role not in schema" in t for t in texts)
        assert any("has no role 'Bogus'" in t for t in texts)


async def test_event_panel_enter_and_e_post_messages(data):
    """enter on a filler posts AnnotationChosen(filler); e on a role row and an event row asks to edit."""
    store, doc, anns, schema = data
    messages = []
    app = PanelApp()
    async with app.run_test(size=(100, 60), message_hook=messages.append) as pilot:
        feed(app, store, doc, anns, schema)
        panel = app.query_one(EventPanel)
        panel.tree.focus()
        tree = panel.tree
        target = next(n for n in _all(tree.root) if n.data == EventRow("role", "e-attack", "Target", "s-militias"))
        move_cursor(tree, target)
        await pilot.press("enter")
        await pilot.press("e")
        trigger = next(n for n in _all(tree.root) if n.data.kind == "trigger" and n.data.event_id == "e-transport")
        move_cursor(tree, trigger)
        await pilot.press("enter")
        move_cursor(tree, tree.root.children[2])  # the Die event row
        await pilot.press("e")
        missing = next(n for n in _all(tree.root) if n.data == EventRow("role", "e-die", "Victim", None))
        move_cursor(tree, missing)
        await pilot.press("enter")
        await pilot.pause()
        got = [
            (type(m).__name__, getattr(m, "id", None) or (m.event_id, m.role))
            for m in posted(messages, EventPanel.AnnotationChosen, EventPanel.ArgumentEditRequested)
        ]
        assert got == [
            ("AnnotationChosen", "s-militias"),
            ("ArgumentEditRequested", ("e-attack", "Target")),
            ("AnnotationChosen", "s-went"),
            ("ArgumentEditRequested", ("e-die", None)),
            ("ArgumentEditRequested", ("e-die", "Victim")),
        ]
        # The events stay unfolded: enter chooses, it does not fold.
        assert tree.root.children[0].is_expanded


# -- inspector ------------------------------------------------------------------


async def test_inspector_shows_everything_about_a_span(data):
    """Text, type, status, note, coreference, use in events and relations, and dated history."""
    store, doc, anns, schema = data
    app = PanelApp()
    async with app.run_test(size=(100, 60)):
        feed(app, store, doc, anns, schema, selected="s-maliki")
        text = app.query_one(InspectorPanel).content.plain
        for expected in (
            "PER",
            "“Nouri al-Maliki”",
            "accepted · manual · alice",
            "Notes",
            "Prime minister of Iraq 2006-2014",
            "Artifact of event Transport",
            "Arg-1 of relation PHYS",
            "History",
            FIXED_TIME[:10] + " 09:30:00 alice created · import panels",
        ):
            assert expected in text, (expected, text)


async def test_inspector_event_attributes_history_and_problems(data):
    """An event shows its arguments, attribute, each logged change and its problems."""
    store, doc, anns, schema = data
    die = store.get("e-die")
    store.add(type(store.get("a-tense"))(target="e-die", name="Tense", value="Sometime", doc_id=doc.id))
    die.arguments = [Argument(role="Place", target="s-basra2")]
    store.update(die, description="fill Place")
    anns = store.annotations(doc.id)
    app = PanelApp()
    async with app.run_test(size=(100, 60)):
        feed(app, store, doc, anns, schema, selected="e-die")
        text = app.query_one(InspectorPanel).content.plain
        assert "Die" in text and "event" in text
        assert "Place Basra GPE" in text
        assert "Victim — ✗ missing" in text
        assert "Tense = Sometime" in text
        assert "09:30:00 alice changed · fill Place" in text
        assert "⚠ Die needs a Victim argument" in text
        assert "Tense cannot be 'Sometime'" not in text  # that problem belongs to the attribute
        # The attribute itself, selected, shows its own problem.
        attr = next(a for a in anns.attributes if a.target == "e-die")
        feed(app, store, doc, anns, schema, selected=attr.id)
        assert "Tense cannot be 'Sometime'" in app.query_one(InspectorPanel).content.plain


async def test_inspector_nothing_selected_and_pending(data):
    """None shows a hint; a pending suggestion shows its status and origin."""
    store, doc, anns, schema = data
    app = PanelApp()
    async with app.run_test(size=(100, 60)):
        feed(app, store, doc, anns, schema)
        assert app.query_one(InspectorPanel).content.plain.startswith("Nothing selected")
        feed(app, store, doc, anns, schema, selected="s-city")
        text = app.query_one(InspectorPanel).content.plain
        assert "pending · suggestion:gazetteer · alice" in text
        assert "member of Coref set (3)" in text


# -- status line ----------------------------------------------------------------


async def test_status_line_sanitizes_and_truncates():
    """Document name and selection text are shown sanitized on one line, the selection cut."""
    app = PanelApp()
    async with app.run_test(size=(200, 20)) as pilot:
        line = app.query_one(StatusLine)
        line.show(
            document="[b]doc[/b]\x1b[2J",
            cursor=340,
            line=12,
            column=5,
            selection_text="Basra\nwas\x07" + "x" * 100,
            mode="VISUAL",
            annotator="alice",
            message="tagged PER",
        )
        await pilot.pause()
        plain = line.text.plain
        assert plain.startswith("[b]doc[/b]␛[2J │ 12:5 @340 │ sel 110 “Basra⏎was␇xxx")
        assert "…” │ VISUAL │ tagged PER │ alice" in plain  # the message before the name: cut last
        assert "\x1b" not in plain and "\n" not in plain
        rendered = "".join(s.text for s in line.render_line(0))
        assert rendered.startswith("[b]doc[/b]␛[2J")
        line.show(document="d", cursor=0, line=1, column=1, selection_text=None, mode="NORMAL", annotator="bob")
        assert line.text.plain == "d │ 1:1 @0 │ NORMAL │ bob"
        line.show(document="d", cursor=0, line=1, column=1, selection_text=None, mode="NORMAL", annotator="bob",
                  selected="GPE “Basra\x1b[2J”")
        assert line.text.plain == "d │ 1:1 @0 │ NORMAL │ GPE “Basra␛[2J” │ bob"


# -- long documents -------------------------------------------------------------


async def test_large_document_is_capped_lazy_and_deferred(monkeypatch):
    """Past the size limit: rebuilds wait for a pause (the last show wins), long groups are cut
    with a count of the rest, and events past the first few build their rows only when unfolded."""
    import tui.app.widgets._text as text_mod
    import tui.app.widgets.entity_panel as entity_mod
    import tui.app.widgets.event_panel as event_mod
    from tui.core.model import DocAnnotations, Document, Event, Span
    from tui.core.schema import preset

    monkeypatch.setattr(text_mod, "DEFER_OVER", 50)
    monkeypatch.setattr(entity_mod, "DEFER_SECONDS", 0.001)
    monkeypatch.setattr(event_mod, "DEFER_SECONDS", 0.001)
    monkeypatch.setattr(entity_mod, "MAX_MENTIONS_PER_GROUP", 5)
    monkeypatch.setattr(event_mod, "MAX_EVENTS", 3)
    monkeypatch.setattr(event_mod, "EXPAND_EVENTS", 1)
    schema = preset("ace2005")
    doc = Document(name="big", text="")

    def build(n: int) -> DocAnnotations:
        spans = [Span(id=f"s{i}", label="PER", fragments=[(i * 10, i * 10 + 4)], text=f"w{i}") for i in range(n)]
        trig = [Span(id=f"t{i}", label="Attack", fragments=[(i * 10 + 5, i * 10 + 7)], text="hit") for i in range(5)]
        events = [Event(id=f"e{i}", type="Attack", trigger=f"t{i}") for i in range(5)]
        return DocAnnotations(spans=spans + trig, events=events)

    app = PanelApp()
    async with app.run_test(size=(100, 60)) as pilot:
        entity, events = app.query_one(EntityPanel), app.query_one(EventPanel)
        entity.show(doc, build(60), schema)
        entity.show(doc, build(70), schema)
        events.show(doc, build(70), schema, [])
        assert not entity.tree.root.children and not events.tree.root.children  # not yet
        # Wait for the deferred rebuilds (a condition, not a duration).
        while entity._timer is not None or events._timer is not None:
            await pilot.pause(0.01)
        assert entity.mention_count == 70
        per = entity.tree.root.children[0]
        assert per.label.plain.startswith("■ PER 70")
        assert [c.label.plain for c in per.children][-1] == "… 65 more (use ] and [ in the reader)"
        rows = events.tree.root.children
        assert [r.data.event_id for r in rows[:3]] == ["e0", "e1", "e2"]
        assert rows[3].label.plain.startswith("… 2 more events")
        assert rows[0].children and not rows[1].children
        rows[1].expand()
        await pilot.pause()
        assert [c.data.kind for c in rows[1].children][0] == "trigger"
        assert events.highlight("t2")  # a collapsed event is found by its trigger
        assert events.tree.cursor_node is rows[2]


async def test_entity_rows_follow_every_change_the_label_cache_depends_on(data):
    """Rows are reused between rebuilds (ListTree + label cache), yet show each change:
    status, retyping, new boundaries and a schema with other short labels."""
    import dataclasses

    store, doc, anns, schema = data
    app = PanelApp()
    async with app.run_test(size=(100, 60)):
        panel = app.query_one(EntityPanel)
        feed(app, store, doc, anns, schema)
        city = next(s for s in anns.spans if s.id == "s-city")
        assert any(r.startswith("? the city") for r in labels(panel.tree))
        # accepted: the pending mark goes
        store.update(dataclasses.replace(city, status="accepted"))
        anns = store.annotations(doc.id)
        feed(app, store, doc, anns, schema)
        rows = labels(panel.tree)
        assert not any(r.startswith("? the city") for r in rows) and any(r.startswith("the city") for r in rows)
        # new boundaries: the text and offset shown change
        city = next(s for s in anns.spans if s.id == "s-city")
        start, end = city.fragments[0]
        store.update(dataclasses.replace(city, fragments=[(start + 4, end)]))
        anns = store.annotations(doc.id)
        feed(app, store, doc, anns, schema)
        rows = labels(panel.tree)
        assert any(r.startswith("city") and f"@{start + 4}" in r for r in rows), rows
        # retyped inside a GPE set: the row names its own type by the schema's short label
        store.update(dataclasses.replace(next(s for s in anns.spans if s.id == "s-city"), label="LOC"))
        anns = store.annotations(doc.id)
        feed(app, store, doc, anns, schema)
        (row,) = [r for r in labels(panel.tree) if r.startswith("city")]
        assert row.split(" @")[0].endswith(" " + schema.short_label("LOC", "span")), row
        # another schema object, another short label: the cached rows are not reused
        other = dataclasses.replace(schema)
        other.short_label = lambda label, kind=None: "Zz" if label == "LOC" else schema.short_label(label, kind)
        feed(app, store, doc, anns, other)
        (row,) = [r for r in labels(panel.tree) if r.startswith("city")]
        assert row.split(" @")[0].endswith(" Zz"), row
