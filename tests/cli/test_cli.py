"""The command line: exact output, exit codes, one-line errors, database untouched on failure."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from tests.conftest import ROOT, SEED, db_snapshot
from tui.cli.main import cli


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_import_list_export_shows_seed_with_exact_text(tmp_path):
    """`tui import seeds/ && tui list && tui export --format jsonl` shows the seed's exact text."""
    db = str(tmp_path / "a.db")
    r = run("--db", db, "import", str(ROOT / "seeds"))
    assert r.exit_code == 0, r.output
    assert r.output == "1 document(s) imported, 0 unchanged; 0 annotation(s) added\n"
    r = run("--db", db, "list")
    assert r.exit_code == 0
    assert r.output.splitlines()[1].split()[:4] == ["basra-offensive", "new", "2851", "0"]
    r = run("--db", db, "export", "--format", "jsonl")
    line = json.loads(r.output)
    assert line["name"] == "basra-offensive"
    assert line["text"] == SEED.read_bytes().decode("utf-8")


def test_options_before_and_after_subcommand(tmp_path, monkeypatch):
    """--db and --annotator work before and after the subcommand; the command line beats TUI_DB."""
    db = str(tmp_path / "x.db")
    monkeypatch.setenv("TUI_DB", str(tmp_path / "env.db"))
    assert run("import", str(SEED), "--db", db).exit_code == 0
    assert "basra-offensive" in run("--db", db, "list").output
    assert "basra-offensive" in run("list", "--db", db).output
    assert "annotator: carol" in run("list", "--db", db, "--annotator", "carol").output
    assert "annotator: dave" in run("--annotator", "dave", "list", "--db", db).output
    assert not (tmp_path / "env.db").exists()
    # and TUI_DB alone is honoured (a read-only command does not create it; a writing one does)
    assert "env.db: no such database" in run("list").output
    assert not (tmp_path / "env.db").exists()
    assert run("import", str(SEED)).exit_code == 0
    assert (tmp_path / "env.db").exists()


def test_reimport_same_is_noop(tmp_path):
    db = str(tmp_path / "a.db")
    run("--db", db, "import", str(SEED))
    before = db_snapshot(tmp_path / "a.db")
    r = run("--db", db, "import", str(SEED))
    assert r.output == "0 document(s) imported, 1 unchanged; 0 annotation(s) added\n"
    after = db_snapshot(tmp_path / "a.db")
    # only the log gained an (empty-change) entry at most; documents are identical
    assert after["documents"] == before["documents"]


def test_folder_names_are_relative_paths_without_extension(tmp_path):
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("alpha", encoding="utf-8")
    (src / "sub" / "b.md").write_text("# Beta\n\n*bold*", encoding="utf-8")
    db = str(tmp_path / "a.db")
    assert run("--db", db, "import", str(src)).exit_code == 0
    out = run("--db", db, "export").output.splitlines()
    docs = {json.loads(line)["name"]: json.loads(line) for line in out}
    assert set(docs) == {"a", "sub/b"}
    assert docs["sub/b"]["source"] == "# Beta\n\n*bold*"
    assert docs["sub/b"]["text"].startswith("Beta\n")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"ok\xffno", "bad.txt: invalid UTF-8 at byte 2"),
        (b"", "bad.txt: empty file"),
        (b"PK\x03\x04\x00\x00binary", "bad.txt: binary file (NUL byte at byte 4)"),
    ],
)
def test_bad_input_one_line_error_nonzero_db_unchanged(tmp_path, content, message):
    db = tmp_path / "a.db"
    run("--db", str(db), "import", str(SEED))
    before = db_snapshot(db)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    r = CliRunner().invoke(cli, ["--db", str(db), "import", str(SEED), str(bad)])
    assert r.exit_code == 1
    assert f"tui: error: {bad.parent}/{message}" in r.output
    assert "Traceback" not in r.output
    assert db_snapshot(db) == before


def test_directory_with_mixed_files_imports_nothing(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.txt").write_text("good text", encoding="utf-8")
    (src / "bad.txt").write_bytes(b"\xc3\x28")
    db = tmp_path / "a.db"
    r = CliRunner().invoke(cli, ["--db", str(db), "import", str(src)])
    assert r.exit_code == 1
    assert "bad.txt: invalid UTF-8 at byte 0" in r.output
    assert "nothing was written" in r.output
    assert "no documents" in run("--db", str(db), "list").output


def test_changed_text_same_name_refused(tmp_path):
    db = tmp_path / "a.db"
    f = tmp_path / "doc.txt"
    f.write_text("first", encoding="utf-8")
    run("--db", str(db), "import", str(f))
    before = db_snapshot(db)
    f.write_text("second", encoding="utf-8")
    r = CliRunner().invoke(cli, ["--db", str(db), "import", str(f)])
    assert r.exit_code == 1
    assert "already exists with a different text" in r.output
    assert db_snapshot(db) == before


def test_missing_path_and_not_sqlite(tmp_path):
    r = CliRunner().invoke(cli, ["--db", str(tmp_path / "a.db"), "import", str(tmp_path / "nope.txt")])
    assert r.exit_code == 1 and "nope.txt: no such file or directory" in r.output
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"hello world, not sqlite" * 50)
    r = CliRunner().invoke(cli, ["--db", str(junk), "list"])
    assert r.exit_code == 1
    assert r.output.strip() == f"tui: error: {junk}: not a SQLite database (bad header)"


def test_check_reports_problems_and_exit_code(tmp_path):
    db = tmp_path / "a.db"
    run("--db", str(db), "import", str(SEED))
    r = run("--db", str(db), "check")
    assert r.exit_code == 0 and r.output.startswith("ok")
    import sqlite3

    c = sqlite3.connect(db)
    c.execute("UPDATE documents SET text = text || 'x'")
    c.commit()
    c.close()
    r = CliRunner().invoke(cli, ["--db", str(db), "check"])
    assert r.exit_code == 1
    assert "basra-offensive: text does not match its sha256" in r.output


def test_export_filters_layer_status_and_doc(tmp_path):
    from tui.core.model import Span
    from tui.core.store import Store

    db = tmp_path / "a.db"
    run("--db", str(db), "import", str(SEED))
    for who, status in (("alice", "accepted"), ("bob", "pending")):
        s = Store(db, annotator=who)
        d = s.document("basra-offensive")
        s.add(Span(doc_id=d.id, label="GPE", fragments=[(34, 39)], status=status))
        s.close()
    def spans(*extra):
        out = run("--db", str(db), "export", *extra).output
        return [(sp["annotator"], sp["status"]) for sp in json.loads(out)["spans"]]
    assert sorted(spans()) == [("alice", "accepted"), ("bob", "pending")]
    assert spans("--layer", "bob") == [("bob", "pending")]
    assert spans("--status", "accepted") == [("alice", "accepted")]
    assert run("--db", str(db), "export", "--doc-status", "done").output == ""
    r = CliRunner().invoke(cli, ["--db", str(db), "export", "--doc", "nope"])
    assert r.exit_code == 1 and "no document named 'nope'" in r.output


def test_export_to_file_and_jsonl_import_round_trip(tmp_path):
    db = tmp_path / "a.db"
    run("--db", str(db), "import", str(SEED))
    out = tmp_path / "out.jsonl"
    assert run("--db", str(db), "export", "--out", str(out)).exit_code == 0
    db2 = tmp_path / "b.db"
    assert run("--db", str(db2), "import", str(out)).exit_code == 0
    out2 = tmp_path / "out2.jsonl"
    run("--db", str(db2), "export", "--out", str(out2))
    assert out.read_bytes() == out2.read_bytes()


def test_every_command_has_help_with_example():
    """Every command and subcommand answers --help and shows an example."""
    def walk(cmd, path):
        yield cmd, path
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                yield from walk(sub, [*path, name])
    for _cmd, path in walk(cli, []):
        r = CliRunner().invoke(cli, [*path, "--help"])
        assert r.exit_code == 0, path
        assert "Example:" in r.output, path


def test_no_terminal_prints_listing(tmp_path):
    """`tui` with no terminal attached prints the listing and exits 0."""
    db = tmp_path / "a.db"
    run("--db", str(db), "import", str(SEED))
    p = subprocess.run([sys.executable, "-m", "tui", "--db", str(db)], capture_output=True, text=True,
                       stdin=subprocess.DEVNULL, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "basra-offensive" in p.stdout


def test_core_does_not_import_textual():
    """Importing the core and running headless commands never loads Textual or Rich."""
    code = (
        "import sys, tui.core.store, tui.core.formats.jsonl, tui.core.formats.text, tui.core.schema, "
        "tui.core.text.markdown, tui.core.listing, tui.cli.main; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr


def test_read_commands_leave_an_older_database_alone_and_say_how_to_upgrade(tmp_path):
    """`tui export` on a version-1 database neither migrates it nor writes a backup: it says
    that any writing command upgrades it; after `tui open` (which does, with a backup) it exports."""
    import shutil

    from tests.conftest import DATA

    db = tmp_path / "old.db"
    shutil.copy(DATA / "db" / "v1.db", db)
    r = run("--db", str(db), "export")
    assert r.exit_code == 1
    assert "database is version 1, run `tui` or any writing command once to upgrade it" in r.output
    assert not list(tmp_path.glob("old.db.v1-*.bak"))
    assert run("--db", str(db), "open").exit_code == 0
    assert list(tmp_path.glob("old.db.v1-*.bak")), "no backup was written before migrating"
    r = run("--db", str(db), "export")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["name"] == "v1-article"


def test_read_commands_refuse_a_newer_database(tmp_path):
    import sqlite3

    db = tmp_path / "new.db"
    run("--db", str(db), "import", str(SEED))
    c = sqlite3.connect(db)
    c.execute("PRAGMA user_version = 999")
    c.commit()
    c.close()
    r = CliRunner().invoke(cli, ["--db", str(db), "export"])
    assert r.exit_code == 1
    assert "newer than this tui supports" in r.output
