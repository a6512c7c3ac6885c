"""Propagation in a real terminal (issue 13, item 6): a trigger propagates as pending events brat accepts."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tests.app.conftest import SEED_NAME
from tests.terminal.harness import covers, needs_tmux, wait_db
from tests.terminal.keys import binding_key
from tui.cli import cli
from tui.core.model import Event, Span
from tui.core.store import Store

pytestmark = needs_tmux


def _attack_on_first_offensive(db: Path) -> None:
    with Store(db, annotator="alice") as store:
        doc = store.document(SEED_NAME)
        start = doc.text.index("offensive")
        with store.action("event Attack offensive", doc.id) as tx:
            trigger = tx.add(Span(label="Attack", fragments=[(start, start + 9)], doc_id=doc.id))
            tx.add(Event(type="Attack", trigger=trigger.id, doc_id=doc.id))


@covers("next-annotation", "propagate")
def test_propagating_a_trigger_makes_pending_events(term, seed_db, tmp_path):
    """``]`` selects the Attack trigger, ``P`` suggests the 3 other "offensive" as pending Attack events; brat export keeps them as events."""
    _attack_on_first_offensive(seed_db)
    term.start("--db", seed_db)
    term.wait_ready("Heavy fighting has been raging in Basra")
    term.press(binding_key("next-annotation"))
    term.wait(lambda s: "“offensive”" in s, "the trigger selected (inspector)")
    term.press(binding_key("propagate"))
    term.wait("3 pending event(s)", "the propagation reported")
    rows = wait_db(seed_db, "SELECT e.type, e.status, s.text, s.status FROM events e JOIN spans s ON s.id = e.trigger",
                   lambda r: len(r) == 4, "four Attack events")
    assert sorted(rows) == [("Attack", "accepted", "offensive", "accepted")] + [
        ("Attack", "pending", "offensive", "pending")] * 3
    bare = wait_db(seed_db, "SELECT count(*) FROM spans WHERE id NOT IN (SELECT trigger FROM events)",
                   lambda r: True, "spans")
    assert bare == [(0,)], "a bare Attack span"
    term.wait("Events 1 · 3 pending", "the events panel counts them apart from the accepted one")
    assert term.quit() == 0
    out = tmp_path / "brat"
    result = CliRunner().invoke(cli, ["--db", str(seed_db), "export", "--format", "brat", "--status", "all",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    ann = (out / f"{SEED_NAME}.ann").read_text(encoding="utf-8").splitlines()
    triggers = {line.split("\t")[0] for line in ann if line.startswith("T") and "\tAttack " in line}
    used = {line.split("\t")[1].split(":")[1].split()[0] for line in ann if line.startswith("E")}
    assert len(triggers) == 4 and triggers == used
