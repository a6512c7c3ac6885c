"""Type pickers (``t``, ``E``) in a real terminal: hotkeys pick at once, ``/`` filters, typing never picks."""

from __future__ import annotations

from tests.terminal.harness import Terminal, covers, needs_tmux, wait_db

pytestmark = needs_tmux

KEYS_HINT = "hotkey picks · / filter · ↑↓ enter choose · esc cancel"
FILTER_HINT = "type to filter · ↑↓ enter choose · esc cancel · ⌫ keys"


def open_reader(term: Terminal, db) -> None:
    term.start("--db", db)
    term.wait_ready("Heavy fighting")
    term.wait("1:1", "the cursor at 1:1")


def count(db, table: str) -> int:
    return wait_db(db, f"SELECT count(*) FROM {table}", lambda r: True, table)[0][0]


@covers("tag-type")
def test_t_then_a_hotkey_tags_at_once(term, seed_db):
    """``t`` ``p`` tags the word under the cursor PER at once (the hotkey)."""
    open_reader(term, seed_db)
    term.press("t")
    term.wait(KEYS_HINT, "the picker in keys mode")
    term.press("p")
    term.wait("PER 1", "Heavy in the entities panel as PER")
    wait_db(seed_db, "SELECT text, label FROM spans", lambda r: r == [("Heavy", "PER")],
            "Heavy tagged PER")
    assert term.quit() == 0


@covers("event")
def test_e_then_a_filter_picks_nothing_until_enter(term, seed_db):
    """``E`` ``/`` ``demo``: the list narrows to Demonstrate, nothing is picked (not Die on the d); enter picks it."""
    open_reader(term, seed_db)
    term.press("w")
    term.wait("1:7", "the cursor on fighting")
    term.press("E")
    term.wait(KEYS_HINT, "the event picker in keys mode")
    term.press("/")
    term.wait(FILTER_HINT, "filter mode")
    term.type("demo")
    screen = term.wait(lambda s: "Demonstrate" in s and "Attack" not in s, "the filtered list")
    screen = term.wait_settled()
    assert "Demonstrate" in screen and FILTER_HINT in screen, screen
    assert count(seed_db, "events") == 0
    assert count(seed_db, "spans") == 0
    term.press("Enter")
    wait_db(seed_db, "SELECT type FROM events", lambda r: r == [("Demonstrate",)],
            "one Demonstrate event")
    # no mention in the document: every role is skipped, no prompt opens (issue 14)
    term.wait(lambda s: "Demonstrate event" in s and "ROLE" not in s and "NORMAL" in s,
              "the event made, no role prompt to close")
    assert term.quit() == 0


@covers("tag-type")
def test_t_then_a_filter_tags_only_on_enter(term, seed_db):
    """``t`` ``/`` ``org``: no hotkey fires (no ORG at the o, no review at the r, no jump at the g); enter tags ORG."""
    open_reader(term, seed_db)
    term.press("t")
    term.wait(KEYS_HINT)
    term.press("/")
    term.wait(FILTER_HINT)
    term.type("org")
    term.wait(lambda s: "ORG" in s and "PER" not in s.split("Tag as")[-1], "ORG alone in the list")
    screen = term.wait_settled()
    assert FILTER_HINT in screen and "Review" not in screen.split("\n")[0], screen
    assert count(seed_db, "spans") == 0
    term.press("Enter")
    wait_db(seed_db, "SELECT text, label FROM spans", lambda r: r == [("Heavy", "ORG")],
            "Heavy tagged ORG")
    term.wait("ORG 1", "the entities panel")
    assert term.quit() == 0


@covers("tag-type")
def test_a_letter_that_is_no_hotkey_says_so(term, seed_db):
    """In keys mode a letter no type has (``z``) picks nothing and says ``/`` filters; backspace leaves the filter."""
    open_reader(term, seed_db)
    term.press("t")
    term.wait(KEYS_HINT)
    term.press("z")
    term.wait("z is no hotkey here: / filters", "the note in the hint")
    term.press("/")
    term.wait(FILTER_HINT)
    term.type("z")
    term.press("BSpace")
    term.press("BSpace")
    term.wait(KEYS_HINT, "keys mode again after backspace on an empty filter")
    term.press("l")
    wait_db(seed_db, "SELECT label FROM spans", lambda r: r == [("LOC",)], "Heavy tagged LOC")
    assert term.quit() == 0


@covers("tag-type")
def test_the_picker_hint_fits_at_80_columns(small_term, seed_db):
    """At 80x24 both hints are shown whole inside the picker."""
    term = small_term
    open_reader(term, seed_db)
    term.press("t")
    term.wait(KEYS_HINT, "the whole keys hint")
    term.press("/")
    term.wait(FILTER_HINT, "the whole filter hint")
    term.press("Escape")
    term.wait_gone(FILTER_HINT)
    assert term.quit() == 0


@covers("tag-type")
def test_tab_into_the_filter_is_filter_mode(term, seed_db):
    """``tab`` to the filter field also means filtering: ``org`` types there, enter tags ORG."""
    open_reader(term, seed_db)
    term.press("t")
    term.wait(KEYS_HINT)
    term.press("Tab")
    term.wait(FILTER_HINT, "filter mode after tab")
    term.type("org")
    term.wait(lambda s: "ORG" in s and "PER" not in s.split("Tag as")[-1], "ORG alone in the list")
    assert count(seed_db, "spans") == 0
    term.press("Enter")
    wait_db(seed_db, "SELECT label FROM spans", lambda r: r == [("ORG",)], "Heavy tagged ORG")
    assert term.quit() == 0


@covers("event")
def test_the_event_picker_hint_shows_at_80x24(small_term, seed_db):
    """At 80x24 the 33 event types scroll inside the picker and its hint stays on screen."""
    term = small_term
    open_reader(term, seed_db)
    term.press("E")
    term.wait(KEYS_HINT, "the whole keys hint under the event list")
    term.press("Escape")
    term.wait_gone(KEYS_HINT)
    assert term.quit() == 0


@covers("event")
def test_e_then_a_two_key_hotkey_picks_the_type(term, seed_db):
    """``E`` ``t``: the list narrows to the four t… types and says their second keys; ``o`` picks Transfer-Ownership."""
    open_reader(term, seed_db)
    term.press("w")
    term.wait("1:7", "the cursor on fighting")
    term.press("E")
    term.wait(lambda s: KEYS_HINT in s and "Transfer-Ownership  [to]" in s, "the picker shows the two-key hotkeys")
    term.press("t")
    screen = term.wait(lambda s: "t… then: r Transport, o Transfer-Ownership" in s, "the second keys, said")
    assert "Attack" not in screen, screen
    assert count(seed_db, "events") == 0
    term.press("o")
    wait_db(seed_db, "SELECT type FROM events", lambda r: r == [("Transfer-Ownership",)],
            "one Transfer-Ownership event")
    assert term.quit() == 0
