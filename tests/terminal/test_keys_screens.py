"""The keys that open the reader's other screens, pressed in tmux: help, panels, stats, adjudication, corpus search."""

from __future__ import annotations

import re

from tests.app.conftest import SEED_NAME
from tests.app.test_adjudicate_screen import gold, two_layers
from tests.terminal.harness import covers, needs_tmux, wait_db

pytestmark = needs_tmux


@covers("help")
def test_help_opens_with_question_mark_and_f1(term, seed_db):
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting")
    for key in ("?", "F1"):
        term.press(key)
        term.wait("Reading and annotating", f"the help after {key}")
        term.press("Escape")
        term.wait_gone("Reading and annotating", f"the help closed after {key} then escape")
    assert term.quit() == 0


@covers("focus-next", "tag-3")
def test_tab_reaches_the_entities_panel_and_enter_jumps_to_the_mention(term, seed_db):
    """Tag Basra, go back to the start, tab into the panel, choose the mention: the cursor is on Basra."""
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting")
    term.press(*["w"] * 6)
    term.wait("@34 ", "the cursor on Basra")
    term.press("3")
    term.wait("GPE 1", "Basra in the panel")
    term.press("g")
    term.wait("@0 ", "the cursor back at the start")
    term.press("Tab")
    # The panel's rows: the GPE group, then its mention; enter on the mention jumps.
    term.press("Down")
    term.press("Enter")
    term.wait("@34 ", "the cursor on Basra after enter in the panel")
    assert term.quit() == 0


@covers("stats")
def test_stats_shows_the_counts_of_the_document(term, seed_db):
    two_layers(seed_db)
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting")
    term.press("S")
    screen = term.wait("Counts", "the stats screen")
    assert re.search(r"6 annotation\(s\)", screen), screen
    term.press("Escape")
    term.wait("NORMAL", "back in the reader")
    assert term.quit() == 0


@covers("adjudicate")
def test_adjudicate_writes_the_gold_layer(term, seed_db):
    """J lists alice's and bob's three disagreements; 1 takes alice's choice for the first one."""
    two_layers(seed_db)
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting")
    term.press("J")
    term.wait("3 remaining", "the adjudication screen with three disagreements")
    term.press("1")
    term.wait("2 remaining", "one disagreement settled")
    wait_db(seed_db, "SELECT count(*) FROM spans WHERE annotator = 'gold'",
            lambda r: r[0][0] >= 1, "a gold span")
    assert gold(seed_db)
    term.press("Escape")
    term.wait("NORMAL", "back in the reader")
    assert term.quit() == 0


@covers("corpus-search")
def test_corpus_search_finds_and_opens_a_hit(term, seed_db):
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting")
    term.press("C-f")
    term.wait("Corpus search", "the corpus search screen")
    term.type("Kut")
    term.press("Enter")
    term.wait(lambda s: re.search(r"\d+ hit\(s\)", s) is not None, "the hit count")
    # enter in the query runs the search and moves to the list; enter there opens the hit.
    term.press("Enter")
    term.wait(lambda s: f"{SEED_NAME} │" in s and "sel 3 “Kut”" in s,
              "the reader with the first hit of Kut selected")
    assert term.quit() == 0


@covers("toggle-inspector")
def test_f4_hides_and_shows_the_inspector(term, seed_db):
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting")
    term.wait("Inspector", "the inspector panel")
    term.press("F4")
    term.wait_gone("Inspector", "the inspector hidden after f4")
    term.press("F4")
    term.wait("Inspector", "the inspector back after f4")
    assert term.quit() == 0
