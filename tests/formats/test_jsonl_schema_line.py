"""JSONL carries the schemas stored in the database (issue 15, item 7).

A brat corpus imported with its .conf, exported to JSONL, imports alone into
an empty database and exports to brat again with its .conf files. Real
command line, real SQLite, brat's own tutorial corpus.
"""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from tests.conftest import DATA, db_snapshot
from tui.cli.main import cli

NEWS = DATA / "brat" / "news"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def _brat_jsonl(tmp_path):
    db = tmp_path / "brat.db"
    assert run("--db", str(db), "import", "--format", "brat", str(NEWS)).exit_code == 0
    out = tmp_path / "news.jsonl"
    assert run("--db", str(db), "export", "--format", "jsonl", "--out", str(out)).exit_code == 0
    return out


def test_jsonl_of_a_brat_corpus_imports_alone_and_exports_its_conf(tmp_path):
    out = _brat_jsonl(tmp_path)
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    schema_lines = [x for x in lines if "text" not in x]
    assert len(schema_lines) == 1 and lines[0] is schema_lines[0]
    name = lines[0]["schema"]["name"]
    assert all(x["schema"] == name for x in lines[1:])
    fresh = tmp_path / "fresh.db"
    result = run("--db", str(fresh), "import", str(out))
    assert result.exit_code == 0, result.output
    brat = tmp_path / "brat-out"
    result = run("--db", str(fresh), "export", "--format", "brat", "--out", str(brat))
    assert result.exit_code == 0, result.output
    direct = tmp_path / "brat-direct"
    assert run("--db", str(tmp_path / "brat.db"), "export", "--format", "brat", "--out", str(direct)).exit_code == 0
    for conf in ("annotation.conf", "visual.conf"):
        assert (brat / conf).read_bytes() == (direct / conf).read_bytes()
    again = tmp_path / "again.jsonl"
    assert run("--db", str(fresh), "export", "--format", "jsonl", "--out", str(again)).exit_code == 0
    assert again.read_bytes() == out.read_bytes()


def test_a_broken_schema_line_is_one_error_and_changes_nothing(tmp_path):
    out = _brat_jsonl(tmp_path)
    lines = out.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    record["schema"]["source"] = "[[entities]\nname = "
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([json.dumps(record)] + lines[1:]) + "\n", encoding="utf-8")
    db = tmp_path / "x.db"
    assert run("--db", str(db), "import", str(DATA / "brat" / "news" / "000-introduction.txt")).exit_code == 0
    before = db_snapshot(db)
    result = run("--db", str(db), "import", str(bad))
    assert result.exit_code != 0
    first = result.output.strip().splitlines()[0]
    assert first.startswith(f"tui: error: {bad}:1: schema ") or f"{bad}:1: schema " in first, result.output
    assert "Traceback" not in result.output
    assert db_snapshot(db) == before


def test_schema_line_validates_against_the_documented_json_schema(tmp_path):
    import jsonschema

    from tests.conftest import ROOT

    doc_schema = json.loads((ROOT / "docs" / "tui-jsonl.schema.json").read_text(encoding="utf-8"))
    out = _brat_jsonl(tmp_path)
    for line in out.read_text(encoding="utf-8").splitlines():
        jsonschema.validate(json.loads(line), doc_schema)


def test_preset_schemas_write_no_schema_line(tmp_path):
    db = tmp_path / "a.db"
    src = tmp_path / "a.txt"
    shutil.copy(DATA / "brat" / "news" / "000-introduction.txt", src)
    assert run("--db", str(db), "import", str(src)).exit_code == 0
    out = tmp_path / "a.jsonl"
    assert run("--db", str(db), "export", "--format", "jsonl", "--out", str(out)).exit_code == 0
    assert all("text" in json.loads(x) for x in out.read_text(encoding="utf-8").splitlines())
