"""Issue 14 in a real terminal: `a` runs the lexicon source; accepting a suggested event opens its role prompt.

A three-sentence article: `a` suggests "Rebels" (a PER nominal), "attacked" (an
Attack trigger: a pending event), "market" (FAC) and "Kirkuk" (a place). In
review, `a` accepts "Rebels"; `a` on the event accepts it and opens the role
prompt, where `a` is the Attacker's letter (it fills the role and decides no
review item); `escape` ends the prompt and the review goes on at "market",
which `x` rejects.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tests.terminal.harness import Terminal, covers, needs_tmux, wait_db
from tui.cli.main import cli

pytestmark = needs_tmux

TEXT = "Rebels attacked the market in Kirkuk on Sunday.\n\nThe town was quiet later.\n"
STATUS = "SELECT text, status FROM spans ORDER BY start"


@covers("suggest-defaults", "review-accept", "review-reject", "role-letter-a", "role-done")
def test_accepting_a_lexicon_event_in_review_opens_its_role_prompt(term: Terminal, tmp_path: Path):
    """`a` suggests; `a` `a` accept the nominal and the event, `a` fills Attacker, escape, `x` rejects the next."""
    article = tmp_path / "rebels.txt"
    article.write_text(TEXT, encoding="utf-8")
    db = tmp_path / "t.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "--annotator", "alice", "import", str(article)])
    assert result.exit_code == 0, result.output
    term.start("--db", db, "rebels")
    term.wait_ready("Rebels attacked the market")
    term.press("a")
    screen = term.wait(lambda s: "REVIEW" in s and "lexicon" in s, "the review of the default sources")
    assert "lexicon 4" in screen.replace("\n", " "), "Rebels, attacked, market, town: the lexicon's count"
    term.wait("PER “Rebels”", "the first item: the nominal")
    term.press("a")
    wait_db(db, STATUS, lambda r: ("Rebels", "accepted") in r, "Rebels accepted")
    term.wait("Attack event “attacked”", "the event is the next item")
    term.press("a")
    wait_db(db, "SELECT status FROM events", lambda r: r == [("accepted",)], "the event accepted")
    assert ("attacked", "accepted") in wait_db(db, STATUS, lambda r: True, "spans"), "its trigger with it"
    screen = term.wait("Attack event · role 1/", "the role prompt opened on the accepted event")
    assert "candidate: “Rebels”" in screen and "[a] Attacker" in screen

    # In the prompt a is the Attacker's letter: it fills the role, and decides no review item.
    term.press("a")
    rows = wait_db(db, "SELECT arguments FROM events", lambda r: "Attacker" in r[0][0], "Attacker filled")
    spans = dict(wait_db(db, "SELECT id, text FROM spans", lambda r: True, "spans"))
    assert [(a["role"], spans[a["target"]]) for a in json.loads(rows[0][0])] == [("Attacker", "Rebels")]
    assert ("market", "pending") in wait_db(db, STATUS, lambda r: True, "spans")
    term.wait_settled()
    term.press("Escape")
    term.wait(lambda s: "role 1/" not in s and "role 2/" not in s and "FAC “market”" in s,
              "the prompt closed, the review back on the next item")
    term.wait("REVIEW 2/", "the review's progress")

    # The review's keys are back: x rejects the market.
    term.press("x")
    wait_db(db, STATUS, lambda r: ("market", "rejected") in r, "market rejected")
    assert ("Kirkuk", "pending") in wait_db(db, STATUS, lambda r: True, "spans")
    term.press("Escape")
    term.wait(lambda s: "REVIEW" not in s and "NORMAL" in s, "the reader")
    term.assert_no_traceback()
    assert term.quit() == 0
