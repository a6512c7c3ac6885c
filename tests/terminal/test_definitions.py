"""The schema's definitions in a real terminal (issue 14): pickers, role prompt, attributes, inspector.

The highlighted entry's definition is one line under the list, cut to the
dialog's width with "…"; a definition is schema data, shown as text, never
as markup.
"""

from __future__ import annotations

import re

from tests.terminal.harness import Terminal, covers, needs_tmux, wait_db
from tui.core.model import Document
from tui.core.schema import parse_schema
from tui.core.store import Store

pytestmark = needs_tmux

PER = "A person or a group of people, named, described or referred to by"
ORG = "An organisation with a formal structure"
ATTACK = "A violent physical act causing harm or"


def open_reader(term: Terminal, db, text: str = "Heavy fighting") -> None:
    term.start("--db", db)
    term.wait_ready(text)
    term.wait("1:1", "the cursor at 1:1")


def _tag_basra(term: Terminal, db) -> None:
    """Tag "Basra" (the seventh word) GPE, then put the cursor back on "fighting" (1:7)."""
    term.press(*["w"] * 6)
    term.wait("1:35", "the cursor on Basra")
    term.press("3")
    wait_db(db, "SELECT label, text FROM spans", lambda r: ("GPE", "Basra") in r, "Basra tagged GPE")
    term.press("g", "w")
    term.wait("1:7", "the cursor on fighting")


def line_with(screen: str, text: str) -> str:
    return next(line for line in screen.splitlines() if text in line)


@covers("tag-type")
def test_type_picker_shows_the_highlighted_definition_on_one_line(small_term, seed_db):
    """At 80x24: ``t`` shows PER's definition, cut with "…" inside the dialog; ↓ shows ORG's instead."""
    term = small_term
    open_reader(term, seed_db)
    term.press("t")
    screen = term.wait(PER, "PER's definition under the list")
    assert re.search(r"… *│$", line_with(screen, PER).rstrip()), screen
    term.press("Down")
    screen = term.wait(lambda s: ORG in s and PER not in s, "ORG's definition replaces PER's")
    assert re.search(r"… *│$", line_with(screen, ORG).rstrip()), screen
    term.press("Escape")
    term.wait_gone(ORG, "the picker closed")
    assert term.quit() == 0


@covers("event")
def test_event_picker_role_prompt_and_inspector_show_definitions(term, seed_db):
    """``E`` shows the event type's definition; the role prompt the role's, keys still shown; the inspector the type's."""
    open_reader(term, seed_db)
    _tag_basra(term, seed_db)  # a GPE: a candidate for Attacker and Place (roles with none are skipped)
    term.press("E")
    term.wait("Someone is born.", "Be-Born's definition (the first event type)")
    term.press("a")  # Attack's hotkey
    wait_db(seed_db, "SELECT type FROM events",
            lambda r: r == [("Attack",)], "an Attack event")
    screen = term.wait("Attacker: Who attacks.", "the role's definition in the prompt")
    assert "esc done" in screen, screen  # the keys line is not pushed out
    term.press("s")  # skip Attacker; Target and Instrument have no candidate and are skipped
    term.wait("Place: Where the event happened.", "the next role's definition")
    term.press("Escape")
    screen = term.wait(lambda s: "NORMAL" in s and ATTACK in s, "the inspector shows Attack's definition")
    assert "Who or what is attacked" not in screen
    assert term.quit() == 0


@covers("attributes")
def test_attributes_dialog_shows_the_highlighted_definition(term, seed_db):
    open_reader(term, seed_db)
    _tag_basra(term, seed_db)
    term.press("E", "a")
    term.wait("Attacker: Who attacks.", "role filling")
    term.press("Escape")
    term.wait(lambda s: "NORMAL" in s and "Attacker: Who attacks." not in s, "role filling ended")
    term.press("A")
    term.wait("Whether the event is asserted to have happened", "Polarity's definition")
    term.press("Down")
    term.wait(lambda s: "When the event is placed relative to the text" in s
              and "Whether the event is asserted" not in s, "Tense's definition")
    term.press("Escape")
    term.wait_gone("When the event is placed", "the dialog closed")
    assert term.quit() == 0


@covers("tag-type")
def test_a_definition_is_text_never_markup(term, tmp_path):
    """A definition holding Rich markup is shown as typed, in the picker and in the inspector."""
    db = tmp_path / "hostile.db"
    hostile = "[bold red]PWNED[/] [link=http://x]click[/link]"
    with Store(db, annotator="alice") as store:
        store.save_schema(parse_schema(f'''name = "hostile"
[[entities]]
name = "X"
hotkey = "x"
definition = "{hostile}"
'''))
        store.add_document(Document(name="h", text="Alpha beta gamma.", schema="hostile"))
    open_reader(term, db, "Alpha beta")
    term.press("t")
    term.wait(hostile, "the definition shown literally in the picker")
    term.press("x")
    wait_db(db, "SELECT label FROM spans", lambda r: r == [("X",)], "Alpha tagged X")
    term.wait(lambda s: "X  span" in s and "[bold red]PWNED[/]" in s and "[link=http://x]click[/link]" in s,
              "the inspector shows it literally (wrapped)")
    assert term.quit() == 0
