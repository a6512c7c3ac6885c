"""Stats screen: the agreement numbers and counts it shows are tui.core's."""

from __future__ import annotations

from tests.app.conftest import SEED_NAME, reader_of
from tui.app.app import make_app
from tui.app.screens.stats import StatsScreen
from tui.app.widgets.bar_chart import bar, bar_rows
from tui.core.model import Span
from tui.core.review.agreement import agreement
from tui.core.review.stats import stats
from tui.core.store import Store

SIZE = (160, 50)


def two_layers(path) -> None:
    """alice and bob tag some of the same words, some differently."""
    words = {"alice": [("Basra", "GPE"), ("Iraqi", "GPE"), ("troops", "PER"), ("Monday", "TIME")],
             "bob": [("Basra", "GPE"), ("Iraqi", "NORP"), ("troops", "PER"), ("city", "LOC")]}
    for who, tags in words.items():
        with Store(path, annotator=who) as store:
            doc = store.document(SEED_NAME)
            for word, label in tags:
                start = doc.text.find(word)
                assert start >= 0, word
                store.add(Span(label=label, fragments=[(start, start + len(word))], doc_id=doc.id))


def line_with(text: str, head: str) -> str:
    """The first line of ``text`` that starts (after spaces) with ``head``."""
    for line in text.splitlines():
        if line.strip().startswith(head):
            return line
    raise AssertionError(f"no line starting with {head!r} in:\n{text}")


def test_bar_widths():
    """Bars are proportional with eighth cells and always their full width."""
    assert bar(1, 1, 8) == "█" * 8
    assert bar(0.5, 1, 8) == "████    "
    assert bar(1 / 16, 1, 8) == "▌       "
    assert bar(-0.2, 1, 4) == "    "
    assert "n/a" in bar_rows([("x", None)]).plain


async def test_stats_screen_shows_the_core_agreement_numbers(seed_db):
    """S opens the stats: each F1, kappa and alpha shown equals tui.core.review.agreement's, counts equal stats'."""
    two_layers(seed_db)
    with Store(seed_db, annotator="alice") as other:
        report = agreement(other, ["alice", "bob"], docs=[SEED_NAME])
        counts = stats(other, docs=[SEED_NAME])
    pair = report.spans["alice|bob"]
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        await pilot.press("S")
        screen = pilot.app.screen
        assert isinstance(screen, StatsScreen)
        plain = screen.text.plain
        for mode in ("exact", "overlap"):
            for kind, name in (("labeled", "labelled"), ("unlabeled", "unlabelled")):
                line = line_with(plain, f"{mode} {name}")
                assert f" {pair[mode][kind].f1:.3f}  P {pair[mode][kind].precision:.3f}" in line
        for label, score in pair["exact"]["per_label"].items():
            shown = "n/a" if score.f1 is None else f"{score.f1:.3f}"
            assert line_with(plain, label).split()[-5] == shown
        alpha = report.tokens["krippendorff_alpha"]
        kappa = report.tokens["cohen_kappa"]["alice|bob"]
        assert line_with(plain, "Krippendorff's alpha").split()[-1] == f"{alpha:.3f}"
        assert line_with(plain, "kappa alice vs bob").split()[-1] == f"{kappa:.3f}"
        # Counts per annotator and per type are the core's.
        tail = plain[plain.index("Counts"):]
        assert line_with(tail, "alice").split()[-1] == str(counts["per_annotator"]["alice"])
        assert line_with(tail, "PER").split()[-1] == str(counts["per_type"]["spans"]["PER"])
        # The numbers are drawn on screen, not only computed.
        body = str(screen.query_one("#stats-body").render())
        assert f"{pair['exact']['labeled'].f1:.3f}" in body
        await pilot.press("escape")
        assert pilot.app.screen is reader_of(pilot.app)


async def test_stats_with_one_annotator_says_agreement_needs_two(seed_db):
    """With a single layer there is no agreement report, only counts; c switches to the corpus."""
    with Store(seed_db, annotator="alice") as store:
        doc = store.document(SEED_NAME)
        store.add(Span(label="GPE", fragments=[(0, 5)], doc_id=doc.id))
    async with make_app(seed_db).run_test(size=SIZE) as pilot:
        await pilot.press("S")
        screen = pilot.app.screen
        assert screen.report is None
        assert "needs accepted spans from two annotators" in screen.text.plain
        await pilot.press("c")
        assert screen.corpus and "Stats corpus" in str(screen.query_one("#stats-title").render())
