"""The reader's everyday keys, pressed in tmux: motions, selection, the nine tag keys, undo and redo.

Where a key moves the cursor, the expected offset comes from the core's motion
functions on the same text, read back from the status line's ``@offset``: the
test proves the key arrives from a terminal and reaches its action.
"""

from __future__ import annotations

import re

from tests.app.conftest import SEED, db_annotations
from tests.terminal.harness import Terminal, covers, needs_tmux, wait_db
from tui.core.text import motions

pytestmark = needs_tmux

TEXT = SEED.read_text(encoding="utf-8")
#: The ace2005 preset's first nine span types, in key order.
ACE_NINE = ["PER", "ORG", "GPE", "LOC", "FAC", "VEH", "WEA", "Numeric", "Contact-Info"]


def offset(term: Terminal) -> int:
    """The cursor offset the status line shows (``@N``)."""
    found = re.search(r"│ \d+:\d+ @(\d+)", term.screen())
    assert found, term.screen()
    return int(found.group(1))


def press_to(term: Terminal, key: str, expected: int) -> None:
    """Press ``key`` and wait until the status line shows the cursor at ``expected``."""
    term.press(key)
    term.wait(lambda s: f" @{expected} " in s or s.rstrip().endswith(f"@{expected}")
              or f"@{expected} │" in s, f"the cursor at @{expected} after {key}")


def start(term: Terminal, db) -> None:
    term.start("--db", db)
    term.wait_ready("Heavy fighting")
    term.wait("@0 ", "the cursor at the start")


@covers("word-next", "word-end", "word-prev", "cursor-right", "cursor-left",
        "sentence-next", "sentence-prev", "paragraph-next", "paragraph-prev",
        "doc-end", "doc-start")
def test_motions_arrive_and_move_as_the_core_says(term, seed_db):
    start(term, seed_db)
    pos = 0
    for key, motion in [("w", motions.next_word_start), ("w", motions.next_word_start),
                        ("e", motions.word_end), ("b", motions.prev_word_start)]:
        pos = motion(TEXT, pos)
        press_to(term, key, pos)
    press_to(term, "l", pos + 1)
    press_to(term, "Right", pos + 2)
    press_to(term, "h", pos + 1)
    press_to(term, "Left", pos)
    for key, motion in [(")", motions.next_sentence), (")", motions.next_sentence),
                        ("(", motions.prev_sentence), ("}", motions.next_paragraph),
                        ("{", motions.prev_paragraph)]:
        pos = motion(TEXT, pos)
        press_to(term, key, pos)
    term.press("G")
    term.wait(lambda s: offset(term) > len(TEXT) - 200, "the cursor near the end after G")
    term.wait("afraid of unrest", "the end of the article on screen")
    press_to(term, "g", 0)
    term.wait("Heavy fighting", "the start of the article on screen")
    assert term.quit() == 0


@covers("cursor-down", "cursor-up", "page-down", "page-up", "half-page-down", "half-page-up")
def test_lines_and_pages(small_term, seed_db):
    """At 80x24 the article is longer than the screen: pages scroll it, lines move by one row."""
    term = small_term
    start(term, seed_db)
    term.press("j")
    term.wait(lambda s: offset(term) > 0, "the cursor on the second row after j")
    row2 = offset(term)
    term.press("Down")
    term.wait(lambda s: offset(term) > row2, "the cursor lower after down")
    term.press("k")
    term.wait(lambda s: offset(term) == row2, "the cursor back on the second row after k")
    term.press("Up")
    term.wait(lambda s: offset(term) == 0, "the cursor back at the start after up")
    first_row = term.lines()[0]
    term.press("PageDown")
    term.wait(lambda s: s.split("\n")[0] != first_row and offset(term) > 300,
              "the article scrolled by a page")
    paged = offset(term)
    term.press("PageUp")
    term.wait(lambda s: offset(term) < paged, "the cursor back up a page")
    term.press("g")
    term.wait(lambda s: offset(term) == 0, "the start")
    term.press("C-d")
    term.wait(lambda s: offset(term) > 100, "half a page down after ctrl+d")
    half = offset(term)
    term.press("C-u")
    term.wait(lambda s: offset(term) < half, "half a page up after ctrl+u")
    assert term.quit() == 0


@covers("select-right", "select-left", "select-down", "select-up", "toggle-visual")
def test_shift_arrows_select_and_a_tag_key_tags_the_selection(term, seed_db):
    start(term, seed_db)
    # A visual selection includes the character under the cursor (as in vim).
    for _ in range(4):
        term.press("S-Right")
    term.wait("sel 5 “Heavy”", "a five-character selection")
    term.press("S-Down")
    term.wait(lambda s: "sel " in s and "sel 5 " not in s, "the selection extended a row")
    term.press("S-Up")
    term.wait("sel 5 “Heavy”", "the selection back to one word")
    term.press("S-Left")
    term.wait("sel 4 “Heav”", "the selection one shorter")
    term.press("S-Right", "1")
    wait_db(seed_db, "SELECT text, label FROM spans", lambda r: r == [("Heavy", "PER")],
            "Heavy tagged PER from the shift selection")
    assert term.quit() == 0


@covers("tag-1", "tag-2", "tag-3", "tag-4", "tag-5", "tag-6", "tag-7", "tag-8", "tag-9", "undo", "redo")
def test_the_nine_tag_keys_then_undo_and_redo(term, seed_db):
    """Keys 1-9 on nine successive words tag them with the schema's first nine types."""
    start(term, seed_db)
    words: list[str] = []
    pos = 0
    for n in range(1, 10):
        bounds = motions.word_bounds(TEXT, pos)
        assert bounds
        words.append(TEXT[bounds[0]:bounds[1]])
        term.press(str(n))
        wait_db(seed_db, "SELECT count(*) FROM spans", lambda r, n=n: r[0][0] == n,
                f"{n} spans after key {n}")
        pos = motions.next_word_start(TEXT, pos)
        press_to(term, "w", pos)
    spans = {(s.text, s.label) for s in db_annotations(seed_db).spans}
    assert spans == set(zip(words, ACE_NINE, strict=True))
    term.wait("9 mentions", "the entities panel counting nine mentions")
    term.press("u")
    wait_db(seed_db, "SELECT count(*) FROM spans", lambda r: r[0][0] == 8, "8 spans after u")
    term.press("C-z")
    wait_db(seed_db, "SELECT count(*) FROM spans", lambda r: r[0][0] == 7, "7 spans after ctrl+z")
    term.press("C-r")
    wait_db(seed_db, "SELECT count(*) FROM spans", lambda r: r[0][0] == 8, "8 spans after ctrl+r")
    term.press("C-y")
    wait_db(seed_db, "SELECT count(*) FROM spans", lambda r: r[0][0] == 9, "9 spans after ctrl+y")
    term.wait("9 mentions", "the panel back at nine mentions")
    assert term.quit() == 0


@covers("search", "search-next", "search-previous", "repeat-tag", "tag-3")
def test_search_hits_and_repeat_the_tag_on_the_next_one(term, seed_db):
    """``/Basra`` enter selects the first hit; ``3`` tags it; ``.`` tags the next hit; ``n``/``N`` step."""
    hits = [i for i in range(len(TEXT)) if TEXT.startswith("Basra", i)]
    start(term, seed_db)
    term.press("/")
    term.type("Basra")
    term.press("Enter")
    term.wait(f"@{hits[0] + 4} ", "the first hit selected (cursor on its last character)")
    term.press("3")
    wait_db(seed_db, "SELECT start FROM spans", lambda r: r == [(hits[0],)], "the first Basra tagged")
    term.press(".")
    wait_db(seed_db, "SELECT start FROM spans ORDER BY start", lambda r: r == [(hits[0],), (hits[1],)],
            "the second Basra tagged by .")
    term.press("n")
    term.wait(f"@{hits[2] + 4} ", "the third hit after n")
    term.press("N")
    term.wait(f"@{hits[1] + 4} ", "the second hit after N")
    assert {(s.text, s.label) for s in db_annotations(seed_db).spans} == {("Basra", "GPE")}
    assert term.quit() == 0


def test_a_type_groups_count_follows_each_tag(term, seed_db):
    """The entities panel's group row shows its new count in the terminal after each tag and undo.

    The group row keeps its line when a mention joins it: the panel once left
    it showing its old count (``PER 1`` after the second PER tag).
    """
    start(term, seed_db)
    term.press("1")
    wait_db(seed_db, "SELECT count(*) FROM spans", lambda r: r[0][0] == 1, "1 span after 1")
    term.wait("■ PER 1", "the PER group with one mention")
    press_to(term, "w", motions.next_word_start(TEXT, 0))
    term.press("1")
    wait_db(seed_db, "SELECT count(*) FROM spans", lambda r: r[0][0] == 2, "2 spans after 1")
    term.wait("■ PER 2", "the PER group counting the second mention")
    term.press("u")
    wait_db(seed_db, "SELECT count(*) FROM spans", lambda r: r[0][0] == 1, "1 span after u")
    term.wait(lambda s: "■ PER 1" in s and "■ PER 2" not in s, "the PER group back at one mention")
    assert term.quit() == 0
