"""suggest, search, agree, adjudicate, merge, stats on the command line: output, exit codes, errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.conftest import db_snapshot
from tui.cli.main import cli
from tui.core.model import Document, Span
from tui.core.store import Store

COMMANDS = ("suggest", "search", "agree", "adjudicate", "merge", "stats")


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def db(tmp_path):
    """A database with one document and alice's and bob's layers."""
    path = tmp_path / "a.db"
    s = Store(path, annotator="alice")
    doc, _ = s.add_document(Document(name="d", text="Ann saw Bob in Rome. Ann left Rome."))
    for label, a, b, who in [("PER", 0, 3, "alice"), ("GPE", 15, 19, "alice"),
                             ("ORG", 0, 3, "bob"), ("GPE", 15, 19, "bob"), ("PER", 8, 11, "bob")]:
        s.add(Span(label=label, fragments=[(a, b)], doc_id=doc.id, annotator=who))
    s.close()
    return path


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name):
    """Each command's --help shows an Example block."""
    r = run(name, "--help")
    assert r.exit_code == 0
    assert "Example:" in r.output and f"tui {name}" in r.output.split("Example:")[1]


def test_suggest_propagate_then_rerun(db):
    """suggest prints a summary; a re-run adds nothing."""
    r = run("--db", str(db), "suggest", "--source", "propagate", "--doc", "d")
    assert r.exit_code == 0, r.output
    assert r.output == ("propagate: 2 suggestion(s) added in 1 document(s) (GPE 1, PER 1); "
                        "2 already present, 0 previously rejected\n")
    r = run("--db", str(db), "suggest", "--source", "propagate", "--doc", "d")
    assert r.output.startswith("propagate: 0 suggestion(s) added")


def test_suggest_errors_are_one_line_and_write_nothing(db, tmp_path):
    """A bad gazetteer, a missing file, a missing model: one line each, exit 1, database untouched."""
    before = db_snapshot(db)
    bad = tmp_path / "g.tsv"
    bad.write_text("Rome\tGPE\nbroken line\n", encoding="utf-8")
    r = run("--db", str(db), "suggest", "--source", "gazetteer", "--gazetteer", str(bad))
    assert r.exit_code == 1
    assert r.output.splitlines() == [f"tui: error: {bad}:2: expected phrase<TAB>type, found 1 field(s)",
                                     "tui: nothing was written"]
    r = run("--db", str(db), "suggest", "--source", "gazetteer", "--gazetteer", str(tmp_path / "nope.tsv"))
    assert r.exit_code == 1 and len(r.output.splitlines()) == 1 and "nope.tsv" in r.output
    r = run("--db", str(db), "suggest", "--source", "spacy", "--model", "xx_missing_model")
    assert r.exit_code == 1 and r.output.startswith("tui: error: no spaCy pipeline 'xx_missing_model'")
    r = run("--db", str(db), "suggest", "--source", "propagate", "--doc", "nope")
    assert r.exit_code == 1 and r.output == "tui: error: no document named 'nope'\n"
    assert db_snapshot(db) == before


def test_suggest_gazetteer(db, tmp_path):
    gaz = tmp_path / "g.tsv"
    gaz.write_text("Rome\tGPE\nAnn\tPER\n", encoding="utf-8")
    r = run("--db", str(db), "--annotator", "carol", "suggest", "--source", "gazetteer", "--gazetteer", str(gaz))
    assert r.exit_code == 0
    assert r.output.startswith("gazetteer: 4 suggestion(s) added in 1 document(s) (GPE 2, PER 2)")


def test_search_prints_kwic_and_exits_1_when_nothing(db):
    """search prints one sanitised KWIC line per hit; no hit exits 1."""
    r = run("--db", str(db), "search", "rome", "--context", "8")
    assert r.exit_code == 0
    assert r.stdout.splitlines() == ["d:15-19   Bob in  [Rome] . Ann le", "d:30-34  nn left  [Rome] ."]
    r = run("--db", str(db), "search", "", "--type", "GPE", "--layer", "bob", "--context", "4")
    assert r.stdout.splitlines() == ["d:15-19 GPE bob accepted   in  [Rome] . An"]
    r = run("--db", str(db), "search", "ann", "--annotations", "--status", "accepted")  # read-only store
    assert r.exit_code == 0 and [line.split()[:3] for line in r.stdout.splitlines()] == [
        ["d:0-3", "PER", "alice"], ["d:0-3", "ORG", "bob"]]
    r = run("--db", str(db), "search", "zebra")
    assert r.exit_code == 1 and r.stdout == ""
    r = run("--db", str(db), "search", "ann", "--format", "json")
    assert [json.loads(line)["start"] for line in r.stdout.splitlines()] == [0, 21]


def test_search_never_prints_control_characters(tmp_path):
    path = tmp_path / "evil.db"
    s = Store(path)
    s.add_document(Document(name="evil\x1b]0;x\x07", text="\x1b[2J\x1b[31m Basra \x1b[0m\x9b"))
    s.close()
    r = run("--db", str(path), "search", "basra")
    assert r.exit_code == 0
    assert not any(ch in r.stdout for ch in "\x1b\x07\x9b")
    assert "\\x1b[2J\\x1b[31m  [Basra]  \\x1b[0m\\x9b" in r.stdout
    assert r.stdout.startswith("evil\\x1b]0;x\\x07:")


def test_search_on_missing_database(tmp_path):
    r = run("--db", str(tmp_path / "none.db"), "search", "x")
    assert r.exit_code == 1 and r.output.startswith("tui: error:") and not (tmp_path / "none.db").exists()


def test_agree_text_and_json(db):
    """agree prints the scores; json is machine-readable with the same numbers."""
    r = run("--db", str(db), "agree", "--annotators", "alice,bob", "--format", "json")
    assert r.exit_code == 0
    data = json.loads(r.output)
    exact = data["spans"]["alice|bob"]["exact"]["labeled"]
    assert (exact["precision"], exact["recall"]) == (round(1 / 3, 4), 0.5)
    assert data["tokens"]["count"] == 10
    r = run("--db", str(db), "agree", "--annotators", "alice,bob")
    assert "Cohen's kappa alice vs bob:" in r.output and "trigger identification" in r.output
    r = run("--db", str(db), "agree", "--annotators", "alice")
    assert r.exit_code == 1 and r.output == (
        "tui: error: agreement needs at least two different annotators (--annotators A,B)\n")


def test_adjudicate_list_auto_take(db):
    """adjudicate lists disagreements, --auto takes agreed items, --take decides the rest."""
    before = db_snapshot(db)
    r = run("--db", str(db), "adjudicate", "--annotators", "alice,bob", "--doc", "d")
    assert r.exit_code == 0
    assert r.output.splitlines() == [
        "  1. span 0-3 Ann  alice: PER; bob: ORG",
        "  2. span 8-11 Bob  alice: -; bob: PER",
        "2 disagreement(s) remaining",
    ]
    assert db_snapshot(db) == before  # listing writes nothing
    r = run("--db", str(db), "adjudicate", "--annotators", "alice,bob", "--doc", "d", "--auto")
    assert r.output.splitlines()[0] == "took 1 agreed item(s) into gold"
    r = run("--db", str(db), "adjudicate", "--annotators", "alice,bob", "--doc", "d", "--take", "bob", "--item", "2")
    assert r.output.splitlines() == ["took bob for 1 disagreement(s) into gold",
                                     "  1. span 0-3 Ann  alice: PER; bob: ORG", "1 disagreement(s) remaining"]
    r = run("--db", str(db), "adjudicate", "--annotators", "alice,bob", "--doc", "d", "--take", "alice")
    assert r.output.splitlines()[-1] == "0 disagreement(s) remaining"
    s = Store(db, readonly=True)
    gold = [(x.text, x.label) for x in s.annotations(s.document("d").id, annotators=["gold"]).spans]
    s.close()
    assert gold == [("Ann", "PER"), ("Bob", "PER"), ("Rome", "GPE")]


def test_adjudicate_errors_write_nothing(db):
    before = db_snapshot(db)
    r = run("--db", str(db), "adjudicate", "--annotators", "alice,bob", "--doc", "d", "--take", "zed")
    assert r.exit_code == 1 and r.output == "tui: error: cannot take 'zed': choose one of alice, bob, all or none\n"
    r = run("--db", str(db), "adjudicate", "--annotators", "alice,bob", "--doc", "d", "--take", "all", "--item", "9")
    assert r.exit_code == 1 and r.output == "tui: error: --item 9: there are 2 disagreement(s)\n"
    assert db_snapshot(db) == before


def test_merge_and_stats(db, tmp_path):
    """merge brings bob's database in (conflicts exit 2); stats counts per type/annotator/status/doc."""
    other = tmp_path / "bob.db"
    s = Store(other, annotator="dave")
    doc, _ = s.add_document(Document(name="d", text="Ann saw Bob in Rome. Ann left Rome."))
    s.add(Span(label="PER", fragments=[(21, 24)], doc_id=doc.id, status="pending"))
    s.add_document(Document(name="d2", text="different"))
    s.close()
    r = run("--db", str(db), "merge", str(other))
    assert r.exit_code == 0, r.output
    assert r.output == ("1 document(s) added, 1 matched; 1 annotation(s) added (dave 1), "
                        "0 already present; 0 conflict(s)\n")
    r = run("--db", str(db), "stats", "--format", "json")
    data = json.loads(r.output)
    assert data["documents"] == 2 and data["annotations"] == 6
    assert data["per_type"]["spans"] == {"GPE": 2, "ORG": 1, "PER": 3}
    assert data["per_annotator"] == {"alice": 2, "bob": 3, "dave": 1}
    assert data["per_status"] == {"accepted": 5, "pending": 1}
    assert data["per_document"]["d"]["spans"] == 6 and data["per_document"]["d"]["pending"] == 1
    r = run("--db", str(db), "stats")
    assert r.output.splitlines()[0] == "2 document(s), 6 annotation(s) (rejected not counted)"
    # a conflicting copy: same name, other text -> exit 2 and reported
    third = tmp_path / "carol.db"
    s = Store(third)
    s.add_document(Document(name="d2", text="changed"))
    s.close()
    r = run("--db", str(db), "merge", str(third))
    assert r.exit_code == 2
    assert r.stderr.startswith(f"conflict: {third}: document d2: text differs")
    r = run("--db", str(db), "merge", str(tmp_path / "missing.db"))
    assert r.exit_code == 1 and r.output == f"tui: error: {tmp_path / 'missing.db'}: no such database\n"
