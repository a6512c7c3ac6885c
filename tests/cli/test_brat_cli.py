"""brat through the command line: malformed input refused with file:line, export to a folder."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tests.conftest import DATA, SEED, db_snapshot
from tui.cli.main import cli

TEXT = "Alice met Bob in Paris."


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _folder(tmp_path, ann: str, text: str = TEXT, conf: str | None = None):
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "doc.txt").write_text(text, encoding="utf-8", newline="")
    (folder / "doc.ann").write_text(ann, encoding="utf-8", newline="")
    if conf is not None:
        (folder / "annotation.conf").write_text(conf, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("ann", "line", "reason"),
    [
        ("T1\tPerson 0 5\tAlice\nTx\tPerson 0 5\tAlice\n", 2, "bad id 'Tx' (expected a letter and a number, e.g. T3)"),
        ("X1\tPerson 0 5\tAlice\n", 1, "unknown line kind: id 'X1' (brat ids start with T, E, R, A, M, N, # or *)"),
        ("T1\tPerson 0 five\tAlice\n", 1, "T1: bad offsets '0 five' (expected 'START END' pairs separated by ';')"),
        ("T1\tPerson 5 0\tAlice\n", 1, "T1: bad offsets 5 0 (start after end)"),
        ("T1\tPerson 0 5;3 8\tAlice e me\n", 1, "T1: bad offsets '0 5;3 8' (fragments overlap)"),
        ("T1\tPerson 17 99\tParis\n", 1, "T1: offset 99 is past the end of the text (23 characters)"),
        ("T1\tPerson 0 5\tAlica\n", 1, "T1: span text 'Alica' does not match the document text 'Alice'"),
        ("T1\tPerson 0 5;10 13\tAliceBob\n", 1, "T1: span text 'AliceBob' does not match the document text 'Alice Bob'"),
        ("T1\tMeet 6 9\tmet\nE1\tMeet:T1 Who:T9\n", 2, "E1: argument Who: T9 points to a missing id"),
        ("E1\tMeet:T4\n", 1, "E1: trigger T4 points to a missing id"),
        ("T1\tPerson 0 5\tAlice\nE1\tMeet:T1\n", 2, "E1: trigger T1 has type 'Person', not the event type 'Meet'"),
        ("T1\tPerson 0 5\tAlice\nR1\tKnows Arg1:T1 Arg2:T7\n", 2, "R1: argument Arg2: T7 points to a missing id"),
        ("T1\tPerson 0 5\tAlice\nR1\tKnows Arg1:T1\n", 2, "R1: malformed relation line (expected 'TYPE ARG1:ID ARG2:ID')"),
        ("T1\tPerson 0 5\tAlice\n*\tAlias T1 T3\n", 2, "*: member T3 points to a missing id"),
        ("A1\tNegation E5\n", 1, "A1: target E5 points to a missing id"),
        ("N1\tReference T1 nokey\n", 1, "N1: malformed normalisation line (expected 'Reference ID RESOURCE:KEY')"),
        ("#1\tAnnotatorNotes\tnote\n", 1, "#1: malformed note line (expected 'TYPE ID<TAB>TEXT')"),
        ("T1\tPerson 0 5\tAlice\nT1\tPerson 10 13\tBob\n", 2, "duplicate id T1 (first on line 1)"),
        ("T1 Person 0 5 Alice\n", 1, "malformed line 'T1 Person 0 5 Alice': no TAB after the id"),
        ("T1\tPerson 0 5\t\x1b[31mAlice\n", 1, "T1: span text '\\x1b[31mAlice' does not match the document text 'Alice'"),
    ],
)
def test_malformed_ann_line_is_refused_with_file_line_reason(tmp_path, ann, line, reason):
    """Each malformed .ann line kind: 'file:line: reason', exit 1, database unchanged."""
    db = tmp_path / "a.db"
    assert run("--db", db, "import", SEED).exit_code == 0
    before = db_snapshot(db)
    folder = _folder(tmp_path, ann)
    r = run("--db", db, "import", "--format", "brat", folder)
    assert r.exit_code == 1
    assert f"tui: error: {folder / 'doc.ann'}:{line}: {reason}\n" in r.output
    assert "nothing was written" in r.output and "Traceback" not in r.output
    assert "\x1b" not in r.output
    assert db_snapshot(db) == before


def test_every_problem_is_listed_and_nothing_imported(tmp_path):
    """Several bad lines in several files: all reported, none imported, a missing .txt named."""
    db = tmp_path / "a.db"
    assert run("--db", db, "import", SEED).exit_code == 0
    before = db_snapshot(db)
    folder = _folder(tmp_path, "T1\tPerson 0 5\tAlice\nT2\tPerson 0 99\tx\nQ1\tx\n")
    (folder / "good.txt").write_text("fine", encoding="utf-8")
    (folder / "good.ann").write_text("T1\tX 0 4\tfine\n", encoding="utf-8")
    (folder / "orphan.ann").write_text("T1\tX 0 1\ta\n", encoding="utf-8")
    r = run("--db", db, "import", folder)  # auto: a folder with .ann files is brat
    assert r.exit_code == 1
    assert f"{folder / 'doc.ann'}:2: T2: offset 99 is past the end" in r.output
    assert f"{folder / 'doc.ann'}:3: unknown line kind" in r.output
    assert f"{folder / 'orphan.ann'}: no text file beside it (orphan.txt is missing)" in r.output
    assert db_snapshot(db) == before


def test_conf_violation_is_an_error_and_lenient_imports_the_rest(tmp_path):
    """With annotation.conf, an unknown type is refused; --lenient imports the rest and lists what it skipped."""
    db = tmp_path / "a.db"
    assert run("--db", db, "import", SEED).exit_code == 0
    before = db_snapshot(db)
    folder = _folder(tmp_path, "T1\tPerson 0 5\tAlice\nT2\tRobot 10 13\tBob\n", conf="[entities]\nPerson\n")
    r = run("--db", db, "import", "--format", "brat", folder)
    assert r.exit_code == 1
    assert f"tui: error: {folder / 'doc.ann'}:2: T2: unknown span type 'Robot' (schema brat:brat)" in r.output
    assert db_snapshot(db) == before
    r = run("--db", db, "import", "--format", "brat", "--lenient", folder)
    assert r.exit_code == 0, r.output
    assert f"skipped: {folder / 'doc.ann'}:2: T2: unknown span type 'Robot'" in r.output
    assert "1 document(s) imported" in r.output and "1 annotation(s) added" in r.output


def test_bad_annotation_conf_is_refused_with_its_line(tmp_path):
    """A broken annotation.conf is named with its line; nothing is imported."""
    db = tmp_path / "a.db"
    folder = _folder(tmp_path, "T1\tPerson 0 5\tAlice\n", conf="[entities]\nPerson\n[events]\n\t\tMeet Who:Person\n")
    r = run("--db", db, "import", "--format", "brat", folder)
    assert r.exit_code == 1
    assert (f"tui: error: {folder / 'annotation.conf'}:4: 'Meet' is indented 2 but no line above is indented 1 "
            "(brat needs the parent one step less indented)") in r.output
    # an argument type declared nowhere is no error (brat loads such a conf): a note says what tui made of it
    (folder / "annotation.conf").write_text("[entities]\nPerson\n[events]\nMeet Who:Robot\n", encoding="utf-8")
    r = run("--db", db, "import", "--format", "brat", folder)
    assert r.exit_code == 0, r.output
    assert f"note: {folder / 'annotation.conf'}:4: 'Robot' is not an entity or event type of this conf" in r.output


def test_cli_export_brat_folder_round_trip(tmp_path):
    """tui import (brat) then tui export --format brat --out DIR writes the same files; the schema is stored."""
    db = tmp_path / "a.db"
    r = run("--db", db, "import", "--format", "brat", DATA / "brat" / "news")
    assert r.exit_code == 0, r.output
    assert "13 document(s) imported" in r.output
    out = tmp_path / "out"
    r = run("--db", db, "export", "--format", "brat", "--out", out)
    assert r.exit_code == 0, r.output
    assert "loss: brat has no place for annotators" in r.output
    for src in (DATA / "brat" / "news").iterdir():
        if src.suffix in (".txt", ".ann") or src.name.endswith(".conf"):
            assert (out / src.name).read_bytes() == src.read_bytes(), src.name
    r = run("--db", db, "schema", "show", "brat:news")
    assert r.exit_code == 0 and "Transfer-money" in r.output


def test_cli_export_brat_needs_out_dir(tmp_path):
    """brat writes a folder: exporting to standard output is refused."""
    db = tmp_path / "a.db"
    run("--db", db, "import", SEED)
    r = run("--db", db, "export", "--format", "brat")
    assert r.exit_code != 0 and "--out DIR" in r.output
