"""Two keys per mention, in a real terminal (issue 14): the next name (``m``/``M``), every search hit
tagged at once (``*``/``&``), and the search prompt's whole-word toggle and smart case."""

from __future__ import annotations

import re
from pathlib import Path

from tests.app.conftest import SEED_NAME
from tests.terminal.harness import Terminal, covers, needs_tmux, wait_db
from tests.terminal.keys import binding_key
from tui.core.model import Span
from tui.core.store import Store

pytestmark = needs_tmux

SPANS = "SELECT text, label, status FROM spans ORDER BY start"


def open_reader(term: Terminal, db: Path) -> None:
    term.start("--db", db)
    term.wait_ready("Heavy fighting has been raging in Basra")
    term.wait("1:1", "the cursor at 1:1")


def selected_name(term: Terminal, name: str, what: str) -> None:
    """Wait for ``name`` selected: the motion's message, or (once a later move cleared it) the selection."""
    term.wait(lambda s: f"name “{name}”" in s or re.search(rf"sel \d+ “{re.escape(name)}”", s) is not None,
              what)


def search(term: Terminal, query: str, hits: int) -> None:
    term.press("/")
    term.wait(lambda s: "regex off" in s, "the search prompt")
    term.type(query)
    term.wait(f"{hits} hits", f"{hits} hits for {query}")
    term.press("Enter")
    term.wait(f"hit 1/{hits}", "the first hit selected")


@covers("next-name", "previous-name", "tag-3", "tag-1")
def test_m_selects_the_next_untagged_name_and_a_type_key_tags_it(term, seed_db):
    """``m`` selects "Heavy" then "Basra"; ``3`` tags Basra GPE; ``m`` goes on, ``M`` comes back past the tagged one."""
    open_reader(term, seed_db)
    term.press(binding_key("next-name"))
    # "Heavy" starts the sentence but is no function word: it is offered (the stop list is small).
    selected_name(term, "Heavy", "the first name selected")
    term.press(binding_key("next-name"))
    selected_name(term, "Basra", "Basra selected")
    term.press("3")
    wait_db(seed_db, SPANS, lambda r: r == [("Basra", "GPE", "accepted")], "Basra tagged GPE")
    term.wait("GPE 1", "the entities panel counts it")
    term.press(binding_key("next-name"))
    selected_name(term, "Iraqi", "the next name after Basra")
    term.press(binding_key("previous-name"))
    # Basra is tagged now: M passes over it.
    selected_name(term, "Heavy", "M back past the tagged Basra")
    term.press(binding_key("next-name"), binding_key("next-name"))
    selected_name(term, "Shi'ite", "an apostrophe inside the name; the number 12 is passed over")
    term.press(*[binding_key("next-name")] * 3)
    selected_name(term, "Moqtada al-Sadr", "a name with a particle prefix, whole")
    term.press("1")
    wait_db(seed_db, SPANS, lambda r: ("Moqtada al-Sadr", "PER", "accepted") in r, "al-Sadr tagged PER")
    term.press("G")
    term.press(binding_key("next-name"))
    term.wait("no untagged name after this point", "the end of the document said")
    assert term.quit() == 0


def _tag_first_basra(db: Path) -> None:
    with Store(db, annotator="alice") as store:
        doc = store.document(SEED_NAME)
        at = doc.text.index("Basra")
        with store.action("tag GPE Basra", doc.id) as tx:
            tx.add(Span(label="GPE", fragments=[(at, at + 5)], doc_id=doc.id))


@covers("search", "tag-hits", "undo")
def test_star_tags_every_hit_as_one_undo_step(term, seed_db):
    """``/Basra`` then ``*`` ``g``: the 5 untagged Basra become GPE, the tagged one is skipped; ``u`` undoes all 5."""
    _tag_first_basra(seed_db)
    open_reader(term, seed_db)
    term.type("*")
    term.wait("no search hits to tag: / searches first", "* before any search says why")
    search(term, "Basra", 6)
    term.type("*")
    term.wait("Tag all 6 hits as", "the type picker")
    term.press("g")
    term.wait("tagged 5 hits GPE · skipped 1: 1 already GPE", "the count of tagged and skipped")
    rows = wait_db(seed_db, SPANS, lambda r: len(r) == 6, "six Basra spans")
    assert rows == [("Basra", "GPE", "accepted")] * 6
    term.wait("GPE 6", "the entities panel")
    term.press(binding_key("undo"))
    wait_db(seed_db, SPANS, lambda r: r == [("Basra", "GPE", "accepted")], "one undo: the batch gone")
    term.wait("GPE 1", "the panel after undo")
    assert term.quit() == 0


@covers("search", "suggest-hits", "review")
def test_ampersand_suggests_every_hit_and_an_event_type_makes_pending_events(term, seed_db):
    """``/offensive`` then ``&`` ``a`` (Attack): 4 pending Attack events, never bare triggers; ``r`` reviews them."""
    open_reader(term, seed_db)
    search(term, "offensive", 4)
    term.type("&")
    term.wait("Suggest all 4 hits as", "the type picker")
    term.press("a")
    term.wait("suggested 4 hits Attack · r reviews them", "the suggestions reported")
    rows = wait_db(seed_db, "SELECT e.type, e.status, e.origin, s.text, s.status FROM events e "
                   "JOIN spans s ON s.id = e.trigger", lambda r: len(r) == 4, "four pending events")
    assert rows == [("Attack", "pending", "suggestion:search", "offensive", "pending")] * 4
    bare = wait_db(seed_db, "SELECT count(*) FROM spans WHERE id NOT IN (SELECT trigger FROM events)",
                   lambda r: True, "spans")
    assert bare == [(0,)], "a bare Attack span"
    term.press(binding_key("review"))
    term.wait(lambda s: "REVIEW 0/4" in s and "suggestion:search" in s, "the review walks the four suggestions")
    term.press("a")
    wait_db(seed_db, "SELECT count(*) FROM events WHERE status = 'accepted'", lambda r: r == [(1,)],
            "the first one accepted")
    term.wait("REVIEW 1/4", "the review goes on to the next")
    term.press("Escape")
    term.wait(lambda s: "NORMAL" in s and "REVIEW" not in s, "back in the reader")
    assert term.quit() == 0


@covers("search", "search-word", "search-case")
def test_whole_word_toggle_and_smart_case_in_the_prompt(term, seed_db):
    """``M-w`` and ``C-o`` toggle whole words and type nothing; a lower-case query ignores case, a capital makes it exact."""
    text = Store(seed_db, annotator="alice").document(SEED_NAME).text
    every = len(re.findall("sadr", text, re.IGNORECASE))
    whole = len(re.findall(r"\bsadr\b", text, re.IGNORECASE))
    assert every > whole > 0
    open_reader(term, seed_db)
    term.press("/")
    term.wait(lambda s: "word off" in s and "case smart" in s, "the prompt's toggles")
    term.type("sadr")
    term.wait(f"{every} hits", "every sadr, Sadrist included")
    term.press("M-w")
    screen = term.wait(lambda s: "word on" in s and f"{whole} hits" in s, "whole words only after M-w")
    assert re.search(r"/ sadr\s", screen) and "sadrw" not in screen, screen
    term.press("C-o")
    term.wait(lambda s: "word off" in s and f"{every} hits" in s, "off again after ctrl+o")
    term.press("C-o")
    term.wait("word on", "on again")
    # Smart case: "The" with its capital is exact; "the" finds both.
    term.press("C-u")  # the field's delete-to-start
    term.wait(lambda s: "word on" in s and " hits" not in s and " hit " not in s, "an empty query")
    lower = len(re.findall(r"\bthe\b", text, re.IGNORECASE))
    exact = len(re.findall(r"\bThe\b", text))
    assert lower > exact > 0
    term.type("the")
    term.wait(f"{lower} hits", "a lower-case query ignores case")
    term.press("C-u")
    term.wait(lambda s: "word on" in s and " hits" not in s and " hit " not in s, "an empty query")
    term.type("The")
    term.wait(f"{exact} hits", "a capital makes it case-sensitive")
    term.press("Enter")
    term.wait(f"hit 1/{exact}", "the first exact hit")
    assert term.quit() == 0
