"""The reader's fast paths: incremental updates, external changes, idle checkpoints, footer.

After an action the reader applies the rows it wrote (``store.last_changes``)
instead of re-reading the document; these tests check that what it ends up
with is exactly what a full reload gives (annotations, indexes, schema
problems, highlights), that the highlight shows and goes with the database,
that changes made by another process appear, and that the footer restyled in
place agrees with the bindings.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.inputs import annotations as generated_annotations
from bench.inputs import article
from tests.app.conftest import SEED_NAME, goto, reader_of
from tui.app.app import make_app
from tui.app.widgets.article_view import _hl_key
from tui.core.editing import AnnotationIndex as LiveAnnotations
from tui.core.model import Argument, Document, Event, Relation, Span
from tui.core.schema import validate
from tui.core.store import Store

SIZE = (160, 50)
BIG = "generated"


@pytest.fixture
def big_db(tmp_path) -> Path:
    """A 200 KB article with 3,000 spans, events and relations (under the panels' defer limit)."""
    path = tmp_path / "big.db"
    text = article(200_000, "ascii", seed=5)
    with Store(path, annotator="alice") as store:
        anns = generated_annotations(text, 3_000, seed=6)
        for a in anns.all():
            a.annotator = "alice"
        store.import_documents([(Document(name=BIG, text=text), anns)])
    return path


def free_word(screen) -> tuple[int, int]:
    """A word no span touches, away from the start."""
    text = screen.doc.text
    covered = set()
    for s in screen.anns.spans:
        for a, b in s.fragments:
            covered.update(range(a, b))
    pos = len(text) // 3
    while True:
        start = text.find(" ", pos) + 1
        end = start
        while text[end].isalpha():
            end += 1
        if end > start and not covered & set(range(start, end)):
            return start, end
        pos = end + 1


def problems_of(problems) -> set[tuple[str, str, str]]:
    return {(p.annotation_id, p.kind, p.message) for p in problems}


def assert_same_as_full_reload(screen) -> None:
    """The incrementally kept state equals a fresh read of the store."""
    full = screen.store.annotations(screen.doc.id, annotators=[screen.layer_name()])
    assert screen.anns == full  # same annotations, in the same order
    assert screen.by_id == full.by_id()
    assert screen.event_of_trigger == {e.trigger: e for e in full.events}
    assert problems_of(screen.problems) == problems_of(validate(screen.schema, full))
    fresh = LiveAnnotations(full, screen.schema)
    assert {k: v for k, v in screen.live.referrers.items() if v} == fresh.referrers
    # What the view draws is what a full rebuild of the highlights would draw.
    assert sorted(screen.view._hl_keys) == sorted(_hl_key(h) for h in screen._highlights())
    assert sorted(screen.view._hl_by_id) == sorted({h.id for h in screen._highlights()})


async def test_tag_shows_at_once_and_matches_a_full_reload(big_db):
    """On a 3,000-span document, 1 tags the word: its highlight is drawn, the DB has it."""
    async with make_app(big_db, document=BIG).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        before = len(screen.anns.spans)
        start, end = free_word(screen)
        await goto(pilot, start)
        await pilot.press("1")
        await pilot.pause()
        new = [s for s in screen.anns.spans if s.fragments == [(start, end)]]
        assert len(new) == 1 and len(screen.anns.spans) == before + 1
        assert new[0].id in {h.id for h in screen.view.highlights_at(start)}
        assert screen.selected_id == new[0].id
        assert_same_as_full_reload(screen)
        with Store(big_db, annotator="alice") as other:
            assert other.find(new[0].id) is not None

        await pilot.press("u")
        await pilot.pause()
        assert screen.view.highlights_at(start) == []
        assert new[0].id not in screen.by_id and screen.selected_id is None
        assert_same_as_full_reload(screen)
        with Store(big_db, annotator="alice") as other:
            assert other.find(new[0].id) is None

        await pilot.press("ctrl+r")  # redo brings it back, same id
        await pilot.pause()
        assert new[0].id in {h.id for h in screen.view.highlights_at(start)}
        assert_same_as_full_reload(screen)


async def test_events_relations_and_cascading_delete_stay_exact(big_db):
    """Trigger kind, problems and references follow events, relations and a cascade delete."""
    async with make_app(big_db, document=BIG).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        doc_id = screen.doc.id
        start, end = free_word(screen)
        a, b = [s for s in screen.anns.spans if s.id not in screen.event_of_trigger][10:12]

        def make_event(tx):
            trigger = tx.add(Span(label="Attack", fragments=[(start, end)], doc_id=doc_id))
            # An Attacker that is a wrong type on purpose: a problem to keep track of.
            return tx.add(Event(type="Attack", trigger=trigger.id, doc_id=doc_id,
                                arguments=[Argument(role="Attacker", target=a.id)]))

        event = screen._run("event Attack", make_event)
        await pilot.pause()
        trigger = event.trigger
        assert screen.event_of_trigger[trigger].id == event.id
        assert [h.kind for h in screen.view.highlights_at(start)] == ["trigger"]
        assert_same_as_full_reload(screen)

        relation = screen._run("relation", lambda tx: tx.add(Relation(
            type="PHYS", doc_id=doc_id,
            arguments=[Argument(role="Arg-1", target=a.id), Argument(role="Arg-2", target=b.id)])))
        await pilot.pause()
        assert relation.id in screen.by_id
        assert_same_as_full_reload(screen)

        # Retyping a span changes the problems of what refers to it.
        span_a = screen.by_id[a.id]

        def retype(tx):
            span_a.label = "WEA" if span_a.label != "WEA" else "VEH"
            return tx.update(span_a)

        screen._run("retype", retype)
        await pilot.pause()
        assert_same_as_full_reload(screen)

        # Deleting the argument span cascades: the relation goes, the event loses it.
        screen._run("delete", lambda tx: tx.delete(a.id))
        await pilot.pause()
        assert a.id not in screen.by_id and relation.id not in screen.by_id
        assert screen.by_id[event.id].arguments == []
        assert_same_as_full_reload(screen)

        # Deleting the trigger takes the event with it: the highlight goes.
        screen._run("delete trigger", lambda tx: tx.delete(trigger))
        await pilot.pause()
        assert event.id not in screen.by_id and trigger not in screen.event_of_trigger
        assert screen.view.highlights_at(start) == []
        assert_same_as_full_reload(screen)

        for _ in range(5):  # and all of it undone, step by step
            await pilot.press("u")
            await pilot.pause()
            assert_same_as_full_reload(screen)


async def test_import_falls_back_to_a_full_reload(big_db):
    """An action with bulk rows (an import) is re-read in full, and still exact."""
    async with make_app(big_db, document=BIG).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        live = screen.live
        screen.store.last_changes = [{"table": "spans", "bulk": ["x"]}]
        screen._reload("bulk", changes=screen.store.last_changes)
        assert screen.live is not live  # rebuilt
        assert_same_as_full_reload(screen)


async def test_another_process_writing_shows_up(big_db):
    """A span written by a second Store appears within a few poll ticks."""
    async with make_app(big_db, document=BIG).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        start, end = free_word(screen)
        await pilot.pause(1.2)  # the poll has seen the current version
        with Store(big_db, annotator="alice") as other:
            added = other.add(Span(label="GPE", fragments=[(start, end)], doc_id=screen.doc.id))
        await pilot.pause(2.5)
        assert added.id in screen.by_id
        assert added.id in {h.id for h in screen.view.highlights_at(start)}
        assert_same_as_full_reload(screen)


async def test_poll_reloads_only_on_external_change(seed_db):
    """poll_store re-reads when another connection committed, not after the reader's own writes."""
    async with make_app(seed_db, annotator="alice").run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        reloads = []
        original = screen._reload_external
        screen._reload_external = lambda: (reloads.append(1), original())
        screen.poll_store()
        await goto(pilot, screen.doc.text.find("Basra"))
        await pilot.press("3")  # our own write
        await pilot.pause()
        screen.poll_store()
        assert reloads == []
        with Store(seed_db, annotator="alice") as other:
            doc = other.document(SEED_NAME)
            start = doc.text.find("Iraqi")
            other.add(Span(label="GPE", fragments=[(start, start + 5)], doc_id=doc.id))
        screen.poll_store()
        assert reloads == [1]
        assert [s.text for s in screen.anns.spans] == ["Basra", "Iraqi"]


async def test_checkpoint_only_when_idle_after_a_write(seed_db):
    """The WAL is checkpointed from the poll when no key came for a while, not on keys."""
    async with make_app(seed_db, annotator="alice").run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        calls = []
        screen.store.checkpoint = lambda: calls.append(1)
        await goto(pilot, screen.doc.text.find("Basra"))
        await pilot.press("3")
        await pilot.pause()
        screen.poll_store()
        assert calls == []  # a key was just pressed
        screen._last_key -= 10  # idle since
        screen.poll_store()
        assert calls == [1]
        screen.poll_store()
        assert calls == [1]  # nothing written since
    with Store(seed_db, annotator="alice") as other:
        assert [s.text for s in other.annotations(other.document(SEED_NAME).id).spans] == ["Basra"]


async def test_app_connection_does_not_autocheckpoint(seed_db):
    """The app opens its store with automatic checkpoints off (the reader does them when idle)."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        value = pilot.app.store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        assert value == 0


async def test_footer_restyled_in_place_agrees_with_the_bindings(seed_db):
    """Keys enabled by a selection light up in the footer, and dim again, without a rebuild."""
    from textual.widgets._footer import FooterKey

    from tui.app.widgets.footer import QuickFooter

    async with make_app(seed_db, annotator="alice").run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        footer = screen.query_one(QuickFooter)
        await pilot.pause()
        keys_before = list(footer.query(FooterKey))

        def footer_state() -> dict[str, bool]:
            return {k.action: not k._disabled and "dim" not in str(k.rich_style) for k in footer.query(FooterKey)}

        def binding_state() -> dict[str, bool]:
            enabled = {}
            for _node, binding, is_enabled, _tip in screen.active_bindings.values():
                enabled.setdefault(binding.action, is_enabled)
            return {k.action: enabled[k.action] for k in footer.query(FooterKey)}

        assert footer_state()["delete"] is False
        await goto(pilot, screen.doc.text.find("Basra"))
        await pilot.press("3")
        await pilot.pause()
        assert footer_state()["delete"] is True and footer_state()["undo"] is True
        assert footer_state() == binding_state()
        await pilot.press("u")
        await pilot.pause()
        assert footer_state()["delete"] is False
        assert footer_state() == binding_state()
        assert list(footer.query(FooterKey)) == keys_before  # the same widgets: no recompose


async def test_footer_key_looks_follow_dimming_and_theme(seed_db):
    """A footer key's kept drawings are per look: dimming and a new theme redraw it as Textual would."""
    from textual.widgets._footer import FooterKey

    from tui.app.widgets.footer import QuickFooter, QuickFooterKey

    async with make_app(seed_db, annotator="alice").run_test(size=SIZE) as pilot:
        await pilot.pause()
        footer = reader_of(pilot.app).query_one(QuickFooter)
        key = next(k for k in footer.query(FooterKey) if k.action == "quit")
        assert isinstance(key, QuickFooterKey)

        def drawn() -> list:
            key.refresh()
            return list(key.render_line(0))  # through the kept looks

        def fresh() -> list:
            FooterKey._render_content(key)  # Textual's own drawing, nothing kept
            return list(key._render_cache.lines[0])

        lit = drawn()
        assert lit == fresh()
        key.styles.text_style = "dim"
        dim = drawn()
        assert dim != lit and dim == fresh()
        key.styles.text_style = "none"
        assert drawn() == lit
        pilot.app.theme = "textual-light" if pilot.app.theme != "textual-light" else "nord"
        await pilot.pause()
        assert drawn() == fresh() != lit


async def test_hidden_inspector_skips_history(seed_db):
    """With the inspector hidden, selections do not query the history; showing it fills it."""
    async with make_app(seed_db, annotator="alice").run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        queried = []
        history = screen.store.history
        screen.store.history = lambda ann_id: (queried.append(ann_id), history(ann_id))[1]
        await pilot.press("f4")
        await goto(pilot, screen.doc.text.find("Basra"))
        await pilot.press("3")
        await pilot.pause()
        assert screen.selected_id is not None and queried == []
        await pilot.press("f4")
        await pilot.pause()
        assert queried == [screen.selected_id]
        panel = screen.query_one("#inspector-panel")
        assert "Basra" in panel.content.plain


def test_history_of_an_imported_annotation_survives_undoing_the_import(tmp_path):
    """history() finds an import's bulk entry, also after its undo rewrote the entry."""
    path = tmp_path / "h.db"
    with Store(path, annotator="alice") as store:
        text = "Basra is calm. Iraqi troops."
        store.import_documents([(Document(name="d", text=text), _one_span(text))])
        doc = store.document("d")
        span = store.annotations(doc.id).spans[0]
        first = store.history(span.id)
        assert len(first) == 1 and first[0].state == "done"
        assert store.history(span.id)[0].seq == first[0].seq  # cached entry, same answer
        assert store.undo(first[0].doc_id) is not None
        again = store.history(span.id)
        assert [op.seq for op in again] == [first[0].seq] and again[0].state == "undone"
        assert store.history("no-such-id") == []


def _one_span(text: str):
    from tui.core.model import DocAnnotations

    anns = DocAnnotations()
    # Enough spans that the import entry is large enough to be cached.
    words = [(i, text.find(" ", i) if text.find(" ", i) > 0 else len(text)) for i in [0, 6, 15, 21]]
    for n in range(300):
        s, e = words[n % len(words)]
        anns.spans.append(Span(label="GPE", fragments=[(s, e)], annotator="alice"))
    return anns


async def test_bulk_highlights_are_the_per_span_ones(big_db):
    """Opening builds all highlights in one loop: the same as :meth:`_highlight` of each shown span."""
    with Store(big_db, annotator="alice") as store:
        doc = store.document(BIG)
        spans = store.annotations(doc.id).spans
        store.conn.execute("UPDATE spans SET status = 'pending' WHERE id = ?", (spans[3].id,))
        store.conn.execute("UPDATE spans SET status = 'rejected' WHERE id = ?", (spans[4].id,))
    async with make_app(big_db, document=BIG).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        bulk = screen._highlights()
        one_by_one = [screen._highlight(s) for s in screen._visible_spans()]
        assert bulk == one_by_one
        assert len(bulk) == len(screen.anns.spans) - 1
        assert {h.kind for h in bulk} == {"span", "trigger"}
        assert any(h.pending for h in bulk) and any(len(h.fragments) == 2 for h in bulk)
        assert sorted(screen.view._hl_keys) == sorted(bulk)


async def test_long_document_is_validated_after_it_is_shown(big_db, monkeypatch):
    """Past the size limit the schema check waits for a timer (not the first frame's callbacks);
    once it ran, the problems are exactly a full validation's."""
    import tui.app.screens.reader.display as reader_mod
    import tui.app.widgets._text as text_mod

    monkeypatch.setattr(text_mod, "DEFER_CHECK_OVER", 100)
    monkeypatch.setattr(reader_mod, "DEFER_SECONDS", 0.05)
    async with make_app(big_db, document=BIG).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        while not screen.live.validated:  # a condition, not a duration
            await pilot.pause(0.01)
        full = screen.store.annotations(screen.doc.id, annotators=[screen.layer_name()])
        assert problems_of(screen.problems) == problems_of(validate(screen.schema, full))
        assert screen.problems


async def test_a_long_documents_deferred_work_ends_with_the_heap_frozen(big_db, monkeypatch):
    """What the deferred check and panel rebuild leave alive is moved out of the collector's
    generations (full collections no longer scan it in the middle of a key)."""
    import gc

    import tui.app.screens.reader.display as reader_mod
    import tui.app.widgets._text as text_mod

    monkeypatch.setattr(text_mod, "DEFER_CHECK_OVER", 100)
    monkeypatch.setattr(reader_mod, "DEFER_SECONDS", 0.05)
    async with make_app(big_db, document=BIG).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        kept = [[n] for n in range(5000)]  # long-lived objects made after the opening's freeze
        frozen = gc.get_freeze_count()
        while not screen.live.validated:  # a condition, not a duration
            await pilot.pause(0.01)
        for _ in range(100):
            if gc.get_freeze_count() >= frozen + len(kept):
                break
            await pilot.pause(0.02)
        assert gc.get_freeze_count() >= frozen + len(kept)
    gc.unfreeze()
    del kept


async def test_a_tag_or_an_undo_updates_the_footer_once_and_right(big_db):
    """One key asks for a bindings refresh several times (reload, new selection, cleared
    selection); the footer is told once, after the handler, and shows the final state."""
    from tui.app.widgets.footer import QuickFooter

    async with make_app(big_db, document=BIG).run_test(size=SIZE) as pilot:
        screen = reader_of(pilot.app)
        start, _end = free_word(screen)
        await goto(pilot, start)
        await pilot.pause()
        published: list[object] = []
        screen.bindings_updated_signal.subscribe(screen, published.append)
        footer = screen.query_one(QuickFooter)

        def delete_enabled() -> bool:
            return next(k for k in footer.query("FooterKey") if k.action == "delete")._disabled is False

        assert not delete_enabled()  # nothing selected yet
        await pilot.press("1")
        await pilot.pause()
        assert len(published) == 1
        assert screen.selected_id is not None and delete_enabled()
        published.clear()
        await pilot.press("u")
        await pilot.pause()
        assert len(published) == 1
        assert screen.selected_id is None and not delete_enabled()
