"""The search prompt (``/``) in a real terminal: what you type shows, the toggles arrive, enter finds."""

from __future__ import annotations

import re

import pytest

from tests.terminal.harness import Terminal, covers, needs_tmux, wait_db

pytestmark = needs_tmux


def prompt_row(screen: str) -> str:
    """The prompt's text row: the one that starts with ``/`` (after the frame's padding)."""
    rows = [r for r in screen.split("\n") if re.match(r"^\s*/ ", r)]
    return rows[-1] if rows else ""


def first_hit_selected(screen: str) -> bool:
    """The first Basra (offsets 34-39) is selected: the status line says ``hit 1/6`` or shows the selection.

    The hit message may be gone by the time the screen is read (a cursor move
    clears the last message), so the selection itself also counts.
    """
    return "hit 1/6" in screen or ("sel 5 “Basra”" in screen and "@38" in screen)


def open_reader(term: Terminal, db) -> None:
    term.start("--db", db)
    term.wait_ready("Heavy fighting")
    term.wait("1:1", "the cursor at 1:1")


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
@covers("search")
def test_the_prompt_shows_what_you_type_and_enter_finds(tmp_path, seed_db, size):
    """``/`` then ``Basra``: the prompt row shows the query and its hit count; enter selects the first hit."""
    width, height = size
    term = Terminal(tmp_path, width=width, height=height)
    try:
        open_reader(term, seed_db)
        term.press("/")
        term.wait(lambda s: "regex" in s and "case" in s, "the search prompt with its toggles")
        term.type("Basra")
        # The count is drawn after the typed text (on Input.Changed): wait for both.
        term.wait(lambda s: prompt_row(s).strip().startswith("/ Basra") and "6 hits" in s,
                  "the typed query on the prompt row and its hit count")
        term.press("Enter")
        term.wait(first_hit_selected, "the first hit selected (status line)")
        assert term.quit() == 0
    finally:
        term.close()


@covers("search", "search-regex")
def test_alt_r_toggles_regex_without_typing_r(term, seed_db):
    """``M-r`` (ESC r) turns regex on and inserts nothing; ``Ba.ra`` then finds Basra."""
    open_reader(term, seed_db)
    term.press("/")
    term.wait(lambda s: "regex off" in s, "regex off in the prompt")
    term.press("M-r")
    term.wait("regex on", "regex on after M-r")
    term.type("Ba.ra")
    screen = term.wait(lambda s: "6 hits" in s, "the regex's six hits")
    assert prompt_row(screen).split()[:2] == ["/", "Ba.ra"], screen
    term.press("Enter")
    term.wait(first_hit_selected, "the first regex hit selected")
    assert term.quit() == 0


@covers("search", "search-case")
def test_alt_c_toggles_case_without_typing_c(term, seed_db):
    """``M-c`` (ESC c) makes the search case sensitive and inserts nothing: ``basra`` then has no hit."""
    open_reader(term, seed_db)
    term.press("/")
    term.wait(lambda s: "case smart" in s, "smart case in the prompt")
    term.type("basra")
    term.wait("6 hits", "six case-insensitive hits")
    term.press("M-c")
    screen = term.wait(lambda s: "case on" in s and "0 hits" in s, "case on, no hit")
    assert prompt_row(screen).split()[:2] == ["/", "basra"], screen
    term.press("M-c")
    screen = term.wait(lambda s: "case off" in s and "6 hits" in s, "case off again")
    assert prompt_row(screen).split()[:2] == ["/", "basra"], screen
    term.press("Escape")
    term.wait_gone("case off", "the prompt closed")
    assert term.quit() == 0


@covers("search", "search-regex", "search-case")
def test_ctrl_r_and_ctrl_t_toggle_in_any_terminal(small_term, seed_db):
    """``ctrl+r`` and ``ctrl+t`` (which every terminal sends distinctly) toggle regex and case at 80x24."""
    term = small_term
    open_reader(term, seed_db)
    term.press("/")
    term.wait(lambda s: "regex off" in s and "case smart" in s, "regex off, smart case")
    term.press("C-r")
    term.wait("regex on", "regex on after ctrl+r")
    term.press("C-t")
    term.wait("case on", "case on after ctrl+t")
    term.type("B[a-z]+ra")
    screen = term.wait("6 hits", "the case-sensitive regex's hits")
    assert prompt_row(screen).split()[:2] == ["/", "B[a-z]+ra"], screen
    term.press("Enter")
    term.wait(first_hit_selected, "the first hit selected")
    assert term.quit() == 0


@covers("corpus-search", "corpus-search-mode")
def test_corpus_search_toggle_arrives_and_types_nothing(term, seed_db):
    """``ctrl+f``: ``M-a`` (ESC a) switches to annotations without typing ``a``; ``ctrl+t`` switches back; a query finds hits."""
    open_reader(term, seed_db)
    term.press("C-f")
    term.wait("search every document (enter)", "the corpus search screen")
    term.press("M-a")
    screen = term.wait("types, e.g. PER,GPE", "the annotation filters after M-a")
    assert "search annotation text (may be empty)" in screen, "the query field is still empty: " + screen
    term.press("C-t")
    term.wait("search every document (enter)", "document text again after ctrl+t")
    term.wait_gone("types, e.g. PER,GPE")
    term.type("Basra")
    term.press("Enter")
    term.wait("6 hit(s) in 1 document(s)", "the hits")
    term.press("Escape")
    term.wait_ready("Heavy fighting")
    assert term.quit() == 0


@covers("search")
def test_slash_query_enter_typed_at_once_finds_the_hit(term, seed_db):
    """``/Basra`` and enter in one burst (a fast typist, a paste): the keys keep their order.

    The letters reach the reader before the prompt is ready and are held for it;
    an enter that reached the prompt directly used to overtake them and submit an
    empty query (about one burst in three). Ten bursts, each from the start.
    """
    open_reader(term, seed_db)
    for _ in range(10):
        term.press("g")
        term.wait("@0 ", "the cursor at the start")
        term.press("/", "B", "a", "s", "r", "a", "Enter")
        term.wait(first_hit_selected, "the first hit selected after the burst")
        term.press("Escape")
        term.wait(lambda s: "VISUAL" not in s, "the hit's selection cleared")
    assert term.quit() == 0


@covers("search", "tag-3")
def test_a_key_right_after_enter_goes_to_the_reader_not_the_closing_prompt(term, seed_db):
    """``/Basra`` enter ``3`` in one burst: the ``3`` tags the hit GPE; it never lands in the
    prompt as ``Basra3`` (a key that came before the dismissed prompt was gone used to)."""
    open_reader(term, seed_db)
    for _ in range(5):
        term.press("g")
        term.wait("@0 ", "the cursor at the start")
        term.press("/", "B", "a", "s", "r", "a", "Enter", "3")
        wait_db(seed_db, "SELECT count(*) FROM spans WHERE label = 'GPE' AND text = 'Basra'",
                lambda r: r == [(1,)], "Basra tagged GPE")
        screen = term.wait(lambda s: "Basra3" not in s and "GPE" in s, "the tag shown")
        assert "Basra3" not in screen
        term.press("u")
        wait_db(seed_db, "SELECT count(*) FROM spans WHERE label = 'GPE' AND text = 'Basra'",
                lambda r: r == [(0,)], "the tag undone")
    assert term.quit() == 0
