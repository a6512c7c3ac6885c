"""Adjudication screen: 1-9 / + / 0 decide each disagreement into the gold layer."""

from __future__ import annotations

from tests.app.conftest import SEED_NAME, reader_of
from tui.app.app import make_app
from tui.app.screens.adjudicate import AdjudicationScreen
from tui.core.model import Span
from tui.core.review.adjudicate import disagreements
from tui.core.store import Store

SIZE = (160, 50)


def two_layers(path) -> dict[str, tuple[int, int]]:
    """alice and bob agree on Basra, differ on Iraqi, and each has one span the other lacks."""
    words = {"alice": [("Basra", "GPE"), ("Iraqi", "GPE"), ("troops", "PER")],
             "bob": [("Basra", "GPE"), ("Iraqi", "ORG"), ("city", "LOC")]}
    where: dict[str, tuple[int, int]] = {}
    for who, tags in words.items():
        with Store(path, annotator=who) as store:
            doc = store.document(SEED_NAME)
            for word, label in tags:
                start = doc.text.find(word)
                where[word] = (start, start + len(word))
                store.add(Span(label=label, fragments=[where[word]], doc_id=doc.id))
    return where


def gold(path) -> set[tuple]:
    """``(fragment, label, status)`` of every span in the gold layer, read through a second store."""
    with Store(path, annotator="alice") as other:
        doc = other.document(SEED_NAME)
        return {(tuple(s.fragments[0]), s.label, s.status)
                for s in other.annotations(doc.id, annotators=["gold"]).spans}


async def test_choices_write_the_gold_layer(seed_db):
    """J lists the 3 disagreements; 2 takes bob's, + takes all, 0 takes none; the DB has gold; u undoes."""
    where = two_layers(seed_db)
    with Store(seed_db, annotator="alice") as other:
        expected = disagreements(other, SEED_NAME, ["alice", "bob"])
    order = [it.text for it in expected]
    assert sorted(order) == ["Iraqi", "city", "troops"]
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        await pilot.press("J")
        screen = pilot.app.screen
        assert isinstance(screen, AdjudicationScreen)
        assert screen.annotators == ["alice", "bob"]
        assert [it.text for it in screen.items] == order
        assert "3 remaining" in str(screen.query_one("#adjudicate-title").render())
        choices = ["2", "plus", "0"]
        for key in choices:
            await pilot.press(key)
        assert screen.items == []
        assert "0 remaining" in str(screen.query_one("#adjudicate-title").render())
        alice = {"Iraqi": "GPE", "troops": "PER"}
        bob = {"Iraqi": "ORG", "city": "LOC"}
        wanted: set[tuple] = set()
        for text, key in zip(order, choices, strict=True):
            versions = [layer[text] for layer in (alice, bob) if text in layer]
            if key == "2" and text in bob:
                wanted.add((where[text], bob[text], "accepted"))
            elif key == "plus":
                wanted |= {(where[text], label, "accepted") for label in versions}
            else:  # 0, or 2 where bob has nothing: gold records the rejection
                wanted |= {(where[text], label, "rejected") for label in versions}
        assert gold(seed_db) == wanted
        # u undoes the last decision: that item is open again.
        await pilot.press("u")
        assert [it.text for it in screen.items] == [order[-1]]
        assert all(g[0] != where[order[-1]] for g in gold(seed_db))
        await pilot.press("escape")
        assert pilot.app.screen is reader_of(pilot.app)


async def test_a_takes_the_agreed_items(seed_db):
    """a takes what every annotator agrees on (Basra) into gold; the disagreements stay."""
    where = two_layers(seed_db)
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        await pilot.press("J")
        screen = pilot.app.screen
        await pilot.press("a")
        assert gold(seed_db) == {(where["Basra"], "GPE", "accepted")}
        assert len(screen.items) == 3


async def test_adjudicate_needs_two_layers(seed_db):
    """J with one annotator's layer stays in the reader."""
    with Store(seed_db, annotator="alice") as store:
        doc = store.document(SEED_NAME)
        store.add(Span(label="GPE", fragments=[(0, 5)], doc_id=doc.id))
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        await pilot.press("J")
        assert pilot.app.screen is reader_of(pilot.app)
