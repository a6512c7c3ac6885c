"""Corpus search screen: query, keyword-in-context hits, enter opens the hit in the reader."""

from __future__ import annotations

from tests.app.conftest import SEED_NAME, TRICKY_NAME, TRICKY_TEXT, reader_of
from tui.app.app import make_app
from tui.app.screens.corpus_search import CorpusSearchScreen
from tui.core.model import Span
from tui.core.search import search
from tui.core.store import Store

SIZE = (160, 50)


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)


async def test_query_enter_opens_the_hit_selected(tricky_db):
    """ctrl+f, type a word, enter lists the hits; enter on one opens its document with it selected."""
    async with make_app(tricky_db, document=SEED_NAME).run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+f")
        screen = pilot.app.screen
        assert isinstance(screen, CorpusSearchScreen)
        await type_text(pilot, "calm")
        await pilot.press("enter")
        with Store(tricky_db, annotator="alice") as other:
            expected = search(other, "calm")
        assert [(h.doc_name, h.start, h.end) for h in screen.hits] == [
            (h.doc_name, h.start, h.end) for h in expected]
        assert any(h.doc_name == TRICKY_NAME for h in screen.hits)
        index = next(i for i, h in enumerate(screen.hits) if h.doc_name == TRICKY_NAME)
        for _ in range(index):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        reader = reader_of(pilot.app)
        assert pilot.app.screen is reader
        assert reader.doc.name == TRICKY_NAME
        start = TRICKY_TEXT.index("calm")
        assert reader.view.selection == (start, start + 4)


async def test_hits_are_sanitised_text(tricky_db):
    """A hit next to an escape sequence shows it as a visible symbol, never raw, never as markup."""
    async with make_app(tricky_db, document=SEED_NAME).run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+f")
        screen = pilot.app.screen
        await type_text(pilot, "report")
        await pilot.press("enter")
        assert screen.hits and screen.hits[0].doc_name == TRICKY_NAME
        assert "\x1b" in screen.hits[0].left  # the raw context holds the escape sequence
        options = screen.query_one("#search-results")
        prompt = options.get_option_at_index(0).prompt
        plain = prompt.plain
        assert "\x1b" not in plain and "␛" in plain and "report" in plain
        assert "[bold]" in plain  # markup in the document stays literal text


async def test_annotation_search_with_filters_opens_the_annotation(tricky_db):
    """alt+a searches annotations; an annotator filter finds bob's span; enter selects it in bob's layer."""
    with Store(tricky_db, annotator="bob") as bob:
        doc = bob.document(SEED_NAME)
        start = doc.text.index("Basra")
        span = bob.add(Span(label="GPE", fragments=[(start, start + 5)], doc_id=doc.id))
        bob.add(Span(label="PER", fragments=[(0, 4)], doc_id=doc.id, status="pending",
                     origin="suggestion:x"))
    async with make_app(tricky_db, document=TRICKY_NAME).run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+f")
        screen = pilot.app.screen
        await pilot.press("alt+a")
        assert screen.annotations_mode
        screen.query_one("#search-annotators").value = "bob"
        screen.query_one("#search-statuses").value = "accepted"
        await pilot.pause()
        await type_text(pilot, "basra")
        await pilot.press("enter")
        assert [h.annotation_id for h in screen.hits] == [span.id]
        await pilot.press("enter")
        await pilot.pause()
        reader = reader_of(pilot.app)
        assert reader.doc.name == SEED_NAME
        assert reader.layer_name() == "bob"
        assert reader.selected_id == span.id and reader.view.selected_id == span.id


async def test_escape_returns_without_opening(tricky_db):
    """escape closes the search and leaves the reader on its document."""
    async with make_app(tricky_db, document=SEED_NAME).run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+f")
        await type_text(pilot, "calm")
        await pilot.press("escape")
        reader = reader_of(pilot.app)
        assert pilot.app.screen is reader and reader.doc.name == SEED_NAME
