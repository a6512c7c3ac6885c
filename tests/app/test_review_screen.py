"""Review mode: one key per decision on pending suggestions, each decision in the database."""

from __future__ import annotations

import re

from tests.app.conftest import SEED_NAME, db_annotations, reader_of
from tui.app.app import make_app
from tui.app.screens.review import ReviewScreen, progress_bar
from tui.core.model import Span
from tui.core.store import Store

SIZE = (160, 50)


def add_suggestions(path, n: int, *, annotator: str = "alice", label: str = "ORG") -> list[str]:
    """Add ``n`` pending suggestions on the first ``n`` words of 4+ letters; returns ids in text order."""
    with Store(path, annotator=annotator) as store:
        doc = store.document(SEED_NAME)
        words = [m.span() for m in re.finditer(r"\b[A-Za-z]{4,}\b", doc.text)][:n]
        assert len(words) == n, "the seed article has too few words"
        ids = []
        with store.action(f"suggest test ({n})", doc.id) as tx:
            for start, end in words:
                ids.append(tx.add(Span(label=label, fragments=[(start, end)], doc_id=doc.id,
                                       status="pending", origin="suggestion:test")).id)
        return ids


def statuses(path) -> dict[str, str]:
    return {s.id: s.status for s in db_annotations(path).spans}


def review_screen(app) -> ReviewScreen:
    assert isinstance(app.screen, ReviewScreen), f"review mode is not open: {app.screen!r}"
    return app.screen


async def test_progress_bar_is_proportional():
    """The bar is full at the end, empty at the start, always its width."""
    assert progress_bar(0, 10, 10) == "░" * 10
    assert progress_bar(10, 10, 10) == "█" * 10
    assert progress_bar(5, 10, 10) == "█" * 5 + "░" * 5
    assert len(progress_bar(1, 3, 7)) == 7


async def test_each_review_key_writes_its_decision(seed_db):
    """a accepts, x rejects, space skips, backspace takes the previous decision back."""
    ids = add_suggestions(seed_db, 4)
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        await pilot.press("r")
        screen = review_screen(pilot.app)
        await pilot.pause()
        # The current item is selected in the article.
        assert screen.selected_id == ids[0] and screen.view.selected_id == ids[0]
        await pilot.press("a")
        assert statuses(seed_db)[ids[0]] == "accepted"
        assert screen.selected_id == ids[1]
        await pilot.press("x")
        assert statuses(seed_db)[ids[1]] == "rejected"
        await pilot.press("space")
        assert statuses(seed_db)[ids[2]] == "pending"
        assert screen.selected_id == ids[3]
        assert screen.queue.counts["accept"] == 1 and screen.queue.counts["reject"] == 1
        bar = screen.query_one("#review-bar").render()
        assert "3/4" in str(bar) and "1 accepted" in str(bar) and "1 rejected" in str(bar)
        # back over the skip, then over the reject: ids[1] is pending again and current.
        await pilot.press("backspace", "backspace")
        assert statuses(seed_db)[ids[1]] == "pending"
        assert screen.selected_id == ids[1]
        assert screen.queue.counts["reject"] == 0
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, ReviewScreen)
        # The reader under it shows the decisions: ids[0] is now drawn accepted.
        marks = {h.id: h.pending for h in reader_of(pilot.app)._highlights()}
        assert marks[ids[0]] is False and marks[ids[1]] is True


async def test_review_keys_work_when_a_panel_has_focus(seed_db):
    """The decision keys are priority keys: with the entity panel focused, a still accepts."""
    ids = add_suggestions(seed_db, 2)
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        await pilot.press("r")
        screen = review_screen(pilot.app)
        await pilot.pause()
        screen.query_one("#entity-panel").focus()
        await pilot.pause()
        await pilot.press("a", "x")
        assert statuses(seed_db) == {ids[0]: "accepted", ids[1]: "rejected"}


async def test_fix_type_then_accept_and_undo(seed_db):
    """A tag key retypes the current suggestion before a accepts it; u undoes the accept."""
    ids = add_suggestions(seed_db, 2, label="ORG")
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        await pilot.press("r")
        screen = review_screen(pilot.app)
        await pilot.pause()
        first_type = screen.schema.span_types[0].name
        assert first_type != "ORG"
        await pilot.press("1")  # retype the selected suggestion
        await pilot.press("a")
        span = next(s for s in db_annotations(seed_db).spans if s.id == ids[0])
        assert (span.label, span.status) == (first_type, "accepted")
        await pilot.press("u")  # undo the accept: an ordinary logged action
        span = next(s for s in db_annotations(seed_db).spans if s.id == ids[0])
        assert (span.label, span.status) == (first_type, "pending")


async def test_fix_boundaries_then_accept(seed_db):
    """v + motion selects new boundaries, = re-spans the current suggestion, a accepts it."""
    ids = add_suggestions(seed_db, 1)
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        await pilot.press("r")
        screen = review_screen(pilot.app)
        await pilot.pause()
        span = screen.by_id[ids[0]]
        text = screen.doc.text
        nxt = re.search(r"\w+", text[span.end:])
        new_end = span.end + nxt.end()
        screen.view.select(span.start, new_end)
        await pilot.pause()
        await pilot.press("equals_sign", "a")
        fixed = next(s for s in db_annotations(seed_db).spans if s.id == ids[0])
        assert fixed.fragments == [(span.start, new_end)] and fixed.status == "accepted"


async def test_reader_r_with_nothing_pending_does_not_open_review(seed_db):
    """r with no pending suggestion says so and stays in the reader."""
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        await pilot.press("r")
        assert not isinstance(pilot.app.screen, ReviewScreen)


async def test_a_hundred_suggestions_one_key_each(seed_db):
    """A reviewer goes through 100 suggestions with one key each; the database has every decision."""
    ids = add_suggestions(seed_db, 100)
    keys = ["a", "x", "space"]
    expected = {sid: ("accepted", "rejected", "pending")[i % 3] for i, sid in enumerate(ids)}
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        await pilot.press("r")
        screen = review_screen(pilot.app)
        await pilot.pause()
        for i in range(100):
            await pilot.press(keys[i % 3])
        assert screen.queue.finished
        assert screen.queue.counts == {"accept": 34, "reject": 33, "skip": 33}
        assert statuses(seed_db) == expected
        with Store(seed_db, annotator="alice") as other:
            n_ops = other.conn.execute(
                "SELECT count(*) FROM oplog WHERE action LIKE 'review:%' AND state = 'done'").fetchone()[0]
        assert n_ops == 67  # one logged action per accept or reject


async def test_library_r_reviews_across_documents(tricky_db):
    """r in the library walks the suggestions of every listed document, opening each in turn."""
    from tests.app.conftest import TRICKY_NAME
    from tui.app.screens.library import LibraryScreen

    seed_ids = add_suggestions(tricky_db, 2)
    with Store(tricky_db, annotator="alice") as store:
        doc = store.document(TRICKY_NAME)
        start = doc.text.index("calm")
        tricky_id = store.add(Span(label="LOC", fragments=[(start, start + 4)], doc_id=doc.id,
                                   status="pending", origin="suggestion:test")).id
    async with make_app(tricky_db, document=SEED_NAME).run_test(size=SIZE) as pilot:
        await pilot.press("o")
        library = pilot.app.screen
        assert isinstance(library, LibraryScreen)
        library.query_one("#library-table").move_cursor(row=0)  # the first document by name
        await pilot.pause()
        await pilot.press("tab", "r")
        screen = review_screen(pilot.app)
        await pilot.pause()
        assert screen.queue.total == 3
        assert screen.doc.name == SEED_NAME and screen.selected_id == seed_ids[0]
        await pilot.press("a", "x")
        assert screen.doc.name == TRICKY_NAME and screen.selected_id == tricky_id
        await pilot.press("a")
        assert statuses(tricky_db) == {seed_ids[0]: "accepted", seed_ids[1]: "rejected"}
        assert {s.id: s.status for s in db_annotations(tricky_db, TRICKY_NAME).spans} == {
            tricky_id: "accepted"}
        await pilot.press("escape")
        assert pilot.app.screen is library
        assert all(i.by_status.get("pending", 0) == 0 for i in library.infos)


async def test_propagate_key_suggests_other_occurrences(seed_db):
    """P on a selected span adds a pending suggestion on every other whole-word occurrence."""
    with Store(seed_db, annotator="alice") as store:
        doc = store.document(SEED_NAME)
        text = doc.text
        occurrences = [m.start() for m in re.finditer(r"\bBasra\b", text)]
        assert len(occurrences) >= 2
        first = store.add(Span(label="GPE", fragments=[(occurrences[0], occurrences[0] + 5)],
                               doc_id=doc.id))
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        reader = reader_of(pilot.app)
        await pilot.press("right_square_bracket")
        assert reader.selected_id == first.id
        await pilot.press("P")
        spans = db_annotations(seed_db).spans
        pending = sorted(s.start for s in spans if s.status == "pending")
        assert pending == occurrences[1:]
        assert all(s.label == "GPE" and s.origin == "suggestion:propagate" for s in spans if s.status == "pending")
        # shown as suggestions in the reader
        assert sorted(h.fragments[0][0] for h in reader._highlights() if h.pending) == occurrences[1:]
        await pilot.press("P")  # again: nothing new
        assert len(db_annotations(seed_db).spans) == len(spans)


async def test_bulk_chooser_shows_hostile_labels_and_text_as_data(seed_db):
    """The A chooser draws a label with markup and an escape character as text, never as markup or a control."""
    from tui.app.dialogs.bulk import BulkDialog

    label = "[bold red]X\x1b[2J"
    add_suggestions(seed_db, 1, label=label)
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        await pilot.press("r")
        review_screen(pilot.app)
        await pilot.pause()
        await pilot.press("A")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, BulkDialog)
        line = dialog.query_one("#bulk-line").render()
        plain = getattr(line, "plain", str(line))
        assert "every [bold red]X" in plain and "\x1b" not in plain
        assert "(1)" in plain
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, ReviewScreen)
