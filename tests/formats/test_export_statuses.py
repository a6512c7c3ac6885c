"""Exports carry accepted annotations as gold, and nothing else as gold (issue 15, item 5).

A dataset format that has room for a status keeps it apart from the gold
(spaCy: span groups); one that has none (CoNLL) reports every pending or
rejected span it writes as an entity, and ``--strict`` refuses the export.
Each test runs the real command line on a real SQLite database.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tui.cli.main import cli

TEXT = "Sadr spoke in Basra. Maliki flew to Baghdad.\n"
# Code-point offsets: Sadr 0-4, Basra 14-19, Maliki 21-27, Baghdad 36-43.
SPANS = [
    {"id": "s1", "label": "PER", "fragments": [[0, 4]], "text": "Sadr", "status": "accepted"},
    {"id": "s2", "label": "GPE", "fragments": [[14, 19]], "text": "Basra", "status": "pending"},
    {"id": "s3", "label": "PER", "fragments": [[21, 27]], "text": "Maliki", "status": "rejected"},
    {"id": "s4", "label": "GPE", "fragments": [[36, 43]], "text": "Baghdad", "status": "accepted"},
]


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def db(tmp_path):
    src = tmp_path / "news.jsonl"
    line = {"name": "news", "text": TEXT,
            "spans": [dict(s, annotator="alice", origin="suggest") for s in SPANS]}
    src.write_text(json.dumps(line) + "\n", encoding="utf-8")
    path = tmp_path / "a.db"
    result = run("--db", str(path), "import", "--format", "jsonl", str(src))
    assert result.exit_code == 0, result.output
    return path


def _imported(tmp_path, fmt, path):
    """The JSONL line of the one document ``path`` holds, imported into a new database."""
    back = tmp_path / "back.db"
    result = run("--db", str(back), "import", "--format", fmt, str(path))
    assert result.exit_code == 0, result.output
    jsonl = tmp_path / "back.jsonl"
    assert run("--db", str(back), "export", "--format", "jsonl", "--out", str(jsonl)).exit_code == 0
    (line,) = [d for d in map(json.loads, jsonl.read_text(encoding="utf-8").splitlines()) if "text" in d]
    return line


def _statuses(line):
    return sorted((s["text"], s["status"]) for s in line["spans"])


def _conll_entities(path):
    return [line.split()[0] for line in path.read_text(encoding="utf-8").splitlines()
            if line.split() and line.split()[-1].startswith("B-")]


def test_conll_default_writes_accepted_only(tmp_path, db):
    out = tmp_path / "out.conll"
    result = run("--db", str(db), "export", "--format", "conll", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert _conll_entities(out) == ["Sadr", "Baghdad"]
    assert "status" not in result.output


def test_conll_status_all_reports_each_non_accepted_span(tmp_path, db):
    out = tmp_path / "out.conll"
    result = run("--db", str(db), "export", "--format", "conll", "--status", "all", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert _conll_entities(out) == ["Sadr", "Basra", "Maliki", "Baghdad"]
    (line,) = [x for x in result.output.splitlines() if "statuses" in x]
    assert line.startswith("loss: lost 2 statuses")
    assert "'Basra' 14-19 pending" in line and "'Maliki' 21-27 rejected" in line


def test_conll_strict_refuses_non_accepted_as_gold(tmp_path, db):
    out = tmp_path / "out.conll"
    result = run("--db", str(db), "export", "--format", "conll", "--status", "pending", "--strict",
                 "--out", str(out))
    assert result.exit_code != 0
    assert "statuses" in result.output
    assert not out.exists()


def test_spacy_keeps_pending_and_rejected_out_of_the_gold(tmp_path, db):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    out = tmp_path / "out.spacy"
    result = run("--db", str(db), "export", "--format", "spacy", "--status", "all", "--out", str(out))
    assert result.exit_code == 0, result.output
    (doc,) = DocBin().from_disk(out).get_docs(spacy.blank("xx").vocab)
    assert [(e.text, e.label_) for e in doc.ents] == [("Sadr", "PER"), ("Baghdad", "GPE")]
    assert [s.text for s in doc.spans["tui"]] == ["Sadr", "Baghdad"]
    assert [s.text for s in doc.spans["tui_pending"]] == ["Basra"]
    assert [s.text for s in doc.spans["tui_rejected"]] == ["Maliki"]
    assert "tui_pending (pending)" in result.output


def test_spacy_round_trip_keeps_statuses(tmp_path, db):
    pytest.importorskip("spacy")
    out = tmp_path / "out.spacy"
    assert run("--db", str(db), "export", "--format", "spacy", "--status", "all", "--out", str(out)).exit_code == 0
    assert _statuses(_imported(tmp_path, "spacy", out)) == [
        ("Baghdad", "accepted"), ("Basra", "pending"), ("Maliki", "rejected"), ("Sadr", "accepted")]


def test_foreign_docbin_status_groups_and_prodigy_incorrect_spans(tmp_path):
    """A DocBin from elsewhere (no tui user_data): tui_pending is pending, incorrect_spans rejected."""
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    doc = nlp.make_doc(TEXT)
    doc.spans["sc"] = [doc.char_span(0, 4, label="PER")]
    doc.spans["incorrect_spans"] = [doc.char_span(21, 27, label="PER")]
    doc.spans["tui_pending"] = [doc.char_span(14, 19, label="GPE")]
    path = tmp_path / "prodigy.spacy"
    DocBin(docs=[doc]).to_disk(path)
    assert _statuses(_imported(tmp_path, "spacy", path)) == [
        ("Basra", "pending"), ("Maliki", "rejected"), ("Sadr", "accepted")]


def test_brat_marks_non_accepted_with_a_status_note_and_reads_it_back(tmp_path, db):
    out = tmp_path / "brat"
    result = run("--db", str(db), "export", "--format", "brat", "--status", "all", "--out", str(out))
    assert result.exit_code == 0, result.output
    ann = (out / "news.ann").read_text(encoding="utf-8").splitlines()
    tids = {line.split("\t")[2]: line.split("\t")[0] for line in ann if line.startswith("T")}
    notes = sorted(line.split("\t", 1)[1] for line in ann if line.startswith("#"))
    assert notes == sorted([f"AnnotatorNotes {tids['Basra']}\ttui:status=pending",
                            f"AnnotatorNotes {tids['Maliki']}\ttui:status=rejected"])
    line = _imported(tmp_path, "brat", out)
    assert _statuses(line) == [
        ("Baghdad", "accepted"), ("Basra", "pending"), ("Maliki", "rejected"), ("Sadr", "accepted")]
    assert line.get("notes", []) == []


def test_brat_default_export_has_no_status_notes(tmp_path, db):
    out = tmp_path / "brat"
    assert run("--db", str(db), "export", "--format", "brat", "--out", str(out)).exit_code == 0
    ann = (out / "news.ann").read_text(encoding="utf-8")
    assert "tui:status" not in ann and "Basra" not in ann and "Sadr" in ann
