"""Hostile and malformed input to the importers tui owns (JSONL, brat, schema TOML).

Each case is a file an analyst could receive: ids reused across documents,
offsets that are not integers, self-references, unknown statuses or schemas,
deep nesting, lone surrogates, absurd sizes. The import either succeeds with
every annotation bound inside its own document, or fails with one clean
``file:line: reason`` line, exit status 1, no traceback and no change to the
database.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import db_snapshot
from tui.cli.main import cli


def _doc(name: str, text: str, **kinds) -> dict:
    return {"name": name, "text": text, "schema": "ace2005", **kinds}


def _span(ident: str, a: int, b: int, label: str = "PER") -> dict:
    return {"id": ident, "label": label, "fragments": [[a, b]]}


def _rel(ident: str, t1: str, t2: str, typ: str = "Meet") -> dict:
    return {"id": ident, "type": typ, "arguments": [{"role": "Arg1", "target": t1}, {"role": "Arg2", "target": t2}]}


def _write_jsonl(path: Path, docs: list[dict]) -> Path:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return path


def _run(db: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=True)


def _fresh(db: Path) -> dict:
    """Create an empty database; returns its snapshot."""
    from tui.core.store import Store

    Store(db, annotator="alice").close()
    return db_snapshot(db)


def _assert_clean_failure(result, db: Path, before: dict, *needles: str) -> str:
    """Exit 1, no traceback, the database unchanged; returns the output."""
    out = result.output
    assert result.exit_code == 1, (result.exit_code, out, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in out
    assert db_snapshot(db) == before
    for needle in needles:
        assert needle in out, (needle, out)
    return out


# -- ids scoped per document ----------------------------------------------------


def test_same_ids_in_two_documents_are_both_kept_and_bound_within_their_document(tmp_path):
    db = tmp_path / "a.db"
    src = _write_jsonl(tmp_path / "two.jsonl", [
        _doc("a", "Alice met Bob.", spans=[_span("T1", 0, 5), _span("T2", 10, 13)],
             relations=[_rel("R1", "T1", "T2")]),
        _doc("b", "Carol saw Dave there.", spans=[_span("T1", 0, 5), _span("T3", 10, 14)],
             relations=[_rel("R1", "T1", "T3", "See")],
             notes=[{"id": "N1", "target": "T1", "text": "first name"}]),
    ])
    result = _run(db, "import", str(src))
    assert result.exit_code == 0, result.output
    assert "already present" not in result.output

    conn = sqlite3.connect(db)
    docs = dict(conn.execute("SELECT name, id FROM documents"))
    spans = {(r[0], r[1]): r[2] for r in conn.execute("SELECT doc_id, text, id FROM spans")}
    assert set(spans) == {(docs["a"], "Alice"), (docs["a"], "Bob"), (docs["b"], "Carol"), (docs["b"], "Dave")}
    rels = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT doc_id, arg1, arg2 FROM relations")}
    assert rels[docs["a"]] == (spans[(docs["a"], "Alice")], spans[(docs["a"], "Bob")])
    assert rels[docs["b"]] == (spans[(docs["b"], "Carol")], spans[(docs["b"], "Dave")])
    (note_doc, note_target), = conn.execute("SELECT doc_id, target FROM notes")
    assert (note_doc, note_target) == (docs["b"], spans[(docs["b"], "Carol")])
    conn.close()

    assert _run(db, "check").exit_code == 0
    # importing the same file again adds nothing
    before = db_snapshot(db)
    again = _run(db, "import", str(src))
    assert again.exit_code == 0, again.output
    assert "0 annotation(s) added" in again.output
    snap = db_snapshot(db)
    assert {t: v for t, v in snap.items() if t != "oplog"} == {t: v for t, v in before.items() if t != "oplog"}

    # the database's own export re-imports into a fresh database, byte for byte
    out1 = tmp_path / "out1.jsonl"
    assert _run(db, "export", "--format", "jsonl", "--out", str(out1)).exit_code == 0
    db2 = tmp_path / "b.db"
    assert _run(db2, "import", str(out1)).exit_code == 0
    out2 = tmp_path / "out2.jsonl"
    assert _run(db2, "export", "--format", "jsonl", "--out", str(out2)).exit_code == 0
    assert out1.read_bytes() == out2.read_bytes()


def test_an_id_of_another_document_already_stored_does_not_swallow_the_new_one(tmp_path):
    db = tmp_path / "a.db"
    first = _write_jsonl(tmp_path / "first.jsonl", [_doc("a", "Alice met Bob.", spans=[_span("T1", 0, 5)])])
    second = _write_jsonl(tmp_path / "second.jsonl", [
        _doc("b", "Carol saw Dave.", spans=[_span("T1", 0, 5), _span("T2", 10, 14)],
             relations=[_rel("R1", "T1", "T2")])])
    assert _run(db, "import", str(first)).exit_code == 0
    result = _run(db, "import", str(second))
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    doc_b = conn.execute("SELECT id FROM documents WHERE name = 'b'").fetchone()[0]
    assert sorted(r[0] for r in conn.execute("SELECT text FROM spans WHERE doc_id = ?", (doc_b,))) == ["Carol", "Dave"]
    arg1, arg2 = conn.execute("SELECT arg1, arg2 FROM relations WHERE doc_id = ?", (doc_b,)).fetchone()
    owners = {r[0] for r in conn.execute("SELECT doc_id FROM spans WHERE id IN (?, ?)", (arg1, arg2))}
    assert owners == {doc_b}
    conn.close()


def test_check_reports_a_reference_into_another_document(tmp_path):
    db = tmp_path / "a.db"
    src = _write_jsonl(tmp_path / "two.jsonl", [
        _doc("a", "Alice met Bob.", spans=[_span("S1", 0, 5), _span("S2", 10, 13)]),
        _doc("b", "Carol saw Dave.", spans=[_span("S3", 0, 5), _span("S4", 10, 14)],
             relations=[_rel("R1", "S3", "S4")]),
    ])
    assert _run(db, "import", str(src)).exit_code == 0
    assert _run(db, "check").exit_code == 0
    conn = sqlite3.connect(db)
    conn.execute("UPDATE relations SET arg1 = 'S1' WHERE id = 'R1'")  # what the old import did
    conn.commit()
    conn.close()
    result = _run(db, "check")
    assert result.exit_code == 1
    assert "R1 refers to S1" in result.output and "another document" in result.output


# -- strict JSONL -------------------------------------------------------------------

TEXT = "Alice met Bob."


def _line(**extra) -> str:
    """One JSONL document line (raw text, so non-JSON numbers can be spliced in)."""
    doc = {"name": "d", "text": TEXT, "schema": "ace2005"}
    doc.update(extra)
    return json.dumps(doc)


SPAN_AT = '{"name": "d", "text": "Alice met Bob.", "spans": [{"id": "T1", "label": "PER", "fragments": [[%s, 5]]}]}'

BAD_LINES = {
    "float offset": SPAN_AT % "0.0",
    "string offset": SPAN_AT % '"0"',
    "boolean offset": SPAN_AT % "false",
    "Infinity offset": SPAN_AT % "Infinity",
    "1e400 offset": SPAN_AT % "1e400",
    "-Infinity offset": SPAN_AT % "-Infinity",
    "huge integer offset": SPAN_AT % ("9" * 5000),
    "boolean start": _line(spans=[{"id": "T1", "label": "PER", "fragments": [[0, 5]], "start": False}]),
    "float style offset": _line(styles=[{"start": 0.5, "end": 2, "kind": "strong", "attrs": {}}]),
    "event refers to itself": _line(spans=[_span("T1", 6, 9, "Meet")], events=[
        {"id": "E1", "type": "Meet", "trigger": "T1", "arguments": [{"role": "Entity", "target": "E1"}]}]),
    "relation refers to itself": _line(spans=[_span("T1", 0, 5)], relations=[_rel("R1", "T1", "R1")]),
    "note on itself": _line(notes=[{"id": "N1", "target": "N1", "text": "me"}]),
    "attribute on itself": _line(attributes=[{"id": "A1", "target": "A1", "name": "Negation"}]),
    "normalisation on itself": _line(normalizations=[
        {"id": "N1", "target": "N1", "resource": "Wikipedia", "key": "1"}]),
    "equivalence with itself": _line(spans=[_span("T1", 0, 5)], equivalences=[
        {"id": "Q1", "type": "Coreference", "members": ["T1", "Q1"]}]),
    "unknown document status": _line(status={"alice": "finished"}),
    "document status not a string": _line(status={"alice": ["done"]}),
    "deep nesting": '{"name": "d", "text": "x", "meta": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "nesting in meta": _line(meta={"a": json.loads("[" * 200 + "]" * 200)}),
    "lone surrogate in text": '{"name": "d", "text": "a\\ud800b"}',
    "lone surrogate in a label": SPAN_AT.replace('"PER"', '"P\\udfffR"') % "0",
    "label of 10,000 characters": _line(spans=[_span("T1", 0, 5, "P" * 10_000)]),
    "id of 10,000 characters": _line(spans=[_span("T" * 10_000, 0, 5)]),
}


@pytest.mark.parametrize("case", sorted(BAD_LINES))
def test_jsonl_bad_value_is_a_clean_error(tmp_path, case):
    db = tmp_path / "a.db"
    assert _run(db, "import", str(_write_jsonl(tmp_path / "ok.jsonl", [_doc("ok", "fine")]))).exit_code == 0
    before = db_snapshot(db)
    src = tmp_path / "bad.jsonl"
    src.write_text('{"name": "good", "text": "fine"}\n' + BAD_LINES[case] + "\n", encoding="utf-8")
    out = _assert_clean_failure(_run(db, "import", str(src)), db, before)
    assert f"{src}:2: " in out, out
    assert len(out) < 2000


def test_jsonl_nan_offset_is_a_clean_error(tmp_path):
    db = tmp_path / "a.db"
    src = tmp_path / "bad.jsonl"
    src.write_text(SPAN_AT % "NaN" + "\n", encoding="utf-8")
    before = _fresh(db)
    out = _assert_clean_failure(_run(db, "import", str(src)), db, before)
    assert f"{src}:1: " in out


def test_jsonl_unknown_schema_is_refused(tmp_path):
    db = tmp_path / "a.db"
    src = _write_jsonl(tmp_path / "s.jsonl", [{"name": "d", "text": TEXT, "schema": "no-such-schema"}])
    before = _fresh(db)
    out = _assert_clean_failure(_run(db, "import", str(src)), db, before, "unknown schema 'no-such-schema'")
    assert "Traceback" not in out
    # a preset, and a schema stored earlier, are accepted
    ok = _write_jsonl(tmp_path / "p.jsonl", [{"name": "p", "text": TEXT, "schema": "ace2005"}])
    assert _run(db, "import", str(ok)).exit_code == 0


def test_jsonl_unknown_type_reported_beside_other_bad_lines(tmp_path):
    db = tmp_path / "a.db"
    src = tmp_path / "mixed.jsonl"
    src.write_text(
        json.dumps(_doc("a", TEXT, spans=[_span("T1", 0, 5, "NoSuchType")])) + "\n"
        + '{"name": "b", "text": "x", "spans": [{"label": "PER", "fragments": [[0, 9]]}]}\n',
        encoding="utf-8")
    before = _fresh(db)
    out = _assert_clean_failure(_run(db, "import", "--schema", "ace2005", str(src)), db, before)
    assert f"{src}:1: " in out and "NoSuchType" in out, out
    assert f"{src}:2: " in out, out


def test_jsonl_line_of_absurd_size_is_refused_unread(tmp_path):
    db = tmp_path / "a.db"
    src = tmp_path / "big.jsonl"
    with open(src, "w", encoding="utf-8") as f:
        f.write('{"name": "small", "text": "fine"}\n')
        f.write('{"name": "big", "text": "')
        chunk = "a" * 2**20
        for _ in range(65):
            f.write(chunk)
        f.write('"}\n')
    before = _fresh(db)
    out = _assert_clean_failure(_run(db, "import", str(src)), db, before)
    assert f"{src}:2: line longer than" in out, out


# -- strict brat ----------------------------------------------------------------------

BRAT_TEXT = "Alice met Bob in Paris."
BRAT_BAD = {
    "event argument is itself": "T1\tMeet 6 9\tmet\nE1\tMeet:T1 Entity:E1\n",
    "attribute on itself": "T1\tPER 0 5\tAlice\nA1\tNegation A1\n",
    "note on itself": "T1\tPER 0 5\tAlice\n#1\tAnnotatorNotes #1\tme\n",
    "normalisation on itself": "T1\tPER 0 5\tAlice\nN1\tReference N1 Wikipedia:1\n",
    "label of 10,000 characters": "T1\t" + "P" * 10_000 + " 0 5\tAlice\n",
    "offset of 5,000 digits": "T1\tPER 0 5\tAlice\nT2\tPER 0 " + "9" * 5000 + "\tx\n",
    "id of 5,000 digits": "T1\tPER 0 5\tAlice\nT" + "9" * 5000 + "\tPER 0 5\tAlice\n",
}


@pytest.mark.parametrize("case", sorted(BRAT_BAD))
def test_brat_bad_line_is_a_clean_error(tmp_path, case):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "doc.txt").write_text(BRAT_TEXT, encoding="utf-8")
    (folder / "doc.ann").write_text(BRAT_BAD[case], encoding="utf-8")
    db = tmp_path / "a.db"
    before = _fresh(db)
    out = _assert_clean_failure(_run(db, "import", "--format", "brat", str(folder)), db, before)
    assert f"{folder / 'doc.ann'}:2: " in out or f"{folder / 'doc.ann'}:1: " in out, out


def test_brat_unknown_type_reported_beside_a_bad_line(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "annotation.conf").write_text(
        "[entities]\nPER\n[relations]\n[events]\n[attributes]\n", encoding="utf-8")
    (folder / "doc.txt").write_text(BRAT_TEXT, encoding="utf-8")
    (folder / "doc.ann").write_text("T1\tPER 0 5\tAlice\nT2\tNoSuchType 10 13\tBob\nT3\tPER 99 120\tx\n",
                                    encoding="utf-8")
    db = tmp_path / "a.db"
    before = _fresh(db)
    out = _assert_clean_failure(_run(db, "import", "--format", "brat", str(folder)), db, before)
    ann = folder / "doc.ann"
    assert f"{ann}:3: " in out and f"{ann}:2: " in out and "NoSuchType" in out, out


def test_annotation_conf_macro_bomb_and_long_names_are_clean_errors(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    macros = "".join(f"<M{i}>=<M{i + 1}><M{i + 1}>\n" for i in range(40)) + "<M40>=x\n"
    (folder / "annotation.conf").write_text(
        macros + "[entities]\nPER\n<M0>\n" + "Q" * 10_000 + "\n[relations]\n[events]\n[attributes]\n",
        encoding="utf-8")
    (folder / "doc.txt").write_text(BRAT_TEXT, encoding="utf-8")
    (folder / "doc.ann").write_text("T1\tPER 0 5\tAlice\n", encoding="utf-8")
    db = tmp_path / "a.db"
    before = _fresh(db)
    out = _assert_clean_failure(_run(db, "import", "--format", "brat", str(folder)), db, before)
    conf = folder / "annotation.conf"
    assert f"{conf}:44: line longer than" in out and f"{conf}:45: type name of 10000 characters" in out, out
    assert max(len(line) for line in out.splitlines()) < 500


def test_schema_toml_nested_too_deeply_is_a_clean_error(tmp_path):
    schema = tmp_path / "deep.toml"
    schema.write_text('name = "deep"\nx = ' + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    doc = tmp_path / "a.txt"
    doc.write_text("Alice", encoding="utf-8")
    db = tmp_path / "a.db"
    before = _fresh(db)
    out = _assert_clean_failure(_run(db, "import", "--schema", str(schema), str(doc)), db, before)
    assert f"{schema}:2: invalid TOML: arrays or tables nested too deeply" in out, out
