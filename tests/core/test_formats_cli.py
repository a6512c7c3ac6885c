"""The dataset formats through the command line: all-or-nothing imports with file:line: reason,
loss reports printed, --strict, auto-detection and the spaCy install hint."""

from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

from tests.conftest import DATA, SEED, db_snapshot
from tui.cli.main import cli


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def db(tmp_path):
    """A database that already holds the seed article, so 'unchanged' means something."""
    path = tmp_path / "a.db"
    assert run("--db", str(path), "import", str(SEED)).exit_code == 0
    return path


LS_BAD = json.dumps([{"data": {"text": "abc"}, "annotations": [{"result": [
    {"id": "x", "type": "labels", "value": {"start": 0, "end": 2, "text": "zz", "labels": ["X"]}}]}]}])

MALFORMED = [
    ("conll", "bad.conllu", "1\tA\ta\tX\tX\t_\t0\troot\t_\t_\n2\tB\tb\n",
     "bad.conllu:2: expected 10 tab-separated columns (CoNLL-U), found 3"),
    ("labelstudio", "bad.json", LS_BAD,
     "bad.json:1: task 1, annotation 0, result 0 (id 'x'): span text 'zz' does not match the document ('ab')"),
    ("labelstudio", "broken.json", '[{"data": {"text": "a"}},\n  {"data": ]',
     "broken.json:2: malformed JSON: Expecting value (column 12)"),
    ("doccano", "bad.jsonl", '{"text": "abc", "label": [[0, 1, "X"]]}\n{"text": "abc", "label": [[2, 7, "X"]]}\n',
     "bad.jsonl:2: label[0]: offset 7 is past the end of the text (3)"),
    ("spacy", "bad.spacy", "this is not a DocBin", "bad.spacy: not a spaCy DocBin ("),
]


@pytest.mark.parametrize(("fmt", "name", "content", "message"), MALFORMED)
def test_malformed_input_changes_nothing(tmp_path, db, fmt, name, content, message):
    """A bad file: one line naming file, line and reason; exit 1; the database is unchanged."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    before = db_snapshot(db)
    r = CliRunner().invoke(cli, ["--db", str(db), "import", "--format", fmt, str(path)])
    assert r.exit_code == 1
    assert r.output.startswith(f"tui: error: {tmp_path}/{message}")
    assert "Traceback" not in r.output and "nothing was written" in r.output
    assert db_snapshot(db) == before


def test_one_bad_file_among_good_ones_imports_nothing(tmp_path, db):
    """All or nothing across files: a good CoNLL file is not imported when another is bad."""
    good = tmp_path / "good.bio"
    good.write_text("Basra B-GPE\n", encoding="utf-8")
    bad = tmp_path / "bad.conllu"
    bad.write_text("1\tA\n", encoding="utf-8")
    before = db_snapshot(db)
    r = CliRunner().invoke(cli, ["--db", str(db), "import", "--format", "conll", str(good), str(bad)])
    assert r.exit_code == 1 and db_snapshot(db) == before


def test_conll_repairs_are_printed_as_notes(tmp_path):
    """Importing the Europeana FR excerpt prints the IOB1 repair and imports its entities."""
    db = str(tmp_path / "x.db")
    r = run("--db", db, "import", str(DATA / "conll" / "enp_FR.bnf.head300.bio"))
    assert r.exit_code == 0
    assert "note: " in r.output and "IOB1 tagging (I- tags, no B-): converted to IOB2" in r.output
    assert "1 document(s) imported" in r.output


def _seed_with_overlap(tmp_path):
    db = str(tmp_path / "o.db")
    doc = {"name": "d", "text": "the British army", "spans": [
        {"id": "s1", "label": "ORG", "fragments": [[4, 16]]},
        {"id": "s2", "label": "GPE", "fragments": [[4, 11]]}]}
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(doc) + "\n", encoding="utf-8")
    assert run("--db", db, "import", "--format", "jsonl", str(src)).exit_code == 0
    return db


def test_loss_report_printed_and_strict_fails(tmp_path):
    """A lossy export prints its losses; with --strict it fails and writes no file."""
    db = _seed_with_overlap(tmp_path)
    out = tmp_path / "o.conll"
    r = run("--db", db, "export", "--format", "conll", "--out", str(out))
    assert r.exit_code == 0
    assert "loss: lost 1 overlapping or nested spans (longest first, then earliest, kept): d: GPE 'British' 4-11" in r.output
    assert out.read_text(encoding="utf-8").startswith("-DOCSTART- -X- O O\n\nthe O\nBritish B-ORG\narmy I-ORG\n")
    out.unlink()
    r = CliRunner().invoke(cli, ["--db", db, "export", "--format", "conll", "--strict", "--out", str(out)])
    assert r.exit_code == 1 and "--strict: lost 1 overlapping" in r.output
    assert not out.exists()


def test_strict_passes_when_nothing_is_lost(tmp_path):
    """--strict succeeds when the format carries everything the documents hold."""
    db = str(tmp_path / "s.db")
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"name": "d", "text": "Basra fell", "spans": [
        {"id": "s1", "label": "GPE", "fragments": [[0, 5]]}]}) + "\n", encoding="utf-8")
    run("--db", db, "import", str(src))
    for fmt in ("labelstudio", "doccano"):
        r = run("--db", db, "export", "--format", fmt, "--strict", "--out", str(tmp_path / f"o.{fmt}"))
        assert r.exit_code == 0 and "loss:" not in r.output


def test_auto_detects_doccano_and_our_jsonl(tmp_path):
    """--format auto: a doccano .jsonl is read as doccano, ours as jsonl."""
    db = str(tmp_path / "x.db")
    doccano = tmp_path / "dc.jsonl"
    doccano.write_text(json.dumps({"text": "😀 Basra", "label": [[3, 8, "GPE"]]}) + "\n", encoding="utf-8")
    assert run("--db", db, "import", str(doccano)).exit_code == 0
    r = run("--db", db, "export", "--format", "jsonl")
    (line,) = [json.loads(x) for x in r.output.splitlines()]
    assert [(s["label"], s["text"]) for s in line["spans"]] == [("GPE", "Basra")]
    ours = tmp_path / "ours.jsonl"
    ours.write_text(r.output.replace('"dc"', '"copy"'), encoding="utf-8")
    r = run("--db", str(tmp_path / "y.db"), "import", str(ours))
    assert r.exit_code == 0 and "1 document(s) imported" in r.output


def test_spacy_export_import_through_the_cli(tmp_path):
    """`export --format spacy --out F.spacy` writes a binary DocBin that imports back."""
    pytest.importorskip("spacy")
    db = _seed_with_overlap(tmp_path)
    out = tmp_path / "c.spacy"
    r = run("--db", db, "export", "--format", "spacy", "--out", str(out))
    assert r.exit_code == 0 and out.read_bytes()[:1] != b"["
    r = run("--db", str(tmp_path / "back.db"), "import", str(out))
    assert r.exit_code == 0 and "2 annotation(s) added" in r.output


def test_spacy_missing_says_how_to_install(tmp_path, monkeypatch):
    """Without spaCy, import and export say `pip install 'tui[spacy]'` in one line, exit 1."""
    db = _seed_with_overlap(tmp_path)
    monkeypatch.setitem(sys.modules, "spacy", None)  # makes `import spacy` raise ImportError
    for args in (["export", "--format", "spacy", "--out", str(tmp_path / "x.spacy")],
                 ["import", "--format", "spacy", str(tmp_path / "x.spacy")]):
        (tmp_path / "x.spacy").write_bytes(b"x")
        r = CliRunner().invoke(cli, ["--db", db, *args])
        assert r.exit_code == 1
        assert r.output.strip().splitlines()[0] == "tui: error: spaCy is not installed: pip install 'tui[spacy]'"
